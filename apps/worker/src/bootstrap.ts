import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type AppConfig, redactedConfig } from '@app/application';
import { WorkerModule } from './worker.module';

/** The worker: queue consumers and listeners, plus a small HTTP server for /health and /metrics. */
export async function createWorkerApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.get(Logger).log({ config: redactedConfig(config) }, 'configuration');
  return app;
}
