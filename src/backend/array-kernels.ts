// backend/array-kernels.ts — every kernel of the interface, run by the readable loops of backend/ref on
// typed-array views of a backend's memory. The ref backend is this over plain JS arrays; the wasm
// backend uses it over views of its heap (no copy in or out) for whatever its compiled kernels leave.
//
// The one rule for memory whose views can move (a growing WebAssembly.Memory detaches or outgrows
// old views): allocate every output first, then take the views, then run the loops.

import { convInputSize, convOutputSize, convWeightSize } from './backend.js';
import type {
  AdamAttrs, AxisLayout, BatchNormAttrs, BinaryOp, ClassLossAttrs, Conv2dAttrs, FftAttrs, Kernels, PadAttrs,
  PoolAttrs, ReduceOp, Reduction, SgdAttrs, UnaryOp,
} from './backend.js';
import type { Storage } from './storage.js';
import type { DataArray, DType, FloatArray } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import {
  binaryInto, bincountInto, castInto, catInto, expandInto, flipInto, indexSelectGradInto, indexSelectInto, oneHotInto, permuteInto,
  unaryInto, whereInto,
} from './ref/elementwise.js';
import { argReduceInto, cumsumInto, prodGradInto, reduceInto } from './ref/reduce.js';
import { countNonzero, nonzeroInto, putInto, sortInto, takeInto } from './ref/index-ops.js';
import { gemmNN, gemmNT, gemmTN, matmulTT } from './ref/gemm.js';
import { conv2dGradInputInto, conv2dGradWeightInto, conv2dInto } from './ref/conv.js';
import { padGradInto, padInto } from './ref/pad.js';
import { avgPoolGradInto, avgPoolInto, maxPoolGradInto, maxPoolInto } from './ref/pool.js';
import { dropoutInto, leakyReluGradInto, leakyReluInto, softmaxGradInto, softmaxInto } from './ref/activation.js';
import { batchNormGradInto, batchNormInto } from './ref/norm.js';
import {
  bceWithLogitsGradInto, bceWithLogitsInto, classLossGradInto, classLossInto, crossEntropyProbGradInto,
  crossEntropyProbInto, findInvalidClass, mseLossGradInto, mseLossInto,
} from './ref/loss.js';
import { adamStepInto, sgdStepInto } from './ref/optim.js';
import { fftConv2dGradInputInto, fftConv2dGradWeightInto, fftConv2dInto, fftInto } from './ref/fft.js';

type ConvInto = (x: DataArray, w: DataArray, bias: DataArray | null, a: Conv2dAttrs, out: DataArray) => void;
type GradInto = (p: DataArray, q: DataArray, a: Conv2dAttrs, out: DataArray) => void;

/** What the loops need of a backend's memory. */
export interface ArrayMemory {
  alloc(dtype: DType, size: number): Storage;
  /** The storage's elements, as a typed array over the backend's own memory (no copy). */
  view(s: Storage): DataArray;
}

