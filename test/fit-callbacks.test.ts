// test/fit-callbacks.test.ts — fit's and evaluate's per-batch callback (onBatch) and their AbortSignal,
// on every backend; and the progress display where there is no `process` (a browser, a Web Worker).
// What fit reports is checked against a hand-written PyTorch loop over the same batches from the same
// initial weights (zeroGrad, forward, loss, backward, step), so the expected numbers never come from fit.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  manualSeed, nn, optim, noGrad, Tensor, DataLoader, TensorDataset, fit, evaluate, Progress, randn,
  type TrainBatchResult, type BatchResult, type EpochResult,
} from '../src/index.js';
import { fromArray } from '../src/tensor/creation.js';
import { forEachBackend } from './helpers/backends.js';

/** 10 examples of 1×5×5, two classes: whether the centre row is brighter than the centre column. */
function data(): { x: Tensor; y: Tensor } {
  manualSeed(3);
  const x = randn([10, 1, 5, 5]);
  const y = fromArray(Int32Array.from({ length: 10 }, (_, i) => i % 2), [10]);
  return { x, y };
}

/** The same tiny CNN every time (seeded), so a manual loop and fit start from the same weights. */
function tinyCnn(): nn.Module {
  manualSeed(7);
  return new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(18, 2));
}

const loaderOf = ({ x, y }: { x: Tensor; y: Tensor }) => new DataLoader(new TensorDataset(x, y), { batchSize: 4 });

/** The expected per-batch numbers: `steps` plain PyTorch-style steps of SGD over the loader's batches in
 *  order (batches of 4, 4, 2), epoch after epoch. Returns each step's loss, accuracy and size, and the model. */
