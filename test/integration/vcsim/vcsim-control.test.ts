import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoapSession, asRef, moref, vimLogin } from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// Extension (b): control endpoints for fault injection (503s, session expiry). Migration faults,
// task delays and host connection changes are exercised in their own files.
describe('vcsim control endpoints', () => {
  let sim: Vcsim;
  const si = { type: 'ServiceInstance', value: 'ServiceInstance' };
  const post = (path: string, body: unknown) =>
    fetch(`${sim.controlUrl}/control/${path}`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 2, vmsPerHost: 1 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('makes /sdk answer 503 for the next N requests, then recovers', async () => {
    expect((await post('sdk-unavailable', { count: 2 })).status).toBe(200);
    const soap = new SoapSession(sim.sdkUrl);
    const si = { type: 'ServiceInstance', value: 'ServiceInstance' };
    expect((await soap.call('RetrieveServiceContent', si)).status).toBe(503);
    expect((await soap.call('RetrieveServiceContent', si)).status).toBe(503);
    const ok = await soap.call('RetrieveServiceContent', si);
    expect(ok.status).toBe(200);
    expect(ok.returnval.about.apiType).toBe('VirtualCenter');
  });

  it('invalidates all sessions: the old cookie gets NotAuthenticated, a new Login works', async () => {
    const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
    const si = { type: 'ServiceInstance', value: 'ServiceInstance' };
    expect((await soap.call('CurrentTime', si)).fault).toBeUndefined();

    const res = await post('invalidate-sessions', {});
    expect(((await res.json()) as any).invalidated).toBeGreaterThanOrEqual(1);

    const expired = await soap.call('CurrentTime', si);
    expect(expired.status).toBe(500);
    expect(expired.fault).toBe('NotAuthenticated');
    // Still expired on retry with the same cookie.
    expect((await soap.call('CurrentTime', si)).fault).toBe('NotAuthenticated');

    const again = await soap.login(asRef(content.sessionManager), sim.username, sim.password);
    expect(again.fault).toBeUndefined();
    expect((await soap.call('CurrentTime', si)).fault).toBeUndefined();
  });

  it('after invalidation RetrievePropertiesEx faults NotAuthenticated too (0.24 answers it without a session)', async () => {
    const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
    const sm = asRef(content.sessionManager);
    expect((await soap.props(sm, ['currentSession'])).currentSession.userName).toBe(sim.username);

    await post('invalidate-sessions', {});
    const props = () =>
      soap.call(
        'RetrievePropertiesEx',
        asRef(content.propertyCollector),
        `<specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet>` +
          `<objectSet>${moref(asRef(content.rootFolder), 'obj')}</objectSet></specSet><options/>`,
      );
    const expired = await props();
    expect(expired.status).toBe(500);
    expect(expired.fault).toBe('NotAuthenticated');
    expect(expired.returnval).toBeUndefined();
    expect((await soap.call('RetrieveProperties', asRef(content.propertyCollector))).fault).toBe(
      'NotAuthenticated',
    );
    // vCenter serves RetrieveServiceContent without a session, so that still answers.
    expect((await soap.call('RetrieveServiceContent', si)).fault).toBeUndefined();

    expect((await soap.login(sm, sim.username, sim.password)).fault).toBeUndefined();
    expect((await props()).fault).toBeUndefined();

    // Never logged in, and logged out: NotAuthenticated as well.
    const anonymous = new SoapSession(sim.sdkUrl);
    const r = await anonymous.call(
      'RetrievePropertiesEx',
      asRef(content.propertyCollector),
      `<specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet>` +
        `<objectSet>${moref(asRef(content.rootFolder), 'obj')}</objectSet></specSet><options/>`,
    );
    expect(r.fault).toBe('NotAuthenticated');
    expect((await soap.call('Logout', sm)).fault).toBeUndefined();
    expect((await props()).fault).toBe('NotAuthenticated');
  });

  it('rejects unknown endpoints and bad bodies', async () => {
    expect((await post('nope', {})).status).toBe(404);
    expect((await post('fail-migration', { vm: 'no-such-vm' })).status).toBe(400);
    expect((await post('hosts/no-such-host/disconnect', {})).status).toBe(400);
    const state = (await (await fetch(`${sim.controlUrl}/control/state`)).json()) as any;
    expect(state.sdkFailures).toBe(0);
  });
});
