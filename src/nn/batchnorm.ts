// nn/batchnorm.ts — BatchNorm1d and BatchNorm2d, as torch.nn's _BatchNorm.
//
// Buffers keep PyTorch's state-dict names: running_mean (zeros), running_var (ones) and
// num_batches_tracked (int32 here; int64 in PyTorch), in the camelCase fields runningMean, runningVar and
// numBatchesTracked. Arguments bind as PyTorch's: (numFeatures, eps, momentum, affine, trackRunningStats). In train() the batch statistics normalise (biased
// variance) and the running buffers move towards them with weight `momentum` (unbiased variance);
// momentum null means a cumulative average, 1/num_batches_tracked. In eval() the running statistics
// normalise — unless trackRunningStats is false, which keeps no buffers and always uses the batch.

import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { batchNorm } from '../ops/norm.js';
import { bindArgs, type PyArgs, type Signature } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { ones_, zeros_ } from './init.js';
import { pyBool, pyFloat } from './repr.js';

/**
 * The arguments of {@link BatchNorm1d} and {@link BatchNorm2d} by name (each may also come by position, in
 * this order): numFeatures, `eps` (default 1e-5), `momentum` (default 0.1, null for a cumulative average),
 * `affine` and `trackRunningStats` (both default true). PyTorch: the keyword arguments of `nn.BatchNorm2d`.
 * @example
 * ```ts
 * new nn.BatchNorm2d(16, { momentum: 0.01, affine: false });
 * ```
 */
export interface BatchNormLayerOptions {
  numFeatures?: number;
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1); null = cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel scale (weight) and shift (bias); default true. */
  affine?: boolean;
  /** Keep running statistics for eval(); default true. */
  trackRunningStats?: boolean;
}

type BatchNormArgs = PyArgs<
  [numFeatures: number, eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean],
  BatchNormLayerOptions
>;

const BATCH_NORM_SIGNATURE: Signature = {
  positional: [
    { name: 'numFeatures', required: true }, { name: 'eps', kind: 'number' },
    { name: 'momentum', kind: { test: (v) => v === null || typeof v === 'number', what: 'a number or null' } },
    { name: 'affine', kind: 'bool' }, { name: 'trackRunningStats', kind: 'bool' },
  ],
};

/** The settings NormBase keeps, once the subclass has bound and checked its arguments. */
export interface NormSettings {
  numFeatures: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  trackRunningStats: boolean;
}

/**
 * What batch and instance normalisation share, as torch.nn's _NormBase: the settings, the affine weight
 * and bias (ones and zeros), the running statistics as buffers with PyTorch's state-dict names, and their
 * resets. nn/normalization.ts's InstanceNorm extends it too.
 */
export abstract class NormBase extends Module<[Tensor], Tensor> {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  /** The running mean per channel (state-dict key `running_mean`); null without trackRunningStats. */
  declare runningMean: Tensor | null;
  /** The running (unbiased) variance per channel (state-dict key `running_var`). */
  declare runningVar: Tensor | null;
  /** The number of training batches seen, int32 (state-dict key `num_batches_tracked`). */
  declare numBatchesTracked: Tensor | null;

  constructor(settings: NormSettings) {
    super();
    const C = settings.numFeatures;
    this.numFeatures = C;
    this.eps = settings.eps;
    this.momentum = settings.momentum;
    this.affine = settings.affine;
    this.trackRunningStats = settings.trackRunningStats;
    this.weight = this.affine ? new Parameter(ones([C])) : null;
    this.bias = this.affine ? new Parameter(zeros([C])) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([C]) : null);
    this.registerBuffer('running_var', track ? ones([C]) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /**
   * Sets the running mean to 0, the running variance to 1 and the batch count to 0.
   * PyTorch: `reset_running_stats`.
   * @example
   * ```ts
   * bn.resetRunningStats();
   * ```
   */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.runningMean!.zero_();
    this.runningVar!.fill_(1);
    this.numBatchesTracked!.zero_();
  }

  /**
   * Resets the running statistics and sets the scale to 1 and the shift to 0. PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * bn.resetParameters();
   * ```
   */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }
}

/** BatchNorm's arguments bound and checked (PyTorch's defaults: eps 1e-5, momentum 0.1, affine and
 *  trackRunningStats true). */
