import { Module } from '@nestjs/common';
import {
  ACTION_QUEUE,
  ApprovePlanUseCase,
  PLANNER,
  RunAuditUseCase,
  SnapshotScenarioService,
} from '@app/application';
import { plan } from '@app/planner';
import { BullmqActionQueue } from '@app/application';
import { PlansController } from './plans.controller';

@Module({
  controllers: [PlansController],
  providers: [
    RunAuditUseCase,
    SnapshotScenarioService,
    ApprovePlanUseCase,
    BullmqActionQueue,
    { provide: ACTION_QUEUE, useExisting: BullmqActionQueue },
    { provide: PLANNER, useValue: { plan } },
  ],
})
export class PlansModule {}
