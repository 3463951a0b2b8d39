// optim/optimizer.ts — the Optimizer base, as torch.optim.Optimizer.
//
// - Parameters come as a list (one group with the defaults) or as groups { params, ...options } whose
//   options override the defaults per group (e.g. a smaller lr for a pretrained backbone).
// - step() updates parameters in place with one fused backend kernel per parameter (backend/ref/optim.ts
//   spells out the update rules): the hot path of training builds no tensors and involves no autograd.
//   Parameters whose .grad is null are skipped and get no state, as in PyTorch.
// - stateDict() is PyTorch's structure in camelCase: { state: { [index]: { step, expAvg, … } },
//   paramGroups: [{ lr, …options, params: [indices] }] }, where indices number the parameters across
//   the groups in order. loadStateDict() checks the groups line up and copies the state in.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { clearGrad, withGrad } from '../autograd/tape.js';
import { describeJson, sameJsonShape } from './json-shape.js';
import type { ParamSpec } from '../tensor/signature.js';

/**
 * The options every parameter group has: the learning rate `lr` (and `initialLr`, which schedulers set),
 * plus the optimizer's own. PyTorch: the keys of `optimizer.param_groups[i]`.
 * @example
 * ```ts
 * opt.paramGroups[0].lr = 0.01;
 * ```
 */
export interface GroupOptions {
  lr: number;
  /** Set by learning-rate schedulers: the lr the schedule starts from (PyTorch's initial_lr). */
  initialLr?: number;
  [option: string]: unknown;
}

/**
 * A parameter group as the user passes it: its tensors and any options that differ from the defaults.
 * PyTorch: a dict in the list passed to an optimizer.
 * @example
 * ```ts
 * new optim.SGD([{ params: backbone.parameters(), lr: 0.001 }, { params: head.parameters() }], { lr: 0.01 });
 * ```
 */
export type ParamGroupSpec<O> = { params: Iterable<Tensor> } & Partial<O>;

/**
 * What an optimizer takes: parameters (e.g. `model.parameters()`) or a list of parameter groups.
 * PyTorch: the `params` argument of `torch.optim.Optimizer`.
 * @example
 * ```ts
 * const params: optim.ParamsArg<optim.SGDOptions> = model.parameters();
 * ```
 */
export type ParamsArg<O> = Iterable<Tensor> | ParamGroupSpec<O>[];

/**
 * A parameter group as the optimizer holds it: its parameters and every option, defaults filled in.
 * PyTorch: an entry of `optimizer.param_groups`.
 * @example
 * ```ts
 * for (const g of opt.paramGroups) g.lr *= 0.5;
 * ```
 */
export type ParamGroup<O> = O & { params: Tensor[]; initialLr?: number };

/**
 * One parameter's optimizer state: numbers (step counts) and tensors (moment buffers). PyTorch: an entry
 * of `optimizer.state`.
 * @example
 * ```ts
 * const s = opt.state.get(model.parameters()[0]);  // e.g. { step: 10, expAvg: …, expAvgSq: … }
 * ```
 */
export type ParamState = Record<string, Tensor | number | null>;

/**
 * An optimizer's saved state: per-parameter state by index, and the groups' options with the indices of
 * their parameters. PyTorch: the dict `optimizer.state_dict()` returns, keys in camelCase.
 * @example
 * ```ts
 * const sd: optim.OptimizerStateDict<optim.AdamOptions> = opt.stateDict();
 * ```
 */
export interface OptimizerStateDict<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[]; initialLr?: number })[];
}

/** The `params` slot of an optimizer's signature: an iterable (of tensors or of parameter groups). */
export const PARAMS: ParamSpec = {
  name: 'params', required: true,
  kind: { test: (v) => v !== null && typeof v === 'object' && Symbol.iterator in v, what: 'an iterable of Tensors or a list of parameter groups' },
};

function copyState(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) out[k] = v instanceof Tensor ? tensor(v) : v;
  return out;
}

/**
 * The base class of optimizers: holds parameter groups and per-parameter state, and updates the
 * parameters in place from their gradients in `step()`. Parameters whose `.grad` is null are skipped.
 * PyTorch: `torch.optim.Optimizer`.
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad();
 * F.crossEntropy(model(x), y).backward();
 * opt.step();
 * ```
 */
