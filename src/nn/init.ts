// nn/init.ts — parameter initialisation as torch.nn.init: every function overwrites the tensor in place and
// records nothing (constant fills run fill_ under noGrad; random fills write the seeded generator's values).
// Arguments bind as PyTorch's (tensor/signature.ts): kaimingUniform_(w, a, mode, nonlinearity) by position,
// or any of them by name: kaimingUniform_(w, { nonlinearity: 'relu' }).

/**
 * Parameter initialisation: functions that overwrite a weight in place (recording no gradient) with
 * constants or values from the global seeded generator. PyTorch: `torch.nn.init`.
 * @example
 * ```ts
 * nn.init.kaimingNormal_(conv.weight, { nonlinearity: 'relu' });
 * nn.init.zeros_(conv.bias!);
 * ```
 * @module
 */

import { Tensor } from '../tensor/tensor.js';
import { noExtraArgs } from '../tensor/signature.js';
import { noGrad } from '../autograd/tape.js';
import { normalFill, uniformFill } from '../tensor/creation.js';
import { bindArgs, type ParamSpec, type PyArgs } from '../tensor/signature.js';
import { oneOf } from '../ops/args.js';

const TENSOR: ParamSpec = { name: 'tensor', kind: 'tensor', required: true };
const NONLINEARITIES: readonly Nonlinearity[] = ['linear', 'conv1d', 'conv2d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'];

/**
 * The activation names {@link calculateGain} knows. PyTorch: the `nonlinearity` strings of `torch.nn.init`.
 * @example
 * ```ts
 * const n: nn.init.Nonlinearity = 'relu';
 * ```
 */
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * The recommended scale of initial weights for an activation (√2 for relu, 5/3 for tanh, …; `param` is
 * leaky_relu's slope); both arguments by position or by name. PyTorch: `torch.nn.init.calculate_gain`.
 * @example
 * ```ts
 * nn.init.calculateGain('relu');  // 1.4142…
 * nn.init.calculateGain('leaky_relu', 0.2);
 * ```
 */
export function calculateGain(...args: PyArgs<[nonlinearity: Nonlinearity, param: number | null], { nonlinearity?: Nonlinearity; param?: number | null }>): number {
  const a = bindArgs('calculateGain', args, {
    positional: [{ name: 'nonlinearity', kind: 'string', required: true }, { name: 'param', kind: { test: (v) => v === null || typeof v === 'number', what: 'a number or null' } }],
  });
  const nonlinearity = oneOf('calculateGain', 'nonlinearity', a.nonlinearity, NONLINEARITIES, 'linear');
  const param = a.param as number | null | undefined;
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case 'selu': return 3 / 4;
  }
}

/**
 * fan_in = inputs × receptive field and fan_out = outputs × receptive field of a weight [out, in, …].
 * PyTorch: `torch.nn.init._calculate_fan_in_and_fan_out`.
 * @example
 * ```ts
 * nn.init.calculateFanInAndFanOut(zeros([16, 3, 5, 5]));  // [75, 400]
 * ```
 */
