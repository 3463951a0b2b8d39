// io/onnx-export.ts — exportOnnx: a convnet model as an ONNX graph (opset 13), written with protobufjs (io/onnx-proto.ts).
// Every layer is written with opset-13 ops (what ONNX 13 lacks is composed: GELU from Erf or Tanh, SiLU,
// Mish, Hardswish from HardSigmoid, LayerNorm and GroupNorm from ReduceMean/InstanceNormalization), so no
// layer raises the opset.
//
// The exporter walks modules, not ops. Each module class has one emitter in EMITTERS (a table from class
// to function; registerOnnxEmitter adds one for a user's own module): it gets the module, the value
// flowing in (its ONNX name and the example's tensor at that point, whose shape fixes shape-dependent
// choices such as 'same' padding or an adaptive pool's window) and the graph being built, and returns the
// ONNX name of its output; the builder runs the module on the example tensor to know the output's value.
// Containers (Sequential) emit their children in order, under their dotted names. Initializers take the
// parameters' state-dict names (features.0.weight), so importOnnx gives back the same stateDict keys.
//
// The model is exported in eval mode, as torch.onnx.export does: BatchNorm uses its running statistics
// and Dropout is the identity. What ONNX cannot say exactly is an error naming the layer and the option.

import { Tensor } from '../tensor/tensor.js';
import { noExtraArgs } from '../tensor/signature.js';
import { noGrad } from '../autograd/tape.js';
import { Module } from '../nn/module.js';
import * as nn from '../nn/index.js';
import {
  attribute, encodeModel, floatTensorProto, int64TensorProto, type AttrValue, type ModelProto, type NodeProto, type TensorProto,
} from './onnx-proto.js';

/** A value in the graph being built: its ONNX name, and the example input's tensor at that point. */
export interface OnnxValue {
  /** The ONNX name of the value. */
  name: string;
  /** The value the example input gives here (its shape is the graph's static shape). */
  tensor: Tensor;
}

/**
 * Emits one module into the graph: returns the ONNX name of its output (the builder then runs the module
 * on `x.tensor` to know its value), or an OnnxValue when it has computed that value itself (containers).
 */
export type OnnxEmitter<M extends Module<any, any> = Module<any, any>> = (module: M, x: OnnxValue, graph: OnnxGraphBuilder, path: string) => string | OnnxValue;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ModuleClass = abstract new (...args: any[]) => Module;

/** The ONNX opset the exporter writes. */
export const ONNX_OPSET = 13;

/** Where the graph being built lives: nodes, initializers, fresh names, and emitting submodules. */
export class OnnxGraphBuilder {
  readonly nodes: NodeProto[] = [];
  /** Initializers in order, with the tensors whose values they take when the model is written. */
  readonly initializers: { name: string; proto?: TensorProto; tensor?: Tensor }[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** An empty graph; it takes no arguments. */
  constructor() {
    noExtraArgs('OnnxGraphBuilder', arguments, []);
  }

  /** A name not used yet, from `base`. */
  fresh(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Declares the value `name` as used (graph inputs). */
  claim(name: string): void {
    this.names.add(name);
  }

  /** A float initializer holding `t`'s values (read when the model is written), named `name`. */
  weight(name: string, t: Tensor): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, tensor: t });
    return n;
  }

  /** A float initializer of JS values. */
  floats(name: string, dims: readonly number[], values: readonly number[]): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, proto: floatTensorProto(n, dims, values) });
    return n;
  }

  /**
   * A float constant (a `Constant` node, not an initializer: fixed numbers such as eps or a norm's unit
   * scale stay out of the imported model's parameters); returns its output's name.
   */
  constant(name: string, dims: readonly number[], values: readonly number[]): string {
    return this.node('Constant', [], { value: { tensor: floatTensorProto(name, dims, values) } }, name);
  }

  /** An int64 initializer (a 1-D list: pads, shapes, axes). */
  ints(name: string, values: readonly number[]): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, proto: int64TensorProto(n, [values.length], values) });
    return n;
  }

  /** Adds a node `opType(inputs) → output` named after `name`; returns the output's name. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, name = opType): string {
    const nodeName = this.fresh(name);
    const out = this.fresh(`${nodeName}_out`);
    this.nodes.push({
      name: nodeName, opType, input: [...inputs], output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Emits `module` (found at `path` in the model) on `x` through its class's emitter; returns its output. */
  emit(module: Module, x: OnnxValue, path: string): OnnxValue {
    const emitter = emitterFor(module);
    if (!emitter) {
      throw new Error(`exportOnnx: no ONNX emitter for module '${path || '(root)'}' (${module.constructor.name}); ` +
        `exportable: ${[...EMITTERS.keys()].map((c) => c.name).join(', ')}; add one with registerOnnxEmitter(${module.constructor.name}, …)`);
    }
    const out = emitter(module, x, this, path);
    if (typeof out !== 'string') return out;
    const y: unknown = module(x.tensor);
    if (!(y instanceof Tensor)) throw new Error(`exportOnnx: module '${path}' (${module.constructor.name}) returned no single tensor`);
    return { name: out, tensor: y };
  }
}