export abstract class Optimizer<O extends GroupOptions = GroupOptions> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created lazily by step(). */
  readonly state = new Map<Tensor, ParamState>();
  protected readonly opName: string;

  constructor(opName: string, params: ParamsArg<O>, defaults: O) {
    this.opName = opName;
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new Error(`${opName}: params must be an iterable of Tensors (e.g. model.parameters()), got a single Tensor; wrap it in a list`);
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new Error(`${opName}: params must be an iterable of Tensors or a list of parameter groups, got ${params === null ? 'null' : typeof params}`);
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new Error(`${opName}: optimizer got an empty parameter list`);
    if (list.every((p) => p instanceof Tensor)) this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupSpec<O>);
    else for (const g of list) this.addParamGroup(g as ParamGroupSpec<O>);
  }

  /**
   * Adds a group; the options it leaves out take the defaults. A parameter may be in only one group.
   * PyTorch: `Optimizer.add_param_group`.
   * @example
   * ```ts
   * opt.addParamGroup({ params: newHead.parameters(), lr: 0.1 });
   * ```
   */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    if (spec === null || typeof spec !== 'object' || spec instanceof Tensor || !('params' in spec)) {
      throw new Error(`${this.opName}: a parameter group must be an object { params, ...options }`);
    }
    const params = spec.params instanceof Tensor ? [spec.params] : [...spec.params];
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${this.opName}: params[${i}] of group ${this.paramGroups.length} is not a Tensor`);
      if (!p.isFloatingPoint) throw new Error(`${this.opName}: params[${i}] is an int32 tensor; only floating-point tensors can be optimized`);
      if (!p.isLeaf) throw new Error(`${this.opName}: can't optimize a non-leaf Tensor (params[${i}] was computed by ${p.gradFn!.op}); use a Parameter or a detached tensor`);
    });
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    const local = new Set<Tensor>();
    for (const p of params) {
      if (seen.has(p)) throw new Error(`${this.opName}: some parameters appear in more than one parameter group`);
      if (local.has(p)) throw new Error(`${this.opName}: a parameter group lists the same parameter twice`);
      local.add(p);
    }
    const group = { ...this.defaults, ...spec, params } as ParamGroup<O>;
    for (const k of Object.keys(spec)) {
      if (k !== 'params' && k !== 'initialLr' && !(k in this.defaults)) {
        throw new Error(`${this.opName}: unknown option '${k}' in a parameter group (expected ${Object.keys(this.defaults).join(', ')})`);
      }
    }
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** Checks a group's options (lr ≥ 0 …); subclasses add their own rules. */
  protected validate(group: ParamGroup<O>): void {
    if (typeof group.lr !== 'number' || !(group.lr >= 0)) throw new Error(`${this.opName}: invalid learning rate: ${group.lr}`);
  }

  /** PyTorch's checks of a group's settings that must be ≥ 0, with its messages ("invalid weightDecay
   *  value: -1"; eps is "epsilon"). */
  protected requireNonNegative(group: ParamGroup<O>, ...names: (keyof O & string)[]): void {
    for (const name of names) {
      const v = (group as unknown as Record<string, unknown>)[name];
      if (!((v as number) >= 0)) throw new Error(`${this.opName}: invalid ${name === 'eps' ? 'epsilon' : name} value: ${v}`);
    }
  }

  /**
   * Clears every parameter's gradient: to null (default, as PyTorch 2) or, with `setToNone: false`, to
   * zeros. A gradient no user code was handed is freed at once. PyTorch: `Optimizer.zero_grad`.
   * @example
   * ```ts
   * opt.zeroGrad();
   * opt.zeroGrad({ setToNone: false });
   * ```
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const gr = p._grad;
        if (!gr) continue;
        if (setToNone) clearGrad(p);
        else gr.zero_();
      }
    }
  }

  /**
   * Updates every parameter that has a gradient. With a closure, it first re-evaluates the loss (gradients
   * on) and returns it. PyTorch: `Optimizer.step`.
   * @example
   * ```ts
   * loss.backward();
   * opt.step();
   * ```
   */
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    let loss: Tensor | number | undefined;
    if (closure) loss = withGrad(true, closure);
    for (const group of this.paramGroups) this.updateGroup(group);
    return loss;
  }

  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** The state of one parameter, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) { s = {}; this.state.set(p, s); }
    return s;
  }

  /**
   * The optimizer's state and group options as plain data with copies of the tensors, for checkpoints.
   * PyTorch: `Optimizer.state_dict`.
   * @example
   * ```ts
   * const saved = opt.stateDict();
   * ```
   */
  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, ParamState> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const params: number[] = [];
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s) state[index] = copyState(s);
        params.push(index++);
      }
      const { params: _drop, ...options } = g;
      void _drop;
      const copy = JSON.parse(JSON.stringify(options)) as O;
      return { ...copy, params };
    });
    return { state, paramGroups };
  }

  /**
   * Takes a {@link Optimizer.stateDict} back, checking that its groups line up with this optimizer's.
   * PyTorch: `Optimizer.load_state_dict`.
   * @example
   * ```ts
   * opt.loadStateDict(saved);
   * ```
   */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    const op = `${this.opName}.loadStateDict`;
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null) {
      throw new Error(`${op}: expected { state, paramGroups }, got ${sd === null ? 'null' : typeof sd}`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${op}: loaded state dict has ${sd.paramGroups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((sg, gi) => {
      const mine = this.paramGroups[gi];
      if (typeof sg !== 'object' || sg === null || !Array.isArray(sg.params) || sg.params.length !== mine.params.length) {
        throw new Error(`${op}: loaded parameter group ${gi} has ${Array.isArray(sg?.params) ? sg.params.length : 'no'} parameters, ` +
          `this optimizer's group ${gi} has ${mine.params.length}`);
      }
      sg.params.forEach((idx, k) => {
        if (!Number.isSafeInteger(idx) || idx < 0 || byIndex.has(idx)) {
          throw new Error(`${op}: parameter group ${gi} lists ${JSON.stringify(idx)}, not a parameter index (distinct non-negative integers)`);
        }
        byIndex.set(idx, mine.params[k]);
      });
      for (const [k, v] of Object.entries(sg)) {
        if (k === 'params') continue;
        const want = (mine as Record<string, unknown>)[k];
        if (want === undefined) {
          if (k === 'initialLr' && typeof v === 'number') continue; // set by a scheduler, which may come later
          const known = Object.keys(mine).filter((o) => o !== 'params');
          throw new Error(`${op}: parameter group ${gi} has an unknown option '${k}' (${this.opName}'s options: ${known.join(', ')})`);
        }
        if (!sameJsonShape(want, v)) throw new Error(`${op}: option '${k}' of parameter group ${gi} must be ${describeJson(want)}, got ${JSON.stringify(v)?.slice(0, 80)}`);
      }
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new Error(`${op}: state for parameter index ${key} does not belong to any parameter group`);
      if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new Error(`${op}: the state of parameter ${key} must be an object, got ${JSON.stringify(s)?.slice(0, 80)}`);
      const out: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (!(v instanceof Tensor) && v !== null && !(typeof v === 'number' && !Number.isNaN(v))) {
          throw new Error(`${op}: state '${k}' of parameter ${key} must be a tensor or a number, got ${JSON.stringify(v)?.slice(0, 80)}`);
        }
        if (v instanceof Tensor) {
          if (v.numel() !== p.numel() && v.numel() !== 1) {
            throw new Error(`${op}: state '${k}' of parameter ${key} has shape ${shapeStr(v.shape)} but the parameter has shape ${shapeStr(p.shape)}`);
          }
          out[k] = v.numel() === p.numel() ? tensor(v, { dtype: p.dtype }).reshape(p.shape) : tensor(v);
        } else {
          out[k] = v;
        }
      }
      newState.set(p, out);
    }
    sd.paramGroups.forEach((sg, gi) => {
      const { params: _drop, ...options } = sg;
      void _drop;
      Object.assign(this.paramGroups[gi], JSON.parse(JSON.stringify(options)));
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  /**
   * The optimizer printed as PyTorch prints it: each group's options. PyTorch: `repr(optimizer)`.
   * @example
   * ```ts
   * console.log(String(opt));  // 'SGD (\nParameter Group 0\n    dampening: 0\n …'
   * ```
   */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).filter((k) => k !== 'params').sort()) lines.push(`    ${k}: ${JSON.stringify(g[k as keyof typeof g])}`);
    });
    lines.push(')');
    return lines.join('\n');
  }
}
