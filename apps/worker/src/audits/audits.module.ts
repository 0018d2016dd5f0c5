import { Module } from '@nestjs/common';
import {
  ApprovePlanUseCase,
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
    { provide: PLANNER, useValue: { plan } },
  ],
})
export class AuditsModule {}
