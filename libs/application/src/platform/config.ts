import { readFileSync } from 'node:fs';
import { parseTargetTriggerParams, parseTriggerParams, type TriggerParams } from '@app/forecast';

/**
 * Configuration of both processes, read once from the environment at start-up. Every problem is reported at once,
 * each naming the variable and the fix, so an operator does not restart ten times to find ten typos.
 */
export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every BullMQ key, so several deployments can share one Redis. */
  queuePrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  api: { host: string; port: number; tokens: string[] };
  worker: { host: string; port: number; concurrency: number };
  vcenter?: VcenterConfig;
  /**
   * The trap receiver: off when SNMP_TRAP_PORT=off or no community/v3 user is set. Its own variables (SNMP_TRAP_ADDRESS, SNMP_TRAP_PORT,
   * SNMP_COMMUNITIES_FILE, SNMP_V3_USERS_FILE, ...) are validated by libs/snmp, which reads them from `env`.
   */
  snmp: { enabled: boolean; env: Record<string, string | undefined> };
  /** manual: every plan waits for an operator; auto: plans for on-battery events run without waiting. */
  approvalPolicy: 'manual' | 'auto';
  /** overrides of the proactive trigger's parameters (LAYERSHIFT_FORECAST_TRIGGER, JSON; docs/forecast.md) */
  forecastTrigger: Partial<TriggerParams>;
  /**
   * per-target overrides on top of forecastTrigger (LAYERSHIFT_FORECAST_TRIGGER_TARGETS), by the target's stream: a
   * host's id, `cluster:<id>`, `pdu:<id>` or `ups:<id>`
   */
  forecastTriggerTargets: Record<string, Partial<TriggerParams>>;
  /**
   * how long before a maintenance window starts its evacuation is planned (LAYERSHIFT_MAINTENANCE_LEAD_MINUTES,
   * default 45): long enough for the host's vMotions and an operator's approval
   */
  maintenanceLeadSeconds: number;
  /** how often the worker looks for maintenance windows due (LAYERSHIFT_SCHEDULE_TICK_SECONDS, default 60) */
  scheduleTickSeconds: number;
}

