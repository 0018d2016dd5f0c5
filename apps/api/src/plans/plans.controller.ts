import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DataSource, In } from 'typeorm';
import {
  actorOf,
  ApprovePlanUseCase,
  PLANNER,
  RunAuditUseCase,
  SnapshotScenarioService,
  type PlannerPort,
} from '@app/application';
import { parseScenario, type Plan, type ScenarioEvent } from '@app/domain';
import { ActionAttemptEntity, ActionEntity, PlanEntity } from '@app/persistence';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('api/v1')
export class PlansController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runAudit: RunAuditUseCase,
    private readonly approvePlan: ApprovePlanUseCase,
    private readonly snapshot: SnapshotScenarioService,
    @Inject(PLANNER) private readonly planner: PlannerPort,
  ) {}

  @Post('plan')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Plan a scenario (SCENARIO.md) and return the plan; nothing is stored or executed',
  })
  @ApiBody({ description: 'a scenario as SCENARIO.md defines it' })
  plan(@Body() body: unknown): Plan {
    return this.planner.plan(parseScenario(body));
  }

  @Post('audits')
  @ApiOperation({
    summary:
      'Run an audit: plan the given scenario, or the stored inventory and topology for the given event; store the plan as proposed (supersedes open plans)',
  })
  async audit(
    @Body() body: { scenario?: unknown; event?: ScenarioEvent; trigger?: string },
    @Req() req: Request,
  ) {
    const scenario = body?.scenario ?? (body?.event ? await this.snapshot.build(body.event) : undefined);
    const result = await this.runAudit.execute({
      scenario,
      trigger: typeof body?.trigger === 'string' ? body.trigger : 'operator',
      requestedBy: actorOf(req),
    });
    return {
      auditId: result.auditId,
      planId: result.planId,
      superseded: result.superseded,
      summary: result.plan.summary,
    };
  }

  @Get('plans')
  @ApiOperation({ summary: 'Recent plans, newest first' })
  async list(@Query('state') state?: string) {
    const plans = await this.dataSource.getRepository(PlanEntity).find({
      where: state ? { state: In(state.split(',')) } : {},
      order: { createdAt: 'DESC' },
      take: 50,
    });
    return plans.map((p) => ({
      id: p.id,
      auditId: p.auditId,
      state: p.state,
      createdAt: p.createdAt,
      summary: (p.document as Plan).summary,
    }));
  }

  @Get('plans/:id')
  @ApiOperation({ summary: 'One plan: its document and the live state of each action with its attempts' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const plan = await this.dataSource.getRepository(PlanEntity).findOneBy({ id });
    if (!plan) throw new NotFoundException(`plan ${id} does not exist`);
    const actions = await this.dataSource
      .getRepository(ActionEntity)
      .find({ where: { planId: id }, order: { seq: 'ASC' } });
    const attempts = actions.length
      ? await this.dataSource
          .getRepository(ActionAttemptEntity)
          .find({ where: { actionId: In(actions.map((a) => a.id)) }, order: { attempt: 'ASC' } })
      : [];
    return {
      id: plan.id,
      state: plan.state,
      approvedBy: plan.approvedBy,
      approvedAt: plan.approvedAt,
      document: plan.document,
      actions: actions.map((a) => ({
        id: a.id,
        seq: a.seq,
        wave: a.wave,
        kind: a.kind,
        component: a.componentId,
        host: a.hostId,
        from: a.fromHost,
        to: a.toHost,
        state: a.state,
        reason: a.reason,
        lastError: a.lastError,
        attempts: attempts
          .filter((t) => t.actionId === a.id)
          .map((t) => ({
            attempt: t.attempt,
            outcome: t.outcome,
            taskId: t.vcenterTaskId,
            error: t.error,
            startedAt: t.startedAt,
            endedAt: t.endedAt,
          })),
      })),
    };
  }

  @Post('plans/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a proposed plan: its actions are queued for the worker' })
  async approve(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: Request) {
    return this.approvePlan.execute(id, actorOf(req));
  }
}
