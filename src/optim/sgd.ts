// optim/sgd.ts — stochastic gradient descent with momentum, as torch.optim.SGD. Per parameter:
//   d = ±grad (− when maximize);  d += weightDecay·p
//   momentum: buf = d on the first step, else buf = momentum·buf + (1 − dampening)·d;
//             d = nesterov ? d + momentum·buf : buf
//   p -= lr·d

import { Tensor } from '../tensor/tensor.js';
import { Optimizer, zerosLikeParam, type GroupOptions, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    if (opts.lr === undefined) throw new Error('SGD: lr is required (e.g. new optim.SGD(model.parameters(), { lr: 0.01 }))');
    super('SGD', params, {
      lr: opts.lr, momentum: opts.momentum ?? 0, dampening: opts.dampening ?? 0, weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected override validate(g: ParamGroup<SGDOptions>): void {
    super.validate(g);
    if (!(g.momentum >= 0)) throw new Error(`SGD: invalid momentum value: ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new Error(`SGD: invalid weightDecay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new Error('SGD: Nesterov momentum requires a momentum and zero dampening');
  }

  protected updateGroup(g: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov, maximize } = g;
    const sign = maximize ? -1 : 1;
    for (const p of g.params) {
      if (!p.grad) continue;
      const x = p.storage, gr = p.grad.storage, n = x.length;
      if (momentum === 0) {
        for (let i = 0; i < n; i++) x[i] -= lr * (sign * gr[i] + wd * x[i]);
        continue;
      }
      const s = this.stateOf(p);
      let bufT = s.momentumBuffer as Tensor | null | undefined;
      if (!bufT) {
        bufT = zerosLikeParam(p);
        s.momentumBuffer = bufT;
        const buf = bufT.storage;
        for (let i = 0; i < n; i++) buf[i] = sign * gr[i] + wd * x[i];
      } else {
        const buf = bufT.storage, keep = 1 - dampening;
        for (let i = 0; i < n; i++) buf[i] = momentum * buf[i] + keep * (sign * gr[i] + wd * x[i]);
      }
      const buf = bufT.storage;
      if (nesterov) for (let i = 0; i < n; i++) x[i] -= lr * (sign * gr[i] + wd * x[i] + momentum * buf[i]);
      else for (let i = 0; i < n; i++) x[i] -= lr * buf[i];
    }
  }
}
