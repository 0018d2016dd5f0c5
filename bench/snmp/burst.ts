/**
 * SNMP trap burst benchmark: `npm run bench:snmp [-- --rate 5000 --seconds 10 --pg]`.
 *
 * The parent runs the production receiver + ingest (memory sink by default; --pg: PostgreSQL, a throwaway
 * database migrated for the run) and forks itself as the sender, which sends pre-encoded SNMPv2c traps over
 * loopback at --rate per second for --seconds. Then it prints, for the run:
 *  - sent (sender) vs. datagrams read by our socket vs. the socket's kernel drop counter (/proc/net/udp) and
 *    the system-wide UDP InErrors / RcvbufErrors deltas (/proc/net/snmp; other processes can add to these);
 *  - traps accounted for: accepted + duplicate + unknown (ingest metrics) and rows handed to the sink;
 *  - memory (RSS, heap after GC) at start, end and peak.
 * Options: --rate N, --seconds N, --pg, --batch N (rows per write, 2000), --flush-ms N (50), --trace (the
 * read/drop counters every 250 ms). It prints what it measured; it asserts nothing.
 */
import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { PowerEventSink } from '@app/snmp';
import {
  IngestMetrics,
  MemoryPowerEventSink,
  PgPowerEventSink,
  PowerIngest,
  createTrapService,
} from '@app/snmp';
import { v2cTrap } from './encode';

const COMMUNITY = 'bench-community-not-a-secret';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : dflt;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

/** The traffic: 200 UPSes on battery re-sending with falling runtime, some rPDU overloads, some unknown traps. */
function packet(i: number): Buffer {
  const ups = i % 200;
  const kind = i % 20;
  if (kind === 19)
    return v2cTrap(COMMUNITY, i, i, '1.3.6.1.4.1.99999.0.1', [
      ['1.3.6.1.4.1.99999.1.0', { t: 'str', v: `n${i}` }],
    ]);
  if (kind === 18)
    return v2cTrap(COMMUNITY, i, i, '1.3.6.1.4.1.318.0.276', [
      ['1.3.6.1.4.1.318.1.1.12.1.6.0', { t: 'str', v: `ZA${ups % 50}` }],
      ['1.3.6.1.4.1.318.1.1.12.2.3.1.1.4.0', { t: 'int', v: 1 + (i % 3) }],
    ]);
  return v2cTrap(COMMUNITY, i, i, '1.3.6.1.2.1.33.2.1', [
    ['1.3.6.1.2.1.33.1.2.3.0', { t: 'int', v: Math.max(1, 60 - Math.floor(i / 4000)) }],
    ['1.3.6.1.2.1.33.1.2.2.0', { t: 'int', v: Math.floor(i / 4000) * 60 }],
    ['1.3.6.1.2.1.1.5.0', { t: 'str', v: `ups-${String(ups).padStart(3, '0')}` }],
  ]);
}

async function sender(port: number, rate: number, seconds: number): Promise<void> {
  const total = rate * seconds;
  const pkts = Array.from({ length: Math.min(total, 20_000) }, (_, i) => packet(i));
  const s = dgram.createSocket('udp4');
  let sent = 0;
  let errors = 0;
  let pendingCb = 0;
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const pump = () => {
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      const due = Math.min(total, Math.floor(elapsed * rate));
      while (sent < due) {
        const p = sent < pkts.length ? pkts[sent] : packet(sent);
        pendingCb++;
        s.send(p, port, '127.0.0.1', (e) => {
          pendingCb--;
          if (e) errors++;
        });
        sent++;
      }
      if (sent >= total) {
        const wait = () => (pendingCb ? setTimeout(wait, 5) : resolve());
        wait();
      } else setTimeout(pump, 2);
    };
    pump();
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  s.close();
  process.send!({ sent, errors, seconds: secs });
}

function udpStats(): Record<string, number> {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const keys = lines[0].split(/\s+/).slice(1);
  const vals = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(keys.map((k, i) => [k, vals[i]]));
}

/** The kernel's drop counter of our own socket (last column of /proc/net/udp). */
function socketDrops(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const line = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1]?.endsWith(`:${hex}`));
  return line ? Number(line.trim().split(/\s+/).at(-1)) : undefined;
}

function mem() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMB: +(m.rss / 2 ** 20).toFixed(1), heapUsedMB: +(m.heapUsed / 2 ** 20).toFixed(1) };
}

