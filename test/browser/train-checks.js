// test/browser/train-checks.js — fit and evaluate in a page and in a Web Worker (train-worker.js imports
// the helpers below). Plain JavaScript, as served; the page reports numbers and test/browser-train.test.ts
// judges them. Nothing here touches the DOM at module level, so a worker can import it.

import { tensor, manualSeed, nn, optim, DataLoader, TensorDataset, fit, evaluate, setBackend } from './convnet.js';

/** n images s×s with a bright 2×2 square in the top (class 1) or the bottom half (class 0). */
export function squares(n = 64, s = 8) {
  const xs = new Float32Array(n * s * s), ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const top = i % 2, r = top ? s / 8 : s / 2 + s / 8, c = (i * 3) % (s - 2);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) xs[i * s * s + (r + a) * s + c + b] = 1;
    ys[i] = top;
  }
  return new TensorDataset(tensor(xs).reshape([n, 1, s, s]), tensor(ys, { dtype: 'int32' }));
}

export function tinyCnn(s = 8, ch = 4) {
  return new nn.Sequential(
    new nn.Conv2d(1, ch, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(ch * (s / 2) * (s / 2), 2),
  );
}

/** fit for `epochs` epochs of 64 images in batches of 8 (8 batches an epoch), counting the callbacks;
 *  `abortAt` [epoch, batch]: abort from onBatch there. */
export async function trainRun({ epochs = 4, abortAt = null, seed = 1 } = {}) {
  setBackend('wasm');
  manualSeed(seed);
  const model = tinyCnn();
  const loader = new DataLoader(squares(), { batchSize: 8, shuffle: true, seed });
  const ac = new AbortController();
  const batches = [], epochsSeen = [];
  const out = { batches, epochs: epochsSeen };
  try {
    out.history = (await fit(model, loader, {
      epochs, optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), lossFn: new nn.CrossEntropyLoss(),
      signal: ac.signal,
      onBatch: (r) => {
        batches.push({ epoch: r.epoch, batch: r.batch, batches: r.batches, step: r.step, loss: r.loss });
        if (abortAt && r.epoch === abortAt[0] && r.batch === abortAt[1]) ac.abort();
      },
      onEpoch: (r) => { epochsSeen.push({ epoch: r.epoch, trainLoss: r.trainLoss, steps: r.steps }); },
    })).map((r) => ({ epoch: r.epoch, trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy }));
  } catch (e) {
    out.rejected = { name: e.name, isReason: e === ac.signal.reason };
  }
  // evaluate in the same place, with its own callback and an abort at its second batch
  const evBatches = [];
  out.evaluate = await evaluate(model, loader, { lossFn: new nn.CrossEntropyLoss(), onBatch: (r) => { evBatches.push(r.batch); } })
    .then((r) => ({ accuracy: r.accuracy, total: r.total, batches: evBatches.length }));
  const evAc = new AbortController();
  let evCalls = 0;
  out.evaluateAbort = await evaluate(model, loader, { signal: evAc.signal, onBatch: () => { if (++evCalls === 2) evAc.abort(); } })
    .then(() => ({ resolved: true, calls: evCalls }), (e) => ({ name: e.name, calls: evCalls }));
  return out;
}

/** The largest gaps between animation frames and between the ticks of a 10 ms timer while `work` runs. */
export async function measureGaps(work) {
  const frames = [], ticks = [];
  let on = true;
  const frame = (t) => { frames.push(t); if (on) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const timer = setInterval(() => ticks.push(performance.now()), 10);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); // frames are running
  const t0 = performance.now();
  const info = await work();
  const t1 = performance.now();
  await new Promise((r) => requestAnimationFrame(r)); // the frame after the work, so a block at the end counts
  on = false;
  clearInterval(timer);
  const gaps = (ts) => {
    const inside = [t0, ...ts.filter((t) => t > t0 && t < t1), ts.find((t) => t >= t1) ?? performance.now()];
    return inside.slice(1).map((t, i) => t - inside[i]).sort((p, q) => p - q);
  };
  // The 90th percentile as well as the largest: one stall (a garbage collection, the machine busy with
  // something else) makes the largest gap whatever it was, but the page is still responsive if nearly
  // every frame comes on time.
  const p90 = (g) => g[Math.min(g.length - 1, Math.floor(0.9 * g.length))];
  const fg = gaps(frames), tg = gaps(ticks);
  return {
    ms: t1 - t0, maxFrameGap: fg.at(-1), maxTimerGap: tg.at(-1), p90FrameGap: p90(fg), p90TimerGap: p90(tg),
    frames: frames.filter((t) => t > t0 && t < t1).length, ticks: ticks.filter((t) => t > t0 && t < t1).length, ...info,
  };
}

/** `steps` training steps of a 16×16 CNN at batch 64, with `pause` between them: the control that shows
 *  what each way of yielding costs and whether frames get through. */
export async function manualLoop(steps, pause) {
  setBackend('wasm');
  manualSeed(2);
  const s = 16, model = tinyCnn(s, 8), data = squares(64, s);
  const [x, y] = [data.tensors[0], data.tensors[1]];
  const opt = new optim.SGD(model.parameters(), { lr: 0.05 }), lossFn = new nn.CrossEntropyLoss();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = lossFn(model(x), y);
    loss.backward();
    await loss.dataAsync();
    opt.step();
    if (pause) await pause();
  }
  return { steps };
}

let channel = null;
const queue = [];
export const PAUSES = {
  none: null,
  setTimeout0: () => new Promise((r) => setTimeout(r, 0)),
  messageChannel: () => {
    if (!channel) { channel = new MessageChannel(); channel.port1.onmessage = () => queue.shift()(); }
    return new Promise((r) => { queue.push(r); channel.port2.postMessage(0); });
  },
  schedulerYield: globalThis.scheduler?.yield ? () => globalThis.scheduler.yield() : null,
};

/** fit over the same 16×16 data for `steps` steps (maxSteps), for measureGaps. */
export async function fitSteps(steps) {
  setBackend('wasm');
  manualSeed(2);
  const s = 16, model = tinyCnn(s, 8);
  const loader = new DataLoader(squares(64 * 20, s), { batchSize: 64 }); // 20 batches an epoch
  let batches = 0;
  await fit(model, loader, {
    epochs: Math.ceil(steps / 20), maxSteps: steps, optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }), lossFn: new nn.CrossEntropyLoss(),
    onBatch: () => { batches++; },
  });
  return { steps: batches };
}
