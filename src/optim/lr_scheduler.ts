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
// Constructor arguments bind as PyTorch's (tensor/signature.ts): positional in its order, e.g.
// StepLR(optimizer, stepSize, gamma, lastEpoch), or any of them by name in a trailing options object.

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
import { describeJson, jsonKind, sameJsonShape, schedulerState } from './json-shape.js';
import { bindArgs, type ParamSpec, type PyArgs } from '../tensor/signature.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Any optimizer, whatever its options. */
type AnyOptimizer = Optimizer<any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

const OPTIMIZER: ParamSpec = {
  name: 'optimizer', required: true,
  kind: { test: (v) => v !== null && typeof v === 'object' && Array.isArray((v as { paramGroups?: unknown }).paramGroups), what: 'an Optimizer' },
};
const LAST_EPOCH: ParamSpec = { name: 'lastEpoch', kind: 'int' };
const GAMMA: ParamSpec = { name: 'gamma', kind: 'number' };

/**
 * The argument every scheduler takes: `lastEpoch`, the index of the last epoch when resuming (default −1:
 * start fresh), and the optimizer, both also by name. PyTorch: the `last_epoch` argument.
 * @example
 * ```ts
 * new optim.StepLR(opt, 10, { lastEpoch: -1 });
 * ```
 */
export interface SchedulerOptions {
  /** The optimizer whose lr the scheduler sets (usually given by position). */
  optimizer?: AnyOptimizer;
  /** The index of the last epoch when resuming (default −1: start fresh). */
  lastEpoch?: number;
}

/**
 * The base class of the learning-rate schedulers: on construction it records each group's `initialLr` and
 * takes the first step; each `step()` then sets the groups' lr for the next epoch. Its own arguments are
 * PyTorch's, (optimizer, lastEpoch), either by name. PyTorch: `torch.optim.lr_scheduler.LRScheduler`.
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

  constructor(...args: PyArgs<[optimizer: AnyOptimizer, lastEpoch: number], SchedulerOptions>) {
    const a = bindArgs(new.target.name, args, { positional: [OPTIMIZER, LAST_EPOCH] });
    const optimizer = a.optimizer as AnyOptimizer;
    this.optimizer = optimizer;
    const lastEpoch = (a.lastEpoch as number | undefined) ?? -1;
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
    return schedulerState(this);
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
    for (const [key, v] of Object.entries(sd)) {
      if (key === 'optimizer') continue;
      // Checkpoints written before the field took PyTorch's camelCase (T_max → TMax) said tMax.
      const k = key === 'tMax' && Object.hasOwn(mine, 'TMax') && !Object.hasOwn(sd, 'TMax') ? 'TMax' : key;
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
 * Multiplies the lr by `gamma` (default 0.1) every `stepSize` epochs. Arguments in PyTorch's order
 * (optimizer, stepSize, gamma, lastEpoch), any of them by name. PyTorch: `torch.optim.lr_scheduler.StepLR`.
 * @example
 * ```ts
 * new optim.StepLR(opt, 30, { gamma: 0.1 });  // lr ×0.1 at epochs 30, 60, …
 * new optim.StepLR(opt, 2, 0.5);              // lr ×0.5 every 2 epochs
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(...args: PyArgs<[optimizer: AnyOptimizer, stepSize: number, gamma: number, lastEpoch: number],
    SchedulerOptions & { stepSize?: number; gamma?: number }>) {
    const a = bindArgs('StepLR', args, { positional: [OPTIMIZER, { name: 'stepSize', required: true }, GAMMA, LAST_EPOCH] });
    super(a.optimizer as AnyOptimizer, { lastEpoch: a.lastEpoch as number | undefined });
    this.stepSize = positive('StepLR', 'stepSize', a.stepSize);
    this.gamma = (a.gamma as number | undefined) ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Multiplies the lr by `gamma` (default 0.1) at each milestone epoch (a milestone listed twice counts
 * twice). Arguments in PyTorch's order (optimizer, milestones, gamma, lastEpoch), any of them by name.
 * PyTorch: `torch.optim.lr_scheduler.MultiStepLR`.
 * @example
 * ```ts
 * new optim.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 * new optim.MultiStepLR(opt, [30, 80], 0.5);
 * ```
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(...args: PyArgs<[optimizer: AnyOptimizer, milestones: number[], gamma: number, lastEpoch: number],
    SchedulerOptions & { milestones?: number[]; gamma?: number }>) {
    const a = bindArgs('MultiStepLR', args, { positional: [OPTIMIZER, { name: 'milestones', required: true }, GAMMA, LAST_EPOCH] });
    super(a.optimizer as AnyOptimizer, { lastEpoch: a.lastEpoch as number | undefined });
    const milestones = a.milestones;
    if (!Array.isArray(milestones) || !milestones.every(Number.isInteger)) {
      throw new Error(`MultiStepLR: milestones must be a list of epochs (integers), got ${JSON.stringify(milestones)}`);
    }
    this.milestones = [...(milestones as number[])].sort((x, y) => x - y);
    this.gamma = (a.gamma as number | undefined) ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** count);
  }
}

/**
 * Multiplies the lr by `gamma` every epoch. Arguments in PyTorch's order (optimizer, gamma, lastEpoch), any
 * of them by name. PyTorch: `torch.optim.lr_scheduler.ExponentialLR`.
 * @example
 * ```ts
 * new optim.ExponentialLR(opt, 0.95);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(...args: PyArgs<[optimizer: AnyOptimizer, gamma: number, lastEpoch: number], SchedulerOptions & { gamma?: number }>) {
    const a = bindArgs('ExponentialLR', args, { positional: [OPTIMIZER, { ...GAMMA, required: true }, LAST_EPOCH] });
    super(a.optimizer as AnyOptimizer, { lastEpoch: a.lastEpoch as number | undefined });
    this.gamma = a.gamma as number;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from the base lr down to `etaMin` (default 0) over `TMax` epochs (then back up,
 * periodically). Arguments in PyTorch's order (optimizer, TMax, etaMin, lastEpoch), any of them by name
 * (`T_max` is `TMax`). PyTorch: `torch.optim.lr_scheduler.CosineAnnealingLR`.
 * @example
 * ```ts
 * new optim.CosineAnnealingLR(opt, 15, { etaMin: 1e-4 });
 * new optim.CosineAnnealingLR(opt, 15, 1e-4);
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(...args: PyArgs<[optimizer: AnyOptimizer, TMax: number, etaMin: number, lastEpoch: number],
    SchedulerOptions & { TMax?: number; etaMin?: number }>) {
    const a = bindArgs('CosineAnnealingLR', args, {
      positional: [OPTIMIZER, { name: 'TMax', required: true }, { name: 'etaMin', kind: 'number' }, LAST_EPOCH],
    });
    super(a.optimizer as AnyOptimizer, { lastEpoch: a.lastEpoch as number | undefined });
    this.TMax = positive('CosineAnnealingLR', 'TMax', a.TMax);
    this.etaMin = (a.etaMin as number | undefined) ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, TMax: T, etaMin } = this;
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
 * (a warm-up). Arguments in PyTorch's order (optimizer, startFactor, endFactor, totalIters, lastEpoch), any
 * of them by name. PyTorch: `torch.optim.lr_scheduler.LinearLR`.
 * @example
 * ```ts
 * new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * new optim.LinearLR(opt, 0.1, 1, 5);
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(...args: PyArgs<[optimizer: AnyOptimizer, startFactor: number, endFactor: number, totalIters: number, lastEpoch: number],
    SchedulerOptions & { startFactor?: number; endFactor?: number; totalIters?: number }>) {
    const a = bindArgs('LinearLR', args, {
      positional: [OPTIMIZER, { name: 'startFactor', kind: 'number' }, { name: 'endFactor', kind: 'number' }, { name: 'totalIters', kind: 'int' }, LAST_EPOCH],
    }) as { optimizer: AnyOptimizer; startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number };
    super(a.optimizer, { lastEpoch: a.lastEpoch });
    this.startFactor = a.startFactor ?? 1 / 3;
    this.endFactor = a.endFactor ?? 1;
    this.totalIters = a.totalIters ?? 5;
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
 * The arguments of {@link OneCycleLR} by name (each may also come by position, in PyTorch's order: maxLr,
 * totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum,
 * divFactor, finalDivFactor, threePhase, lastEpoch): `maxLr` (required), the length (`totalSteps`, or
 * `epochs` × `stepsPerEpoch`), `pctStart`, `annealStrategy`, momentum cycling, the divisors and
 * `threePhase`. PyTorch: the keyword arguments of `torch.optim.lr_scheduler.OneCycleLR`.
 * @example
 * ```ts
 * new optim.OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length });
 * ```
 */
