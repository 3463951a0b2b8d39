// io/onnx-import.ts — importOnnx: an ONNX model (as PyTorch exports CNNs) as a convnet nn.Module.
//
// The module keeps the graph and runs it node by node with convnet's differentiable ops, so it trains:
// every float initializer is a Parameter (requiresGrad), except BatchNormalization's mean and variance,
// which are buffers, as in torch.nn.BatchNorm2d. Their stateDict keys are the initializer names: a name
// with dots (features.0.weight) lives in nested submodules, as PyTorch's would. Integer initializers and
// Constant nodes (shapes, pads, axes) are static values: ops on them (Shape, Gather, Unsqueeze, Concat, …
// the chain x.view(x.size(0), -1) exports) are computed in JS, and they are not in the stateDict.
//
// The op set is the table OPS below; a graph with any other op is refused when imported, with an error
// naming the op type and the node. Opset 13 semantics (Softmax's axis before 13 is handled too). Static
// values go through Slice, Transpose, ConstantOfShape and Cast in JS too: PyTorch computes a padding
// layer's Pad list with such a chain.

import { Tensor } from '../tensor/tensor.js';
import { bindArgs } from '../tensor/signature.js';
import { fromArray } from '../tensor/creation.js';
import { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import { conv1d, conv2d } from '../ops/conv.js';
import { pad } from '../ops/pad.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../ops/pool.js';
import { add, clamp, div, erf, exp, gt, log, mul, neg, pow, relu, sigmoid, sqrt, sub, tanh, where } from '../ops/elementwise.js';
import { elu, hardswish, leakyRelu, logSoftmax, softmax, softplus } from '../ops/activation.js';
import { batchNorm, instanceNorm } from '../ops/norm.js';
import { convTranspose1d, convTranspose2d } from '../ops/conv-transpose.js';
import { interpolate, type InterpolateMode } from '../ops/interpolate.js';
import { linear } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import { amax, mean } from '../ops/reduce.js';
import { cat, indexSelect, narrow, permute, reshape, select, squeeze, toDtype, transpose, unsqueeze } from '../ops/shape.js';
import {
  attrFloat, attrInt, attrInts, attributes, attrString, decodeModel, num, readTensorProto,
  type AttributeProto, type ExternalDataReader, type NodeProto, type TensorProto,
} from './onnx-proto.js';

/** A static value: integers (shapes, axes) or small float constants, computed in JS. */
interface Static {
  dims: number[];
  values: number[];
  float: boolean;
}
type Value = Tensor | Static;

const isStatic = (v: Value): v is Static => !(v instanceof Tensor);

function asTensor(v: Value): Tensor {
  return isStatic(v) ? fromArray(Float32Array.from(v.values), v.dims) : v;
}

/** What an op implementation gets: its inputs (null where omitted), attributes, and the error prefix. */
interface OpCall {
  inputs: (Value | null)[];
  attrs: Map<string, AttributeProto>;
  where: string;
  opset: number;
}

function input(c: OpCall, i: number, what: string): Value {
  const v = c.inputs[i];
  if (!v) throw new Error(`${c.where}: input ${i} (${what}) is missing`);
  return v;
}

function tensorIn(c: OpCall, i: number, what: string): Tensor {
  return asTensor(input(c, i, what));
}

function staticIn(c: OpCall, i: number, what: string): Static {
  const v = input(c, i, what);
  if (!isStatic(v)) throw new Error(`${c.where}: input ${i} (${what}) must be a constant (an initializer or a Constant), got a computed tensor`);
  return v;
}

function scalarOf(c: OpCall, i: number, what: string): number | null {
  const v = c.inputs[i];
  if (!v) return null;
  if (isStatic(v)) return v.values[0];
  return v.item();
}

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);
const axisOf = (a: number, n: number): number => (a < 0 ? a + n : a);

/** Begin/end pads per spatial dim of a Conv or pool node: `pads`, or `auto_pad` from the input size. */
function spatialPads(c: OpCall, x: Tensor, k: number[], s: number[], d: number[]): { lo: number[]; hi: number[] } {
  const n = k.length;
  const autoPad = attrString(c.attrs, 'auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const L = x.shape.slice(-n);
    const total = L.map((l, i) => Math.max(0, (Math.ceil(l / s[i]) - 1) * s[i] + (k[i] - 1) * d[i] + 1 - l));
    const lo = total.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    return { lo, hi: total.map((t, i) => t - lo[i]) };
  }
  if (autoPad === 'VALID') return { lo: new Array(n).fill(0), hi: new Array(n).fill(0) };
  const pads = attrInts(c.attrs, 'pads', null) ?? new Array(2 * n).fill(0);
  return { lo: pads.slice(0, n), hi: pads.slice(n) };
}

