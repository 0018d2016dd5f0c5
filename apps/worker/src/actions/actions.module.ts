import { Module } from '@nestjs/common';
import { ExecuteActionUseCase, VCENTER_ACTIONS } from '@app/application';
import { ActionsProcessor } from './actions.processor';
import { UnconfiguredVcenter } from './unconfigured-vcenter';

@Module({
  providers: [
    ExecuteActionUseCase,
    ActionsProcessor,
    { provide: VCENTER_ACTIONS, useClass: UnconfiguredVcenter },
  ],
})
export class ActionsModule {}