const EMITTERS = new Map<ModuleClass, OnnxEmitter>();

function emitterFor(m: Module): OnnxEmitter | undefined {
  for (let c = m.constructor; c && c !== Module; c = Object.getPrototypeOf(c)) {
    const e = EMITTERS.get(c as ModuleClass);
    if (e) return e;
  }
  return undefined;
}

/**
 * Teaches exportOnnx a module class: `emitter` writes its nodes with the graph builder's `node`, `weight`,
 * `ints` and `emit` (for submodules) and returns its output's ONNX name. The built-in layers are registered
 * this way; a subclass uses its nearest registered ancestor's emitter. convnet's own (PyTorch registers
 * symbolic functions per op instead: `torch.onnx.register_custom_op_symbolic`).
 * @example
 * ```ts
 * class Residual extends nn.Module {
 *   body = new nn.Sequential(new nn.Conv2d(8, 8, 3, { padding: 1 }), new nn.ReLU());
 *   forward(x: Tensor) { return x.add(this.body(x)); }
 * }
 * registerOnnxEmitter(Residual, (m, x, g, path) => g.node('Add', [x.name, g.emit(m.body, x, `${path}.body`).name]));
 * ```
 */
export function registerOnnxEmitter<M extends Module<any, any>>(cls: abstract new (...args: any[]) => M, emitter: OnnxEmitter<M>): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  noExtraArgs('registerOnnxEmitter', arguments, ['cls', 'emitter']);
  EMITTERS.set(cls, emitter as OnnxEmitter);
}

const join = (path: string, k: string): string => (path ? `${path}.${k}` : k);
const sizeN = (v: number | readonly number[], n: number): number[] => (typeof v === 'number' ? new Array(n).fill(v) : [...v]);

/** ONNX's pads (all begins, then all ends) from PyTorch-style symmetric padding per spatial dim. */
const symmetricPads = (p: readonly number[]): number[] => [...p, ...p];

/** A `Pad` node (opset 13: pads as an input) over the spatial dims of a rank-`rank` value. */
function padNode(g: OnnxGraphBuilder, x: string, rank: number, lo: number[], hi: number[], mode: 'constant' | 'reflect' | 'edge', path: string, value?: number): string {
  const lead = new Array(rank - lo.length).fill(0);
  const inputs = [x, g.ints(`${path}.pads`, [...lead, ...lo, ...lead, ...hi])];
  if (value !== undefined) inputs.push(g.floats(`${path}.pad_value`, [], [value]));
  return g.node('Pad', inputs, { mode }, join(path, 'pad'));
}

/** Circular padding (ONNX's Pad has 'wrap' only from opset 19): per spatial axis, Concat(tail, x, head). */
function circularPad(g: OnnxGraphBuilder, x: string, shape: readonly number[], lo: number[], hi: number[], path: string): string {
  let cur = x;
  const spatial = lo.length;
  for (let i = spatial - 1; i >= 0; i--) {
    const axis = shape.length - spatial + i;
    const L = shape[axis];
    const parts: string[] = [];
    const slice = (start: number, end: number, tag: string) => g.node('Slice',
      [cur, g.ints(`${path}.${tag}${axis}.starts`, [start]), g.ints(`${path}.${tag}${axis}.ends`, [end]), g.ints(`${path}.${tag}${axis}.axes`, [axis])],
      {}, join(path, `circular_${tag}${axis}`));
    if (lo[i] > 0) parts.push(slice(L - lo[i], L, 'tail'));
    parts.push(cur);
    if (hi[i] > 0) parts.push(slice(0, hi[i], 'head'));
    if (parts.length > 1) cur = g.node('Concat', parts, { axis }, join(path, `circular_pad${axis}`));
  }
  return cur;
}

/** Conv1d/Conv2d: Conv, after a Pad (or circular Slice/Concat) when paddingMode is not 'zeros'. */
function emitConv(m: nn.Conv2d | nn.Conv1d, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const spatial = m.kernelSize.length;
  let lo: number[], hi: number[];
  if (m.padding === 'valid') { lo = new Array(spatial).fill(0); hi = [...lo]; }
  else if (m.padding === 'same') {
    const total = m.kernelSize.map((k, i) => m.dilation[i] * (k - 1));
    lo = total.map((t) => Math.floor(t / 2));
    hi = total.map((t, i) => t - lo[i]);
  } else { lo = [...m.padding]; hi = [...m.padding]; }
  let input = x.name;
  if (m.paddingMode !== 'zeros' && [...lo, ...hi].some((p) => p > 0)) {
    input = m.paddingMode === 'circular'
      ? circularPad(g, input, x.tensor.shape, lo, hi, path)
      : padNode(g, input, x.tensor.ndim, lo, hi, m.paddingMode === 'reflect' ? 'reflect' : 'edge', path);
    lo = lo.map(() => 0); hi = hi.map(() => 0);
  }
  const inputs = [input, g.weight(join(path, 'weight'), m.weight)];
  if (m.bias) inputs.push(g.weight(join(path, 'bias'), m.bias));
  return g.node('Conv', inputs, {
    kernel_shape: m.kernelSize, strides: m.stride, pads: [...lo, ...hi], dilations: m.dilation, group: m.groups,
  }, join(path, 'Conv'));
}

