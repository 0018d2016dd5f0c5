import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult, ReceiverConfig, TrapReceiver } from '@app/snmp';
import { IngestMetrics, PgPowerEventSink, PgTopologyLookup, PowerIngest, createTrapService } from '@app/snmp';
import type { ReceivedTrap } from '@app/snmp';
import { PduEntity, UpsEntity } from '@app/persistence';
import type { TestDatabase } from '../../support/db';
import { createTestDatabase } from '../../support/db';
import { captureOne, memoryLogger, runTool, sendUdp, waitFor, v2c, v3 } from './support';

/** Secrets of this test: none may appear in a log line, a stored row or an error. */
const COMMUNITY = 'tr4p-c0mmunity-x9';
const WRONG_COMMUNITY = 'wr0ng-c0mmunity-q7';
const V3 = { name: 'layershift-ops', authKey: 'auth-k3y-Zq81pp', privKey: 'priv-k3y-Lm22rr' };
const WRONG_KEY = 'n0t-the-k3y-Xx55';
const SECRETS = [COMMUNITY, WRONG_COMMUNITY, V3.authKey, V3.privKey, WRONG_KEY];

describe('SNMP trap receiver with real snmptrap/snmpinform, persisted in PostgreSQL', () => {
  let db: TestDatabase;
  let ingest: PowerIngest;
  let receiver: TrapReceiver;
  let port: number;
  let metrics: IngestMetrics;
  const log = memoryLogger();
  const results: { trap: ReceivedTrap; r: IngestResult }[] = [];
  const rejects: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    await db.dataSource
      .getRepository(UpsEntity)
      .save([
        { id: 'ups-a', name: 'ups-a', address: '10.20.0.5', sysName: null, serial: null, capacityW: 20000 },
      ]);
    await db.dataSource.getRepository(PduEntity).save([
      {
        id: 'pdu-a1',
        upsId: 'ups-a',
        address: null,
        sysName: null,
        serial: 'ZA1911000111',
        capacityW: 7000,
      },
    ]);
    const topology = new PgTopologyLookup(db.dataSource);
    await topology.refresh();
    metrics = new IngestMetrics(new Registry());
    ingest = new PowerIngest({
      sink: new PgPowerEventSink(db.dataSource),
      topology,
      metrics,
      logger: log.logger,
      preserialize: true,
      tracker: { confirmationDelayMs: 0 },
    });
    const config: ReceiverConfig = {
      address: '127.0.0.1',
      port: 0,
      communities: [COMMUNITY],
      users: [
        {
          name: V3.name,
          authProtocol: 'sha256',
          authKey: V3.authKey,
          privProtocol: 'aes',
          privKey: V3.privKey,
        },
      ],
      allowAuthNoPriv: false,
      allowedSources: ['127.0.0.0/8'],
    };
    receiver = createTrapService(config, ingest, {
      onResult: (trap, r) => {
        if (!('error' in r)) results.push({ trap, r });
      },
      onReject: (reason) => rejects.push(reason),
    });
    port = (await receiver.start()).port;
  });

  afterAll(async () => {
    await receiver?.close();
    await ingest?.close();
    await db?.drop();
  });

  const target = () => `127.0.0.1:${port}`;
  /** snmptrap -v 2c with the right community to the receiver: the trap OID, then varbinds (oid type value ...) */
  const trapV2c = (trapOid: string, ...varbinds: string[]) =>
    runTool('snmptrap', [...v2c(COMMUNITY), target(), '', trapOid, ...varbinds]);
  const next = async (n: number) => waitFor(`${n} results`, () => results.length >= n && results[n - 1]);
  const rowsOf = (rawId: string) =>
    db.dataSource.query(
      `SELECT kind, source, device, device_kind, status, runtime_seconds, repeat_count FROM power_events WHERE raw_event_id = $1`,
      [rawId],
    );

  it('v2c UPS-MIB upsTrapOnBattery becomes an on_battery event with its runtime, stored with its raw trap', async () => {
    const r = await trapV2c(
      '1.3.6.1.2.1.33.2.1',
      '1.3.6.1.2.1.33.1.2.3.0',
      'i',
      '7',
      '1.3.6.1.2.1.33.1.2.2.0',
      'i',
      '42',
    );
    expect(r.code).toBe(0);
    const { trap, r: res } = await next(1);
    expect(trap).toMatchObject({ version: 'v2c', pdu: 'trapv2', trapOid: '1.3.6.1.2.1.33.2.1' });
    expect(res).toMatchObject({
      outcome: 'accepted',
      decision: 'open',
      decoded: { trapName: 'upsTrapOnBattery', kind: 'on_battery' },
    });
    expect(await rowsOf(res.rawId!)).toEqual([
      {
        kind: 'on_battery',
        source: 'snmp-trap',
        device: '127.0.0.1',
        device_kind: 'ups',
        status: 'open',
        runtime_seconds: 420,
        repeat_count: 1,
      },
    ]);
    const [raw] = await db.dataSource.query(
      `SELECT outcome, remote_address, payload FROM raw_events WHERE id = $1`,
      [res.rawId],
    );
    expect(raw).toMatchObject({ outcome: 'accepted', remote_address: '127.0.0.1' });
    expect(raw.payload.trap.trapOid).toBe('1.3.6.1.2.1.33.2.1');
    expect(raw.payload.decoded).toEqual({
      name: 'upsTrapOnBattery',
      mib: 'UPS-MIB',
      vendor: 'ietf',
      kind: 'on_battery',
    });
  });

  it('v1 APC upsOnBattery (enterprise apc, specific 5) maps to the topology UPS by agent address', async () => {
    const r = await runTool('snmptrap', [
      '-v',
      '1',
      '-c',
      COMMUNITY,
      target(),
      '1.3.6.1.4.1.318',
      '10.20.0.5',
      '6',
      '5',
      '',
      '1.3.6.1.4.1.318.2.3.3.0',
      's',
      'UPS: On battery power in response to an input power problem.',
    ]);
    expect(r.code).toBe(0);
    const { trap, r: res } = await next(2);
    expect(trap).toMatchObject({
      version: 'v1',
      pdu: 'trap',
      trapOid: '1.3.6.1.4.1.318.0.5',
      agentAddr: '10.20.0.5',
    });
    expect(res.decoded).toMatchObject({ trapName: 'upsOnBattery', vendor: 'apc' });
    expect(await rowsOf(res.rawId!)).toEqual([
      expect.objectContaining({ kind: 'on_battery', device: 'ups-a', status: 'open' }),
    ]);
  });

  it('a v2c Eaton inform is acknowledged (snmpinform exits 0) and decoded', async () => {
    const r = await runTool('snmpinform', [
      ...v2c(COMMUNITY),
      '-t',
      '2',
      '-r',
      '1',
      target(),
      '',
      '1.3.6.1.4.1.534.1.11.4.1.0.4',
      '1.3.6.1.4.1.534.1.7.2.1.1.0',
      'i',
      '12',
      '1.3.6.1.4.1.534.1.7.2.1.2.0',
      'o',
      '1.3.6.1.4.1.534.1.7.4',
    ]);
    expect(r.code).toBe(0);
    const { trap, r: res } = await next(3);
    expect(trap.pdu).toBe('inform');
    expect(res.decoded).toMatchObject({ trapName: 'xupstdLowBattery', vendor: 'eaton', kind: 'low_battery' });
    // Same device as the first trap (127.0.0.1): low battery escalates that open incident.
    expect(res).toMatchObject({ decision: 'update', outcome: 'duplicate' });
    const [row] = await db.dataSource.query(
      `SELECT kind, repeat_count FROM power_events WHERE dedup_key = '127.0.0.1|battery' AND status = 'open'`,
    );
    expect(row).toEqual({ kind: 'low_battery', repeat_count: 2 });
  });

  it('v3 authPriv (SHA-256, AES) is accepted', async () => {
    const r = await runTool('snmptrap', [
      ...v3({ name: V3.name, authKey: V3.authKey, privKey: V3.privKey }),
      target(),
      '',
      '1.3.6.1.2.1.33.2.0.1',
      '1.3.6.1.2.1.33.1.2.3.0',
      'i',
      '25',
      '1.3.6.1.2.1.1.5.0',
      's',
      'ups-v3-test',
    ]);
    expect(r.code).toBe(0);
    const { trap, r: res } = await next(4);
    expect(trap).toMatchObject({ version: 'v3', user: V3.name, trapOid: '1.3.6.1.2.1.33.2.0.1' });
    expect(res.event).toMatchObject({ kind: 'on_battery', device: 'ups-v3-test', runtimeSeconds: 1500 });
    expect(await rowsOf(res.rawId!)).toHaveLength(1);
  });

  it('an rPDU overload maps to the topology PDU by its serial number', async () => {
    const r = await trapV2c(
      '1.3.6.1.4.1.318.0.276',
      '1.3.6.1.4.1.318.1.1.12.1.6.0',
      's',
      'ZA1911000111',
      '1.3.6.1.4.1.318.1.1.12.1.1.0',
      's',
      'rack7-pdu-a',
      '1.3.6.1.4.1.318.1.1.12.2.3.1.1.4.0',
      'i',
      '2',
      '1.3.6.1.4.1.318.2.3.3.0',
      's',
      'Rack PDU: Overload condition.',
    );
    expect(r.code).toBe(0);
    const { r: res } = await next(5);
    expect(res.decoded).toMatchObject({ trapName: 'rPDUOverload', phase: 2 });
    expect(await rowsOf(res.rawId!)).toEqual([
      expect.objectContaining({ kind: 'overload', device: 'pdu-a1', device_kind: 'pdu', status: 'open' }),
    ]);
  });

  it('a vCenter vpxdAlarmInfo trap becomes an event about its target host', async () => {
    const r = await trapV2c(
      '1.3.6.1.4.1.6876.4.3.0.203',
      '1.3.6.1.4.1.6876.4.3.308.0',
      'i',
      '2',
      '1.3.6.1.4.1.6876.4.3.304.0',
      's',
      'Green',
      '1.3.6.1.4.1.6876.4.3.305.0',
      's',
      'Red',
      '1.3.6.1.4.1.6876.4.3.306.0',
      's',
      'Host connection and power state',
      '1.3.6.1.4.1.6876.4.3.307.0',
      's',
      'esx-12.lab',
    );
    expect(r.code).toBe(0);
    const { r: res } = await next(6);
    expect(res.decoded).toMatchObject({ trapName: 'vpxdAlarmInfo', vendor: 'vmware' });
    expect(await rowsOf(res.rawId!)).toEqual([
      expect.objectContaining({ kind: 'host_failure', device: 'esx-12.lab', device_kind: 'host' }),
    ]);
  });

  it('stores an unknown trap raw and counts it', async () => {
    await trapV2c('1.3.6.1.4.1.99999.0.7', '1.3.6.1.4.1.99999.1.0', 's', 'who knows');
    const { r: res } = await next(7);
    expect(res.outcome).toBe('unknown');
    const [raw] = await db.dataSource.query(`SELECT outcome FROM raw_events WHERE id = $1`, [res.rawId]);
    expect(raw.outcome).toBe('unknown');
    expect(await metrics.value('snmp-trap', 'unknown')).toBe(1);
  });

  it('rejects wrong community, wrong v3 keys, a v3 replay and garbage, counts them, logs no secret, keeps serving', async () => {
    const before = results.length;
    await runTool('snmptrap', [...v2c(WRONG_COMMUNITY), target(), '', '1.3.6.1.2.1.33.2.1']);
    await runTool('snmptrap', [
      ...v3({ name: V3.name, authKey: WRONG_KEY, privKey: V3.privKey }),
      target(),
      '',
      '1.3.6.1.2.1.33.2.1',
    ]);
    await runTool('snmptrap', [
      ...v3({ name: V3.name, authKey: V3.authKey, privKey: WRONG_KEY }),
      target(),
      '',
      '1.3.6.1.2.1.33.2.1',
    ]);
    await runTool('snmptrap', [
      ...v3({ name: 'nobody', authKey: V3.authKey, privKey: V3.privKey }),
      target(),
      '',
      '1.3.6.1.2.1.33.2.1',
    ]);
    await runTool('snmptrap', [
      ...v3({ name: V3.name, authKey: V3.authKey }),
      target(),
      '',
      '1.3.6.1.2.1.33.2.1',
    ]);
    await sendUdp(port, Buffer.from('definitely not BER'));
    await sendUdp(port, Buffer.from([0x30, 0x82, 0xff, 0xff, 0x02, 0x01]));
    // A v3 trap captured on the wire, then delivered twice: the second copy is a replay.
    const tap = await captureOne();
    await runTool('snmptrap', [
      ...v3({ name: V3.name, authKey: V3.authKey, privKey: V3.privKey }),
      `127.0.0.1:${tap.port}`,
      '',
      '1.3.6.1.4.1.318.0.9',
    ]);
    const packet = await tap.packet;
    tap.close();
    await sendUdp(port, packet);
    await waitFor('the captured trap', () => results.length >= before + 1);
    await sendUdp(port, packet);
    await waitFor('all rejections', () => rejects.length >= 8);
    expect([...rejects].sort()).toEqual(
      [
        'auth_failed',
        'bad_community',
        'decrypt_failed',
        'malformed',
        'malformed',
        'replay',
        'security_level',
        'unknown_user',
      ].sort(),
    );
    for (const reason of [
      'bad_community',
      'auth_failed',
      'decrypt_failed',
      'unknown_user',
      'security_level',
      'malformed',
      'replay',
    ])
      expect(await metrics.value('snmp-trap', 'rejected', reason), reason).toBeGreaterThan(0);
    // Still serving.
    await trapV2c('1.3.6.1.2.1.33.2.1', '1.3.6.1.2.1.33.1.2.3.0', 'i', '6');
    await waitFor('a trap after the rejections', () => results.length >= before + 2);
    expect(results.at(-1)!.r.decoded?.trapName).toBe('upsTrapOnBattery');
    // Rejections were logged, by reason, without any secret.
    const rejectLines = log.lines.filter((l) => l.includes('power input rejected'));
    expect(rejectLines.length).toBeGreaterThanOrEqual(5);
    expect(rejectLines.some((l) => l.includes('"reason":"bad_community"'))).toBe(true);
    const everything =
      log.lines.join('\n') +
      JSON.stringify(await db.dataSource.query('SELECT payload FROM raw_events')) +
      JSON.stringify(await db.dataSource.query('SELECT raw, detail FROM power_events'));
    for (const s of SECRETS) expect(everything).not.toContain(s);
  });
});

