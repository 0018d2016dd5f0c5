/**
 * Just enough BER to read an SNMP message's header without touching its community: the version and, for
 * SNMPv3, msgID, msgFlags and the USM security parameters (engine id, boots, time, user). Used for replay
 * detection and to refuse noAuthNoPriv v3. Throws on anything malformed.
 */
import type { SnmpVersion, V3Header } from './trap';

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
    private readonly end = buf.length,
  ) {}

  private header(expectTag: number): { len: number; start: number } {
    if (this.pos + 2 > this.end) throw new Error('truncated');
    const tag = this.buf[this.pos++];
    if (tag !== expectTag)
      throw new Error(`tag 0x${tag.toString(16)} where 0x${expectTag.toString(16)} expected`);
    let len = this.buf[this.pos++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 4 || this.pos + n > this.end) throw new Error('bad length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.buf[this.pos++];
    }
    if (this.pos + len > this.end) throw new Error('truncated');
    return { len, start: this.pos };
  }

  sequence(): Reader {
    const { len, start } = this.header(0x30);
    this.pos = start + len;
    return new Reader(this.buf, start, start + len);
  }

  integer(): number {
    const { len, start } = this.header(0x02);
    if (len < 1 || len > 6) throw new Error('bad integer');
    let v = this.buf.readIntBE(start, len);
    if (len === 5 || len === 6) v = Number(v);
    this.pos = start + len;
    return v;
  }

  octets(): Buffer {
    const { len, start } = this.header(0x04);
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }
}

export interface SnmpHeader {
  version: SnmpVersion;
  v3?: V3Header;
}

export function readSnmpHeader(buf: Buffer): SnmpHeader {
  const msg = new Reader(buf).sequence();
  const version = msg.integer();
  if (version === 0) return { version: 'v1' };
  if (version === 1) return { version: 'v2c' };
  if (version !== 3) throw new Error(`SNMP version ${version}`);
  const global = msg.sequence();
  const msgId = global.integer();
  global.integer(); // msgMaxSize
  const flags = global.octets()[0] ?? 0;
  const usm = new Reader(msg.octets()).sequence();
  const engineId = usm.octets().toString('hex');
  const engineBoots = usm.integer();
  const engineTime = usm.integer();
  const user = usm.octets().toString('utf8');
  return {
    version: 'v3',
    v3: {
      msgId,
      engineId,
      engineBoots,
      engineTime,
      user,
      authenticated: (flags & 1) === 1,
      encrypted: (flags & 2) === 2,
    },
  };
}
