// playground/lenet-worker.ts — the LeNet-5 playground's Web Worker (bundled to site/lenet-worker.js and
// started by playground/lenet.ts with `new Worker('./lenet-worker.js', { type: 'module' })`).
//
// It holds the data (the shipped Fashion-MNIST subset: 5,000 training and 1,000 test images, fetched
// from static/fashion-mnist/ and gunzipped with DecompressionStream), the model (LeNet-5, starting as the
// pretrained static/lenet5-subset.safetensors), and does all the tensor work, so the page only draws.
// fit() yields between batches, so the page's messages (pause, stop, classify) get through while it trains.
//
// Messages in (page → worker), each { type, id?, … }; answers carry the request's id:
//   init                       load the data and the pretrained model → ready
//   train { epochs, lr, batchSize, seed }   a fresh LeNet-5 trained with SGD (momentum 0.9, cosine
//                              schedule) → batch…, vis…, epoch…, then done (or stopped)
//   pause / resume / stop      between batches; a paused run waits inside onBatch
//   classify { index } | { file } | { pixels }   a test image, an uploaded photo, or 784 grey values in [0, 1]
//                              → prediction (class probabilities, the 28×28 input, conv1's feature maps)
//   probe { index }            the test image whose feature maps the training view shows
//   predictAll                 the predicted class of every test image, the accuracy and confusion matrix
//   save / load                IndexedDB (name 'lenet-playground'); loadPretrained; export (the bytes, for
//                              a download); import { file }
// Messages out: ready, batch, vis, epoch, done, stopped, paused, resumed, result (answers), error.

import {
  models, nn, optim, F, fit, evaluate, DataLoader, TensorDataset, Tensor, tensor, manualSeed, noGrad, argmax, vis,
  safetensors, saveToIndexedDb, loadFromIndexedDb, loadSafetensorsUrl, loadSafetensorsFile, fromPixels,
  useBestBackend, initWasmThreads, webgpuInfo, type TrainBatchResult,
} from '../src/browser.js';

/** The normalisation the CLI trains with (FASHION_MNIST_MEAN and _STD of src/data/mnist.ts). */
const MEAN = 0.2860, STD = 0.3530;
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DB_NAME = 'lenet-playground';
const PRETRAINED_URL = new URL('./static/lenet5-subset.safetensors', self.location.href).href;
const DATA_URL = new URL('./static/fashion-mnist/', self.location.href).href;

interface Split { images: Uint8Array; labels: Uint8Array; n: number; x: Tensor; y: Tensor }
let train: Split | undefined, test: Split | undefined;
let model: nn.Module = models.lenet5();
let modelSource = 'untrained';
let probeIndex = 0;

/** The training run in progress: its abort controller and pause state. */
interface RunState { controller: AbortController; paused: boolean; wake?: () => void }
let run: RunState | undefined;

const post = (msg: Record<string, unknown>, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

// ---- data ------------------------------------------------------------------------------------------------

/** The bytes at `url`, gunzipped when they are gzip (a server may also have decoded them already). */
async function fetchMaybeGzip(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
  const raw = new Uint8Array(await res.arrayBuffer());
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The data of a uint8 IDX file (magic 00 00 08 ndim, big-endian sizes), checked against `shape`'s tail. */
function idxUint8(bytes: Uint8Array, file: string, ndim: number): { shape: number[]; data: Uint8Array } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] !== ndim) {
    throw new Error(`${file}: not a uint8 IDX file with ${ndim} dimensions`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * ndim, count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + count) throw new Error(`${file}: ${bytes.length - start} data bytes for shape [${shape.join(', ')}]`);
  return { shape, data: bytes.subarray(start) };
}

/** Normalised float32 images [N, 1, 28, 28] of uint8 pixels. */
function normalised(pixels: Uint8Array, n: number): Tensor {
  const f = new Float32Array(pixels.length);
  for (let i = 0; i < f.length; i++) f[i] = (pixels[i] / 255 - MEAN) / STD;
  return tensor(f).reshape([n, 1, 28, 28]);
}

