import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { Logger } from 'nestjs-pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '@app/application';
import { ComponentEntity, ForecastEntity, ForecastModelEntity } from '@app/persistence';
import { ApiModule } from '../../../apps/api/src/api.module';
import { createApiApp } from '../../../apps/api/src/bootstrap';
import { ValidationErrorFilter } from '../../../apps/api/src/http-errors.filter';
import { UiModule } from '../../../apps/api/src/ui';
import { auth, TEST_TOKEN, testConfig, listenOnLoopback } from '../../support/app-config';
import { createTestDatabase, type TestDatabase } from '../../support/db';

const ROOT = resolve(__dirname, '../../..');
const DIST = join(ROOT, 'ui-plugin/dist');
const SHOTS = join(ROOT, 'test-results/ui');
const SCENARIO = JSON.parse(
  readFileSync(join(ROOT, '../shared/scenarios/small-ups-on-battery.json'), 'utf8'),
) as { components: Array<Record<string, any>>; hosts: Array<{ id: string }> };

/** The status of a GET sent with the path exactly as written (no URL normalisation). */
function rawStatus(url: string): Promise<number> {
  const u = new URL(url);
  const path = url.slice(url.indexOf('/', u.protocol.length + 2));
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Whether api.module.ts already imports the UiModule; if not, the test adds it around ApiModule. */
function uiWired(config: AppConfig): boolean {
  return (ApiModule.forRoot(config).imports ?? []).some(
    (m) => m === UiModule || (m as DynamicModule)?.module === UiModule,
  );
}

async function startApi(config: AppConfig): Promise<INestApplication> {
  if (uiWired(config)) return createApiApp(config);
  @Module({})
  class ApiWithUiModule {}
  const app = await NestFactory.create(
    { module: ApiWithUiModule, imports: [ApiModule.forRoot(config), UiModule.forRoot()] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ValidationErrorFilter());
  return app;
}

describe('the vSphere Client plugin UI in headless Chromium', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let base: string;
  let prefix: string;
  let planId: string;
  let actionCount: number;
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'index.html')))
      throw new Error(
        `ui-plugin/dist is missing: build the plugin first with ` +
          `"npm --prefix ui-plugin ci && npm --prefix ui-plugin run build" (this test builds nothing itself)`,
      );
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase({ migrate: true });
    const config = testConfig(db.url);
    prefix = config.queuePrefix;
    app = await startApi(config);
    base = await listenOnLoopback(app);

    // A plan to look at, as an operator's audit makes one.
    const res = await fetch(`${base}/api/v1/audits`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: SCENARIO, trigger: 'operator' }),
    });
    expect(res.status).toBe(201);
    planId = ((await res.json()) as { planId: string }).planId;
    const plan = (await (await fetch(`${base}/api/v1/plans/${planId}`, { headers: auth })).json()) as {
      actions: unknown[];
    };
    actionCount = plan.actions.length;
    expect(actionCount).toBeGreaterThan(0);

    // An inventory for the Layers view: the scenario's VMs, every seventh without a layer tag (shown as medium,
    // flagged), and a one-hour CPU forecast per layer.
    await db.dataSource.getRepository(ComponentEntity).save(
      SCENARIO.components.map((c, i) => ({
        id: c.id,
        name: c.name ?? c.id,
        layer: i % 7 === 3 ? 'medium' : c.layer,
        layerTagged: i % 7 !== 3,
        hostId: c.host,
        cpuMhz: c.cpuMhz,
        memMb: c.memMb,
        sensitive: !!c.sensitive,
      })),
    );
    const now = Date.now();
    const base0 = { critical: 60_000, high: 90_000, medium: 120_000, low: 40_000 } as const;
    await db.dataSource.getRepository(ForecastEntity).save(
      Object.entries(base0).flatMap(([layer, mhz]) =>
        Array.from({ length: 12 }, (_, k) => {
          const point = mhz * (1 + 0.15 * Math.sin(k / 2));
          const spread = mhz * 0.04 * (1 + k / 4);
          return {
            scope: 'layer',
            key: layer,
            metric: 'cpuMhz',
            horizonSeconds: 3600,
            issuedAt: new Date(now),
            targetAt: new Date(now + (k + 1) * 300_000),
            point,
            lower: point - spread,
            upper: point + spread,
            method: 'model',
          };
        }),
      ),
    );

    // The models behind them: two regressions and one component with too little history on a baseline.
    const trainedTo = new Date(now - 600_000);
    await db.dataSource.getRepository(ForecastModelEntity).save(
      [
        ['ridge', undefined],
        ['ridge', undefined],
        ['constant', '20 observed samples (< 24, two hours): constant at the mean'],
      ].map(([kind, fallbackReason], i) => ({
        scope: 'component',
        key: SCENARIO.components[i].id as string,
        metric: 'cpuMhz',
        horizonSeconds: 0,
        trainedFrom: new Date(now - 35 * 86400_000),
        trainedTo,
        model: { kind, fallbackReason },
        error: { kind },
      })),
    );

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await db?.drop();
  });

  it('serves the manifest and the static files without a token, and nothing else', async () => {
    const manifest = await fetch(`${base}/ui/plugin.json`);
    expect(manifest.status).toBe(200);
    const m = (await manifest.json()) as Record<string, any>;
    expect(m.manifestVersion).toBe('1.0.0');
    expect(m.global.view.uri).toBe('index.html#/plans');
    expect(Object.keys(m.objects).sort()).toEqual(['ClusterComputeResource', 'HostSystem', 'VirtualMachine']);
    expect((await fetch(`${base}/ui/`)).headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${base}/ui/plans/deep/link`)).status).toBe(200); // index.html fallback
    expect((await fetch(`${base}/ui/nope.js`)).status).toBe(404);
    // fetch() would normalise the dots away; send the raw path so the server sees the traversal attempt.
    expect(await rawStatus(`${base}/ui/%2e%2e/%2e%2e/package.json`)).toBe(404);
    expect(await rawStatus(`${base}/ui/..%2f..%2fpackage.json`)).toBe(404);
    expect((await fetch(`${base}/api/v1/plans`)).status).toBe(401);
  });

  it('signs in with the api token, lists the plan and shows its actions', async () => {
    await page.goto(`${base}/ui/`);
    await page.locator('#ls-token').waitFor();
    await shot('01-login');
    await page.fill('#ls-token', TEST_TOKEN);
    await page.click('button[type=submit]');

    const row = page.locator('clr-datagrid.ls-plans clr-dg-row', { hasText: planId.slice(0, 8) });
    await row.waitFor();
    await expect(row.locator('.label').first().textContent()).resolves.toContain('proposed');
    await shot('02-plans');

    await row.locator('a').click();
    await page.locator('.ls-plan-id', { hasText: planId }).waitFor();
    const rows = page.locator('ls-actions-grid clr-dg-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(Math.min(actionCount, 25));
    await expect(page.locator('ls-actions-grid clr-dg-pagination').textContent()).resolves.toContain(
      `of ${actionCount} actions`,
    );
    const plan = (await (await fetch(`${base}/api/v1/plans/${planId}`, { headers: auth })).json()) as {
      actions: Array<{ seq: number; component: string | null; host: string | null; kind: string }>;
    };
    const first = [...plan.actions].sort((a, b) => a.seq - b.seq)[0];
    await expect(rows.first().locator('.ls-component').textContent()).resolves.toContain(
      first.component ?? first.host ?? '-',
    );
    await expect(page.locator('.ls-plan-state').textContent()).resolves.toContain('proposed');
    await shot('03-plan');
  });

  it('approves the plan after a confirmation and shows the new state', async () => {
    await page.click('button.ls-approve');
    await page.locator('.modal-dialog', { hasText: 'Approve this plan?' }).waitFor();
    await shot('04-approve-confirm');
    await page.click('button.ls-confirm');
    await page.locator('.ls-approved', { hasText: `${actionCount} actions queued` }).waitFor();
    await page.locator('.ls-plan-state', { hasText: 'approved' }).waitFor();
    await page.locator('ls-actions-grid .ls-state', { hasText: 'queued' }).first().waitFor();
    expect(await page.locator('button.ls-approve').isDisabled()).toBe(true);
    await shot('05-plan-approved');

    const after = (await (await fetch(`${base}/api/v1/plans/${planId}`, { headers: auth })).json()) as {
      state: string;
      approvedBy: string;
    };
    expect(after.state).toBe('approved');
    expect(after.approvedBy).toMatch(/^token#1:/);
  });

  it('lists the approved plan under pending moves', async () => {
    await page.click('a.nav-link:text("Pending moves")');
    await page.locator('a', { hasText: planId.slice(0, 8) }).waitFor();
    await page.locator('ls-actions-grid .ls-state', { hasText: 'queued' }).first().waitFor();
    await expect(page.locator('ls-actions-grid clr-dg-pagination').first().textContent()).resolves.toContain(
      `of ${actionCount} actions`,
    );
    await shot('06-pending');
  });

  it('shows components by layer with untagged VMs flagged, and a forecast per layer', async () => {
    await page.click('a.nav-link:text("Layers")');
    await page.locator('.ls-layer-card').first().waitFor();
    expect(await page.locator('.ls-layer-card').count()).toBe(4);
    const untagged = SCENARIO.components.filter((_, i) => i % 7 === 3).length;
    await expect(page.locator('.ls-untagged-alert').textContent()).resolves.toContain(`${untagged} VMs`);
    for (const layer of ['critical', 'high', 'medium', 'low'])
      expect(await page.locator(`.ls-layer-card[data-layer=${layer}] svg.ls-chart path.band`).count()).toBe(
        1,
      );
    const flagged = SCENARIO.components[3].id as string;
    await expect(
      page.locator(`clr-dg-row[data-component="${flagged}"] .ls-untagged`).textContent(),
    ).resolves.toContain('untagged');
    await shot('07-layers');
  });

  it('says how many forecast models there are, and Retrain now queues a training for the worker', async () => {
    const summary = page.locator('.ls-models-summary');
    await expect(summary.textContent()).resolves.toMatch(
      /Forecast models: 3 \(2 regression, 1 on a baseline: too little history\) · last trained/,
    );
    const posted = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/forecasts/train') && r.request().method() === 'POST',
    );
    await page.click('button.ls-retrain');
    const answer = await posted;
    expect(answer.status()).toBe(202);
    const { jobId } = (await answer.json()) as { jobId: string };
    // no worker runs in this test: the job waits in BullMQ, and the page says so
    await page.locator('.ls-training[data-state=waiting]').waitFor();
    await expect(page.locator('.ls-training').textContent()).resolves.toContain('waiting for a worker');
    expect(await page.locator('button.ls-retrain').isDisabled()).toBe(true);
    const status = (await (
      await fetch(`${base}/api/v1/forecasts/train/${jobId}`, { headers: auth })
    ).json()) as { state: string; components: unknown; requestedBy: string };
    expect(status).toMatchObject({ state: 'waiting', components: 'all' });
    expect(status.requestedBy).toMatch(/^token#1:/);
    await shot('11-layers-retrain');
  });

  it('lists the announced work of the next week, with when each host maintenance gets its plan', async () => {
    const inTwoHours = new Date(Math.ceil((Date.now() + 2 * 3600_000) / 60_000) * 60_000);
    const res = await fetch(`${base}/api/v1/work-windows`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        windows: [
          {
            id: 'patch-host-5',
            kind: 'maintenance',
            at: inTwoHours.toISOString(),
            durationMinutes: 90,
            hosts: ['host-5'],
          },
          { id: 'nightly-backup', kind: 'batch', start: '01:00', durationMinutes: 120, layers: ['low'] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await page.click('a.nav-link:text("Schedule")');
    await page.locator('clr-dg-row[data-window="patch-host-5"]').waitFor();
    expect(await page.locator('a.nav-link.active').allTextContents()).toEqual(['Schedule']);
    // seven or eight nightly backups (a run may be under way now) and the one maintenance
    const rows = await page.locator('clr-dg-row').count();
    expect(rows).toBeGreaterThanOrEqual(8);
    const patch = (await page.locator('clr-dg-row[data-window="patch-host-5"]').textContent()) ?? '';
    expect(patch).toContain('maintenance');
    expect(patch).toContain('hosts host-5');
    expect(patch).toContain('1 h 30 min');
    const backup =
      (await page.locator('clr-dg-row[data-window="nightly-backup"]').first().textContent()) ?? '';
    expect(backup).toContain('layers low');
    await shot('12-schedule');
  });

  it('inside the vSphere Client, sends the SDK session as vmware-api-session-id and shows the object monitor view', async () => {
    const plan = (await (await fetch(`${base}/api/v1/plans/${planId}`, { headers: auth })).json()) as {
      actions: Array<{ seq: number; component: string | null }>;
    };
    const vm = plan.actions.find((a) => a.component)!.component!;
    // announced work: a maintenance of this VM's host (shown on the VM's tab) and of another host (not shown)
    const hostOf = (id: string) => SCENARIO.components.find((c) => c.id === id)!.host as string;
    const other = SCENARIO.hosts.map((h) => h.id).find((h) => h !== hostOf(vm))!;
    const at = new Date(Math.ceil((Date.now() + 3 * 3600_000) / 60_000) * 60_000).toISOString();
    const put = await fetch(`${base}/api/v1/work-windows`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        windows: [
          { id: 'patch-its-host', kind: 'maintenance', at, durationMinutes: 60, hosts: [hostOf(vm)] },
          { id: 'patch-other-host', kind: 'maintenance', at, durationMinutes: 60, hosts: [other] },
        ],
      }),
    });
    expect(put.status).toBe(200);
    const session = 'fake-vsphere-session-for-this-test';
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 700 } });
    // The part of htmlClientSdk the plugin uses, as the vSphere Client provides it in the plugin's iframe.
    await ctx.addInitScript(
      ([token, objectId]) => {
        (globalThis as any).htmlClientSdk = {
          initialize: (cb: () => void) => setTimeout(cb, 0),
          app: {
            getSessionInfo: (cb: (i: { sessionToken: string }) => void) => cb({ sessionToken: token }),
            getContextObjects: () => [{ id: objectId }],
          },
        };
      },
      [session, `urn:vmomi:VirtualMachine:${vm}:00000000-0000-0000-0000-000000000001`] as const,
    );
    // Stands in for the backend's side (cloning the vCenter session), which this test does not cover: the
    // request is checked for the session header, then sent on with the api token.
    const seen: Array<Record<string, string>> = [];
    await ctx.route('**/api/v1/**', async (route) => {
      const headers = route.request().headers();
      seen.push(headers);
      const { ['vmware-api-session-id']: _session, ...rest } = headers;
      await route.continue({ headers: { ...rest, authorization: `Bearer ${TEST_TOKEN}` } });
    });
    const embedded = await ctx.newPage();
    embedded.on('pageerror', (e) => pageErrors.push(e.message));
    await embedded.goto(`${base}/ui/index.html#/monitor`);
    await embedded.locator('ls-actions-grid .ls-component', { hasText: vm }).first().waitFor();
    await embedded.locator('.ls-work-line[data-window="patch-its-host"]').waitFor();
    expect(await embedded.locator('.ls-work-line').count()).toBe(1);
    await expect(embedded.locator('.ls-work-line').textContent()).resolves.toContain('evacuation planned');
    expect(await embedded.locator('header.header').count()).toBe(0); // the vSphere Client has its own header
    expect(await embedded.locator('#ls-token').count()).toBe(0); // and no login form
    await embedded.screenshot({ path: join(SHOTS, '08-vsphere-vm-monitor.png') });
    await ctx.close();
    expect(seen.length).toBeGreaterThan(0);
    for (const h of seen) {
      expect(h['vmware-api-session-id']).toBe(session);
      expect(h.authorization).toBeUndefined();
    }
  });

  it('warns about the components a plan could not place, with the reason', async () => {
    // the tight scenario leaves one Low VM without a host that has room
    const tight = JSON.parse(
      readFileSync(join(ROOT, '../shared/scenarios/tight-ups-on-battery.json'), 'utf8'),
    ) as unknown;
    const res = await fetch(`${base}/api/v1/audits`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: tight, trigger: 'operator' }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { planId: string }).planId;
    const doc = (await (await fetch(`${base}/api/v1/plans/${id}`, { headers: auth })).json()) as {
      document: { unplaced?: Array<{ component: string; layer: string; reason: string }> };
    };
    const unplaced = doc.document.unplaced ?? [];
    expect(unplaced.length).toBeGreaterThan(0);
    await page.goto(`${base}/ui/#/plans/${id}`);
    await page.locator('.ls-plan-id', { hasText: id }).waitFor();
    const warnings = page.locator('ls-alert .alert-warning .alert-text');
    await warnings.first().waitFor();
    expect(await warnings.count()).toBe(unplaced.length);
    const u = unplaced[0];
    expect(await warnings.first().textContent()).toContain(
      `${u.component} (${u.layer}) not placed: ${u.reason}`,
    );
    await shot('09-unplaced-warning');
  });

  it('kept the token out of the page console and raised no page errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleLines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(consoleLines.join('\n')).not.toContain(TEST_TOKEN);
  });

  it("shows the api's error in the page banner, e.g. for a plan that does not exist", async () => {
    // last: the browser logs the api's 404 as a console error, which the check above must not see
    const missing = '00000000-0000-4000-8000-000000000000';
    await page.goto(`${base}/ui/#/plans/${missing}`);
    const banner = page.locator('ls-alert .alert-danger .alert-text');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(missing);
    await shot('08-error-banner');
  });

  it('asks for the token again, saying why, when the api refuses it', async () => {
    // last: the refused call is a console error. Sign out, then in with a token the api does not know (as if
    // it had been rotated).
    await page.goto(`${base}/ui/#/plans`);
    await page.click('button.ls-signout');
    await page.locator('#ls-token').waitFor();
    expect(await page.locator('ls-alert .alert-warning').count()).toBe(0); // signing out is no refusal
    await page.fill('#ls-token', 'not-a-token-the-api-knows-0123456789');
    await page.click('button[type=submit]');
    const notice = page.locator('ls-alert .alert-warning .alert-text');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('The api did not accept the token. Enter it again.');
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await shot('10-token-refused');
  });
});
