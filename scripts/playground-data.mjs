// scripts/playground-data.mjs — the data files the playground's pages fetch, copied into a built site:
//
//   import { copyPlaygroundData } from './playground-data.mjs';
//   copyPlaygroundData('site');       // or: node scripts/playground-data.mjs site
//
// writes
//   site/static/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz   the shipped subset, still
//        gzipped (5,000 training / 1,000 test images, 2.3 MB; the LeNet page gunzips them with
//        DecompressionStream), with its LICENSE
//   site/static/lenet5-subset.safetensors   the pretrained LeNet-5 (also in playground/static/, which the
//        build copies as it is; copied here too so that the data step alone gives a working page)
// Returns the paths written.

import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SUBSET_DIR = join(ROOT, 'data', 'fashion-mnist-subset');
export const PRETRAINED = join(ROOT, 'playground', 'static', 'lenet5-subset.safetensors');

/** Copies the subset and the pretrained model under `outDir`/static/; returns the files written. */
export function copyPlaygroundData(outDir) {
  const written = [];
  const copy = (from, to) => {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    written.push(to);
  };
  const fm = join(outDir, 'static', 'fashion-mnist');
  for (const f of readdirSync(SUBSET_DIR)) {
    if (f.endsWith('.gz') || f === 'LICENSE') copy(join(SUBSET_DIR, f), join(fm, f));
  }
  copy(PRETRAINED, join(outDir, 'static', 'lenet5-subset.safetensors'));
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? 'site';
  const files = copyPlaygroundData(out);
  console.log(`copied ${files.length} files into ${out}/static`);
}