async function loadSplit(prefix: 'train' | 't10k'): Promise<Split> {
  const [im, lb] = await Promise.all([
    fetchMaybeGzip(`${DATA_URL}${prefix}-images-idx3-ubyte.gz`), fetchMaybeGzip(`${DATA_URL}${prefix}-labels-idx1-ubyte.gz`),
  ]);
  const images = idxUint8(im, `${prefix}-images`, 3), labels = idxUint8(lb, `${prefix}-labels`, 1);
  const n = images.shape[0];
  if (labels.shape[0] !== n || images.shape[1] !== 28 || images.shape[2] !== 28) throw new Error(`${prefix}: unexpected shapes`);
  return { images: images.data, labels: labels.data, n, x: normalised(images.data, n), y: tensor(Int32Array.from(labels.data)) };
}

// ---- model -----------------------------------------------------------------------------------------------

/** Class probabilities and conv1's feature maps (after its ReLU) for one normalised image [1, 1, 28, 28]. */
type Figure = Awaited<ReturnType<typeof vis.featureMapFigure>>;

async function inspect(x: Tensor): Promise<{ probs: number[]; maps: Figure }> {
  const wasTraining = model.training;
  model.eval();
  try {
    const logits = noGrad(() => model(x));
    const probs = Array.from(await noGrad(() => F.softmax(logits, -1)).dataAsync());
    const acts = vis.captureActivations(model, ['features.1'], x).get('features.1')!;
    const maps = await vis.featureMapFigure(acts, { title: 'conv1 feature maps', labels: false, tileSize: 56, ncol: 6, colorBar: false });
    return { probs, maps };
  } finally {
    model.train(wasTraining);
  }
}

const conv1 = () => vis.findModule(model, 'features.0') as nn.Conv2d;

async function kernels() {
  return vis.kernelFigure(conv1().weight, { title: 'conv1 kernels', labels: false, tileSize: 48, ncol: 6, colorBar: false });
}

/** A figure as a message part: its RGBA bytes move to the page without a copy. */
function figure(f: { width: number; height: number; data: Uint8Array }, transfer: Transferable[]) {
  const data = f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength ? f.data : f.data.slice();
  transfer.push(data.buffer as ArrayBuffer);
  return { width: f.width, height: f.height, data };
}

/** conv1's kernels and the probe image's feature maps, posted as a 'vis' message. */
async function postVis(): Promise<void> {
  const transfer: Transferable[] = [];
  const k = await kernels();
  const { probs, maps } = await inspect(test!.x.narrow(0, probeIndex, 1));
  post({ type: 'vis', kernels: figure(k, transfer), maps: figure(maps, transfer), probs, probe: probeIndex }, transfer);
}

/** The predicted class of every test image, the accuracy and the confusion matrix (rows: true class). */
async function predictAll(): Promise<{ predictions: number[]; accuracy: number; confusion: number[][] }> {
  const wasTraining = model.training;
  model.eval();
  const predictions: number[] = [];
  try {
    for (let s = 0; s < test!.n; s += 500) {
      const x = test!.x.narrow(0, s, Math.min(500, test!.n - s));
      predictions.push(...await noGrad(() => argmax(model(x), -1)).dataAsync());
    }
  } finally {
    model.train(wasTraining);
  }
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  let correct = 0;
  predictions.forEach((p, i) => { const t = test!.labels[i]; confusion[t][p]++; if (t === p) correct++; });
  return { predictions, accuracy: correct / test!.n, confusion };
}

function useWeights(tensors: Record<string, Tensor> | Map<string, Tensor>, source: string): void {
  const fresh = models.lenet5();
  fresh.loadStateDict(tensors as Parameters<nn.Module['loadStateDict']>[0]);
  model = fresh;
  modelSource = source;
}

// ---- an uploaded photo -----------------------------------------------------------------------------------

/**
 * A photo as Fashion-MNIST shows clothes: fitted (aspect kept) into 28×28, grey, the object light on a
 * dark background (inverted when the photo's border is light, as product shots on white are), its
 * contrast stretched to 0…1. Returns the grey values [784] in [0, 1].
 */
