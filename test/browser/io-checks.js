// test/browser/io-checks.js — saving, loading and images with the browser bundle. Plain JavaScript; each
// export is one step that test/browser-io.test.ts calls with page.evaluate and whose numbers it judges
// against what Node computes, so a failure shows what the browser computed.

import {
  tensor, randn, manualSeed, nn, setBackend, getBackend,
  saveToIndexedDb, loadFromIndexedDb, listIndexedDb, deleteFromIndexedDb, downloadSafetensors,
  loadSafetensorsUrl, loadSafetensorsFile, fromPixels, toCanvas, toImageData, decodeImageBlob,
} from './convnet.js';

const values = async (t) => Array.from(await t.dataAsync());

/** dtype, shape and values of every tensor of a map, in its order. */
async function describeMap(map) {
  const out = {};
  for (const [k, t] of map) out[k] = { dtype: t.dtype, shape: [...t.shape], values: await values(t) };
  return out;
}

/** A float32 tensor's values as base64 of their bytes (megapixel images are too big for JSON numbers). */
async function base64Floats(t) {
  const v = await t.dataAsync();
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { dtype: t.dtype, shape: [...t.shape], base64: btoa(s) };
}

/** What went wrong, as data, for the test to judge. */
async function failure(f) {
  try {
    await f();
    return { threw: false };
  } catch (e) {
    return { threw: true, name: e.name, message: e.message };
  }
}

export function info() {
  return { isSecureContext, hasGpu: 'gpu' in navigator, backend: getBackend() };
}

/** Tensors from [{ name, dtype, shape, values }], as the test also builds them in Node. */
function tensorsOf(spec) {
  return new Map(spec.map((s) => [s.name, tensor(s.values, { dtype: s.dtype }).reshape(s.shape)]));
}

const makeModel = () => new nn.Sequential(
  new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3),
);

/** A model's stateDict saved to IndexedDB and loaded into a model with other weights, on `backend`. */
export async function indexedDbModel(backend, name) {
  await setBackend(backend);
  manualSeed(1);
  const model = makeModel();
  const x = randn([2, 1, 8, 8]);
  model(x); // one forward in training mode, so BatchNorm's running statistics are not their initial values
  model.eval();
  const y = await values(model(x));
  const saved = model.stateDict();
  await saveToIndexedDb(name, saved, { epoch: '3' });
  manualSeed(2);
  const other = makeModel();
  other.eval();
  const yBefore = await values(other(x));
  const loaded = await loadFromIndexedDb(name);
  other.loadStateDict(loaded.tensors);
  const yAfter = await values(other(x));
  return {
    backend: getBackend(), saved: await describeMap(saved), loaded: await describeMap(loaded.tensors),
    metadata: loaded.metadata, y, yBefore, yAfter, names: await listIndexedDb(),
  };
}

