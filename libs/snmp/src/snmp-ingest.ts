import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ValidationIssue } from '@app/domain';
import { ValidationError } from '@app/domain';
import { receiverConfigFromEnv } from './config';
import type { PersistedDecision } from './ingest';
import { PowerIngest } from './ingest';
import type { IngestLogger } from './logger';
import { IngestMetrics } from './metrics';
import { PgPowerEventSink, PgTopologyLookup } from './pg-sink';
import type { PollProfile, PollTarget } from './poller';
import { SnmpPoller } from './poller';
import type { TrackerConfig } from './tracker';
import { createTrapService } from './trap-service';
import type { TrapReceiver } from './receiver';

export interface SnmpIngestOptions {
  dataSource: DataSource;
  env: NodeJS.ProcessEnv;
  logger?: IngestLogger;
  registry?: Registry;
  /** Each stored event that changed power_events (e.g. enqueue the audit `${powerEventId}-${revision}`). */
  onEvent?: (d: PersistedDecision) => void;
}

export interface SnmpIngestHandle {
  ingest: PowerIngest;
  receiver: TrapReceiver;
  poller: SnmpPoller | null;
  address: { address: string; port: number };
  stop(): Promise<void>;
}

const PROFILES: PollProfile[] = ['ups-mib', 'apc-ups', 'eaton-xups', 'apc-rpdu'];

/**
 * Poll targets from SNMP_POLL_TARGETS_FILE (a JSON array of PollTarget; it holds communities or v3 keys, so
 * a file, not a variable). Errors name the path, never a secret.
 */
export function pollTargetsFromEnv(env: NodeJS.ProcessEnv): PollTarget[] {
  if (!env.SNMP_POLL_TARGETS_FILE) return [];
  let targets: unknown;
  try {
    targets = JSON.parse(readFileSync(env.SNMP_POLL_TARGETS_FILE, 'utf8'));
  } catch {
    throw new ValidationError('SNMP poll targets', [
      {
        path: '$',
        expected: 'a readable JSON file (SNMP_POLL_TARGETS_FILE)',
        found: 'unreadable or not JSON',
      },
    ]);
  }
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(targets))
    issues.push({ path: '$', expected: 'a JSON array of poll targets', found: typeof targets });
  else
    targets.forEach((t: Partial<PollTarget>, i) => {
      if (!t || typeof t.device !== 'string' || !t.device)
        issues.push({ path: `$[${i}].device`, expected: 'the topology id', found: 'nothing' });
      if (!PROFILES.includes(t?.profile as PollProfile))
        issues.push({ path: `$[${i}].profile`, expected: PROFILES.join(' | '), found: String(t?.profile) });
      if (!t || typeof t.address !== 'string' || !t.address)
        issues.push({ path: `$[${i}].address`, expected: 'the agent address', found: 'nothing' });
      if (!t?.community && !t?.user)
        issues.push({ path: `$[${i}]`, expected: 'a community or a v3 user', found: 'neither' });
    });
  if (issues.length) throw new ValidationError('SNMP poll targets', issues);
  return targets as PollTarget[];
}

/**
 * The worker's power ingest, wired from the environment: trap receiver (receiverConfigFromEnv), PostgreSQL
 * sink and topology, poller (SNMP_POLL_TARGETS_FILE, SNMP_POLL_INTERVAL_MS, default 30000), debounce
 * (SNMP_CONFIRM_DELAY_MS, default 30000; SNMP_CRITICAL_RUNTIME_SECONDS, default 600). Open incidents are
 * picked up from PostgreSQL before the socket opens.
 */
export async function startSnmpIngest(o: SnmpIngestOptions): Promise<SnmpIngestHandle> {
  const config = receiverConfigFromEnv(o.env);
  const targets = pollTargetsFromEnv(o.env);
  const tracker: Partial<TrackerConfig> = {};
  if (o.env.SNMP_CONFIRM_DELAY_MS) tracker.confirmationDelayMs = Number(o.env.SNMP_CONFIRM_DELAY_MS);
  if (o.env.SNMP_CRITICAL_RUNTIME_SECONDS)
    tracker.criticalRuntimeSeconds = Number(o.env.SNMP_CRITICAL_RUNTIME_SECONDS);
  const sink = new PgPowerEventSink(o.dataSource);
  const topology = new PgTopologyLookup(o.dataSource);
  await topology.start();
  const ingest = new PowerIngest({
    sink,
    topology,
    metrics: new IngestMetrics(o.registry),
    logger: o.logger,
    tracker,
    tickMs: 1000,
    preserialize: true,
  });
  ingest.resume(await sink.openEvents());
  if (o.onEvent) ingest.onEvent(o.onEvent);
  const receiver = createTrapService(config, ingest);
  const bound = await receiver.start();
  o.logger?.info(
    {
      address: bound.address,
      port: bound.port,
      communities: config.communities.length,
      v3Users: config.users.length,
      pollTargets: targets.length,
    },
    'SNMP trap receiver listening',
  );
  let poller: SnmpPoller | null = null;
  if (targets.length) {
    poller = new SnmpPoller(targets, ingest, {
      intervalMs: Number(o.env.SNMP_POLL_INTERVAL_MS ?? 30_000),
      logger: o.logger,
    });
    poller.start();
  }
  return {
    ingest,
    receiver,
    poller,
    address: { address: bound.address, port: bound.port },
    async stop() {
      poller?.stop();
      topology.stop();
      await receiver.close();
      await ingest.close();
    },
  };
}
