import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';

/** How we trust the vCenter's certificate. Verification is always on: system CAs, a given CA, or a pinned leaf. */
export interface TlsTrust {
  /** SHA-256 (64 hex) or SHA-1 (40 hex) of the leaf certificate's DER, colons and case ignored. */
  thumbprint?: string;
  /** PEM CA bundle to verify the chain against (hostname checked too). */
  ca?: string | Buffer;
}

export function normaliseThumbprint(t: string): { algorithm: 'sha256' | 'sha1'; hex: string } {
  const hex = t.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error('thumbprint must be hexadecimal');
  if (hex.length === 64) return { algorithm: 'sha256', hex };
  if (hex.length === 40) return { algorithm: 'sha1', hex };
  throw new Error('thumbprint must be a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) digest');
}

/** The SHA-256 thumbprint of a PEM certificate, as AA:BB:... */
export function thumbprintOfPem(pem: string, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  const der = new X509Certificate(pem).raw;
  return formatThumbprint(createHash(algorithm).update(der).digest('hex'));
}

function formatThumbprint(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(':');
}

export class ThumbprintMismatch extends Error {
  readonly code = 'LAYERSHIFT_THUMBPRINT_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`server certificate thumbprint ${actual} does not match the pinned ${expected}`);
    this.name = 'ThumbprintMismatch';
  }
}

/**
 * A keep-alive undici Agent. With a pinned thumbprint the chain is not checked against CAs (vCenter certificates are
 * usually self-signed or VMCA-issued) but the leaf's digest is compared in the connect hook, after the handshake and
 * before a single byte of HTTP is written; a mismatch destroys the socket. Session resumption is off so every
 * connection presents its certificate.
 */
export function createAgent(
  trust: TlsTrust,
  opts: { connections?: number; connectTimeoutMs?: number } = {},
): Agent {
  const base = { timeout: opts.connectTimeoutMs ?? 10_000 };
  let connect: buildConnector.connector;
  if (trust.thumbprint) {
    const pin = normaliseThumbprint(trust.thumbprint);
    const inner = buildConnector({ ...base, rejectUnauthorized: false, maxCachedSessions: 0 });
    connect = (options, callback) =>
      inner(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        if (options.protocol !== 'https:') return callback(null, socket);
        const cert = (socket as TLSSocket).getPeerCertificate(false);
        const actual = cert?.raw ? createHash(pin.algorithm).update(cert.raw).digest('hex') : '';
        if (actual !== pin.hex) {
          socket.destroy();
          return callback(
            new ThumbprintMismatch(formatThumbprint(pin.hex), actual ? formatThumbprint(actual) : '(none)'),
            null,
          );
        }
        callback(null, socket);
      });
  } else {
    connect = buildConnector({ ...base, rejectUnauthorized: true, ...(trust.ca ? { ca: trust.ca } : {}) });
  }
  return new Agent({
    connect,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: opts.connections ?? 8,
    pipelining: 1,
  });
}
