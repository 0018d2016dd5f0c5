import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@app/application';
import { ActionsModule } from './actions/actions.module';
import { AuditsModule } from './audits/audits.module';
import { ForecastModule } from './forecast/forecast.module';
import { ScheduleModule } from './schedule/schedule.module';
import { SnmpModule } from './snmp/snmp.module';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot(config, 'worker'),
        ActionsModule,
        AuditsModule,
        ForecastModule,
        SnmpModule,
        ScheduleModule,
      ],
    };
  }
}
