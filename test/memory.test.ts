// test/memory.test.ts — memory without dispose(): a long training loop stays flat, autograd frees what it
// saved once backward has used it (and refuses a second backward, as PyTorch does), garbage tensors give
// their data back, and dispose() / `using` free at once. On every backend.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  nn, optim, F, randn, randint, tensor, manualSeed, noGrad, DataLoader, TensorDataset, wasmInfo, getBackend, type Tensor,
} from '../src/index.js';
import { forEachBackend, scalar, values, assertClose } from './helpers/backends.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const collect = (): void => { gc(); gc(); };
/** Lets FinalizationRegistry callbacks run (they wait for a task after a collection). */
const turns = async (n = 3): Promise<void> => { for (let i = 0; i < n; i++) { collect(); await new Promise((r) => setImmediate(r)); } };

function smallCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(4 * 4 * 4, 10),
  );
}

/** What the process and the wasm heap hold (the latter 0 on other backends). */
function usage(): { js: number; rss: number; wasm: number } {
  collect();
  const m = process.memoryUsage();
  return { js: m.heapUsed, rss: m.rss, wasm: getBackend() === 'wasm' ? wasmInfo().heapBytes : 0 };
}

forEachBackend('memory', (backend) => {
  test('a 10,000-step training loop that never calls dispose() keeps the JS heap, the wasm heap and RSS flat', () => {
    manualSeed(0);
    const model = smallCnn();
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const data = new TensorDataset(randn([512, 1, 8, 8]), randint(0, 10, [512]));
    const loader = new DataLoader(data, { batchSize: 16, shuffle: true, seed: 0 });
    let steps = 0, last = 0;
    const run = (n: number): void => {
      // A synchronous loop, as a PyTorch user writes it: no dispose(), no yielding to the event loop.
      for (;;) {
        for (const [x, y] of loader) {
          opt.zeroGrad();
          const loss = F.crossEntropy(model(x), y);
          loss.backward();
          opt.step();
          if (++steps % 1000 === 0) last = loss.item();
          if (steps === n) return;
        }
      }
    };
    run(1500); // warm up: pools and the JIT settle
    const before = usage();
    run(11_500);
    const after = usage();
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    assert.ok(Number.isFinite(last), 'the loss stays finite');
    assert.ok(after.wasm <= before.wasm, `wasm heap grew from ${mib(before.wasm)} to ${mib(after.wasm)}`);
    assert.ok(after.js - before.js < 4 * 2 ** 20, `JS heap grew by ${mib(after.js - before.js)} [${backend}]`);
    assert.ok(after.rss - before.rss < 32 * 2 ** 20, `RSS grew by ${mib(after.rss - before.rss)} [${backend}]`);
  });

  test('backward frees what the graph saved: a second backward throws PyTorch\'s error', async () => {
    const w = randn([3, 4], { requiresGrad: true });
    const x = randn([2, 3]);
    const loss = x.matmul(w).relu().sum();
    loss.backward();
    assert.ok(loss.gradFn!.released, 'the root node gave back what it held');
    assert.throws(() => loss.backward(), /backward through the graph a second time.*retainGraph: true/s);
  });

  test('retainGraph keeps the graph: the second backward accumulates the same gradient again', async () => {
    const w = randn([3, 4], { requiresGrad: true });
    const x = randn([2, 3]);
    const loss = x.matmul(w).tanh().sum();
    loss.backward(null, { retainGraph: true });
    const once = await values(w.grad!);
    loss.backward();
    await assertClose(await values(w.grad!), once.map((v) => 2 * v), { rtol: 1e-6, name: 'grad after two backwards' });
  });

  test('activations inside nn.Sequential are freed by backward, not left for the garbage collector', async () => {
    if (backend !== 'wasm') return; // ref's arrays belong to the JS collector; the count below is the heap's
    const model = smallCnn();
    const x = randn([8, 1, 8, 8]), y = randint(0, 10, [8]);
    const base = wasmInfo().residentStorages;
    const out = model(x) as Tensor;
    const loss = F.crossEntropy(out, y);
    loss.backward();
    // Left: the output and the loss (the user holds them) and one gradient per parameter.
    const params = model.parameters().length;
    assert.equal(wasmInfo().residentStorages - base, 2 + params);
    noGrad(() => { model(x); });
    assert.equal(wasmInfo().residentStorages - base, 2 + params + 1, 'under noGrad only the returned output stays');
  });

  test('a tensor the garbage collector takes gives its data back', async () => {
    if (backend !== 'wasm') return; // ref's arrays are collected with their tensors; nothing to return
    await turns();
    const base = wasmInfo().residentStorages;
    (() => { for (let i = 0; i < 100; i++) randn([64, 64]).mul(2); })();
    assert.ok(wasmInfo().residentStorages - base >= 100, 'the tensors are resident while nothing has collected them');
    await turns();
    assert.ok(wasmInfo().residentStorages - base <= 2, `still resident after collection: ${wasmInfo().residentStorages - base}`);
  });

  test('dispose() and `using` free at once; a disposed tensor gives a clear error', async () => {
    const t = randn([4, 4]);
    const v = t.reshape([16]); // a view shares the data
    t.dispose();
    assert.ok(t.isDisposed);
    assert.equal((await values(v)).length, 16, 'the view keeps the data alive');
    assert.throws(() => t.add(1), /was disposed/);
    {
      using u = tensor([1, 2, 3]);
      assert.equal(await scalar(u.sum()), 6);
    }
    v.dispose();
    assert.throws(() => v.sum(), /was disposed/);
  });
});

describe('memory: optimizer and zeroGrad', () => {
  test('zeroGrad frees a gradient nobody read, and leaves one the user holds intact', async () => {
    const p = new nn.Parameter(randn([5]));
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.mul(2).sum().backward();
    const g = p.grad!; // the user reads it: it is theirs now
    opt.zeroGrad();
    assert.equal(p.grad, null);
    assert.deepEqual(await values(g), [2, 2, 2, 2, 2]);
    p.mul(3).sum().backward();
    opt.zeroGrad(); // never read: freed
    assert.equal(p.grad, null);
  });
});
