import { Module } from '@nestjs/common';
import { ExecuteActionUseCase, VCENTER_ACTIONS } from '@app/application';
import type { VimClient } from '@app/vsphere';
import { VcenterModule } from '../vcenter/vcenter.module';
import { VIM_CLIENT } from '../vcenter/vim-client.provider';
import { VsphereActionsAdapter } from '../vcenter/vsphere-actions.adapter';
import { ActionsProcessor } from './actions.processor';
import { UnconfiguredVcenter } from './unconfigured-vcenter';

@Module({
  imports: [VcenterModule],
  providers: [
    ExecuteActionUseCase,
    ActionsProcessor,
    {
      provide: VCENTER_ACTIONS,
      inject: [VIM_CLIENT],
      useFactory: (client: VimClient | undefined) =>
        client ? new VsphereActionsAdapter(client) : new UnconfiguredVcenter(),
    },
  ],
})
export class ActionsModule {}
