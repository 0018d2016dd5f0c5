import { Module } from '@nestjs/common';
import { BullmqAuditQueue } from '@app/application';
import { VcenterEventsService } from './vcenter-events.service';
import { VIM_CLIENT, vimClientProvider } from './vim-client.provider';

/** The worker's link to vCenter: one client, the event subscription (and, when configured, inventory sync). */
@Module({
  providers: [vimClientProvider, VcenterEventsService, BullmqAuditQueue],
  exports: [VIM_CLIENT],
})
export class VcenterModule {}
