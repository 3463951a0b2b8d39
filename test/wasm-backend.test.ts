// test/wasm-backend.test.ts — every kernel of the wasm backend against the ref backend (the oracle) on
// random float32 inputs over a table of shapes and attributes: odd sizes (not multiples of 4 or 8),
// stride, dilation, asymmetric padding, groups and depthwise, 1-D as H = 1, on 1, 2 and 3 threads.
// Agreement: |wasm − ref| ≤ 1e-4·|ref| + 1e-4·(mean |ref| + 1) (the kernels sum in another order).
// Then a memory test: 10,000 conv forward + backward calls must leave the JS heap and the wasm heap flat.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BinaryOp, Conv2dAttrs, PoolAttrs, PoolAxis, ReduceOp, UnaryOp } from '../src/backend/backend.js';
import { refBackend } from '../src/backend/ref/index.js';
import { closeWasm, getNumThreads, setNumThreads, wasmBackend, wasmInfo } from '../src/backend/wasm/index.js';

let seed = 12345;
function rnd(n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    a[i] = lo + (hi - lo) * (seed / 2 ** 32);
  }
  return a;
}

function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-4): void {
  assert.equal(got.length, want.length, `${name}: length`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale += Math.abs(want[i]);
  const atol = 1e-4 * (scale / Math.max(1, want.length) + 1);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      assert.fail(`${name}: element ${i}: wasm ${g} vs ref ${w}`);
    }
  }
}

// ---- conv2d -------------------------------------------------------------------------------------

interface ConvCase { x: [number, number, number, number]; oc: number; k: [number, number]; s: [number, number];
  d: [number, number]; p: [number, number, number, number]; g: number }

function convCase(x: [number, number, number, number], oc: number, k: number | [number, number], o: {
  s?: number | [number, number]; d?: number | [number, number]; p?: number | [number, number, number, number]; g?: number } = {}): ConvCase {
  const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
  const p = o.p ?? 0;
  return { x, oc, k: pair(k), s: pair(o.s ?? 1), d: pair(o.d ?? 1), p: typeof p === 'number' ? [p, p, p, p] : p, g: o.g ?? 1 };
}

function attrsOf(c: ConvCase): Conv2dAttrs {
  const [N, C, H, W] = c.x;
  const [pT, pB, pL, pR] = c.p;
  const OH = Math.floor((H + pT + pB - c.d[0] * (c.k[0] - 1) - 1) / c.s[0]) + 1;
  const OW = Math.floor((W + pL + pR - c.d[1] * (c.k[1] - 1) - 1) / c.s[1]) + 1;
  return { N, C, H, W, OC: c.oc, KH: c.k[0], KW: c.k[1], OH, OW, strideH: c.s[0], strideW: c.s[1],
    padTop: pT, padLeft: pL, dilationH: c.d[0], dilationW: c.d[1], groups: c.g };
}

const CONV_CASES: ConvCase[] = [
  convCase([2, 4, 7, 6], 6, 3, { s: 2, p: 1, g: 2 }),
  convCase([1, 3, 9, 11], 5, 3),
  convCase([2, 3, 9, 11], 5, [3, 2], { p: 1, d: 2 }),
  convCase([1, 5, 10, 13], 7, 3, { s: [2, 3], p: [2, 0, 1, 3] }),          // asymmetric padding
  convCase([3, 6, 8, 8], 9, 1),                                          // pointwise
  convCase([2, 8, 12, 12], 8, 3, { p: 1, g: 8 }),                        // depthwise
  convCase([2, 8, 12, 11], 8, 3, { s: 2, p: 1, g: 8 }),                  // depthwise, stride 2
  convCase([1, 6, 13, 9], 6, [3, 5], { d: [2, 1], p: [2, 2, 1, 0], g: 6 }), // depthwise, dilated, asymmetric
  convCase([2, 6, 10, 10], 12, 3, { p: 1, g: 6 }),                       // depthwise multiplier 2 (GEMM path)
  convCase([2, 4, 1, 31], 6, [1, 5], { s: [1, 2], p: [0, 0, 2, 2] }),    // 1-D as H = 1
  convCase([1, 3, 1, 17], 4, [1, 3], { d: [1, 3], p: [0, 0, 3, 3] }),    // 1-D dilated
  convCase([1, 2, 5, 5], 3, 1, { p: 2 }),                                // padding wider than the kernel
  convCase([1, 2, 6, 6], 4, 2, { s: 3, p: [0, 2, 1, 0] }),
  convCase([4, 1, 28, 28], 6, 5),                                        // LeNet conv1
  convCase([4, 6, 12, 12], 16, 5),                                       // LeNet conv2
  convCase([2, 16, 20, 20], 24, 3, { p: 1 }),                            // big enough for 2 threads
  convCase([1, 3, 45, 45], 16, 7, { s: 2, p: 3 }),                       // one image, strided: threads split positions
  convCase([2, 20, 9, 9], 12, 3, { s: 2, p: 1, g: 4 }),
  convCase([1, 300, 6, 6], 5, 3, { p: 1 }),                              // K > one K block
  convCase([1, 5, 24, 24], 300, 3, { s: 2 }),                            // OC > one M block, grad input K > KC
];

