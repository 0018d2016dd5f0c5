import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DataSource, In, MoreThanOrEqual } from 'typeorm';
import { ValidationError, type ForecastModelView } from '@app/domain';
import { actorOf, BullmqForecastQueue, ForecastPipelineService } from '@app/application';
import { holdoutSummary, type ComponentModelJSON } from '@app/forecast';
import { ComponentEntity, ForecastEntity } from '@app/persistence';
import { parseTrainingRequest } from './training-request';

const FORECAST_SCOPES = ['component', 'layer', 'host', 'cluster'];

@ApiTags('forecasts')
@ApiBearerAuth()
@Controller('api/v1/forecasts')
export class ForecastsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: BullmqForecastQueue,
    private readonly pipeline: ForecastPipelineService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Forecasts from now on, grouped by scope, key, metric and horizon' })
  async forecasts(@Query('scope') scope = 'layer') {
    if (!FORECAST_SCOPES.includes(scope))
      throw new BadRequestException(`scope must be one of ${FORECAST_SCOPES.join(', ')}`);
    const rows = await this.dataSource.getRepository(ForecastEntity).find({
      where: { scope, targetAt: MoreThanOrEqual(new Date(Date.now() - 3600_000)) },
      order: { key: 'ASC', metric: 'ASC', horizonSeconds: 'ASC', targetAt: 'ASC' },
      take: 5000,
    });
    const groups = new Map<
      string,
      { scope: string; key: string; metric: string; horizonSeconds: number; points: unknown[] }
    >();
    for (const r of rows) {
      const id = `${r.key}|${r.metric}|${r.horizonSeconds}`;
      let g = groups.get(id);
      if (!g)
        groups.set(
          id,
          (g = {
            scope: r.scope,
            key: r.key,
            metric: r.metric,
            horizonSeconds: r.horizonSeconds,
            points: [],
          }),
        );
      g.points.push({
        targetAt: r.targetAt,
        point: r.point,
        lower: r.lower,
        upper: r.upper,
        // the forecast of the mean (null on rows from before it): what sums of demand add
        expected: r.expected,
        method: r.method,
      });
    }
    return [...groups.values()];
  }

  @Get('models')
  @ApiOperation({
    summary:
      "The model each component and metric forecasts with: kind (ridge, or the baseline it fell back to and why), per horizon its hold-out error beside the naive forecast's, training window, when trained",
  })
  async models(): Promise<ForecastModelView[]> {
    const latest = await this.pipeline.latestModels();
    return [...latest.values()].map((m) => {
      const json = m.model as ComponentModelJSON;
      return {
        component: m.key,
        metric: m.metric,
        kind: json.kind ?? 'unknown',
        fallbackReason: json.fallbackReason,
        // per horizon: what forecasts it, and its error on the last days held out of the fit, beside naive's
        holdout: Array.isArray(json.horizons) ? holdoutSummary(json) : [],
        trainedFrom: m.trainedFrom.toISOString(),
        trainedTo: m.trainedTo.toISOString(),
        trainedAt: m.createdAt.toISOString(),
      };
    });
  }

  @Post('train')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Train now instead of waiting for the nightly run: all components or the listed ones; unchanged ones keep their model unless force',
  })
  @ApiBody({ description: '{"components"?: ["vm-12", ...], "force"?: true}; an empty body trains all' })
  async train(@Body() body: unknown, @Req() req: Request) {
    const request = parseTrainingRequest(body);
    if (request.components) {
      const known = await this.dataSource
        .getRepository(ComponentEntity)
        .find({ select: ['id'], where: { id: In(request.components) } });
      const have = new Set(known.map((c) => c.id));
      const unknown = request.components.filter((id) => !have.has(id));
      if (unknown.length)
        throw new ValidationError(
          'training request',
          unknown.slice(0, 20).map((id) => ({
            path: `$.components[${request.components!.indexOf(id)}]`,
            expected: 'a component id GET /api/v1/components lists (the inventory sync adds new VMs)',
            found: JSON.stringify(id),
          })),
        );
    }
    const queued = await this.queue.requestTraining({ ...request, requestedBy: actorOf(req) });
    return {
      ...queued,
      components: request.components?.length ?? 'all',
      force: request.force,
      status: `/api/v1/forecasts/train/${queued.jobId}`,
    };
  }

  @Get('train/:jobId')
  @ApiOperation({
    summary: 'An on-demand training: waiting, active, completed (with its counts) or failed (why)',
  })
  async trainingStatus(@Param('jobId') jobId: string) {
    const status = await this.queue.trainingStatus(jobId);
    if (!status)
      throw new NotFoundException(
        `no training job ${jobId} (ids come from POST /api/v1/forecasts/train; finished ones are kept 7 days, failed 30)`,
      );
    return status;
  }
}
