import { describe, expect, it } from 'vitest';
import { readSnmpHeader } from './ber';
import { ReplayGuard } from './replay-guard';

const h = (msgId: number, engineBoots = 1, engineTime = 100, engineId = '8000000001') => ({
  msgId,
  engineBoots,
  engineTime,
  engineId,
});

describe('ReplayGuard', () => {
  it('accepts a message once and drops the same (engine, boots, time, msgID) again', () => {
    let now = 0;
    const g = new ReplayGuard(() => now);
    expect(g.check(h(1))).toBe(true);
    expect(g.check(h(2))).toBe(true);
    expect(g.check(h(1))).toBe(false);
    now += 10_000;
    expect(g.check(h(1))).toBe(false);
  });

  it('drops a replay older than the window even once it is forgotten, and messages of an earlier boot', () => {
    let now = 0;
    const g = new ReplayGuard(() => now, 150);
    expect(g.check(h(1, 1, 100))).toBe(true);
    now += 400_000;
    expect(g.check(h(2, 1, 500))).toBe(true); // the sender's clock moved on
    expect(g.check(h(1, 1, 100))).toBe(false); // 400 s old
    expect(g.check(h(3, 0, 9999))).toBe(false); // previous boot
    expect(g.check(h(4, 2, 1))).toBe(true); // reboot
  });

  it('keeps its memory bounded', () => {
    let now = 0;
    const g = new ReplayGuard(() => now, 150, 1000);
    for (let i = 0; i < 5000; i++) g.check(h(i, 1, 100));
    expect(g.size).toBeLessThanOrEqual(1001);
    now += 200_000;
    g.check(h(99999, 1, 300));
    expect(g.size).toBe(1);
  });
});

/** Minimal BER encoder for test packets. */
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
const int = (n: number) => tlv(0x02, n < 128 ? Buffer.from([n]) : Buffer.from([(n >> 8) & 0xff, n & 0xff]));
const oct = (b: Buffer | string) => tlv(0x04, Buffer.isBuffer(b) ? b : Buffer.from(b));
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

describe('readSnmpHeader', () => {
  it('reads a v2c header without exposing the community', () => {
    const pkt = seq(int(1), oct('secret-community'), tlv(0xa7, Buffer.alloc(0)));
    const head = readSnmpHeader(pkt);
    expect(head).toEqual({ version: 'v2c' });
    expect(JSON.stringify(head)).not.toContain('secret');
  });

  it('reads the SNMPv3 msgID, flags and USM parameters', () => {
    const usm = seq(
      oct(Buffer.from('80001f8880aabbcc', 'hex')),
      int(7),
      int(300),
      oct('opsuser'),
      oct(Buffer.alloc(12)),
      oct(Buffer.alloc(8)),
    );
    const pkt = seq(
      int(3),
      seq(int(4242), int(1400), oct(Buffer.from([3])), int(3)),
      oct(usm),
      oct(Buffer.from('encrypted')),
    );
    expect(readSnmpHeader(pkt)).toEqual({
      version: 'v3',
      v3: {
        msgId: 4242,
        engineId: '80001f8880aabbcc',
        engineBoots: 7,
        engineTime: 300,
        user: 'opsuser',
        authenticated: true,
        encrypted: true,
      },
    });
  });

  it('throws on garbage', () => {
    expect(() => readSnmpHeader(Buffer.from('garbage'))).toThrow();
    expect(() => readSnmpHeader(Buffer.from([0x30, 0x05, 0x02]))).toThrow();
  });
});