/** PyTorch's pooled length (a ceil-mode window must start inside the input or the left padding). */
function pooledLength(L: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = L + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= L + p) out--;
  return out;
}

/**
 * Max pooling: ceil mode becomes extra end padding in floor mode (MaxPool's padding never wins a max), which
 * gives PyTorch's output size exactly, whatever the runtime's ceil-mode rule.
 */
function emitMaxPool(m: nn.MaxPool2d | nn.MaxPool1d, x: OnnxValue, g: OnnxGraphBuilder, path: string, spatial: number): string {
  if (m.returnIndices) throw new Error(`exportOnnx: ${m.constructor.name} '${path}' with returnIndices=true is not exportable (one output only)`);
  const k = sizeN(m.kernelSize, spatial), s = sizeN(m.stride, spatial), p = sizeN(m.padding, spatial), d = sizeN(m.dilation, spatial);
  const L = x.tensor.shape.slice(-spatial);
  const hi = L.map((l, i) => {
    const out = pooledLength(l, k[i], s[i], p[i], d[i], m.ceilMode);
    return Math.max(p[i], (out - 1) * s[i] + d[i] * (k[i] - 1) + 1 - l - p[i]);
  });
  return g.node('MaxPool', [x.name], { kernel_shape: k, strides: s, pads: [...p, ...hi], dilations: d }, join(path, 'MaxPool'));
}

/**
 * Average pooling. ceil mode is written only where it changes nothing, or where no window reaches past the
 * padded input (then ONNX's and PyTorch's divisors agree); divisorOverride as count-include-pad average
 * times k/divisor where every window is whole.
 */
function emitAvgPool(m: nn.AvgPool2d | nn.AvgPool1d, x: OnnxValue, g: OnnxGraphBuilder, path: string, spatial: number): string {
  const k = sizeN(m.kernelSize, spatial), s = sizeN(m.stride, spatial), p = sizeN(m.padding, spatial);
  const L = x.tensor.shape.slice(-spatial);
  const floorOut = L.map((l, i) => pooledLength(l, k[i], s[i], p[i], 1, false));
  const ceilOut = L.map((l, i) => pooledLength(l, k[i], s[i], p[i], 1, true));
  const ceilMatters = m.ceilMode && ceilOut.some((o, i) => o !== floorOut[i]);
  const divisor = 'divisorOverride' in m ? m.divisorOverride : null;
  if (ceilMatters && (divisor !== null || m.countIncludePad)) {
    throw new Error(`exportOnnx: ${m.constructor.name} '${path}' with ceilMode=true on input ${JSON.stringify(x.tensor.shape)} has partial windows ` +
      `whose divisor ${divisor !== null ? 'divisorOverride' : 'countIncludePad=true'} gives differently in ONNX's AveragePool; ` +
      'use countIncludePad=false, ceilMode=false, or an input size where the windows tile');
  }
  const attrs = {
    kernel_shape: k, strides: s, pads: symmetricPads(p), ceil_mode: ceilMatters ? 1 : 0,
    count_include_pad: m.countIncludePad || divisor !== null ? 1 : 0,
  };
  const y = g.node('AveragePool', [x.name], attrs, join(path, 'AveragePool'));
  if (divisor === null) return y;
  const area = k.reduce((a, b) => a * b, 1);
  return g.node('Mul', [y, g.floats(join(path, 'divisor_scale'), [], [area / divisor])], {}, join(path, 'divisor'));
}

/** Adaptive pools: global pooling for output 1, else a fixed window where the input tiles the output. */
function emitAdaptive(m: nn.AdaptiveAvgPool2d | nn.AdaptiveAvgPool1d | nn.AdaptiveMaxPool2d | nn.AdaptiveMaxPool1d,
  x: OnnxValue, g: OnnxGraphBuilder, path: string, spatial: number, max: boolean): string {
  const L = x.tensor.shape.slice(-spatial);
  const os = m.outputSize;
  const out = (typeof os === 'number' || os === null ? new Array(spatial).fill(os) : [...os]).map((o, i) => (o === null ? L[i] : o) as number);
  if (out.every((o) => o === 1)) return g.node(max ? 'GlobalMaxPool' : 'GlobalAveragePool', [x.name], {}, join(path, max ? 'GlobalMaxPool' : 'GlobalAveragePool'));
  if (L.some((l, i) => l % out[i] !== 0)) {
    throw new Error(`exportOnnx: ${m.constructor.name} '${path}' maps input size ${JSON.stringify(L)} to ${JSON.stringify(out)}, ` +
      'whose uneven windows ONNX cannot express; use an input size divisible by the output size');
  }
  const k = L.map((l, i) => l / out[i]);
  return g.node(max ? 'MaxPool' : 'AveragePool', [x.name], { kernel_shape: k, strides: k }, join(path, max ? 'MaxPool' : 'AveragePool'));
}

