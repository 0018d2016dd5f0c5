import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import type { ValidationIssue } from '@app/domain';
import { ValidationError, describe } from '@app/domain';

export const AUTH_PROTOCOLS = ['sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const PRIV_PROTOCOLS = ['aes', 'aes256b', 'aes256r'] as const;

/** An SNMPv3 user. Keys are secrets: never log this object. */
export interface V3UserConfig {
  name: string;
  authProtocol: (typeof AUTH_PROTOCOLS)[number];
  authKey: string;
  privProtocol?: (typeof PRIV_PROTOCOLS)[number];
  privKey?: string;
}

export interface ReceiverConfig {
  /** Address to bind; 0.0.0.0 by default. */
  address: string;
  /** UDP port; 1162 by default so it runs without root (162 needs CAP_NET_BIND_SERVICE); 0 picks a free one. */
  port: number;
  /** v1/v2c communities allowed. Secrets: never logged. */
  communities: string[];
  users: V3UserConfig[];
  /** Accept v3 users without privacy (authNoPriv). Off by default: authPriv only. */
  allowAuthNoPriv: boolean;
  /** Sender addresses or CIDRs allowed; empty allows any sender. */
  allowedSources: string[];
  /** Our engine id (hex) for informs; random when absent. */
  engineId?: string;
  /** SO_RCVBUF to ask for (the kernel caps it at net.core.rmem_max). */
  recvBufferBytes?: number;
}

export const DEFAULT_TRAP_PORT = 1162;

/** Validates a receiver configuration; errors name the path and never echo a secret. */
export function validateReceiverConfig(c: ReceiverConfig): ReceiverConfig {
  const issues: ValidationIssue[] = [];
  if (!isIP(c.address))
    issues.push({ path: '$.address', expected: 'an IPv4 or IPv6 address', found: describe(c.address) });
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)
    issues.push({ path: '$.port', expected: 'an integer 0..65535', found: describe(c.port) });
  c.communities.forEach((s, i) => {
    if (typeof s !== 'string' || !s)
      issues.push({ path: `$.communities[${i}]`, expected: 'a non-empty string', found: 'an empty value' });
  });
  const names = new Set<string>();
  c.users.forEach((u, i) => {
    const p = `$.users[${i}]`;
    if (!u.name) issues.push({ path: `${p}.name`, expected: 'a user name', found: describe(u.name) });
    if (names.has(u.name))
      issues.push({ path: `${p}.name`, expected: 'a unique user name', found: 'a duplicate' });
    names.add(u.name);
    if (!AUTH_PROTOCOLS.includes(u.authProtocol))
      issues.push({
        path: `${p}.authProtocol`,
        expected: `one of ${AUTH_PROTOCOLS.join(' | ')} (MD5 is not accepted)`,
        found: describe(u.authProtocol),
      });
    if (typeof u.authKey !== 'string' || u.authKey.length < 8)
      issues.push({
        path: `${p}.authKey`,
        expected: 'a key of at least 8 characters',
        found: 'a shorter or missing key',
      });
    if (u.privProtocol === undefined && u.privKey === undefined) {
      if (!c.allowAuthNoPriv)
        issues.push({
          path: `${p}.privProtocol`,
          expected: `one of ${PRIV_PROTOCOLS.join(' | ')} (authPriv), or allowAuthNoPriv: true`,
          found: 'nothing',
        });
    } else {
      if (!u.privProtocol || !PRIV_PROTOCOLS.includes(u.privProtocol))
        issues.push({
          path: `${p}.privProtocol`,
          expected: `one of ${PRIV_PROTOCOLS.join(' | ')} (DES is not accepted)`,
          found: describe(u.privProtocol),
        });
      if (typeof u.privKey !== 'string' || u.privKey.length < 8)
        issues.push({
          path: `${p}.privKey`,
          expected: 'a key of at least 8 characters',
          found: 'a shorter or missing key',
        });
    }
  });
  c.allowedSources.forEach((s, i) => {
    try {
      sourceMatcher([s]);
    } catch {
      issues.push({
        path: `$.allowedSources[${i}]`,
        expected: 'an address or CIDR (10.0.0.0/8, ::1)',
        found: describe(s),
      });
    }
  });
  if (c.engineId !== undefined && !/^([0-9a-fA-F]{2}){5,32}$/.test(c.engineId))
    issues.push({ path: '$.engineId', expected: 'hex, 5 to 32 octets', found: describe(c.engineId) });
  if (!c.communities.length && !c.users.length)
    issues.push({ path: '$', expected: 'at least one community or v3 user', found: 'none' });
  if (issues.length) throw new ValidationError('SNMP receiver configuration', issues);
  return c;
}

/** A predicate over sender addresses from a list of addresses and CIDRs (IPv4-mapped IPv6 folded). */
export function sourceMatcher(allowed: readonly string[]): (address: string) => boolean {
  if (!allowed.length) return () => true;
  const list = new BlockList();
  for (const entry of allowed) {
    const [addr, prefix] = entry.trim().split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`not an address: ${entry}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(addr, type);
    else {
      const n = Number(prefix);
      if (!Number.isInteger(n) || n < 0 || n > (family === 6 ? 128 : 32))
        throw new Error(`bad prefix: ${entry}`);
      list.addSubnet(addr, n, type);
    }
  }
  return (address: string) => {
    const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads the receiver configuration from the environment:
 * SNMP_TRAP_ADDRESS, SNMP_TRAP_PORT, SNMP_COMMUNITIES (comma list) or SNMP_COMMUNITIES_FILE (one per line),
 * SNMP_V3_USERS (JSON array of V3UserConfig) or SNMP_V3_USERS_FILE, SNMP_ALLOW_AUTHNOPRIV=true,
 * SNMP_ALLOWED_SOURCES (comma list of addresses/CIDRs), SNMP_ENGINE_ID, SNMP_RECV_BUFFER_BYTES.
 */
export function receiverConfigFromEnv(env: NodeJS.ProcessEnv): ReceiverConfig {
  const communities = env.SNMP_COMMUNITIES_FILE
    ? readFileSync(env.SNMP_COMMUNITIES_FILE, 'utf8')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
    : list(env.SNMP_COMMUNITIES);
  const usersText = env.SNMP_V3_USERS_FILE ? readFileSync(env.SNMP_V3_USERS_FILE, 'utf8') : env.SNMP_V3_USERS;
  let users: V3UserConfig[] = [];
  if (usersText) {
    try {
      users = JSON.parse(usersText) as V3UserConfig[];
    } catch {
      throw new ValidationError('SNMP receiver configuration', [
        {
          path: '$.users',
          expected: 'a JSON array of {name, authProtocol, authKey, privProtocol, privKey}',
          found: 'text that is not JSON',
        },
      ]);
    }
    if (!Array.isArray(users))
      throw new ValidationError('SNMP receiver configuration', [
        { path: '$.users', expected: 'a JSON array', found: describe(users) },
      ]);
  }
  return validateReceiverConfig({
    address: env.SNMP_TRAP_ADDRESS || '0.0.0.0',
    port: env.SNMP_TRAP_PORT ? Number(env.SNMP_TRAP_PORT) : DEFAULT_TRAP_PORT,
    communities,
    users,
    allowAuthNoPriv: env.SNMP_ALLOW_AUTHNOPRIV === 'true',
    allowedSources: list(env.SNMP_ALLOWED_SOURCES),
    engineId: env.SNMP_ENGINE_ID || undefined,
    recvBufferBytes: env.SNMP_RECV_BUFFER_BYTES ? Number(env.SNMP_RECV_BUFFER_BYTES) : undefined,
  });
}
