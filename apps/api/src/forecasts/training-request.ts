import {
  ValidationError,
  type ValidationIssue,
  arr,
  bool,
  describe,
  obj,
  opt,
  str,
  validate,
} from '@app/domain';

/** The body of POST /api/v1/forecasts/train: which components (default all), and whether to retrain unchanged ones. */
export interface TrainingRequestBody {
  components?: string[];
  force?: boolean;
}

/** More ids than this in one request is a mistake (a fleet is trained whole by leaving `components` out). */
export const MAX_TRAINING_COMPONENTS = 10_000;

const FIELDS = {
  components: opt(
    arr(str('a component id, as GET /api/v1/components lists it'), 'an array of component ids'),
  ),
  force: opt(bool()),
};

/**
 * Checks the body; every problem names its field and what to send instead. An empty or absent body is "train all
 * components whose samples changed".
 */
export function parseTrainingRequest(body: unknown): TrainingRequestBody {
  const value = body === undefined || body === null || body === '' ? {} : body;
  const issues: ValidationIssue[] = validate(obj(FIELDS, 'a JSON object {components?, force?}'), value);
  if (issues.length === 0) {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!(k in FIELDS))
        issues.push({
          path: `$.${k}`,
          expected: 'no such field (known: components, force)',
          found: describe(o[k]),
        });
    const ids = o.components as string[] | undefined;
    if (ids && ids.length === 0)
      issues.push({
        path: '$.components',
        expected: 'at least one id (leave the field out to train every component)',
        found: 'an empty array',
      });
    if (ids && ids.length > MAX_TRAINING_COMPONENTS)
      issues.push({
        path: '$.components',
        expected: `at most ${MAX_TRAINING_COMPONENTS} ids (leave the field out to train every component)`,
        found: `${ids.length} ids`,
      });
  }
  if (issues.length) throw new ValidationError('training request', issues);
  const o = value as TrainingRequestBody;
  return { components: o.components && [...new Set(o.components)], force: o.force === true };
}
