import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimClient, VsphereConnectionError, thumbprintOfPem } from '@app/vsphere';
import { startVcsim, type Vcsim } from '../../support/vcsim';

/** The server's leaf certificate as PEM (read without verification, only to hand it to the client as a CA). */
function leafPem(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate().raw;
      s.end();
      resolve(
        `-----BEGIN CERTIFICATE-----\n${raw
          .toString('base64')
          .match(/.{1,64}/g)!
          .join('\n')}\n-----END CERTIFICATE-----\n`,
      );
    });
    s.once('error', reject);
  });
}

describe('TLS trust against vcsim over HTTPS', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 2, vmsPerHost: 1, tls: true });
  }, 240_000);
  afterAll(async () => sim?.stop());

  const login = async (trust: { thumbprint?: string; ca?: string }) => {
    const c = new VimClient({
      url: sim.sdkUrl,
      username: sim.username,
      password: sim.password,
      ...trust,
      readRetries: 0,
    });
    try {
      return await c.connect();
    } finally {
      await c.close();
    }
  };

  it('connects with the pinned SHA-256 or SHA-1 thumbprint', async () => {
    expect((await login({ thumbprint: sim.thumbprintSha256! })).userName).toBe(sim.username);
    expect((await login({ thumbprint: sim.thumbprint! })).userName).toBe(sim.username);
  });

  it('refuses a wrong thumbprint before sending anything, naming the vCenter', async () => {
    const wrong = sim.thumbprintSha256!.replace(/^../, sim.thumbprintSha256!.startsWith('00') ? '11' : '00');
    const e = await login({ thumbprint: wrong }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VsphereConnectionError);
    expect((e as VsphereConnectionError).problem).toBe('thumbprint');
    expect((e as Error).message).toContain(new URL(sim.url).host);
    expect((e as Error).message).toContain(sim.thumbprintSha256!);
  });

  it('verifies by default and refuses the self-signed certificate', async () => {
    const e = await login({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VsphereConnectionError);
    expect((e as VsphereConnectionError).problem).toBe('tls');
    expect((e as Error).message).toMatch(/not trusted/);
  });

  it('accepts the certificate when given as CA', async () => {
    const pem = await leafPem(sim.url);
    expect(thumbprintOfPem(pem)).toBe(sim.thumbprintSha256);
    expect((await login({ ca: pem })).userName).toBe(sim.username);
  });
});
