// train/checkpoint.ts — saving and resuming training runs as safetensors files.
//
// A checkpoint is a directory with two files, both written atomically (io/atomic.ts):
//
//   model.safetensors        the model's stateDict under PyTorch's names (features.0.weight, …), nothing
//                            else, so PyTorch reads it directly:
//                              model.load_state_dict(safetensors.torch.load_file('model.safetensors'))
//                            __metadata__: format=pt, convnet.model (zoo name), convnet.epoch,
//                            convnet.config (JSON of the run's settings).
//   train-state.safetensors  what --resume needs beyond the weights: the optimizer's (and scheduler's)
//                            stateDict, its tensors stored under their dotted paths
//                            (optimizer.state.0.momentum_buffer, …) and the rest as JSON in
//                            __metadata__ (convnet.optimizer, convnet.scheduler), plus convnet.epoch.
//
// train-state is written first and model second, and both carry the epoch: if a crash falls between the
// two renames, loading finds the epochs differ and says so instead of resuming from a mixed state.
// BatchNorm's num_batches_tracked is stored as I64, as PyTorch keeps it. Both files carry the SHA-256 of
// their data section (convnet.sha256), so a flipped byte in a weight is an error, not a wrong model.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import type { Module } from '../nn/module.js';
import { readFile, saveFile } from '../io/safetensors.js';

export const MODEL_FILE = 'model.safetensors';
export const TRAIN_STATE_FILE = 'train-state.safetensors';

/** What a checkpoint needs of an optimizer or scheduler. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: any): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SaveCheckpointOptions {
  model: Module;
  optimizer?: Stateful;
  scheduler?: Stateful;
  /** Epochs completed. */
  epoch: number;
  /** Zoo name (models.ts), so `convnet eval` can rebuild the network. */
  modelName?: string;
  /** The run's settings (JSON-serialisable), stored for reference and for --resume. */
  config?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  modelState: Map<string, Tensor>;
  metadata: Record<string, string>;
  epoch: number;
  modelName?: string;
  config?: Record<string, unknown>;
  /** Present when the directory has train-state.safetensors. */
  optimizerState?: unknown;
  schedulerState?: unknown;
}

// ---- a JSON encoding of state trees whose tensors live in a safetensors file ------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replaces tensors (and typed arrays) in `value` by {"$tensor": key}, storing them in `tensors`. */
function encodeTree(value: unknown, path: string, tensors: Map<string, Tensor>): Json {
  if (value instanceof Tensor) {
    if (tensors.has(path)) throw new Error(`checkpoint: two state entries map to the key '${path}'`);
    tensors.set(path, value); // as is: saving only reads it (Optimizer.stateDict() returns copies already)
    return { $tensor: path };
  }
  if (value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array) {
    tensors.set(path, fromArray(value, [value.length]));
    return { $tensor: path, $typed: true };
  }
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (Array.isArray(value)) return value.map((v, i) => encodeTree(v, `${path}.${i}`, tensors));
  if (value instanceof Map) {
    return { $map: [...value].map(([k, v]) => {
      if (typeof k !== 'string' && typeof k !== 'number') throw new Error(`checkpoint: cannot save a state Map keyed by ${typeof k} at '${path}'`);
      return [k, encodeTree(v, `${path}.${k}`, tensors)] as Json;
    }) };
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Error(`checkpoint: cannot save a ${value.constructor?.name ?? 'object'} at '${path}' (only tensors, numbers, strings, arrays, Maps and plain objects)`);
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeTree(v, `${path}.${k}`, tensors);
    return out;
  }
  throw new Error(`checkpoint: cannot save a ${typeof value} at '${path}'`);
}

