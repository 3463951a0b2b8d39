// test/webgpu-pool.test.ts — the webgpu backend's maxPool (with and without arg-max), maxPoolGrad, avgPool,
// avgPoolGrad, pad and padGrad against ref. Pooling attrs come from the ops themselves (the window tables
// are captured from the backend call an op makes), pad attrs from ops/pad.ts's padAttrs, so the tables
// are exactly those the library builds. Pooling runs in both forms: windows walked in one dispatch, and
// walked over several (global pools over 256×256, 400×400 and 70,000, and the small cases again with
// GpuRuntime.serialSteps lowered).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PadAttrs, PadMode, PoolAttrs } from '../src/backend/backend.js';
import { backend } from '../src/backend/index.js';
import { zeros } from '../src/tensor/creation.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { numel } from '../src/tensor/shape.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
  type AvgPoolOptions, type MaxPoolOptions,
} from '../src/ops/pool.js';
import { padAttrs } from '../src/ops/pad.js';
import { useWebgpu, rnd, rndInt, webgpuWanted, withSerialSteps } from './helpers/webgpu.js';

/** The PoolAttrs an op passes to the current backend's `kernel` (the op runs on zeros of `shape`). */
function captured(kernel: 'maxPool' | 'avgPool', shape: number[], op: (x: Tensor) => unknown): PoolAttrs {
  const b = backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = b[kernel];
  let attrs: PoolAttrs | null = null;
  b[kernel] = (...args: unknown[]) => { attrs = args[1] as PoolAttrs; return original.apply(b, args); };
  try { op(zeros(shape)); } finally { b[kernel] = original; }
  assert.ok(attrs, `${kernel} was not called`);
  return attrs;
}

const inputSize = (a: PoolAttrs): number => a.planes * a.h.size * a.w.size;
const outputSize = (a: PoolAttrs): number => a.planes * a.h.outSize * a.w.outSize;

interface MaxCase { name: string; shape: number[]; op: (x: Tensor) => unknown }
interface AvgCase { name: string; shape: number[]; op: (x: Tensor) => unknown }

const mp2 = (k: number | number[], o: MaxPoolOptions & { returnIndices?: false } = {}) => (x: Tensor) => maxPool2d(x, k, o);
const ap2 = (k: number | number[], o: AvgPoolOptions = {}) => (x: Tensor) => avgPool2d(x, k, o);

const MAX_CASES: MaxCase[] = [
  { name: '2×2 default stride', shape: [2, 3, 8, 10], op: mp2(2) },
  { name: '3×3 stride 2 padding 1, odd sizes', shape: [2, 3, 7, 9], op: mp2(3, { stride: 2, padding: 1 }) },
  { name: '3×3 stride 1 (overlapping windows)', shape: [1, 2, 6, 5], op: mp2(3, { stride: 1 }) },
  { name: '[3,2] stride [2,3] padding [1,0] dilation [2,1]', shape: [2, 2, 10, 11], op: mp2([3, 2], { stride: [2, 3], padding: [1, 0], dilation: [2, 1] }) },
  { name: '3×3 stride 2 ceil mode', shape: [1, 3, 9, 10], op: mp2(3, { stride: 2, ceilMode: true }) },
  { name: '[2,3] stride 2 padding 1 dilation 2 ceil mode', shape: [1, 1, 7, 8], op: mp2([2, 3], { stride: 2, padding: 1, dilation: 2, ceilMode: true }) },
  { name: '3-D input (C, H, W), 5×5 stride 3 padding 2', shape: [3, 11, 13], op: mp2(5, { stride: 3, padding: 2 }) },
  { name: '1-D k=3 stride 2 padding 1 dilation 2', shape: [2, 3, 17], op: (x) => maxPool1d(x, 3, { stride: 2, padding: 1, dilation: 2 }) },
  { name: '1-D k=4 stride 3 ceil mode', shape: [2, 13], op: (x) => maxPool1d(x, 4, { stride: 3, ceilMode: true }) },
  { name: 'adaptive 2-D 10×7 → 3×4', shape: [2, 3, 10, 7], op: (x) => adaptiveMaxPool2d(x, [3, 4]) },
  { name: 'adaptive 2-D 5×9 → 4×[null]', shape: [1, 2, 5, 9], op: (x) => adaptiveMaxPool2d(x, [4, null]) },
  { name: 'adaptive 1-D 13 → 5', shape: [2, 5, 13], op: (x) => adaptiveMaxPool1d(x, 5) },
  { name: 'large: 3×3 stride 2 padding 1 over 4×8×33×31', shape: [4, 8, 33, 31], op: mp2(3, { stride: 2, padding: 1 }) },
];

