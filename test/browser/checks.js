// test/browser/checks.js — what the page computes with the browser bundle. Plain JavaScript (the browser
// runs it as served); every check returns numbers and the Node test (test/browser.test.ts) judges them,
// so a failure message shows what the browser computed.

import {
  tensor, randn, manualSeed, F, nn, optim, setBackend, getBackend, listBackends, wasmInfo,
  initWasmThreads, setNumThreads, getNumThreads,
} from './convnet.js';

// Values are read with `await t.dataAsync()`, the read every backend supports (a GPU backend cannot read
// synchronously); these helpers shape what it returns.
const values = async (t) => Array.from(await t.dataAsync());
const scalar = async (t) => (await t.dataAsync())[0];
/** The tensor as nested arrays in its shape, as toArray() would give. */
async function nested(t) {
  const v = await t.dataAsync();
  const build = (dim, offset) => {
    if (dim === t.shape.length) return v[offset];
    const inner = t.shape.slice(dim + 1).reduce((a, c) => a * c, 1);
    return Array.from({ length: t.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
  };
  return build(0, 0);
}

// The tutorial's worked example: cross-correlation of a 3×3 input with a 2×2 kernel.
async function corr2d() {
  const Y = F.corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]));
  return { value: await nested(Y), printed: Y.toString() };
}

// conv2d forward and backward (dX, dW, db) with stride, padding, dilation and groups, on one backend.
// The inputs are plain arrays made once, so every backend sees the same numbers.
async function convOn(name, data, options) {
  setBackend(name);
  const x = tensor(data.x).requiresGrad_();
  const w = tensor(data.w).requiresGrad_();
  const b = tensor(data.b).requiresGrad_();
  const y = F.conv2d(x, w, b, options);
  y.mul(tensor(data.g).reshape(y.shape)).sum().backward();
  return { shape: y.shape, y: await values(y), dx: await values(x.grad), dw: await values(w.grad), db: await values(b.grad) };
}

// yShape [2, 6, 6, 7]: rows floor((11+2-2-1)/2)+1 = 6; columns 9+2-2·2-1+1 = 7
async function convAgree(xShape = [2, 4, 11, 9], wShape = [6, 2, 3, 3], yShape = [2, 6, 6, 7],
  options = { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }) {
  manualSeed(0);
  const x = randn(xShape), w = randn(wShape), b = randn([wShape[0]]);
  const data = {
    x: await nested(x), w: await nested(w), b: await nested(b),
    g: await values(randn([yShape.reduce((a, c) => a * c, 1)])),
  };
  const out = {};
  // The CPU backends (the webgpu page, webgpu-checks.js, compares webgpu with ref).
  for (const name of listBackends().filter((n) => n !== 'webgpu')) out[name] = await convOn(name, data, options);
  return out;
}

// A tiny CNN learns whether the bright square sits in the top or the bottom half of an s×s image
// (8×8 with 4 channels; 16×16 with 8 channels gives its convolutions enough work for 2 threads).
async function train(s = 8, ch = 4) {
  manualSeed(1);
  const n = 32, xs = new Float32Array(n * s * s), ys = [];
  for (let i = 0; i < n; i++) {
    const top = i % 2, r = top ? s / 8 : s / 2 + s / 8, c = (i * 3) % (s - 2);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) xs[i * s * s + (r + a) * s + c + b] = 1;
    ys.push(top);
  }
  const X = tensor(xs).reshape([n, 1, s, s]);
  const Y = tensor(ys, { dtype: 'int32' });
  const model = new nn.Sequential(
    new nn.Conv2d(1, ch, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(ch * (s / 2) * (s / 2), 2),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses = [];
  for (let step = 0; step < 15; step++) {
    opt.zeroGrad();
    const loss = lossFn(model(X), Y);
    loss.backward();
    opt.step();
    losses.push(await scalar(loss));
  }
  return { backend: getBackend(), losses };
}

const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

/** Median ms of a conv2d forward of N2 64→64 56×56 3×3 pad 1 (W3 at batch 2) on the wasm backend, on
 *  1 and on 2 threads (alternating, so both see the same machine load). */
async function convMs() {
  setBackend('wasm');
  const x = randn([2, 64, 56, 56]), w = randn([64, 64, 3, 3]);
  const ms = { 1: [], 2: [] };
  for (let rep = 0; rep < 6; rep++) {
    for (const n of [1, 2]) {
      setNumThreads(n);
      const t = performance.now();
      await F.conv2d(x, w, null, { padding: 1 }).dataAsync();
      if (rep > 0) ms[n].push(performance.now() - t); // the first is a warm-up
    }
  }
  return { 1: median(ms[1]), 2: median(ms[2]) };
}

// The worker pool. Isolated page: initWasmThreads(2) starts one Web Worker; the heap grows under it;
// setNumThreads chooses up to the pool's 2 threads; conv2d on 2 threads (sizes where threadsFor(flops) gives 2: the GEMM kernels with
// stride, dilation and groups, the direct and the depthwise kernels) against ref, and training. Each
// kernel splits the work between the threads, so a worker that did not run its share shows as wrong numbers.
// Plain page: no shared memory, so initWasmThreads resolves to 1 and nothing changes.
async function threads(isolated) {
  setBackend('wasm');
  setNumThreads(2);
  const out = { beforeInit: getNumThreads() }; // 1: no pool yet, and none is started synchronously
  if (!isolated) {
    out.initDefault = await initWasmThreads();
    out.init = await initWasmThreads(2);
    out.wasmInfo = wasmInfo();
    return out;
  }
  out.init = await initWasmThreads(2);
  out.wasmInfo = wasmInfo();
  // The heap grows after the workers started (32 MiB in and out on 2 threads): the workers' instances must
  // see the grown shared memory, since the worker's half of both lies beyond the old end.
  const big = randn([1 << 23]), got = await F.relu(big).dataAsync(), src = await big.dataAsync();
  let mismatches = 0;
  for (let i = 0; i < src.length; i++) if (got[i] !== Math.max(0, src[i])) mismatches++;
  out.grow = { heapBefore: out.wasmInfo.heapBytes, heapAfter: wasmInfo().heapBytes, mismatches };
  const counts = [];
  for (const n of [1, 2, 4, 2]) { setNumThreads(n); counts.push(getNumThreads()); }
  out.setNumThreads = counts; // [1, 2, 2, 2]: within the pool, never beyond it
  out.conv = {
    gemm: await convAgree([2, 16, 20, 16], [48, 8, 5, 5], [2, 48, 10, 12], { stride: [2, 1], padding: 2, dilation: [1, 2], groups: 2 }),
    direct: await convAgree([2, 4, 28, 28], [16, 4, 5, 5], [2, 16, 24, 24], {}),
    depthwise: await convAgree([2, 32, 20, 20], [32, 1, 7, 7], [2, 32, 20, 20], { padding: 3, groups: 32 }),
  };
  setBackend('wasm');
  out.train = await train(16, 8);
  out.convMs = await convMs(); // ends on 2 threads
  out.threadsAfter = getNumThreads();
  return out;
}

export async function runChecks() {
  const defaultBackend = getBackend(); // before anything switches it
  const info = wasmInfo();
  const result = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    defaultBackend, backends: listBackends(), wasmInfo: info,
    corr2d: await corr2d(),
    conv: await convAgree(),
  };
  setBackend(defaultBackend);
  result.train = await train();
  result.threads = await threads(result.crossOriginIsolated);
  return result;
}
