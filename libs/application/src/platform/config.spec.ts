import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from './config';

const TOKEN = 'a'.repeat(32);

describe('loadConfig', () => {
  it('uses local defaults when only a token is given', () => {
    const c = loadConfig({ LAYERSHIFT_API_TOKENS: TOKEN });
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/layershift');
    expect(c.api.port).toBe(8080);
    expect(c.vcenter).toBeUndefined();
    expect(c.maintenanceLeadSeconds).toBe(45 * 60);
    expect(c.scheduleTickSeconds).toBe(60);
  });

  it('reports every bad variable at once, each by name', () => {
    try {
      loadConfig({
        DATABASE_URL: 'mysql://x',
        API_PORT: '99999',
        LOG_LEVEL: 'loud',
        VCENTER_URL: 'https://vc.example',
        LAYERSHIFT_FORECAST_TRIGGER: '{"onsetMinT":"4"}',
        LAYERSHIFT_MAINTENANCE_LEAD_MINUTES: '0',
        LAYERSHIFT_SCHEDULE_TICK_SECONDS: 'often',
      });
      throw new Error('should refuse');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const text = (e as ConfigError).message;
      expect(text).toMatch(/LAYERSHIFT_API_TOKENS .*is missing/);
      expect(text).toMatch(/DATABASE_URL must be a postgres: or postgresql: URL/);
      expect(text).toMatch(/API_PORT must be an integer from 0 to 65535, got "99999"/);
      expect(text).toMatch(/LOG_LEVEL must be one of/);
      expect(text).toMatch(/VCENTER_PASSWORD_FILE .*is missing/);
      expect(text).toMatch(/VCENTER_USERNAME is missing/);
      expect(text).toMatch(/neither VCENTER_THUMBPRINT nor VCENTER_CA_FILE/);
      expect(text).toMatch(/LAYERSHIFT_FORECAST_TRIGGER: onsetMinT must be a number >= 0, got "4"/);
      expect(text).toMatch(/LAYERSHIFT_MAINTENANCE_LEAD_MINUTES must be an integer from 1 to 1440, got "0"/);
      expect(text).toMatch(/LAYERSHIFT_SCHEDULE_TICK_SECONDS must be an integer from 1 to 3600, got "often"/);
    }
  });

  it('takes trigger overrides from LAYERSHIFT_FORECAST_TRIGGER', () => {
    expect(loadConfig({ LAYERSHIFT_API_TOKENS: TOKEN }).forecastTrigger).toEqual({});
    const c = loadConfig({
      LAYERSHIFT_API_TOKENS: TOKEN,
      LAYERSHIFT_FORECAST_TRIGGER: '{"onsetUpperLookaheadSeconds":0}',
    });
    expect(c.forecastTrigger).toEqual({ onsetUpperLookaheadSeconds: 0 });
    const t = loadConfig({
      LAYERSHIFT_API_TOKENS: TOKEN,
      LAYERSHIFT_FORECAST_TRIGGER_TARGETS: '{"host-12":{"onsetMinT":5}}',
    });
    expect(t.forecastTriggerTargets).toEqual({ 'host-12': { onsetMinT: 5 } });
    expect(() =>
      loadConfig({
        LAYERSHIFT_API_TOKENS: TOKEN,
        LAYERSHIFT_FORECAST_TRIGGER_TARGETS: '{"host-12":{"x":1}}',
      }),
    ).toThrow(/LAYERSHIFT_FORECAST_TRIGGER_TARGETS\["host-12"\]: unknown x/);
  });

  it('never shows secrets in the redacted view', () => {
    const c = loadConfig({
      LAYERSHIFT_API_TOKENS: TOKEN,
      DATABASE_URL: 'postgres://app:hunter2hunter2@db:5432/ls',
      VCENTER_URL: 'https://vc.example/sdk',
      VCENTER_USERNAME: 'svc',
      VCENTER_PASSWORD: 'S3cret-vc-pass',
      VCENTER_THUMBPRINT: 'AB:'.repeat(31) + 'AB',
    });
    const text = JSON.stringify(redactedConfig(c));
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('S3cret-vc-pass');
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('"pinned":true');
  });
});
