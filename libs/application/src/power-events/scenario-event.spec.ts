import { describe, expect, it } from 'vitest';
import { scenarioEventFor } from './scenario-event';

describe('scenarioEventFor', () => {
  it('turns a UPS on battery into ups_on_battery with the runtime it reported', () => {
    expect(
      scenarioEventFor({ kind: 'on_battery', device: 'ups-a', deviceKind: 'ups', runtimeSeconds: 600 }),
    ).toEqual({
      type: 'ups_on_battery',
      target: 'ups-a',
      runtimeSeconds: 600,
    });
  });
  it('plans for a PDU overload but not for a UPS overload (no PDU to relieve)', () => {
    expect(scenarioEventFor({ kind: 'overload', device: 'pdu-1', deviceKind: 'pdu' })?.type).toBe(
      'pdu_overload',
    );
    expect(scenarioEventFor({ kind: 'overload', device: 'ups-a', deviceKind: 'ups' })).toBeUndefined();
  });
  it('never moves VMs for a self-test or an unmapped device', () => {
    expect(scenarioEventFor({ kind: 'self_test', device: 'ups-a', deviceKind: 'ups' })).toBeUndefined();
    expect(
      scenarioEventFor({ kind: 'on_battery', device: '10.0.0.9', deviceKind: 'unknown' }),
    ).toBeUndefined();
  });
});
