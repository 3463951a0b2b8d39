// nn/normalization.ts — LayerNorm, GroupNorm, InstanceNorm1d and InstanceNorm2d, as torch.nn's: F.layerNorm,
// F.groupNorm and F.instanceNorm with the layer's parameters and buffers.
//
// Parameters: LayerNorm's weight (ones) and bias (zeros) of normalizedShape when elementwiseAffine;
// GroupNorm's [numChannels] when affine; InstanceNorm's [numFeatures] when affine (default false). InstanceNorm
// with trackRunningStats keeps running_mean, running_var and num_batches_tracked (state-dict names as
// PyTorch's; the count is never incremented, as in PyTorch, where instance_norm does not) and normalises by
// them after eval(). Unbatched inputs ([C, L] for 1d, [C, H, W] for 2d) work as in PyTorch.

import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { groupNorm, instanceNorm, layerNorm } from '../ops/norm.js';
import { squeeze, unsqueeze } from '../ops/shape.js';
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { NormBase, type NormSettings } from './batchnorm.js';
import { ones_, zeros_ } from './init.js';
import { pyBool, pyFloat, pyTuple } from './repr.js';

function checkEps(op: string, eps: number): number {
  if (!(eps >= 0)) throw new Error(`${op}: eps must be a non-negative number, got ${eps}`);
  return eps;
}

/**
 * Options of {@link LayerNorm}: any constructor argument by name. PyTorch: the keyword arguments of
 * `nn.LayerNorm` (`elementwise_affine` is `elementwiseAffine`).
 * @example
 * ```ts
 * new nn.LayerNorm(512, { eps: 1e-6 });
 * ```
 */
export interface LayerNormLayerOptions {
  normalizedShape?: number | readonly number[];
  eps?: number;
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the last dimensions (`normalizedShape`) of each sample, with a learned
 * element-wise scale and shift of that shape (`elementwiseAffine`, default true). Arguments in PyTorch's
 * order: normalizedShape, eps (1e-5), elementwiseAffine. PyTorch: `torch.nn.LayerNorm`.
 * @example
 * ```ts
 * const ln = new nn.LayerNorm(64);
 * ln(randn([8, 10, 64])).shape;   // [8, 10, 64]
 * new nn.LayerNorm([C, H, W], 1e-5, false);
 * ```
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(...args: PyArgs<[normalizedShape: number | readonly number[], eps: number, elementwiseAffine: boolean], LayerNormLayerOptions>) {
    super();
    const a = bindArgs('LayerNorm', args, { positional: [
      { name: 'normalizedShape', kind: 'size', required: true }, { name: 'eps', kind: 'number' }, { name: 'elementwiseAffine', kind: 'bool' }] });
    const ns = typeof a.normalizedShape === 'number' ? [a.normalizedShape] : [...(a.normalizedShape as number[])];
    if (ns.length === 0 || ns.some((d) => d < 1)) {
      throw new Error(`LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(a.normalizedShape)}`);
    }
    this.normalizedShape = ns;
    this.eps = checkEps('LayerNorm', (a.eps ?? 1e-5) as number);
    this.elementwiseAffine = (a.elementwiseAffine ?? true) as boolean;
    this.weight = this.elementwiseAffine ? new Parameter(ones(ns)) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(ns)) : null;
  }

  /**
   * Sets the scale to 1 and the shift to 0. PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * ln.resetParameters();
   * ```
   */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /**
   * Normalises `x` over its last dimensions. PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.LayerNorm(4).forward(randn([2, 4])).shape;  // [2, 4]
   * ```
   */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/**
 * Options of {@link GroupNorm}: any constructor argument by name. PyTorch: the keyword arguments of `nn.GroupNorm`.
 * @example
 * ```ts
 * new nn.GroupNorm(8, 64, { affine: false });
 * ```
 */
export interface GroupNormLayerOptions {
  numGroups?: number;
  numChannels?: number;
  eps?: number;
  affine?: boolean;
}