function emitBatchNorm(m: nn.BatchNorm2d | nn.BatchNorm1d, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  if (!m.runningMean || !m.runningVar) {
    throw new Error(`exportOnnx: ${m.constructor.name} '${path}' has trackRunningStats=false (it normalises by batch statistics in eval too), which ONNX's inference BatchNormalization cannot express`);
  }
  const C = m.numFeatures;
  const scale = m.weight ? g.weight(join(path, 'weight'), m.weight) : g.floats(join(path, 'weight'), [C], new Array(C).fill(1));
  const bias = m.bias ? g.weight(join(path, 'bias'), m.bias) : g.floats(join(path, 'bias'), [C], new Array(C).fill(0));
  const inputs = [x.name, scale, bias, g.weight(join(path, 'running_mean'), m.runningMean), g.weight(join(path, 'running_var'), m.runningVar)];
  return g.node('BatchNormalization', inputs, { epsilon: { float: m.eps } }, join(path, 'BatchNormalization'));
}

function emitLinear(m: nn.Linear, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const w = g.weight(join(path, 'weight'), m.weight);
  if (x.tensor.ndim === 2) {
    const inputs = [x.name, w];
    if (m.bias) inputs.push(g.weight(join(path, 'bias'), m.bias));
    return g.node('Gemm', inputs, { transB: 1 }, join(path, 'Gemm'));
  }
  const wt = g.node('Transpose', [w], { perm: [1, 0] }, join(path, 'Transpose'));
  const y = g.node('MatMul', [x.name, wt], {}, join(path, 'MatMul'));
  return m.bias ? g.node('Add', [y, g.weight(join(path, 'bias'), m.bias)], {}, join(path, 'Add')) : y;
}

function emitFlatten(m: nn.Flatten, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const n = x.tensor.ndim;
  const start = m.startDim < 0 ? m.startDim + n : m.startDim;
  const end = m.endDim < 0 ? m.endDim + n : m.endDim;
  if (end === n - 1 && start === 1) return g.node('Flatten', [x.name], { axis: 1 }, join(path, 'Flatten'));
  const shape = x.tensor.shape;
  const merged = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  const target = [...shape.slice(0, start).map(() => 0), merged, ...shape.slice(end + 1)];
  return g.node('Reshape', [x.name, g.ints(join(path, 'shape'), target)], {}, join(path, 'Reshape'));
}

const softmaxDim = (m: nn.Softmax | nn.LogSoftmax, x: OnnxValue): number => {
  const n = x.tensor.ndim;
  const d = m.dim ?? (n === 0 || n === 1 || n === 3 ? 0 : 1); // PyTorch's legacy implicit dim
  return d < 0 ? d + n : d;
};

const identity: OnnxEmitter = (_m, x) => x;

registerOnnxEmitter(nn.Sequential, (m, x, g, path) => {
  let cur = x;
  for (const [k, child] of m.namedChildren()) cur = g.emit(child, cur, join(path, k));
  return cur;
});
registerOnnxEmitter(nn.Conv2d, emitConv);
registerOnnxEmitter(nn.Conv1d, emitConv);
registerOnnxEmitter(nn.MaxPool2d, (m, x, g, p) => emitMaxPool(m, x, g, p, 2));
registerOnnxEmitter(nn.MaxPool1d, (m, x, g, p) => emitMaxPool(m, x, g, p, 1));
registerOnnxEmitter(nn.AvgPool2d, (m, x, g, p) => emitAvgPool(m, x, g, p, 2));
registerOnnxEmitter(nn.AvgPool1d, (m, x, g, p) => emitAvgPool(m, x, g, p, 1));
registerOnnxEmitter(nn.AdaptiveAvgPool2d, (m, x, g, p) => emitAdaptive(m, x, g, p, 2, false));
registerOnnxEmitter(nn.AdaptiveAvgPool1d, (m, x, g, p) => emitAdaptive(m, x, g, p, 1, false));
registerOnnxEmitter(nn.AdaptiveMaxPool2d, (m, x, g, p) => emitAdaptive(m, x, g, p, 2, true));
registerOnnxEmitter(nn.AdaptiveMaxPool1d, (m, x, g, p) => emitAdaptive(m, x, g, p, 1, true));
registerOnnxEmitter(nn.BatchNorm2d, emitBatchNorm);
registerOnnxEmitter(nn.BatchNorm1d, emitBatchNorm);
registerOnnxEmitter(nn.Linear, emitLinear);
registerOnnxEmitter(nn.Flatten, emitFlatten);
registerOnnxEmitter(nn.ReLU, (_m, x, g, p) => g.node('Relu', [x.name], {}, join(p, 'Relu')));
registerOnnxEmitter(nn.Tanh, (_m, x, g, p) => g.node('Tanh', [x.name], {}, join(p, 'Tanh')));
registerOnnxEmitter(nn.Sigmoid, (_m, x, g, p) => g.node('Sigmoid', [x.name], {}, join(p, 'Sigmoid')));
registerOnnxEmitter(nn.LeakyReLU, (m, x, g, p) => g.node('LeakyRelu', [x.name], { alpha: { float: m.negativeSlope } }, join(p, 'LeakyRelu')));
registerOnnxEmitter(nn.Softmax, (m, x, g, p) => g.node('Softmax', [x.name], { axis: softmaxDim(m, x) }, join(p, 'Softmax')));
registerOnnxEmitter(nn.LogSoftmax, (m, x, g, p) => g.node('LogSoftmax', [x.name], { axis: softmaxDim(m, x) }, join(p, 'LogSoftmax')));
registerOnnxEmitter(nn.Dropout, identity);
registerOnnxEmitter(nn.Identity, identity);

