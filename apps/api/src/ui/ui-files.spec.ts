import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUiFile } from './ui-files';

describe('resolveUiFile', () => {
  let root: string;
  let dist: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ls-ui-'));
    dist = join(root, 'dist');
    mkdirSync(join(dist, 'media'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<html></html>');
    writeFileSync(join(dist, 'plugin.json'), '{}');
    writeFileSync(join(dist, 'main-4XO4FREI.js'), '');
    writeFileSync(join(dist, 'media', 'logo.svg'), '<svg/>');
    writeFileSync(join(root, 'secret.txt'), 'outside');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves files of the build, hashed bundles as immutable', () => {
    expect(resolveUiFile(dist, ['plugin.json'])).toEqual({
      kind: 'file',
      path: join(dist, 'plugin.json'),
      immutable: false,
    });
    expect(resolveUiFile(dist, ['main-4XO4FREI.js'])).toMatchObject({ kind: 'file', immutable: true });
    expect(resolveUiFile(dist, ['media', 'logo.svg'])).toMatchObject({ kind: 'file' });
  });

  it('answers index.html for the root and for client-side routes, 404 for missing assets', () => {
    expect(resolveUiFile(dist, [])).toEqual({ kind: 'index', path: join(dist, 'index.html') });
    expect(resolveUiFile(dist, ['plans', 'abc'])).toEqual({ kind: 'index', path: join(dist, 'index.html') });
    expect(resolveUiFile(dist, ['missing.js'])).toEqual({ kind: 'not-found' });
    expect(resolveUiFile(dist, ['media'])).toEqual({ kind: 'index', path: join(dist, 'index.html') });
  });

  it('never leaves the dist folder', () => {
    expect(resolveUiFile(dist, ['..', 'secret.txt'])).toEqual({ kind: 'not-found' });
    expect(resolveUiFile(dist, ['media', '..', '..', 'secret.txt'])).toEqual({ kind: 'not-found' });
    expect(resolveUiFile(dist, ['/etc/passwd'])).toEqual({ kind: 'not-found' });
    expect(resolveUiFile(dist, ['.env'])).toEqual({ kind: 'not-found' });
    expect(resolveUiFile(dist, ['plugin.json\0.png'])).toEqual({ kind: 'not-found' });
  });

  it('says when the UI has not been built', () => {
    expect(resolveUiFile(join(root, 'nowhere'), ['index.html'])).toEqual({ kind: 'not-built' });
  });
});
