/** A minimal BER encoder for pre-encoded SNMPv2c trap datagrams (the benchmark's sender). */

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);

function intBody(v: number): Buffer {
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}
export const int = (v: number) => tlv(0x02, intBody(v));
export const ticks = (v: number) => tlv(0x43, intBody(v));
export const str = (s: string) => tlv(0x04, Buffer.from(s));
export const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0] + arcs[1]];
  for (const a of arcs.slice(2)) {
    const b: number[] = [a & 0x7f];
    let x = a >>> 7;
    while (x > 0) {
      b.unshift((x & 0x7f) | 0x80);
      x >>>= 7;
    }
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}

export type Value = { t: 'int'; v: number } | { t: 'str'; v: string } | { t: 'oid'; v: string };
const enc = (v: Value) => (v.t === 'int' ? int(v.v) : v.t === 'str' ? str(v.v) : oid(v.v));

/** An SNMPv2c Trap-PDU (0xa7) datagram. */
export function v2cTrap(
  community: string,
  requestId: number,
  uptime: number,
  trapOid: string,
  varbinds: [string, Value][],
): Buffer {
  const vbs = seq(
    seq(oid('1.3.6.1.2.1.1.3.0'), ticks(uptime)),
    seq(oid('1.3.6.1.6.3.1.1.4.1.0'), oid(trapOid)),
    ...varbinds.map(([o, v]) => seq(oid(o), enc(v))),
  );
  return seq(int(1), str(community), tlv(0xa7, Buffer.concat([int(requestId), int(0), int(0), vbs])));
}
