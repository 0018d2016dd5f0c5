import { LAYERS } from './layer';
import type { Scenario } from './scenario';
import { COMPONENT_KINDS, DEFAULT_LIMITS, EVENT_TYPES, SHUTDOWN_POLICIES } from './scenario';
import {
  arr,
  bool,
  describe,
  num,
  obj,
  oneOf,
  opt,
  record,
  req,
  str,
  validate,
  ValidationError,
  type ValidationIssue,
} from './validation';

const nonNeg = (what?: string) => num({ min: 0, what });
const positive = (what?: string) => num({ min: 0, exclusiveMin: true, what });

const scenarioShape = obj({
  version: req(oneOf([1])),
  clock: req(str('an ISO-8601 timestamp such as "2026-11-25T03:10:00Z"')),
  limits: opt(
    obj({
      vmotionPerHost: opt(num({ min: 1, integer: true })),
      vmotionPerDatastore: opt(num({ min: 1, integer: true })),
      svmotionPerHost: opt(num({ min: 1, integer: true })),
      svmotionPerDatastore: opt(num({ min: 1, integer: true })),
      vmotionGbps: opt(positive('Gbit/s')),
      svmotionMBps: opt(positive('MB/s')),
      maxHostUtilization: opt(num({ min: 0, exclusiveMin: true, max: 1, what: 'a share of capacity' })),
    }),
  ),
  power: req(
    obj({
      ups: req(
        arr(
          obj({
            id: req(str('a UPS id')),
            onBattery: req(bool()),
            runtimeSeconds: req(nonNeg('seconds')),
            capacityW: req(nonNeg('watts')),
          }),
        ),
      ),
      pdus: req(
        arr(
          obj({
            id: req(str('a PDU id')),
            ups: req(str('the id of a UPS in $.power.ups')),
            capacityW: req(nonNeg('watts')),
          }),
        ),
      ),
    }),
  ),
  hosts: req(
    arr(
      obj({
        id: req(str('a host id')),
        cluster: req(str('a cluster id')),
        cpuMhz: req(positive('MHz')),
        memMb: req(positive('MB')),
        pdus: req(arr(str('the id of a PDU in $.power.pdus'))),
        datastores: req(arr(str('a datastore id'))),
        networks: req(arr(str('a network name'))),
        powerIdleW: req(nonNeg('watts')),
        powerPeakW: req(nonNeg('watts')),
        attested: req(bool()),
        maintenance: req(bool()),
        connected: req(bool()),
      }),
    ),
  ),
  components: req(
    arr(
      obj({
        id: req(str('a component id')),
        name: req(str('a name', { nonEmpty: false })),
        kind: req(oneOf(COMPONENT_KINDS)),
        layer: req(oneOf(LAYERS)),
        host: req(str('the id of a host in $.hosts')),
        cpuMhz: req(nonNeg('MHz')),
        memMb: req(nonNeg('MB')),
        ioMBps: opt(nonNeg('MB/s')),
        datastores: req(arr(str('a datastore id'))),
        networks: req(arr(str('a network name'))),
        sensitive: opt(bool()),
        shutdown: opt(oneOf(SHUTDOWN_POLICIES)),
        dependsOn: opt(arr(str('the id of a component in $.components'))),
        antiAffinity: opt(str('an anti-affinity group name')),
        diskGb: opt(nonNeg('GB')),
        poweredOn: opt(bool()),
      }),
    ),
  ),
  forecast: opt(
    obj({
      horizonSeconds: req(positive('seconds')),
      demand: req(record(obj({ cpuMhz: req(nonNeg('MHz')), memMb: req(nonNeg('MB')) }))),
    }),
  ),
  event: req(
    obj({
      type: req(oneOf(EVENT_TYPES)),
      target: req(str('the id of the UPS, PDU, host or cluster the event is about')),
      runtimeSeconds: opt(nonNeg('seconds')),
    }),
  ),
});

function duplicates(ids: string[], path: string, what: string, issues: ValidationIssue[]): Set<string> {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined)
      issues.push({
        path: `${path}[${i}].id`,
        expected: `a unique ${what} id (already used at ${path}[${first}])`,
        found: describe(id),
      });
    else seen.set(id, i);
  });
  return new Set(seen.keys());
}