async function manualSteps(steps: number, lr: number) {
  const d = data();
  const model = tinyCnn();
  const opt = new optim.SGD(model.parameters(), { lr });
  const lossFn = new nn.CrossEntropyLoss();
  const out: { loss: number; accuracy: number; size: number }[] = [];
  while (out.length < steps) {
    for (const [x, y] of loaderOf(d)) {
      if (out.length === steps) break;
      opt.zeroGrad();
      const logits = model(x);
      const loss = lossFn(logits, y);
      loss.backward();
      opt.step();
      const z = await logits.dataAsync(), t = await y.dataAsync();
      let right = 0;
      for (let i = 0; i < t.length; i++) if ((z[2 * i + 1] > z[2 * i] ? 1 : 0) === t[i]) right++;
      out.push({ loss: (await loss.dataAsync())[0], accuracy: right / t.length, size: t.length });
    }
  }
  return { steps: out, model };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

async function assertSameWeights(a: nn.Module, b: nn.Module, what: string) {
  const pa = a.parameters(), pb = b.parameters();
  for (let i = 0; i < pa.length; i++) {
    const va = await pa[i].dataAsync(), vb = await pb[i].dataAsync();
    for (let j = 0; j < va.length; j++) close(va[j], vb[j], `${what}: parameter ${i}[${j}]`);
  }
}

forEachBackend('fit and evaluate: onBatch and signal', () => {
  test('onBatch after every step: epoch, batch, step, size, the batch\'s loss and accuracy and running means as a manual loop gets them; onEpoch after its batches', async () => {
    const expected = (await manualSteps(6, 0.1)).steps;
    const model = tinyCnn();
    const events: string[] = [];
    const got: TrainBatchResult[] = [];
    const history = await fit(model, loaderOf(data()), {
      epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), lossFn: new nn.CrossEntropyLoss(), progress: false,
      onBatch: (r) => { got.push(r); events.push(`b${r.epoch}.${r.batch}`); },
      onEpoch: (r) => { events.push(`e${r.epoch}`); },
    });
    assert.deepEqual(events, ['b1.1', 'b1.2', 'b1.3', 'e1', 'b2.1', 'b2.2', 'b2.3', 'e2']);
    assert.deepEqual(got.map((r) => [r.epoch, r.batch, r.batches, r.step, r.size]),
      [[1, 1, 3, 1, 4], [1, 2, 3, 2, 4], [1, 3, 3, 3, 2], [2, 1, 3, 4, 4], [2, 2, 3, 5, 4], [2, 3, 3, 6, 2]]);
    for (let i = 0; i < 6; i++) {
      close(got[i].loss, expected[i].loss, `batch ${i + 1} loss`);
      assert.equal(got[i].accuracy, expected[i].accuracy, `batch ${i + 1} accuracy`);
      // running means over the epoch so far, weighted by batch size
      const first = i < 3 ? 0 : 3, sofar = expected.slice(first, i + 1);
      const n = sofar.reduce((a, s) => a + s.size, 0);
      close(got[i].runningLoss, sofar.reduce((a, s) => a + s.loss * s.size, 0) / n, `batch ${i + 1} running loss`);
      close(got[i].runningAccuracy, sofar.reduce((a, s) => a + s.accuracy * s.size, 0) / n, `batch ${i + 1} running accuracy`);
    }
    close(history[1].trainLoss, got[5].runningLoss, 'the epoch\'s train loss is the last running loss');
  });

  test('an abort in onBatch (epoch 2, batch 2) stops fit before the next batch: it rejects with signal.reason, after exactly 5 steps', async () => {
    const expected = await manualSteps(5, 0.1);
    const model = tinyCnn();
    const ac = new AbortController();
    let batches = 0;
    const epochs: EpochResult[] = [];
    const run = fit(model, loaderOf(data()), {
      epochs: 3, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), lossFn: new nn.CrossEntropyLoss(), progress: false,
      signal: ac.signal,
      onBatch: (r) => { batches++; if (r.epoch === 2 && r.batch === 2) ac.abort(); },
      onEpoch: (r) => { epochs.push(r); },
    });
    await assert.rejects(run, (e: Error) => e === ac.signal.reason && e.name === 'AbortError');
    assert.equal(batches, 5);
    assert.deepEqual(epochs.map((r) => r.epoch), [1]);
    assert.equal(model.training, true);
    await assertSameWeights(model, expected.model, 'weights after the aborted fit vs 5 manual steps');
  });

  test('an already aborted signal: fit and evaluate reject with its reason before any batch; a non-signal is a clear error', async () => {
    const model = tinyCnn();
    const before = await model.parameters()[0].dataAsync().then((d) => Array.from(d));
    const ac = new AbortController();
    const reason = new Error('stopped by the user');
    ac.abort(reason);
    let batches = 0;
    const opts = { epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), lossFn: new nn.CrossEntropyLoss(), progress: false as const };
    await assert.rejects(fit(model, loaderOf(data()), { ...opts, signal: ac.signal, onBatch: () => { batches++; } }), (e) => e === reason);
    await assert.rejects(evaluate(model, loaderOf(data()), { signal: ac.signal, onBatch: () => { batches++; } }), (e) => e === reason);
    assert.equal(batches, 0);
    assert.deepEqual(Array.from(await model.parameters()[0].dataAsync()), before);
    await assert.rejects(fit(model, loaderOf(data()), { ...opts, signal: {} as AbortSignal }), /^Error: fit: signal must be an AbortSignal/);
    await assert.rejects(evaluate(model, loaderOf(data()), { signal: 'stop' as unknown as AbortSignal }), /^Error: evaluate: signal must be an AbortSignal .*got stop/);
  });

  test('a timer aborts a long fit: fit yields between batches, so the timer runs mid-epoch', async () => {
    const model = tinyCnn();
    const big = new DataLoader(new TensorDataset(randn([4000, 1, 5, 5]), fromArray(new Int32Array(4000), [4000])), { batchSize: 2 });
    let batches = 0;
    await assert.rejects(fit(model, big, {
      epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), lossFn: new nn.CrossEntropyLoss(), progress: false,
      signal: AbortSignal.timeout(100), onBatch: () => { batches++; },
    }), (e: Error) => e.name === 'TimeoutError');
    // Counted, not timed: a fit that never yielded would run all 2000 batches before the timer could fire.
    assert.ok(batches > 0 && batches < 2000, `${batches} of 2000 batches ran`);
  });

  test('evaluate: onBatch per batch with its loss and accuracy (computed here, batch by batch), and an abort in it rejects and restores the mode', async () => {
    const model = tinyCnn();
    const d = data();
    const lossFn = new nn.CrossEntropyLoss();
    const expected: { loss: number; accuracy: number; size: number }[] = [];
    model.eval();
    for (const [x, y] of loaderOf(d)) {
      const z = noGrad(() => model(x));
      const zs = await z.dataAsync(), t = await y.dataAsync();
      let right = 0;
      for (let i = 0; i < t.length; i++) if ((zs[2 * i + 1] > zs[2 * i] ? 1 : 0) === t[i]) right++;
      expected.push({ loss: (await noGrad(() => lossFn(z, y)).dataAsync())[0], accuracy: right / t.length, size: t.length });
    }
    model.train();
    const got: BatchResult[] = [];
    const ev = await evaluate(model, loaderOf(d), { lossFn, onBatch: (r) => { got.push(r); } });
    assert.deepEqual(got.map((r) => [r.batch, r.batches, r.size]), [[1, 3, 4], [2, 3, 4], [3, 3, 2]]);
    got.forEach((r, i) => { close(r.loss, expected[i].loss, `batch ${i + 1} loss`); assert.equal(r.accuracy, expected[i].accuracy); });
    close(got[2].runningLoss, ev.loss, 'the last running loss is the result');
    assert.equal(got[2].runningAccuracy, ev.accuracy);
    const withoutLoss: BatchResult[] = [];
    await evaluate(model, loaderOf(d), { onBatch: (r) => { withoutLoss.push(r); } });
    assert.ok(Number.isNaN(withoutLoss[0].loss) && Number.isNaN(withoutLoss[0].runningLoss), 'no lossFn: the loss is NaN');

    const ac = new AbortController();
    let calls = 0;
    await assert.rejects(evaluate(model, loaderOf(d), { lossFn, signal: ac.signal, onBatch: () => { if (++calls === 2) ac.abort(); } }),
      (e: Error) => e.name === 'AbortError');
    assert.equal(calls, 2);
    assert.equal(model.training, true, 'the mode is restored after an abort');
  });
});

