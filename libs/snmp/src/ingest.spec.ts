import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PowerIngest } from './ingest';
import { IngestMetrics } from './metrics';
import type { IngestRecord, PowerEventSink } from './ports';
import { MemoryPowerEventSink, TopologyIndex } from './ports';
import type { ReceivedTrap } from './trap';

const trap = (
  trapOid: string,
  varbinds: ReceivedTrap['varbinds'] = [],
  address = '10.0.0.9',
): ReceivedTrap => ({
  version: 'v2c',
  pdu: 'trapv2',
  source: { address, port: 40000 },
  receivedAt: '2026-02-02T10:00:00.000Z',
  trapOid,
  varbinds,
});
const onBattery = (minutes: number, address?: string) =>
  trap('1.3.6.1.2.1.33.2.1', [{ oid: '1.3.6.1.2.1.33.1.2.3.0', type: 'Integer', value: minutes }], address);

function setup(sink: PowerEventSink = new MemoryPowerEventSink()) {
  let now = 0;
  const metrics = new IngestMetrics(new Registry());
  const topology = new TopologyIndex([
    { id: 'ups-a', kind: 'ups', address: '10.0.0.9', sysName: 'ups-a.lab', serial: 'AS1' },
    { id: 'pdu-a1', kind: 'pdu', address: '10.0.1.1', serial: 'ZA77' },
  ]);
  const ingest = new PowerIngest({
    sink,
    metrics,
    topology,
    clock: () => now,
    tracker: { confirmationDelayMs: 30_000, criticalRuntimeSeconds: 300 },
  });
  return { ingest, metrics, sink, advance: (ms: number) => (now += ms) };
}

describe('PowerIngest', () => {
  it('stores raw and event before any listener hears of it, mapped to the topology device', async () => {
    const order: string[] = [];
    const mem = new MemoryPowerEventSink();
    const sink: PowerEventSink = {
      async write(batch: readonly IngestRecord[]) {
        await mem.write(batch);
        order.push(`stored:${batch.flatMap((b) => b.ops.map((o) => o.op)).join(',')}`);
      },
    };
    const { ingest, metrics } = setup(sink);
    ingest.onEvent((d) => order.push(`heard:${d.action}:${d.event.device}`));
    const r = await ingest.ingestTrap(onBattery(3)); // 180 s < critical: opens at once
    expect(r).toMatchObject({
      outcome: 'accepted',
      decision: 'open',
      event: { device: 'ups-a', runtimeSeconds: 180 },
    });
    expect(order).toEqual(['stored:insert', 'heard:open:ups-a']);
    expect(mem.raws).toHaveLength(1);
    expect(mem.openRows()[0]).toMatchObject({ rawEventId: r.rawId, dedupKey: 'ups-a|battery' });
    expect(await metrics.value('snmp-trap', 'accepted')).toBe(1);
  });

  it('folds repeats into one open event and closes it on power restored', async () => {
    const { ingest, sink, metrics } = setup();
    const mem = sink as MemoryPowerEventSink;
    await ingest.ingestTrap(onBattery(4));
    await ingest.ingestTrap(onBattery(3));
    await ingest.ingestTrap(onBattery(3));
    expect(mem.openRows()).toHaveLength(1);
    expect(mem.openRows()[0]).toMatchObject({ repeatCount: 3, event: { runtimeSeconds: 180 } });
    expect(await metrics.value('snmp-trap', 'duplicate')).toBe(2);
    const r = await ingest.ingestTrap(trap('1.3.6.1.4.1.318.0.9', [], '10.0.0.9'));
    expect(r.decision).toBe('close');
    expect(mem.openRows()).toHaveLength(0);
    expect([...mem.rows.values()].map((x) => [x.event.kind, x.status])).toEqual([
      ['on_battery', 'closed'],
      ['power_restored', 'closed'],
    ]);
    expect(mem.raws).toHaveLength(4);
  });

  it('confirms a pending on-battery on tick, linked to the trap that started it', async () => {
    const { ingest, sink, advance } = setup();
    const mem = sink as MemoryPowerEventSink;
    const first = await ingest.ingestTrap(onBattery(20));
    expect(first).toMatchObject({ outcome: 'accepted', reason: 'pending_confirmation', decision: 'pending' });
    expect(mem.rows.size).toBe(0);
    advance(31_000);
    await ingest.tick();
    expect(mem.openRows()).toHaveLength(1);
    expect(mem.openRows()[0].rawEventId).toBe(first.rawId);
  });

  it('stores unknown traps raw and counts them; never drops them', async () => {
    const { ingest, sink, metrics } = setup();
    const r = await ingest.ingestTrap(
      trap('1.3.6.1.4.1.99999.0.1', [{ oid: '1.3.6.1.4.1.99999.1', type: 'OctetString', value: 'x' }]),
    );
    expect(r.outcome).toBe('unknown');
    expect((sink as MemoryPowerEventSink).raws[0]).toMatchObject({
      outcome: 'unknown',
      source: 'snmp-trap',
      remoteAddress: '10.0.0.9',
    });
    expect(await metrics.value('snmp-trap', 'unknown')).toBe(1);
  });

  it('counts rejections by reason', async () => {
    const { ingest, metrics } = setup();
    ingest.reject('snmp-trap', 'bad_community', { address: '10.9.9.9' });
    ingest.reject('snmp-trap', 'bad_community', { address: '10.9.9.9' });
    ingest.reject('snmp-trap', 'replay', { address: '10.9.9.9' });
    expect(await metrics.value('snmp-trap', 'rejected', 'bad_community')).toBe(2);
    expect(await metrics.value('snmp-trap', 'rejected', 'replay')).toBe(1);
  });

  it('maps an rPDU trap by serial even from another address', async () => {
    const { ingest } = setup();
    const r = await ingest.ingestTrap(
      trap(
        '1.3.6.1.4.1.318.0.276',
        [{ oid: '1.3.6.1.4.1.318.1.1.12.1.6.0', type: 'OctetString', value: 'ZA77' }],
        '192.168.5.5',
      ),
    );
    expect(r.event).toMatchObject({ device: 'pdu-a1', deviceKind: 'pdu', kind: 'overload' });
  });

  it('fails the ingest (and tells no listener) when the sink cannot store', async () => {
    const { ingest } = setup({ write: () => Promise.reject(new Error('db down')) });
    let heard = 0;
    ingest.onEvent(() => heard++);
    await expect(ingest.ingestTrap(onBattery(2))).rejects.toThrow('db down');
    expect(heard).toBe(0);
    expect(ingest.writeErrors).toBe(1);
  });
});