/** F.pad's list (last dim first) from begin/end pads of the last `lo.length` dims. */
const torchPad = (lo: number[], hi: number[]): number[] => lo.flatMap((_, i) => [lo[lo.length - 1 - i], hi[hi.length - 1 - i]]);

function conv(c: OpCall): Tensor {
  let x = tensorIn(c, 0, 'X');
  const w = tensorIn(c, 1, 'W');
  const b = c.inputs[2] ? tensorIn(c, 2, 'B') : null;
  const n = w.ndim - 2;
  if (n !== 1 && n !== 2) throw new Error(`${c.where}: only 1-D and 2-D convolutions are supported, got weight of shape [${w.shape.join(', ')}]`);
  const k = attrInts(c.attrs, 'kernel_shape', null) ?? w.shape.slice(2);
  const stride = attrInts(c.attrs, 'strides', null) ?? new Array(n).fill(1);
  const dilation = attrInts(c.attrs, 'dilations', null) ?? new Array(n).fill(1);
  const groups = attrInt(c.attrs, 'group', 1);
  let { lo, hi } = spatialPads(c, x, k, stride, dilation);
  if (lo.some((p, i) => p !== hi[i])) {
    x = pad(x, torchPad(lo, hi));
    lo = lo.map(() => 0);
  }
  const opts = { stride, padding: lo, dilation, groups };
  return n === 2 ? conv2d(x, w, b, opts) : conv1d(x, w, b, opts);
}

function pool(c: OpCall, max: boolean): Tensor {
  let x = tensorIn(c, 0, 'X');
  const k = attrInts(c.attrs, 'kernel_shape', null);
  if (!k) throw new Error(`${c.where}: kernel_shape is required`);
  const n = k.length;
  if (n !== 1 && n !== 2) throw new Error(`${c.where}: only 1-D and 2-D pooling is supported, got kernel_shape [${k.join(', ')}]`);
  const stride = attrInts(c.attrs, 'strides', null) ?? new Array(n).fill(1);
  const dilation = attrInts(c.attrs, 'dilations', null) ?? new Array(n).fill(1);
  const ceilMode = attrInt(c.attrs, 'ceil_mode', 0) === 1;
  let { lo, hi } = spatialPads(c, x, k, stride, dilation);
  const countIncludePad = attrInt(c.attrs, 'count_include_pad', 0) === 1;
  // convnet's (PyTorch's) pools take symmetric padding of at most half the kernel: anything else is padded
  // first, with -∞ for max pooling and zeros for an average that counts the padding.
  if (lo.some((p, i) => p !== hi[i] || p > Math.floor(k[i] / 2))) {
    if (!max && !countIncludePad) throw new Error(`${c.where}: asymmetric pads [${[...lo, ...hi].join(', ')}] with count_include_pad=0 are not supported`);
    x = pad(x, torchPad(lo, hi), { value: max ? -Infinity : 0 });
    lo = lo.map(() => 0);
  }
  if (max) {
    const o = { stride, padding: lo, dilation, ceilMode };
    return n === 2 ? maxPool2d(x, k, o) : maxPool1d(x, k, o);
  }
  if (dilation.some((v) => v !== 1)) throw new Error(`${c.where}: dilations are not supported for AveragePool`);
  const o = { stride, padding: lo, ceilMode, countIncludePad };
  return n === 2 ? avgPool2d(x, k, o) : avgPool1d(x, k, o);
}

/** Elementwise binary op; on two static values it is computed in JS (shape arithmetic). */
function binary(c: OpCall, f: (a: Tensor, b: Tensor) => Tensor, js: (a: number, b: number) => number): Value {
  const a = input(c, 0, 'A'), b = input(c, 1, 'B');
  if (isStatic(a) && isStatic(b) && (a.values.length === b.values.length || b.values.length === 1)) {
    return { dims: a.dims, float: a.float || b.float, values: a.values.map((v, i) => js(v, b.values[b.values.length === 1 ? 0 : i])) };
  }
  return f(asTensor(a), asTensor(b));
}

function softmaxLike(c: OpCall, f: (x: Tensor, dim: number) => Tensor): Tensor {
  const x = tensorIn(c, 0, 'input');
  const axis = axisOf(attrInt(c.attrs, 'axis', c.opset >= 13 ? -1 : 1), x.ndim);
  if (c.opset >= 13 || axis === x.ndim - 1) return f(x, axis);
  // Before opset 13: softmax over the flattened dims axis… as one.
  return reshape(f(reshape(x, [prod(x.shape.slice(0, axis)), prod(x.shape.slice(axis))]), 1), x.shape);
}

