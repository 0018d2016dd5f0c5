import { Module } from '@nestjs/common';
import { BullmqAuditQueue, ForecastPipelineService } from '@app/application';
import { ActionsModule } from '../actions/actions.module';
import { ForecastProcessor } from './forecast.processor';
import { PerfCollectorService } from './perf-collector.service';

@Module({
  imports: [ActionsModule],
  providers: [ForecastPipelineService, ForecastProcessor, PerfCollectorService, BullmqAuditQueue],
})
export class ForecastModule {}