async function main(): Promise<void> {
  if (flag('sender'))
    return sender(Number(arg('port', '0')), Number(arg('rate', '5000')), Number(arg('seconds', '10')));
  const rate = Number(arg('rate', '5000'));
  const seconds = Number(arg('seconds', '10'));
  let sink: PowerEventSink;
  let cleanup = async () => undefined as unknown;
  let sinkName = 'memory';
  if (flag('pg')) {
    const { createTestDatabase } = await import('../../test/support/db');
    const db = await createTestDatabase({ migrate: true });
    sink = new PgPowerEventSink(db.dataSource);
    cleanup = () => db.drop();
    sinkName = `postgresql (${db.name})`;
  } else sink = new MemoryPowerEventSink(false);

  const metrics = new IngestMetrics(new Registry());
  const ingest = new PowerIngest({
    sink,
    metrics,
    preserialize: flag('pg'),
    tracker: { confirmationDelayMs: 30_000 },
    tickMs: 1000,
    maxBatch: Number(arg('batch', '2000')),
    flushMs: Number(arg('flush-ms', '50')),
  });
  let storeErrors = 0;
  const rx = createTrapService(
    {
      address: '127.0.0.1',
      port: 0,
      communities: [COMMUNITY],
      users: [],
      allowAuthNoPriv: false,
      allowedSources: ['127.0.0.1'],
      recvBufferBytes: 4 * 2 ** 20,
    },
    ingest,
    { onResult: (_t, r) => void ('error' in r && storeErrors++) },
  );
  const { port } = await rx.start();
  const before = udpStats();
  const drops0 = socketDrops(port) ?? 0;
  const mem0 = mem();
  const cpu0 = process.cpuUsage();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  // Drop timeline: when did the kernel drop, and was our loop late then?
  const timeline: { t: number; read: number; drops: number }[] = [];
  const t0 = Date.now();
  const rssEverySecond: number[] = [];
  const tracer = setInterval(() => {
    timeline.push({ t: Date.now() - t0, read: rx.stats.datagrams, drops: (socketDrops(port) ?? 0) - drops0 });
    if (timeline.length % 4 === 0) rssEverySecond.push(+(process.memoryUsage().rss / 2 ** 20).toFixed(1));
  }, 250);
  const load0 = loadavg()[0];
  let peakRss = mem0.rssMB;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss / 2 ** 20)), 200);
  const child = fork(
    process.argv[1],
    ['--sender', '--port', String(port), '--rate', String(rate), '--seconds', String(seconds)],
    {
      execArgv: [],
    },
  );
  const sent = await new Promise<{ sent: number; errors: number; seconds: number }>((resolve) =>
    child.once('message', (m) => resolve(m as never)),
  );
  // Let the tail drain: until the socket has read everything sent (or 5 s pass), then flush the sink.
  const end = Date.now() + 5000;
  while (rx.stats.datagrams < sent.sent && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  await ingest.flush();
  clearInterval(sampler);
  clearInterval(tracer);
  lag.disable();
  const cpu = process.cpuUsage(cpu0);
  const after = udpStats();
  const drops = (socketDrops(port) ?? 0) - drops0;
  const mem1 = mem();
  const v = (o: 'accepted' | 'duplicate' | 'unknown' | 'rejected') => metrics.value('snmp-trap', o);
  const counted = {
    accepted: await v('accepted'),
    duplicate: await v('duplicate'),
    unknown: await v('unknown'),
    rejected: await v('rejected'),
  };
  const result = {
    sink: sinkName,
    rate,
    seconds,
    sent: sent.sent,
    sendErrors: sent.errors,
    sendSeconds: +sent.seconds.toFixed(2),
    achievedRate: Math.round(sent.sent / sent.seconds),
    recvBufferBytes: rx.recvBufferSize(),
    datagramsRead: rx.stats.datagrams,
    traps: rx.stats.traps,
    socketDrops: drops,
    systemUdp: {
      InDatagrams: after.InDatagrams - before.InDatagrams,
      InErrors: after.InErrors - before.InErrors,
      RcvbufErrors: after.RcvbufErrors - before.RcvbufErrors,
    },
    counted,
    accountedFor: counted.accepted + counted.duplicate + counted.unknown + counted.rejected,
    persistedToSink: ingest.persisted,
    storeErrors,
    lostByUs: sent.sent - rx.stats.datagrams,
    memory: { start: mem0, end: mem1, peakRssMB: +peakRss.toFixed(1), rssEverySecondMB: rssEverySecond },
    eventLoopDelayMs: {
      p50: +(lag.percentile(50) / 1e6).toFixed(1),
      p99: +(lag.percentile(99) / 1e6).toFixed(1),
      max: +(lag.max / 1e6).toFixed(1),
    },
    readTimeline: flag('trace') ? timeline.map((x) => `${x.t}:${x.read}/${x.drops}`) : undefined,
    dropsTimeline: timeline
      .filter((x, i) => i > 0 && x.drops > timeline[i - 1].drops)
      .map((x) => `${x.t}ms:+${x.drops}`),
    receiverCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    receiverCpuMicrosPerTrap: rx.stats.datagrams
      ? Math.round((cpu.user + cpu.system) / rx.stats.datagrams)
      : null,
    machine: {
      cpus: cpus().length,
      loadAvg1mAtStart: +load0.toFixed(2),
      loadAvg1mAtEnd: +loadavg()[0].toFixed(2),
    },
  };
  await rx.close();
  await ingest.close();
  await cleanup();
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\n${result.sent} traps sent in ${result.sendSeconds} s (${result.achievedRate}/s) to a ${result.sink} sink: ` +
      `${result.datagramsRead} read, ${result.socketDrops} dropped by the kernel at our socket, ` +
      `${result.accountedFor} accounted for (${counted.accepted} accepted, ${counted.duplicate} duplicate, ${counted.unknown} unknown), ` +
      `${result.persistedToSink} persisted; RSS ${mem0.rssMB} -> ${mem1.rssMB} MB (peak ${result.memory.peakRssMB}), heap ${mem0.heapUsedMB} -> ${mem1.heapUsedMB} MB; ` +
      `receiver CPU ${result.receiverCpuMicrosPerTrap} us/trap; load average ${result.machine.loadAvg1mAtStart} on ${result.machine.cpus} CPUs`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
