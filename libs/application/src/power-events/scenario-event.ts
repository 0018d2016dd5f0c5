import type { PowerEvent, ScenarioEvent } from '@app/domain';

/**
 * Which planner event a normalised power event starts, if any. Self-tests, alarms without a power meaning and
 * communication losses inform operators but do not move VMs.
 */
export function scenarioEventFor(
  e: Pick<PowerEvent, 'kind' | 'device' | 'deviceKind' | 'runtimeSeconds'>,
): ScenarioEvent | undefined {
  const runtime = e.runtimeSeconds !== undefined ? { runtimeSeconds: e.runtimeSeconds } : {};
  switch (e.kind) {
    case 'on_battery':
      return e.deviceKind === 'ups' ? { type: 'ups_on_battery', target: e.device, ...runtime } : undefined;
    case 'low_battery':
      return e.deviceKind === 'ups' ? { type: 'ups_low_battery', target: e.device, ...runtime } : undefined;
    case 'overload':
      return e.deviceKind === 'pdu' ? { type: 'pdu_overload', target: e.device } : undefined;
    case 'power_restored':
      return e.deviceKind === 'ups' || e.deviceKind === 'pdu'
        ? { type: 'power_restored', target: e.device }
        : undefined;
    case 'host_failure':
      return e.deviceKind === 'host' ? { type: 'host_failure', target: e.device } : undefined;
    case 'forecast_shortage':
      return { type: 'forecast_shortage', target: e.device };
    case 'maintenance':
      return e.deviceKind === 'host' || e.deviceKind === 'cluster'
        ? { type: 'maintenance', target: e.device }
        : undefined;
    case 'overload_cleared':
    case 'self_test':
    case 'alarm_added':
    case 'alarm_removed':
    case 'comm_lost':
    case 'comm_restored':
    case 'other':
    case 'unknown':
      return undefined;
  }
}