describe('progress display without process', () => {
  /** Runs `f` with globalThis.process hidden, as in a browser (synchronously: nothing else runs meanwhile). */
  function withoutProcess<T>(f: () => T): T {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try { return f(); } finally { Object.defineProperty(globalThis, 'process', saved); }
  }

  test('no process and no stream: silent, and no ReferenceError', () => {
    const written: string[] = [];
    const orig = process.stderr.write;
    process.stderr.write = ((s: string) => { written.push(s); return true; }) as typeof process.stderr.write;
    try {
      withoutProcess(() => {
        const p = new Progress();
        p.startEpoch(1, 1, 2);
        p.update(1, { loss: 1, accuracy: 0.5, images: 4 });
        p.update(2, { loss: 1, accuracy: 0.5, images: 8 });
        p.endEpoch('summary');
        p.log('text');
      });
    } finally { process.stderr.write = orig; }
    assert.deepEqual(written, []);
  });

  test('onLine: plain lines without newlines, epoch summaries and log() included', () => {
    const lines: string[] = [];
    withoutProcess(() => {
      const p = new Progress({ onLine: (l) => lines.push(l), tty: true });
      p.startEpoch(1, 1, 4);
      for (let b = 1; b <= 4; b++) p.update(b, { loss: 1 / b, accuracy: b / 4, images: 8 * b });
      p.endEpoch('epoch 1/1 done');
      p.log('stopped');
    });
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^epoch 1\/1  batch 1\/4  \d+ img\/s  loss 1\.0000  acc 25\.0%/);
    assert.deepEqual(lines.slice(3), ['epoch 1/1 done', 'stopped']);
    assert.ok(lines.every((l) => !/[\r\n\x1b]/.test(l)));
  });
});