async function photoPixels(file: Blob): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file);
  const c = new OffscreenCanvas(28, 28), ctx = c.getContext('2d', { willReadFrequently: true })!;
  const s = 28 / Math.max(bitmap.width, bitmap.height), w = bitmap.width * s, h = bitmap.height * s;
  // The letterbox takes the colour of the photo's corner, so that it vanishes with the background.
  const corner = new OffscreenCanvas(1, 1), cctx = corner.getContext('2d', { willReadFrequently: true })!;
  cctx.drawImage(bitmap, 0, 0, 1, 1, 0, 0, 1, 1);
  const [r, g, b] = cctx.getImageData(0, 0, 1, 1).data;
  ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
  ctx.fillRect(0, 0, 28, 28);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, (28 - w) / 2, (28 - h) / 2, w, h);
  bitmap.close();
  const grey = await fromPixels(ctx.getImageData(0, 0, 28, 28), { channels: 1 }).dataAsync();
  const px = Float32Array.from(grey);
  let border = 0, nb = 0;
  for (let i = 0; i < 28; i++) for (const j of [0, 27]) { border += px[i * 28 + j] + px[j * 28 + i]; nb += 2; }
  if (border / nb > 0.5) for (let i = 0; i < px.length; i++) px[i] = 1 - px[i];
  let lo = Infinity, hi = -Infinity;
  for (const v of px) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (hi - lo > 1e-6) for (let i = 0; i < px.length; i++) px[i] = (px[i] - lo) / (hi - lo);
  return px;
}

