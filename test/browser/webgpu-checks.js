// test/browser/webgpu-checks.js — the webgpu backend in the page (navigator.gpu; SwiftShader in the test):
// conv2d and pooling forward and backward against ref, and a few training steps on webgpu. Plain
// JavaScript; test/browser.test.ts judges the numbers.

import { tensor, randn, manualSeed, F, nn, optim, setBackend, getBackend, webgpuInfo } from './convnet.js';

const values = async (t) => Array.from(await t.dataAsync());

/** Inputs made once on ref and given as arrays, so both backends see the same numbers. */
async function inputs(shapes) {
  await setBackend('ref');
  manualSeed(0);
  const out = {};
  for (const [k, s] of Object.entries(shapes)) out[k] = await values(randn(s));
  return out;
}

/** f(x, params…) forward, then backward of Σ y·g: y and the gradient of every input, on backend `name`. */
async function run(name, data, shapes, f) {
  await setBackend(name);
  const ts = Object.fromEntries(Object.entries(shapes).filter(([k]) => k !== 'g')
    .map(([k, s]) => [k, tensor(data[k]).reshape(s).requiresGrad_()]));
  const y = f(ts);
  y.mul(tensor(data.g.slice(0, y.numel())).reshape(y.shape)).sum().backward();
  const out = { shape: y.shape, y: await values(y) };
  for (const [k, t] of Object.entries(ts)) out[`d${k}`] = await values(t.grad);
  return out;
}

async function agree(shapes, f) {
  const data = await inputs(shapes);
  return { ref: await run('ref', data, shapes, f), webgpu: await run('webgpu', data, shapes, f) };
}

async function train() {
  await setBackend('webgpu');
  manualSeed(1);
  const s = 8, n = 32, xs = new Float32Array(n * s * s), ys = [];
  for (let i = 0; i < n; i++) {
    const top = i % 2, r = top ? 1 : 5, c = (i * 3) % (s - 2);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) xs[i * s * s + (r + a) * s + c + b] = 1;
    ys.push(top);
  }
  const X = tensor(xs).reshape([n, 1, s, s]), Y = tensor(ys, { dtype: 'int32' });
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(4 * 4 * 4, 2),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses = [];
  for (let step = 0; step < 15; step++) {
    opt.zeroGrad();
    const loss = lossFn(model(X), Y);
    loss.backward();
    opt.step();
    losses.push((await loss.dataAsync())[0]);
  }
  return { backend: getBackend(), losses };
}

export async function runWebgpuChecks() {
  await setBackend('webgpu');
  const info = webgpuInfo();
  const g = [2 * 6 * 13 * 13];
  const conv = await agree({ x: [2, 4, 11, 9], w: [6, 2, 3, 3], b: [6], g },
    ({ x, w, b }) => F.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }));
  const depthwise = await agree({ x: [2, 8, 10, 10], w: [8, 1, 5, 5], g: [2 * 8 * 10 * 10] },
    ({ x, w }) => F.conv2d(x, w, null, { padding: 2, groups: 8 }));
  const reflect = await agree({ x: [1, 3, 9, 9], w: [5, 3, 3, 3], g: [5 * 9 * 9] },
    ({ x, w }) => F.conv2d(x, w, null, { padding: 1, paddingMode: 'reflect' }));
  const maxPool = await agree({ x: [2, 3, 9, 9], g: [2 * 3 * 5 * 5] }, ({ x }) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }));
  const avgPool = await agree({ x: [2, 3, 9, 9], g: [2 * 3 * 5 * 5] },
    ({ x }) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }));
  return { info, conv, depthwise, reflect, maxPool, avgPool, train: await train() };
}