/** Raw IndexedDB (not the library): flips one byte of what `name` holds, in place. */
async function flipStoredByte(name, index) {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('convnet-safetensors');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const tx = (mode) => db.transaction('files', mode).objectStore('files');
  const bytes = await new Promise((resolve, reject) => {
    const r = tx('readonly').get(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const copy = new Uint8Array(bytes);
  copy[index < 0 ? copy.length + index : index] ^= 0x01;
  await new Promise((resolve, reject) => {
    const r = tx('readwrite').put(copy, name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
  });
  db.close();
  return copy.length;
}

/** The errors of IndexedDB loads: a name never saved, a stored byte flipped; then a delete. */
export async function indexedDbErrors(name) {
  await setBackend('wasm');
  const missing = await failure(() => loadFromIndexedDb('no-such-model'));
  await saveToIndexedDb(name, new Map([['w', tensor([1, 2, 3, 4])]]));
  const bytes = await flipStoredByte(name, -1); // the last byte: inside the data section
  const flipped = await failure(() => loadFromIndexedDb(name));
  await deleteFromIndexedDb(name);
  const names = await listIndexedDb();
  return { missing, flipped, bytes, namesAfterDelete: names };
}

/** downloadSafetensors of tensors the test also builds; the test catches the download itself. */
export async function download(spec, filename, metadata) {
  await setBackend('wasm');
  const bytes = await downloadSafetensors(tensorsOf(spec), filename, metadata);
  return { length: bytes.length };
}

export async function loadUrl(url) {
  await setBackend('wasm');
  try {
    const { tensors, metadata } = await loadSafetensorsUrl(url);
    return { tensors: await describeMap(tensors), metadata };
  } catch (e) {
    return { error: { name: e.name, message: e.message } };
  }
}

/** The file the test put in <input type="file" id="pick">. */
export async function loadPicked() {
  await setBackend('wasm');
  const file = document.getElementById('pick').files[0];
  try {
    const { tensors, metadata } = await loadSafetensorsFile(file);
    return { name: file.name, tensors: await describeMap(tensors), metadata };
  } catch (e) {
    return { name: file.name, error: { name: e.name, message: e.message } };
  }
}

/** fromPixels of an ImageData made from { width, height, rgba }, with each channel count. */
export async function pixelsFromImageData({ width, height, rgba }) {
  await setBackend('wasm');
  const img = new ImageData(new Uint8ClampedArray(rgba), width, height);
  const out = { default: await values(fromPixels(img)), shapeDefault: fromPixels(img).shape };
  for (const channels of [1, 2, 3, 4]) {
    const t = fromPixels(img, { channels });
    out[channels] = { shape: [...t.shape], values: await values(t) };
  }
  out.badChannels = await failure(() => fromPixels(img, { channels: 5 }));
  out.notASource = await failure(() => fromPixels({ width: 1, height: 1 }));
  return out;
}

/** fromPixels (RGBA) of the same opaque raster drawn on a <canvas>, an OffscreenCanvas and an ImageBitmap. */
export async function pixelsFromDrawables({ width, height, rgba }) {
  await setBackend('wasm');
  const img = new ImageData(new Uint8ClampedArray(rgba), width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').putImageData(img, 0, 0);
  const offscreen = new OffscreenCanvas(width, height);
  offscreen.getContext('2d').putImageData(img, 0, 0);
  const bitmap = await createImageBitmap(img);
  return {
    canvas: await values(fromPixels(canvas, { channels: 4 })),
    offscreen: await values(fromPixels(offscreen, { channels: 4 })),
    bitmap: await values(fromPixels(bitmap, { channels: 4 })),
  };
}

/** fromPixels of an <img> showing a served PNG. */
export async function pixelsFromImgElement(src) {
  await setBackend('wasm');
  const img = new Image();
  img.src = src;
  await img.decode();
  return base64Floats(fromPixels(img));
}

/** decodeImageBlob of a served image file. */
export async function decodeBlob(src, mode) {
  await setBackend('wasm');
  const blob = await (await fetch(src)).blob();
  return base64Floats(await decodeImageBlob(blob, mode ? { mode } : {}));
}

export async function decodeBlobErrors() {
  await setBackend('wasm');
  return {
    notAnImage: await failure(() => decodeImageBlob(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }))),
    unchanged: await failure(() => decodeImageBlob(new Blob([]), { mode: 'unchanged' })),
  };
}

/** toCanvas (a new canvas, and a given one) and toImageData of { shape, values } on `backend`, read back. */
export async function canvasRoundTrip(backend, { shape, values: v }, opts) {
  await setBackend(backend);
  const t = tensor(v).reshape(shape);
  const canvas = await toCanvas(t, undefined, opts);
  const read = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const given = document.createElement('canvas');
  const same = await toCanvas(t, given, opts);
  const readGiven = given.getContext('2d').getImageData(0, 0, given.width, given.height);
  const imageData = await toImageData(t, opts);
  const back = fromPixels(canvas, { channels: shape.length === 2 || shape[0] === 1 ? 1 : 3 });
  return {
    backend: getBackend(), isCanvas: canvas instanceof HTMLCanvasElement, returnedGiven: same === given,
    width: canvas.width, height: canvas.height, rgba: Array.from(read.data), rgbaGiven: Array.from(readGiven.data),
    imageData: { width: imageData.width, height: imageData.height, rgba: Array.from(imageData.data) },
    back: await values(back),
    badShape: await failure(() => toCanvas(tensor([1, 2, 3, 4, 5]).reshape([5, 1, 1]))),
  };
}
