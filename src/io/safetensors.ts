// io/safetensors.ts — safetensors in Node: the format (io/safetensors-format.ts, re-exported whole) with
// Node's synchronous SHA-256 (node:crypto), so that deserialize() and load() stay synchronous, and files
// written atomically. The bytes are the format module's, so files move between Node and the browser
// (io/safetensors-web.ts) unchanged, checksum included:
//
//   saveFile(model.stateDict(), 'model.safetensors', { epoch: '3' });   // safetensors.torch.save_file
//   model.loadStateDict(loadFile('model.safetensors'));                  // safetensors.torch.load_file
//
// See io/safetensors-format.ts for the layout, the rules checked on reading and the checksum.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic.js';
import {
  deserializeWith, serialize as serializeWithHash, SafetensorsError,
  type DeserializeOptions, type SafetensorsContents, type SerializeOptions, type SyncSha256, type TensorMap,
} from './safetensors-format.js';

// Everything but serialize and deserialize, which are defined below with Node's hash (a local export
// takes precedence over the star).
export * from './safetensors-format.js';

/** Node's SHA-256: synchronous, and fed chunk by chunk (no copy of the file, unlike WebCrypto's). */
const nodeSha256: SyncSha256 = (chunks) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};

/**
 * Serialises tensors (and string metadata) to safetensors bytes. Async: the values are read with
 * `await t.dataAsync()`, the read every backend supports (a GPU's memory cannot be read synchronously).
 * The checksum ({ checksum: true }) is computed with Node's SHA-256. PyTorch: `safetensors.torch.save`.
 * @example
 * ```ts
 * const bytes = await safetensors.serialize(model.stateDict(), { metadata: { epoch: '3' }, checksum: true });
 * ```
 */
export function serialize(tensors: TensorMap, opts: SerializeOptions = {}): Promise<Uint8Array> {
  return serializeWithHash(tensors, opts, nodeSha256);
}

/**
 * Parses safetensors bytes into tensors and metadata (synchronously; deserializeAsync is the same with
 * WebCrypto's hash). PyTorch: `safetensors.torch.load` (and `safe_open(…).metadata()` for the metadata).
 * @example
 * ```ts
 * const { tensors, metadata } = safetensors.deserialize(readFileSync('lenet.safetensors'), { source: 'lenet.safetensors' });
 * ```
 */
export function deserialize(bytes: Uint8Array, opts: DeserializeOptions = {}): SafetensorsContents {
  return deserializeWith(bytes, opts, nodeSha256);
}

/**
 * Tensors from safetensors bytes, by name. PyTorch: `safetensors.torch.load`.
 * @example
 * ```ts
 * model.loadStateDict(safetensors.load(await safetensors.save(other.stateDict())));
 * ```
 */
export function load(bytes: Uint8Array): Map<string, Tensor> {
  return deserialize(bytes).tensors;
}

/**
 * Writes tensors to `file` atomically, with optional string metadata (and `opts`: int64, checksum). Async,
 * as serialize. PyTorch: `safetensors.torch.save_file`.
 * @example
 * ```ts
 * await safetensors.saveFile(model.stateDict(), 'lenet.safetensors', { epoch: '3' }, { checksum: true });
 * ```
 */
export async function saveFile(tensors: TensorMap, file: string, metadata?: Record<string, string>, opts: Omit<SerializeOptions, 'metadata'> = {}): Promise<void> {
  writeFileAtomic(file, await serialize(tensors, { ...opts, metadata }));
}

/**
 * Tensors and metadata of a safetensors file; errors name the file. PyTorch: `safetensors.safe_open`
 * (its tensors and `metadata()`).
 * @example
 * ```ts
 * const { tensors, metadata } = safetensors.readFile('lenet.safetensors');
 * ```
 */
export function readFile(file: string, opts: Omit<DeserializeOptions, 'source'> = {}): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SafetensorsError(file, err.code === 'ENOENT' ? 'no such file' : `cannot read it (${err.message})`);
  }
  return deserialize(bytes, { ...opts, source: file });
}

/**
 * Tensors of a safetensors file by name. PyTorch: `safetensors.torch.load_file`.
 * @example
 * ```ts
 * model.loadStateDict(safetensors.loadFile('lenet.safetensors'));
 * ```
 */
export function loadFile(file: string): Map<string, Tensor> {
  return readFile(file).tensors;
}