function reshapeTo(x: Value, target: number[], allowZero: boolean, where: string): Value {
  const dims = isStatic(x) ? x.dims : x.shape;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
  if (isStatic(x)) {
    const known = prod(shape.filter((d) => d !== -1));
    return { ...x, dims: shape.map((d) => (d === -1 ? x.values.length / known : d)) };
  }
  try {
    return reshape(x, shape);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

function axesOf(c: OpCall, i: number, attr: string): number[] | null {
  if (c.opset >= 13 && c.inputs[i]) return staticIn(c, i, 'axes').values;
  return attrInts(c.attrs, attr, null);
}

type OpFn = (c: OpCall) => Value | Value[];

/** A static value's elements at the per-axis index lists `idx` (row-major): Slice, and Gather on constants. */
function staticPick(v: Static, idx: number[][]): Static {
  const strides = v.dims.map((_, i) => prod(v.dims.slice(i + 1)));
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === idx.length) { out.push(v.values[offset]); return; }
    for (const i of idx[axis]) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
  return { dims: idx.map((l) => l.length), float: v.float, values: out };
}

/** The indices ONNX's Slice takes along an axis of size d (starts and ends clamped as the spec says). */
function sliceIndices(d: number, start: number, end: number, step: number, where: string): number[] {
  if (step === 0) throw new Error(`${where}: steps must not be 0`);
  let s = start < 0 ? start + d : start, e = end < 0 ? end + d : end;
  if (step > 0) { s = Math.min(Math.max(s, 0), d); e = Math.min(Math.max(e, 0), d); }
  else { s = Math.min(Math.max(s, 0), d - 1); e = Math.min(Math.max(e, -1), d - 1); }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

function sliceOp(c: OpCall): Value {
  const x = input(c, 0, 'data');
  const dims = isStatic(x) ? x.dims : x.shape;
  const starts = c.opset >= 10 ? staticIn(c, 1, 'starts').values : attrInts(c.attrs, 'starts', [])!;
  const ends = c.opset >= 10 ? staticIn(c, 2, 'ends').values : attrInts(c.attrs, 'ends', [])!;
  const axes = (c.opset >= 10 ? (c.inputs[3] ? staticIn(c, 3, 'axes').values : null) : attrInts(c.attrs, 'axes', null)) ?? starts.map((_, i) => i);
  const steps = c.opset >= 10 && c.inputs[4] ? staticIn(c, 4, 'steps').values : starts.map(() => 1);
  const idx = dims.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((a, k) => { const ax = axisOf(a, dims.length); idx[ax] = sliceIndices(dims[ax], starts[k], ends[k], steps[k], c.where); });
  if (isStatic(x)) return staticPick(x, idx);
  let y = x;
  idx.forEach((list, ax) => {
    if (list.length === dims[ax] && list.every((v, i) => v === i)) return;
    const contiguous = list.every((v, i) => i === 0 || v === list[i - 1] + 1);
    y = contiguous && list.length > 0 ? narrow(y, ax, list[0], list.length) : indexSelect(y, ax, fromArray(Int32Array.from(list), [list.length]));
  });
  return y;
}

function staticTranspose(v: Static, perm: number[]): Static {
  const dims = perm.map((p) => v.dims[p]);
  const strides = v.dims.map((_, i) => prod(v.dims.slice(i + 1)));
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === perm.length) { out.push(v.values[offset]); return; }
    for (let i = 0; i < dims[axis]; i++) walk(axis + 1, offset + i * strides[perm[axis]]);
  };
  walk(0, 0);
  return { dims, float: v.float, values: out };
}

