// io/safetensors-web.ts — safetensors in the browser: save to IndexedDB or to a downloaded file, load from
// IndexedDB, a URL or a File the user picked. The bytes are io/safetensors-format.ts's, the same as Node's
// saveFile writes, so a file moves between Node, PyTorch and a page unchanged:
//
//   await saveToIndexedDb('lenet', model.stateDict(), { epoch: '3' });
//   model.loadStateDict((await loadFromIndexedDb('lenet')).tensors);
//   await downloadSafetensors(model.stateDict(), 'lenet.safetensors');            // the browser's download
//   model.loadStateDict((await loadSafetensorsUrl('/models/lenet.safetensors')).tensors);
//   input.onchange = async () => model.loadStateDict((await loadSafetensorsFile(input.files[0])).tensors);
//
// Saves always carry the whole file's SHA-256 (convnet.file-sha256, as checkpoints do), and every load
// verifies it when present, with WebCrypto (crypto.subtle): so the loads are async, and need a secure
// context (https, or localhost). IndexedDB loads require it, since these saves always write it; URL and
// File loads accept files without one (PyTorch's, Hugging Face's). The loads return { tensors, metadata }.
//
// IndexedDB through idb-keyval (a promise wrapper of a few hundred bytes, by a Chrome engineer, no
// dependencies): one database, 'convnet-safetensors', whose one store 'files' maps a name to the file's
// bytes. A database of our own, because idb-keyval creates its store only when it creates the database.

import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import {
  deserializeAsync, serialize, SafetensorsError, type SafetensorsContents, type TensorMap,
} from './safetensors-format.js';

/**
 * The IndexedDB database the saves use (`'convnet-safetensors'`). convnet's own (tfjs's `indexeddb://`
 * saves use a database 'tensorflowjs').
 * @example
 * ```ts
 * indexedDB.deleteDatabase(INDEXED_DB_NAME);  // forget every saved model
 * ```
 */
export const INDEXED_DB_NAME = 'convnet-safetensors';
/**
 * The object store, in INDEXED_DB_NAME, that maps a saved name to its file's bytes (`'files'`).
 * convnet's own.
 * @example
 * ```ts
 * const bytes = await get('lenet', createStore(INDEXED_DB_NAME, INDEXED_DB_STORE));  // idb-keyval
 * ```
 */
export const INDEXED_DB_STORE = 'files';

let idbStore: UseStore | undefined;
/** Opened on first use, so that a page (or a worker) without IndexedDB can still load the bundle. */
function store(op: string): UseStore {
  if (typeof indexedDB === 'undefined') throw new Error(`${op}: this environment has no IndexedDB`);
  return (idbStore ??= createStore(INDEXED_DB_NAME, INDEXED_DB_STORE));
}

function checkName(op: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new Error(`${op}: name must be a non-empty string, got ${JSON.stringify(name)}`);
}

/** The source named in errors of IndexedDB loads. */
const idbSource = (name: string): string => `indexeddb:${name}`;

/**
 * Saves tensors (a stateDict) in the page's IndexedDB under `name`, replacing what was there, as a
 * safetensors file with its checksum. Resolves once the write is committed. tfjs:
 * `model.save('indexeddb://name')`.
 * @example
 * ```ts
 * await saveToIndexedDb('lenet', model.stateDict(), { epoch: '3' });
 * ```
 */
export async function saveToIndexedDb(name: string, tensors: TensorMap, metadata?: Record<string, string>): Promise<void> {
  const op = 'saveToIndexedDb';
  checkName(op, name);
  const bytes = await serialize(tensors, { metadata, checksum: true });
  try {
    await set(name, bytes, store(op));
  } catch (e) {
    throw new Error(`${op}: cannot store '${name}' (${bytes.length} bytes) in IndexedDB: ${(e as Error)?.message ?? e}`);
  }
}

/**
 * Tensors and metadata saved by saveToIndexedDb under `name`, their checksum verified. tfjs:
 * `tf.loadLayersModel('indexeddb://name')`.
 * @example
 * ```ts
 * model.loadStateDict((await loadFromIndexedDb('lenet')).tensors);
 * ```
 */
export async function loadFromIndexedDb(name: string): Promise<SafetensorsContents> {
  const op = 'loadFromIndexedDb';
  checkName(op, name);
  let bytes: unknown;
  try {
    bytes = await get(name, store(op));
  } catch (e) {
    throw new Error(`${op}: cannot read '${name}' from IndexedDB: ${(e as Error)?.message ?? e}`);
  }
  if (bytes === undefined) {
    const saved = await listIndexedDb();
    throw new SafetensorsError(idbSource(name), `nothing saved under this name (saved: ${saved.length ? saved.map((s) => `'${s}'`).join(', ') : 'none'})`);
  }
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(idbSource(name), 'the stored value is not a file\'s bytes (written by something other than saveToIndexedDb?)');
  return deserializeAsync(bytes, { source: idbSource(name), requireChecksum: true });
}

