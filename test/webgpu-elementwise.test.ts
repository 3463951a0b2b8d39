// test/webgpu-elementwise.test.ts — the webgpu backend's fill, copy, cast, unary, binary (broadcasting,
// in place, int32) and where kernels against ref, and its memory: reads, the pool, sync reads.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryOp, UnaryOp } from '../src/backend/backend.js';
import { useWebgpu, rnd, rndInt, webgpuWanted } from './helpers/webgpu.js';

describe('webgpu elementwise', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();
  const special = new Float32Array([NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-8, -1e-8, 30, -30, 100, -100, 1e30]);
  const unaries: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh', 'sign', 'reciprocal', 'square', 'sin',
    'cos', 'floor', 'ceil', 'round', 'step', 'log1p', 'expm1'];
  for (const op of unaries) {
    test(`unary ${op}: random, special values, in place`, async () => {
      // WGSL's sin and cos reduce their argument in float32: good to |x| ≈ 1e4, not at 1e30.
      const x = new Float32Array([...rnd(1000, -3, 3), ...(op === 'sin' || op === 'cos' ? special.filter((v) => !(Math.abs(v) > 1e4)) : special)]);
      await gpu.compare(op, (b, S) => b.unary(op, S(x)), { rtol: 2e-5, atol: 1e-6 });
      await gpu.compare(`${op} in place`, (b, S) => { const s = S(x); return b.unary(op, s, s); }, { rtol: 2e-5, atol: 1e-6 });
    });
  }
  const binaries: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'hypot', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'reluGrad'];
  const shapes: [number[], number[]][] = [[[7, 5], [7, 5]], [[7, 5], [1]], [[7, 5], [5]], [[7, 1], [1, 5]], [[2, 3, 4, 5], [3, 1, 5]],
    [[1], [6, 7]], [[2, 1, 3, 1, 2], [1, 4, 1, 5, 1]]];
  for (const op of binaries) {
    test(`binary ${op}: broadcasting over ${shapes.length} shape pairs, special values, int32`, async () => {
      for (const [as, bs] of shapes) {
        const out = as.length >= bs.length ? as.map((d, i) => Math.max(d, bs[i - (as.length - bs.length)] ?? 1))
          : bs.map((d, i) => Math.max(d, as[i - (bs.length - as.length)] ?? 1));
        const na = as.reduce((a, b) => a * b, 1), nb = bs.reduce((a, b) => a * b, 1);
        await gpu.compare(`${op} [${as}]∘[${bs}]`, (b, S) => b.binary(op, S(rnd(na, -2, 2)), as, S(rnd(nb, -2, 2)), bs, out), { rtol: 2e-5, atol: 1e-6 });
        if (op !== 'pow' && op !== 'div' && op !== 'atan2' && op !== 'hypot') {
          await gpu.compare(`${op} int32 [${as}]∘[${bs}]`, (b, S) => b.binary(op, S(rndInt(na, -5, 5)), as, S(rndInt(nb, -5, 5)), bs, out));
        }
      }
      const a = new Float32Array([...special, ...special]), c = new Float32Array([...special, ...special.slice().reverse()]);
      await gpu.compare(`${op} special`, (b, S) => b.binary(op, S(a), [a.length], S(c), [c.length], [a.length]), { rtol: 2e-5, atol: 1e-6 });
      await gpu.compare(`${op} in place`, (b, S) => { const s = S(rnd(35)); b.binary(op, s, [7, 5], S(rnd(5)), [5], [7, 5], s); return s; },
        { rtol: 2e-5, atol: 1e-6 });
    });
  }
  test('pow: negative bases with integer exponents, zero bases, int32 powers', async () => {
    const a = new Float32Array([-2, -2, -2, -3, 0, 0, 0, 2, -1, -1]), e = new Float32Array([2, 3, 0.5, -1, 2, -1, 0, 0.5, 1e9, 1e9 + 1]);
    await gpu.compare('pow', (b, S) => b.binary('pow', S(a), [10], S(e), [10], [10]), { rtol: 1e-5, atol: 0 });
    await gpu.compare('pow int32', (b, S) => b.binary('pow', S(new Int32Array([2, -2, 3, 1, -1, 5])), [6], S(new Int32Array([10, 3, 0, -2, -3, -1])), [6], [6]));
  });
  test('fill, copy and cast between float32 and int32 (truncation, NaN and ±∞ → 0)', async () => {
    const x = new Float32Array([1.7, -1.7, 2.5, -0.2, NaN, Infinity, -Infinity, 123456.9]);
    await gpu.compare('fill f32', (b, S) => { const s = S(rnd(100)); b.fill(s, -2.5); return s; });
    await gpu.compare('fill i32', (b, S) => { const s = S(rndInt(100, 0, 9)); b.fill(s, 3.9); return s; });
    await gpu.compare('cast → int32', (b, S) => b.cast(S(x), 'int32'));
    await gpu.compare('cast → float32', (b, S) => b.cast(S(rndInt(77, -100, 100)), 'float32'));
    await gpu.compare('copy with cast', (b, S) => { const d = S(new Int32Array(8)); b.copy(S(x), d); return d; });
  });
  test('where with float32 and int32 conditions', async () => {
    const c = new Float32Array([1, 0, -0, NaN, 2, 0, 1]);
    await gpu.compare('where f32', (b, S) => b.where(S(c), S(rnd(7)), S(rnd(7))));
    await gpu.compare('where i32', (b, S) => b.where(S(rndInt(50, 0, 2)), S(rndInt(50, -9, 9)), S(rndInt(50, -9, 9))));
  });
  test('large tensors use two dimensions of workgroups (more than 65,535 × 64 elements)', async () => {
    const n = 65535 * 64 + 1000;
    await gpu.compare('add large', (b, S) => b.binary('add', S(rnd(n)), [n], S(rnd(1)), [1], [n]));
  });
  test('sync reads: int32 data JS wrote reads back; a kernel output asks for await t.dataAsync()', async () => {
    const s = gpu.onGpu(new Int32Array([3, 1, 2]));
    assert.deepEqual(Array.from(gpu.G.readSync(s)), [3, 1, 2]);
    const y = gpu.G.binary('add', s, [3], s, [3], [3]);
    assert.throws(() => gpu.G.readSync(y), /cannot read synchronously.*await t\.dataAsync\(\)/);
    assert.deepEqual(Array.from(await gpu.read(y)), [6, 2, 4]);
    gpu.G.fill(s, 7);
    assert.deepEqual(Array.from(gpu.G.readSync(s)), [7, 7, 7], 'fill knows the values: small int32 data stays readable');
    gpu.G.binary('add', s, [3], s, [3], [3], s);
    assert.throws(() => gpu.G.readSync(s), /await t\.dataAsync\(\)/, 'a kernel wrote the buffer: the host copy is gone');
    assert.deepEqual(Array.from(await gpu.read(s)), [14, 14, 14]);
    assert.throws(() => gpu.G.alloc('float64', 3), /float64 tensors are not supported/);
    assert.throws(() => gpu.G.alloc('float32', 2 ** 31), /a tensor of 2147483648 float32 elements \(8192\.0 MiB\) is larger than this GPU binds in one buffer/);
  });
  test('a write after recorded dispatches does not overtake them', async () => {
    const a = gpu.onGpu(new Float32Array([1, 2, 3]));
    const y = gpu.G.binary('mul', a, [3], a, [3], [3]); // recorded, not yet submitted
    gpu.G.write(a, [10, 20, 30]);
    assert.deepEqual(Array.from(await gpu.read(y)), [1, 4, 9]);
    assert.deepEqual(Array.from(await gpu.read(a)), [10, 20, 30]);
  });
});