function convTransposeOp(c: OpCall): Tensor {
  const x = tensorIn(c, 0, 'X'), w = tensorIn(c, 1, 'W');
  const b = c.inputs[2] ? tensorIn(c, 2, 'B') : null;
  const n = w.ndim - 2;
  if (n !== 1 && n !== 2) throw new Error(`${c.where}: only 1-D and 2-D transposed convolutions are supported, got weight of shape [${w.shape.join(', ')}]`);
  if (c.attrs.has('output_shape')) throw new Error(`${c.where}: output_shape is not supported (give pads and output_padding)`);
  const autoPad = attrString(c.attrs, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new Error(`${c.where}: auto_pad '${autoPad}' is not supported (NOTSET, VALID)`);
  const stride = attrInts(c.attrs, 'strides', null) ?? new Array(n).fill(1);
  const dilation = attrInts(c.attrs, 'dilations', null) ?? new Array(n).fill(1);
  const outputPadding = attrInts(c.attrs, 'output_padding', null) ?? new Array(n).fill(0);
  const pads = autoPad === 'VALID' ? new Array(2 * n).fill(0) : attrInts(c.attrs, 'pads', null) ?? new Array(2 * n).fill(0);
  const lo = pads.slice(0, n), hi = pads.slice(n);
  if (lo.some((p, i) => p !== hi[i])) throw new Error(`${c.where}: asymmetric pads [${pads.join(', ')}] are not supported`);
  const opts = { stride, padding: lo, outputPadding, groups: attrInt(c.attrs, 'group', 1), dilation };
  return n === 2 ? convTranspose2d(x, w, b, opts) : convTranspose1d(x, w, b, opts);
}

/**
 * Resize as F.interpolate: nearest with asymmetric coordinates and floor (PyTorch's 'nearest'), nearest
 * with half_pixel and round_prefer_ceil ('nearest-exact'), linear with half_pixel (pytorch_half_pixel
 * where no output axis has length 1) or align_corners; by scales (which place the samples) or sizes.
 */
function resizeOp(c: OpCall): Tensor {
  const x = tensorIn(c, 0, 'X');
  const r = x.ndim;
  const mode = attrString(c.attrs, 'mode', 'nearest');
  const ctm = attrString(c.attrs, 'coordinate_transformation_mode', c.opset >= 11 ? 'half_pixel' : 'asymmetric');
  const nearestMode = attrString(c.attrs, 'nearest_mode', 'round_prefer_floor');
  const scales = c.opset >= 11 ? (c.inputs[2] ? staticIn(c, 2, 'scales').values : []) : staticIn(c, 1, 'scales').values;
  const sizes = c.opset >= 11 && c.inputs[3] ? staticIn(c, 3, 'sizes').values : [];
  if (r < 3 || r > 5) throw new Error(`${c.where}: only 3-D to 5-D inputs (N, C, spatial…) are supported, got shape [${x.shape.join(', ')}]`);
  const outSize = sizes.length ? sizes : x.shape.map((d, i) => Math.floor(d * scales[i]));
  if (outSize.length !== r) throw new Error(`${c.where}: needs scales or sizes with ${r} entries, got scales [${scales.join(', ')}] and sizes [${sizes.join(', ')}]`);
  if (outSize[0] !== x.shape[0] || outSize[1] !== x.shape[1]) throw new Error(`${c.where}: resizing the batch or channel axis is not supported (output [${outSize.join(', ')}])`);
  let m: InterpolateMode, alignCorners: boolean | null = null;
  if (mode === 'nearest' && ctm === 'asymmetric' && nearestMode === 'floor') m = 'nearest';
  else if (mode === 'nearest' && ctm === 'half_pixel' && nearestMode === 'round_prefer_ceil') m = 'nearest-exact';
  else if (mode === 'linear' && (ctm === 'half_pixel' || ctm === 'align_corners' || (ctm === 'pytorch_half_pixel' && outSize.every((o) => o > 1)))) {
    m = (['linear', 'bilinear', 'trilinear'] as const)[r - 3];
    alignCorners = ctm === 'align_corners';
  } else {
    throw new Error(`${c.where}: mode '${mode}' with coordinate_transformation_mode '${ctm}'${mode === 'nearest' ? ` and nearest_mode '${nearestMode}'` : ''} ` +
      "is not supported (nearest/asymmetric/floor, nearest/half_pixel/round_prefer_ceil, linear/half_pixel, linear/align_corners)");
  }
  const o = sizes.length || ctm === 'align_corners' ? { size: outSize.slice(2) } : { scaleFactor: scales.slice(2) };
  return interpolate(x, { ...o, mode: m, alignCorners });
}

function unary(f: (x: Tensor) => Tensor): OpFn {
  return (c) => f(tensorIn(c, 0, 'X'));
}

/** The ONNX ops importOnnx runs, each with convnet's ops (so gradients flow through all of them). */
const OPS: Record<string, OpFn> = {
  Conv: conv,
  MaxPool: (c) => pool(c, true),
  AveragePool: (c) => pool(c, false),
  GlobalAveragePool: (c) => { const x = tensorIn(c, 0, 'X'); return mean(x, x.shape.slice(2).map((_, i) => i + 2), true); },
  GlobalMaxPool: (c) => { const x = tensorIn(c, 0, 'X'); return amax(x, x.shape.slice(2).map((_, i) => i + 2), true); },
  BatchNormalization: (c) => {
    if (attrInt(c.attrs, 'training_mode', 0) !== 0) throw new Error(`${c.where}: training_mode=1 is not supported (export the model in eval mode)`);
    return batchNorm(tensorIn(c, 0, 'X'), tensorIn(c, 3, 'input_mean'), tensorIn(c, 4, 'input_var'), tensorIn(c, 1, 'scale'), tensorIn(c, 2, 'B'),
      { training: false, eps: attrFloat(c.attrs, 'epsilon', 1e-5) });
  },
  Gemm: (c) => {
    const alpha = attrFloat(c.attrs, 'alpha', 1), beta = attrFloat(c.attrs, 'beta', 1);
    const transA = attrInt(c.attrs, 'transA', 0), transB = attrInt(c.attrs, 'transB', 0);
    const a = tensorIn(c, 0, 'A'), b = tensorIn(c, 1, 'B');
    const C = c.inputs[2] ? tensorIn(c, 2, 'C') : null;
    if (!transA && transB && alpha === 1 && beta === 1 && (!C || C.ndim === 1)) return linear(a, b, C);
    let y = matmul(transA ? transpose(a, 0, 1) : a, transB ? transpose(b, 0, 1) : b);
    if (alpha !== 1) y = mul(y, alpha);
    return C ? add(y, beta === 1 ? C : mul(C, beta)) : y;
  },
  MatMul: (c) => matmul(tensorIn(c, 0, 'A'), tensorIn(c, 1, 'B')),
  Add: (c) => binary(c, add, (a, b) => a + b),
  Sub: (c) => binary(c, sub, (a, b) => a - b),
  Mul: (c) => binary(c, mul, (a, b) => a * b),
  Div: (c) => binary(c, div, (a, b) => (c.inputs[0] && isStatic(c.inputs[0]) && !c.inputs[0].float ? Math.trunc(a / b) : a / b)),
  Relu: (c) => relu(tensorIn(c, 0, 'X')),
  Sigmoid: (c) => sigmoid(tensorIn(c, 0, 'X')),
  Tanh: (c) => tanh(tensorIn(c, 0, 'X')),
  Sqrt: (c) => sqrt(tensorIn(c, 0, 'X')),
  Exp: (c) => exp(tensorIn(c, 0, 'X')),
  LeakyRelu: (c) => leakyRelu(tensorIn(c, 0, 'X'), attrFloat(c.attrs, 'alpha', 0.01)),
  Clip: (c) => {
    const lo = c.opset >= 11 ? scalarOf(c, 1, 'min') : (c.attrs.has('min') ? attrFloat(c.attrs, 'min', 0) : null);
    const hi = c.opset >= 11 ? scalarOf(c, 2, 'max') : (c.attrs.has('max') ? attrFloat(c.attrs, 'max', 0) : null);
    return clamp(tensorIn(c, 0, 'input'), lo, hi);
  },
  Softmax: (c) => softmaxLike(c, softmax),
  LogSoftmax: (c) => softmaxLike(c, logSoftmax),
  Identity: (c) => input(c, 0, 'input'),
  Dropout: (c) => input(c, 0, 'data'),
  Flatten: (c) => {
    const x = input(c, 0, 'input');
    const dims = isStatic(x) ? x.dims : x.shape;
    const axis = axisOf(attrInt(c.attrs, 'axis', 1), dims.length);
    return reshapeTo(x, [prod(dims.slice(0, axis)), prod(dims.slice(axis))], true, c.where);
  },
  Reshape: (c) => reshapeTo(input(c, 0, 'data'), staticIn(c, 1, 'shape').values, attrInt(c.attrs, 'allowzero', 0) === 1, c.where),
  Transpose: (c) => {
    const x = input(c, 0, 'data');
    const dims = isStatic(x) ? x.dims : x.shape;
    const perm = attrInts(c.attrs, 'perm', null) ?? dims.map((_, i) => dims.length - 1 - i);
    return isStatic(x) ? staticTranspose(x, perm) : permute(x, perm);
  },
  Slice: sliceOp,
  ConstantOfShape: (c) => {
    const shape = staticIn(c, 0, 'input').values;
    const t = c.attrs.get('value')?.t;
    const v = t ? readTensorProto(t, c.where) : { float: true, values: [0] };
    return { dims: shape, float: v.float, values: new Array<number>(prod(shape)).fill(v.values[0]) };
  },
  ConvTranspose: convTransposeOp,
  Resize: resizeOp,
  InstanceNormalization: (c) => instanceNorm(tensorIn(c, 0, 'input'), null, null, tensorIn(c, 1, 'scale'), tensorIn(c, 2, 'B'),
    { useInputStats: true, eps: attrFloat(c.attrs, 'epsilon', 1e-5) }),
  PRelu: (c) => {
    const x = tensorIn(c, 0, 'X');
    return add(relu(x), mul(clamp(x, null, 0), tensorIn(c, 1, 'slope')));
  },
  Elu: (c) => elu(tensorIn(c, 0, 'X'), attrFloat(c.attrs, 'alpha', 1)),
  Softplus: unary((x) => softplus(x)),
  HardSigmoid: (c) => clamp(add(mul(tensorIn(c, 0, 'X'), attrFloat(c.attrs, 'alpha', 0.2)), attrFloat(c.attrs, 'beta', 0.5)), 0, 1),
  HardSwish: unary((x) => hardswish(x)),
  Erf: unary(erf),
  Neg: unary(neg),
  Log: unary(log),
  Pow: (c) => binary(c, pow, Math.pow),
  Greater: (c) => binary(c, gt, (a, b) => (a > b ? 1 : 0)),
  Where: (c) => where(tensorIn(c, 0, 'condition'), tensorIn(c, 1, 'X'), tensorIn(c, 2, 'Y')),
  Pad: (c) => {
    const x = tensorIn(c, 0, 'data');
    const pads = c.opset >= 11 ? staticIn(c, 1, 'pads').values : attrInts(c.attrs, 'pads', [])!;
    const value = (c.opset >= 11 ? scalarOf(c, 2, 'constant_value') : attrFloat(c.attrs, 'value', 0)) ?? 0;
    const mode = attrString(c.attrs, 'mode', 'constant');
    const r = x.ndim;
    const lo = pads.slice(0, r), hi = pads.slice(r);
    const first = lo.findIndex((p, i) => p !== 0 || hi[i] !== 0);
    if (first === -1) return x;
    const m = mode === 'edge' ? 'replicate' : mode;
    if (m !== 'constant' && m !== 'reflect' && m !== 'replicate') throw new Error(`${c.where}: pad mode '${mode}' is not supported (constant, reflect, edge)`);
    return pad(x, torchPad(lo.slice(first), hi.slice(first)), m === 'constant' ? { value } : { mode: m });
  },
  Concat: (c) => {
    const vals = c.inputs.filter((v): v is Value => v !== null);
    if (vals.every(isStatic) && vals.every((v) => v.dims.length <= 1)) {
      return { dims: [vals.reduce((n, v) => n + v.values.length, 0)], float: vals.some((v) => v.float), values: vals.flatMap((v) => v.values) };
    }
    const ts = vals.map(asTensor);
    return cat(ts, axisOf(attrInt(c.attrs, 'axis', 0), ts[0].ndim));
  },
  Constant: (c) => {
    const t = c.attrs.get('value')?.t;
    if (t) return staticOf(readTensorProto(t, c.where));
    const f = c.attrs.get('value_float'), fs = c.attrs.get('value_floats'), i = c.attrs.get('value_int'), is = c.attrs.get('value_ints');
    if (f) return { dims: [], float: true, values: [f.f ?? 0] };
    if (fs) return { dims: [fs.floats?.length ?? 0], float: true, values: [...(fs.floats ?? [])] };
    if (i) return { dims: [], float: false, values: [num(i.i as number)] };
    if (is) return { dims: [is.ints?.length ?? 0], float: false, values: (is.ints ?? []).map((v) => num(v as number)) };
    throw new Error(`${c.where}: a Constant without a value this importer reads (value, value_float(s), value_int(s))`);
  },
  Shape: (c) => {
    const x = input(c, 0, 'data');
    const dims = isStatic(x) ? x.dims : x.shape;
    return { dims: [dims.length], float: false, values: [...dims] };
  },
  Gather: (c) => {
    const data = input(c, 0, 'data'), indices = input(c, 1, 'indices');
    if (!isStatic(indices)) {
      // Computed indices (an Embedding's input): non-negative, gathered as one indexSelect.
      const t = tensorIn(c, 0, 'data');
      const axis = axisOf(attrInt(c.attrs, 'axis', 0), t.ndim);
      const flat = reshape(indices.dtype === 'int32' ? indices : toDtype(indices, 'int32'), [indices.numel()]);
      return reshape(indexSelect(t, axis, flat), [...t.shape.slice(0, axis), ...indices.shape, ...t.shape.slice(axis + 1)]);
    }
    const idx = indices;
    if (isStatic(data)) {
      if (data.dims.length !== 1) throw new Error(`${c.where}: Gather on a constant of rank ${data.dims.length} is not supported`);
      return { dims: idx.dims, float: data.float, values: idx.values.map((i) => data.values[axisOf(i, data.values.length)]) };
    }
    const axis = axisOf(attrInt(c.attrs, 'axis', 0), data.ndim);
    if (idx.dims.length === 0) return select(data, axis, axisOf(idx.values[0], data.shape[axis]));
    return reshape(indexSelect(data, axis, fromArray(Int32Array.from(idx.values, (i) => axisOf(i, data.shape[axis])), [idx.values.length])),
      [...data.shape.slice(0, axis), ...idx.dims, ...data.shape.slice(axis + 1)]);
  },
  Unsqueeze: (c) => {
    const x = input(c, 0, 'data');
    const axes = axesOf(c, 1, 'axes') ?? [];
    const rank = (isStatic(x) ? x.dims.length : x.ndim) + axes.length;
    const sorted = axes.map((a) => axisOf(a, rank)).sort((a, b) => a - b);
    if (isStatic(x)) {
      const dims = [...x.dims];
      for (const a of sorted) dims.splice(a, 0, 1);
      return { ...x, dims };
    }
    return sorted.reduce((t, a) => unsqueeze(t, a), x);
  },
  Squeeze: (c) => {
    const x = input(c, 0, 'data');
    const dims = isStatic(x) ? x.dims : x.shape;
    const axes = (axesOf(c, 1, 'axes') ?? dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => axisOf(a, dims.length));
    if (isStatic(x)) return { ...x, dims: dims.filter((_, i) => !axes.includes(i)) };
    return squeeze(x, axes);
  },
  Cast: (c) => {
    const x = input(c, 0, 'input');
    const to = attrInt(c.attrs, 'to', 1);
    if (isStatic(x)) return { ...x, float: to === 1 || to === 11, values: to === 1 || to === 11 ? x.values : x.values.map(Math.trunc) };
    if (to !== 1) throw new Error(`${c.where}: Cast of a computed tensor to ONNX type ${to} is not supported (float only)`);
    return x;
  },
  ReduceMean: (c) => {
    const x = tensorIn(c, 0, 'data');
    const axes = (attrInts(c.attrs, 'axes', null) ?? x.shape.map((_, i) => i)).map((a) => axisOf(a, x.ndim));
    return mean(x, axes, attrInt(c.attrs, 'keepdims', 1) === 1);
  },
};

/** The ONNX op types importOnnx runs. */
export const ONNX_IMPORT_OPS: readonly string[] = Object.keys(OPS);

function staticOf(t: { dims: number[]; float: boolean; values: Float32Array | number[] }): Static {
  return { dims: t.dims, float: t.float, values: Array.from(t.values) };
}

/** A submodule that only holds parameters and buffers under a dotted initializer name. */
class OnnxParameters extends Module {
  forward(): never {
    throw new Error('OnnxParameters: holds the parameters of an imported ONNX model; call the model, not this');
  }
}

/** Options of {@link importOnnx}. */
export interface ImportOnnxOptions {
  /** Reads a side file of external data (`location` as the model names it, relative to the model's folder). */
  externalData?: ExternalDataReader;
}

/**
 * An ONNX graph as a convnet module (what {@link importOnnx} returns): `model(x)` runs the graph with
 * convnet's ops on the current backend; its float initializers are trainable parameters (BatchNorm's mean
 * and variance buffers) whose stateDict keys are the initializer names. convnet's own (PyTorch has no ONNX
 * import; onnx2torch's converted modules are the closest).
 * @example
 * ```ts
 * const model = importOnnx(readFileSync('lenet5.onnx'));
 * model.inputNames;                 // ['input']
 * [...model.stateDict().keys()];    // ['conv1.weight', 'conv1.bias', …]
 * ```
 */
export class OnnxModel extends Module<Tensor[], Tensor | Tensor[]> {
  declare readonly inputNames: string[];
  declare readonly outputNames: string[];
  declare readonly opset: number;
  declare private readonly _nodes: NodeProto[];
  declare private readonly _statics: Map<string, Static>;
  declare private readonly _tensors: Map<string, Tensor>;

  constructor(bytes: Uint8Array, opts: ImportOnnxOptions = {}) {
    super();
    bindArgs('OnnxModel', Array.from(arguments), { positional: [{ name: 'bytes', required: true }], keywordOnly: ['externalData'] });
    const model = decodeModel(bytes, 'importOnnx');
    const graph = model.graph;
    if (!graph) throw new Error('importOnnx: the model has no graph');
    const opset = num((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version as number) || 13;
    const nodes = graph.node ?? [];
    nodes.forEach((n, i) => {
      const domain = n.domain ?? '';
      if ((domain !== '' && domain !== 'ai.onnx') || !Object.hasOwn(OPS, n.opType ?? '')) {
        throw new Error(`importOnnx: unsupported ONNX op '${domain ? `${domain}.` : ''}${n.opType}' (node '${n.name || `#${i}`}'); ` +
          `supported: ${ONNX_IMPORT_OPS.join(', ')}`);
      }
    });
    // BatchNormalization's statistics are buffers; every other float initializer a parameter.
    const stats = new Set(nodes.filter((n) => n.opType === 'BatchNormalization').flatMap((n) => (n.input ?? []).slice(3, 5)));
    const statics = new Map<string, Static>();
    const tensors = new Map<string, Tensor>();
    for (const init of graph.initializer ?? []) {
      const name = init.name ?? '';
      const t = readTensorProto(init as TensorProto, 'importOnnx', opts.externalData);
      if (!t.float) { statics.set(name, staticOf(t)); continue; }
      const value = fromArray(t.values as Float32Array, t.dims);
      const held = stats.has(name) ? value : new Parameter(value);
      this.place(name, held, stats.has(name));
      tensors.set(name, held);
    }
    const inits = new Set((graph.initializer ?? []).map((t) => t.name));
    const hidden = (name: string, value: unknown) => Object.defineProperty(this, name, { value, enumerable: false });
    hidden('inputNames', (graph.input ?? []).map((v) => v.name ?? '').filter((n) => !inits.has(n)));
    hidden('outputNames', (graph.output ?? []).map((v) => v.name ?? ''));
    hidden('opset', opset);
    hidden('_nodes', nodes);
    hidden('_statics', statics);
    hidden('_tensors', tensors);
  }

  /** Puts a parameter or buffer at its dotted name, making the holder submodules on the way. */
  private place(name: string, t: Tensor, buffer: boolean): void {
    const parts = name.split('.');
    if (parts.some((p) => p === '' || p.startsWith('_'))) {
      throw new Error(`importOnnx: initializer name '${name}' cannot be a state-dict key (an empty part or one starting with '_')`);
    }
    let owner: Module<any, any> = this; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const p of parts.slice(0, -1)) {
      const rec = owner as unknown as Record<string, unknown>;
      if (rec[p] === undefined) rec[p] = new OnnxParameters();
      else if (!(rec[p] instanceof OnnxParameters)) throw new Error(`importOnnx: initializer name '${name}' clashes with '${p}'`);
      owner = rec[p] as Module;
    }
    const last = parts[parts.length - 1];
    if (last in owner) throw new Error(`importOnnx: initializer name '${name}' clashes with an existing attribute '${last}'`);
    if (buffer) owner.registerBuffer(last, t);
    else (owner as unknown as Record<string, unknown>)[last] = t;
  }

  /**
   * Runs the graph on the inputs (in the graph's input order); returns the output tensor, or an array when
   * the graph has several. PyTorch: `Module.forward`.
   * @example
   * ```ts
   * const y = model(randn([1, 1, 28, 28]));
   * ```
   */
  forward(...xs: Tensor[]): Tensor | Tensor[] {
    if (xs.length !== this.inputNames.length) {
      throw new Error(`OnnxModel: the graph takes ${this.inputNames.length} input(s) (${this.inputNames.join(', ')}), got ${xs.length}`);
    }
    const env = new Map<string, Value>(this._statics);
    // Parameters are read from the module each call, so loadStateDict or an optimizer's steps take effect.
    const state = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    for (const k of this._tensors.keys()) env.set(k, state.get(k) ?? this._tensors.get(k)!);
    this.inputNames.forEach((n, i) => {
      if (!(xs[i] instanceof Tensor)) throw new Error(`OnnxModel: input '${n}' must be a Tensor`);
      env.set(n, xs[i]);
    });
    this._nodes.forEach((node, i) => {
      const where = `OnnxModel: ${node.opType} node '${node.name || `#${i}`}'`;
      const inputs = (node.input ?? []).map((name) => {
        if (name === '') return null;
        const v = env.get(name);
        if (v === undefined) throw new Error(`${where}: input '${name}' is not computed before it (the graph is not in topological order)`);
        return v;
      });
      let out: Value | Value[];
      try {
        out = OPS[node.opType!]({ inputs, attrs: attributes(node), where, opset: this.opset });
      } catch (e) {
        const msg = (e as Error).message;
        throw msg.startsWith(where) ? e : new Error(`${where}: ${msg}`);
      }
      const outs = Array.isArray(out) ? out : [out];
      (node.output ?? []).forEach((name, j) => { if (name && j < outs.length) env.set(name, outs[j]); });
    });
    const results = this.outputNames.map((n) => asTensor(env.get(n)!));
    return results.length === 1 ? results[0] : results;
  }
}

/**
 * Reads an ONNX model (bytes of a `.onnx` file, as `torch.onnx.export` writes) as an nn.Module that runs
 * on every backend and trains: its parameters are the float initializers, its stateDict keys their names.
 * Runs the ops PyTorch exports for CNNs ({@link ONNX_IMPORT_OPS}: Conv, ConvTranspose, Gemm, MatMul, pools,
 * BatchNormalization, InstanceNormalization, Resize (nearest, nearest-exact and linear as PyTorch places the
 * samples), Relu, PRelu, Elu, Erf, Softplus, HardSigmoid, Clip, Softmax, Flatten, Reshape, Pad, Slice,
 * Concat, Gather (on an Embedding's computed indices too), Add, Mul, Pow, Where, …); any other op is an
 * error naming the op and the node. Initializers in a side file (ONNX external data) are read with `opts.externalData`
 * ({@link loadOnnx} reads them from the model's folder). PyTorch: none (`onnx2torch.convert` is the closest).
 * @example
 * ```ts
 * const model = importOnnx(readFileSync('resnet18.onnx'), { externalData: (f) => readFileSync(f) });
 * model.eval();
 * const logits = model(x);
 * ```
 */
export function importOnnx(bytes: Uint8Array, opts: ImportOnnxOptions = {}): OnnxModel {
  if (!(bytes instanceof Uint8Array)) throw new Error(`importOnnx: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  for (const k of Object.keys(opts)) if (k !== 'externalData') throw new Error(`importOnnx: unknown option '${k}' (externalData)`);
  return new OnnxModel(bytes, opts);
}
