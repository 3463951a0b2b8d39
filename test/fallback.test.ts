// test/fallback.test.ts — a backend that lacks kernels: ops still run, on ref's kernels through the one
// fallback path, each such call counted (fallbackCounts) and logged with CONVNET_DEBUG=fallback; the
// data stays on the backend; and tensors made on one backend move to another on first use.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerBackend, type BackendImpl } from '../src/backend/backend.js';
import { Storage } from '../src/backend/storage.js';
import { allocArray, type DataArray, type DType } from '../src/tensor/dtype.js';
import { F, tensor, randn, nn, setBackend, getBackend, fallbackCounts, resetFallbackCounts, manualSeed } from '../src/index.js';
import { assertClose, values } from './helpers/backends.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A minimal backend: JS arrays for memory, and of the kernels only fill. */
function partialBackend(name = 'partial'): BackendImpl {
  const arr = (s: Storage): DataArray => s.data as DataArray;
  const b: BackendImpl = {
    name,
    alloc: (dtype: DType, size: number) => new Storage(b as never, dtype, size, allocArray(dtype, size)),
    attach(s, values) { const a = allocArray(s.dtype, s.size); a.set(values); s.data = a; },
    free(s) { s.data = null; },
    write(s, values, offset = 0) { arr(s).set(values, offset); },
    readSync: (s) => arr(s).slice(),
    read: async (s) => arr(s).slice(),
    fill(s, v) { arr(s).fill(v); },
  };
  return b;
}

registerBackend('partial', partialBackend);

describe('fallback to ref', () => {
  let previous = '';
  before(async () => { previous = getBackend(); await setBackend('partial'); resetFallbackCounts(); });
  after(async () => { await setBackend(previous); });

  test('ops run on ref kernels through the fallback, and every such call is counted', async () => {
    const x = tensor([[1, -2], [3, -4]]);
    assert.equal(x.device, 'partial');
    const z = new Array(3).fill(0).map(() => x.fill_(1)); // fill is the backend's own kernel
    void z;
    assert.deepEqual(fallbackCounts(), {}, 'no fallback for a kernel the backend has');
    const y = tensor([[1, -2], [3, -4]]);
    await assertClose(y.neg(), [[-1, 2], [-3, 4]]);
    const s = F.relu(y).sum();
    assert.equal((await values(s))[0], 4);
    assert.equal(s.device, 'partial', 'results come back to the backend');
    const counts = fallbackCounts();
    assert.equal(counts['partial.unary'], 2, `neg and relu: ${JSON.stringify(counts)}`);
    assert.equal(counts['partial.reduce'], 1, `sum: ${JSON.stringify(counts)}`);
  });

  test('training a layer works, the same as on ref', async () => {
    manualSeed(3);
    const lin = new nn.Linear(4, 3);
    const x = randn([5, 4]), t = randn([5, 3]);
    const loss = F.mseLoss(lin(x), t);
    loss.backward();
    const onPartial = await values(lin.weight.grad!);
    await setBackend('ref');
    manualSeed(3);
    const lin2 = new nn.Linear(4, 3);
    const x2 = randn([5, 4]), t2 = randn([5, 3]);
    F.mseLoss(lin2(x2), t2).backward();
    await assertClose(onPartial, lin2.weight.grad!, { rtol: 1e-6 });
    await setBackend('partial');
    assert.ok(Object.keys(fallbackCounts()).some((k) => k.startsWith('partial.matmul')), JSON.stringify(fallbackCounts()));
  });
});

describe('moving between backends', () => {
  test('a tensor made on one backend moves to another on first use (views see the move)', async () => {
    const previous = getBackend();
    try {
      await setBackend('ref');
      const a = tensor([1, 2, 3, 4]);
      const view = a.reshape([2, 2]);
      await setBackend('wasm');
      const b = a.mul(2);
      assert.equal(a.device, 'wasm');
      assert.equal(view.device, 'wasm', 'a view shares the handle, so it moved too');
      assert.equal(b.device, 'wasm');
      await assertClose(b, [2, 4, 6, 8]);
    } finally {
      await setBackend(previous);
    }
  });
});

test('CONVNET_DEBUG=fallback logs each fallback', () => {
  const script = `
    import { registerBackend } from './src/backend/backend.js';
    import { Storage } from './src/backend/storage.js';
    import { setBackend, tensor } from './src/index.js';
    registerBackend('bare', () => { const b = {
      name: 'bare',
      alloc: (dtype, size) => new Storage(b, dtype, size, new Float32Array(size)),
      attach(s, v) { s.data = Float32Array.from(v); }, free(s) { s.data = null; },
      write(s, v, o = 0) { s.data.set(v, o); }, readSync: (s) => s.data.slice(), read: async (s) => s.data.slice(),
    }; return b; });
    setBackend('bare');
    tensor([1, 2]).add(1);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CONVNET_DEBUG: 'fallback' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /convnet: bare\.binary runs on ref \(the bare backend has no such kernel\)/);
});

describe('a backend that starts asynchronously (as a GPU does)', () => {
  test('await setBackend waits for it; ops before it is ready say to await; the CPU backends switch at once', async () => {
    const previous = getBackend();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    registerBackend('slow-start', async () => { await gate; return partialBackend('slow-start'); });
    try {
      const ready = setBackend('slow-start');
      assert.equal(getBackend(), 'slow-start');
      assert.throws(() => tensor([1, 2]).add(1), /backend 'slow-start' is still starting: await setBackend\('slow-start'\)/);
      release();
      await ready;
      assert.equal(tensor([1, 2]).add(1).device, 'slow-start');
      void setBackend('ref'); // synchronous backends take effect before the promise is awaited
      assert.equal(tensor([1]).device, 'ref');
    } finally {
      await setBackend(previous);
    }
  });
});