function batchNormSettings(op: string, args: readonly unknown[]): NormSettings {
  const opts = bindArgs(op, args, BATCH_NORM_SIGNATURE) as BatchNormLayerOptions;
  const numFeatures = opts.numFeatures;
  if (typeof numFeatures !== 'number' || !Number.isInteger(numFeatures) || numFeatures < 1) {
    throw new Error(`${op}: numFeatures must be a positive integer, got ${JSON.stringify(numFeatures)}`);
  }
  const eps = opts.eps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new Error(`${op}: eps must be a non-negative number, got ${JSON.stringify(opts.eps)}`);
  const momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
  if (momentum !== null && (typeof momentum !== 'number' || !Number.isFinite(momentum))) {
    throw new Error(`${op}: momentum must be a number or null, got ${JSON.stringify(momentum)}`);
  }
  return { numFeatures, eps, momentum, affine: opts.affine ?? true, trackRunningStats: opts.trackRunningStats ?? true };
}

abstract class BatchNormBase extends NormBase {
  /** numBatchesTracked's value and the version of its data when this layer last counted (see forward). */
  private counted: { version: number; value: number } | null = null;

  constructor(op: string, args: readonly unknown[]) {
    super(batchNormSettings(op, args));
  }

  protected abstract checkInputDim(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.constructor.name}: input of shape ${shapeStr(x.shape)} has ${x.shape[1]} channels (dim 1) ` +
        `but the layer was built for numFeatures=${this.numFeatures}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      const n = this.numBatchesTracked;
      // A cumulative average (momentum null) needs the count itself. It is read once (a GPU cannot read
      // data it computed synchronously) and then counted here, for as long as nothing else changes the
      // buffer (a loadStateDict, a user's write): its version counter tells.
      const known = this.counted && this.counted.version === n._version ? this.counted.value : null;
      const before = known ?? (this.momentum === null ? n.item() : null);
      n.add_(1);
      if (before !== null) {
        this.counted = { version: n._version, value: before + 1 };
        if (this.momentum === null) factor = 1 / (before + 1);
      }
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(
      x,
      useRunning ? this.runningMean : null,
      useRunning ? this.runningVar : null,
      this.weight,
      this.bias,
      { training: bnTraining, momentum: factor, eps: this.eps },
    );
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, ` +
      `track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] inputs: normalises each channel with the batch's mean and
 * variance in training (updating running statistics) and with the running statistics after `eval()`,
 * then applies a learned scale and shift. Arguments in PyTorch's order (numFeatures, eps, momentum,
 * affine, trackRunningStats), any of them by name. PyTorch: `torch.nn.BatchNorm1d`.
 * @example
 * ```ts
 * new nn.BatchNorm1d(4, 0.5, 0.5);  // eps 0.5, momentum 0.5
 * const bn = new nn.BatchNorm1d(64);
 * bn(randn([32, 64])).shape;  // [32, 64]
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super('BatchNorm1d', args);
  }

  protected checkInputDim(x: Tensor): void {
    if (!(x instanceof Tensor) || (x.ndim !== 2 && x.ndim !== 3)) {
      throw new Error(`BatchNorm1d: expected 2D or 3D input [N, C] or [N, C, L], got ${x instanceof Tensor ? `${x.ndim}D input of shape ${shapeStr(x.shape)}` : typeof x}`);
    }
  }
}

/**
 * Batch normalisation over [N, C, H, W] inputs, per channel: batch statistics in training (updating
 * `runningMean` and `runningVar`), running statistics after `eval()`, then a learned scale and shift.
 * Arguments as {@link BatchNorm1d}'s. PyTorch: `torch.nn.BatchNorm2d`.
 * @example
 * ```ts
 * const bn = new nn.BatchNorm2d(16);
 * bn(randn([8, 16, 28, 28])).shape;  // [8, 16, 28, 28]
 * bn.runningMean;                    // its state-dict key is PyTorch's, running_mean
 * [...bn.stateDict().keys()];        // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super('BatchNorm2d', args);
  }

  protected checkInputDim(x: Tensor): void {
    if (!(x instanceof Tensor) || x.ndim !== 4) {
      throw new Error(`BatchNorm2d: expected 4D input [N, C, H, W], got ${x instanceof Tensor ? `${x.ndim}D input of shape ${shapeStr(x.shape)}` : typeof x}`);
    }
  }
}

markBuiltIn(BatchNorm1d, BatchNorm2d);