describe('PowerIngest decisions for the audit queue', () => {
  it('names the power_events row and a revision per new fact', async () => {
    const { ingest, sink } = setup();
    const heard: { action: string; id: string; rev: number }[] = [];
    ingest.onEvent((d) => heard.push({ action: d.action, id: d.powerEventId, rev: d.revision }));
    const a = await ingest.ingestTrap(onBattery(4));
    await ingest.ingestTrap(onBattery(4)); // duplicate: nothing to act on
    const b = await ingest.ingestTrap(onBattery(2));
    const c = await ingest.ingestTrap(trap('1.3.6.1.4.1.318.0.9'));
    expect(a.powerEventId).toBeDefined();
    expect(b.powerEventId).toBe(a.powerEventId);
    expect(heard).toEqual([
      { action: 'open', id: a.powerEventId, rev: 0 },
      { action: 'update', id: a.powerEventId, rev: 1 },
      { action: 'close', id: c.powerEventId, rev: 0 },
    ]);
    expect((sink as MemoryPowerEventSink).rows.has(a.powerEventId!)).toBe(true);
    expect((sink as MemoryPowerEventSink).rows.get(c.powerEventId!)!.event.kind).toBe('power_restored');
  });
});

describe('PowerIngest backlog bound', () => {
  it('refuses (and counts) traps beyond maxQueued while the sink is stuck, then recovers', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const mem = new MemoryPowerEventSink();
    const sink: PowerEventSink = {
      write: async (b) => {
        await gate;
        await mem.write(b);
      },
    };
    const metrics = new IngestMetrics(new Registry());
    const ingest = new PowerIngest({ sink, metrics, maxQueued: 3, maxBatch: 100, flushMs: 1 });
    const first = [1, 2, 3].map((i) => ingest.ingestTrap(onBattery(i, `10.9.0.${i}`)));
    const refused = await ingest.ingestTrap(onBattery(4, '10.9.0.4'));
    expect(refused).toEqual({ outcome: 'rejected', reason: 'backlog' });
    expect(await metrics.value('snmp-trap', 'rejected', 'backlog')).toBe(1);
    release();
    await Promise.all(first);
    expect(mem.raws).toHaveLength(3);
    expect((await ingest.ingestTrap(onBattery(5, '10.9.0.5'))).outcome).toBe('accepted');
  });
});