/**
 * Group normalisation of [N, C, *] inputs: the channels are split into `numGroups` groups, each normalised
 * per sample, then a learned per-channel scale and shift (`affine`, default true). Works the same for any
 * batch size. Arguments in PyTorch's order: numGroups, numChannels, eps (1e-5), affine.
 * PyTorch: `torch.nn.GroupNorm`.
 * @example
 * ```ts
 * const gn = new nn.GroupNorm(4, 32);
 * gn(randn([2, 32, 8, 8])).shape;  // [2, 32, 8, 8]
 * ```
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(...args: PyArgs<[numGroups: number, numChannels: number, eps: number, affine: boolean], GroupNormLayerOptions>) {
    super();
    const a = bindArgs('GroupNorm', args, { positional: [
      { name: 'numGroups', kind: 'int', required: true }, { name: 'numChannels', kind: 'int', required: true },
      { name: 'eps', kind: 'number' }, { name: 'affine', kind: 'bool' }] });
    const G = a.numGroups as number, C = a.numChannels as number;
    if (G < 1) throw new Error(`GroupNorm: numGroups must be a positive integer, got ${G}`);
    if (C < 1) throw new Error(`GroupNorm: numChannels must be a positive integer, got ${C}`);
    if (C % G !== 0) throw new Error(`GroupNorm: numChannels (${C}) must be divisible by numGroups (${G})`);
    this.numGroups = G;
    this.numChannels = C;
    this.eps = checkEps('GroupNorm', (a.eps ?? 1e-5) as number);
    this.affine = (a.affine ?? true) as boolean;
    this.weight = this.affine ? new Parameter(ones([C])) : null;
    this.bias = this.affine ? new Parameter(zeros([C])) : null;
  }

  /**
   * Sets the scale to 1 and the shift to 0. PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * gn.resetParameters();
   * ```
   */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /**
   * Normalises `x` [N, C, *] by groups of channels. PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.GroupNorm(2, 4).forward(randn([3, 4, 5])).shape;  // [3, 4, 5]
   * ```
   */
  forward(x: Tensor): Tensor {
    if (x instanceof Tensor && x.ndim >= 2 && x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm: input of shape ${shapeStr(x.shape)} has ${x.shape[1]} channels (dim 1) but the layer was built for numChannels=${this.numChannels}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/**
 * Options of {@link InstanceNorm1d} and {@link InstanceNorm2d}: any constructor argument by name. PyTorch:
 * the keyword arguments of `nn.InstanceNorm2d` (`track_running_stats` is `trackRunningStats`).
 * @example
 * ```ts
 * new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true });
 * ```
 */
export interface InstanceNormLayerOptions {
  numFeatures?: number;
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** The constructor's arguments in PyTorch's order, then optionally the options object. */
export type InstanceNormLayerArgs = PyArgs<[numFeatures: number, eps: number, momentum: number, affine: boolean, trackRunningStats: boolean],
  InstanceNormLayerOptions>;

/** InstanceNorm's arguments bound and checked (PyTorch's defaults: eps 1e-5, momentum 0.1, affine and
 *  trackRunningStats false). */
function instanceNormSettings(op: string, args: readonly unknown[]): NormSettings {
  const a = bindArgs(op, args, { positional: [
    { name: 'numFeatures', kind: 'int', required: true }, { name: 'eps', kind: 'number' }, { name: 'momentum', kind: 'number' },
    { name: 'affine', kind: 'bool' }, { name: 'trackRunningStats', kind: 'bool' }] });
  const C = a.numFeatures as number;
  if (C < 1) throw new Error(`${op}: numFeatures must be a positive integer, got ${C}`);
  return {
    numFeatures: C, eps: checkEps(op, (a.eps ?? 1e-5) as number), momentum: (a.momentum ?? 0.1) as number,
    affine: (a.affine ?? false) as boolean, trackRunningStats: (a.trackRunningStats ?? false) as boolean,
  };
}

abstract class InstanceNormNd extends NormBase {
  /** A number here (instance norm has no cumulative average): NormBase's momentum, narrowed. */
  declare momentum: number;

  constructor(op: string, private readonly spatial: number, args: readonly unknown[]) {
    super(instanceNormSettings(op, args));
  }

  /**
   * Normalises each sample's channels of `x` ([N, C, *] or unbatched [C, *]) by their own statistics (by the
   * running ones after eval() when trackRunningStats). PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.InstanceNorm2d(3).forward(randn([2, 3, 8, 8])).shape;  // [2, 3, 8, 8]
   * ```
   */
  forward(x: Tensor): Tensor {
    const op = this.constructor.name, d = this.spatial;
    if (!(x instanceof Tensor) || (x.ndim !== d + 1 && x.ndim !== d + 2)) {
      const got = x instanceof Tensor ? `${x.ndim}-D input of shape ${shapeStr(x.shape)}` : typeof x;
      throw new Error(`${op}: expected a ${d + 1}-D (unbatched) or ${d + 2}-D input, got ${got}`);
    }
    const channels = x.shape[x.ndim - d - 1];
    if (channels !== this.numFeatures && (this.affine || this.trackRunningStats)) {
      throw new Error(`${op}: expected the input's size at dim=${x.ndim - d - 1} to match numFeatures (${this.numFeatures}), got ${channels} (input ${shapeStr(x.shape)})`);
    }
    const batched = x.ndim === d + 2 ? x : unsqueeze(x, 0);
    const y = instanceNorm(batched, this.runningMean, this.runningVar, this.weight, this.bias,
      this.training || !this.trackRunningStats, this.momentum, this.eps);
    return x.ndim === d + 2 ? y : squeeze(y, 0);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, ` +
      `track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Instance normalisation of [N, C, H, W] (or unbatched [C, H, W]) inputs: each image's channel normalised by
 * its own mean and variance, as style-transfer networks use; optional learned per-channel scale and shift
 * (`affine`, default false) and running statistics (`trackRunningStats`, default false). Arguments in
 * PyTorch's order: numFeatures, eps (1e-5), momentum (0.1), affine, trackRunningStats.
 * PyTorch: `torch.nn.InstanceNorm2d`.
 * @example
 * ```ts
 * const inorm = new nn.InstanceNorm2d(3, { affine: true });
 * inorm(randn([4, 3, 32, 32])).shape;  // [4, 3, 32, 32]
 * ```
 */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(...args: InstanceNormLayerArgs) {
    super('InstanceNorm2d', 2, args);
  }
}

/**
 * Instance normalisation of [N, C, L] (or unbatched [C, L]) inputs: each sample's channel normalised by its
 * own statistics. Arguments as {@link InstanceNorm2d}'s. PyTorch: `torch.nn.InstanceNorm1d`.
 * @example
 * ```ts
 * new nn.InstanceNorm1d(8)(randn([4, 8, 100])).shape;  // [4, 8, 100]
 * ```
 */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(...args: InstanceNormLayerArgs) {
    super('InstanceNorm1d', 1, args);
  }
}

markBuiltIn(LayerNorm, GroupNorm, InstanceNorm1d, InstanceNorm2d);