async function classify(msg: { index?: number; file?: Blob; pixels?: ArrayLike<number> }) {
  let px: Float32Array;
  let label: number | undefined;
  if (typeof msg.index === 'number') {
    const i = msg.index;
    px = Float32Array.from(test!.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
    label = test!.labels[i];
  } else if (msg.file) px = await photoPixels(msg.file);
  else if (msg.pixels) px = Float32Array.from(msg.pixels);
  else throw new Error('classify: give an index, a file or pixels');
  const x = tensor(px.map((v) => (v - MEAN) / STD)).reshape([1, 1, 28, 28]);
  const transfer: Transferable[] = [];
  const { probs, maps } = await inspect(x);
  return { probs, label, pixels: px, maps: figure(maps, transfer), transfer };
}

// ---- training --------------------------------------------------------------------------------------------

async function trainRun(opts: { epochs: number; lr: number; batchSize: number; seed: number }): Promise<void> {
  if (run) throw new Error('a training run is already going');
  const controller = new AbortController();
  const state: RunState = { controller, paused: false };
  run = state;
  manualSeed(opts.seed);
  model = models.lenet5();
  modelSource = 'training';
  const optimizer = new optim.SGD(model.parameters(), { lr: opts.lr, momentum: 0.9 });
  const scheduler = new optim.CosineAnnealingLR(optimizer, opts.epochs);
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new DataLoader(new TensorDataset(train!.x, train!.y), { batchSize: opts.batchSize, shuffle: true, seed: opts.seed });
  const testLoader = new DataLoader(new TensorDataset(test!.x, test!.y), { batchSize: 500 });
  let lastVis = 0;
  const started = performance.now();
  post({ type: 'started', epochs: opts.epochs, batches: loader.length });
  await postVis();
  try {
    await fit(model, loader, {
      epochs: opts.epochs, optimizer, lossFn, scheduler, signal: controller.signal, progress: false,
      onBatch: async (b: TrainBatchResult) => {
        post({ type: 'batch', ...b, time: (performance.now() - started) / 1000 });
        if (performance.now() - lastVis > 250 || b.batch === b.batches) { lastVis = performance.now(); await postVis(); }
        if (state.paused && !controller.signal.aborted) {
          post({ type: 'paused', step: b.step, epoch: b.epoch, batch: b.batch });
          await new Promise<void>((wake) => { state.wake = wake; });
          post({ type: 'resumed' });
        }
      },
      onEpoch: async (r) => {
        const ev = await evaluate(model, testLoader, { lossFn, numClasses: 10 });
        post({
          type: 'epoch', epoch: r.epoch, trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy, testLoss: ev.loss,
          testAccuracy: ev.accuracy, confusion: ev.confusion, seconds: r.seconds, lr: r.lr, time: (performance.now() - started) / 1000,
        });
      },
    });
    modelSource = `trained here (${opts.epochs} epochs)`;
    post({ type: 'done', time: (performance.now() - started) / 1000, source: modelSource });
  } catch (e) {
    if ((e as Error)?.name !== 'AbortError') throw e;
    modelSource = 'trained here (stopped early)';
    post({ type: 'stopped', source: modelSource });
  } finally {
    run = undefined;
  }
}

// ---- messages --------------------------------------------------------------------------------------------

type Msg = { type: string; id?: number; [k: string]: unknown };

async function handle(msg: Msg): Promise<void> {
  const answer = (value: Record<string, unknown> = {}, transfer: Transferable[] = []) => post({ type: 'result', id: msg.id, ...value }, transfer);
  switch (msg.type) {
    case 'init': {
      // webgpu where the browser has a real GPU adapter, else wasm on as many threads as it will start
      // (more than one only in a cross-origin-isolated page, as `npm run playground` serves it).
      const backend = await useBestBackend();
      const device = backend === 'webgpu' ? webgpuInfo()?.adapter ?? 'GPU' : `${await initWasmThreads()} thread(s)`;
      [train, test] = await Promise.all([loadSplit('train'), loadSplit('t10k')]);
      useWeights((await loadSafetensorsUrl(PRETRAINED_URL)).tensors, 'pretrained');
      const testImages = test.images.slice(), testLabels = test.labels.slice();
      post({ type: 'ready', id: msg.id, classes: CLASSES, trainSize: train.n, testSize: test.n, testImages, testLabels, source: modelSource, backend: `${backend}, ${device}` },
        [testImages.buffer, testLabels.buffer]);
      await postVis();
      return;
    }
    case 'train':
      await trainRun({ epochs: Number(msg.epochs ?? 4), lr: Number(msg.lr ?? 0.05), batchSize: Number(msg.batchSize ?? 64), seed: Number(msg.seed ?? 0) });
      return;
    case 'pause':
      if (run) run.paused = true;
      return;
    case 'resume':
      if (run) { run.paused = false; run.wake?.(); run.wake = undefined; }
      return;
    case 'stop':
      if (run) { run.controller.abort(); run.paused = false; run.wake?.(); run.wake = undefined; }
      return;
    case 'probe':
      probeIndex = Number(msg.index ?? 0);
      await postVis();
      return;
    case 'classify': {
      const { transfer, ...r } = await classify(msg as Parameters<typeof classify>[0]);
      answer(r, transfer);
      return;
    }
    case 'predictAll':
      answer({ ...await predictAll(), source: modelSource });
      return;
    case 'save':
      await saveToIndexedDb(DB_NAME, model.stateDict(), { 'playground.source': modelSource });
      answer({ source: modelSource });
      return;
    case 'load':
      useWeights((await loadFromIndexedDb(DB_NAME)).tensors, 'loaded from this browser');
      answer({ source: modelSource });
      await postVis();
      return;
    case 'loadPretrained':
      useWeights((await loadSafetensorsUrl(PRETRAINED_URL)).tensors, 'pretrained');
      answer({ source: modelSource });
      await postVis();
      return;
    case 'import':
      useWeights((await loadSafetensorsFile(msg.file as Blob)).tensors, `imported ${(msg.file as File).name ?? 'file'}`);
      answer({ source: modelSource });
      await postVis();
      return;
    case 'export': {
      const bytes = await safetensors.serialize(model.stateDict(), { metadata: { 'playground.source': modelSource }, checksum: true });
      answer({ bytes }, [bytes.buffer as ArrayBuffer]);
      return;
    }
    default:
      throw new Error(`unknown message type '${msg.type}'`);
  }
}

self.onmessage = (e: MessageEvent<Msg>) => {
  const msg = e.data;
  handle(msg).catch((err: unknown) => {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (msg.type === 'train') run = undefined;
    post({ type: 'error', id: msg.id, request: msg.type, error });
  });
};
