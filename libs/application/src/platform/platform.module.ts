import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { createDataSource } from '@app/persistence';
import { ACTION_QUEUE } from '../ports';
import { BullmqActionQueue, BullmqAuditQueue } from '../queue/bullmq-action-queue';
import { BullmqForecastQueue } from '../queue/bullmq-forecast-queue';
import { ApiTokenGuard } from './auth';
import type { AppConfig } from './config';
import { HealthController } from './health.controller';
import { createMetricsRegistry, MetricsController } from './metrics';
import { APP_CONFIG, METRICS_REGISTRY, REDIS } from './tokens';

/** Paths pino must never print: credentials travel in these. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["vmware-api-session-id"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.community',
];

@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Config, logging, PostgreSQL, Redis, metrics, health and the token guard, shared by api and worker. */
  static forRoot(config: AppConfig, app: 'api' | 'worker'): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            name: `layershift-${app}`,
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: DataSource,
          useFactory: async () => {
            const ds = createDataSource({ url: config.databaseUrl, applicationName: `layershift-${app}` });
            return ds.initialize();
          },
        },
        {
          provide: REDIS,
          // maxRetriesPerRequest: null is what BullMQ requires of a shared connection.
          useFactory: () => new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false }),
        },
        { provide: METRICS_REGISTRY, useValue: createMetricsRegistry(app) },
        { provide: APP_GUARD, useClass: ApiTokenGuard },
        // One producer per queue per process (each holds its own Redis connection).
        BullmqActionQueue,
        BullmqAuditQueue,
        BullmqForecastQueue,
        { provide: ACTION_QUEUE, useExisting: BullmqActionQueue },
      ],
      exports: [
        APP_CONFIG,
        DataSource,
        REDIS,
        METRICS_REGISTRY,
        BullmqActionQueue,
        BullmqAuditQueue,
        BullmqForecastQueue,
        ACTION_QUEUE,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
