// optim/lr_scheduler.ts — learning-rate schedules, as torch.optim.lr_scheduler.
//
// Call scheduler.step() once per epoch (or per batch for OneCycleLR), after optimizer.step(). Each
// scheduler sets group.lr itself using PyTorch's own (mostly recursive) formulas, so getLastLr()
// gives the same numbers as PyTorch's get_last_lr(), rounding included:
//   StepLR            lr·γ every stepSize epochs                 closed form: base·γ^⌊t/stepSize⌋
//   MultiStepLR       lr·γ at each milestone                     base·γ^(milestones passed)
//   ExponentialLR     lr·γ every epoch                           base·γ^t
//   CosineAnnealingLR η_min + (base − η_min)·(1 + cos(π·t/T_max))/2, computed recursively as PyTorch
//   LinearLR          factor from startFactor to endFactor over totalIters epochs
//   OneCycleLR        warm up to maxLr then anneal (cos or linear), cycling momentum / beta1 inversely
// Constructing a scheduler sets group.initialLr (PyTorch's initial_lr) and takes the first step (t = 0).

/**
 * Learning-rate schedulers: each sets its optimizer's `lr` per parameter group by PyTorch's own formulas,
 * so `getLastLr()` matches PyTorch's numbers. Call `step()` once per epoch (per batch for OneCycleLR),
 * after `optimizer.step()`. PyTorch: `torch.optim.lr_scheduler`.
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.StepLR(opt, 10, { gamma: 0.1 });
 * ```
 * @module
 */

import type { GroupOptions, Optimizer } from './optimizer.js';
import { describeJson, jsonKind, sameJsonShape } from './json-shape.js';

/**
 * Options every scheduler takes: `lastEpoch`, the index of the last epoch when resuming (default −1: start
 * fresh). PyTorch: the `last_epoch` argument.
 * @example
 * ```ts
 * new optim.StepLR(opt, 10, { lastEpoch: -1 });
 * ```
 */
export interface SchedulerOptions {
  /** The index of the last epoch when resuming (default −1: start fresh). */
  lastEpoch?: number;
}

/**
 * The base class of the learning-rate schedulers: on construction it records each group's `initialLr` and
 * takes the first step; each `step()` then sets the groups' lr for the next epoch. PyTorch:
 * `torch.optim.lr_scheduler.LRScheduler`.
 * @example
 * ```ts
 * for (let epoch = 0; epoch < 15; epoch++) {
 *   trainOneEpoch();
 *   sched.step();
 * }
 * ```
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<GroupOptions>;
  lastEpoch: number;
  baseLrs: number[];
  protected lastLr: number[] = [];
  protected stepCount = 0;

  constructor(optimizer: Optimizer<any>, opts: SchedulerOptions = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) {
      throw new Error(`${new.target.name}: the first argument must be an Optimizer`);
    }
    this.optimizer = optimizer;
    const lastEpoch = opts.lastEpoch ?? -1;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new Error(`${new.target.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming (lastEpoch=${lastEpoch})`);
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (PyTorch's _initial_step). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rates for epoch lastEpoch, given the groups' current ones. */
  protected abstract getLr(): number[];

  /**
   * Advances the schedule one epoch (one batch for OneCycleLR) and sets each group's lr. Call it after
   * `optimizer.step()`. PyTorch: `LRScheduler.step`.
   * @example
   * ```ts
   * opt.step();
   * sched.step();
   * ```
   */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = values[i]; });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rates the last `step()` set, one per parameter group. PyTorch: `LRScheduler.get_last_lr`.
   * @example
   * ```ts
   * sched.getLastLr();  // [0.05]
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * Every field except the optimizer, as plain data for checkpoints. PyTorch: `LRScheduler.state_dict`.
   * @example
   * ```ts
   * const saved = sched.stateDict();
   * ```
   */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = JSON.parse(JSON.stringify(v));
    return out;
  }

  /**
   * Takes a `stateDict()` back; every field must be one this scheduler has, with the same JSON type.
   * PyTorch: `LRScheduler.load_state_dict`.
   * @example
   * ```ts
   * sched.loadStateDict(saved);
   * ```
   */
  loadStateDict(sd: Record<string, unknown>): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) throw new Error(`${op}: expected an object from stateDict(), got ${jsonKind(sd)}`);
    const mine = this.stateDict();
    const updates: [string, unknown][] = [];
    for (const [k, v] of Object.entries(sd)) {
      if (k === 'optimizer') continue;
      if (!Object.hasOwn(mine, k)) throw new Error(`${op}: unknown field '${k}' (${this.constructor.name}'s fields: ${Object.keys(mine).join(', ')})`);
      const want = mine[k];
      if (want !== null && want !== undefined && !sameJsonShape(want, v)) {
        throw new Error(`${op}: field '${k}' must be ${describeJson(want)}, got ${JSON.stringify(v)?.slice(0, 80) ?? 'undefined'}`);
      }
      updates.push([k, JSON.parse(JSON.stringify(v ?? null))]);
    }
    for (const [k, v] of updates) (this as unknown as Record<string, unknown>)[k] = v;
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