const convName = (c: ConvCase): string =>
  `x=[${c.x.join(',')}] oc=${c.oc} k=${c.k[0] === c.k[1] ? c.k[0] : c.k.join('x')} s=${c.s[0] === c.s[1] ? c.s[0] : c.s.join('x')} ` +
  `d=${c.d[0] === c.d[1] ? c.d[0] : c.d.join('x')} p=${new Set(c.p).size === 1 ? c.p[0] : c.p.join(',')} g=${c.g}`;

// ---- pooling ------------------------------------------------------------------------------------

interface PoolCase { planes: number; H: number; W: number; k: number; s: number; p: number; d: number; ceil?: boolean; adaptive?: [number, number] }

/** Window tables as ops/pool.ts builds them (first in-bounds tap, in-bounds count, divisor). */
function axis(L: number, k: number, s: number, p: number, d: number, ceil: boolean, includePad = true): PoolAxis {
  let out = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= L + p) out--;
  const start = new Int32Array(out), count = new Int32Array(out), divisor = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const first = o * s - p;
    let st = -1, c = 0;
    for (let t = 0; t < k; t++) { const i = first + t * d; if (i >= 0 && i < L) { if (st < 0) st = i; c++; } }
    start[o] = Math.max(st, 0); count[o] = c;
    const padded = Math.min(first + (k - 1) * d + 1, L + p) - first;
    divisor[o] = c === 0 ? 1 : includePad ? padded : c;
  }
  return { size: L, outSize: out, start, count, step: d, divisor };
}

function adaptiveAxis(L: number, out: number): PoolAxis {
  const start = new Int32Array(out), count = new Int32Array(out), divisor = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const a = Math.floor((o * L) / out), b = Math.ceil(((o + 1) * L) / out);
    start[o] = a; count[o] = b - a; divisor[o] = b - a;
  }
  return { size: L, outSize: out, start, count, step: 1, divisor };
}

function poolAttrs(c: PoolCase): PoolAttrs {
  if (c.adaptive) return { planes: c.planes, h: adaptiveAxis(c.H, c.adaptive[0]), w: adaptiveAxis(c.W, c.adaptive[1]) };
  return { planes: c.planes, h: axis(c.H, c.k, c.s, c.p, c.d, !!c.ceil), w: axis(c.W, c.k, c.s, c.p, c.d, !!c.ceil, false) };
}

const poolName = (c: PoolCase): string => c.adaptive
  ? `planes=${c.planes} x=${c.H}x${c.W} adaptive=${c.adaptive.join('x')}`
  : `planes=${c.planes} x=${c.H}x${c.W} k=${c.k} s=${c.s} p=${c.p} d=${c.d}${c.ceil ? ' ceil' : ''}`;

const POOL_CASES: PoolCase[] = [
  { planes: 3, H: 4, W: 4, k: 2, s: 2, p: 0, d: 1 },
  { planes: 5, H: 7, W: 9, k: 3, s: 2, p: 1, d: 1 },
  { planes: 2, H: 7, W: 9, k: 3, s: 2, p: 1, d: 1, ceil: true },
  { planes: 4, H: 11, W: 10, k: 3, s: 1, p: 1, d: 2 },
  { planes: 6, H: 1, W: 17, k: 3, s: 2, p: 1, d: 1 },     // 1-D
  { planes: 64, H: 30, W: 30, k: 2, s: 2, p: 0, d: 1 },   // big enough for threads
  { planes: 3, H: 10, W: 7, k: 0, s: 0, p: 0, d: 1, adaptive: [3, 4] },
];

// ---- every kernel, on 2, 1 and 3 threads --------------------------------------------------------

