import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoapSession, asRef } from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

describe('vcsim harness (foundation acceptance)', () => {
  let sim: Vcsim;

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 2, vmsPerHost: 2 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('prints its endpoints and credentials', () => {
    expect(sim.sdkUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sdk$/);
    expect(sim.controlUrl).toBe(`${sim.url}/layershift`);
    expect(sim.username).toBe('user');
    expect(sim.env.VCSIM_URL).toBe(sim.sdkUrl.replace('http://', 'http://user:pass@'));
  });

  it('RetrieveServiceContent, Login, then reads about from the ServiceContent', async () => {
    const soap = new SoapSession(sim.sdkUrl);
    const content = await soap.serviceContent();
    expect(content.about.fullName).toMatch(/^VMware vCenter Server/);
    expect(content.about.apiType).toBe('VirtualCenter');
    expect(content.about.apiVersion).toMatch(/^\d+\.\d+/);

    const login = await soap.login(asRef(content.sessionManager), sim.username, sim.password);
    expect(login.fault).toBeUndefined();
    expect(login.status).toBe(200);
    expect(login.returnval.userName).toBe('user');
    expect(soap.cookie).toMatch(/^vmware_soap_session=/);

    // The session works: an authenticated call returns the current session.
    const cur = await soap.props(asRef(content.sessionManager), ['currentSession']);
    expect(cur.currentSession.userName).toBe('user');
  });

  it('Login with a wrong password gives an InvalidLogin fault', async () => {
    const soap = new SoapSession(sim.sdkUrl);
    const content = await soap.serviceContent();
    const login = await soap.login(asRef(content.sessionManager), sim.username, 'wrong-password');
    expect(login.status).toBe(500);
    expect(login.fault).toBe('InvalidLogin');
    expect(soap.cookie).toBeUndefined();
  });

  it('an unauthenticated call gives NotAuthenticated', async () => {
    const soap = new SoapSession(sim.sdkUrl);
    const content = await soap.serviceContent();
    const r = await soap.call('CurrentTime', { type: 'ServiceInstance', value: 'ServiceInstance' });
    expect(content.rootFolder).toBeDefined();
    expect(r.fault).toBe('NotAuthenticated');
  });

  it('accepts configured credentials only', async () => {
    const other = await startVcsim({
      clusters: 1,
      hostsPerCluster: 1,
      vmsPerHost: 1,
      username: 'svc-layershift',
      password: 's3cr&t',
    });
    try {
      const soap = new SoapSession(other.sdkUrl);
      const sm = asRef((await soap.serviceContent()).sessionManager);
      expect((await soap.login(sm, 'user', 'pass')).fault).toBe('InvalidLogin');
      expect((await soap.login(sm, 'svc-layershift', 's3cr&t')).fault).toBeUndefined();
    } finally {
      await other.stop();
    }
  });

  it('-tls serves HTTPS and prints the certificate thumbprint a client can pin', async () => {
    const tls = await startVcsim({ clusters: 1, hostsPerCluster: 1, vmsPerHost: 1, tls: true });
    try {
      expect(tls.sdkUrl).toMatch(/^https:/);
      const { hostname, port } = new URL(tls.url);
      const der: Buffer = await new Promise((resolve, reject) => {
        const sock = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
          resolve(sock.getPeerCertificate().raw);
          sock.end();
        });
        sock.on('error', reject);
      });
      const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
      expect(tls.thumbprint).toBe(sha1);
      const sha256 = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
      expect(tls.thumbprintSha256).toBe(sha256);
    } finally {
      await tls.stop();
    }
  });
});
