// test/memory.test.ts — memory without dispose(): a long training loop stays flat, autograd frees what it
// saved once backward has used it (and refuses a second backward, as PyTorch does), garbage tensors give
// their data back, and dispose() / `using` free at once. On every backend. Then the bookkeeping itself
// (tensor/lifetime.ts): scopes, adopt, the holds backward gives back, and the grad setter.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  nn, optim, F, randn, randint, tensor, manualSeed, noGrad, DataLoader, TensorDataset, wasmInfo, webgpuInfo, getBackend, setBackend,
  type Tensor,
} from '../src/index.js';
import { forEachBackend, requested, scalar, values, assertClose } from './helpers/backends.js';
import { drop, internalScope } from '../src/tensor/lifetime.js';

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
  // webgpu reads only with await and keeps its data in GPU buffers: it has its own loop (webgpuTrainingLoop).
  // (2,500 steps take about 35 s on the software adapter: with `npm run test:webgpu`; the default suite has
  // test/webgpu-memory.test.ts's shorter loop.)
  if (backend === 'webgpu') {
    if (requested('webgpu')) webgpuTrainingLoop();
  } else test('a 10,000-step training loop that never calls dispose() keeps the JS heap, the wasm heap and RSS flat', () => {
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

/**
 * The training loop above on webgpu. A GPU cannot be read synchronously, so the loop awaits the loss every
 * 100 steps (awaiting also lets the collector's callbacks give garbage buffers back); the memory measured is
 * the GPU's (webgpuInfo: live buffers and bytes, buffers created) besides the JS heap and RSS. 2,500 steps,
 * not 11,500: on a software adapter (llvmpipe) a step takes ~20 ms, so 10,000 would take minutes, and 2,000
 * measured steps already span several of the runtime's forced collections (every 2,048 new live buffers,
 * about 500 steps here; see collectIfGrown in src/backend/webgpu/runtime.ts).
 */
function webgpuTrainingLoop(): void {
  test('a 2,500-step training loop that never calls dispose() keeps the JS heap, GPU memory and RSS flat (webgpu)', async () => {
    manualSeed(0);
    const model = smallCnn();
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const data = new TensorDataset(randn([512, 1, 8, 8]), randint(0, 10, [512]));
    const loader = new DataLoader(data, { batchSize: 16, shuffle: true, seed: 0 });
    let steps = 0, last = NaN;
    const run = async (n: number): Promise<void> => {
      // No dispose(); the only yielding to the event loop is the read.
      for (;;) {
        for (const [x, y] of loader) {
          opt.zeroGrad();
          const loss = F.crossEntropy(model(x), y);
          loss.backward();
          opt.step();
          if (++steps % 100 === 0) last = (await loss.dataAsync())[0];
          if (steps === n) return;
        }
      }
    };
    const gpuUsage = async () => {
      await turns(); // garbage tensors give their buffers back
      const m = process.memoryUsage(), g = webgpuInfo()!;
      return { js: m.heapUsed, rss: m.rss, liveBuffers: g.liveBuffers, liveBytes: g.liveBytes, created: g.created };
    };
    await run(500); // warm up: the buffer pool, the pipelines and the JIT settle
    const before = await gpuUsage();
    await run(2_500);
    const after = await gpuUsage();
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    assert.ok(Number.isFinite(last), 'the loss stays finite');
    assert.ok(after.liveBuffers <= before.liveBuffers, `live GPU buffers grew from ${before.liveBuffers} to ${after.liveBuffers}`);
    assert.ok(after.liveBytes <= before.liveBytes, `live GPU memory grew from ${mib(before.liveBytes)} to ${mib(after.liveBytes)}`);
    // Each step drops a batch (x and y), an output and a loss: 8,000 buffers in these 2,000 steps, which the
    // pool gives out again nearly every time.
    assert.ok(after.created - before.created <= 256, `${after.created - before.created} GPU buffers created in 2,000 steps after warm-up`);
    assert.ok(after.js - before.js < 4 * 2 ** 20, `JS heap grew by ${mib(after.js - before.js)} [webgpu]`);
    assert.ok(after.rss - before.rss < 32 * 2 ** 20, `RSS grew by ${mib(after.rss - before.rss)} [webgpu]`);
  });
}

// The resident count is the wasm heap's: ref's arrays belong to the JS collector, which keeps no count.
describe('memory: what the wasm heap holds', () => {
  let previous = '';
  before(async () => { previous = getBackend(); await setBackend('wasm'); });
  after(async () => { await setBackend(previous); });

  test('activations inside nn.Sequential are freed by backward, not left for the garbage collector', async () => {
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
    await turns();
    const base = wasmInfo().residentStorages;
    (() => { for (let i = 0; i < 100; i++) randn([64, 64]).mul(2); })();
    assert.ok(wasmInfo().residentStorages - base >= 100, 'the tensors are resident while nothing has collected them');
    await turns();
    assert.ok(wasmInfo().residentStorages - base <= 2, `still resident after collection: ${wasmInfo().residentStorages - base}`);
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
    assert.ok(!g.isDisposed, 'a gradient the user read is left to them');
    p.mul(3).sum().backward();
    const unread = p._grad!; // internal access: does not count as reading it
    opt.zeroGrad(); // never read: freed
    assert.equal(p.grad, null);
    assert.ok(unread.isDisposed, 'a gradient nobody read is freed at once');
  });
});

describe('memory: lifetime bookkeeping', () => {
  test('internalScope frees temporaries; what escapes to the user is no longer owned', () => {
    const x = randn([3]);
    let tmp: Tensor | null = null;
    const y = internalScope(() => { tmp = x.add(1); return tmp.mul(2); });
    assert.ok(tmp!.isDisposed, 'the temporary is freed');
    assert.ok(!x.isDisposed && !y.isDisposed);
    assert.deepEqual([y._owned, y._holds], [false, 0]);
    // Several results (an array): each escapes; a result made before the scope is left alone.
    const [a, b] = internalScope(() => [x.mul(3), x]);
    assert.deepEqual([a._owned, a._holds, b._owned, b._holds], [false, 0, false, 0]);
    // An enclosing scope takes what escapes an inner one, and frees it if it does not escape further.
    let inner: Tensor | null = null;
    internalScope(() => { inner = internalScope(() => x.add(1)); assert.ok(inner._owned); return null; });
    assert.ok(inner!.isDisposed);
  });

  test('internalScope(fn, adopt) names the tensors fn made that escape; adopt may take over their hold', () => {
    const x = randn([3]);
    const seen: Tensor[] = [];
    const r = internalScope(() => [x.add(1), x], (t) => { seen.push(t as Tensor); });
    assert.deepEqual(seen, [r[0]], 'only the tensor made inside, not the argument passed through');
    assert.equal(r[0]._owned, false, 'adopt did not take it: it escaped to the user');
    const taken = internalScope(() => x.mul(2), () => true);
    assert.deepEqual([taken._owned, taken._holds], [true, 1], 'adopt took the scope\'s hold');
    drop(taken);
    assert.ok(taken.isDisposed, 'the adopter\'s drop frees it');
    let fresh = false;
    assert.equal(internalScope(() => x, () => { fresh = true; }), x);
    assert.equal(fresh, false, 'a tensor made before the scope is not fresh');
  });

  test('backward gives back every hold: user tensors end with none, a leaf takes its gradient, a passed gradient is left alone', async () => {
    const w = randn([3, 4], { requiresGrad: true });
    const x = randn([2, 3]);
    const out = x.matmul(w).relu();
    const seed = randn([2, 4]);
    out.backward(seed);
    for (const t of [w, x, out, seed]) assert.deepEqual([t._owned, t._holds, t.isDisposed], [false, 0, false]);
    assert.deepEqual([w.grad!._owned, w.grad!._holds], [false, 0]);
    // A leaf as the root: its own gradient is a copy of the seed, which stays the caller's.
    const leaf = randn([2], { requiresGrad: true });
    const g = tensor([1, 2]);
    leaf.backward(g);
    assert.ok(!g.isDisposed && leaf.grad !== g);
    assert.deepEqual(await values(leaf.grad!), [1, 2]);
  });

  test('assigning .grad frees a gradient no user code was handed, and keeps one that was', async () => {
    const p = randn([3], { requiresGrad: true });
    p.mul(2).sum().backward();
    const unseen = p._grad!;
    p.grad = tensor([1, 1, 1]);
    assert.ok(unseen.isDisposed, 'never handed out: freed');
    const mine = p.grad!; // handed out now
    p.grad = null;
    assert.ok(!mine.isDisposed);
    assert.throws(() => { p.grad = tensor([1, 2]); }, /grad: assigned gradient has shape \[2\] but the tensor has shape \[3\]/);
  });
});
