import { ValidationError } from '@app/domain';
import { describe, expect, it } from 'vitest';
import { classifyVcenterAlarm, parseAlarmAction, pickAlarmEnv } from './vcenter-alarm';

const now = () => new Date('2026-03-01T12:00:00Z');

describe('parseAlarmAction', () => {
  it('turns the alarm script environment into an event', () => {
    const a = parseAlarmAction(
      {
        VMWARE_ALARM_NAME: 'UPS on battery',
        VMWARE_ALARM_ID: 'alarm-101',
        VMWARE_ALARM_TARGET_NAME: 'esx-07.lab',
        VMWARE_ALARM_TARGET_ID: 'host-42',
        VMWARE_ALARM_OLDSTATUS: 'Green',
        VMWARE_ALARM_NEWSTATUS: 'Red',
        VMWARE_ALARM_EVENTDESCRIPTION: 'Power supply lost redundancy',
      },
      now,
    );
    expect(a).toMatchObject({
      alarmName: 'UPS on battery',
      alarmId: 'alarm-101',
      targetId: 'host-42',
      newStatus: 'Red',
    });
    expect(a.event).toMatchObject({
      kind: 'on_battery',
      source: 'alarm-action',
      device: 'esx-07.lab',
      deviceKind: 'host',
      occurredAt: '2026-03-01T12:00:00.000Z',
    });
    expect(a.event.detail).toContain('Green -> Red');
  });

  it('accepts the camelCase body, a capacity alarm and its clearing', () => {
    const up = parseAlarmAction(
      { alarmName: 'Cluster CPU usage', targetName: 'prod', targetId: 'domain-c7', newStatus: 'yellow' },
      now,
    );
    expect(up.event).toMatchObject({ kind: 'overload', deviceKind: 'cluster' });
    const down = parseAlarmAction(
      {
        alarmName: 'Cluster CPU usage',
        targetName: 'prod',
        newStatus: 'Green',
        occurredAt: '2026-03-01T11:00:00Z',
      },
      now,
    );
    expect(down.event).toMatchObject({ kind: 'overload_cleared', occurredAt: '2026-03-01T11:00:00.000Z' });
  });

  it('names every bad path', () => {
    try {
      parseAlarmAction({ VMWARE_ALARM_NAME: '', VMWARE_ALARM_NEWSTATUS: 'Purple' }, now);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const paths = (e as ValidationError).issues.map((i) => i.path);
      expect(paths).toEqual([
        '$.VMWARE_ALARM_NAME',
        '$.VMWARE_ALARM_TARGET_NAME',
        '$.VMWARE_ALARM_NEWSTATUS',
      ]);
    }
    expect(() => parseAlarmAction([1, 2], now)).toThrow(ValidationError);
    expect(() =>
      parseAlarmAction({ alarmName: 'x', targetName: 'y', newStatus: 'Red', occurredAt: 'yesterday' }, now),
    ).toThrow(/occurredAt/);
  });

  it('keeps only VMWARE_ALARM_* variables of an environment', () => {
    expect(pickAlarmEnv({ VMWARE_ALARM_NAME: 'a', PATH: '/bin', LAYERSHIFT_TOKEN: 't' })).toEqual({
      VMWARE_ALARM_NAME: 'a',
    });
  });
});

describe('classifyVcenterAlarm', () => {
  it.each([
    ['Host connection and power state', 'Red', 'host_failure'],
    ['Host connection and power state', 'Green', 'alarm_removed'],
    ['UPS low battery', 'Red', 'low_battery'],
    ['Utility power failure', 'Yellow', 'on_battery'],
    ['Utility power failure', 'Green', 'power_restored'],
    ['Host memory usage', 'Red', 'overload'],
    ['Virtual machine snapshot', 'Yellow', 'alarm_added'],
  ])('%s -> %s is %s', (alarmName, newStatus, kind) => {
    expect(classifyVcenterAlarm({ alarmName, newStatus }).kind).toBe(kind);
  });
});
