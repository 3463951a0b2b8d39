// test/webgpu-memory.test.ts — the webgpu backend as a training loop sees it: data stays in GPU buffers
// (no fallback, no synchronous read), the buffers of dropped tensors come back (nothing disposed by hand),
// a step of fit is one submit (its one read), and reads that cannot be synchronous say what to do instead.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nn, optim, F, randn, randint, manualSeed, DataLoader, TensorDataset, fit, getBackend, setBackend,
  webgpuInfo, fallbackCounts, resetFallbackCounts, tensor,
} from '../src/index.js';
import { webgpuRuntime } from '../src/backend/webgpu/index.js';
import { webgpuWanted } from './helpers/webgpu.js';

function smallCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(4 * 4 * 4, 10),
  );
}

describe('webgpu memory and submits', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  let previous = '';
  before(async () => { previous = getBackend(); await setBackend('webgpu'); });
  after(async () => { await setBackend(previous); });

  test('training steps without dispose(): no fallback; garbage buffers come back by collection, so memory stays bounded', async () => {
    // The runtime collects when live buffers grew by a margin (2,048 by default; 64 here, to see it happen).
    const rt = webgpuRuntime()!;
    const margin = rt.collectMargin;
    rt.collectMargin = { bytes: margin.bytes, buffers: 64 };
    manualSeed(0);
    const model = smallCnn();
    const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const loader = new DataLoader(new TensorDataset(randn([256, 1, 8, 8]), randint(0, 10, [256])), { batchSize: 16, shuffle: true, seed: 0 });
    resetFallbackCounts();
    let steps = 0;
    const run = async (n: number): Promise<number> => {
      let last = NaN;
      for (;;) {
        for (const [x, y] of loader) {
          opt.zeroGrad();
          const loss = F.crossEntropy(model(x), y);
          loss.backward();
          opt.step();
          // Reading is asynchronous on a GPU; awaiting also lets the collector's callbacks return buffers.
          if (++steps % 16 === 0) last = (await loss.dataAsync())[0];
          if (steps === n) return last;
        }
      }
    };
    try {
      await run(100);
      const warm = webgpuInfo()!;
      const loss = await run(300);
      const now = webgpuInfo()!;
      assert.deepEqual(fallbackCounts(), {}, 'every kernel ran on the GPU');
      assert.ok(Number.isFinite(loss), `loss ${loss}`);
      // Each step drops a batch, an output and a loss (4 buffers): 800 over these 200 steps without collection.
      assert.ok(now.created - warm.created <= 200, `${now.created - warm.created} GPU buffers created in 200 steps after warm-up`);
      assert.ok(now.liveBuffers <= warm.liveBuffers + 200, `live buffers ${warm.liveBuffers} → ${now.liveBuffers}`);
    } finally {
      rt.collectMargin = margin;
    }
  });

  test('fit: one submit per training step (its one read), and every step runs on the GPU', async () => {
    manualSeed(1);
    const model = smallCnn();
    const loader = new DataLoader(new TensorDataset(randn([128, 1, 8, 8]), randint(0, 10, [128])), { batchSize: 16 });
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    await fit(model, loader, { epochs: 1, optimizer: opt, lossFn: new nn.CrossEntropyLoss(), progress: false }); // warm-up
    resetFallbackCounts();
    const before = webgpuInfo()!;
    const [r] = await fit(model, loader, { epochs: 1, optimizer: opt, lossFn: new nn.CrossEntropyLoss(), progress: false });
    const after = webgpuInfo()!;
    assert.equal(r.steps, 8);
    assert.deepEqual(fallbackCounts(), {});
    const perStep = (after.submits - before.submits) / r.steps;
    assert.equal(perStep, 1, `${perStep} submits per step`);
    assert.ok(Number.isFinite(r.trainLoss));
  });

  test('a synchronous read of GPU-computed data says to await t.dataAsync(); printing says where the data is', async () => {
    const y = tensor([1, 2, 3]).mul(2);
    assert.throws(() => y.dataSync(), /cannot read synchronously.*await t\.dataAsync\(\)/);
    assert.throws(() => y.sum().item(), /await t\.dataAsync\(\)/);
    assert.equal(y.toString(), 'tensor(<on webgpu: read with await t.dataAsync()>, size=(3))');
    assert.deepEqual(Array.from(await y.dataAsync()), [2, 4, 6]);
    assert.deepEqual(await y.array(), [2, 4, 6]);
    // Moving off the GPU is asynchronous too.
    await y.moveTo('ref');
    assert.equal(y.device, 'ref');
    assert.deepEqual(y.toArray(), [2, 4, 6]);
  });

  test('a tensor left on the GPU and used on the CPU asks for moveTo', async () => {
    const y = tensor([1, 2, 3]).mul(2);
    await setBackend('ref');
    try {
      assert.throws(() => y.add(1), /used on 'ref'.*await t\.moveTo\('ref'\)/);
    } finally {
      await setBackend('webgpu');
    }
  });
});