export function arrayKernels(mem: ArrayMemory): Kernels {
  const { alloc } = mem;
  const v = (s: Storage): DataArray => mem.view(s);
  const vf = (s: Storage): FloatArray => mem.view(s) as FloatArray;
  const vn = (s: Storage | null): DataArray | null => (s ? mem.view(s) : null);
  const like = (x: Storage, size = x.size): Storage => alloc(x.dtype, size);
  const convForward = (x: Storage, w: Storage, bias: Storage | null, a: Conv2dAttrs, run: ConvInto): Storage => {
    const o = like(x, convOutputSize(a));
    run(v(x), v(w), vn(bias), a, v(o));
    return o;
  };
  /** A gradient kernel: o (allocated by the caller, before any view is taken) = run(p, q). */
  const convGrad = (o: Storage, p: Storage, q: Storage, a: Conv2dAttrs, run: GradInto): Storage => {
    run(v(p), v(q), a, v(o));
    return o;
  };

  return {
    fill(s: Storage, value: number): void { v(s).fill(value); },
    copy(src: Storage, dst: Storage): void { castInto(v(src), v(dst)); },
    cast(x: Storage, dtype: DType): Storage {
      const out = alloc(dtype, x.size);
      castInto(v(x), v(out));
      return out;
    },
    unary(op: UnaryOp, x: Storage, out?: Storage): Storage {
      const o = out ?? like(x);
      unaryInto(op, v(x), v(o));
      return o;
    },
    binary(op: BinaryOp, a: Storage, aShape: number[], b: Storage, bShape: number[], outShape: number[], out?: Storage): Storage {
      const o = out ?? alloc(a.dtype, numel(outShape));
      binaryInto(op, v(a), aShape, v(b), bShape, v(o), outShape);
      return o;
    },
    where(cond: Storage, a: Storage, b: Storage): Storage {
      const o = like(a);
      whereInto(v(cond), v(a), v(b), v(o));
      return o;
    },
    reduce(op: ReduceOp, x: Storage, shape: number[], axes: number[]): Storage {
      const o = like(x, numel(shape.map((d, i) => (axes.includes(i) ? 1 : d))));
      reduceInto(op, v(x), shape, axes, v(o));
      return o;
    },
    argReduce(op: 'argmax' | 'argmin', x: Storage, shape: number[], axis: number): Storage {
      const o = alloc('int32', numel(shape.map((d, i) => (i === axis ? 1 : d))));
      argReduceInto(op, v(x), shape, axis, v(o));
      return o;
    },
    cumsum(x: Storage, l: AxisLayout, reverse: boolean): Storage {
      const o = like(x);
      cumsumInto(v(x), l.outer, l.n, l.inner, reverse, v(o));
      return o;
    },
    permute(x: Storage, shape: number[], perm: number[]): Storage {
      const o = like(x);
      permuteInto(v(x), shape, perm, v(o));
      return o;
    },
    expand(x: Storage, shape: number[], outShape: number[]): Storage {
      const o = like(x, numel(outShape));
      expandInto(v(x), shape, outShape, v(o));
      return o;
    },
    cat(xs: Storage[], outer: number, rows: number[]): Storage {
      const o = like(xs[0], outer * rows.reduce((a, b) => a + b, 0));
      catInto(xs.map(v), outer, rows, v(o));
      return o;
    },
    flip(x: Storage, shape: number[], axes: number[]): Storage {
      const o = like(x);
      flipInto(v(x), shape, axes, v(o));
      return o;
    },
    indexSelect(x: Storage, l: AxisLayout, index: Storage): Storage {
      const o = like(x, l.outer * index.size * l.inner);
      indexSelectInto(v(x), l.outer, l.n, l.inner, v(index), v(o));
      return o;
    },
    indexSelectGrad(g: Storage, l: AxisLayout, index: Storage): Storage {
      const o = like(g, l.outer * l.n * l.inner);
      indexSelectGradInto(v(g), l.outer, l.n, l.inner, v(index), v(o));
      return o;
    },
    oneHot(indices: Storage, numClasses: number): Storage {
      const o = alloc('int32', indices.size * numClasses);
      oneHotInto(v(indices), numClasses, v(o));
      return o;
    },
    bincount(x: Storage, length: number): Storage {
      const o = alloc('int32', length);
      bincountInto(v(x), v(o));
      return o;
    },
    take(x: Storage, index: Storage): Storage {
      const o = like(x, index.size);
      takeInto(v(x), v(index), v(o));
      return o;
    },
    put(dst: Storage, index: Storage, src: Storage, accumulate: boolean): void {
      putInto(v(dst), v(index), v(src), accumulate);
    },
    sort(x: Storage, l: AxisLayout, descending: boolean): { values: Storage; indices: Storage } {
      const values = like(x), indices = alloc('int32', x.size);
      sortInto(v(x), l.outer, l.n, l.inner, descending, v(values), v(indices));
      return { values, indices };
    },
    nonzero(x: Storage, shape: number[]): Storage {
      const count = countNonzero(v(x));
      const o = alloc('int32', count * shape.length);
      nonzeroInto(v(x), shape, v(o));
      return o;
    },

    matmul(a: Storage, b: Storage, batch: number, M: number, K: number, N: number, transA = false, transB = false): Storage {
      const o = like(a, batch * M * N);
      const av = vf(a), bv = vf(b), ov = vf(o);
      for (let i = 0; i < batch; i++) {
        const ao = i * M * K, bo = i * K * N, oo = i * M * N;
        if (transA && transB) matmulTT(M, N, K, av, ao, bv, bo, ov, oo);
        else if (transA) gemmTN(M, N, K, av, ao, bv, bo, ov, oo, false);
        else if (transB) gemmNT(M, N, K, av, ao, bv, bo, ov, oo, false);
        else gemmNN(M, N, K, av, ao, bv, bo, ov, oo, false);
      }
      return o;
    },
    // The direct loops take float arrays; the FFT path any dtype (it computes in float64).
    conv2d: (x, w, bias, a) => convForward(x, w, bias, a, conv2dInto as ConvInto),
    conv2dGradInput: (dy, w, a) => convGrad(like(dy, convInputSize(a)), dy, w, a, conv2dGradInputInto as GradInto),
    conv2dGradWeight: (x, dy, a) => convGrad(like(x, convWeightSize(a)), x, dy, a, conv2dGradWeightInto as GradInto),
    fftConv2d: (x, w, bias, a) => convForward(x, w, bias, a, fftConv2dInto),
    fftConv2dGradInput: (dy, w, a) => convGrad(like(dy, convInputSize(a)), dy, w, a, fftConv2dGradInputInto),
    fftConv2dGradWeight: (x, dy, a) => convGrad(like(x, convWeightSize(a)), x, dy, a, fftConv2dGradWeightInto),
    pad(x: Storage, a: PadAttrs): Storage {
      const o = like(x, numel(a.outShape));
      padInto(v(x), a, v(o));
      return o;
    },
    padGrad(dy: Storage, a: PadAttrs): Storage {
      const o = like(dy, numel(a.shape));
      padGradInto(v(dy), a, v(o));
      return o;
    },
    maxPool(x: Storage, a: PoolAttrs, needArgmax: boolean): { out: Storage; argmax: Storage | null } {
      const n = a.planes * a.h.outSize * a.w.outSize;
      const out = like(x, n);
      const argmax = needArgmax ? alloc('int32', n) : null;
      maxPoolInto(v(x), a, v(out), vn(argmax));
      return { out, argmax };
    },
    maxPoolGrad(dy: Storage, argmax: Storage, a: PoolAttrs): Storage {
      const o = like(dy, a.planes * a.h.size * a.w.size);
      maxPoolGradInto(v(dy), v(argmax), a, v(o));
      return o;
    },
    avgPool(x: Storage, a: PoolAttrs): Storage {
      const o = like(x, a.planes * a.h.outSize * a.w.outSize);
      avgPoolInto(v(x), a, v(o));
      return o;
    },
    avgPoolGrad(dy: Storage, a: PoolAttrs): Storage {
      const o = like(dy, a.planes * a.h.size * a.w.size);
      avgPoolGradInto(v(dy), a, v(o));
      return o;
    },

    softmax(x: Storage, l: AxisLayout, log: boolean): Storage {
      const o = like(x);
      softmaxInto(v(x), l, log, v(o));
      return o;
    },
    softmaxGrad(y: Storage, g: Storage, l: AxisLayout, log: boolean): Storage {
      const o = like(y);
      softmaxGradInto(v(y), v(g), l, log, v(o));
      return o;
    },
    leakyRelu(x: Storage, slope: number): Storage {
      const o = like(x);
      leakyReluInto(v(x), slope, v(o));
      return o;
    },
    leakyReluGrad(g: Storage, x: Storage, slope: number): Storage {
      const o = like(g);
      leakyReluGradInto(v(g), v(x), slope, v(o));
      return o;
    },
    dropout(x: Storage, p: number, seed0: number, seed1: number): { y: Storage; mask: Storage } {
      const y = like(x), mask = like(x);
      dropoutInto(v(x), p, seed0, seed1, v(y), v(mask));
      return { y, mask };
    },
    batchNorm(x: Storage, weight: Storage | null, bias: Storage | null, runningMean: Storage | null, runningVar: Storage | null,
      a: BatchNormAttrs): { y: Storage; mean: Storage; invstd: Storage } {
      const y = like(x), mean = alloc('float64', a.C), invstd = alloc('float64', a.C);
      batchNormInto(v(x), vn(weight), vn(bias), vn(runningMean), vn(runningVar), a, v(y), v(mean), v(invstd));
      return { y, mean, invstd };
    },
    batchNormGrad(x: Storage, g: Storage, mean: Storage, invstd: Storage, weight: Storage | null, a: BatchNormAttrs,
      need: { input: boolean; weight: boolean; bias: boolean }): { dx: Storage | null; dw: Storage | null; db: Storage | null } {
      const dx = need.input ? like(x) : null;
      const dw = need.weight ? like(weight ?? x, a.C) : null;
      const db = need.bias ? like(weight ?? x, a.C) : null;
      batchNormGradInto(v(x), v(g), v(mean), v(invstd), vn(weight), a, vn(dx), vn(dw), vn(db));
      return { dx, dw, db };
    },
    prodGrad(x: Storage, g: Storage, outer: number, R: number): Storage {
      const o = like(x);
      prodGradInto(v(x), v(g), outer, R, v(o));
      return o;
    },

    findInvalidClass(target: Storage, C: number, ignoreIndex: number): { index: number; value: number } | null {
      return findInvalidClass(v(target), C, ignoreIndex);
    },
    classLoss(kind: 'crossEntropy' | 'nll', x: Storage, target: Storage, weight: Storage | null, a: ClassLossAttrs): { out: Storage; weightSum: Storage } {
      const out = like(x, a.reduction === 'none' ? a.outer * a.inner : 1), weightSum = alloc('float64', 1);
      classLossInto(kind, v(x), v(target), vn(weight), a, v(out), v(weightSum));
      return { out, weightSum };
    },
    classLossGrad(kind: 'crossEntropy' | 'nll', x: Storage, target: Storage, weight: Storage | null, g: Storage, weightSum: Storage,
      a: ClassLossAttrs): Storage {
      const o = like(x);
      classLossGradInto(kind, v(x), v(target), vn(weight), v(g), v(weightSum), a, v(o));
      return o;
    },
    crossEntropyProb(x: Storage, target: Storage, weight: Storage | null, a: ClassLossAttrs): Storage {
      const o = like(x, a.reduction === 'none' ? a.outer * a.inner : 1);
      crossEntropyProbInto(v(x), v(target), vn(weight), a, v(o));
      return o;
    },
    crossEntropyProbGrad(x: Storage, target: Storage, weight: Storage | null, g: Storage, a: ClassLossAttrs,
      need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null } {
      const dx = need.input ? like(x) : null, dt = need.target ? like(target) : null;
      crossEntropyProbGradInto(v(x), v(target), vn(weight), v(g), a, vn(dx), vn(dt));
      return { dx, dt };
    },
    mseLoss(x: Storage, t: Storage, reduction: Reduction): Storage {
      const o = like(x, reduction === 'none' ? x.size : 1);
      mseLossInto(v(x), v(t), reduction, v(o));
      return o;
    },
    mseLossGrad(x: Storage, t: Storage, g: Storage, reduction: Reduction, need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null } {
      const dx = need.input ? like(x) : null, dt = need.target ? like(t) : null;
      mseLossGradInto(v(x), v(t), v(g), reduction, vn(dx), vn(dt));
      return { dx, dt };
    },
    bceWithLogits(x: Storage, t: Storage, weight: Storage | null, posWeight: Storage | null, reduction: Reduction): Storage {
      const o = like(x, reduction === 'none' ? x.size : 1);
      bceWithLogitsInto(v(x), v(t), vn(weight), vn(posWeight), reduction, v(o));
      return o;
    },
    bceWithLogitsGrad(x: Storage, t: Storage, weight: Storage | null, posWeight: Storage | null, g: Storage, reduction: Reduction,
      need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null } {
      const dx = need.input ? like(x) : null, dt = need.target ? like(t) : null;
      bceWithLogitsGradInto(v(x), v(t), vn(weight), vn(posWeight), v(g), reduction, vn(dx), vn(dt));
      return { dx, dt };
    },

    sgdStep(p: Storage, g: Storage, buf: Storage | null, first: boolean, a: SgdAttrs): void {
      sgdStepInto(v(p), v(g), vn(buf), first, a);
    },
    adamStep(p: Storage, g: Storage, m: Storage, vv: Storage, vmax: Storage | null, a: AdamAttrs): void {
      adamStepInto(v(p), v(g), v(m), v(vv), vn(vmax), a);
    },

    fft(re: Storage, im: Storage | null, a: FftAttrs): { re: Storage; im: Storage | null } {
      const size = a.outer * a.nOut * a.inner;
      const oRe = like(re, size), oIm = a.mode === 'c2r' ? null : like(re, size);
      fftInto(v(re), vn(im), a, v(oRe), vn(oIm));
      return { re: oRe, im: oIm };
    },
  };
}