function decodeTree(json: Json, tensors: Map<string, Tensor>, source: string): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map((v) => decodeTree(v, tensors, source));
  if ('$tensor' in json) {
    const t = tensors.get(json.$tensor as string);
    if (!t) throw new Error(`checkpoint ${source}: the state refers to tensor '${json.$tensor}', which the file does not hold`);
    return json.$typed ? t.dataSync() : t;
  }
  if ('$undefined' in json) return undefined;
  if ('$number' in json) return Number(json.$number);
  if ('$map' in json) return new Map((json.$map as [string | number, Json][]).map(([k, v]) => [k, decodeTree(v, tensors, source)]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) out[k] = decodeTree(v, tensors, source);
  return out;
}

function parseJson(source: string, key: string, text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new Error(`checkpoint ${source}: metadata '${key}' is not valid JSON (${(e as Error).message})`);
  }
}

// ---- saving and loading ----------------------------------------------------------------------------

/** Writes dir/train-state.safetensors (when an optimizer is given) and dir/model.safetensors. Async: the
 *  values are read with `await t.data()` (see io/safetensors.ts). */
export async function saveCheckpoint(dir: string, opts: SaveCheckpointOptions): Promise<{ modelFile: string; trainStateFile?: string }> {
  const { model, epoch } = opts;
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`saveCheckpoint: epoch must be a non-negative integer, got ${epoch}`);
  const common: Record<string, string> = { 'convnet.epoch': String(epoch) };
  if (opts.modelName) common['convnet.model'] = opts.modelName;
  if (opts.config) common['convnet.config'] = JSON.stringify(opts.config);
  let trainStateFile: string | undefined;
  if (opts.optimizer || opts.scheduler) {
    const tensors = new Map<string, Tensor>();
    const meta: Record<string, string> = { ...common };
    if (opts.optimizer) meta['convnet.optimizer'] = JSON.stringify(encodeTree(opts.optimizer.stateDict(), 'optimizer', tensors));
    if (opts.scheduler) meta['convnet.scheduler'] = JSON.stringify(encodeTree(opts.scheduler.stateDict(), 'scheduler', tensors));
    trainStateFile = join(dir, TRAIN_STATE_FILE);
    await saveFile(tensors, trainStateFile, meta, { checksum: true });
  }
  const sd = model.stateDict();
  const int64 = [...sd.keys()].filter((k) => k.endsWith('num_batches_tracked'));
  const modelFile = join(dir, MODEL_FILE);
  await saveFile(sd, modelFile, { format: 'pt', ...common }, { int64, checksum: true });
  return { modelFile, trainStateFile };
}

/** Reads a checkpoint directory, or a single model .safetensors file (weights only). */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  const isDir = existsSync(path) && statSync(path).isDirectory();
  const modelFile = isDir ? join(path, MODEL_FILE) : path;
  if (isDir && !existsSync(modelFile)) throw new Error(`checkpoint ${path}: no ${MODEL_FILE} in this directory`);
  const model = readFile(modelFile);
  const epoch = Number(model.metadata['convnet.epoch'] ?? 0);
  const config = parseJson(modelFile, 'convnet.config', model.metadata['convnet.config']) as Record<string, unknown> | undefined;
  const out: LoadedCheckpoint = {
    modelState: model.tensors, metadata: model.metadata, epoch, modelName: model.metadata['convnet.model'], config,
  };
  const stateFile = isDir ? join(path, TRAIN_STATE_FILE) : null;
  if (stateFile && existsSync(stateFile)) {
    const st = readFile(stateFile);
    const stEpoch = Number(st.metadata['convnet.epoch']);
    if (stEpoch !== epoch) {
      throw new Error(`checkpoint ${path}: ${MODEL_FILE} is from epoch ${epoch} but ${TRAIN_STATE_FILE} from epoch ${stEpoch} ` +
        '(a save was interrupted); resume is not safe: delete one of them or start over');
    }
    const opt = parseJson(stateFile, 'convnet.optimizer', st.metadata['convnet.optimizer']);
    const sch = parseJson(stateFile, 'convnet.scheduler', st.metadata['convnet.scheduler']);
    if (opt !== undefined) out.optimizerState = decodeTree(opt, st.tensors, stateFile);
    if (sch !== undefined) out.schedulerState = decodeTree(sch, st.tensors, stateFile);
  }
  return out;
}
