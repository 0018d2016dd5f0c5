import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Redis lease so that only one worker at a time holds a subscription (vCenter events, inventory watch).
 * SET NX PX to take it, a compare-and-extend script to keep it: a worker that stalls past the TTL loses it.
 */
export class RedisLease {
  private readonly token = randomUUID();
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** True when this process holds the lease after the call (taken now or extended). */
  async acquireOrExtend(): Promise<boolean> {
    const extended = (await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
      1,
      this.key,
      this.token,
      String(this.ttlMs),
    )) as number;
    if (extended === 1) return true;
    return (await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  async release(): Promise<void> {
    await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
      1,
      this.key,
      this.token,
    );
  }
}
