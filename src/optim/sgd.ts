// optim/sgd.ts — stochastic gradient descent with momentum, as torch.optim.SGD. Per parameter:
//   d = ±grad (− when maximize);  d += weightDecay·p
//   momentum: buf = d on the first step, else buf = momentum·buf + (1 − dampening)·d;
//             d = nesterov ? d + momentum·buf : buf
//   p -= lr·d

import { backend } from '../backend/backend.js';
import { Tensor, bumpVersion } from '../tensor/tensor.js';
import { Optimizer, type GroupOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { zerosLike } from '../tensor/creation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { PARAMS } from './optimizer.js';

/**
 * Options of {@link SGD}: `lr` (required), `momentum`, `dampening`, `weightDecay`, `nesterov` and `maximize`.
 * PyTorch: the keyword arguments of `torch.optim.SGD` (`weight_decay` is `weightDecay`).
 * @example
 * ```ts
 * new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 * ```
 */
export interface SGDOptions extends GroupOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * The arguments of {@link SGD} by name: params, lr, momentum, dampening, weightDecay and nesterov (each may
 * also come by position, in this order), and `maximize` (by name only, as PyTorch's keyword-only one).
 * PyTorch: the keyword arguments of `torch.optim.SGD`.
 * @example
 * ```ts
 * new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, maximize: false });
 * ```
 */
export interface SGDArgs {
  params?: ParamsArg<SGDOptions>;
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/**
 * Stochastic gradient descent with optional momentum (with dampening or Nesterov), weight decay and
 * maximisation; `lr` is required. Arguments in PyTorch's order (params, lr, momentum, dampening,
 * weightDecay, nesterov), any of them by name in a trailing options object, `maximize` by name only.
 * PyTorch: `torch.optim.SGD`.
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
 * new optim.SGD(model.parameters(), 0.05, 0.9);  // the same, by position
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(...args: PyArgs<
    [params: ParamsArg<SGDOptions>, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean],
    SGDArgs
  >) {
    const { params, ...opts } = bindArgs('SGD', args, {
      positional: [PARAMS, { name: 'lr', kind: 'number' }, { name: 'momentum', kind: 'number' }, { name: 'dampening', kind: 'number' },
        { name: 'weightDecay', kind: 'number' }, { name: 'nesterov', kind: 'bool' }],
      keywordOnly: [{ name: 'maximize', kind: 'bool' }],
    }) as unknown as SGDArgs & { params: ParamsArg<SGDOptions> };
    if (opts.lr === undefined) throw new Error('SGD: lr is required (e.g. new optim.SGD(model.parameters(), { lr: 0.01 }))');
    super('SGD', params, {
      lr: opts.lr, momentum: opts.momentum ?? 0, dampening: opts.dampening ?? 0, weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected override validate(g: ParamGroup<SGDOptions>): void {
    super.validate(g);
    this.requireNonNegative(g, 'momentum', 'weightDecay');
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new Error('SGD: Nesterov momentum requires a momentum and zero dampening');
  }

  protected updateGroup(g: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    const attrs = { lr, momentum, dampening, weightDecay, nesterov, maximize };
    const bk = backend();
    for (const p of g.params) {
      const grad = p._grad;
      if (!grad) continue;
      bumpVersion(p); // an update in place, as PyTorch counts it: a graph that saved p can no longer run backward
      if (momentum === 0) { bk.sgdStep(p.storage, grad.storage, null, false, attrs); continue; }
      const s = this.stateOf(p);
      let buf = s.momentumBuffer as Tensor | null | undefined;
      const first = !buf;
      if (!buf) { buf = zerosLike(p); s.momentumBuffer = buf; }
      bk.sgdStep(p.storage, grad.storage, buf.storage, first, attrs);
    }
  }
}
