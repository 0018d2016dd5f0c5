import { isLayer, LAYERS, type Layer } from './layer';
import {
  arr,
  describe,
  num,
  obj,
  oneOf,
  opt,
  req,
  str,
  validate,
  ValidationError,
  type ValidationIssue,
} from './validation';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Anticipated work an operator knows about: a batch window (backups, month-end runs) or a maintenance job
 * (patching). Weekly (`days` at `start`, UTC) or once (`at`). The forecast treats the components it names as
 * busy-by-schedule in those windows (a model feature), so a known batch is expected rather than alarmed on.
 */
export interface WorkWindow {
  /** the operator's name for it, unique, e.g. "nightly-backup" */
  id: string;
  kind: 'batch' | 'maintenance';
  /** weekly: on these days (default every day) at `start`, "HH:MM" in UTC */
  days?: Weekday[];
  start?: string;
  /** once: from this instant (ISO 8601) */
  at?: string;
  durationMinutes: number;
  /** what runs in it: these VMs, the VMs on these hosts, the VMs of these layers; none of the three = every VM */
  components?: string[];
  hosts?: string[];
  layers?: Layer[];
  detail?: string;
}

export interface WorkWindowsDocument {
  windows: WorkWindow[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** More is a mistake (a generated list of one-offs where a weekly window was meant), and costs every forecast. */
export const MAX_WINDOWS = 1000;

const shape = obj(
  {
    windows: req(
      arr(
        obj(
          {
            id: req(str('a name for the window, e.g. "nightly-backup"')),
            kind: req(oneOf(['batch', 'maintenance'])),
            days: opt(arr(oneOf(WEEKDAYS), 'an array of weekdays')),
            start: opt(str('"HH:MM" in UTC, e.g. "01:30"')),
            at: opt(str('an ISO 8601 instant, e.g. "2026-12-01T22:00:00Z"')),
            durationMinutes: req(num({ min: 1, max: 7 * 24 * 60, integer: true, what: 'minutes' })),
            components: opt(arr(str('a component id'))),
            hosts: opt(arr(str('a host id'))),
            layers: opt(arr(oneOf(LAYERS))),
            detail: opt(str('a note', { nonEmpty: false })),
          },
          'a window {id, kind, start or at, durationMinutes, ...}',
        ),
        'an array of windows',
      ),
    ),
  },
  'a JSON object {windows: [...]}',
);

/** Checks a document of work windows; every problem names its JSON path and what to write instead. */
export function parseWorkWindows(input: unknown): WorkWindowsDocument {
  const issues: ValidationIssue[] = validate(shape, input);
  const windows = (input as Partial<WorkWindowsDocument> | null)?.windows;
  if (Array.isArray(windows) && windows.length > MAX_WINDOWS)
    issues.push({
      path: '$.windows',
      expected: `at most ${MAX_WINDOWS} windows (a recurring one covers every week)`,
      found: `${windows.length} windows`,
    });
  if (Array.isArray(windows)) {
    // the second pass on every window whose own shape was right, so one reply lists all that is wrong
    const malformed = (i: number) =>
      issues.some((x) => x.path === `$.windows[${i}]` || x.path.startsWith(`$.windows[${i}].`));
    const seen = new Set<string>();
    windows.forEach((w, i) => {
      const path = `$.windows[${i}]`;
      if (malformed(i)) return;
      if (seen.has(w.id))
        issues.push({ path: `${path}.id`, expected: 'a name used once', found: JSON.stringify(w.id) });
      seen.add(w.id);
      if ((w.start === undefined) === (w.at === undefined))
        issues.push({
          path,
          expected: 'exactly one of "start" (weekly, "HH:MM" UTC) and "at" (once, ISO 8601)',
          found: w.start === undefined ? 'neither' : 'both',
        });
      if (w.start !== undefined && !HHMM.test(w.start))
        issues.push({
          path: `${path}.start`,
          expected: '"HH:MM" in UTC, e.g. "01:30"',
          found: describe(w.start),
        });
      if (w.at !== undefined && !Number.isFinite(Date.parse(w.at)))
        issues.push({
          path: `${path}.at`,
          expected: 'an ISO 8601 instant, e.g. "2026-12-01T22:00:00Z"',
          found: describe(w.at),
        });
      if (w.at !== undefined && w.days !== undefined)
        issues.push({
          path: `${path}.days`,
          expected: 'no days with "at" (a one-off window)',
          found: describe(w.days),
        });
      if (w.kind === 'maintenance' && !w.hosts?.length && !w.components?.length)
        issues.push({
          path,
          expected:
            'a maintenance window names the hosts or components it takes down ("hosts" or "components")',
          found: 'neither',
        });
    });
  }
  if (issues.length) throw new ValidationError('work windows', issues);
  return input as WorkWindowsDocument;
}

/** The occurrences of a window that overlap [from, to) (epoch seconds), as {start, end}. */
export function windowOccurrences(w: WorkWindow, from: number, to: number): { start: number; end: number }[] {
  const length = w.durationMinutes * 60;
  if (w.at !== undefined) {
    const start = Date.parse(w.at) / 1000;
    return start < to && start + length > from ? [{ start, end: start + length }] : [];
  }
  const m = HHMM.exec(w.start ?? '');
  if (!m) return [];
  const offset = Number(m[1]) * 3600 + Number(m[2]) * 60;
  const days = new Set(w.days ?? WEEKDAYS);
  const out: { start: number; end: number }[] = [];
  // from the day before `from` (a window that began yesterday may still run) to the day of `to`
  const firstDay = Math.floor(from / 86400) - Math.ceil(length / 86400);
  for (let day = firstDay; day * 86400 < to; day++) {
    const start = day * 86400 + offset;
    // 1970-01-01 was a Thursday
    if (!days.has(WEEKDAYS[(day + 4) % 7])) continue;
    if (start < to && start + length > from) out.push({ start, end: start + length });
  }
  return out;
}

/** Whether a window concerns a component (by id, by the host it runs on, or by its layer; none named = all). */
export function windowAppliesTo(
  w: WorkWindow,
  c: { id: string; hostId: string | null; layer: string },
): boolean {
  if (!w.components?.length && !w.hosts?.length && !w.layers?.length) return true;
  return (
    (w.components?.includes(c.id) ?? false) ||
    (c.hostId !== null && (w.hosts?.includes(c.hostId) ?? false)) ||
    (isLayer(c.layer) && (w.layers?.includes(c.layer) ?? false))
  );
}

/**
 * The schedule of anticipated work of each component over [from, to): every occurrence of the windows that concern
 * it, for the forecast's feature. Each window is expanded once, not once per component (a window for all of 10,000
 * VMs would otherwise be expanded 10,000 times). Host windows are matched on the host the component runs on now
 * (it may have run elsewhere in the training history: a feature slightly off for a moved VM).
 */
export function scheduleFor(
  windows: readonly WorkWindow[],
  from: number,
  to: number,
): (c: { id: string; hostId: string | null; layer: string }) => { start: number; end: number }[] {
  const expanded = windows.map((w) => ({ w, occurrences: windowOccurrences(w, from, to) }));
  return (c) => expanded.filter((e) => windowAppliesTo(e.w, c)).flatMap((e) => e.occurrences);
}

/** A host maintenance an operator scheduled, due for its evacuation plan. */
export interface DueMaintenance {
  windowId: string;
  host: string;
  /** the occurrence, epoch seconds */
  start: number;
  end: number;
}

/**
 * The maintenance windows' host occurrences whose evacuation is due at `now`: from `leadSeconds` before the start
 * until the end (one found late, after its start, is still due: the host must be emptied all the same).
 */
export function dueMaintenances(
  windows: readonly WorkWindow[],
  now: number,
  leadSeconds: number,
): DueMaintenance[] {
  const out: DueMaintenance[] = [];
  for (const w of windows) {
    if (w.kind !== 'maintenance' || !w.hosts?.length) continue;
    for (const o of windowOccurrences(w, now, now + leadSeconds + 1))
      if (o.start - leadSeconds <= now && now < o.end)
        for (const host of w.hosts) out.push({ windowId: w.id, host, start: o.start, end: o.end });
  }
  return out;
}

/** One occurrence of a window, for the schedule an operator reads. */
export interface WindowOccurrence {
  windowId: string;
  kind: WorkWindow['kind'];
  /** ISO 8601 */
  start: string;
  end: string;
  components?: string[];
  hosts?: string[];
  layers?: Layer[];
  detail?: string;
}

/** Every window's occurrences overlapping [from, to) (epoch seconds), soonest first. */
export function upcomingOccurrences(
  windows: readonly WorkWindow[],
  from: number,
  to: number,
): WindowOccurrence[] {
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return windows
    .flatMap((w) =>
      windowOccurrences(w, from, to).map((o) => ({
        windowId: w.id,
        kind: w.kind,
        start: iso(o.start),
        end: iso(o.end),
        ...(w.components ? { components: w.components } : {}),
        ...(w.hosts ? { hosts: w.hosts } : {}),
        ...(w.layers ? { layers: w.layers } : {}),
        ...(w.detail ? { detail: w.detail } : {}),
      })),
    )
    .sort((a, b) => a.start.localeCompare(b.start) || a.windowId.localeCompare(b.windowId));
}