// ── The layers of the PyTorch-ports issue (14): padding, ConvTranspose, Upsample, the normalisations,
// Embedding and the newer activations. ──

/** Runs `f` on a batched value: an unbatched input (`spatial` + 1 dims) is unsqueezed first and squeezed after. */
function withBatch(g: OnnxGraphBuilder, x: OnnxValue, spatial: number, path: string, f: (name: string) => string): string {
  if (x.tensor.ndim !== spatial + 1) return f(x.name);
  const axes = g.ints(`${path}.batch_axes`, [0]);
  const y = f(g.node('Unsqueeze', [x.name, axes], {}, join(path, 'Unsqueeze')));
  return g.node('Squeeze', [y, axes], {}, join(path, 'Squeeze'));
}

const PAD_MODES = new Map<ModuleClass, 'reflect' | 'edge' | 'circular'>([
  [nn.ReflectionPad1d, 'reflect'], [nn.ReflectionPad2d, 'reflect'], [nn.ReflectionPad3d, 'reflect'],
  [nn.ReplicationPad1d, 'edge'], [nn.ReplicationPad2d, 'edge'], [nn.ReplicationPad3d, 'edge'],
  [nn.CircularPad1d, 'circular'], [nn.CircularPad2d, 'circular'], [nn.CircularPad3d, 'circular'],
]);

type PadLayer = nn.ZeroPad2d;

/**
 * The padding layers: a Pad node (constant with the layer's value, reflect, edge) over the last d dims;
 * circular padding as Slice/Concat (Pad's 'wrap' needs opset 19). F.pad's list runs last dim first.
 */
function emitPadLayer(m: PadLayer, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const mode = PAD_MODES.get(m.constructor as ModuleClass) ?? 'constant';
  const d = m.padding.length / 2;
  const lo = Array.from({ length: d }, (_, i) => m.padding[2 * (d - 1 - i)]);
  const hi = Array.from({ length: d }, (_, i) => m.padding[2 * (d - 1 - i) + 1]);
  if (mode !== 'constant' && [...lo, ...hi].some((p) => p < 0)) {
    throw new Error(`exportOnnx: ${m.constructor.name} '${path}' with negative padding ${JSON.stringify(m.padding)} is not exportable (only constant padding crops)`);
  }
  if (mode === 'circular') return circularPad(g, x.name, x.tensor.shape, lo, hi, path);
  return padNode(g, x.name, x.tensor.ndim, lo, hi, mode, path, mode === 'constant' ? m.value : undefined);
}

/** ConvTranspose1d/2d: ConvTranspose with pads, output_padding, dilations and groups as the layer's. */
function emitConvTranspose(m: nn.ConvTranspose2d | nn.ConvTranspose1d, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const inputs = [g.weight(join(path, 'weight'), m.weight)];
  if (m.bias) inputs.push(g.weight(join(path, 'bias'), m.bias));
  return withBatch(g, x, m.kernelSize.length, path, (name) => g.node('ConvTranspose', [name, ...inputs], {
    kernel_shape: m.kernelSize, strides: m.stride, pads: symmetricPads(m.padding), dilations: m.dilation, group: m.groups,
    output_padding: m.outputPadding,
  }, join(path, 'ConvTranspose')));
}

/**
 * Upsample as Resize, with the attributes torch.onnx.export writes: nearest as asymmetric/floor,
 * nearest-exact as half_pixel/round_prefer_ceil, the linear modes as half_pixel (align_corners with
 * alignCorners). A scale factor goes in as Resize's scales (the samples are placed by it, as PyTorch
 * does), a size or a recomputed scale as sizes. 'area' is adaptive average pooling: exportable where the
 * input tiles the output.
 */