const AVG_CASES: AvgCase[] = [
  { name: '2×2 default stride', shape: [2, 3, 8, 10], op: ap2(2) },
  { name: '3×3 stride 2 padding 1 (countIncludePad)', shape: [2, 3, 7, 9], op: ap2(3, { stride: 2, padding: 1 }) },
  { name: '3×3 stride 2 padding 1, countIncludePad false', shape: [2, 3, 7, 9], op: ap2(3, { stride: 2, padding: 1, countIncludePad: false }) },
  { name: '3×3 stride 2 padding 1 ceil mode', shape: [1, 2, 8, 9], op: ap2(3, { stride: 2, padding: 1, ceilMode: true }) },
  { name: '3×3 stride 2 padding 1 ceil mode, countIncludePad false', shape: [1, 2, 8, 9],
    op: ap2(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }) },
  { name: '[3,2] stride [1,2] padding [1,1] (overlapping rows)', shape: [2, 2, 6, 7], op: ap2([3, 2], { stride: [1, 2], padding: [1, 1] }) },
  { name: 'divisorOverride 7', shape: [1, 3, 9, 9], op: ap2(3, { stride: 2, padding: 1, divisorOverride: 7 }) },
  { name: 'divisorOverride −2, ceil mode', shape: [1, 2, 8, 7], op: ap2(3, { stride: 2, ceilMode: true, divisorOverride: -2 }) },
  { name: '3-D input (C, H, W), 4×4 stride 3 padding 2', shape: [3, 11, 13], op: ap2(4, { stride: 3, padding: 2 }) },
  { name: '1-D k=4 stride 3 padding 2', shape: [2, 3, 17], op: (x) => avgPool1d(x, 4, { stride: 3, padding: 2 }) },
  { name: '1-D k=3 stride 2 padding 1 ceil mode, countIncludePad false', shape: [2, 12],
    op: (x) => avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }) },
  { name: 'adaptive 2-D 10×7 → 3×4', shape: [2, 3, 10, 7], op: (x) => adaptiveAvgPool2d(x, [3, 4]) },
  { name: 'adaptive 2-D 9×9 → 4×4 (overlapping windows)', shape: [1, 2, 9, 9], op: (x) => adaptiveAvgPool2d(x, 4) },
  { name: 'adaptive 1-D 13 → 5', shape: [2, 5, 13], op: (x) => adaptiveAvgPool1d(x, 5) },
  { name: 'large: 3×3 stride 2 padding 1 over 4×8×33×31', shape: [4, 8, 33, 31], op: ap2(3, { stride: 2, padding: 1 }) },
];

// Sums of a few float32 terms: ref accumulates in float64 and divides once; the GPU in float32.
const AVG_TOL = { rtol: 1e-5, atol: 1e-6 };

/**
 * The two forms of the pooling kernels: a window (or an input's set of readers, for the gradients) walked
 * in one dispatch, and walked over several, as those of more than GpuRuntime.serialSteps taps are
 * (llvmpipe's loop limit). These small windows reach the second with serialSteps lowered to 2, which
 * also splits walks inside a window's row.
 */
const FORMS: [label: string, steps: number | null][] = [['', null], [' (walked, 2 steps per dispatch)', 2]];
const EXACT = { rtol: 0, atol: 0 };

interface PadCase { shape: number[]; pad: number[]; mode: PadMode; value?: number }

