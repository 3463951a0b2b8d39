// io/onnx-file.ts — ONNX models from files (Node): the model, and its external data from the side files
// beside it (each read once), as onnx.load does.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { importOnnx, type OnnxModel } from './onnx-import.js';
import { noExtraArgs } from '../tensor/signature.js';

/**
 * Reads the side files of an ONNX model's external data from `dir` (the model's folder), each once; a
 * location that leaves the folder (absolute, or through '..') is refused, as onnx.checker does.
 * convnet's own (onnx: `onnx.load_external_data_for_model`).
 * @example
 * ```ts
 * const model = importOnnx(bytes, { externalData: externalDataFrom('models/') });
 * ```
 */
export function externalDataFrom(dir: string): (location: string) => Uint8Array {
  noExtraArgs('externalDataFrom', arguments, ['dir']);
  const cache = new Map<string, Uint8Array>();
  return (location) => {
    const rel = normalize(location);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
      throw new Error(`loadOnnx: external data location '${location}' must lie in the model's folder`);
    }
    let bytes = cache.get(rel);
    if (!bytes) {
      const file = join(dir, rel);
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new Error(`loadOnnx: cannot read the external data file '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      cache.set(rel, bytes);
    }
    return bytes;
  };
}

/**
 * Loads an ONNX model file as a trainable module ({@link importOnnx}), reading external data from the
 * files beside it. Node only. PyTorch: none (`onnx.load` then `onnx2torch.convert`).
 * @example
 * ```ts
 * const model = loadOnnx('resnet18.onnx');
 * ```
 */
export function loadOnnx(path: string): OnnxModel {
  noExtraArgs('loadOnnx', arguments, ['path']);
  if (typeof path !== 'string') throw new Error(`loadOnnx: path must be a string, got ${typeof path}`);
  return importOnnx(readFileSync(path), { externalData: externalDataFrom(dirname(path)) });
}
