// test/wasm-backend.test.ts — the compiled kernels of the wasm backend against the ref backend (the
// oracle), called directly on storages, on random float32 inputs over a table of shapes and attributes:
// odd sizes (not multiples of 4 or 8), stride, dilation, asymmetric padding, groups and depthwise, 1-D as
// H = 1, and the fused optimizer steps (sgdStep/adamStep over a table of SGD/Adam/AdamW settings, several
// steps each, params and state compared), on 1, 2 and 3 threads. Agreement: |wasm − ref| ≤ 1e-4·|ref| + 1e-4·(mean |ref| + 1) (the
// kernels sum in another order). Then memory: the data stays in the heap (outputs reuse freed blocks,
// the heap does not grow, 10,000 kernel calls leave the JS heap flat), and spilling under pressure keeps
// values intact.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AdamAttrs, Backend, BinaryOp, Conv2dAttrs, PoolAttrs, PoolAxis, ReduceOp, SgdAttrs, Storage, UnaryOp } from '../src/backend/backend.js';
import { backend, getBackend, setBackend } from '../src/backend/index.js';
import { closeWasm, getNumThreads, setNumThreads, setWasmMemoryLimit, wasmInfo } from '../src/backend/wasm/index.js';
import { threadsFor } from '../src/backend/wasm/runtime.js';
import { dtypeOf, type DataArray } from '../src/tensor/dtype.js';
import { F, randn, fallbackCounts, resetFallbackCounts } from '../src/index.js';

/** The two backends, started once: their kernels are called directly on storages. */
let R: Backend, W: Backend, previous = '';
before(async () => {
  previous = getBackend();
  await setBackend('ref'); R = backend();
  await setBackend('wasm'); W = backend();
});
after(async () => { await setBackend(previous); closeWasm(); });

/** A storage on backend b holding the values. */
const on = (b: Backend, a: DataArray): Storage => { const s = b.alloc(dtypeOf(a), a.length); b.write(s, a); return s; };
const read = (b: Backend, s: Storage): DataArray => b.readSync(s);

/** Runs kernel k on each backend with the same array arguments (storages made on each) and reads the results. */
function both<T>(k: (b: Backend, S: (a: DataArray) => Storage) => T, get: (b: Backend, r: T) => DataArray): [DataArray, DataArray] {
  return [get(W, k(W, (a) => on(W, a))), get(R, k(R, (a) => on(R, a)))];
}

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
  convCase([2, 4, 9, 13], 4, 3, { p: 1, g: 4 }),                         // depthwise 3×3: rows of 8 + 4 + 1
  convCase([1, 3, 7, 7], 3, 3, { g: 3 }),                                // depthwise 3×3 unpadded: rows of 4 + 1
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

// ---- optimizer steps ----------------------------------------------------------------------------

type SgdCase = Partial<SgdAttrs> & { lr: number };
type AdamCase = Partial<Omit<AdamAttrs, 'step'>> & { lr: number };
const sgdAttrs = (c: SgdCase): SgdAttrs => ({ momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...c });
const adamAttrs = (c: AdamCase, step: number): AdamAttrs => ({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0,
  decoupled: false, amsgrad: false, maximize: false, ...c, step });
const optName = (c: object): string => Object.entries(c).map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(' ');

const SGD_CASES: SgdCase[] = [
  { lr: 0.1 },                                                         // no momentum buffer
  { lr: 0.1, weightDecay: 0.01, maximize: true },                      // no buffer, decay, maximize
  { lr: 0.05, momentum: 0.9 },
  { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.01 },
  { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.02 },
  { lr: 0.01, momentum: 0.5, dampening: 0.1, maximize: true },
];
const ADAM_CASES: AdamCase[] = [
  { lr: 0.01 },                                                                        // Adam
  { lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: true },   // Adam, L2, amsgrad
  { lr: 0.01, weightDecay: 0.05, maximize: true },                                     // Adam, L2, maximize
  { lr: 0.01, weightDecay: 0.01, decoupled: true },                                    // AdamW
  { lr: 0.03, beta2: 0.9, weightDecay: 0.1, decoupled: true, amsgrad: true, maximize: true }, // AdamW, amsgrad, maximize
];
const OPT_STEPS = 4;

/** Runs `run` (in-place steps on storages made by S) on each backend; compares every returned storage with ref's. */
function compareInPlace(names: string[], run: (b: Backend, S: (a: DataArray) => Storage) => (Storage | null)[]): void {
  const [got, want] = [W, R].map((b) => run(b, (a) => on(b, a)).map((s) => {
    if (!s) return null;
    const v = read(b, s);
    b.free(s);
    return v;
  }));
  for (const [i, name] of names.entries()) {
    assert.equal(got[i] === null, want[i] === null, `${name}: present on both`);
    if (want[i]) close(name, got[i]!, want[i]!);
  }
}