const PAD_CASES: PadCase[] = [
  { shape: [2, 5, 6], pad: [2, 1], mode: 'constant', value: 2.5 },
  { shape: [2, 5, 6], pad: [1, -2, -1, 3], mode: 'constant' },
  { shape: [2, 3, 5, 6], pad: [-1, 2, 0, 1, 2, -1], mode: 'constant', value: -1.5 },
  { shape: [2, 3, 5, 6], pad: [-3, -3], mode: 'constant' }, // cropped to nothing
  { shape: [2, 3, 5, 6], pad: [1, 0, 0, 0, 0, 0, 1, 2], mode: 'constant', value: 7 }, // all 4 dims
  { shape: [2, 5, 6], pad: [2, 3], mode: 'reflect' },
  { shape: [2, 5, 6], pad: [1, 5, 4, 0], mode: 'reflect' },
  { shape: [2, 3, 5, 6], pad: [3, 1, 0, 2, 2, 1], mode: 'reflect' },
  { shape: [2, 5, 6], pad: [3, 0], mode: 'replicate' },
  { shape: [2, 5, 6], pad: [2, 5, 1, 1], mode: 'replicate' },
  { shape: [2, 3, 5, 6], pad: [1, 2, 3, 0, 2, 4], mode: 'replicate' },
  { shape: [2, 5, 6], pad: [6, 2], mode: 'circular' },
  { shape: [2, 5, 6], pad: [2, 3, 5, 1], mode: 'circular' },
  { shape: [2, 3, 5, 6], pad: [1, 6, 2, 2, 3, 1], mode: 'circular' },
  { shape: [3, 1, 4], pad: [3, 3, 2, 2], mode: 'replicate' }, // a size-1 dim read many times
];

const padName = (c: PadCase): string => `${c.mode} [${c.shape}] pad [${c.pad}]${c.value !== undefined ? ` value ${c.value}` : ''}`;

function padFor(c: PadCase): PadAttrs {
  return padAttrs('pad', zeros(c.shape), c.pad, c.value !== undefined ? { mode: c.mode, value: c.value } : { mode: c.mode });
}

