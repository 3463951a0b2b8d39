// cli/common.ts — what train, eval and start share: finding the data, picking the backend, building the
// optimizer and the loaders, and printing what a model learned.

import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, listBackends, setBackend } from '../backend/backend.js';
import { useBestBackend } from '../backend/webgpu/index.js';
import { FashionMNIST, FASHION_MNIST_MEAN, FASHION_MNIST_STD } from '../data/mnist.js';
import { DataLoader } from '../data/dataloader.js';
import { Generator } from '../data/rng.js';
import { Compose, Normalize, RandomCrop, RandomHorizontalFlip } from '../data/transforms.js';
import type { Module } from '../nn/module.js';
import { Adam, AdamW } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { formatConfusion, type EvalResult } from '../train/fit.js';
import { hasCheckpoint, MANIFEST_FILE, MODEL_FILE } from '../train/checkpoint.js';
import { PRETRAINED, pretrainedFile } from '../train/pretrained.js';
import { UsageError } from './registry.js';

/** The Fashion-MNIST subset shipped in the repository (data/fashion-mnist-subset). */
export const SHIPPED_SUBSET = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/fashion-mnist-subset');

/** The names --checkpoint takes besides paths: the pretrained models shipped in the package. */
export const PRETRAINED_HELP = `or the name of a pretrained model: ${Object.entries(PRETRAINED).map(([n, e]) => `${n} (${(100 * e.accuracy).toFixed(2)}%)`).join(', ')}`;

/** --checkpoint's value as a path: an existing checkpoint directory or .safetensors file, else the name of a
 *  pretrained model shipped in the package (an existing path of that name wins). */
export function checkpointPath(value: string): string {
  if (existsSync(value)) {
    if (statSync(value).isDirectory() && !hasCheckpoint(value)) throw new UsageError(`--checkpoint ${value}: the directory has no ${MANIFEST_FILE} or ${MODEL_FILE}`);
    return value;
  }
  if (Object.hasOwn(PRETRAINED, value)) return pretrainedFile(value);
  throw new UsageError(`--checkpoint ${value}: no such file or directory, and not a pretrained model (${Object.keys(PRETRAINED).join(', ')})`);
}

/** --data, else the Debian dataset directory when installed, else the shipped subset. */
export function resolveDataDir(flag: string | undefined, log: (s: string) => void): string {
  if (flag) return flag;
  if (existsSync(FashionMNIST.defaultRoot)) return FashionMNIST.defaultRoot;
  log(`note: ${FashionMNIST.defaultRoot} not found (apt install dataset-fashion-mnist); using the shipped subset ${SHIPPED_SUBSET}`);
  return SHIPPED_SUBSET;
}

/** Whether the `webgpu` npm package (Dawn, an optional peer dependency) is installed, or
 *  CONVNET_WEBGPU_PACKAGE names a folder holding it (the backend loads it from there). */
function hasDawn(): boolean {
  const folder = process.env.CONVNET_WEBGPU_PACKAGE;
  if (folder) return existsSync(join(folder, 'package.json'));
  try {
    createRequire(import.meta.url).resolve('webgpu');
    return true;
  } catch {
    return false;
  }
}

/** The values --backend takes here: auto, then the registered backends that can start in this install
 *  (webgpu only with its npm package; whether an adapter exists is found out when it is chosen). */
export const BACKEND_CHOICES: readonly string[] = ['auto', ...listBackends().filter((b) => b !== 'webgpu' || hasDawn())];

/** BACKEND_CHOICES for a usage text: "auto (webgpu on a real GPU, else wasm), ref, wasm, webgpu". */
export const BACKEND_HELP = `auto (${BACKEND_CHOICES.includes('webgpu') ? 'webgpu on a real GPU, else wasm' : 'wasm'}), ${BACKEND_CHOICES.slice(1).join(', ')}` +
  (BACKEND_CHOICES.includes('webgpu') ? '' : ' (webgpu: npm install webgpu)');

