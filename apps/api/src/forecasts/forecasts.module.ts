import { Module } from '@nestjs/common';
import { ForecastPipelineService } from '@app/application';
import { ForecastsController } from './forecasts.controller';

/** Forecasts, the models behind them, and training on demand (the worker trains; this queues and reports). */
@Module({ controllers: [ForecastsController], providers: [ForecastPipelineService] })
export class ForecastsModule {}
