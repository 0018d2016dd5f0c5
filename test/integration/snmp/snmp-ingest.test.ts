import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@app/domain';
import type { PersistedDecision, SnmpIngestHandle } from '@app/snmp';
import { pollTargetsFromEnv, startSnmpIngest } from '@app/snmp';
import type { TestDatabase } from '../../support/db';
import { createTestDatabase } from '../../support/db';
import { memoryLogger, runTool, waitFor, v2c } from './support';

const COMMUNITY = 'w0rker-c0mm-5521';

describe('startSnmpIngest (the worker wiring) from the environment', () => {
  let db: TestDatabase;
  let h: SnmpIngestHandle | undefined;
  const heard: PersistedDecision[] = [];
  const log = memoryLogger();

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.drop();
  });

  it('resumes an incident left open in PostgreSQL, so a repeat updates that row', async () => {
    await db.dataSource.query(
      `INSERT INTO power_events (id, kind, source, device, device_kind, dedup_key, status, occurred_at, runtime_seconds, detail)
       VALUES ('00000000-0000-4000-8000-000000000001', 'on_battery', 'snmp-trap', 'ups-b', 'ups', 'ups-b|battery', 'open', now(), 900, 'before restart')`,
    );
    h = await startSnmpIngest({
      dataSource: db.dataSource,
      env: {
        SNMP_TRAP_ADDRESS: '127.0.0.1',
        SNMP_TRAP_PORT: '0',
        SNMP_COMMUNITIES: COMMUNITY,
        SNMP_ALLOWED_SOURCES: '127.0.0.1',
      },
      logger: log.logger,
      registry: new Registry(),
      onEvent: (d) => heard.push(d),
    });
    const r = await runTool('snmptrap', [
      ...v2c(COMMUNITY),
      `127.0.0.1:${h.address.port}`,
      '',
      '1.3.6.1.2.1.33.2.1',
      '1.3.6.1.2.1.33.1.2.3.0',
      'i',
      '12',
      '1.3.6.1.2.1.1.5.0',
      's',
      'ups-b',
    ]);
    expect(r.code).toBe(0);
    await waitFor('the update', () => heard.length >= 1);
    expect(heard[0]).toMatchObject({
      action: 'update',
      powerEventId: '00000000-0000-4000-8000-000000000001',
      revision: 1,
    });
    const rows = await db.dataSource.query(
      `SELECT id, runtime_seconds, repeat_count, status FROM power_events`,
    );
    expect(rows).toEqual([
      { id: '00000000-0000-4000-8000-000000000001', runtime_seconds: 720, repeat_count: 2, status: 'open' },
    ]);
    expect(log.lines.join('\n')).toContain('SNMP trap receiver listening');
    expect(log.lines.join('\n')).not.toContain(COMMUNITY);
  });

  it('validates poll targets by path without echoing their secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-poll-'));
    const f = join(dir, 'targets.json');
    writeFileSync(
      f,
      JSON.stringify([
        { device: 'ups-a', profile: 'ups-mib', address: '10.0.0.1', community: 'pollsecret-77' },
        { device: '', profile: 'x', address: '' },
      ]),
    );
    try {
      pollTargetsFromEnv({ SNMP_POLL_TARGETS_FILE: f });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        '$[1].device',
        '$[1].profile',
        '$[1].address',
        '$[1]',
      ]);
      expect((e as Error).message).not.toContain('pollsecret-77');
    }
  });
});
