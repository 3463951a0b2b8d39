// train/pretrained.ts — the pretrained weights that ship in the package, in data/pretrained/: LeNet-5 and
// the BatchNorm CNN, trained by convnet on the full Fashion-MNIST (60,000 training images), with their test
// accuracy on its 10,000 test images and the command that trained them. Node only (reads files): importing
// it installs the loader that `models.lenet5({ pretrained: true })` uses (see pretrained-hook.ts).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../tensor/tensor.js';
import { loadCheckpoint } from './checkpoint.js';
import { noExtraArgs } from '../tensor/signature.js';
import { setPretrainedLoader } from './pretrained-hook.js';

/** A pretrained model of the zoo: its file in data/pretrained/, what it scores, and how it was made. */
export interface PretrainedEntry {
  /** The file name in the package's data/pretrained/ directory. */
  readonly file: string;
  /** Test accuracy on the 10,000 Fashion-MNIST test images (a fraction). */
  readonly accuracy: number;
  /** The command that trained it (from a clone, with the full data in the directory named). */
  readonly command: string;
}

/**
 * The pretrained weights shipped in the package, by zoo name: LeNet-5 and the BatchNorm CNN trained on the
 * full Fashion-MNIST. convnet's own (torchvision lists its weights in `Weights` enums).
 * @example
 * ```ts
 * PRETRAINED.lenet5.accuracy;  // 0.9026
 * ```
 */
export const PRETRAINED: Readonly<Record<string, PretrainedEntry>> = {
  lenet5: {
    file: 'lenet5-fashion-mnist.safetensors',
    accuracy: 0.9026,
    command: 'convnet train --model lenet5 --data DIR --epochs 10 --seed 0',
  },
  'cnn-bn': {
    file: 'cnn-bn-fashion-mnist.safetensors',
    accuracy: 0.9232,
    command: 'convnet train --model cnn-bn --data DIR --epochs 10 --seed 0',
  },
};

/** The directory of the shipped weights: data/pretrained/ at the package root (two levels above this file,
 *  from src/train/ and from dist/train/ alike). */
const DIR = fileURLToPath(new URL('../../data/pretrained/', import.meta.url));

/**
 * The path of pretrained model `name`'s safetensors file in the package. convnet's own.
 * @example
 * ```ts
 * pretrainedFile('lenet5');  // '…/node_modules/convnet-ts/data/pretrained/lenet5-fashion-mnist.safetensors'
 * ```
 */
export function pretrainedFile(name: string): string {
  noExtraArgs('pretrainedFile', arguments, ['name']);
  const entry = Object.hasOwn(PRETRAINED, name) ? PRETRAINED[name] : undefined;
  if (!entry) throw new Error(`pretrained: no pretrained model '${name}'; available: ${Object.keys(PRETRAINED).join(', ')}`);
  const file = DIR + entry.file;
  if (!existsSync(file)) throw new Error(`pretrained: ${file} is missing from the package (reinstall convnet-ts)`);
  return file;
}

/** The state dict of pretrained model `name`, its checksum verified. */
function loadPretrainedState(name: string): Map<string, Tensor> {
  return loadCheckpoint(pretrainedFile(name)).modelState;
}

setPretrainedLoader(loadPretrainedState);
