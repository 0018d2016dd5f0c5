import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { type AppConfig, redactedConfig } from '@app/application';
import { ApiModule } from './api.module';
import { ValidationErrorFilter } from './http-errors.filter';

/** Builds the api application (used by main and by the integration tests, so both run the same wiring). */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ApiModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ValidationErrorFilter());
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Layershift API')
      .setDescription(
        'Plans and executes layered relocations of VMware workloads through power and capacity trouble.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });
  app.get(Logger).log({ config: redactedConfig(config) }, 'configuration');
  return app;
}
