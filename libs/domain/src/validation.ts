/**
 * A small structural validator whose every error names the JSON path, what was expected and how to fix it.
 * Hand-written rather than a schema library: the messages are part of the product (CLI exit 2, HTTP 400).
 */
export interface ValidationIssue {
  /** JSONPath-like location, e.g. `$.hosts[3].pdus[1]`. */
  path: string;
  /** What the contract expects there, e.g. `a number >= 0`. */
  expected: string;
  /** A short description of what was found. */
  found: string;
}

export class ValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      `${subject} refused (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.path}: expected ${i.expected}, found ${i.found}`).join('\n'),
    );
    this.name = 'ValidationError';
  }
}

export type Check = (value: unknown, path: string, issues: ValidationIssue[]) => void;

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

export const str =
  (what = 'a string', opts: { nonEmpty?: boolean } = { nonEmpty: true }): Check =>
  (v, path, issues) => {
    if (typeof v !== 'string' || (opts.nonEmpty && v.length === 0))
      issues.push({
        path,
        expected: opts.nonEmpty ? `${what} (non-empty string)` : what,
        found: describe(v),
      });
  };

export const num =
  (
    opts: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean; what?: string } = {},
  ): Check =>
  (v, path, issues) => {
    const bounds: string[] = [];
    if (opts.min !== undefined) bounds.push(`${opts.exclusiveMin ? '>' : '>='} ${opts.min}`);
    if (opts.max !== undefined) bounds.push(`<= ${opts.max}`);
    const expected = `${opts.integer ? 'an integer' : 'a number'}${bounds.length ? ' ' + bounds.join(' and ') : ''}${opts.what ? ` (${opts.what})` : ''}`;
    if (typeof v !== 'number' || !Number.isFinite(v))
      return void issues.push({ path, expected, found: describe(v) });
    const low = opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min);
    const high = opts.max !== undefined && v > opts.max;
    if (low || high || (opts.integer && !Number.isInteger(v)))
      issues.push({ path, expected, found: describe(v) });
  };

export const bool = (): Check => (v, path, issues) => {
  if (typeof v !== 'boolean') issues.push({ path, expected: 'true or false', found: describe(v) });
};

export const oneOf =
  (values: readonly (string | number)[]): Check =>
  (v, path, issues) => {
    if (!values.includes(v as string | number))
      issues.push({
        path,
        expected: `one of ${values.map((x) => JSON.stringify(x)).join(' | ')}`,
        found: describe(v),
      });
  };

export const arr =
  (item: Check, what = 'an array'): Check =>
  (v, path, issues) => {
    if (!Array.isArray(v)) return void issues.push({ path, expected: what, found: describe(v) });
    v.forEach((x, i) => item(x, `${path}[${i}]`, issues));
  };

export const record =
  (item: Check, what = 'an object keyed by id'): Check =>
  (v, path, issues) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return void issues.push({ path, expected: what, found: describe(v) });
    for (const [k, x] of Object.entries(v)) item(x, `${path}[${JSON.stringify(k)}]`, issues);
  };

export interface Field {
  check: Check;
  optional?: boolean;
}
export const req = (check: Check): Field => ({ check });
export const opt = (check: Check): Field => ({ check, optional: true });

export const obj =
  (fields: Record<string, Field>, what = 'an object'): Check =>
  (v, path, issues) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return void issues.push({ path, expected: what, found: describe(v) });
    const o = v as Record<string, unknown>;
    for (const [name, field] of Object.entries(fields)) {
      const value = o[name];
      if (value === undefined && field.optional) continue;
      field.check(value, `${path}.${name}`, issues);
    }
  };

export function validate(check: Check, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  check(value, '$', issues);
  return issues;
}
