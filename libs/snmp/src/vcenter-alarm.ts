import type { DeviceKind, PowerEvent, PowerEventKind, ValidationIssue } from '@app/domain';
import { ValidationError, describe, obj, opt, req, str, validate } from '@app/domain';
import type { Severity } from './mibs/types';

/**
 * vCenter alarms, whether they come as an SNMP trap (vpxdAlarmInfo) or as an alarm's "run script" action
 * (environment variables VMWARE_ALARM_*) posted to `POST /api/v1/alarm-actions`.
 */
export interface VcenterAlarmFacts {
  alarmName: string;
  targetType?: string;
  oldStatus?: string;
  newStatus?: string;
}

const STATUSES = ['gray', 'green', 'yellow', 'red'] as const;

/**
 * Turns an alarm's name and status change into an event kind. Escalations (to yellow or red) of a power
 * alarm mean on battery (low battery when the name says so); of a host-state alarm, host failure; of a
 * usage alarm, overload (a capacity event). A change back to green clears the matching condition.
 */
export function classifyVcenterAlarm(f: VcenterAlarmFacts): { kind: PowerEventKind; severity: Severity } {
  const status = (f.newStatus ?? '').toLowerCase();
  const clearing = status === 'green';
  const severity: Severity = status === 'red' ? 'critical' : status === 'yellow' ? 'warning' : 'info';
  const name = f.alarmName;
  let kind: PowerEventKind;
  if (
    /connection and power state|not responding|host (hardware|failure|error)|hardware (health|status)/i.test(
      name,
    )
  ) {
    kind = clearing ? 'alarm_removed' : 'host_failure';
  } else if (/low battery|battery (low|depleted)|shutdown (imminent|pending)/i.test(name)) {
    kind = clearing ? 'alarm_removed' : 'low_battery';
  } else if (/\bups\b|battery|utility power|power (loss|lost|failure|outage)|mains/i.test(name)) {
    kind = clearing ? 'power_restored' : 'on_battery';
  } else if (/cpu|memory|usage|capacity|overcommit|insufficient|failover resources|overload/i.test(name)) {
    kind = clearing ? 'overload_cleared' : 'overload';
  } else {
    kind = clearing ? 'alarm_removed' : 'alarm_added';
  }
  return { kind, severity };
}

/** vCenter managed-object id prefix to device kind (host-12, domain-c7, vm-45, group-d1). */
export function deviceKindOfMoref(id: string | undefined, targetType?: string): DeviceKind {
  if (targetType === 'host') return 'host';
  if (!id) return 'unknown';
  if (id.startsWith('host-')) return 'host';
  if (id.startsWith('domain-c') || id.startsWith('domain-s')) return 'cluster';
  if (id.startsWith('group-d')) return 'vcenter';
  return 'unknown';
}

/** The environment vCenter gives an alarm's script action (vSphere "Run script" alarm action). */
export const VCENTER_ALARM_ENV = [
  'VMWARE_ALARM_NAME',
  'VMWARE_ALARM_ID',
  'VMWARE_ALARM_TARGET_NAME',
  'VMWARE_ALARM_TARGET_ID',
  'VMWARE_ALARM_NEWSTATUS',
  'VMWARE_ALARM_OLDSTATUS',
  'VMWARE_ALARM_TRIGGERINGSUMMARY',
  'VMWARE_ALARM_DECLARINGSUMMARY',
  'VMWARE_ALARM_ALARMVALUE',
  'VMWARE_ALARM_EVENTDESCRIPTION',
  'VMWARE_ALARM_EVENT_USERNAME',
  'VMWARE_ALARM_EVENT_DATACENTER',
  'VMWARE_ALARM_EVENT_COMPUTERESOURCE',
  'VMWARE_ALARM_EVENT_HOST',
  'VMWARE_ALARM_EVENT_VM',
  'VMWARE_ALARM_EVENT_NETWORK',
  'VMWARE_ALARM_EVENT_DATASTORE',
  'VMWARE_ALARM_EVENT_DVS',
] as const;
export type VcenterAlarmEnvKey = (typeof VCENTER_ALARM_ENV)[number];