function emitUpsample(m: nn.Upsample, x: OnnxValue, g: OnnxGraphBuilder, path: string, y: Tensor): string {
  const n = x.tensor.ndim;
  const inSize = x.tensor.shape.slice(2), outSize = y.shape.slice(2);
  const name = m.constructor.name;
  if (m.mode === 'area') {
    if (outSize.every((o) => o === 1)) return g.node('GlobalAveragePool', [x.name], {}, join(path, 'GlobalAveragePool'));
    if (inSize.some((l, i) => l % outSize[i] !== 0)) {
      throw new Error(`exportOnnx: ${name} '${path}' with mode 'area' maps input size ${JSON.stringify(inSize)} to ${JSON.stringify(outSize)}, ` +
        'whose uneven windows ONNX cannot express; use an input size divisible by the output size');
    }
    const k = inSize.map((l, i) => l / outSize[i]);
    return g.node('AveragePool', [x.name], { kernel_shape: k, strides: k }, join(path, 'AveragePool'));
  }
  const attrs: Record<string, AttrValue> = m.mode === 'nearest' ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
    : m.mode === 'nearest-exact' ? { mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' }
      : { mode: 'linear', coordinate_transformation_mode: m.alignCorners ? 'align_corners' : 'half_pixel' };
  if (m.scaleFactor !== null && !m.recomputeScaleFactor) {
    const sf = typeof m.scaleFactor === 'number' ? new Array<number>(n - 2).fill(m.scaleFactor) : m.scaleFactor;
    // The runtime sizes the output as floor(in · scale) in float32: where that is not PyTorch's size, no
    // Resize reproduces both the size and the sample positions.
    const bad = inSize.findIndex((l, i) => Math.floor(Math.fround(l * Math.fround(sf[i]))) !== outSize[i]);
    if (bad >= 0) {
      throw new Error(`exportOnnx: ${name} '${path}' with scaleFactor ${sf[bad]} on size ${inSize[bad]} gives ${outSize[bad]}, ` +
        `but ONNX's float32 scale ${Math.fround(sf[bad])} gives ${Math.floor(Math.fround(inSize[bad] * Math.fround(sf[bad])))}; use a size or another scale factor`);
    }
    const scales = g.constant(`${path}.scales`, [n], [1, 1, ...sf]);
    return g.node('Resize', [x.name, '', scales], attrs, join(path, 'Resize'));
  }
  return g.node('Resize', [x.name, '', '', g.ints(`${path}.sizes`, y.shape)], attrs, join(path, 'Resize'));
}

/** LayerNorm from ReduceMean, Sub, Mul, Add, Sqrt and Div over the last dims (LayerNormalization needs opset 17). */
function emitLayerNorm(m: nn.LayerNorm, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const axes = m.normalizedShape.map((_, i) => i - m.normalizedShape.length);
  const mu = g.node('ReduceMean', [x.name], { axes, keepdims: 1 }, join(path, 'mean'));
  const d = g.node('Sub', [x.name, mu], {}, join(path, 'centered'));
  const v = g.node('ReduceMean', [g.node('Mul', [d, d], {}, join(path, 'square'))], { axes, keepdims: 1 }, join(path, 'var'));
  const std = g.node('Sqrt', [g.node('Add', [v, g.constant(`${path}.eps`, [], [m.eps])], {}, join(path, 'var_eps'))], {}, join(path, 'std'));
  let y = g.node('Div', [d, std], {}, join(path, 'normalized'));
  if (m.weight) y = g.node('Mul', [y, g.weight(join(path, 'weight'), m.weight)], {}, join(path, 'scale'));
  if (m.bias) y = g.node('Add', [y, g.weight(join(path, 'bias'), m.bias)], {}, join(path, 'shift'));
  return y;
}

/** A per-channel [C] parameter as [C, 1, …] so it broadcasts over an input of rank `rank` (channels at dim 1). */
function channelwise(g: OnnxGraphBuilder, name: string, t: Tensor, rank: number, path: string, tag: string): string {
  const w = g.weight(name, t);
  if (rank <= 2) return w;
  return g.node('Reshape', [w, g.ints(`${path}.${tag}_shape`, [t.shape[0], ...new Array<number>(rank - 2).fill(1)])], {}, join(path, `${tag}_channelwise`));
}

/** GroupNorm as torch.onnx.export writes it: Reshape to [N, G, −1], InstanceNormalization, Reshape back, then the affine. */
function emitGroupNorm(m: nn.GroupNorm, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const G = m.numGroups, rank = x.tensor.ndim;
  const grouped = g.node('Reshape', [x.name, g.ints(`${path}.group_shape`, [0, G, -1])], {}, join(path, 'group'));
  const normed = g.node('InstanceNormalization', [grouped, g.constant(`${path}.unit_scale`, [G], new Array<number>(G).fill(1)),
    g.constant(`${path}.zero_bias`, [G], new Array<number>(G).fill(0))], { epsilon: { float: m.eps } }, join(path, 'InstanceNormalization'));
  let y = g.node('Reshape', [normed, g.ints(`${path}.shape`, [0, ...x.tensor.shape.slice(1)])], {}, join(path, 'ungroup'));
  if (m.weight) y = g.node('Mul', [y, channelwise(g, join(path, 'weight'), m.weight, rank, path, 'weight')], {}, join(path, 'scale'));
  if (m.bias) y = g.node('Add', [y, channelwise(g, join(path, 'bias'), m.bias, rank, path, 'bias')], {}, join(path, 'shift'));
  return y;
}

/** InstanceNorm1d/2d: InstanceNormalization (statistics of each instance); with trackRunningStats, eval uses the running ones: BatchNormalization. */
function emitInstanceNorm(m: nn.InstanceNorm2d | nn.InstanceNorm1d, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const C = m.numFeatures, spatial = m instanceof nn.InstanceNorm2d ? 2 : 1;
  const scale = m.weight ? g.weight(join(path, 'weight'), m.weight) : g.constant(`${path}.unit_scale`, [C], new Array<number>(C).fill(1));
  const bias = m.bias ? g.weight(join(path, 'bias'), m.bias) : g.constant(`${path}.zero_bias`, [C], new Array<number>(C).fill(0));
  return withBatch(g, x, spatial, path, (name) => {
    if (m.trackRunningStats && m.runningMean && m.runningVar) {
      return g.node('BatchNormalization', [name, scale, bias, g.weight(join(path, 'running_mean'), m.runningMean), g.weight(join(path, 'running_var'), m.runningVar)],
        { epsilon: { float: m.eps } }, join(path, 'BatchNormalization'));
    }
    return g.node('InstanceNormalization', [name, scale, bias], { epsilon: { float: m.eps } }, join(path, 'InstanceNormalization'));
  });
}

/** GELU: 0.5·x·(1 + Erf(x/√2)), or with approximate='tanh' 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³))) (Gelu needs opset 20). */
function emitGelu(m: nn.GELU, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const c = (tag: string, v: number) => g.constant(`${path}.${tag}`, [], [v]);
  let inner: string;
  if (m.approximate === 'tanh') {
    const cube = g.node('Mul', [x.name, g.node('Mul', [x.name, x.name], {}, join(path, 'square'))], {}, join(path, 'cube'));
    const arg = g.node('Add', [x.name, g.node('Mul', [cube, c('k', 0.044715)], {}, join(path, 'cubic'))], {}, join(path, 'poly'));
    inner = g.node('Tanh', [g.node('Mul', [arg, c('sqrt_2_over_pi', Math.sqrt(2 / Math.PI))], {}, join(path, 'scaled'))], {}, join(path, 'Tanh'));
  } else {
    inner = g.node('Erf', [g.node('Div', [x.name, c('sqrt2', Math.SQRT2)], {}, join(path, 'Div'))], {}, join(path, 'Erf'));
  }
  const onePlus = g.node('Add', [inner, c('one', 1)], {}, join(path, 'one_plus'));
  return g.node('Mul', [g.node('Mul', [x.name, onePlus], {}, join(path, 'Mul')), c('half', 0.5)], {}, join(path, 'half'));
}

/**
 * Softplus: Softplus(β·x)/β, and where β·x > threshold PyTorch's x (a Where), unless the threshold is so
 * large that log(1 + e^−threshold)/|β| is below float32's reach.
 */
function emitSoftplus(m: nn.Softplus, x: OnnxValue, g: OnnxGraphBuilder, path: string): string {
  const bx = m.beta === 1 ? x.name : g.node('Mul', [x.name, g.constant(`${path}.beta`, [], [m.beta])], {}, join(path, 'beta_x'));
  let y = g.node('Softplus', [bx], {}, join(path, 'Softplus'));
  if (m.beta !== 1) y = g.node('Div', [y, g.constant(`${path}.beta_div`, [], [m.beta])], {}, join(path, 'Div'));
  if (Math.log1p(Math.exp(-m.threshold)) / Math.abs(m.beta) <= 1e-8) return y;
  const over = g.node('Greater', [bx, g.constant(`${path}.threshold`, [], [m.threshold])], {}, join(path, 'over_threshold'));
  return g.node('Where', [over, x.name, y], {}, join(path, 'Where'));
}

registerOnnxEmitter(nn.ConvTranspose2d, emitConvTranspose);
registerOnnxEmitter(nn.ConvTranspose1d, emitConvTranspose);
for (const cls of [nn.ZeroPad1d, nn.ZeroPad2d, nn.ZeroPad3d, nn.ConstantPad1d, nn.ConstantPad2d, nn.ConstantPad3d, ...PAD_MODES.keys()]) {
  registerOnnxEmitter(cls as abstract new () => PadLayer, emitPadLayer);
}
registerOnnxEmitter(nn.Upsample, (m, x, g, p) => {
  const y = m(x.tensor);
  return { name: emitUpsample(m, x, g, p, y), tensor: y };
});
registerOnnxEmitter(nn.LayerNorm, emitLayerNorm);
registerOnnxEmitter(nn.GroupNorm, emitGroupNorm);
registerOnnxEmitter(nn.InstanceNorm2d, emitInstanceNorm);
registerOnnxEmitter(nn.InstanceNorm1d, emitInstanceNorm);
registerOnnxEmitter(nn.Dropout1d, identity);
registerOnnxEmitter(nn.Dropout2d, identity);
registerOnnxEmitter(nn.Embedding, (m, x, g, p) => g.node('Gather', [g.weight(join(p, 'weight'), m.weight), x.name], { axis: 0 }, join(p, 'Gather')));
registerOnnxEmitter(nn.ELU, (m, x, g, p) => g.node('Elu', [x.name], { alpha: { float: m.alpha } }, join(p, 'Elu')));
registerOnnxEmitter(nn.GELU, emitGelu);
registerOnnxEmitter(nn.SiLU, (_m, x, g, p) => g.node('Mul', [x.name, g.node('Sigmoid', [x.name], {}, join(p, 'Sigmoid'))], {}, join(p, 'Mul')));
registerOnnxEmitter(nn.Mish, (_m, x, g, p) => g.node('Mul', [x.name,
  g.node('Tanh', [g.node('Softplus', [x.name], {}, join(p, 'Softplus'))], {}, join(p, 'Tanh'))], {}, join(p, 'Mul')));
registerOnnxEmitter(nn.Hardswish, (_m, x, g, p) => g.node('Mul', [x.name,
  g.node('HardSigmoid', [x.name], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }, join(p, 'HardSigmoid'))], {}, join(p, 'Mul')));
