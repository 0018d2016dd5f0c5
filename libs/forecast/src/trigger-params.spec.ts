import { describe, expect, it } from 'vitest';
import { parseTargetTriggerParams, parseTriggerParams } from './trigger-params';

describe('parseTriggerParams', () => {
  it('returns the overrides given', () => {
    expect(parseTriggerParams('{"onsetUpperLookaheadSeconds":0,"breachOn":"upper"}', 'X')).toEqual({
      onsetUpperLookaheadSeconds: 0,
      breachOn: 'upper',
    });
    expect(parseTriggerParams('{}', 'X')).toEqual({});
  });

  it('names the source, the parameter and the fix', () => {
    expect(() => parseTriggerParams('{onsetMinT:3}', 'LAYERSHIFT_FORECAST_TRIGGER')).toThrow(
      /^LAYERSHIFT_FORECAST_TRIGGER: not JSON .*e\.g\./,
    );
    expect(() => parseTriggerParams('[1]', 'X')).toThrow(/X: expected a JSON object/);
    expect(() => parseTriggerParams('{"onsetMinTee":3}', 'X')).toThrow(
      /unknown onsetMinTee; the parameters are breachOn, confirmations, .*onsetMinT/,
    );
    expect(() => parseTriggerParams('{"onsetMinT":"4","breachOn":"max"}', 'X')).toThrow(
      /^X: onsetMinT must be a number >= 0, got "4"; breachOn must be "point" or "upper", got "max"$/,
    );
    expect(() => parseTriggerParams('{"hysteresis":-1}', 'X')).toThrow(/hysteresis must be a number >= 0/);
  });

  it('takes per-target overrides, each checked and named by its target', () => {
    expect(parseTargetTriggerParams('{"host-12":{"onsetMinT":5},"pdu:pdu-a":{}}', 'T')).toEqual({
      'host-12': { onsetMinT: 5 },
      'pdu:pdu-a': {},
    });
    expect(() => parseTargetTriggerParams('{"host-12":{"onsetMinTee":5}}', 'T')).toThrow(
      /^T\["host-12"\]: unknown onsetMinTee/,
    );
    expect(() => parseTargetTriggerParams('{"host-12":5}', 'T')).toThrow(
      /T\["host-12"\]: expected a JSON object/,
    );
    expect(() => parseTargetTriggerParams('[]', 'T')).toThrow(/T: expected a JSON object of targets/);
  });
});
