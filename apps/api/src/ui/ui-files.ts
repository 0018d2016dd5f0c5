import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

/** Where the built plugin UI lives, relative to this file both as TypeScript source and as compiled JavaScript. */
export function defaultUiDist(): string {
  const candidates = [
    resolve(__dirname, '../../../../ui-plugin/dist'), // apps/api/src/ui (ts-node, vitest)
    resolve(__dirname, '../../../../../ui-plugin/dist'), // dist/apps/api/src/ui (compiled)
    resolve(process.cwd(), 'ui-plugin/dist'),
  ];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0];
}

export type UiFile =
  | { kind: 'file'; path: string; immutable: boolean }
  | { kind: 'index'; path: string }
  | { kind: 'not-found' }
  | { kind: 'not-built' };

/** Angular's production build names bundles `main-<HASH>.js`: those never change and can be cached for good. */
const HASHED = /-[A-Z0-9]{8,}\.(js|css|mjs)$/;

/**
 * Maps a request path below /ui/ to a file of the built UI, or to index.html for client-side routes (paths
 * without an extension). Never leaves the dist folder: `..`, encoded or not, resolves outside and is refused.
 */
export function resolveUiFile(dist: string, segments: readonly string[]): UiFile {
  const root = resolve(dist);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return { kind: 'not-built' };
  // No NUL bytes and no dot files (`.env`, `.git`): the build output has none, so asking for one is a probe.
  if (segments.some((s) => s.includes('\0') || s.startsWith('.'))) return { kind: 'not-found' };
  const target = resolve(root, ...segments);
  if (target !== root && !target.startsWith(root + sep)) return { kind: 'not-found' };
  if (target !== root && existsSync(target) && statSync(target).isFile())
    return { kind: 'file', path: target, immutable: HASHED.test(target) };
  // A missing asset is a 404; anything else is a route of the single-page app.
  if (extname(target)) return { kind: 'not-found' };
  return { kind: 'index', path: index };
}
