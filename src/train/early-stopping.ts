// train/early-stopping.ts — stop training when a metric has stopped improving, as Keras' EarlyStopping
// and Lightning's (PyTorch has none):
//
//   await fit(model, loader, { epochs: 50, …, testLoader, earlyStopping: { patience: 5 } });
//
// After each epoch the monitored metric (testAccuracy by default, higher is better; or testLoss, lower is
// better) is compared with the best so far. It improves when it beats the best by more than minDelta;
// then it becomes the best and the count of epochs without improvement restarts at 0. Otherwise the
// count grows, and when it reaches `patience` training stops: with the best at epoch b and nothing better
// after it, the last epoch trained is b + patience. The best only moves on an improvement, so a slow drift
// of steps each smaller than minDelta still runs out of patience (Keras does the same).
//
// The decision depends only on the metric's sequence, so a resumed run replays the epochs it already has
// (`history`, e.g. read back from metrics.jsonl) and stops exactly where an uninterrupted run would.

import { checkKeys } from '../tensor/signature.js';

/**
 * The metrics early stopping can watch: each is a field of an epoch's result. convnet's own.
 * @example
 * ```ts
 * train.MONITORS.includes('testLoss');  // true
 * ```
 */
export const MONITORS = ['testAccuracy', 'testLoss', 'trainAccuracy', 'trainLoss'] as const;
/**
 * The epoch metrics early stopping can watch: 'testAccuracy' and 'trainAccuracy' (higher is better),
 * 'testLoss' and 'trainLoss' (lower is better). PyTorch: none (Keras: the `monitor` of `EarlyStopping`).
 * @example
 * ```ts
 * const m: train.Monitor = 'testLoss';
 * ```
 */
export type Monitor = (typeof MONITORS)[number];

/**
 * What EarlyStopping reads of an epoch (fit's EpochResult and a metrics.jsonl record both have it).
 * convnet's own.
 * @example
 * ```ts
 * es.observe({ epoch: 3, testAccuracy: 0.89 });
 * ```
 */
export interface MonitoredEpoch {
  epoch: number;
  trainLoss?: number;
  trainAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

/**
 * Options of {@link EarlyStopping} (and `fit`'s `earlyStopping`): `patience`, `minDelta`, `monitor` and the
 * `history` of a resumed run. PyTorch: none (Keras: the arguments of `EarlyStopping`).
 * @example
 * ```ts
 * await fit(model, loader, { epochs: 50, optimizer, lossFn, testLoader, earlyStopping: { patience: 5, minDelta: 0.001 } });
 * ```
 */
export interface EarlyStoppingOptions {
  /** Epochs without improvement after which training stops (an integer >= 1). */
  patience: number;
  /** The least change that counts as an improvement (default 0: any strict improvement). */
  minDelta?: number;
  /** The metric watched (default 'testAccuracy'); accuracies are maximised, losses minimised. */
  monitor?: Monitor;
  /** Epochs already trained (a resumed run's), replayed in order before the first new one. */
  history?: readonly MonitoredEpoch[];
}

/** Whether a larger value of `monitor` is better. */
export const maximises = (monitor: Monitor): boolean => monitor.endsWith('Accuracy');

/**
 * Decides when training should stop because a metric has not improved for `patience` epochs (by more than
 * `minDelta`); `observe(epoch)` after each epoch, then read `stopped`. A resumed run replays its `history`
 * and stops exactly where an uninterrupted one would. PyTorch: none (Keras: `EarlyStopping`).
 * @example
 * ```ts
 * const es = new EarlyStopping({ patience: 3, monitor: 'testLoss' });
 * for (const r of epochResults) { es.observe(r); if (es.stopped) break; }
 * ```
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly monitor: Monitor;
  /** The best value seen, and its epoch (undefined before the first epoch that counts). */
  best: number | undefined;
  bestEpoch: number | undefined;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The last epoch observed. */
  lastEpoch: number | undefined;