// ---- every kernel, on 2, 1 and 3 threads --------------------------------------------------------

for (const threads of [2, 1, 3]) {
  describe(`wasm backend, ${threads} thread${threads > 1 ? 's' : ''}`, () => {
    test('setNumThreads', () => { setNumThreads(threads); assert.equal(getNumThreads(), threads); });
    for (const c of CONV_CASES) {
      const a = attrsOf(c);
      const x = rnd(a.N * a.C * a.H * a.W), w = rnd(a.OC * (a.C / a.groups) * a.KH * a.KW), b = rnd(a.OC);
      const dy = rnd(a.N * a.OC * a.OH * a.OW);
      test(`conv2d ${convName(c)}`, () => {
        close('forward', ...both((k, S) => k.conv2d(S(x), S(w), S(b), a), read));
        close('forward, no bias', ...both((k, S) => k.conv2d(S(x), S(w), null, a), read));
      });
      test(`conv2dGradInput ${convName(c)}`, () => {
        close('grad input', ...both((k, S) => k.conv2dGradInput(S(dy), S(w), a), read));
      });
      test(`conv2dGradWeight ${convName(c)}`, () => {
        close('grad weight', ...both((k, S) => k.conv2dGradWeight(S(x), S(dy), a), read));
      });
    }
    for (const [batch, M, K, N] of [[1, 1, 1, 1], [1, 5, 7, 3], [3, 13, 17, 11], [2, 64, 300, 40], [1, 130, 520, 129]]) {
      test(`matmul batch=${batch} [${M},${K}]x[${K},${N}]`, () => {
        const A = rnd(batch * M * K), B = rnd(batch * K * N);
        close('matmul', ...both((k, S) => k.matmul(S(A), S(B), batch, M, K, N), read));
      });
    }
    for (const [batch, M, K, N] of [[1, 64, 400, 120], [2, 5, 7, 3], [1, 120, 64, 400], [3, 13, 17, 11]]) {
      for (const [tA, tB] of [[false, true], [true, false], [true, true]]) {
        test(`matmul batch=${batch} [${M},${K}]x[${K},${N}] transA=${tA} transB=${tB}`, () => {
          const A = rnd(batch * M * K), B = rnd(batch * K * N);
          close('matmul', ...both((k, S) => k.matmul(S(A), S(B), batch, M, K, N, tA, tB), read));
        });
      }
    }
    const UNARY_OPS: UnaryOp[] = ['neg', 'abs', 'relu', 'sqrt', 'square', 'reciprocal', 'floor', 'ceil', 'step',
      'exp', 'log', 'sigmoid', 'tanh', 'sin', 'round'];
    for (const op of UNARY_OPS) {
      test(`unary ${op} n=5003`, () => {
        const x = rnd(5003, -4, 4);
        x[7] = NaN; x[8] = 0; x[9] = -0;
        if (op === 'sqrt' || op === 'log') for (let i = 10; i < x.length; i++) x[i] = Math.abs(x[i]);
        close(op, ...both((k, S) => k.unary(op, S(x)), read));
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
          close(op, ...both((k, S) => k.binary(op, S(a), as, S(b), bs, out), read));
        });
      }
    }
    for (const n of [5003, 70001]) {
      test(`binary reluGrad n=${n} (zeros, -0, NaN)`, () => {
        const g = rnd(n), x = rnd(n);
        x[3] = 0; x[4] = -0; x[5] = NaN; g[6] = NaN; x[6] = 1; g[7] = NaN; x[7] = -1;
        close('reluGrad', ...both((k, S) => k.binary('reluGrad', S(g), [n], S(x), [n], [n]), read));
      });
    }
    const RED_CASES: [number[], number[]][] = [[[6001], [0]], [[7, 1001], [1]], [[7, 1001], [0]], [[3, 5, 7, 97], [1, 2]],
      [[3, 5, 7, 97], [0, 1, 2, 3]], [[2, 4099], [1]], [[4, 6, 211], [0, 2]]];
    for (const [shape, axes] of RED_CASES) {
      const x = rnd(shape.reduce((p, d) => p * d, 1));
      for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
        test(`reduce ${op} x=[${shape}] axes=[${axes}]`, () => {
          close(op, ...both((k, S) => k.reduce(op, S(x), shape, axes), read), 2e-4);
        });
      }
    }
    // 5003 = 4·1250 + 3 runs the vector loop and the scalar tail on one thread (below threadsFor's
    // minimum work); OPT_BIG is big enough that both steps split over `threads` threads.
    const OPT_BIG = 375_003;
    test(`optimizer steps of n=${OPT_BIG} run on ${threads} thread${threads > 1 ? 's' : ''}`, () => {
      assert.equal(threadsFor(OPT_BIG * 8), threads); // sgdStep's estimate
      assert.equal(threadsFor(OPT_BIG * 20), threads); // adamStep's
    });
    for (const n of [5003, OPT_BIG]) {
      for (const c of SGD_CASES) {
        test(`sgdStep n=${n} ${optName(c)}, ${OPT_STEPS} steps`, () => {
          const a = sgdAttrs(c);
          const x = rnd(n), grads = Array.from({ length: OPT_STEPS }, () => rnd(n));
          compareInPlace(['param', 'momentum buffer'], (b, S) => {
            const p = S(x), buf = a.momentum ? S(new Float32Array(n)) : null;
            for (const [s, g] of grads.entries()) {
              const sg = S(g);
              b.sgdStep(p, sg, buf, s === 0, a);
              b.free(sg);
            }
            return [p, buf];
          });
        });
      }
      for (const c of ADAM_CASES) {
        test(`adamStep n=${n} ${optName(c)}, ${OPT_STEPS} steps`, () => {
          const x = rnd(n), grads = Array.from({ length: OPT_STEPS }, () => rnd(n));
          compareInPlace(['param', 'exp avg', 'exp avg sq', 'max exp avg sq'], (b, S) => {
            const p = S(x), m = S(new Float32Array(n)), v = S(new Float32Array(n)), vmax = c.amsgrad ? S(new Float32Array(n)) : null;
            for (const [s, g] of grads.entries()) {
              const sg = S(g);
              b.adamStep(p, sg, m, v, vmax, adamAttrs(c, s + 1));
              b.free(sg);
            }
            return [p, m, v, vmax];
          });
        });
      }
    }
    for (const p of POOL_CASES) {
      const a = poolAttrs(p);
      const x = rnd(a.planes * a.h.size * a.w.size);
      const dy = rnd(a.planes * a.h.outSize * a.w.outSize);
      test(`maxPool ${poolName(p)}`, () => {
        const got = W.maxPool(on(W, x), a, true), want = R.maxPool(on(R, x), a, true);
        close('out', read(W, got.out), read(R, want.out));
        const argmax = read(R, want.argmax!);
        assert.deepEqual(read(W, got.argmax!), argmax);
        close('grad', read(W, W.maxPoolGrad(on(W, dy), on(W, argmax), a)), read(R, R.maxPoolGrad(on(R, dy), want.argmax!, a)));
        const v = W.maxPool(on(W, x), a, false);
        close('out without argmax', read(W, v.out), read(R, want.out));
        assert.equal(v.argmax, null);
        assert.equal(R.maxPool(on(R, x), a, false).argmax, null);
      });
      if (p.d === 1) {
        test(`avgPool ${poolName(p)}`, () => {
          close('out', ...both((k, S) => k.avgPool(S(x), a), read));
          close('grad', ...both((k, S) => k.avgPoolGrad(S(dy), a), read));
        });
      }
    }
  });
}