describe('webgpu pooling and padding', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();

  for (const [form, steps] of FORMS) {
    for (const c of MAX_CASES) {
      test(`maxPool ${c.name}${form}: values, arg-max, values only, gradient`, () => withSerialSteps(steps, async () => {
        const a = captured('maxPool', c.shape, c.op);
        const x = rnd(inputSize(a)), dy = rnd(outputSize(a));
        await gpu.compare(`maxPool ${c.name}`, (b, S) => {
          const { out, argmax } = b.maxPool(S(x), a, true);
          return [out, argmax, b.maxPoolGrad(S(dy), argmax!, a)];
        }, EXACT);
        await gpu.compare(`maxPool ${c.name} without arg-max`, (b, S) => {
          const r = b.maxPool(S(x), a, false);
          assert.equal(r.argmax, null);
          return r.out;
        }, EXACT);
      }));
    }

    test(`maxPool ties (first maximum wins), NaN (the first NaN wins), −∞ windows${form}; gradients`, () => withSerialSteps(steps, async () => {
      const cases: MaxCase[] = [MAX_CASES[1], MAX_CASES[2], MAX_CASES[3], MAX_CASES[5], MAX_CASES[7], MAX_CASES[10]];
      for (const c of cases) {
        const a = captured('maxPool', c.shape, c.op);
        const n = inputSize(a);
        // Few distinct values: most windows hold ties.
        const ties = Float32Array.from(rndInt(n, 0, 3));
        const special = Float32Array.from(rndInt(n, 0, 12), (v, i) => (v === 0 ? NaN : v === 1 ? -Infinity : v === 2 ? Infinity : ties[i]));
        const allNegInf = new Float32Array(n).fill(-Infinity);
        for (const [what, x] of [['ties', ties], ['NaN/±∞', special], ['all −∞', allNegInf]] as const) {
          const dy = rnd(outputSize(a));
          await gpu.compare(`maxPool ${c.name} ${what}`, (b, S) => {
            const { out, argmax } = b.maxPool(S(x), a, true);
            return [out, argmax, b.maxPoolGrad(S(dy), argmax!, a)];
          }, EXACT);
        }
      }
    }));

    for (const c of AVG_CASES) {
      test(`avgPool ${c.name}${form}: values and gradient`, () => withSerialSteps(steps, async () => {
        const a = captured('avgPool', c.shape, c.op);
        await gpu.compare(`avgPool ${c.name}`, (b, S) => b.avgPool(S(rnd(inputSize(a))), a), AVG_TOL);
        await gpu.compare(`avgPoolGrad ${c.name}`, (b, S) => b.avgPoolGrad(S(rnd(outputSize(a))), a), AVG_TOL);
      }));
    }

    test(`avgPool propagates NaN and ±∞${form}`, () => withSerialSteps(steps, async () => {
      const a = captured('avgPool', [1, 2, 7, 9], ap2(3, { stride: 2, padding: 1 }));
      const x = Float32Array.from(rndInt(inputSize(a), 0, 20), (v) => (v === 0 ? NaN : v === 1 ? Infinity : v === 2 ? -Infinity : v / 7));
      await gpu.compare('avgPool special', (b, S) => b.avgPool(S(x), a), AVG_TOL);
      await gpu.compare('avgPoolGrad special', (b, S) => b.avgPoolGrad(S(Float32Array.from(x.subarray(0, outputSize(a)))), a), AVG_TOL);
    }));
  }

  // Mesa's llvmpipe stops a shader invocation's loops after 65,535 iterations, silently: a global average
  // pool over 256×256 once came out wrong there. Windows of more than serialSteps taps are walked over several
  // dispatches; here global pools past that limit (a 1-D one walks within one row), with their gradients.
  test('global max and average pools over 256×256, 400×400 and 1-D 70,000 (walked over several dispatches), with gradients', async () => {
    const cases: [string, number[], (k: number) => (x: Tensor) => unknown][] = [
      ['256²', [1, 2, 256, 256], (k) => mp2(k)], ['400²', [1, 1, 400, 400], (k) => mp2(k)], ['1-D 70,000', [1, 2, 70_000], (k) => (x) => maxPool1d(x, k)],
    ];
    for (const [name, shape, maxOp] of cases) {
      const k = shape[shape.length - 1];
      const m = captured('maxPool', shape, maxOp(k));
      const x = rnd(inputSize(m)), dy = rnd(outputSize(m));
      await gpu.compare(`maxPool ${name}`, (b, S) => {
        const { out, argmax } = b.maxPool(S(x), m, true);
        return [out, argmax, b.maxPoolGrad(S(dy), argmax!, m)];
      }, EXACT);
      const avgOp = shape.length === 3 ? (t: Tensor) => adaptiveAvgPool1d(t, 1) : (t: Tensor) => adaptiveAvgPool2d(t, 1);
      const a = captured('avgPool', shape, avgOp);
      await gpu.compare(`avgPool ${name}`, (b, S) => [b.avgPool(S(x), a), b.avgPoolGrad(S(dy), a)], AVG_TOL);
    }
  });

  for (const c of PAD_CASES) {
    test(`pad ${padName(c)}, and padGrad`, async () => {
      const a = padFor(c);
      const x = rnd(numel(c.shape)), dy = rnd(numel(a.outShape));
      await gpu.compare(`pad ${padName(c)}`, (b, S) => b.pad(S(x), a), EXACT);
      // Reflect and circular read some inputs several times: the sums run in ref's order, so exact.
      await gpu.compare(`padGrad ${padName(c)}`, (b, S) => b.padGrad(S(dy), a), EXACT);
    });
  }

  test('pad and padGrad on int32 data (the constant truncates as an Int32Array stores it), NaN constant', async () => {
    for (const [c, value] of [[PAD_CASES[1], 1.7], [PAD_CASES[2], -2.9], [PAD_CASES[7], undefined], [PAD_CASES[13], undefined]] as const) {
      const a = { ...padFor(c), ...(value !== undefined ? { value } : {}) };
      const x = rndInt(numel(c.shape), -50, 50), dy = rndInt(numel(a.outShape), -50, 50);
      await gpu.compare(`pad int32 ${padName(c)}`, (b, S) => b.pad(S(x), a), EXACT);
      await gpu.compare(`padGrad int32 ${padName(c)}`, (b, S) => b.padGrad(S(dy), a), EXACT);
    }
    const a = { ...padFor(PAD_CASES[0]), value: NaN };
    await gpu.compare('pad NaN constant', (b, S) => b.pad(S(rnd(60)), a), EXACT);
    await gpu.compare('pad NaN constant int32', (b, S) => b.pad(S(rndInt(60, -5, 5)), a), EXACT);
  });
});