export function calculateFanInAndFanOut(...args: PyArgs<[tensor: Tensor], { tensor?: Tensor }>): [number, number] {
  const t = bindArgs('calculateFanInAndFanOut', args, { positional: [{ name: 'tensor', kind: 'tensor', required: true }] }).tensor as Tensor;
  if (t.ndim < 2) throw new Error(`init: fan in and fan out need a tensor with at least 2 dimensions, got shape [${t.shape.join(', ')}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/**
 * Overwrites a tensor in place with uniform values in [a, b) from the global seeded generator; returns it.
 * Arguments (tensor, a, b) by position or by name. PyTorch: `torch.nn.init.uniform_`.
 * @example
 * ```ts
 * nn.init.uniform_(layer.weight, -0.1, 0.1);
 * nn.init.uniform_(layer.weight, { b: 0.5 });
 * ```
 */
export function uniform_(...args: PyArgs<[tensor: Tensor, a: number, b: number], { tensor?: Tensor; a?: number; b?: number }>): Tensor {
  const r = bindArgs('uniform_', args, { positional: [TENSOR, { name: 'a', kind: 'number' }, { name: 'b', kind: 'number' }] });
  return uniformFill(r.tensor as Tensor, (r.a as number | undefined) ?? 0, (r.b as number | undefined) ?? 1);
}

/**
 * Overwrites a tensor in place with normal values of the given mean and standard deviation; returns it.
 * Arguments (tensor, mean, std) by position or by name. PyTorch: `torch.nn.init.normal_`.
 * @example
 * ```ts
 * nn.init.normal_(layer.weight, 0, 0.02);
 * nn.init.normal_(layer.weight, { std: 0.02 });
 * ```
 */
export function normal_(...args: PyArgs<[tensor: Tensor, mean: number, std: number], { tensor?: Tensor; mean?: number; std?: number }>): Tensor {
  const r = bindArgs('normal_', args, { positional: [TENSOR, { name: 'mean', kind: 'number' }, { name: 'std', kind: 'number' }] });
  return normalFill(r.tensor as Tensor, (r.mean as number | undefined) ?? 0, (r.std as number | undefined) ?? 1);
}

/**
 * Sets every element of a tensor to `val`, in place and without recording a gradient; returns it.
 * Arguments (tensor, val) by position or by name. PyTorch: `torch.nn.init.constant_`.
 * @example
 * ```ts
 * nn.init.constant_(layer.bias!, 0.1);
 * ```
 */
export function constant_(...args: PyArgs<[tensor: Tensor, val: number], { tensor?: Tensor; val?: number }>): Tensor {
  const r = bindArgs('constant_', args, { positional: [TENSOR, { name: 'val', kind: 'number', required: true }] });
  const t = r.tensor as Tensor;
  return noGrad(() => t.fill_(r.val as number));
}

/**
 * Sets every element of `t` to 0, in place; returns `t`. PyTorch: `torch.nn.init.zeros_`.
 * @example
 * ```ts
 * nn.init.zeros_(layer.bias!);
 * ```
 */
export function zeros_(...args: PyArgs<[tensor: Tensor], { tensor?: Tensor }>): Tensor {
  return constant_(bindArgs('zeros_', args, { positional: [TENSOR] }).tensor as Tensor, 0);
}
/**
 * Sets every element of `t` to 1, in place; returns `t`. PyTorch: `torch.nn.init.ones_`.
 * @example
 * ```ts
 * nn.init.ones_(bn.weight!);
 * ```
 */
export function ones_(...args: PyArgs<[tensor: Tensor], { tensor?: Tensor }>): Tensor {
  return constant_(bindArgs('ones_', args, { positional: [TENSOR] }).tensor as Tensor, 1);
}

/**
 * The arguments of the Kaiming initialisers by name (each may also come by position, in this order): the
 * tensor, `a` (leaky_relu's slope, default 0), `mode` ('fan_in', the default, or 'fan_out') and
 * `nonlinearity` (default 'leaky_relu'). PyTorch: the keyword arguments of `torch.nn.init.kaiming_uniform_`.
 * @example
 * ```ts
 * nn.init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export interface KaimingOptions { tensor?: Tensor; a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: Nonlinearity }

type KaimingArgs = PyArgs<[tensor: Tensor, a: number, mode: 'fan_in' | 'fan_out', nonlinearity: Nonlinearity], KaimingOptions>;

/** The tensor, the Kaiming gain and the fan, checked. */
function kaimingGainFan(op: string, args: readonly unknown[]): [Tensor, number, number] {
  const r = bindArgs(op, args, {
    positional: [TENSOR, { name: 'a', kind: 'number' }, { name: 'mode', kind: 'string' }, { name: 'nonlinearity', kind: 'string' }],
  }) as unknown as KaimingOptions & { tensor: Tensor };
  const [fanIn, fanOut] = calculateFanInAndFanOut(r.tensor);
  const mode = oneOf(op, 'mode', r.mode, ['fan_in', 'fan_out'] as const, 'fan_in');
  const nonlinearity = oneOf(op, 'nonlinearity', r.nonlinearity, NONLINEARITIES, 'leaky_relu');
  const gain = calculateGain(nonlinearity, r.a ?? 0);
  return [r.tensor, gain, mode === 'fan_in' ? fanIn : fanOut];
}

/** The tensor, xavier's gain and fan_in + fan_out. */
function xavierGainFans(op: string, args: readonly unknown[]): [Tensor, number, number] {
  const r = bindArgs(op, args, { positional: [TENSOR, { name: 'gain', kind: 'number' }] });
  const [fanIn, fanOut] = calculateFanInAndFanOut(r.tensor as Tensor);
  return [r.tensor as Tensor, (r.gain as number | undefined) ?? 1, fanIn + fanOut];
}

/**
 * Overwrites a tensor in place with uniform values in ±gain·√(3 / fan), the initialisation of He et al.;
 * returns it. Arguments (tensor, a, mode, nonlinearity) by position or by name. PyTorch:
 * `torch.nn.init.kaiming_uniform_`.
 * @example
 * ```ts
 * nn.init.kaimingUniform_(conv.weight, { nonlinearity: 'relu' });
 * nn.init.kaimingUniform_(conv.weight, Math.sqrt(5));  // a = √5, PyTorch's default for layers
 * ```
 */
export function kaimingUniform_(...args: KaimingArgs): Tensor {
  const [t, gain, fan] = kaimingGainFan('kaimingUniform_', args);
  const bound = Math.sqrt(3) * gain / Math.sqrt(fan);
  return uniform_(t, -bound, bound);
}

/**
 * Overwrites a tensor in place with normal values of standard deviation gain / √fan (He et al.); returns
 * it. Arguments (tensor, a, mode, nonlinearity) by position or by name. PyTorch: `torch.nn.init.kaiming_normal_`.
 * @example
 * ```ts
 * nn.init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * nn.init.kaimingNormal_(conv.weight, 0, 'fan_out', 'relu');
 * ```
 */
export function kaimingNormal_(...args: KaimingArgs): Tensor {
  const [t, gain, fan] = kaimingGainFan('kaimingNormal_', args);
  return normal_(t, 0, gain / Math.sqrt(fan));
}

/**
 * Overwrites a tensor in place with uniform values in ±gain·√(6 / (fan_in + fan_out)) (Glorot and
 * Bengio); returns it. Arguments (tensor, gain) by position or by name. PyTorch: `torch.nn.init.xavier_uniform_`.
 * @example
 * ```ts
 * nn.init.xavierUniform_(fc.weight);
 * ```
 */
export function xavierUniform_(...args: PyArgs<[tensor: Tensor, gain: number], { tensor?: Tensor; gain?: number }>): Tensor {
  const [t, gain, fans] = xavierGainFans('xavierUniform_', args);
  const bound = gain * Math.sqrt(6 / fans);
  return uniform_(t, -bound, bound);
}

/**
 * Overwrites a tensor in place with normal values of standard deviation gain·√(2 / (fan_in + fan_out));
 * returns it. Arguments (tensor, gain) by position or by name. PyTorch: `torch.nn.init.xavier_normal_`.
 * @example
 * ```ts
 * nn.init.xavierNormal_(fc.weight, nn.init.calculateGain('tanh'));
 * ```
 */
export function xavierNormal_(...args: PyArgs<[tensor: Tensor, gain: number], { tensor?: Tensor; gain?: number }>): Tensor {
  const [t, gain, fans] = xavierGainFans('xavierNormal_', args);
  return normal_(t, 0, gain * Math.sqrt(2 / fans));
}

/**
 * PyTorch's default for Linear and Conv layers: Kaiming-uniform with a = √5 for the weight (a bound of
 *  1/√fanIn) and uniform ±1/√fanIn for the bias.
 * PyTorch: `nn.Linear.reset_parameters` / `nn.Conv2d.reset_parameters`.
 * @example
 * ```ts
 * nn.init.initWeightAndBias(layer.weight, layer.bias);
 * ```
 */
export function initWeightAndBias(weight: Tensor, bias: Tensor | null): void {
  noExtraArgs('initWeightAndBias', arguments, ['weight', 'bias']);
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