describe('wasm backend, float64 and edge cases', () => {
  test('float64 inputs run the JavaScript loops on the heap and stay float64', () => {
    const c = attrsOf(convCase([1, 2, 5, 5], 3, 3, { p: 1 }));
    const x = Float64Array.from(rnd(50)), w = Float64Array.from(rnd(54));
    const [got, want] = both((k, S) => k.conv2d(S(x), S(w), null, c), read);
    assert.ok(got instanceof Float64Array);
    assert.deepEqual(got, want);
  });
  test('maxPool propagates NaN and keeps the first NaN index', () => {
    const a = poolAttrs({ planes: 1, H: 4, W: 4, k: 2, s: 2, p: 0, d: 1 });
    const x = rnd(16);
    x[5] = NaN; x[4] = 7; x[10] = NaN; x[11] = NaN;
    const got = W.maxPool(on(W, x), a, true), want = R.maxPool(on(R, x), a, true);
    close('out', read(W, got.out), read(R, want.out));
    assert.deepEqual(read(W, got.argmax!), read(R, want.argmax!));
    close('out without argmax', read(W, W.maxPool(on(W, x), a, false).out), read(R, want.out));
  });
  test('maxPool 2x2 without argmax: NaN and ±inf in long rows, ties', () => {
    const a = poolAttrs({ planes: 3, H: 6, W: 38, k: 2, s: 2, p: 0, d: 1 });
    const x = rnd(3 * 6 * 38);
    x[2] = NaN; x[40] = Infinity; x[41] = -Infinity; x[100] = 3e38; x[101] = 3e38; x[139] = 3e38;
    x[300] = NaN; x[301] = NaN; x[500] = x[501] = x[538] = x[539] = 0.25; x[600] = -0; x[601] = 0;
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      close('out', read(W, W.maxPool(on(W, x), a, false).out), read(R, R.maxPool(on(R, x), a, true).out));
    }
  });
  test('binary in place (out = a) over the full operand', () => {
    const a = rnd(3 * 8 * 13 * 17), b = rnd(8);
    const sa = on(W, a);
    const out = W.binary('add', sa, [3, 8, 13, 17], on(W, b), [1, 8, 1, 1], [3, 8, 13, 17], sa);
    assert.equal(out, sa);
    close('add_', read(W, sa), read(R, R.binary('add', on(R, a), [3, 8, 13, 17], on(R, b), [1, 8, 1, 1], [3, 8, 13, 17])));
  });
});

