import { ValidationError } from '@app/domain';
import { describe, expect, it } from 'vitest';
import type { ReceiverConfig } from './config';
import { receiverConfigFromEnv, sourceMatcher, validateReceiverConfig } from './config';

const base: ReceiverConfig = {
  address: '0.0.0.0',
  port: 1162,
  communities: ['c0mmunity-s3cret'],
  users: [],
  allowAuthNoPriv: false,
  allowedSources: [],
};

describe('receiver configuration', () => {
  it('reads the environment with the 1162 default', () => {
    const c = receiverConfigFromEnv({
      SNMP_COMMUNITIES: 'a1,b2',
      SNMP_ALLOWED_SOURCES: '10.0.0.0/8, 127.0.0.1',
      SNMP_V3_USERS: JSON.stringify([
        {
          name: 'ops',
          authProtocol: 'sha256',
          authKey: 'authkey-123',
          privProtocol: 'aes',
          privKey: 'privkey-123',
        },
      ]),
    });
    expect(c).toMatchObject({
      port: 1162,
      communities: ['a1', 'b2'],
      allowedSources: ['10.0.0.0/8', '127.0.0.1'],
    });
    expect(c.users[0].name).toBe('ops');
  });

  it('refuses MD5, DES, missing privacy and short keys, naming paths and never echoing a key', () => {
    try {
      validateReceiverConfig({
        ...base,
        users: [
          { name: 'u1', authProtocol: 'md5' as never, authKey: 'topsecretkey1' },
          {
            name: 'u2',
            authProtocol: 'sha',
            authKey: 'k3y!',
            privProtocol: 'des' as never,
            privKey: 'anothersecret2',
          },
        ],
        port: 70000,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const msg = (e as Error).message;
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        '$.port',
        '$.users[0].authProtocol',
        '$.users[0].privProtocol',
        '$.users[1].authKey',
        '$.users[1].privProtocol',
      ]);
      for (const secret of ['topsecretkey1', 'anothersecret2', 'k3y!', 'c0mmunity-s3cret'])
        expect(msg).not.toContain(secret);
    }
  });

  it('allows authNoPriv users only when configured', () => {
    const u = [{ name: 'u', authProtocol: 'sha512' as const, authKey: 'authkey-123' }];
    expect(() => validateReceiverConfig({ ...base, users: u })).toThrow(/privProtocol/);
    expect(validateReceiverConfig({ ...base, users: u, allowAuthNoPriv: true }).users).toHaveLength(1);
  });
});

describe('sourceMatcher', () => {
  it('matches addresses and CIDRs, folding IPv4-mapped IPv6', () => {
    const m = sourceMatcher(['10.1.0.0/16', '192.168.1.7', '::1']);
    expect(m('10.1.200.3')).toBe(true);
    expect(m('::ffff:10.1.2.3')).toBe(true);
    expect(m('10.2.0.1')).toBe(false);
    expect(m('192.168.1.7')).toBe(true);
    expect(m('192.168.1.8')).toBe(false);
    expect(m('::1')).toBe(true);
    expect(m('not-an-ip')).toBe(false);
  });

  it('allows anything when the list is empty, and rejects bad entries', () => {
    expect(sourceMatcher([])('203.0.113.1')).toBe(true);
    expect(() => sourceMatcher(['10.0.0.0/33'])).toThrow();
    expect(() => validateReceiverConfig({ ...base, allowedSources: ['nope'] })).toThrow(
      /allowedSources\[0\]/,
    );
  });
});