  constructor(opts: EarlyStoppingOptions) {
    if (opts === null || typeof opts !== 'object') throw new Error(`EarlyStopping: options must be an object { patience, minDelta?, monitor? }, got ${String(opts)}`);
    checkKeys('EarlyStopping', opts, ['patience', 'minDelta', 'monitor', 'history']);
    const { patience, minDelta = 0, monitor = 'testAccuracy' } = opts;
    if (!Number.isSafeInteger(patience) || patience < 1) {
      throw new Error(`EarlyStopping: patience must be an integer >= 1 (epochs without improvement before stopping), got ${String(patience)}`);
    }
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) {
      throw new Error(`EarlyStopping: minDelta must be a finite number >= 0, got ${String(minDelta)}`);
    }
    if (!(MONITORS as readonly string[]).includes(monitor)) {
      throw new Error(`EarlyStopping: monitor must be one of ${MONITORS.join(', ')}, got ${JSON.stringify(monitor)}`);
    }
    this.patience = patience;
    this.minDelta = minDelta;
    this.monitor = monitor;
    for (const r of opts.history ?? []) this.observe(r);
  }

  /** Whether patience has run out: training should stop after the last epoch observed. */
  get stopped(): boolean {
    return this.wait >= this.patience;
  }

  /** The epoch after which training stops (the last one observed) once patience has run out, else undefined.
   *  A history may go on past the point where patience ran out (a run resumed with early stopping off):
   *  what counts is the state after its last epoch, which is where a replay stops. */
  get stoppedEpoch(): number | undefined {
    return this.stopped ? this.lastEpoch : undefined;
  }

  /**
   * Takes one epoch's result (epochs in increasing order) and returns whether training should stop after
   * it. NaN (an empty test set) is never an improvement. PyTorch: none (Keras: `on_epoch_end`).
   * @example
   * ```ts
   * if (es.observe({ epoch, testAccuracy })) break;
   * ```
   */
  observe(r: MonitoredEpoch): boolean {
    const epoch = r?.epoch;
    if (!Number.isSafeInteger(epoch)) throw new Error(`EarlyStopping.observe: an epoch's result must have an integer epoch, got ${JSON.stringify(epoch)}`);
    if (this.lastEpoch !== undefined && epoch <= this.lastEpoch) {
      throw new Error(`EarlyStopping.observe: epochs must come in increasing order, got epoch ${epoch} after epoch ${this.lastEpoch}`);
    }
    const value = r[this.monitor];
    if (typeof value !== 'number') {
      const hint = this.monitor.startsWith('test') ? ' (is there a test loader?)' : '';
      throw new Error(`EarlyStopping.observe: epoch ${epoch} has no ${this.monitor}${hint}`);
    }
    this.lastEpoch = epoch;
    if (this.improves(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
    } else {
      this.wait++;
    }
    return this.stopped;
  }

  /**
   * Whether `value` beats the best so far by more than minDelta (the first finite value always does). convnet's own.
   * @example
   * ```ts
   * es.improves(0.91);
   * ```
   */
  improves(value: number): boolean {
    if (Number.isNaN(value)) return false;
    if (this.best === undefined) return true;
    return maximises(this.monitor) ? value - this.minDelta > this.best : value + this.minDelta < this.best;
  }

  /**
   * One line for the progress output: why training stopped and after which epoch. convnet's own.
   * @example
   * ```ts
   * console.log(es.summary());
   * ```
   */
  summary(epochs?: number): string {
    const name = { testAccuracy: 'test accuracy', testLoss: 'test loss', trainAccuracy: 'train accuracy', trainLoss: 'train loss' }[this.monitor];
    const show = (v: number | undefined) => v === undefined ? '-' : maximises(this.monitor) ? `${(100 * v).toFixed(2)}%` : v.toFixed(4);
    const by = this.minDelta > 0 ? ` by more than ${this.minDelta}` : '';
    const after = this.stoppedEpoch === undefined ? 'not stopped' : `stopped early after epoch ${this.stoppedEpoch}${epochs ? ` of ${epochs}` : ''}`;
    return `${after}: ${name} has not improved${by} for ${this.wait} epoch${this.wait === 1 ? '' : 's'} ` +
      `(best ${show(this.best)} at epoch ${this.bestEpoch ?? '-'}; patience ${this.patience})`;
  }
}