for (const threads of [2, 1, 3]) {
  describe(`wasm backend, ${threads} thread${threads > 1 ? 's' : ''}`, () => {
    test('setNumThreads', () => { setNumThreads(threads); assert.equal(getNumThreads(), threads); });
    for (const c of CONV_CASES) {
      const a = attrsOf(c);
      const x = rnd(a.N * a.C * a.H * a.W), w = rnd(a.OC * (a.C / a.groups) * a.KH * a.KW), b = rnd(a.OC);
      const dy = rnd(a.N * a.OC * a.OH * a.OW);
      test(`conv2d ${convName(c)}`, () => {
        close('forward', wasmBackend.conv2d(x, w, b, a), refBackend.conv2d(x, w, b, a));
        close('forward, no bias', wasmBackend.conv2d(x, w, null, a), refBackend.conv2d(x, w, null, a));
      });
      test(`conv2dGradInput ${convName(c)}`, () => {
        close('grad input', wasmBackend.conv2dGradInput(dy, w, a), refBackend.conv2dGradInput(dy, w, a));
      });
      test(`conv2dGradWeight ${convName(c)}`, () => {
        close('grad weight', wasmBackend.conv2dGradWeight(x, dy, a), refBackend.conv2dGradWeight(x, dy, a));
      });
    }
    for (const [batch, M, K, N] of [[1, 1, 1, 1], [1, 5, 7, 3], [3, 13, 17, 11], [2, 64, 300, 40], [1, 130, 520, 129]]) {
      test(`matmul batch=${batch} [${M},${K}]x[${K},${N}]`, () => {
        const A = rnd(batch * M * K), B = rnd(batch * K * N);
        close('matmul', wasmBackend.matmul(A, B, batch, M, K, N), refBackend.matmul(A, B, batch, M, K, N));
      });
    }
    const UNARY_OPS: UnaryOp[] = ['neg', 'abs', 'relu', 'sqrt', 'square', 'reciprocal', 'floor', 'ceil', 'step',
      'exp', 'log', 'sigmoid', 'tanh', 'sin', 'round'];
    for (const op of UNARY_OPS) {
      test(`unary ${op} n=5003`, () => {
        const x = rnd(5003, -4, 4);
        x[7] = NaN; x[8] = 0; x[9] = -0;
        if (op === 'sqrt' || op === 'log') for (let i = 10; i < x.length; i++) x[i] = Math.abs(x[i]);
        close(op, wasmBackend.unary(op, x), refBackend.unary(op, x));
      });
    }
    const BIN_SHAPES: [number[], number[]][] = [
      [[5, 7, 131], [5, 7, 131]],      // same shape
      [[4, 1203], [1]],                // scalar
      [[1], [4, 1203]],                // scalar on the left
      [[37, 131], [131]],              // row
      [[3, 8, 13, 17], [1, 8, 1, 1]],  // per channel (bias)
      [[1, 8, 1, 1], [3, 8, 13, 17]],  // per channel on the left
      [[9, 6, 97], [9, 1, 97]],        // two separate runs: ref
      [[9, 1, 97], [1, 6, 1]],         // both repeat: ref
    ];
    const BIN_OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'gt'];
    for (const [as, bs] of BIN_SHAPES) {
      const out = as.length >= bs.length ? as.map((d, i) => Math.max(d, bs[i - as.length + bs.length] ?? 1))
        : bs.map((d, i) => Math.max(d, as[i - bs.length + as.length] ?? 1));
      const a = rnd(as.reduce((p, d) => p * d, 1), 0.5, 2), b = rnd(bs.reduce((p, d) => p * d, 1), 0.5, 2);
      for (const op of BIN_OPS) {
        test(`binary ${op} [${as}] [${bs}]`, () => {
          close(op, wasmBackend.binary(op, a, as, b, bs, out), refBackend.binary(op, a, as, b, bs, out));
        });
      }
    }
    for (const n of [5003, 70001]) {
      test(`binary reluGrad n=${n} (zeros, -0, NaN)`, () => {
        const g = rnd(n), x = rnd(n);
        x[3] = 0; x[4] = -0; x[5] = NaN; g[6] = NaN; x[6] = 1; g[7] = NaN; x[7] = -1;
        close('reluGrad', wasmBackend.binary('reluGrad', g, [n], x, [n], [n]), refBackend.binary('reluGrad', g, [n], x, [n], [n]));
      });
    }
    const RED_CASES: [number[], number[]][] = [[[6001], [0]], [[7, 1001], [1]], [[7, 1001], [0]], [[3, 5, 7, 97], [1, 2]],
      [[3, 5, 7, 97], [0, 1, 2, 3]], [[2, 4099], [1]], [[4, 6, 211], [0, 2]]];
    for (const [shape, axes] of RED_CASES) {
      const x = rnd(shape.reduce((p, d) => p * d, 1));
      for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
        test(`reduce ${op} x=[${shape}] axes=[${axes}]`, () => {
          close(op, wasmBackend.reduce(op, x, shape, axes), refBackend.reduce(op, x, shape, axes), 2e-4);
        });
      }
    }
    for (const p of POOL_CASES) {
      const a = poolAttrs(p);
      const x = rnd(a.planes * a.h.size * a.w.size);
      const dy = rnd(a.planes * a.h.outSize * a.w.outSize);
      test(`maxPool ${poolName(p)}`, () => {
        const got = wasmBackend.maxPool(x, a), want = refBackend.maxPool(x, a);
        close('out', got.out, want.out);
        assert.deepEqual(got.argmax, want.argmax);
        close('grad', wasmBackend.maxPoolGrad(dy, want.argmax, a), refBackend.maxPoolGrad(dy, want.argmax, a));
        const v = wasmBackend.maxPool(x, a, false);
        close('out without argmax', v.out, want.out);
        assert.equal(v.argmax.length, 0);
        assert.equal(refBackend.maxPool(x, a, false).argmax.length, 0);
      });
      if (p.d === 1) {
        test(`avgPool ${poolName(p)}`, () => {
          close('out', wasmBackend.avgPool(x, a), refBackend.avgPool(x, a));
          close('grad', wasmBackend.avgPoolGrad(dy, a), refBackend.avgPoolGrad(dy, a));
        });
      }
    }
  });
}

