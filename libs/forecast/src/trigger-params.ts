import { DEFAULT_TRIGGER, type TriggerParams } from './trigger';

/**
 * Overrides of the proactive trigger's parameters from JSON (the worker's LAYERSHIFT_FORECAST_TRIGGER, the
 * harness's --trigger-params). Every problem is named with `source` and the fix: bad JSON, not an object, an unknown
 * parameter (the known ones listed), a value of the wrong kind. Returns only what was given.
 */
export function parseTriggerParams(raw: string, source: string): Partial<TriggerParams> {
  return checkTriggerParams(
    jsonObject(raw, source, 'a JSON object', `e.g. '{"onsetUpperLookaheadSeconds":0}'`),
    source,
  );
}

/** JSON text that must be an object, or an error naming `source`, what was expected and an example. */
function jsonObject(raw: string, source: string, what: string, example: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message}); ${example}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`${source}: expected ${what}, ${example}`);
  return v as Record<string, unknown>;
}

function checkTriggerParams(given: Record<string, unknown>, source: string): Partial<TriggerParams> {
  const problems: string[] = [];
  const unknown = Object.keys(given).filter((k) => !(k in DEFAULT_TRIGGER));
  if (unknown.length)
    problems.push(
      `unknown ${unknown.join(', ')}; the parameters are ${Object.keys(DEFAULT_TRIGGER).join(', ')}`,
    );
  for (const [k, x] of Object.entries(given)) {
    if (!(k in DEFAULT_TRIGGER)) continue;
    if (k === 'breachOn') {
      if (x !== 'point' && x !== 'upper')
        problems.push(`breachOn must be "point" or "upper", got ${JSON.stringify(x)}`);
    } else if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
      problems.push(`${k} must be a number >= 0, got ${JSON.stringify(x)}`);
  }
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
  return given;
}

/**
 * Per-target overrides (the worker's LAYERSHIFT_FORECAST_TRIGGER_TARGETS): a JSON object from a target's stream
 * (a host's id, or `cluster:<id>`, `pdu:<id>`, `ups:<id>`) to its parameter overrides, each checked as above.
 */
export function parseTargetTriggerParams(
  raw: string,
  source: string,
): Record<string, Partial<TriggerParams>> {
  const v = jsonObject(
    raw,
    source,
    'a JSON object of targets',
    `e.g. '{"host-12":{"onsetUpperLookaheadSeconds":0},"pdu:pdu-a":{"onsetMinT":5}}'`,
  );
  const out: Record<string, Partial<TriggerParams>> = {};
  const problems: string[] = [];
  for (const [target, params] of Object.entries(v)) {
    try {
      const at = `${source}[${JSON.stringify(target)}]`;
      if (typeof params !== 'object' || params === null || Array.isArray(params))
        throw new Error(`${at}: expected a JSON object, e.g. {"onsetMinT":5}`);
      out[target] = checkTriggerParams(params as Record<string, unknown>, at);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) throw new Error(problems.join('; '));
  return out;
}
