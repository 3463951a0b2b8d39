// examples/_common.ts — what every example shares: where to write pictures (out/<example>/ by default,
// `--out DIR` or CONVNET_OUT to change the base), the shipped photos, and a heading printer.

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder an example writes its pictures to (created). */
export function outDir(example: string): string {
  const i = process.argv.indexOf('--out');
  const base = i > 0 && process.argv[i + 1] ? process.argv[i + 1] : process.env.CONVNET_OUT ?? join(ROOT, 'out');
  const dir = join(base, example);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A shipped photo (assets/images/, see its README for the licences). */
export const photo = (name: 'camera.png' | 'coins.png' | 'chelsea.png') => join(ROOT, 'assets', 'images', name);

export function heading(text: string): void {
  console.log(`\n## ${text}`);
}
