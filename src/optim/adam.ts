// optim/adam.ts — Adam and AdamW, as torch.optim.Adam / AdamW. Per parameter, at step t:
//   g = ±grad (− when maximize)
//   Adam:  g += weightDecay·p                       (L2 penalty folded into the gradient)
//   AdamW: p *= 1 − lr·weightDecay                  (decoupled decay, applied first)
//   m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²;   amsgrad: v̂ = max(v̂, v), else v̂ = v
//   p -= (lr / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + eps)
// State per parameter: step, expAvg, expAvgSq (and maxExpAvgSq with amsgrad), PyTorch's exp_avg … .

import { backend } from '../backend/backend.js';
import { Tensor, bumpVersion } from '../tensor/tensor.js';
import { Optimizer, type GroupOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { zerosLike } from '../tensor/creation.js';
import { bindArgs, type PyArgs, type Signature } from '../tensor/signature.js';
import { PARAMS } from './optimizer.js';

/**
 * Options of {@link Adam} and {@link AdamW}: `lr` (default 1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8),
 * `weightDecay`, `amsgrad` and `maximize`. PyTorch: the keyword arguments of `torch.optim.Adam`.
 * @example
 * ```ts
 * new optim.Adam(model.parameters(), { lr: 3e-4, betas: [0.9, 0.98] });
 * ```
 */
export interface AdamOptions extends GroupOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * The arguments of {@link Adam} and {@link AdamW} by name: params, lr, betas, eps, weightDecay and amsgrad
 * (each may also come by position, in this order), and `maximize` (by name only, as PyTorch's
 * keyword-only one). PyTorch: the keyword arguments of `torch.optim.Adam`.
 * @example
 * ```ts
 * new optim.Adam(model.parameters(), { lr: 3e-4, amsgrad: true });
 * ```
 */
export interface AdamArgs {
  params?: ParamsArg<AdamOptions>;
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

/** Adam's and AdamW's positional arguments, in PyTorch's order. */
type AdamPositional = PyArgs<
  [params: ParamsArg<AdamOptions>, lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean],
  AdamArgs
>;

const ADAM_SIGNATURE: Signature = {
  positional: [PARAMS, { name: 'lr', kind: 'number' }, { name: 'betas', kind: 'object' }, { name: 'eps', kind: 'number' },
    { name: 'weightDecay', kind: 'number' }, { name: 'amsgrad', kind: 'bool' }],
  keywordOnly: [{ name: 'maximize', kind: 'bool' }],
};

abstract class AdamBase extends Optimizer<AdamOptions> {
  private readonly decoupled: boolean;

  constructor(name: string, decoupled: boolean, args: readonly unknown[], defaultDecay: number) {
    const { params, ...opts } = bindArgs(name, args, ADAM_SIGNATURE) as unknown as AdamArgs & { params: ParamsArg<AdamOptions> };
    super(name, params, {
      lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? defaultDecay, amsgrad: opts.amsgrad ?? false, maximize: opts.maximize ?? false,
    });
    this.decoupled = decoupled;
  }

  protected override validate(g: ParamGroup<AdamOptions>): void {
    super.validate(g);
    this.requireNonNegative(g, 'eps', 'weightDecay');
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new Error(`${this.opName}: betas must be a pair [beta1, beta2], got ${JSON.stringify(g.betas)}`);
    if (!(g.betas[0] >= 0 && g.betas[0] < 1)) throw new Error(`${this.opName}: invalid beta parameter at index 0: ${g.betas[0]}`);
    if (!(g.betas[1] >= 0 && g.betas[1] < 1)) throw new Error(`${this.opName}: invalid beta parameter at index 1: ${g.betas[1]}`);
  }

  protected updateGroup(g: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = g;
    const [beta1, beta2] = g.betas;
    const bk = backend();
    for (const p of g.params) {
      const grad = p._grad;
      if (!grad) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.expAvg = zerosLike(p);
        s.expAvgSq = zerosLike(p);
        if (amsgrad) s.maxExpAvgSq = zerosLike(p);
      }
      if (amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = zerosLike(p);
      bumpVersion(p); // an update in place (see sgd.ts)
      const step = (s.step as number) + 1;
      s.step = step;
      bk.adamStep(p.storage, grad.storage, (s.expAvg as Tensor).storage, (s.expAvgSq as Tensor).storage,
        amsgrad ? (s.maxExpAvgSq as Tensor).storage : null,
        { lr, beta1, beta2, eps, weightDecay, decoupled: this.decoupled, amsgrad, maximize, step });
    }
  }
}

/**
 * Adam: per-parameter step sizes from running averages of the gradient and its square, with bias
 * correction; weight decay (default 0) is added to the gradient. Arguments in PyTorch's order (params, lr,
 * betas, eps, weightDecay, amsgrad), any of them by name in a trailing options object, `maximize` by name
 * only. PyTorch: `torch.optim.Adam`.
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * new optim.Adam(model.parameters(), 0.01);  // lr 0.01
 * ```
 */
export class Adam extends AdamBase {
  constructor(...args: AdamPositional) {
    super('Adam', false, args, 0);
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): the decay shrinks the weights directly instead of
 * joining the gradient; `weightDecay` defaults to 0.01. PyTorch: `torch.optim.AdamW`.
 * @example
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends AdamBase {
  constructor(...args: AdamPositional) {
    super('AdamW', true, args, 1e-2);
  }
}
