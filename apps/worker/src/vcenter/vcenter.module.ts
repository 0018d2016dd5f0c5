import { Module } from '@nestjs/common';
import { InventorySyncService } from './inventory-sync.service';
import { VcenterEventsService } from './vcenter-events.service';
import { VIM_CLIENT, vimClientProvider } from './vim-client.provider';

/** The worker's link to vCenter: one client, the event subscription (and, when configured, inventory sync). */
@Module({
  providers: [vimClientProvider, VcenterEventsService, InventorySyncService],
  exports: [VIM_CLIENT],
})
export class VcenterModule {}