/** Cross-references: ids unique, every reference resolves, the event names something that exists. */
function referentialIssues(s: Scenario): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const upsIds = duplicates(
    s.power.ups.map((u) => u.id),
    '$.power.ups',
    'UPS',
    issues,
  );
  const pduIds = duplicates(
    s.power.pdus.map((p) => p.id),
    '$.power.pdus',
    'PDU',
    issues,
  );
  const hostIds = duplicates(
    s.hosts.map((h) => h.id),
    '$.hosts',
    'host',
    issues,
  );
  const componentIds = duplicates(
    s.components.map((c) => c.id),
    '$.components',
    'component',
    issues,
  );
  const clusters = new Set(s.hosts.map((h) => h.cluster));
  const datastores = new Set(s.hosts.flatMap((h) => h.datastores));

  s.power.pdus.forEach((p, i) => {
    if (!upsIds.has(p.ups))
      issues.push({
        path: `$.power.pdus[${i}].ups`,
        expected: 'the id of a UPS in $.power.ups',
        found: describe(p.ups),
      });
  });
  s.hosts.forEach((h, i) => {
    h.pdus.forEach((p, j) => {
      if (!pduIds.has(p))
        issues.push({
          path: `$.hosts[${i}].pdus[${j}]`,
          expected: 'the id of a PDU in $.power.pdus',
          found: describe(p),
        });
    });
    if (h.powerPeakW < h.powerIdleW)
      issues.push({
        path: `$.hosts[${i}].powerPeakW`,
        expected: `a number >= powerIdleW (${h.powerIdleW})`,
        found: describe(h.powerPeakW),
      });
  });
  s.components.forEach((c, i) => {
    if (!hostIds.has(c.host))
      issues.push({
        path: `$.components[${i}].host`,
        expected: 'the id of a host in $.hosts',
        found: describe(c.host),
      });
    c.datastores.forEach((d, j) => {
      if (!datastores.has(d))
        issues.push({
          path: `$.components[${i}].datastores[${j}]`,
          expected: 'a datastore that at least one host in $.hosts sees',
          found: describe(d),
        });
    });
    (c.dependsOn ?? []).forEach((d, j) => {
      if (!componentIds.has(d) || d === c.id)
        issues.push({
          path: `$.components[${i}].dependsOn[${j}]`,
          expected: 'the id of another component in $.components',
          found: describe(d),
        });
    });
  });
  if (s.forecast)
    for (const id of Object.keys(s.forecast.demand))
      if (!componentIds.has(id))
        issues.push({
          path: `$.forecast.demand[${JSON.stringify(id)}]`,
          expected: 'a key that is the id of a component in $.components',
          found: describe(id),
        });

  const { type, target } = s.event;
  const targetOk = (() => {
    switch (type) {
      case 'ups_on_battery':
      case 'ups_low_battery':
        return upsIds.has(target);
      case 'pdu_overload':
        return pduIds.has(target);
      case 'host_failure':
        return hostIds.has(target);
      case 'maintenance':
        return hostIds.has(target) || clusters.has(target);
      case 'power_restored':
        return upsIds.has(target) || pduIds.has(target);
      case 'forecast_shortage':
        return hostIds.has(target) || clusters.has(target) || upsIds.has(target) || pduIds.has(target);
    }
  })();
  if (!targetOk)
    issues.push({
      path: '$.event.target',
      expected: `the id of something a ${type} event can be about`,
      found: describe(target),
    });
  if (Number.isNaN(Date.parse(s.clock)))
    issues.push({
      path: '$.clock',
      expected: 'an ISO-8601 timestamp such as "2026-11-25T03:10:00Z"',
      found: describe(s.clock),
    });
  return issues;
}

export type ScenarioParseResult = { ok: true; scenario: Scenario } | { ok: false; issues: ValidationIssue[] };

/** Checks the shape, then the references; fills documented defaults (limits). Never throws. */
export function checkScenario(input: unknown): ScenarioParseResult {
  const shapeIssues = validate(scenarioShape, input);
  if (shapeIssues.length > 0) return { ok: false, issues: shapeIssues };
  const raw = input as Scenario;
  const scenario: Scenario = { ...raw, limits: { ...DEFAULT_LIMITS, ...(raw.limits ?? {}) } };
  const refIssues = referentialIssues(scenario);
  return refIssues.length > 0 ? { ok: false, issues: refIssues } : { ok: true, scenario };
}

/** Like checkScenario, but throws a ValidationError whose message lists every path. */
export function parseScenario(input: unknown): Scenario {
  const result = checkScenario(input);
  if (!result.ok) throw new ValidationError('scenario', result.issues);
  return result.scenario;
}
