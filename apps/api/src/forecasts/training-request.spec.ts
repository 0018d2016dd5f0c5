import { describe, expect, it } from 'vitest';
import { parseTrainingRequest } from './training-request';

describe('parseTrainingRequest', () => {
  it('reads an empty body as "all components", and drops repeated ids', () => {
    expect(parseTrainingRequest(undefined)).toEqual({ components: undefined, force: false });
    expect(parseTrainingRequest({})).toEqual({ components: undefined, force: false });
    expect(parseTrainingRequest({ components: ['vm-1', 'vm-2', 'vm-1'], force: true })).toEqual({
      components: ['vm-1', 'vm-2'],
      force: true,
    });
  });

  it('names every bad field and what to send instead', () => {
    const problems = (body: unknown) => {
      try {
        parseTrainingRequest(body);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(problems([])).toMatch(/\$: expected a JSON object \{components\?, force\?\}/);
    expect(problems({ components: ['vm-1', ''] })).toMatch(/\$\.components\[1\]: expected a component id/);
    expect(problems({ components: [] })).toMatch(
      /\$\.components: expected at least one id \(leave the field out/,
    );
    expect(problems({ force: 'yes' })).toMatch(/\$\.force: expected true or false, found/);
    expect(problems({ components: ['vm-1'], forse: true })).toMatch(/\$\.forse: expected no such field/);
    expect(problems({ components: Array.from({ length: 10_001 }, (_, i) => `vm-${i}`) })).toMatch(
      /at most 10000 ids/,
    );
  });
});
