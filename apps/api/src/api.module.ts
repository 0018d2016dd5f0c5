import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@app/application';
import { AlarmActionsModule } from './alarm-actions/alarm-actions.module';
import { ForecastsModule } from './forecasts/forecasts.module';
import { InventoryModule } from './inventory/inventory.module';
import { PlansModule } from './plans/plans.module';
import { TopologyModule } from './topology/topology.module';
import { UiModule } from './ui';
import { WorkWindowsModule } from './work-windows/work-windows.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot(config, 'api'),
        PlansModule,
        TopologyModule,
        InventoryModule,
        ForecastsModule,
        WorkWindowsModule,
        AlarmActionsModule,
        UiModule.forRoot(),
      ],
    };
  }
}