export interface OneCycleOptions extends SchedulerOptions {
  maxLr?: number | number[];
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
 * (or Adam's beta1) the other way. Step it once per batch, `totalSteps` times in all. Arguments in
 * PyTorch's order (optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, …; see {@link OneCycleOptions}),
 * any of them by name. PyTorch: `torch.optim.lr_scheduler.OneCycleLR`.
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

  constructor(...args: PyArgs<[
    optimizer: AnyOptimizer, maxLr: number | number[], totalSteps: number | null, epochs: number | null, stepsPerEpoch: number | null,
    pctStart: number, annealStrategy: 'cos' | 'linear', cycleMomentum: boolean, baseMomentum: number | number[],
    maxMomentum: number | number[], divFactor: number, finalDivFactor: number, threePhase: boolean, lastEpoch: number,
  ], OneCycleOptions>) {
    const numOrList = { test: (v: unknown) => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')), what: 'a number or a list of numbers' };
    const intOrNull = { test: (v: unknown) => v === null || Number.isInteger(v), what: 'an integer or null' };
    const bound = bindArgs('OneCycleLR', args, {
      positional: [
        OPTIMIZER, { name: 'maxLr', kind: numOrList, required: true }, { name: 'totalSteps', kind: intOrNull },
        { name: 'epochs', kind: intOrNull }, { name: 'stepsPerEpoch', kind: intOrNull }, { name: 'pctStart', kind: 'number' },
        { name: 'annealStrategy', kind: 'string' }, { name: 'cycleMomentum', kind: 'bool' }, { name: 'baseMomentum', kind: numOrList },
        { name: 'maxMomentum', kind: numOrList }, { name: 'divFactor', kind: 'number' }, { name: 'finalDivFactor', kind: 'number' },
        { name: 'threePhase', kind: 'bool' }, LAST_EPOCH,
      ],
    });
    // null stands for "not given" (PyTorch's None), as an absent argument.
    for (const k of ['totalSteps', 'epochs', 'stepsPerEpoch']) if (bound[k] === null) delete bound[k];
    const optimizer = bound.optimizer as AnyOptimizer;
    const opts = bound as unknown as OneCycleOptions & { maxLr: number | number[] };
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
    super(optimizer, { lastEpoch: opts.lastEpoch });
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
