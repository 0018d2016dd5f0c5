import { Module } from '@nestjs/common';
import {
  ACTION_QUEUE,
  ApprovePlanUseCase,
  BullmqActionQueue,
  BullmqAuditQueue,
  HandlePowerEventUseCase,
  PLANNER,
  RunAuditUseCase,
  SnapshotScenarioService,
} from '@app/application';
import { plan } from '@app/planner';
import { AuditsProcessor } from './audits.processor';

@Module({
  providers: [
    AuditsProcessor,
    HandlePowerEventUseCase,
    SnapshotScenarioService,
    RunAuditUseCase,
    ApprovePlanUseCase,
    BullmqActionQueue,
    BullmqAuditQueue,
    { provide: ACTION_QUEUE, useExisting: BullmqActionQueue },
    { provide: PLANNER, useValue: { plan } },
  ],
  exports: [BullmqAuditQueue],
})
export class AuditsModule {}
