// train/checkpoint.ts — saving and resuming training runs as safetensors files.
//
// A checkpoint is a directory. Every save writes a new pair of files and then a manifest naming them:
//
//   epoch-0003.model.safetensors        the model's stateDict under PyTorch's names (features.0.weight, …),
//                                       nothing else, so PyTorch reads it directly:
//                                         model.load_state_dict(safetensors.torch.load_file(…))
//                                       __metadata__: format=pt, convnet.model (zoo name), convnet.epoch,
//                                       convnet.config (JSON of the run's settings).
//   epoch-0003.train-state.safetensors  what --resume needs beyond the weights: the optimizer's (and
//                                       scheduler's) stateDict, its tensors under their dotted paths
//                                       (optimizer.state.0.momentum_buffer, …) and the rest as JSON in
//                                       __metadata__ (convnet.optimizer, convnet.scheduler, convnet.rng),
//                                       plus convnet.epoch.
//   checkpoint.json                     {"format": "convnet.checkpoint", "version": 1, "epoch": 3,
//                                        "model": "epoch-0003.model.safetensors",
//                                        "trainState": "epoch-0003.train-state.safetensors"}
//   model.safetensors                   the newest model again (a hard link where the file system has
//                                       them), at a name that does not change, for PyTorch and for eyes.
//
// The order makes the pair one atomic unit: both files are written (each atomically, io/atomic.ts), then
// the manifest replaces the old one in one rename, and only then are the previous pair's files deleted.
// A kill at any point leaves a manifest naming a complete pair: the old one before the rename, the new
// one after. Loading reads what the manifest names; files it does not name are leftovers of a killed
// save, which the next save deletes. A directory without a manifest (written before it existed, or by
// hand) is read as model.safetensors + train-state.safetensors, whose epochs must agree.
//
// BatchNorm's num_batches_tracked is stored as I64, as PyTorch keeps it. Every file carries the SHA-256
// of its whole bytes (convnet.file-sha256, io/safetensors.ts), and checkpoints are read requiring it, so
// a flipped byte in a weight or an edited hyperparameter is an error, not a wrong model.

import { existsSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import type { Module } from '../nn/module.js';
import { readFile, serialize } from '../io/safetensors.js';
import { linkFileAtomic, writeFileAtomic } from '../io/atomic.js';

/**
 * The newest model, at a fixed name (for PyTorch; loading a directory goes through the manifest). convnet's own.
 * @example
 * ```ts
 * // Python: model.load_state_dict(safetensors.torch.load_file('runs/lenet5/model.safetensors'))
 * join('runs/lenet5', train.MODEL_FILE);
 * ```
 */
export const MODEL_FILE = 'model.safetensors';
/**
 * The train state of a directory written before the manifest existed. convnet's own.
 * @example
 * ```ts
 * join(dir, train.TRAIN_STATE_FILE);
 * ```
 */
export const TRAIN_STATE_FILE = 'train-state.safetensors';
/**
 * The name of a checkpoint directory's manifest, 'checkpoint.json', which names the current pair of files
 * and is replaced atomically. convnet's own.
 * @example
 * ```ts
 * existsSync(join(dir, train.MANIFEST_FILE));
 * ```
 */
export const MANIFEST_FILE = 'checkpoint.json';
const MANIFEST_FORMAT = 'convnet.checkpoint';
/** The names saves give their pairs: epoch-NNNN[-xxxx].model.safetensors / .train-state.safetensors. */
const PAIR_FILE = /^epoch-\d{4,}(-[0-9a-f]{8})?\.(model|train-state)\.safetensors$/;

/**
 * What a checkpoint needs of an optimizer or scheduler: `stateDict()` and `loadStateDict(state)`.
 * PyTorch: the `state_dict` protocol.
 * @example
 * ```ts
 * const s: train.Stateful = optimizer;
 * ```
 */
export interface Stateful {
  /**
   * The state to save, as plain data and tensors.
   * @example
   * ```ts
   * const state = optimizer.stateDict();
   * ```
   */
  stateDict(): unknown;
  /**
   * Takes a saved state back.
   * @example
   * ```ts
   * optimizer.loadStateDict(ckpt.optimizerState);
   * ```
   */
  loadStateDict(state: any): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * What {@link saveCheckpoint} saves: the model, optionally the optimizer and scheduler, the epochs
 * completed, the zoo name, the run's config and random-generator states. PyTorch: the dict people pass to
 * `torch.save`.
 * @example
 * ```ts
 * await saveCheckpoint('runs/a', { model, optimizer, scheduler, epoch: 5, rng: { global: getRngState() } });
 * ```
 */
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
  /** Random-generator states to restore on resume (JSON-serialisable), e.g. { global: getRngState() }. */
  rng?: Record<string, unknown>;
}

/**
 * What {@link loadCheckpoint} returns: the model's state dict, the metadata, the epoch, the zoo name and
 * config, the optimizer, scheduler and random-generator states when saved, and the files read. PyTorch: the
 * dict `torch.load` returns.
 * @example
 * ```ts
 * const ck = loadCheckpoint('runs/a');
 * model.loadStateDict(ck.modelState);
 * ```
 */
export interface LoadedCheckpoint {
  modelState: Map<string, Tensor>;
  metadata: Record<string, string>;
  epoch: number;
  modelName?: string;
  config?: Record<string, unknown>;
  /** Present when the directory has train-state.safetensors. */
  optimizerState?: unknown;
  schedulerState?: unknown;
  rngState?: Record<string, unknown>;
  /** The files read: the model's, and the train state's when there is one. */
  files: { model: string; trainState?: string };
}

interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  epoch: number;
  model: string;
  trainState?: string;
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
  const bad = (why: string) => new Error(`checkpoint ${source}: ${why}`);
  if (Object.hasOwn(json, '$tensor')) {
    if (typeof json.$tensor !== 'string') throw bad(`a "$tensor" reference must be a string, got ${JSON.stringify(json.$tensor)}`);
    const t = tensors.get(json.$tensor);
    if (!t) throw bad(`the state refers to tensor '${json.$tensor}', which the file does not hold`);
    return json.$typed ? t.dataSync() : t;
  }
  if (Object.hasOwn(json, '$undefined')) return undefined;
  if (Object.hasOwn(json, '$number')) {
    if (!['NaN', 'Infinity', '-Infinity'].includes(json.$number as string)) throw bad(`"$number" must be NaN, Infinity or -Infinity, got ${JSON.stringify(json.$number)}`);
    return Number(json.$number);
  }
  if (Object.hasOwn(json, '$map')) {
    const entries = json.$map;
    if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2 && (typeof e[0] === 'string' || typeof e[0] === 'number'))) {
      throw bad('a "$map" must be a list of [key, value] pairs');
    }
    return new Map((entries as [string | number, Json][]).map(([k, v]) => [k, decodeTree(v, tensors, source)]));
  }
  // fromEntries defines own properties: a key "__proto__" stays a key and never becomes the prototype.
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, decodeTree(v, tensors, source)]));
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

/**
 * Whether `dir` holds a checkpoint (a manifest, or a model.safetensors from before manifests).
 * Node only. convnet's own.
 * @example
 * ```ts
 * if (hasCheckpoint('runs/lenet5')) resume();
 * ```
 */
export function hasCheckpoint(dir: string): boolean {
  noExtraArgs('hasCheckpoint', arguments, ['dir']);
  return existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, MODEL_FILE));
}

/** Reads and checks dir/checkpoint.json; undefined when there is none. */
function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`checkpoint ${file}: cannot read it (${(e as Error).message})`);
  }
  let m: Record<string, unknown>;
  try { m = JSON.parse(text); } catch (e) { throw new Error(`checkpoint ${file}: not valid JSON (${(e as Error).message})`); }
  const bad = (why: string) => new Error(`checkpoint ${file}: ${why}`);
  if (typeof m !== 'object' || m === null || Array.isArray(m) || m.format !== MANIFEST_FORMAT) throw bad(`not a convnet checkpoint manifest (format should be "${MANIFEST_FORMAT}")`);
  if (m.version !== 1) throw bad(`version ${JSON.stringify(m.version)} is not one this convnet reads (1)`);
  if (!Number.isSafeInteger(m.epoch) || (m.epoch as number) < 0) throw bad(`epoch must be a non-negative integer, got ${JSON.stringify(m.epoch)}`);
  for (const k of ['model', 'trainState'] as const) {
    const v = m[k];
    if (v === undefined && k === 'trainState') continue;
    // Only names a save makes: a manifest cannot point outside its directory.
    if (typeof v !== 'string' || !PAIR_FILE.test(v)) throw bad(`${k} must name a file of this directory like epoch-0003.model.safetensors, got ${JSON.stringify(v)}`);
  }
  return m as unknown as Manifest;
}