export interface VcenterConfig {
  url: string;
  username: string;
  password: string;
  /** SHA-256 (or SHA-1) thumbprint of the vCenter certificate to pin, hex with or without colons. */
  thumbprint?: string;
  caFile?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback?: string): string {
    const v = this.env[name]?.trim();
    if (v) return v;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is missing`);
    return '';
  }

  optional(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const v = this.str(name, fallback);
    if (!v) return v;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol))
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got protocol ${u.protocol}`);
    } catch {
      this.problems.push(`${name} is not a URL (expected e.g. ${protocols[0]}//host:port/...)`);
    }
    return v;
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, 0, 65535);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(values as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  /** A secret from NAME_FILE (preferred: keeps it out of `ps` and env dumps) or NAME. */
  secret(name: string): string | undefined {
    const file = this.optional(`${name}_FILE`);
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (e) {
        this.problems.push(
          `${name}_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): ${file}`,
        );
        return undefined;
      }
    }
    return this.optional(name);
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const tokensRaw = r.secret('LAYERSHIFT_API_TOKENS');
  const tokens = (tokensRaw ?? '')
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0)
    r.problems.push(
      'LAYERSHIFT_API_TOKENS (or LAYERSHIFT_API_TOKENS_FILE) is missing: every API call is authenticated; set one or more bearer tokens, comma-separated',
    );
  else if (tokens.some((t) => t.length < 16))
    r.problems.push(
      'LAYERSHIFT_API_TOKENS: each token must be at least 16 characters (use `openssl rand -hex 24`)',
    );

  const config: AppConfig = {
    databaseUrl: r.url(
      'DATABASE_URL',
      ['postgres:', 'postgresql:'],
      'postgres://postgres@127.0.0.1:5432/layershift',
    ),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    queuePrefix: r.str('LAYERSHIFT_QUEUE_PREFIX', 'layershift'),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    api: { host: r.str('API_HOST', '127.0.0.1'), port: r.port('API_PORT', 8080), tokens },
    worker: {
      host: r.str('WORKER_HOST', '127.0.0.1'),
      port: r.port('WORKER_PORT', 8081),
      concurrency: r.int('WORKER_CONCURRENCY', 4, 1, 256),
    },
    snmp: {
      // Off when asked, or when no community or v3 user is configured (it could accept nothing).
      enabled:
        env.SNMP_TRAP_PORT?.trim() !== 'off' &&
        ['SNMP_COMMUNITIES', 'SNMP_COMMUNITIES_FILE', 'SNMP_V3_USERS', 'SNMP_V3_USERS_FILE'].some((k) =>
          env[k]?.trim(),
        ),
      env: Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('SNMP_'))),
    },
    approvalPolicy: r.oneOf('LAYERSHIFT_APPROVAL', ['manual', 'auto'] as const, 'manual'),
    forecastTrigger: {},
    forecastTriggerTargets: {},
    maintenanceLeadSeconds: 60 * r.int('LAYERSHIFT_MAINTENANCE_LEAD_MINUTES', 45, 1, 24 * 60),
    scheduleTickSeconds: r.int('LAYERSHIFT_SCHEDULE_TICK_SECONDS', 60, 1, 3600),
  };
  const triggerRaw = r.optional('LAYERSHIFT_FORECAST_TRIGGER');
  if (triggerRaw !== undefined) {
    try {
      config.forecastTrigger = parseTriggerParams(triggerRaw, 'LAYERSHIFT_FORECAST_TRIGGER');
    } catch (e) {
      r.problems.push((e as Error).message);
    }
  }
  const targetsRaw = r.optional('LAYERSHIFT_FORECAST_TRIGGER_TARGETS');
  if (targetsRaw !== undefined) {
    try {
      config.forecastTriggerTargets = parseTargetTriggerParams(
        targetsRaw,
        'LAYERSHIFT_FORECAST_TRIGGER_TARGETS',
      );
    } catch (e) {
      r.problems.push((e as Error).message);
    }
  }

  const vcUrl = r.optional('VCENTER_URL');
  if (vcUrl) {
    r.url('VCENTER_URL', ['https:', 'http:']);
    const password = r.secret('VCENTER_PASSWORD');
    if (!password)
      r.problems.push('VCENTER_PASSWORD_FILE (or VCENTER_PASSWORD) is missing while VCENTER_URL is set');
    const thumbprint = r.optional('VCENTER_THUMBPRINT');
    const caFile = r.optional('VCENTER_CA_FILE');
    if (thumbprint && !/^([0-9a-fA-F]{2}:?){20,32}$/.test(thumbprint))
      r.problems.push('VCENTER_THUMBPRINT must be a SHA-256 or SHA-1 fingerprint in hex, e.g. AB:CD:...');
    if (vcUrl.startsWith('https:') && !thumbprint && !caFile && !env.NODE_EXTRA_CA_CERTS)
      r.problems.push(
        'VCENTER_URL is https but neither VCENTER_THUMBPRINT nor VCENTER_CA_FILE is set: pin the certificate (TLS verification is never switched off)',
      );
    config.vcenter = {
      url: vcUrl,
      username: r.str('VCENTER_USERNAME'),
      password: password ?? '',
      ...(thumbprint ? { thumbprint } : {}),
      ...(caFile ? { caFile } : {}),
    };
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** What may be logged about the configuration: no tokens, no passwords, no userinfo in URLs. */
export function redactedConfig(c: AppConfig): Record<string, unknown> {
  const safeUrl = (u: string) => {
    try {
      const x = new URL(u);
      if (x.password) x.password = '***';
      return x.toString();
    } catch {
      return '(unparsable)';
    }
  };
  return {
    databaseUrl: safeUrl(c.databaseUrl),
    redisUrl: safeUrl(c.redisUrl),
    queuePrefix: c.queuePrefix,
    logLevel: c.logLevel,
    api: { host: c.api.host, port: c.api.port, tokens: `${c.api.tokens.length} configured` },
    worker: c.worker,
    snmp: { enabled: c.snmp.enabled, port: c.snmp.env.SNMP_TRAP_PORT ?? '1162' },
    approvalPolicy: c.approvalPolicy,
    forecastTrigger: c.forecastTrigger,
    forecastTriggerTargets: c.forecastTriggerTargets,
    vcenter: c.vcenter
      ? {
          url: safeUrl(c.vcenter.url),
          username: c.vcenter.username,
          pinned: Boolean(c.vcenter.thumbprint ?? c.vcenter.caFile),
        }
      : 'not configured',
  };
}