describe('wasm backend, float64 and edge cases', () => {
  test('float64 inputs run on ref and stay float64', () => {
    const c = attrsOf(convCase([1, 2, 5, 5], 3, 3, { p: 1 }));
    const x = Float64Array.from(rnd(50)), w = Float64Array.from(rnd(54));
    const y = wasmBackend.conv2d(x, w, null, c);
    assert.ok(y instanceof Float64Array);
    assert.deepEqual(y, refBackend.conv2d(x, w, null, c));
  });
  test('maxPool propagates NaN and keeps the first NaN index', () => {
    const a = poolAttrs({ planes: 1, H: 4, W: 4, k: 2, s: 2, p: 0, d: 1 });
    const x = rnd(16);
    x[5] = NaN; x[4] = 7; x[10] = NaN; x[11] = NaN;
    const got = wasmBackend.maxPool(x, a), want = refBackend.maxPool(x, a);
    close('out', got.out, want.out);
    assert.deepEqual(got.argmax, want.argmax);
    close('out without argmax', wasmBackend.maxPool(x, a, false).out, want.out);
  });
  test('maxPool 2x2 without argmax: NaN and ±inf in long rows, ties', () => {
    const a = poolAttrs({ planes: 3, H: 6, W: 38, k: 2, s: 2, p: 0, d: 1 });
    const x = rnd(3 * 6 * 38);
    x[2] = NaN; x[40] = Infinity; x[41] = -Infinity; x[100] = 3e38; x[101] = 3e38; x[139] = 3e38;
    x[300] = NaN; x[301] = NaN; x[500] = x[501] = x[538] = x[539] = 0.25; x[600] = -0; x[601] = 0;
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      const want = refBackend.maxPool(x, a).out, got = wasmBackend.maxPool(x, a, false).out;
      close('out', got, want);
    }
  });
});

// ---- memory -------------------------------------------------------------------------------------

describe('wasm backend memory', () => {
  test('10,000 conv forward + backward calls leave the JS heap and the wasm heap flat', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setNumThreads(2);
    const a = attrsOf(convCase([2, 3, 12, 12], 8, 3, { p: 1 }));
    const x = rnd(a.N * a.C * a.H * a.W), w = rnd(a.OC * a.C * 9), b = rnd(a.OC), dy = rnd(a.N * a.OC * a.OH * a.OW);
    const step = (): void => {
      wasmBackend.conv2d(x, w, b, a);
      wasmBackend.conv2dGradInput(dy, w, a);
      wasmBackend.conv2dGradWeight(x, dy, a);
      wasmBackend.maxPool(x, poolAttrs({ planes: a.N * a.C, H: 12, W: 12, k: 2, s: 2, p: 0, d: 1 }));
    };
    for (let i = 0; i < 200; i++) step(); // warm up: the heap reaches its size, the JIT settles
    gc(); gc();
    const heap0 = process.memoryUsage().heapUsed, wasm0 = wasmInfo().heapBytes;
    for (let i = 0; i < 10_000; i++) step();
    gc(); gc();
    const heap1 = process.memoryUsage().heapUsed, wasm1 = wasmInfo().heapBytes;
    assert.equal(wasm1, wasm0, `wasm heap grew from ${wasm0} to ${wasm1} bytes`);
    assert.ok(heap1 - heap0 < 2 * 1024 * 1024, `JS heap grew by ${((heap1 - heap0) / 1024).toFixed(0)} KiB`);
  });
});

after(() => closeWasm());