/** A file name stem for epoch's pair that the current manifest does not use. */
function pairStem(epoch: number, current: Manifest | undefined): string {
  const stem = `epoch-${String(epoch).padStart(4, '0')}`;
  const used = current ? [current.model, current.trainState] : [];
  return used.some((f) => f?.startsWith(`${stem}.`)) ? `${stem}-${randomBytes(4).toString('hex')}` : stem;
}

/** Points dir/model.safetensors at `file` (same directory): a hard link, or a copy where there are none. */
function publishModel(dir: string, file: string, bytes: Uint8Array): void {
  const target = join(dir, MODEL_FILE);
  if (!linkFileAtomic(join(dir, file), target)) writeFileAtomic(target, bytes);
}

/**
 * * Saves a checkpoint into `dir`: the model (and, when an optimizer or scheduler is given, the train
 * state) as a new pair of files, then the manifest naming them, then removes the previous pair (see the
 * top of this file). Async: the values are read with `await t.dataAsync()` (see io/safetensors.ts).
 * Node only. PyTorch: `torch.save({'model': model.state_dict(), 'optimizer': …}, path)`, but as safetensors files.
 * @example
 * ```ts
 * await saveCheckpoint('runs/lenet5', { model, optimizer, scheduler, epoch, modelName: 'lenet5' });
 * ```
 */