/**
 * The names saved in IndexedDB by saveToIndexedDb, sorted. tfjs: `tf.io.listModels()`.
 * @example
 * ```ts
 * if ((await listIndexedDb()).includes('lenet')) model.loadStateDict((await loadFromIndexedDb('lenet')).tensors);
 * ```
 */
export async function listIndexedDb(): Promise<string[]> {
  const names = await keys(store('listIndexedDb'));
  return names.filter((k): k is string => typeof k === 'string').sort();
}

/**
 * Deletes what saveToIndexedDb saved under `name` (nothing when there is none). tfjs:
 * `tf.io.removeModel('indexeddb://name')`.
 * @example
 * ```ts
 * await deleteFromIndexedDb('lenet');
 * ```
 */
export async function deleteFromIndexedDb(name: string): Promise<void> {
  checkName('deleteFromIndexedDb', name);
  await del(name, store('deleteFromIndexedDb'));
}

/**
 * Offers tensors to the user as a downloaded safetensors file named `filename` (the browser saves it,
 * or asks where), with its checksum. Returns the bytes offered. Needs a page (document), not a worker.
 * tfjs: `model.save('downloads://name')`.
 * @example
 * ```ts
 * await downloadSafetensors(model.stateDict(), 'lenet.safetensors', { epoch: '3' });
 * ```
 */
export async function downloadSafetensors(tensors: TensorMap, filename = 'model.safetensors', metadata?: Record<string, string>): Promise<Uint8Array> {
  const op = 'downloadSafetensors';
  if (typeof filename !== 'string' || filename === '') throw new Error(`${op}: filename must be a non-empty string, got ${JSON.stringify(filename)}`);
  if (typeof document === 'undefined') throw new Error(`${op}: needs a page's document to start a download (in a worker, serialize and post the bytes to the page)`);
  const bytes = await serialize(tensors, { metadata, checksum: true });
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; the URL only holds the blob until then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return bytes;
}

// The keys of fetch's RequestInit (undici's dispatcher among them), which loadSafetensorsUrl checks.
const REQUEST_INIT_KEYS = ['body', 'cache', 'credentials', 'duplex', 'headers', 'integrity', 'keepalive', 'method', 'mode', 'priority', 'redirect', 'referrer', 'referrerPolicy', 'signal', 'window', 'dispatcher'];

/**
 * Tensors and metadata of the safetensors file at `url` (fetched with `init`), checksum verified when
 * present. tfjs: `tf.loadLayersModel(url)` (its `http://` model IO); PyTorch: `torch.hub.load_state_dict_from_url`.
 * @example
 * ```ts
 * model.loadStateDict((await loadSafetensorsUrl('/models/lenet.safetensors')).tensors);
 * ```
 */
export async function loadSafetensorsUrl(url: string | URL, init?: RequestInit): Promise<SafetensorsContents> {
  // init is fetch's RequestInit: its keys are checked so a misspelt one is not ignored.
  noExtraArgs('loadSafetensorsUrl', arguments, ['url', 'init']);
  if (init !== undefined) checkKeys('loadSafetensorsUrl', init, REQUEST_INIT_KEYS);
  const source = String(url);
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new SafetensorsError(source, `cannot fetch it (${(e as Error)?.message ?? e})`);
  }
  if (!res.ok) throw new SafetensorsError(source, `cannot fetch it: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return deserializeAsync(new Uint8Array(await res.arrayBuffer()), { source });
}

/**
 * Tensors and metadata of a safetensors File (an <input type="file">'s, a drop's) or Blob, checksum
 * verified when present. tfjs: `tf.io.browserFiles([…])`.
 * @example
 * ```ts
 * input.onchange = async () => model.loadStateDict((await loadSafetensorsFile(input.files![0])).tensors);
 * ```
 */
export async function loadSafetensorsFile(file: Blob): Promise<SafetensorsContents> {
  noExtraArgs('loadSafetensorsFile', arguments, ['file']);
  if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
    throw new Error(`loadSafetensorsFile: file must be a File or Blob, got ${file === null ? 'null' : typeof file}`);
  }
  const source = (file as File).name || '<blob>';
  return deserializeAsync(new Uint8Array(await file.arrayBuffer()), { source });
}
