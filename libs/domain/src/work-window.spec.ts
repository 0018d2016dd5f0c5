import { describe, expect, it } from 'vitest';
import {
  dueMaintenances,
  parseWorkWindows,
  scheduleFor,
  windowAppliesTo,
  windowOccurrences,
  type WorkWindow,
} from './work-window';

const DAY = 86400;
// 2026-11-23 was a Monday
const MONDAY = Date.UTC(2026, 10, 23) / 1000;

describe('work windows', () => {
  it('names every problem with its path and what to write', () => {
    const problems = (doc: unknown) => {
      try {
        parseWorkWindows(doc);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(problems({ windows: [] })).toBe('accepted');
    const many = Array.from({ length: 1001 }, (_, i) => ({
      id: `w${i}`,
      kind: 'batch',
      start: '01:00',
      durationMinutes: 5,
    }));
    expect(problems({ windows: many })).toMatch(/\$\.windows: expected at most 1000 windows/);
    expect(problems([])).toMatch(/\$: expected a JSON object \{windows: \[\.\.\.\]\}/);
    const msg = problems({
      windows: [
        { id: 'a', kind: 'batch', start: '25:00', durationMinutes: 60 },
        { id: 'a', kind: 'batch', durationMinutes: 60 },
        { id: 'b', kind: 'batch', at: 'tomorrow', days: ['mon'], durationMinutes: 0 },
        { id: 'c', kind: 'maintenance', start: '02:00', durationMinutes: 30, days: ['someday'] },
      ],
    });
    expect(msg).toMatch(/\$\.windows\[0\]\.start: expected "HH:MM" in UTC/);
    expect(msg).toMatch(/\$\.windows\[1\]\.id: expected a name used once/);
    expect(msg).toMatch(/\$\.windows\[1\]: expected exactly one of "start" .* found neither/);
    expect(msg).toMatch(/\$\.windows\[2\]\.durationMinutes: expected an integer >= 1/);
    expect(msg).toMatch(/\$\.windows\[3\]\.days\[0\]: expected one of "sun"/);
    // the second pass (start, at, days, maintenance target) runs once the shapes are right
    const later = problems({
      windows: [
        { id: 'b', kind: 'batch', at: 'tomorrow', days: ['mon'], durationMinutes: 5 },
        { id: 'c', kind: 'maintenance', start: '02:00', durationMinutes: 30 },
      ],
    });
    expect(later).toMatch(/\$\.windows\[0\]\.at: expected an ISO 8601 instant/);
    expect(later).toMatch(/\$\.windows\[0\]\.days: expected no days with "at"/);
    expect(later).toMatch(/\$\.windows\[1\]: expected a maintenance window names the hosts or components/);
  });

  it('repeats a weekly window on its days, in UTC, including one that runs past midnight', () => {
    const w: WorkWindow = {
      id: 'w',
      kind: 'batch',
      days: ['mon', 'wed'],
      start: '23:30',
      durationMinutes: 90,
    };
    const occ = windowOccurrences(w, MONDAY, MONDAY + 7 * DAY);
    expect(occ).toEqual([
      { start: MONDAY + 23.5 * 3600, end: MONDAY + DAY + 3600 },
      { start: MONDAY + 2 * DAY + 23.5 * 3600, end: MONDAY + 3 * DAY + 3600 },
    ]);
    // Tuesday 00:30 is inside Monday's occurrence
    expect(windowOccurrences(w, MONDAY + DAY + 1800, MONDAY + DAY + 1801)).toHaveLength(1);
    // every day when no days are given: seven starts in the week, plus Sunday night's run into Monday 01:00
    const daily = windowOccurrences({ ...w, days: undefined }, MONDAY, MONDAY + 7 * DAY);
    expect(daily).toHaveLength(8);
    expect(daily[0]).toEqual({ start: MONDAY - 1800, end: MONDAY + 3600 });
  });

  it('places a one-off window once', () => {
    const w: WorkWindow = {
      id: 'once',
      kind: 'maintenance',
      at: '2026-11-24T22:00:00Z',
      durationMinutes: 120,
      hosts: ['h1'],
    };
    expect(windowOccurrences(w, MONDAY, MONDAY + 7 * DAY)).toEqual([
      { start: MONDAY + DAY + 22 * 3600, end: MONDAY + DAY + 24 * 3600 },
    ]);
    expect(windowOccurrences(w, MONDAY + 3 * DAY, MONDAY + 7 * DAY)).toEqual([]);
  });

  it('applies to the components it names, those on its hosts, those of its layers, or all', () => {
    const vm = { id: 'vm-1', hostId: 'host-1', layer: 'low' };
    const base: WorkWindow = { id: 'x', kind: 'batch', start: '01:00', durationMinutes: 60 };
    expect(windowAppliesTo(base, vm)).toBe(true);
    expect(windowAppliesTo({ ...base, components: ['vm-2'] }, vm)).toBe(false);
    expect(windowAppliesTo({ ...base, components: ['vm-2'], hosts: ['host-1'] }, vm)).toBe(true);
    expect(windowAppliesTo({ ...base, layers: ['critical'] }, vm)).toBe(false);
    expect(windowAppliesTo({ ...base, layers: ['low'] }, vm)).toBe(true);
    expect(windowAppliesTo({ ...base, hosts: ['host-1'] }, { ...vm, hostId: null })).toBe(false);
  });

  it('makes a host maintenance due from its lead time before the start until the end, batches never', () => {
    const patch: WorkWindow = {
      id: 'patch',
      kind: 'maintenance',
      days: ['tue'],
      start: '22:00',
      durationMinutes: 60,
      hosts: ['h1', 'h2'],
    };
    const batch: WorkWindow = {
      id: 'etl',
      kind: 'batch',
      start: '22:00',
      durationMinutes: 60,
      hosts: ['h3'],
    };
    const start = MONDAY + DAY + 22 * 3600;
    const lead = 45 * 60;
    expect(dueMaintenances([patch, batch], start - lead - 60, lead)).toEqual([]);
    expect(dueMaintenances([patch, batch], start - lead, lead)).toEqual([
      { windowId: 'patch', host: 'h1', start, end: start + 3600 },
      { windowId: 'patch', host: 'h2', start, end: start + 3600 },
    ]);
    // found late, inside the window: still due; after it: not
    expect(dueMaintenances([patch], start + 1800, lead)).toHaveLength(2);
    expect(dueMaintenances([patch], start + 3600, lead)).toEqual([]);
  });

  it('gives each component the occurrences of the windows that concern it', () => {
    const windows: WorkWindow[] = [
      { id: 'all', kind: 'batch', start: '01:00', durationMinutes: 60 },
      { id: 'h1', kind: 'maintenance', at: '2026-11-24T10:00:00Z', durationMinutes: 30, hosts: ['host-1'] },
    ];
    const of = scheduleFor(windows, MONDAY, MONDAY + 2 * DAY);
    expect(of({ id: 'vm-1', hostId: 'host-1', layer: 'low' })).toEqual([
      { start: MONDAY + 3600, end: MONDAY + 7200 },
      { start: MONDAY + DAY + 3600, end: MONDAY + DAY + 7200 },
      { start: MONDAY + DAY + 10 * 3600, end: MONDAY + DAY + 10.5 * 3600 },
    ]);
    expect(of({ id: 'vm-2', hostId: 'host-2', layer: 'low' })).toHaveLength(2);
  });
});