describe('source allow-list', () => {
  it('drops datagrams from a sender outside the list before net-snmp sees them (no inform ack)', async () => {
    const metrics = new IngestMetrics(new Registry());
    const { MemoryPowerEventSink } = await import('@app/snmp');
    const ingest = new PowerIngest({ sink: new MemoryPowerEventSink(), metrics });
    const rejects: string[] = [];
    const rx = createTrapService(
      {
        address: '127.0.0.1',
        port: 0,
        communities: [COMMUNITY],
        users: [],
        allowAuthNoPriv: false,
        allowedSources: ['10.0.0.0/8'],
      },
      ingest,
      { onReject: (reason) => rejects.push(reason) },
    );
    const p = (await rx.start()).port;
    try {
      const r = await runTool('snmpinform', [
        ...v2c(COMMUNITY),
        '-t',
        '1',
        '-r',
        '0',
        `127.0.0.1:${p}`,
        '',
        '1.3.6.1.2.1.33.2.1',
      ]);
      expect(r.code).not.toBe(0); // no acknowledgement: the inform times out
      await waitFor('the rejection', () => rejects.length >= 1);
      expect(rejects[0]).toBe('disallowed_source');
      expect(await metrics.value('snmp-trap', 'rejected', 'disallowed_source')).toBeGreaterThanOrEqual(1);
      expect(rx.stats.traps).toBe(0);
    } finally {
      await rx.close();
      await ingest.close();
    }
  });
});
