import { Module } from '@nestjs/common';
import { ApprovePlanUseCase, PLANNER, RunAuditUseCase, SnapshotScenarioService } from '@app/application';
import { plan } from '@app/planner';
import { PlansController } from './plans.controller';

@Module({
  controllers: [PlansController],
  providers: [
    RunAuditUseCase,
    SnapshotScenarioService,
    ApprovePlanUseCase,
    { provide: PLANNER, useValue: { plan } },
  ],
})
export class PlansModule {}
