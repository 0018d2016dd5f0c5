import type { Layer } from './layer';

/** The planner's input, exactly as ../shared/SCENARIO.md defines it. Units are in the field names. */
export interface Scenario {
  version: 1;
  /** ISO-8601 instant the planner treats as "now". */
  clock: string;
  limits: Limits;
  power: PowerTopology;
  hosts: Host[];
  components: Component[];
  forecast?: Forecast;
  event: ScenarioEvent;
}

export interface Limits {
  vmotionPerHost: number;
  vmotionPerDatastore: number;
  svmotionPerHost: number;
  svmotionPerDatastore: number;
  vmotionGbps: number;
  svmotionMBps: number;
  maxHostUtilization: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  vmotionPerHost: 8,
  vmotionPerDatastore: 128,
  svmotionPerHost: 2,
  svmotionPerDatastore: 8,
  vmotionGbps: 10,
  svmotionMBps: 400,
  maxHostUtilization: 0.9,
};

export interface PowerTopology {
  ups: Ups[];
  pdus: Pdu[];
}

export interface Ups {
  id: string;
  onBattery: boolean;
  runtimeSeconds: number;
  capacityW: number;
}

export interface Pdu {
  id: string;
  ups: string;
  capacityW: number;
}

export interface Host {
  id: string;
  cluster: string;
  cpuMhz: number;
  memMb: number;
  pdus: string[];
  datastores: string[];
  networks: string[];
  powerIdleW: number;
  powerPeakW: number;
  attested: boolean;
  maintenance: boolean;
  connected: boolean;
}

export const COMPONENT_KINDS = ['vm', 'container', 'process'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export const SHUTDOWN_POLICIES = ['guest', 'poweroff', 'never'] as const;
export type ShutdownPolicy = (typeof SHUTDOWN_POLICIES)[number];

export interface Component {
  id: string;
  name: string;
  kind: ComponentKind;
  layer: Layer;
  /** Where it runs now; after a host_failure the failed host's components are down. */
  host: string;
  cpuMhz: number;
  memMb: number;
  ioMBps?: number;
  datastores: string[];
  networks: string[];
  sensitive?: boolean;
  shutdown?: ShutdownPolicy;
  dependsOn?: string[];
  antiAffinity?: string;
  /** Optional addition to the contract: the storage footprint, used for Storage vMotion durations. */
  diskGb?: number;
  /** Optional addition: false when the component is already powered off (power_restored plans start it). */
  poweredOn?: boolean;
}

export interface Forecast {
  horizonSeconds: number;
  demand: Record<string, { cpuMhz: number; memMb: number }>;
}

export const EVENT_TYPES = [
  'ups_on_battery',
  'ups_low_battery',
  'pdu_overload',
  'host_failure',
  'forecast_shortage',
  'maintenance',
  'power_restored',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ScenarioEvent {
  type: EventType;
  /** A UPS, PDU, host or cluster id depending on the type. */
  target: string;
  runtimeSeconds?: number;
}
