import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main';

const fixture = join(__dirname, '../../../../test/fixtures/scenarios');
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env: {} });
  return { code, out, err };
}

describe('layershift plan', () => {
  it('prints the plan JSON and exits 0', async () => {
    const r = await run(['plan', '--scenario', join(fixture, 'maintenance.json')]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out);
    expect(p.version).toBe(1);
    expect(p.actions.length).toBeGreaterThan(0);
  });
  it('writes --out, same bytes apart from plannerMs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-plan-'));
    const a = join(dir, 'a.json');
    expect((await run(['plan', '--scenario', join(fixture, 'ups-on-battery.json'), '--out', a])).code).toBe(
      0,
    );
    const b = await run(['plan', '--scenario', join(fixture, 'ups-on-battery.json')]);
    const strip = (t: string): string => t.replace(/"plannerMs": [0-9.e-]+/, '"plannerMs": 0');
    expect(strip(readFileSync(a, 'utf8'))).toBe(strip(b.out));
  });
  it('refuses an invalid scenario with exit 2 and the JSON paths', async () => {
    const r = await run(['plan', '--scenario', join(fixture, 'invalid-refs.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('$.hosts[1].cpuMhz');
  });
  it('refuses unreadable files and broken JSON with exit 2', async () => {
    expect((await run(['plan', '--scenario', '/nonexistent/x.json'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'ls-plan-'));
    writeFileSync(join(dir, 'bad.json'), '{"version": 1,');
    const r = await run(['plan', '--scenario', join(dir, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('$: expected valid JSON');
  });
  it('needs --scenario', async () => {
    expect((await run(['plan'])).code).toBe(2);
  });
});