export async function saveCheckpoint(dir: string, opts: SaveCheckpointOptions): Promise<{ modelFile: string; trainStateFile?: string; manifestFile: string }> {
  noExtraArgs('saveCheckpoint', arguments, ['dir', 'opts']);
  checkKeys('saveCheckpoint', opts ?? {}, ['model', 'optimizer', 'scheduler', 'epoch', 'modelName', 'config', 'rng']);
  const { model, epoch } = opts;
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`saveCheckpoint: epoch must be a non-negative integer, got ${epoch}`);
  const common: Record<string, string> = { 'convnet.epoch': String(epoch) };
  if (opts.modelName) common['convnet.model'] = opts.modelName;
  if (opts.config) common['convnet.config'] = JSON.stringify(opts.config);
  let current: Manifest | undefined;
  try { current = readManifest(dir); } catch { current = undefined; } // a damaged manifest is replaced
  const stem = pairStem(epoch, current);
  const manifest: Manifest = { format: MANIFEST_FORMAT, version: 1, epoch, model: `${stem}.model.safetensors` };
  if (opts.optimizer || opts.scheduler || opts.rng) {
    const tensors = new Map<string, Tensor>();
    const meta: Record<string, string> = { ...common };
    if (opts.optimizer) meta['convnet.optimizer'] = JSON.stringify(encodeTree(opts.optimizer.stateDict(), 'optimizer', tensors));
    if (opts.scheduler) meta['convnet.scheduler'] = JSON.stringify(encodeTree(opts.scheduler.stateDict(), 'scheduler', tensors));
    if (opts.rng) meta['convnet.rng'] = JSON.stringify(opts.rng);
    manifest.trainState = `${stem}.train-state.safetensors`;
    writeFileAtomic(join(dir, manifest.trainState), await serialize(tensors, { metadata: meta, checksum: true }));
  }
  const sd = model.stateDict();
  const int64 = [...sd.keys()].filter((k) => k.endsWith('num_batches_tracked'));
  const modelBytes = await serialize(sd, { metadata: { format: 'pt', ...common }, int64, checksum: true });
  writeFileAtomic(join(dir, manifest.model), modelBytes);
  const manifestFile = join(dir, MANIFEST_FILE);
  writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`); // the commit point
  publishModel(dir, manifest.model, modelBytes);
  // The previous pair, leftovers of killed saves, and the train state of the layout before manifests.
  for (const name of readdirSync(dir)) {
    if ((PAIR_FILE.test(name) && name !== manifest.model && name !== manifest.trainState) || name === TRAIN_STATE_FILE) {
      try { unlinkSync(join(dir, name)); } catch { /* gone meanwhile */ }
    }
  }
  return { modelFile: join(dir, manifest.model), trainStateFile: manifest.trainState && join(dir, manifest.trainState), manifestFile };
}

/**
 * Reads a checkpoint directory (through its manifest), or a single model .safetensors file (weights
 *  only; a file without convnet's checksum, such as PyTorch's, is accepted there).
 * Node only. PyTorch: `torch.load` (and `safetensors.torch.load_file` for a single file).
 * @example
 * ```ts
 * const ck = loadCheckpoint('runs/lenet5');
 * model.loadStateDict(ck.modelState);
 * optimizer.loadStateDict(ck.optimizerState as any);
 * ```
 */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  noExtraArgs('loadCheckpoint', arguments, ['path']);
  const isDir = existsSync(path) && statSync(path).isDirectory();
  if (!isDir) return loadPair(path, undefined, undefined, false);
  const manifest = readManifest(path);
  if (manifest) {
    const trainState = manifest.trainState === undefined ? undefined : join(path, manifest.trainState);
    return loadPair(join(path, manifest.model), trainState, manifest.epoch, true);
  }
  const modelFile = join(path, MODEL_FILE);
  if (!existsSync(modelFile)) throw new Error(`checkpoint ${path}: no ${MANIFEST_FILE} or ${MODEL_FILE} in this directory`);
  const stateFile = join(path, TRAIN_STATE_FILE);
  return loadPair(modelFile, existsSync(stateFile) ? stateFile : undefined, undefined, true);
}

function loadPair(modelFile: string, stateFile: string | undefined, epoch: number | undefined, requireChecksum: boolean): LoadedCheckpoint {
  const model = readFile(modelFile, { requireChecksum });
  const modelEpoch = Number(model.metadata['convnet.epoch'] ?? 0);
  if (epoch !== undefined && modelEpoch !== epoch) {
    throw new Error(`checkpoint ${modelFile}: the manifest says epoch ${epoch}, the file says ${model.metadata['convnet.epoch']}`);
  }
  const config = parseJson(modelFile, 'convnet.config', model.metadata['convnet.config']);
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) {
    throw new Error(`checkpoint ${modelFile}: metadata 'convnet.config' must be a JSON object, got ${JSON.stringify(config).slice(0, 80)}`);
  }
  const out: LoadedCheckpoint = {
    modelState: model.tensors, metadata: model.metadata, epoch: modelEpoch, modelName: model.metadata['convnet.model'],
    config: config as Record<string, unknown> | undefined, files: { model: modelFile },
  };
  if (stateFile) {
    const st = readFile(stateFile, { requireChecksum });
    const stEpoch = Number(st.metadata['convnet.epoch']);
    if (stEpoch !== modelEpoch) {
      throw new Error(`checkpoint ${stateFile}: ${basename(modelFile)} is from epoch ${modelEpoch} but ${basename(stateFile)} from epoch ${stEpoch} ` +
        '(a save was interrupted); resume is not safe: delete one of them or start over');
    }
    const opt = parseJson(stateFile, 'convnet.optimizer', st.metadata['convnet.optimizer']);
    const sch = parseJson(stateFile, 'convnet.scheduler', st.metadata['convnet.scheduler']);
    const rng = parseJson(stateFile, 'convnet.rng', st.metadata['convnet.rng']);
    if (opt !== undefined) out.optimizerState = decodeTree(opt, st.tensors, stateFile);
    if (sch !== undefined) out.schedulerState = decodeTree(sch, st.tensors, stateFile);
    if (rng !== undefined) {
      if (typeof rng !== 'object' || rng === null || Array.isArray(rng)) throw new Error(`checkpoint ${stateFile}: metadata 'convnet.rng' must be a JSON object`);
      out.rngState = rng as Record<string, unknown>;
    }
    out.files.trainState = stateFile;
  }
  return out;
}
