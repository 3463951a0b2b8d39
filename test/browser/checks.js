// test/browser/checks.js — what the page computes with the browser bundle. Plain JavaScript (the browser
// runs it as served); every check returns numbers and the Node test (test/browser.test.ts) judges them,
// so a failure message shows what the browser computed.

import {
  tensor, randn, manualSeed, F, nn, optim, setBackend, getBackend, listBackends, wasmInfo,
} from './convnet.js';

// The tutorial's worked example: cross-correlation of a 3×3 input with a 2×2 kernel.
function corr2d() {
  const Y = F.corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]));
  return { value: Y.toArray(), printed: Y.toString() };
}

// conv2d forward and backward (dX, dW, db) with stride, padding, dilation and groups, on one backend.
// The inputs are plain arrays made once, so every backend sees the same numbers.
function convOn(name, data) {
  setBackend(name);
  const x = tensor(data.x).requiresGrad_();
  const w = tensor(data.w).requiresGrad_();
  const b = tensor(data.b).requiresGrad_();
  const y = F.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
  y.mul(tensor(data.g).reshape(y.shape)).sum().backward();
  const flat = (t) => Array.from(t.dataSync());
  return { shape: y.shape, y: flat(y), dx: flat(x.grad), dw: flat(w.grad), db: flat(b.grad) };
}

function convAgree() {
  manualSeed(0);
  const x = randn([2, 4, 11, 9]), w = randn([6, 2, 3, 3]), b = randn([6]);
  const yShape = [2, 6, 6, 7]; // rows floor((11+2-2-1)/2)+1 = 6; columns 9+2-2·2-1+1 = 7
  const data = {
    x: x.toArray(), w: w.toArray(), b: b.toArray(),
    g: Array.from(randn([yShape.reduce((a, c) => a * c, 1)]).dataSync()),
  };
  const out = {};
  for (const name of listBackends()) out[name] = convOn(name, data);
  return out;
}

// A tiny CNN learns whether the bright square sits in the top or the bottom half of an 8×8 image.
function train() {
  manualSeed(1);
  const n = 32, xs = new Float32Array(n * 64), ys = [];
  for (let i = 0; i < n; i++) {
    const top = i % 2, r = top ? 1 : 5, c = (i * 3) % 6;
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) xs[i * 64 + (r + a) * 8 + c + b] = 1;
    ys.push(top);
  }
  const X = tensor(xs).reshape([n, 1, 8, 8]);
  const Y = tensor(ys, { dtype: 'int32' });
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(4 * 4 * 4, 2),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses = [];
  for (let step = 0; step < 15; step++) {
    opt.zeroGrad();
    const loss = lossFn(model(X), Y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { backend: getBackend(), losses };
}

export async function runChecks() {
  const defaultBackend = getBackend(); // before anything switches it
  const info = wasmInfo();
  const result = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    defaultBackend, backends: listBackends(), wasmInfo: info,
    corr2d: corr2d(),
    conv: convAgree(),
  };
  setBackend(defaultBackend);
  result.train = train();
  return result;
}