/** Only the VMWARE_ALARM_* variables, so that nothing else of a process environment ever leaves it. */
export function pickAlarmEnv(
  env: Record<string, string | undefined>,
): Partial<Record<VcenterAlarmEnvKey, string>> {
  const out: Partial<Record<VcenterAlarmEnvKey, string>> = {};
  for (const k of VCENTER_ALARM_ENV) {
    const v = env[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

const statusCheck = (v: unknown, path: string, issues: ValidationIssue[]) => {
  if (typeof v !== 'string' || !STATUSES.includes(v.toLowerCase() as (typeof STATUSES)[number]))
    issues.push({ path, expected: 'one of "Gray" | "Green" | "Yellow" | "Red"', found: describe(v) });
};
const optStr = opt(str('a string', { nonEmpty: false }));

const ENV_SHAPE = obj(
  {
    VMWARE_ALARM_NAME: req(str('the alarm name')),
    VMWARE_ALARM_TARGET_NAME: req(str('the name of the entity the alarm is on')),
    VMWARE_ALARM_NEWSTATUS: req(statusCheck),
    VMWARE_ALARM_OLDSTATUS: opt(statusCheck),
    VMWARE_ALARM_ID: optStr,
    VMWARE_ALARM_TARGET_ID: optStr,
    VMWARE_ALARM_EVENTDESCRIPTION: optStr,
    VMWARE_ALARM_TRIGGERINGSUMMARY: optStr,
    VMWARE_ALARM_DECLARINGSUMMARY: optStr,
    VMWARE_ALARM_ALARMVALUE: optStr,
    VMWARE_ALARM_EVENT_HOST: optStr,
  },
  'an object of VMWARE_ALARM_* variables',
);

const BODY_SHAPE = obj(
  {
    alarmName: req(str('the alarm name')),
    targetName: req(str('the name of the entity the alarm is on')),
    newStatus: req(statusCheck),
    oldStatus: opt(statusCheck),
    alarmId: optStr,
    targetId: optStr,
    eventDescription: optStr,
    occurredAt: opt((v, path, issues) => {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v)))
        issues.push({ path, expected: 'an ISO-8601 date-time', found: describe(v) });
    }),
  },
  'an alarm action object',
);

/** A parsed alarm action: the event plus its vCenter identity (for the operator and the audit). */
export interface AlarmAction {
  alarmName: string;
  alarmId?: string;
  targetName: string;
  targetId?: string;
  oldStatus?: string;
  newStatus: string;
  eventDescription?: string;
  event: PowerEvent;
}

function canonicalStatus(s: string | undefined): string | undefined {
  return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : undefined;
}

/**
 * Parses either the alarm script environment (`{ VMWARE_ALARM_NAME: ..., ... }`, also what the CLI posts)
 * or the camelCase body (`{ alarmName, targetName, newStatus, ... }`) into an event. Throws ValidationError
 * naming each bad path.
 */
export function parseAlarmAction(
  input: unknown,
  now: () => Date = () => new Date(),
  form: 'auto' | 'env' | 'body' = 'auto',
): AlarmAction {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError('alarm action', [
      {
        path: '$',
        expected: 'an object with VMWARE_ALARM_* variables or alarmName/targetName/newStatus',
        found: describe(input),
      },
    ]);
  const o = input as Record<string, unknown>;
  const envForm =
    form === 'auto' ? Object.keys(o).some((k) => k.startsWith('VMWARE_ALARM_')) : form === 'env';
  const issues = validate(envForm ? ENV_SHAPE : BODY_SHAPE, o);
  if (issues.length) throw new ValidationError('alarm action', issues);
  const s = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? o[k] : undefined);
  const a = envForm
    ? {
        alarmName: s('VMWARE_ALARM_NAME')!,
        alarmId: s('VMWARE_ALARM_ID'),
        targetName: s('VMWARE_ALARM_TARGET_NAME')!,
        targetId: s('VMWARE_ALARM_TARGET_ID'),
        oldStatus: canonicalStatus(s('VMWARE_ALARM_OLDSTATUS')),
        newStatus: canonicalStatus(s('VMWARE_ALARM_NEWSTATUS'))!,
        eventDescription: s('VMWARE_ALARM_EVENTDESCRIPTION') ?? s('VMWARE_ALARM_TRIGGERINGSUMMARY'),
        occurredAt: undefined as string | undefined,
      }
    : {
        alarmName: s('alarmName')!,
        alarmId: s('alarmId'),
        targetName: s('targetName')!,
        targetId: s('targetId'),
        oldStatus: canonicalStatus(s('oldStatus')),
        newStatus: canonicalStatus(s('newStatus'))!,
        eventDescription: s('eventDescription'),
        occurredAt: s('occurredAt'),
      };
  const c = classifyVcenterAlarm({ alarmName: a.alarmName, oldStatus: a.oldStatus, newStatus: a.newStatus });
  const detail =
    `vCenter alarm '${a.alarmName}' on ${a.targetName}: ${a.oldStatus ?? '?'} -> ${a.newStatus}` +
    (a.eventDescription ? ` (${a.eventDescription})` : '');
  const event: PowerEvent = {
    kind: c.kind,
    source: 'alarm-action',
    device: a.targetName,
    deviceKind: deviceKindOfMoref(a.targetId),
    occurredAt: a.occurredAt ? new Date(a.occurredAt).toISOString() : now().toISOString(),
    detail,
    raw: envForm ? pickAlarmEnv(o as Record<string, string>) : o,
  };
  const { occurredAt: _o, ...rest } = a;
  return { ...rest, event };
}
