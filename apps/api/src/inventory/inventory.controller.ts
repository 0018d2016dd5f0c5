import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { LAYERS } from '@app/domain';
import { ComponentEntity, HostEntity } from '@app/persistence';

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
}
