/**
 * Where poolbench is installed and which version it is. Found by walking up from this file to
 * the nearest package.json, so it works from dist/ in a clone and from an installed tarball.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('poolbench: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot();
export const poolbenchVersion: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;
/** The undici poolbench's own clients use (not the copy bundled with Node for fetch). */
export const undiciVersion: string = createRequire(import.meta.url)('undici/package.json').version;
export const autocannonVersion: string = createRequire(import.meta.url)('autocannon/package.json').version;
