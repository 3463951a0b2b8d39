// nn/init.ts — parameter initialisation as torch.nn.init: every function overwrites the tensor in place and
// records nothing (constant fills run fill_ under noGrad; random fills write the seeded generator's values).

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
import { noGrad } from '../autograd/tape.js';
import { normalFill, uniformFill } from '../tensor/creation.js';

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
 * leaky_relu's slope). PyTorch: `torch.nn.init.calculate_gain`.
 * @example
 * ```ts
 * nn.init.calculateGain('relu');  // 1.4142…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
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
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new Error(`init: fan in and fan out need a tensor with at least 2 dimensions, got shape [${t.shape.join(', ')}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/**
 * Overwrites `t` in place with uniform values in [a, b) from the global seeded generator; returns `t`.
 * PyTorch: `torch.nn.init.uniform_`.
 * @example
 * ```ts
 * nn.init.uniform_(layer.weight, -0.1, 0.1);
 * ```
 */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return uniformFill(t, a, b);
}

/**
 * Overwrites `t` in place with normal values of the given mean and standard deviation; returns `t`.
 * PyTorch: `torch.nn.init.normal_`.
 * @example
 * ```ts
 * nn.init.normal_(layer.weight, 0, 0.02);
 * ```
 */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return normalFill(t, mean, std);
}

/**
 * Sets every element of `t` to `value`, in place and without recording a gradient; returns `t`.
 * PyTorch: `torch.nn.init.constant_`.
 * @example
 * ```ts
 * nn.init.constant_(layer.bias!, 0.1);
 * ```
 */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

/**
 * Sets every element of `t` to 0, in place; returns `t`. PyTorch: `torch.nn.init.zeros_`.
 * @example
 * ```ts
 * nn.init.zeros_(layer.bias!);
 * ```
 */
export function zeros_(t: Tensor): Tensor { return constant_(t, 0); }
/**
 * Sets every element of `t` to 1, in place; returns `t`. PyTorch: `torch.nn.init.ones_`.
 * @example
 * ```ts
 * nn.init.ones_(bn.weight!);
 * ```
 */
export function ones_(t: Tensor): Tensor { return constant_(t, 1); }

/**
 * Options of the Kaiming initialisers: `a` (leaky_relu's slope, default 0), `mode` ('fan_in', the default,
 * or 'fan_out') and `nonlinearity` (default 'leaky_relu'). PyTorch: the keyword arguments of
 * `torch.nn.init.kaiming_uniform_`.
 * @example
 * ```ts
 * nn.init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export interface KaimingOptions { a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: Nonlinearity }

/**
 * Overwrites `t` in place with uniform values in ±gain·√(3 / fan), the initialisation of He et al.; returns
 * `t`. PyTorch: `torch.nn.init.kaiming_uniform_`.
 * @example
 * ```ts
 * nn.init.kaimingUniform_(conv.weight, { nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = Math.sqrt(3) * gain / Math.sqrt(fan);
  return uniform_(t, -bound, bound);
}

/**
 * Overwrites `t` in place with normal values of standard deviation gain / √fan (He et al.); returns `t`.
 * PyTorch: `torch.nn.init.kaiming_normal_`.
 * @example
 * ```ts
 * nn.init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan));
}

/**
 * Overwrites `t` in place with uniform values in ±gain·√(6 / (fan_in + fan_out)) (Glorot and Bengio);
 * returns `t`. PyTorch: `torch.nn.init.xavier_uniform_`.
 * @example
 * ```ts
 * nn.init.xavierUniform_(fc.weight);
 * ```
 */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

/**
 * Overwrites `t` in place with normal values of standard deviation gain·√(2 / (fan_in + fan_out));
 * returns `t`. PyTorch: `torch.nn.init.xavier_normal_`.
 * @example
 * ```ts
 * nn.init.xavierNormal_(fc.weight, nn.init.calculateGain('tanh'));
 * ```
 */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
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
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
