import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as snmp from 'net-snmp';
import type { ReceiverConfig } from './config';
import { sourceMatcher, validateReceiverConfig } from './config';
import { readSnmpHeader, type SnmpHeader } from './ber';
import { ReplayGuard } from './replay-guard';
import type { PduKind, ReceivedTrap } from './trap';
import { SNMP_TRAP_OID, SYS_UPTIME, normaliseVarbind, v1TrapOid } from './trap';

/** Why a datagram did not become a trap. Labels of the `rejected` metric. */
export type RejectReason =
  | 'disallowed_source'
  | 'bad_community'
  | 'unknown_user'
  | 'auth_failed'
  | 'decrypt_failed'
  | 'security_level'
  | 'replay'
  | 'malformed'
  | 'unsupported_pdu'
  | 'socket_error';

export interface TrapHandler {
  onTrap(trap: ReceivedTrap): void;
  onReject(reason: RejectReason, remote: { address: string; port: number } | undefined): void;
}

export interface ReceiverStats {
  datagrams: number;
  traps: number;
  rejected: number;
}

interface Current {
  buffer: Buffer;
  rinfo: dgram.RemoteInfo;
  header?: SnmpHeader;
  receivedAt: number;
}

/**
 * The SNMP notification receiver: net-snmp's Receiver (v1, v2c, v3 USM; informs acknowledged) behind a
 * socket wrapper that enforces the source allow-list before net-snmp sees a byte (a disallowed sender gets
 * no inform acknowledgement and no USM report), binds the configured port (0 included) and lets us read the
 * v3 header for replay detection. Errors are classified into reasons; their text (which can carry a
 * community or key material) is never passed on.
 */
export class TrapReceiver {
  readonly stats: ReceiverStats = { datagrams: 0, traps: 0, rejected: 0 };
  private receiver: snmp.Receiver | null = null;
  private socket: dgram.Socket | null = null;
  private current: Current | null = null;
  private readonly allowed: (address: string) => boolean;
  private readonly replay: ReplayGuard;
  private readonly clock: () => number;

  constructor(
    private readonly config: ReceiverConfig,
    private readonly handler: TrapHandler,
    opts: { clock?: () => number; replayGuard?: ReplayGuard } = {},
  ) {
    validateReceiverConfig(config);
    const matcher = sourceMatcher(config.allowedSources);
    const cache = new Map<string, boolean>();
    this.allowed = (address) => {
      let ok = cache.get(address);
      if (ok === undefined) {
        ok = matcher(address);
        if (cache.size > 10_000) cache.clear();
        cache.set(address, ok);
      }
      return ok;
    };
    this.clock = opts.clock ?? Date.now;
    this.replay = opts.replayGuard ?? new ReplayGuard(this.clock);
  }

