// optim — optimizers and learning-rate schedulers, named as in torch.optim.

/**
 * `optim`: optimizers (SGD, Adam, AdamW) that update parameters from their gradients, and the
 * learning-rate schedulers (also under `optim.lrScheduler`). PyTorch: `torch.optim` and
 * `torch.optim.lr_scheduler`.
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
 * const sched = new optim.CosineAnnealingLR(opt, 15);
 * ```
 * @module
 */

export { Optimizer } from './optimizer.js';
export type { GroupOptions, ParamGroup, ParamGroupSpec, ParamsArg, ParamState, OptimizerStateDict } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDArgs } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamArgs } from './adam.js';
export { RMSprop, Adagrad } from './rmsprop.js';
export type { RMSpropOptions, AdagradOptions } from './rmsprop.js';
export * as lrScheduler from './lr_scheduler.js';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR,
} from './lr_scheduler.js';
export type { SchedulerOptions, OneCycleOptions } from './lr_scheduler.js';
export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions } from './plateau.js';
