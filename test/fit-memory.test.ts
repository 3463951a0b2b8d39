// test/fit-memory.test.ts — what fit and evaluate free by themselves, and what they must leave alone.
//
// fit frees a step's tensors only when nothing but fit can hold them: x when the model is convnet's own
// layers and the batch is fresh (a DataLoader over one of convnet's datasets), y when the loss is a
// convnet loss and the batch is fresh, the output and the loss tensor when model and loss both are. So:
// with built-ins only, the wasm heap does not grow with the number of batches (no garbage collection
// needed); and a loss function, a forward hook (even one added mid-run) or a dataset subclass that keeps
// tensors can still read them after fit. Reading a freed tensor throws, so each of those tests fails if
// fit frees too much; the heap test fails if it frees too little.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  manualSeed, nn, optim, F, Tensor, DataLoader, TensorDataset, Subset, Dataset, FashionMNIST, randn, randint, fit, evaluate,
  wasmInfo, getBackend, tensor, transforms as T,
} from '../src/index.js';
import { forEachBackend, values } from './helpers/backends.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUBSET = join(root, 'data/fashion-mnist-subset');

/** A dataset of n samples (8 features, 3 classes) and a DataLoader over it. */
function data(n: number, batchSize = 8) {
  const x = randn([n, 8]);
  const y = randint(0, 3, [n]);
  return { x, y, loader: new DataLoader(new TensorDataset(x, y), { batchSize }) };
}

const mlp = () => new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 3));
const sgd = (m: nn.Module) => new optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.9 });

/** Every tensor can be read (none was freed); returns their values. */
async function readable(ts: Tensor[], what: string): Promise<number[][]> {
  assert.ok(ts.length > 0, `${what}: nothing was kept`);
  const out: number[][] = [];
  for (const [i, t] of ts.entries()) {
    assert.ok(!t.isDisposed, `${what} ${i} of ${ts.length} was disposed by fit`);
    out.push(await values(t));
  }
  return out;
}

forEachBackend('fit frees only what nothing else holds', (backend) => {
  test('built-ins only: the wasm heap does not grow with the number of batches (no garbage collection)', async () => {
    if (backend !== 'wasm') return; // ref's arrays belong to the JS collector; the count below is the wasm heap's
    manualSeed(0);
    const model = mlp();
    const optimizer = sgd(model);
    const lossFn = new nn.CrossEntropyLoss();
    const few = data(10 * 8), many = data(100 * 8), test_ = data(50 * 8);
    // Warm up: the optimizer's momentum buffers and the gradients exist from here on.
    await fit(model, few.loader, { epochs: 1, optimizer, lossFn, progress: false });
    const run = async (loader: DataLoader, testLoader?: DataLoader) => {
      const base = wasmInfo().residentStorages;
      await fit(model, loader, { epochs: 1, optimizer, lossFn, testLoader, progress: false });
      return wasmInfo().residentStorages - base;
    };
    const grow10 = await run(few.loader);
    const grow100 = await run(many.loader);
    assert.ok(grow100 <= grow10 + 4, `10 batches left ${grow10} storages, 100 batches left ${grow100}: fit leaves something per batch`);
    // evaluate (fit's testLoader) frees its batches and outputs too.
    const evalFew = await run(few.loader, few.loader);
    const evalMany = await run(few.loader, test_.loader);
    assert.ok(evalMany <= evalFew + 4, `evaluating 10 batches left ${evalFew} storages, 50 batches left ${evalMany}`);
    const base = wasmInfo().residentStorages;
    await evaluate(model, test_.loader, { lossFn });
    assert.ok(wasmInfo().residentStorages - base <= 4, `evaluate over 50 batches left ${wasmInfo().residentStorages - base} storages`);
    assert.equal(getBackend(), 'wasm');
  });

  test('a plain-function loss that keeps y, the output and the loss can read them after fit and evaluate', async () => {
    manualSeed(1);
    const { y, loader } = data(4 * 8);
    const model = mlp();
    const kept: { out: Tensor[]; y: Tensor[]; loss: Tensor[] } = { out: [], y: [], loss: [] };
    const lossFn = (o: Tensor, t: Tensor) => {
      const l = F.crossEntropy(o, t);
      kept.out.push(o); kept.y.push(t); kept.loss.push(l);
      return l;
    };
    await fit(model, loader, { epochs: 2, optimizer: sgd(model), lossFn, progress: false });
    assert.equal(kept.y.length, 8);
    await readable(kept.out, 'output');
    await readable(kept.loss, 'loss');
    const ys = await readable(kept.y, 'y');
    const labels = await values(y);
    assert.deepEqual(ys.slice(0, 4).flat(), labels, 'the kept targets are the batches, in order (no shuffle)');
    kept.out.length = kept.y.length = kept.loss.length = 0;
    await evaluate(model, loader, { lossFn });
    await readable(kept.out, 'evaluate output');
    assert.deepEqual((await readable(kept.y, 'evaluate y')).flat(), labels);
  });

  test('a forward hook on the last layer that keeps its output can read it after fit and evaluate', async () => {
    manualSeed(2);
    const { loader } = data(4 * 8);
    const model = mlp();
    const outs: Tensor[] = [];
    const handle = model.at(-1).registerForwardHook((_m, _in, out) => { outs.push(out as Tensor); });
    await fit(model, loader, { epochs: 1, optimizer: sgd(model), lossFn: new nn.CrossEntropyLoss(), progress: false });
    assert.equal(outs.length, 4);
    await readable(outs, 'hooked output');
    outs.length = 0;
    await evaluate(model, loader, { lossFn: new nn.CrossEntropyLoss() });
    await readable(outs, 'hooked output in evaluate');
    handle.remove();
  });

  test('a hook added during fit (in onEpoch) is seen: later steps leave what it keeps', async () => {
    manualSeed(3);
    const { loader } = data(4 * 8);
    const model = mlp();
    const outs: Tensor[] = [];
    const ins: Tensor[] = [];
    await fit(model, loader, {
      epochs: 3, optimizer: sgd(model), lossFn: new nn.CrossEntropyLoss(), progress: false,
      onEpoch: (r) => {
        if (r.epoch === 1) model.registerForwardHook((_m, inputs, out) => { ins.push(inputs[0] as Tensor); outs.push(out as Tensor); });
      },
    });
    assert.equal(outs.length, 8, 'the hook ran in epochs 2 and 3');
    await readable(outs, 'output kept by a hook added in onEpoch');
    await readable(ins, 'input kept by a hook added in onEpoch');
  });

  test('a TensorDataset subclass whose getBatch returns cached tensors keeps them readable', async () => {
    manualSeed(4);
    class Cached extends TensorDataset {
      cache?: Tensor[];
      override getBatch(indices: Int32Array): Tensor[] { return (this.cache ??= super.getBatch(indices)); }
    }
    const ds = new Cached(randn([16, 8]), randint(0, 3, [16]));
    const loader = new DataLoader(ds, { batchSize: 16 });
    assert.equal(loader.freshBatches, false);
    const model = mlp();
    // Three epochs over the one cached batch: freeing it after the first step would fail the second.
    const history = await fit(model, loader, { epochs: 3, optimizer: sgd(model), lossFn: new nn.CrossEntropyLoss(), testLoader: loader, progress: false });
    assert.equal(history.length, 3);
    await readable(ds.cache!, 'cached batch tensor');
  });
});

