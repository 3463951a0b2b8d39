// optim — optimizers and learning-rate schedulers, named as in torch.optim.

export { Optimizer } from './optimizer.js';
export type { GroupOptions, ParamGroup, ParamGroupSpec, ParamsArg, ParamState, OptimizerStateDict } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export * as lrScheduler from './lr_scheduler.js';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR,
} from './lr_scheduler.js';
export type { SchedulerOptions, OneCycleOptions } from './lr_scheduler.js';