registerOnnxEmitter(nn.Softplus, emitSoftplus);
registerOnnxEmitter(nn.PReLU, (m, x, g, p) => g.node('PRelu', [x.name,
  m.numParameters === 1 ? g.weight(join(p, 'weight'), m.weight) : channelwise(g, join(p, 'weight'), m.weight, x.tensor.ndim, p, 'weight')], {}, join(p, 'PRelu')));

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** The graph input's name (default 'input'). */
  inputName?: string;
  /** The graph output's name (default 'output'). */
  outputName?: string;
  /** Writes the model to this file (atomically) as well as returning its bytes. */
  path?: string;
}

/** Builds the ModelProto of `model` run on `example` (eval mode; the modules' modes are restored after). */
export async function onnxModelProto(model: Module, example: Tensor, opts: ExportOnnxOptions = {}): Promise<ModelProto> {
  if (!(model instanceof Module)) throw new Error(`exportOnnx: model must be an nn.Module, got ${model === null ? 'null' : typeof model}`);
  if (!(example instanceof Tensor)) throw new Error(`exportOnnx: exampleInput must be a Tensor, got ${example === null ? 'null' : typeof example}`);
  if (example.dtype !== 'float32' && example.dtype !== 'int32') {
    throw new Error(`exportOnnx: exampleInput must be float32 (or int32 indices for an Embedding), got ${example.dtype}`);
  }
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  const g = new OnnxGraphBuilder();
  g.claim(inputName);
  g.claim(outputName);
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  let out: OnnxValue;
  try {
    out = noGrad(() => g.emit(model, { name: inputName, tensor: example }, ''));
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
  // The output takes its public name: rename the node output that makes it (or add an Identity).
  const maker = g.nodes.find((n) => n.output?.[0] === out.name);
  if (maker && out.name !== inputName) maker.output = [outputName];
  else g.nodes.push({ name: 'output_identity', opType: 'Identity', input: [out.name], output: [outputName] });
  for (const n of g.nodes) n.input = n.input?.map((i) => (i === out.name && maker && out.name !== inputName ? outputName : i));

  const initializer: TensorProto[] = [];
  for (const init of g.initializers) {
    if (init.proto) { initializer.push(init.proto); continue; }
    const t = init.tensor!;
    initializer.push(floatTensorProto(init.name, t.shape, await t.dataAsync()));
  }
  // int32 indices are declared int64, as torch.onnx.export writes a LongTensor input.
  const valueInfo = (name: string, t: Tensor) => ({
    name, type: { tensorType: { elemType: t.dtype === 'int32' ? 7 : 1, shape: { dim: t.shape.map((d) => ({ dimValue: d })) } } },
  });
  return {
    irVersion: 7,
    producerName: 'convnet',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: model.constructor.name,
      node: g.nodes,
      initializer,
      input: [valueInfo(inputName, example)],
      output: [valueInfo(outputName, out.tensor)],
    },
  };
}

