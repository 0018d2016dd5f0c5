import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@app/application';
import { resolveUiFile } from './ui-files';

export const UI_DIST = Symbol('UI_DIST');

const NOT_BUILT =
  'The plugin UI is not built: run `npm --prefix ui-plugin ci && npm --prefix ui-plugin run build`.';

/**
 * The vSphere Client remote plugin: its manifest (/ui/plugin.json) and its static files, with index.html for
 * client-side routes. Only these static files are public; every /api route still needs a token.
 */
@ApiExcludeController()
@Public()
@Controller('ui')
export class UiController {
  constructor(@Inject(UI_DIST) private readonly dist: string) {}

  @Get()
  root(@Req() req: Request, @Res() res: Response): void {
    // `/ui` -> `/ui/`, so that the page's relative URLs (and <base href="/ui/">) resolve the same way.
    if (!req.path.endsWith('/')) return res.redirect(301, `${req.baseUrl}${req.path}/`);
    this.send(res, []);
  }

  @Get('*path')
  file(@Param('path') path: string | string[], @Res() res: Response): void {
    this.send(res, Array.isArray(path) ? path : path.split('/'));
  }

  private send(res: Response, segments: string[]): void {
    const found = resolveUiFile(this.dist, segments);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    switch (found.kind) {
      case 'not-built':
        res.status(503).type('text/plain').send(NOT_BUILT);
        return;
      case 'not-found':
        res.status(404).type('text/plain').send('not found');
        return;
      case 'index':
        res.setHeader('Cache-Control', 'no-cache');
        res.sendFile(found.path);
        return;
      case 'file':
        res.setHeader('Cache-Control', found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.sendFile(found.path);
        return;
    }
  }
}
