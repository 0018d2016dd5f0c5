/**
 * A normalised power or capacity event, whatever its source (SNMP trap, SNMP poll, vCenter alarm action,
 * vCenter event, forecast). Its `kind` maps onto the scenario event types the planner understands.
 */
export const POWER_EVENT_KINDS = [
  'on_battery',
  'low_battery',
  'power_restored',
  'overload',
  'overload_cleared',
  'self_test',
  'alarm_added',
  'alarm_removed',
  'comm_lost',
  'comm_restored',
  'host_failure',
  'forecast_shortage',
  'maintenance',
  'other',
  'unknown',
] as const;
export type PowerEventKind = (typeof POWER_EVENT_KINDS)[number];

export const POWER_EVENT_SOURCES = [
  'snmp-trap',
  'snmp-poll',
  'alarm-action',
  'vcenter-event',
  'forecast',
  'schedule',
  'operator',
] as const;
export type PowerEventSource = (typeof POWER_EVENT_SOURCES)[number];

export const DEVICE_KINDS = ['ups', 'pdu', 'host', 'cluster', 'vcenter', 'unknown'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface PowerEvent {
  kind: PowerEventKind;
  source: PowerEventSource;
  /** Topology id of the device (ups-a, pdu-a1, host-12) when known; otherwise the device's address or name. */
  device: string;
  deviceKind: DeviceKind;
  /** When the source says it happened (or when we received it). ISO-8601. */
  occurredAt: string;
  runtimeSeconds?: number;
  secondsOnBattery?: number;
  loadPercent?: number;
  /** Human-readable detail: the trap name, alarm name, vCenter event text. */
  detail: string;
  /** The raw source, kept verbatim so nothing is lost (varbinds, HTTP body, vCenter event). */
  raw: unknown;
}
