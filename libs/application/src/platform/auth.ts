import { timingSafeEqual, createHash } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AppConfig } from './config';
import { APP_CONFIG } from './tokens';

const PUBLIC = 'layershift:public';

/** Who made an authenticated request, as the guard recorded it (`token#N:<digest prefix>`), for audit records. */
export function actorOf(req: Request): string {
  return (req as Request & { actor?: string }).actor ?? 'api';
}
/** Marks the rare route that needs no token (the liveness probe). Everything else is authenticated. */
export const Public = () => SetMetadata(PUBLIC, true);

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * Bearer-token authentication for every route. Tokens are compared as SHA-256 digests with timingSafeEqual so
 * neither the length nor the content leaks through timing.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly digests: Buffer[];
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.digests = config.api.tokens.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new UnauthorizedException(
        'missing bearer token: send "Authorization: Bearer <token>" (see LAYERSHIFT_API_TOKENS)',
      );
    const given = digest(match[1]);
    const index = this.digests.findIndex((d) => timingSafeEqual(d, given));
    if (index === -1) throw new UnauthorizedException('bearer token not accepted');
    // Who did it, for the audit log, without the token itself: its position and a digest prefix.
    (req as Request & { actor?: string }).actor = `token#${index + 1}:${given.toString('hex').slice(0, 8)}`;
    return true;
  }
}
