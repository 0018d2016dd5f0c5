import type { PowerEvent } from '@app/domain';
import { describe, expect, it } from 'vitest';
import { PowerEventTracker } from './tracker';

function setup(
  cfg: Partial<{
    confirmationDelayMs: number;
    criticalRuntimeSeconds: number;
    selfTestWindowMs: number;
  }> = {},
) {
  let now = 1_000_000;
  const t = new PowerEventTracker(() => now, {
    confirmationDelayMs: 30_000,
    criticalRuntimeSeconds: 300,
    selfTestWindowMs: 120_000,
    ...cfg,
  });
  return { t, advance: (ms: number) => (now += ms) };
}
const ev = (kind: PowerEvent['kind'], extra: Partial<PowerEvent> = {}): PowerEvent => ({
  kind,
  source: 'snmp-trap',
  device: 'ups-a',
  deviceKind: 'ups',
  occurredAt: '2026-01-01T00:00:00Z',
  detail: kind,
  raw: null,
  ...extra,
});
const actions = (ds: { action: string }[]) => ds.map((d) => d.action);

describe('PowerEventTracker', () => {
  it('holds an on-battery for the confirmation delay, then opens one incident', () => {
    const { t, advance } = setup();
    expect(actions(t.offer(ev('on_battery', { runtimeSeconds: 1200 })))).toEqual(['pending']);
    advance(29_999);
    expect(t.tick()).toEqual([]);
    advance(1);
    const opened = t.tick();
    expect(actions(opened)).toEqual(['open']);
    expect(t.openIncidents()).toHaveLength(1);
  });

  it('filters a brief transfer: restored within the delay opens nothing', () => {
    const { t, advance } = setup();
    t.offer(ev('on_battery', { runtimeSeconds: 1200 }));
    advance(5_000);
    const r = t.offer(ev('power_restored'));
    expect(r).toEqual([expect.objectContaining({ action: 'suppressed', reason: 'brief_transfer' })]);
    advance(60_000);
    expect(t.tick()).toEqual([]);
    expect(t.openIncidents()).toEqual([]);
  });

  it('filters a self-test: on-battery after (or during) a self-test report opens nothing', () => {
    const { t, advance } = setup();
    t.offer(ev('self_test'));
    advance(2_000);
    expect(t.offer(ev('on_battery', { runtimeSeconds: 1200 }))).toEqual([
      expect.objectContaining({ action: 'suppressed', reason: 'self_test' }),
    ]);
    const { t: t2, advance: adv2 } = setup();
    t2.offer(ev('on_battery', { runtimeSeconds: 1200 }));
    adv2(1_000);
    expect(actions(t2.offer(ev('self_test')))).toEqual(['suppressed', 'suppressed']);
    adv2(60_000);
    expect(t2.tick()).toEqual([]);
  });

  it('opens at once when the runtime left is below the critical threshold, self-test or not', () => {
    const { t } = setup();
    t.offer(ev('self_test'));
    expect(actions(t.offer(ev('on_battery', { runtimeSeconds: 240 })))).toEqual(['open']);
  });

  it('opens at once on low battery, and a pending on-battery becomes that incident', () => {
    const { t } = setup();
    t.offer(ev('on_battery', { runtimeSeconds: 1200 }));
    expect(actions(t.offer(ev('low_battery')))).toEqual(['open']);
    expect(t.pendingCount()).toBe(0);
  });

  it('repeated on-battery traps update one open incident as the runtime falls, identical ones are duplicates', () => {
    const { t } = setup({ confirmationDelayMs: 0 });
    const [open] = t.offer(ev('on_battery', { runtimeSeconds: 1200, secondsOnBattery: 60 }));
    expect(open.action).toBe('open');
    const upd = t.offer(ev('on_battery', { runtimeSeconds: 1140, secondsOnBattery: 120 }));
    expect(upd).toEqual([
      expect.objectContaining({ action: 'update', incident: (open as { incident: string }).incident }),
    ]);
    expect(upd[0].event.runtimeSeconds).toBe(1140);
    expect(actions(t.offer(ev('on_battery', { runtimeSeconds: 1140, secondsOnBattery: 120 })))).toEqual([
      'duplicate',
    ]);
    // a repeat that says less keeps what the incident knew
    const less = t.offer(ev('on_battery', { source: 'snmp-trap' }));
    expect(less[0]).toMatchObject({ action: 'duplicate' });
    expect(less[0].event.runtimeSeconds).toBe(1140);
    expect(t.openIncidents()).toHaveLength(1);
  });

  it('low battery escalates the open incident and is not downgraded by a later on-battery', () => {
    const { t } = setup({ confirmationDelayMs: 0 });
    t.offer(ev('on_battery', { runtimeSeconds: 900 }));
    expect(t.offer(ev('low_battery'))[0]).toMatchObject({ action: 'update', event: { kind: 'low_battery' } });
    expect(t.offer(ev('on_battery', { runtimeSeconds: 120 }))[0]).toMatchObject({
      action: 'update',
      event: { kind: 'low_battery', runtimeSeconds: 120 },
    });
  });

  it('closes on power restored; a later on-battery opens a new incident', () => {
    const { t } = setup({ confirmationDelayMs: 0 });
    const [o1] = t.offer(ev('on_battery'));
    const [c] = t.offer(ev('power_restored'));
    expect(c).toMatchObject({ action: 'close', incident: (o1 as { incident: string }).incident });
    const [o2] = t.offer(ev('on_battery'));
    expect(o2.action).toBe('open');
    expect((o2 as { incident: string }).incident).not.toBe((o1 as { incident: string }).incident);
  });

  it('keeps devices and conditions apart; overload has no delay', () => {
    const { t } = setup();
    expect(actions(t.offer(ev('overload', { device: 'pdu-1', deviceKind: 'pdu' })))).toEqual(['open']);
    expect(actions(t.offer(ev('overload', { device: 'pdu-2', deviceKind: 'pdu' })))).toEqual(['open']);
    expect(actions(t.offer(ev('overload_cleared', { device: 'pdu-1', deviceKind: 'pdu' })))).toEqual([
      'close',
    ]);
    expect(actions(t.offer(ev('on_battery', { device: 'pdu-2' })))).toEqual(['pending']);
    expect(t.state('pdu-2', 'overload')).toBe('open');
    expect(t.state('pdu-2', 'battery')).toBe('pending');
  });

  it('passes untracked kinds through, and a restore with nothing open', () => {
    const { t } = setup();
    expect(actions(t.offer(ev('alarm_added')))).toEqual(['pass']);
    expect(actions(t.offer(ev('power_restored')))).toEqual(['pass']);
  });
});
