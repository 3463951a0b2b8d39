// optim/plateau.ts — ReduceLROnPlateau, as torch.optim.lr_scheduler.ReduceLROnPlateau (PyTorch 1.13): the
// learning rate of every group is multiplied by `factor` (never below its minLr, and only when it changes
// by more than eps) once the metric passed to step(metric) has not improved for more than `patience`
// steps; then `cooldown` steps pass before bad steps count again. "Improved" means, for mode 'min'
// (mode 'max' mirrors it):
//   thresholdMode 'rel': metric < best·(1 − threshold)        'abs': metric < best − threshold
// stateDict() holds every field but the optimizer; best is ±∞ until a metric comes, which JSON writes as
// null, and loadStateDict takes null back as ±∞ for the mode.

import type { Optimizer } from './optimizer.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Tensor } from '../tensor/tensor.js';
import { describeJson, jsonKind, sameJsonShape, schedulerState } from './json-shape.js';

type Mode = 'min' | 'max';
type ThresholdMode = 'rel' | 'abs';

/**
 * Options of {@link ReduceLROnPlateau}, each also a positional argument in this order. PyTorch: the
 * keyword arguments of `torch.optim.lr_scheduler.ReduceLROnPlateau`.
 * @example
 * ```ts
 * const o: optim.ReduceLROnPlateauOptions = { mode: 'max', patience: 3 };
 * ```
 */
export interface ReduceLROnPlateauOptions {
  mode?: Mode; factor?: number; patience?: number; threshold?: number; thresholdMode?: ThresholdMode;
  cooldown?: number; minLr?: number | number[]; eps?: number; verbose?: boolean;
}

