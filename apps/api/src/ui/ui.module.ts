import { type DynamicModule, Module } from '@nestjs/common';
import { UI_DIST, UiController } from './ui.controller';
import { defaultUiDist } from './ui-files';

/**
 * Serves the vSphere Client remote plugin (ui-plugin/dist, built by `npm --prefix ui-plugin run build`) at /ui/
 * and its manifest at /ui/plugin.json.
 */
@Module({})
export class UiModule {
  static forRoot(opts: { dist?: string } = {}): DynamicModule {
    return {
      module: UiModule,
      controllers: [UiController],
      providers: [{ provide: UI_DIST, useValue: opts.dist ?? defaultUiDist() }],
    };
  }
}