/**
 * Exports `model` as an ONNX model (opset 13) traced on `exampleInput`: returns the `.onnx` bytes and, with
 * `path`, writes them there atomically (Node). Every convnet layer is covered (conv with every padding
 * mode, pools with ceil mode, BatchNorm in eval, linear, activations, flatten, dropout as identity,
 * Sequential and the model zoo; the padding layers, ConvTranspose, Upsample as Resize, LayerNorm,
 * GroupNorm, InstanceNorm, Embedding as Gather on an int32 example declared int64, ELU, GELU, SiLU, Mish,
 * Hardswish, Softplus, PReLU, all at opset 13); a module without an emitter is an error naming it
 * (see {@link registerOnnxEmitter}). Initializers take the state-dict names. The model is run in eval mode.
 * PyTorch: `torch.onnx.export(model, args, f)`.
 * @example
 * ```ts
 * const model = models.lenet5();
 * const bytes = await exportOnnx(model, randn([1, 1, 28, 28]), 'lenet5.onnx');
 * ```
 */
export async function exportOnnx(model: Module, exampleInput: Tensor, path?: string | ExportOnnxOptions, opts: ExportOnnxOptions = {}): Promise<Uint8Array> {
  const o: ExportOnnxOptions = typeof path === 'object' && path !== null ? { ...path } : { ...opts, path: path ?? opts.path };
  for (const k of Object.keys(o)) {
    if (!['inputName', 'outputName', 'path'].includes(k)) throw new Error(`exportOnnx: unknown option '${k}' (inputName, outputName, path)`);
  }
  const bytes = encodeModel(await onnxModelProto(model, exampleInput, o));
  if (o.path !== undefined) {
    if (typeof o.path !== 'string') throw new Error(`exportOnnx: path must be a string, got ${typeof o.path}`);
    const { writeFileAtomic } = await import('./atomic.js');
    writeFileAtomic(o.path, bytes);
  }
  return bytes;
}
