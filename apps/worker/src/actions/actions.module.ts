import { Module } from '@nestjs/common';
import { ExecuteActionUseCase, VCENTER_ACTIONS } from '@app/application';
import type { VimClient } from '@app/vsphere';
import { VIM_CLIENT, vimClientProvider } from '../vcenter/vim-client.provider';
import { VsphereActionsAdapter } from '../vcenter/vsphere-actions.adapter';
import { ActionsProcessor } from './actions.processor';
import { UnconfiguredVcenter } from './unconfigured-vcenter';

@Module({
  providers: [
    ExecuteActionUseCase,
    ActionsProcessor,
    vimClientProvider,
    {
      provide: VCENTER_ACTIONS,
      inject: [VIM_CLIENT],
      useFactory: (client: VimClient | undefined) =>
        client ? new VsphereActionsAdapter(client) : new UnconfiguredVcenter(),
    },
  ],
  exports: [VIM_CLIENT],
})
export class ActionsModule {}
