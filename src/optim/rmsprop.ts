// optim/rmsprop.ts — RMSprop and Adagrad, as torch.optim.RMSprop / Adagrad (PyTorch 1.13's update order).
// The updates compose backend ops in place under noGrad (no element loops here), per parameter:
//
// RMSprop:  g = ±grad (− when maximize);  g += weightDecay·p
//           squareAvg = α·squareAvg + (1 − α)·g²
//           centered: gradAvg = α·gradAvg + (1 − α)·g;  avg = √(squareAvg − gradAvg²) + eps
//           else avg = √squareAvg + eps
//           momentum > 0: buf = momentum·buf + g/avg;  p −= lr·buf     else p −= lr·g/avg
// Adagrad:  g = ±grad;  g += weightDecay·p;  clr = lr / (1 + (step − 1)·lrDecay)
//           sum += g²;  p −= clr·g / (√sum + eps)        (sum starts at initialAccumulatorValue)
// State, in PyTorch's names camelCased: step, squareAvg, momentumBuffer, gradAvg (RMSprop); step, sum (Adagrad).

import { Tensor } from '../tensor/tensor.js';
import { fullLike, zerosLike } from '../tensor/creation.js';
import { internalScope } from '../tensor/lifetime.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { noGrad } from '../autograd/tape.js';
import { add, div, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { add_, mul_, sub_ } from '../ops/inplace.js';
import { Optimizer, type GroupOptions, type ParamGroup, type ParamsArg } from './optimizer.js';

/**
 * Options of {@link RMSprop}: `lr` (default 0.01), `alpha` (0.99), `eps` (1e-8), `weightDecay`, `momentum`,
 * `centered` and `maximize`. PyTorch: the keyword arguments of `torch.optim.RMSprop`.
 * @example
 * ```ts
 * new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export interface RMSpropOptions extends GroupOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const NUM = 'number' as const;

/** The gradient as the update uses it: ±grad + weightDecay·p (a temporary of the caller's scope). */
function effectiveGrad(p: Tensor, grad: Tensor, weightDecay: number, maximize: boolean): Tensor {
  let g = maximize ? neg(grad) : grad;
  if (weightDecay !== 0) g = add(g, mul(p, weightDecay));
  return g;
}

/**
 * RMSprop: divides the gradient by a running root-mean-square of recent gradients (optionally centered,
 * with momentum and weight decay). PyTorch: `torch.optim.RMSprop(params, lr=0.01, alpha=0.99, eps=1e-08,
 * weight_decay=0, momentum=0, centered=False, *, maximize=False)`.
 * @example
 * ```ts
 * const opt = new optim.RMSprop(model.parameters(), 0.001);
 * const opt2 = new optim.RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, ...args: PyArgs<[lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean],
    Partial<Omit<RMSpropOptions, 'initialLr'>>>) {
    const a = bindArgs('RMSprop', args, {
      positional: [{ name: 'lr', kind: NUM }, { name: 'alpha', kind: NUM }, { name: 'eps', kind: NUM }, { name: 'weightDecay', kind: NUM },
        { name: 'momentum', kind: NUM }, { name: 'centered', kind: 'bool' }],
      keywordOnly: [{ name: 'maximize', kind: 'bool' }],
    });
    super('RMSprop', params, {
      lr: (a.lr as number | undefined) ?? 1e-2, alpha: (a.alpha as number | undefined) ?? 0.99, eps: (a.eps as number | undefined) ?? 1e-8,
      weightDecay: (a.weightDecay as number | undefined) ?? 0, momentum: (a.momentum as number | undefined) ?? 0,
      centered: (a.centered as boolean | undefined) ?? false, maximize: (a.maximize as boolean | undefined) ?? false,
    });
  }

  protected override validate(g: ParamGroup<RMSpropOptions>): void {
    super.validate(g);
    this.requireNonNegative(g, 'eps', 'momentum', 'weightDecay', 'alpha');
  }

  protected updateGroup(g: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of g.params) {
      const grad = p._grad;
      if (!grad) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.squareAvg = zerosLike(p);
        if (momentum > 0) s.momentumBuffer = zerosLike(p);
        if (centered) s.gradAvg = zerosLike(p);
      }
      if (momentum > 0 && !s.momentumBuffer) s.momentumBuffer = zerosLike(p);
      if (centered && !s.gradAvg) s.gradAvg = zerosLike(p);
      s.step = (s.step as number) + 1;
      noGrad(() => internalScope(() => {
        const gr = effectiveGrad(p, grad, weightDecay, maximize);
        const sq = s.squareAvg as Tensor;
        add_(mul_(sq, alpha), mul(mul(gr, gr), 1 - alpha));
        let avg: Tensor;
        if (centered) {
          const ga = s.gradAvg as Tensor;
          add_(mul_(ga, alpha), mul(gr, 1 - alpha));
          avg = add(sqrt(sub(sq, mul(ga, ga))), eps);
        } else {
          avg = add(sqrt(sq), eps);
        }
        if (momentum > 0) {
          const buf = s.momentumBuffer as Tensor;
          add_(mul_(buf, momentum), div(gr, avg));
          sub_(p, mul(buf, lr));
        } else {
          sub_(p, mul(div(gr, avg), lr));
        }
      }));
    }
  }
}

/**
 * Options of {@link Adagrad}: `lr` (default 0.01), `lrDecay`, `weightDecay`, `initialAccumulatorValue`,
 * `eps` (1e-10) and `maximize`. PyTorch: the keyword arguments of `torch.optim.Adagrad`.
 * @example
 * ```ts
 * new optim.Adagrad(model.parameters(), { lr: 0.1, initialAccumulatorValue: 0.1 });
 * ```
 */
export interface AdagradOptions extends GroupOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad: per-element step sizes that shrink with the sum of all past squared gradients. PyTorch:
 * `torch.optim.Adagrad(params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *, maximize=False)`.
 * @example
 * ```ts
 * const opt = new optim.Adagrad(model.parameters(), 0.1);
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, ...args: PyArgs<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number],
    Partial<Omit<AdagradOptions, 'initialLr'>>>) {
    const a = bindArgs('Adagrad', args, {
      positional: [{ name: 'lr', kind: NUM }, { name: 'lrDecay', kind: NUM }, { name: 'weightDecay', kind: NUM },
        { name: 'initialAccumulatorValue', kind: NUM }, { name: 'eps', kind: NUM }],
      keywordOnly: [{ name: 'maximize', kind: 'bool' }],
    });
    super('Adagrad', params, {
      lr: (a.lr as number | undefined) ?? 1e-2, lrDecay: (a.lrDecay as number | undefined) ?? 0,
      weightDecay: (a.weightDecay as number | undefined) ?? 0, initialAccumulatorValue: (a.initialAccumulatorValue as number | undefined) ?? 0,
      eps: (a.eps as number | undefined) ?? 1e-10, maximize: (a.maximize as boolean | undefined) ?? false,
    });
  }

  protected override validate(g: ParamGroup<AdagradOptions>): void {
    super.validate(g);
    this.requireNonNegative(g, 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps');
  }

  protected updateGroup(g: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = g;
    for (const p of g.params) {
      const grad = p._grad;
      if (!grad) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.sum = fullLike(p, initialAccumulatorValue);
      }
      const step = (s.step as number) + 1;
      s.step = step;
      const clr = lr / (1 + (step - 1) * lrDecay);
      noGrad(() => internalScope(() => {
        const gr = effectiveGrad(p, grad, weightDecay, maximize);
        const sum = s.sum as Tensor;
        add_(sum, mul(gr, gr));
        sub_(p, mul(div(gr, add(sqrt(sum), eps)), clr));
      }));
    }
  }
}
