import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource, MoreThanOrEqual } from 'typeorm';
import { LAYERS } from '@app/domain';
import { ComponentEntity, ForecastEntity, HostEntity } from '@app/persistence';

const FORECAST_SCOPES = ['component', 'layer', 'host', 'cluster'];

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1')
export class InventoryController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('components')
  @ApiOperation({
    summary: 'Components (VMs) with their layer; layerTagged=false means untagged, treated as medium',
  })
  async components(@Query('layer') layer?: string) {
    if (layer !== undefined && !(LAYERS as readonly string[]).includes(layer))
      throw new BadRequestException(`layer must be one of ${LAYERS.join(', ')}`);
    const rows = await this.dataSource
      .getRepository(ComponentEntity)
      .find({ where: layer ? { layer } : {}, order: { id: 'ASC' } });
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      layer: c.layer,
      layerTagged: c.layerTagged,
      host: c.hostId,
      cpuMhz: c.cpuMhz,
      memMb: c.memMb,
      sensitive: c.sensitive,
      shutdown: c.shutdownPolicy,
      poweredOn: c.poweredOn,
    }));
  }

  @Get('hosts')
  @ApiOperation({ summary: 'Hosts with capacity, state and TPM attestation' })
  async hosts() {
    const rows = await this.dataSource.getRepository(HostEntity).find({ order: { id: 'ASC' } });
    return rows.map((h) => ({
      id: h.id,
      name: h.name,
      cluster: h.clusterId,
      cpuMhz: h.cpuMhz,
      memMb: h.memMb,
      attested: h.attested,
      maintenance: h.maintenance,
      connected: h.connected,
    }));
  }

  @Get('forecasts')
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
        method: r.method,
      });
    }
    return [...groups.values()];
  }
}
