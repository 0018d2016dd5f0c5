import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, parseScenario } from './scenario-validator';
import { ValidationError } from './validation';

const SHARED = join(__dirname, '../../../../shared/scenarios');

function minimal(): Record<string, any> {
  return {
    version: 1,
    clock: '2026-11-25T03:10:00Z',
    power: {
      ups: [{ id: 'ups-a', onBattery: true, runtimeSeconds: 900, capacityW: 40000 }],
      pdus: [{ id: 'pdu-a1', ups: 'ups-a', capacityW: 11000 }],
    },
    hosts: [
      {
        id: 'host-1',
        cluster: 'c1',
        cpuMhz: 76800,
        memMb: 524288,
        pdus: ['pdu-a1'],
        datastores: ['ds-1'],
        networks: ['vm-net'],
        powerIdleW: 180,
        powerPeakW: 650,
        attested: true,
        maintenance: false,
        connected: true,
      },
    ],
    components: [
      {
        id: 'vm-1',
        name: 'db',
        kind: 'vm',
        layer: 'critical',
        host: 'host-1',
        cpuMhz: 9600,
        memMb: 65536,
        datastores: ['ds-1'],
        networks: ['vm-net'],
      },
    ],
    event: { type: 'ups_on_battery', target: 'ups-a', runtimeSeconds: 720 },
  };
}

describe('scenario validation', () => {
  it('accepts a minimal scenario and fills the documented default limits', () => {
    const s = parseScenario(minimal());
    expect(s.limits.vmotionPerHost).toBe(8);
    expect(s.limits.maxHostUtilization).toBe(0.9);
  });

  it.each(readdirSync(SHARED).filter((f) => f.endsWith('.json')))('accepts the shared example %s', (file) => {
    const result = checkScenario(JSON.parse(readFileSync(join(SHARED, file), 'utf8')));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('refuses a wrong type three levels deep, naming the path and the expectation', () => {
    const s = minimal();
    s.hosts[0].pdus[0] = 42;
    const result = checkScenario(s);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      {
        path: '$.hosts[0].pdus[0]',
        expected: 'the id of a PDU in $.power.pdus (non-empty string)',
        found: 'the number 42',
      },
    ]);
    expect(() => parseScenario(s)).toThrow(ValidationError);
    expect(() => parseScenario(s)).toThrow(/\$\.hosts\[0\]\.pdus\[0\]: expected the id of a PDU/);
  });

  it('names a missing field and an out-of-range value', () => {
    const s = minimal();
    delete s.components[0].layer;
    s.power.ups[0].capacityW = -5;
    const result = checkScenario(s);
    if (result.ok) throw new Error('should refuse');
    expect(result.issues.map((i) => i.path)).toEqual(['$.power.ups[0].capacityW', '$.components[0].layer']);
    expect(result.issues[1].found).toBe('nothing (the field is missing)');
    expect(result.issues[0].expected).toBe('a number >= 0 (watts)');
  });

  it('refuses unknown references and duplicate ids', () => {
    const s = minimal();
    s.components.push({ ...s.components[0], host: 'host-9', datastores: ['ds-x'], dependsOn: ['vm-404'] });
    s.hosts[0].pdus.push('pdu-zz');
    const result = checkScenario(s);
    if (result.ok) throw new Error('should refuse');
    const paths = result.issues.map((i) => i.path);
    expect(paths).toContain('$.components[1].id');
    expect(paths).toContain('$.components[1].host');
    expect(paths).toContain('$.components[1].datastores[0]');
    expect(paths).toContain('$.components[1].dependsOn[0]');
    expect(paths).toContain('$.hosts[0].pdus[1]');
  });

  it('refuses an event aimed at the wrong kind of thing', () => {
    const s = minimal();
    s.event = { type: 'pdu_overload', target: 'ups-a' };
    const result = checkScenario(s);
    if (result.ok) throw new Error('should refuse');
    expect(result.issues[0].path).toBe('$.event.target');
  });

  it('refuses input that is not an object at all', () => {
    const result = checkScenario('hello');
    if (result.ok) throw new Error('should refuse');
    expect(result.issues).toEqual([{ path: '$', expected: 'an object', found: 'the string "hello"' }]);
  });
});