// ---- memory -------------------------------------------------------------------------------------

describe('wasm backend memory', () => {
  test('tensor data stays in the heap: a training step copies nothing and runs no fallback', () => {
    setNumThreads(2);
    resetFallbackCounts();
    const x = randn([4, 3, 12, 12], { requiresGrad: true }), w = randn([8, 3, 3, 3], { requiresGrad: true });
    const y = F.maxPool2d(F.relu(F.conv2d(x, w, null, { padding: 1 })), 2);
    y.sum().backward();
    assert.equal(x.device, 'wasm');
    assert.equal(x.grad!.device, 'wasm');
    assert.deepEqual(fallbackCounts(), {});
  });

  test('10,000 conv forward + backward calls reuse freed blocks: the heap never grows, the JS heap stays flat', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setNumThreads(2);
    const a = attrsOf(convCase([2, 3, 12, 12], 8, 3, { p: 1 }));
    const x = on(W, rnd(a.N * a.C * a.H * a.W)), w = on(W, rnd(a.OC * a.C * 9)), b = on(W, rnd(a.OC));
    const dy = on(W, rnd(a.N * a.OC * a.OH * a.OW));
    const pool = poolAttrs({ planes: a.N * a.C, H: 12, W: 12, k: 2, s: 2, p: 0, d: 1 });
    const step = (): void => {
      W.free(W.conv2d(x, w, b, a));
      W.free(W.conv2dGradInput(dy, w, a));
      W.free(W.conv2dGradWeight(x, dy, a));
      const p = W.maxPool(x, pool, true);
      W.free(p.out); W.free(p.argmax!);
    };
    for (let i = 0; i < 200; i++) step(); // warm up: the heap reaches its size, the JIT settles
    gc(); gc();
    const heap0 = process.memoryUsage().heapUsed, info0 = wasmInfo();
    for (let i = 0; i < 10_000; i++) step();
    gc(); gc();
    const heap1 = process.memoryUsage().heapUsed, info1 = wasmInfo();
    assert.equal(info1.heapBytes, info0.heapBytes, `wasm heap grew from ${info0.heapBytes} to ${info1.heapBytes} bytes`);
    assert.equal(info1.residentBytes, info0.residentBytes, 'every output was freed');
    assert.ok(heap1 - heap0 < 2 * 1024 * 1024, `JS heap grew by ${((heap1 - heap0) / 1024).toFixed(0)} KiB`);
  });

  test('under memory pressure idle data moves to JS memory and back, values intact', () => {
    const before = wasmInfo();
    const keep = randn([256, 1024]); // 1 MiB, used again at the end
    const want = Array.from(keep.dataSync());
    setWasmMemoryLimit(before.heapBytes); // no growth allowed without spilling
    try {
      // 64 MiB of tensors left to the garbage collector, in a synchronous loop (no finalizer can run).
      for (let i = 0; i < 64; i++) F.relu(randn([256, 1024]));
      const mid = wasmInfo();
      assert.ok(mid.spills > before.spills, 'something was spilled');
      assert.ok(mid.heapBytes <= before.heapBytes + 8 * 2 ** 20, `heap grew from ${before.heapBytes} to ${mid.heapBytes}`);
      assert.deepEqual(Array.from(F.relu(keep).dataSync()), want.map((v) => Math.max(v, 0)), 'a spilled tensor comes back intact');
    } finally {
      setWasmMemoryLimit(before.softLimit);
    }
  });
});
