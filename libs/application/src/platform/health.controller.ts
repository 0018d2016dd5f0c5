import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from './auth';
import { REDIS } from './tokens';

export interface DependencyHealth {
  ok: boolean;
  ms: number;
  error?: string;
}

async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<DependencyHealth> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return {
      ok: false,
      ms: Math.round(performance.now() - t0),
      error: e instanceof Error ? e.message : String(e),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness of this process: 200 when PostgreSQL and Redis answer, 503 naming the one that does not. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get()
  @HttpCode(200)
  @ApiOperation({
    summary: 'PostgreSQL and Redis reachability (no token needed: for load balancers and probes)',
  })
  async health(): Promise<{ status: 'ok'; checks: Record<string, DependencyHealth> }> {
    const [postgres, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    const checks = { postgres, redis };
    if (!postgres.ok || !redis.ok) throw new ServiceUnavailableException({ status: 'unavailable', checks });
    return { status: 'ok', checks };
  }
}
