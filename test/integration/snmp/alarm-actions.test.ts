import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CONFIG, ApiTokenGuard } from '@app/application';
import { IngestMetrics, PgPowerEventSink, PowerIngest } from '@app/snmp';
import { AlarmActionsController } from '../../../apps/api/src/alarm-actions/alarm-actions.controller';
import { ALARM_INGEST } from '../../../apps/api/src/alarm-actions/tokens';
import type { TestDatabase } from '../../support/db';
import { createTestDatabase } from '../../support/db';

const TOKEN = 'alarm-test-token-0123456789abcdef';

describe('POST /api/v1/alarm-actions', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let ingest: PowerIngest;
  let metrics: IngestMetrics;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    metrics = new IngestMetrics(new Registry());
    ingest = new PowerIngest({
      sink: new PgPowerEventSink(db.dataSource),
      metrics,
      tracker: { confirmationDelayMs: 0 },
      flushMs: 1,
    });
    const mod = await Test.createTestingModule({
      controllers: [AlarmActionsController],
      providers: [
        { provide: ALARM_INGEST, useValue: ingest },
        { provide: APP_CONFIG, useValue: { api: { tokens: [TOKEN] } } },
        { provide: APP_GUARD, useClass: ApiTokenGuard },
      ],
    }).compile();
    app = mod.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const addr = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${addr.port}/api/v1/alarm-actions`;
  });

  afterAll(async () => {
    await app?.close();
    await ingest?.close();
    await db?.drop();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(base, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    });

  it('refuses a call without a valid token', async () => {
    expect((await post('{}', { authorization: '' })).status).toBe(401);
    expect((await post('{}', { authorization: 'Bearer wrong-token-but-long-enough' })).status).toBe(401);
  });

  it('stores the alarm environment as an event with its raw body, and returns it', async () => {
    const env = {
      VMWARE_ALARM_NAME: 'UPS on battery',
      VMWARE_ALARM_ID: 'alarm-7',
      VMWARE_ALARM_TARGET_NAME: 'esx-01.lab',
      VMWARE_ALARM_TARGET_ID: 'host-21',
      VMWARE_ALARM_OLDSTATUS: 'Green',
      VMWARE_ALARM_NEWSTATUS: 'Red',
      VMWARE_ALARM_EVENTDESCRIPTION: 'UPS ups-a reports on battery',
    };
    const res = await post(JSON.stringify(env));
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      outcome: string;
      decision: string;
      powerEventId: string;
      event: { kind: string };
    };
    expect(body).toMatchObject({
      outcome: 'accepted',
      decision: 'open',
      event: { kind: 'on_battery', device: 'esx-01.lab', deviceKind: 'host' },
    });
    const [row] = await db.dataSource.query(
      'SELECT kind, source, device, status, raw_event_id FROM power_events WHERE id = $1',
      [body.powerEventId],
    );
    expect(row).toMatchObject({
      kind: 'on_battery',
      source: 'alarm-action',
      device: 'esx-01.lab',
      status: 'open',
    });
    const [raw] = await db.dataSource.query('SELECT source, outcome, payload FROM raw_events WHERE id = $1', [
      row.raw_event_id,
    ]);
    expect(raw).toEqual({ source: 'alarm-action', outcome: 'accepted', payload: env });
  });

  it('answers a clear 400 naming each bad path, never a 500', async () => {
    const missing = await post(JSON.stringify({ VMWARE_ALARM_NAME: 'x', VMWARE_ALARM_NEWSTATUS: 'Blue' }));
    expect(missing.status).toBe(400);
    const m = (await missing.json()) as { message: string; issues: { path: string }[] };
    expect(m.issues.map((i) => i.path)).toEqual(['$.VMWARE_ALARM_TARGET_NAME', '$.VMWARE_ALARM_NEWSTATUS']);
    expect(m.message).toContain('$.VMWARE_ALARM_NEWSTATUS');
    for (const bad of ['[1,2]', '"text"', '{"alarmName": 5}', '{not json', 'null']) {
      const r = await post(bad);
      expect(r.status, bad).toBeGreaterThanOrEqual(400);
      expect(r.status, bad).toBeLessThan(500);
    }
    const plain = await post('VMWARE_ALARM_NAME=x', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(await metrics.value('alarm-action', 'rejected', 'invalid_body')).toBeGreaterThanOrEqual(4);
  });

  it('a green status closes the incident the red one opened', async () => {
    const res = await post(
      JSON.stringify({
        alarmName: 'UPS on battery',
        targetName: 'esx-01.lab',
        newStatus: 'Green',
        oldStatus: 'Red',
      }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ decision: 'close', event: { kind: 'power_restored' } });
    const open = await db.dataSource.query(
      `SELECT id FROM power_events WHERE device = 'esx-01.lab' AND status = 'open'`,
    );
    expect(open).toEqual([]);
  });
});