describe('which batches are fresh (DataLoader.freshBatches, by exact class)', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]), y = tensor([0, 1, 0]);
  class Sub extends TensorDataset {}
  class NoBatch extends Dataset<[Tensor, number]> {
    getItem(i: number): [Tensor, number] { return [x, i]; } // the same tensor every time: collation copies it
    get length() { return 3; }
  }
  class MyLoader extends DataLoader<Tensor[]> {}
  const fresh = (ds: Dataset<unknown>, opts = {}) => new DataLoader(ds, opts).freshBatches;

  test('convnet\'s datasets and default collation are fresh; subclasses, collateFn and loader subclasses are not', () => {
    assert.equal(fresh(new TensorDataset(x, y)), true);
    assert.equal(fresh(new Subset(new TensorDataset(x, y), [0, 2])), true);
    assert.equal(fresh(new NoBatch()), true);
    assert.equal(fresh(new Sub(x, y)), false);
    assert.equal(fresh(new Subset(new Sub(x, y), [0, 2])), false);
    assert.equal(fresh(new TensorDataset(x, y), { collateFn: (s: unknown[]) => s }), false);
    assert.equal(new MyLoader(new TensorDataset(x, y)).freshBatches, false);
    class Declared extends TensorDataset { override get batchesAreFresh() { return true; } }
    assert.equal(fresh(new Declared(x, y)), true, 'a subclass may declare its batches fresh');
    const fm = new FashionMNIST(SUBSET, { train: false, limit: 10 });
    assert.equal(fresh(fm), true);
    class MyFashion extends FashionMNIST {}
    assert.equal(fresh(new MyFashion(SUBSET, { train: false, limit: 10 })), false);
  });

  test('MNIST with a transform that has no batched kernel: getBatch stacks the samples into a new float32 tensor', async () => {
    const kept = randn([1, 28, 28]);
    const lambda = Object.assign((t: Tensor) => t.mul(2), { repr: 'x2' }) as unknown as T.Transform;
    const ds = new FashionMNIST(SUBSET, { train: false, limit: 5, transform: lambda });
    const [bx, by] = ds.getBatch(Int32Array.of(3, 0, 4));
    assert.deepEqual(bx.shape, [3, 1, 28, 28]);
    assert.equal(bx.dtype, 'float32');
    const want = [...await values(ds.getItem(3)[0]), ...await values(ds.getItem(0)[0]), ...await values(ds.getItem(4)[0])];
    assert.deepEqual(await values(bx), want);
    assert.deepEqual(await values(by), [3, 0, 4].map((i) => ds.targets[i]));
    // A transform that returns a tensor it keeps: the batch is still a copy, so freeing it spares the kept one.
    const same = Object.assign(() => kept, { repr: 'kept' }) as unknown as T.Transform;
    const ds2 = new FashionMNIST(SUBSET, { train: false, limit: 5, transform: same });
    const [b2] = ds2.getBatch(Int32Array.of(0, 1));
    b2.dispose();
    assert.equal((await values(kept)).length, 28 * 28);
  });
});