function positive(op: string, name: string, v: unknown, integer = true): number {
  if (typeof v !== 'number' || !(v > 0) || (integer && !Number.isInteger(v))) {
    throw new Error(`${op}: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Multiplies the lr by `gamma` (default 0.1) every `stepSize` epochs. PyTorch: `torch.optim.lr_scheduler.StepLR`.
 * @example
 * ```ts
 * new optim.StepLR(opt, 30, { gamma: 0.1 });  // lr ×0.1 at epochs 30, 60, …
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer<any>, stepSize: number, opts: SchedulerOptions & { gamma?: number } = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(optimizer, opts);
    this.stepSize = positive('StepLR', 'stepSize', stepSize);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Multiplies the lr by `gamma` (default 0.1) at each milestone epoch (a milestone listed twice counts
 * twice). PyTorch: `torch.optim.lr_scheduler.MultiStepLR`.
 * @example
 * ```ts
 * new optim.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(optimizer: Optimizer<any>, milestones: number[], opts: SchedulerOptions & { gamma?: number } = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(optimizer, opts);
    if (!Array.isArray(milestones)) throw new Error(`MultiStepLR: milestones must be a list of epochs, got ${JSON.stringify(milestones)}`);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** count);
  }
}

/**
 * Multiplies the lr by `gamma` every epoch. PyTorch: `torch.optim.lr_scheduler.ExponentialLR`.
 * @example
 * ```ts
 * new optim.ExponentialLR(opt, 0.95);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer<any>, gamma: number, opts: SchedulerOptions = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(optimizer, opts);
    if (typeof gamma !== 'number') throw new Error(`ExponentialLR: gamma must be a number, got ${JSON.stringify(gamma)}`);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from the base lr down to `etaMin` (default 0) over `tMax` epochs (then back up,
 * periodically). PyTorch: `torch.optim.lr_scheduler.CosineAnnealingLR`.
 * @example
 * ```ts
 * new optim.CosineAnnealingLR(opt, 15, { etaMin: 1e-4 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer<any>, tMax: number, opts: SchedulerOptions & { etaMin?: number } = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(optimizer, opts);
    this.tMax = positive('CosineAnnealingLR', 'tMax', tMax);
    this.etaMin = opts.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, tMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return this.groupLrs();
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + (base - etaMin) * (1 + Math.cos((t * Math.PI) / T)) / 2);
    }
    if ((((t - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    return groups.map((g) => (1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T)) * (g.lr - etaMin) + etaMin);
  }
}

/**
 * Scales the lr by a factor moving linearly from `startFactor` to `endFactor` over `totalIters` epochs
 * (a warm-up). PyTorch: `torch.optim.lr_scheduler.LinearLR`.
 * @example
 * ```ts
 * new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer<any>, opts: SchedulerOptions & { startFactor?: number; endFactor?: number; totalIters?: number } = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(optimizer, opts);
    this.startFactor = opts.startFactor ?? 1 / 3;
    this.endFactor = opts.endFactor ?? 1;
    this.totalIters = opts.totalIters ?? 5;
    if (!(this.startFactor > 0 && this.startFactor <= 1)) {
      throw new Error(`LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    }
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) throw new Error(`LinearLR: endFactor must be in [0, 1], got ${this.endFactor}`);
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    if (t === 0) return this.groupLrs().map((lr) => lr * s);
    if (t > n) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
}

/**
 * Options of {@link OneCycleLR}: `maxLr` (required), the length (`totalSteps`, or `epochs` × `stepsPerEpoch`),
 * `pctStart`, `annealStrategy`, momentum cycling, the divisors and `threePhase`. PyTorch: the keyword
 * arguments of `torch.optim.lr_scheduler.OneCycleLR`.
 * @example
 * ```ts
 * new optim.OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length });
 * ```
 */
export interface OneCycleOptions extends SchedulerOptions {
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string }

/**
 * The 1cycle policy (Smith & Topin): warm up to `maxLr`, then anneal far below the start, cycling momentum
 * (or Adam's beta1) the other way. Step it once per batch, `totalSteps` times in all. PyTorch:
 * `torch.optim.lr_scheduler.OneCycleLR`.
 * @example
 * ```ts
 * const sched = new optim.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 * loader.length });
 * for (const [x, y] of loader) { step(x, y); opt.step(); sched.step(); }
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  private phases: Phase[];

  constructor(optimizer: Optimizer<any>, opts: OneCycleOptions) { // eslint-disable-line @typescript-eslint/no-explicit-any
    // PyTorch fills the groups (initial_lr = maxLr/divFactor) before the base constructor reads them.
    const groups = optimizer.paramGroups as (GroupOptions & Record<string, unknown>)[];
    const fmt = (name: string, v: number | number[]): number[] => {
      if (Array.isArray(v)) {
        if (v.length !== groups.length) throw new Error(`OneCycleLR: expected ${groups.length} values for ${name}, got ${v.length}`);
        return v;
      }
      return groups.map(() => v);
    };
    const lastEpoch = opts.lastEpoch ?? -1;
    const divFactor = opts.divFactor ?? 25, finalDivFactor = opts.finalDivFactor ?? 1e4;
    const cycleMomentum = opts.cycleMomentum ?? true;
    if (lastEpoch === -1) {
      fmt('maxLr', opts.maxLr).forEach((m, i) => {
        groups[i].initialLr = m / divFactor;
        groups[i].maxLr = m;
        groups[i].minLr = (m / divFactor) / finalDivFactor;
      });
    }
    const defaults = optimizer.defaults as Record<string, unknown>;
    let useBeta1 = false;
    if (cycleMomentum) {
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw new Error('OneCycleLR: optimizer must support momentum (SGD) or betas (Adam) with cycleMomentum enabled');
      }
      useBeta1 = 'betas' in defaults;
      const maxM = fmt('maxMomentum', opts.maxMomentum ?? 0.95), baseM = fmt('baseMomentum', opts.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], (g.betas as number[])[1]];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, opts);
    let total: number;
    if (opts.totalSteps !== undefined) total = positive('OneCycleLR', 'totalSteps', opts.totalSteps);
    else if (opts.epochs !== undefined && opts.stepsPerEpoch !== undefined) {
      total = positive('OneCycleLR', 'epochs', opts.epochs) * positive('OneCycleLR', 'stepsPerEpoch', opts.stepsPerEpoch);
    } else throw new Error('OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)');
    const pct = opts.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new Error(`OneCycleLR: pctStart must be between 0 and 1, got ${pct}`);
    this.totalSteps = total;
    this.annealStrategy = opts.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') {
      throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${JSON.stringify(this.annealStrategy)}`);
    }
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = opts.threePhase
      ? [
        { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pct * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    }
    return (this.optimizer.paramGroups as (GroupOptions & Record<string, unknown>)[]).map((g) => {
      let start = 0;
      let lr = g.lr;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i];
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
            if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]];
            else g.momentum = m;
          }
          break;
        }
        start = ph.endStep;
      }
      return lr;
    });
  }
}

export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions } from './plateau.js';