/**
 * Lowers the learning rate when a metric stops improving: after more than `patience` steps without
 * improvement every group's lr is multiplied by `factor` (not below `minLr`). Call `step(metric)` after
 * each validation. PyTorch: `torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.1,
 * patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8, verbose=False)`.
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, 'min', 0.5, 2);
 * for (let epoch = 0; epoch < 20; epoch++) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  mode: Mode;
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: ThresholdMode;
  cooldown: number;
  minLrs: number[];
  eps: number;
  verbose: boolean;
  /** The best metric so far (±∞ before the first). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  protected lastLr: number[];

  constructor(optimizer: Optimizer<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    ...args: PyArgs<[mode: Mode, factor: number, patience: number, threshold: number, thresholdMode: ThresholdMode, cooldown: number,
      minLr: number | number[], eps: number, verbose: boolean], ReduceLROnPlateauOptions>) {
    const op = 'ReduceLROnPlateau';
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new Error(`${op}: the first argument must be an Optimizer`);
    const a = bindArgs(op, args, {
      positional: [{ name: 'mode', kind: 'string' }, { name: 'factor', kind: 'number' }, { name: 'patience', kind: 'int' },
        { name: 'threshold', kind: 'number' }, { name: 'thresholdMode', kind: 'string' }, { name: 'cooldown', kind: 'int' },
        { name: 'minLr', kind: { test: (v) => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')), what: 'a number or a list of numbers' } },
        { name: 'eps', kind: 'number' }, { name: 'verbose', kind: 'bool' }],
    });
    this.optimizer = optimizer;
    this.mode = (a.mode as Mode | undefined) ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`${op}: mode must be 'min' or 'max', got ${JSON.stringify(a.mode)}`);
    this.thresholdMode = (a.thresholdMode as ThresholdMode | undefined) ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new Error(`${op}: thresholdMode must be 'rel' or 'abs', got ${JSON.stringify(a.thresholdMode)}`);
    }
    this.factor = (a.factor as number | undefined) ?? 0.1;
    if (!(this.factor < 1)) throw new Error(`${op}: factor should be < 1.0, got ${this.factor}`);
    this.patience = (a.patience as number | undefined) ?? 10;
    this.threshold = (a.threshold as number | undefined) ?? 1e-4;
    this.cooldown = (a.cooldown as number | undefined) ?? 0;
    this.eps = (a.eps as number | undefined) ?? 1e-8;
    this.verbose = (a.verbose as boolean | undefined) ?? false;
    const minLr = (a.minLr as number | number[] | undefined) ?? 0;
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr) && minLr.length !== n) throw new Error(`${op}: expected ${n} minLr values (one per parameter group), got ${minLr.length}`);
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Takes one step with the latest value of the monitored metric (a number or a one-element tensor read
   * synchronously), lowering the learning rates if it has stopped improving. PyTorch: `ReduceLROnPlateau.step(metrics)`.
   * @example
   * ```ts
   * sched.step(valLoss);
   * ```
   */
  step(metrics: number | Tensor): void {
    const current = metrics instanceof Tensor ? metrics.item() : metrics;
    if (typeof current !== 'number' || Number.isNaN(current)) {
      throw new Error(`ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got ${JSON.stringify(metrics)}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(current)) { this.best = current; this.numBadEpochs = 0; } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) { this.cooldownCounter -= 1; this.numBadEpochs = 0; }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const lr = Math.max(old * this.factor, this.minLrs[i]);
      if (old - lr > this.eps) {
        g.lr = lr;
        // eslint-disable-next-line no-console
        if (this.verbose) console.log(`Epoch ${String(this.lastEpoch).padStart(5)}: reducing learning rate of group ${i} to ${lr.toExponential(4)}.`);
      }
    });
  }

  private isBetter(a: number): boolean {
    const b = this.best, t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < b * (1 - t) : a < b - t;
    return this.thresholdMode === 'rel' ? a > b * (t + 1) : a > b + t;
  }

  /**
   * The learning rate of each group after the last step. PyTorch: `ReduceLROnPlateau._last_lr`
   * (`get_last_lr()` in later versions).
   * @example
   * ```ts
   * sched.getLastLr();  // [0.05]
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The scheduler's state: every field but the optimizer, as JSON values (best is null while it is ±∞).
   * PyTorch: `ReduceLROnPlateau.state_dict()`.
   * @example
   * ```ts
   * const saved = JSON.stringify(sched.stateDict());
   * ```
   */
  stateDict(): Record<string, unknown> {
    return schedulerState(this);
  }

  /**
   * Restores a state from {@link stateDict}, checking that every field has the JSON type of the one it
   * replaces. PyTorch: `ReduceLROnPlateau.load_state_dict()`.
   * @example
   * ```ts
   * sched.loadStateDict(JSON.parse(saved));
   * ```
   */
  loadStateDict(sd: Record<string, unknown>): void {
    const op = 'ReduceLROnPlateau.loadStateDict';
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) throw new Error(`${op}: expected an object from stateDict(), got ${jsonKind(sd)}`);
    const mine = this.stateDict();
    const updates: [string, unknown][] = [];
    for (const [k, v] of Object.entries(sd)) {
      if (!Object.hasOwn(mine, k)) throw new Error(`${op}: unknown field '${k}' (ReduceLROnPlateau's fields: ${Object.keys(mine).join(', ')})`);
      if (k === 'best') {
        if (v !== null && (typeof v !== 'number' || Number.isNaN(v))) throw new Error(`${op}: field 'best' must be a number or null, got ${JSON.stringify(v)}`);
        continue;
      }
      const want = mine[k];
      if (!sameJsonShape(want, v)) throw new Error(`${op}: field '${k}' must be ${describeJson(want)}, got ${JSON.stringify(v)?.slice(0, 80) ?? 'undefined'}`);
      updates.push([k, JSON.parse(JSON.stringify(v))]);
    }
    for (const [k, v] of updates) (this as unknown as Record<string, unknown>)[k] = v;
    if ('best' in sd) this.best = typeof sd.best === 'number' ? sd.best : this.mode === 'min' ? Infinity : -Infinity;
  }
}