  /** Binds and resolves with the bound address (the real port when config.port is 0). */
  start(): Promise<AddressInfo> {
    if (this.receiver) throw new Error('receiver already started');
    const family = this.config.address.includes(':') ? 'udp6' : 'udp4';
    return new Promise<AddressInfo>((resolve, reject) => {
      const dgramModule = {
        createSocket: (type: 'udp4' | 'udp6') => {
          const self = { config: this.config, onDatagram: this.onDatagram.bind(this) };
          const sock = dgram.createSocket({ type, recvBufferSize: self.config.recvBufferBytes });
          this.socket = sock;
          const on = sock.on.bind(sock);
          sock.on = ((event: string, fn: (...args: unknown[]) => void) => {
            if (event === 'message')
              return on('message', (buf: Buffer, rinfo: dgram.RemoteInfo) => self.onDatagram(buf, rinfo, fn));
            return on(event, fn);
          }) as typeof sock.on;
          const bind = sock.bind.bind(sock) as (port: number, address?: string) => dgram.Socket;
          sock.bind = ((_port: number, address?: string) =>
            bind(self.config.port, address ?? undefined)) as typeof sock.bind;
          sock.once('listening', () => {
            if (self.config.recvBufferBytes) {
              try {
                sock.setRecvBufferSize(self.config.recvBufferBytes);
              } catch {
                /* capped by the kernel; reported by recvBufferSize() */
              }
            }
            resolve(sock.address());
          });
          sock.once('error', reject);
          return sock;
        },
      };
      try {
        this.receiver = snmp.createReceiver(
          {
            // net-snmp turns port 0 into its default; our bind wrapper uses config.port whatever this says.
            port: this.config.port || 1,
            address: this.config.address,
            transport: family,
            engineID: this.config.engineId,
            includeAuthentication: false,
            dgramModule,
          },
          (error, notification) => this.onNetSnmp(error, notification),
        );
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const auth = this.receiver.getAuthorizer();
      for (const c of this.config.communities) auth.addCommunity(c);
      for (const u of this.config.users)
        auth.addUser({
          name: u.name,
          level: u.privProtocol ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv,
          authProtocol: snmp.AuthProtocols[u.authProtocol],
          authKey: u.authKey,
          privProtocol: u.privProtocol ? snmp.PrivProtocols[u.privProtocol] : snmp.PrivProtocols.none,
          privKey: u.privKey,
        });
    });
  }

  address(): AddressInfo | null {
    return this.socket ? this.socket.address() : null;
  }

  /** The receive buffer the kernel granted. */
  recvBufferSize(): number | undefined {
    try {
      return this.socket?.getRecvBufferSize();
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    const r = this.receiver;
    this.receiver = null;
    if (!r) return Promise.resolve();
    return new Promise((resolve) => {
      r.close(() => resolve());
    });
  }

  private onDatagram(buffer: Buffer, rinfo: dgram.RemoteInfo, next: (...args: unknown[]) => void): void {
    this.stats.datagrams++;
    if (!this.allowed(rinfo.address)) return this.rejectWith('disallowed_source', rinfo);
    let header: SnmpHeader | undefined;
    try {
      header = quickVersion(buffer) ?? readSnmpHeader(buffer);
    } catch {
      header = undefined; // net-snmp decides; garbage ends as `malformed`
    }
    this.current = { buffer, rinfo, header, receivedAt: this.clock() };
    try {
      next(buffer, rinfo);
    } catch {
      this.rejectWith('malformed', rinfo);
    } finally {
      this.current = null;
    }
  }

  private rejectWith(reason: RejectReason, rinfo: { address: string; port: number } | undefined): void {
    this.stats.rejected++;
    this.handler.onReject(reason, rinfo ? { address: rinfo.address, port: rinfo.port } : undefined);
  }

  private onNetSnmp(error: Error | null, n: snmp.Notification | null): void {
    const cur = this.current;
    if (error) {
      const rinfo = (error as Error & { rinfo?: dgram.RemoteInfo }).rinfo ?? cur?.rinfo;
      return this.rejectWith(classify(error, cur !== null), rinfo);
    }
    if (!n || !cur) return;
    const h = cur.header;
    if (h?.version === 'v3' && h.v3) {
      if (!h.v3.authenticated) return this.rejectWith('security_level', cur.rinfo);
      if (!h.v3.encrypted && !this.config.allowAuthNoPriv)
        return this.rejectWith('security_level', cur.rinfo);
      if (!this.replay.check(h.v3)) return this.rejectWith('replay', cur.rinfo);
    }
    let trap: ReceivedTrap;
    try {
      trap = toReceivedTrap(n, h, cur);
    } catch {
      return this.rejectWith('malformed', cur.rinfo);
    }
    this.stats.traps++;
    this.handler.onTrap(trap);
  }
}

/**
 * The version of a v1/v2c message without a full parse: SEQUENCE, length (short or long form), INTEGER 0|1.
 * Undefined for v3 (whose header we need in full) and for anything unusual.
 */
function quickVersion(b: Buffer): SnmpHeader | undefined {
  if (b[0] !== 0x30 || b.length < 5) return undefined;
  const l = b[1];
  const at = l < 0x80 ? 2 : 2 + (l & 0x7f);
  if (b[at] !== 0x02 || b[at + 1] !== 0x01) return undefined;
  const v = b[at + 2];
  return v === 0 ? V1 : v === 1 ? V2C : undefined;
}
const V1: SnmpHeader = { version: 'v1' };
const V2C: SnmpHeader = { version: 'v2c' };

function classify(error: Error, inPacket: boolean): RejectReason {
  const m = error.message;
  if (!inPacket && (error as NodeJS.ErrnoException).code) return 'socket_error';
  if (error.name === 'ProcessingError') return 'malformed';
  if (m.startsWith('Local community not found')) return 'bad_community';
  if (m.startsWith('Local user not found')) return 'unknown_user';
  if (m.startsWith('Authentication digest')) return 'auth_failed';
  if (m.startsWith('Failed to decrypt')) return 'decrypt_failed';
  if (/requires (authentication|privacy)/.test(m)) return 'security_level';
  if (error instanceof snmp.RequestInvalidError) return 'unsupported_pdu';
  return 'malformed';
}

function toReceivedTrap(n: snmp.Notification, h: SnmpHeader | undefined, cur: Current): ReceivedTrap {
  const pdu = n.pdu;
  const kind: PduKind = pdu.type === 164 ? 'trap' : pdu.type === 166 ? 'inform' : 'trapv2';
  const version = h?.version ?? (kind === 'trap' ? 'v1' : 'v2c');
  const base = {
    version,
    pdu: kind,
    source: { address: n.rinfo.address, port: n.rinfo.port },
    receivedAt: new Date(cur.receivedAt).toISOString(),
  };
  if (kind === 'trap') {
    const enterprise = String(pdu.enterprise ?? '');
    const generic = Number(pdu.generic ?? 6);
    const specific = Number(pdu.specific ?? 0);
    return {
      ...base,
      trapOid: v1TrapOid(enterprise, generic, specific),
      enterprise,
      agentAddr: pdu.agentAddr,
      generic,
      specific,
      uptime: pdu.upTime,
      varbinds: pdu.varbinds.map(normaliseVarbind),
    };
  }
  const trapOidVb = pdu.varbinds.find((v) => v.oid === SNMP_TRAP_OID);
  if (!trapOidVb || typeof trapOidVb.value !== 'string')
    throw new Error('notification without snmpTrapOID.0');
  const up = pdu.varbinds.find((v) => v.oid === SYS_UPTIME);
  const trap: ReceivedTrap = {
    ...base,
    trapOid: trapOidVb.value,
    uptime: typeof up?.value === 'number' ? up.value : undefined,
    varbinds: pdu.varbinds
      .filter((v) => v.oid !== SNMP_TRAP_OID && v.oid !== SYS_UPTIME)
      .map(normaliseVarbind),
  };
  if (h?.v3) {
    trap.user = h.v3.user;
    trap.v3 = h.v3;
  }
  return trap;
}
