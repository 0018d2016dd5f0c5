import { Module } from '@nestjs/common';
import { ForecastPipelineService } from '@app/application';
import { VcenterModule } from '../vcenter/vcenter.module';
import { ForecastProcessor } from './forecast.processor';
import { PerfCollectorService } from './perf-collector.service';

@Module({
  imports: [VcenterModule],
  providers: [ForecastPipelineService, ForecastProcessor, PerfCollectorService],
})
export class ForecastModule {}
