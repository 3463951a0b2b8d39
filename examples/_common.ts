// examples/_common.ts — what every example shares: where to write pictures (out/<example>/ by default,
// `--out DIR` or CONVNET_OUT to change the base), the shipped photos, and a heading printer.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root: the first folder above this file with a package.json (examples/ in a checkout,
 *  dist/examples/ once compiled, as `convnet tour` runs them in an installed package). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const ROOT = packageRoot();

/** The folder an example writes its pictures to (created): under --out or CONVNET_OUT, else out/ in the
 *  current directory (never inside an installed package). */
export function outDir(example: string): string {
  const i = process.argv.indexOf('--out');
  const base = i > 0 && process.argv[i + 1] ? process.argv[i + 1] : process.env.CONVNET_OUT ?? resolve('out');
  const dir = join(base, example);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A shipped photo (assets/images/, see its README for the licences). */
export const photo = (name: 'camera.png' | 'coins.png' | 'chelsea.png') => join(ROOT, 'assets', 'images', name);

export function heading(text: string): void {
  console.log(`\n## ${text}`);
}