/** 'auto' takes wasm when it is registered, else ref. */
/** Selects the backend a command runs on: 'auto' is webgpu where a real GPU adapter is present, else the
 *  fastest CPU backend; a named one must start here (webgpu: a WebGPU adapter, software ones included). */
export async function selectBackend(name: string): Promise<string> {
  if (name === 'auto') return useBestBackend();
  const available = listBackends();
  if (!available.includes(name)) throw new UsageError(`--backend ${name} is not available here (registered: ${available.join(', ')})`);
  try {
    await setBackend(name);
  } catch (e) {
    throw new UsageError(`--backend ${name}: ${(e as Error).message}`);
  }
  return getBackend();
}

export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export function defaultLr(opt: OptimizerName): number {
  return opt === 'sgd' ? 0.05 : 1e-3;
}

export function buildOptimizer(name: OptimizerName, model: Module, lr: number, momentum: number, weightDecay: number): SGD | Adam | AdamW {
  const params = model.parameters();
  if (name === 'sgd') return new SGD(params, { lr, momentum, weightDecay });
  if (name === 'adam') return new Adam(params, { lr, weightDecay });
  return new AdamW(params, { lr, weightDecay: weightDecay || 0.01 });
}

export interface LoaderSettings {
  dataDir: string;
  batchSize: number;
  seed: number;
  limit?: number;
  testLimit?: number;
  augment?: boolean;
}

/** Stream number of the augmentation generator (data/rng.ts), apart from the shuffling's (seed, epoch). */
const AUGMENT_STREAM = 0x617567; // 'aug'

export function makeLoaders(s: LoaderSettings) {
  const norm = new Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD);
  // Augmentation draws from its own generator, whose state checkpoints save (cli/train.ts): a resumed
  // run then crops and flips exactly as an uninterrupted one.
  const augmentRng = new Generator(s.seed, AUGMENT_STREAM);
  const trainTf = s.augment
    ? new Compose([new RandomCrop(28, 2, { generator: augmentRng }), new RandomHorizontalFlip(0.5, { generator: augmentRng }), norm])
    : norm;
  const trainSet = new FashionMNIST(s.dataDir, { train: true, transform: trainTf, limit: s.limit });
  const testSet = new FashionMNIST(s.dataDir, { train: false, transform: norm, limit: s.testLimit });
  return {
    trainSet, testSet, augmentRng,
    trainLoader: new DataLoader(trainSet, { batchSize: s.batchSize, shuffle: true, seed: s.seed }),
    testLoader: new DataLoader(testSet, { batchSize: 500 }),
  };
}

/** The confusion matrix, per-class accuracy and the most confused pairs, as text. */
export function describeResult(ev: EvalResult, classes: readonly string[]): string {
  const lines = [formatConfusion(ev.confusion, classes), ''];
  const pairs: [number, number, number][] = [];
  ev.confusion.forEach((row, i) => row.forEach((v, j) => { if (i !== j && v > 0) pairs.push([v, i, j]); }));
  pairs.sort((a, b) => b[0] - a[0]);
  const perClass = ev.confusion.map((row, i) => [i, row[i] / Math.max(1, row.reduce((a, b) => a + b, 0))] as const);
  const best = [...perClass].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([i, a]) => `${classes[i]} ${(100 * a).toFixed(0)}%`);
  const worst = [...perClass].sort((a, b) => a[1] - b[1]).slice(0, 3).map(([i, a]) => `${classes[i]} ${(100 * a).toFixed(0)}%`);
  lines.push(`easiest classes: ${best.join(', ')}`);
  lines.push(`hardest classes: ${worst.join(', ')}`);
  if (pairs.length) {
    lines.push(`most confused: ${pairs.slice(0, 3).map(([v, i, j]) => `${classes[i]} taken for ${classes[j]} (${v}×)`).join(', ')}`);
  }
  return lines.join('\n');
}
