// nn/module.ts — Module, the base of every layer and model, as torch.nn.Module.
//
// - A module is callable: model(x) runs forward(x) and then the forward hooks. (The constructor returns a
//   function whose prototype is the subclass's, so fields and methods behave as on any object.)
// - Parameters and submodules are found by reflection over the module's own enumerable fields, in the
//   order they were assigned, which gives PyTorch's dotted names (features.0.weight). Buffers (running
//   statistics) are tensors registered with registerBuffer.
// - stateDict()/loadStateDict() use those names, so checkpoints match PyTorch's.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { clearGrad, noGrad } from '../autograd/tape.js';
import { Parameter } from './parameter.js';

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

export interface HookHandle { remove(): void }

let nextHookId = 0;

/** Classes whose forward keeps no tensors: convnet's own layers, each file marking its classes. Not their
 *  subclasses: a subclass's forward may keep tensors, so it must say so itself (keepsNoTensors). */
const builtIns = new WeakSet<object>();

export function markBuiltIn(...classes: object[]): void {
  for (const c of classes) builtIns.add(c);
}

// Modules are callable: their call signature is forward's.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Module {
  (...inputs: any[]): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Module {
  // Fields of this base class are set in the constructor on the callable it returns: initialisers
  // written here would land on the discarded `this` (JS runs a base class's field initialisers first).
  declare training: boolean;
  /** Names of fields holding buffers (saved in stateDict, not trained), and the forward hooks. */
  declare private readonly _buffers: Set<string>;
  declare private readonly _forwardHooks: Map<number, ForwardHook>;

  constructor() {
    const callable = function (...inputs: unknown[]): unknown {
      return (callable as unknown as Module).callWithHooks(inputs);
    };
    Object.setPrototypeOf(callable, new.target.prototype);
    const self = callable as unknown as Module;
    self.training = true;
    Object.defineProperty(self, '_buffers', { value: new Set<string>(), enumerable: false });
    Object.defineProperty(self, '_forwardHooks', { value: new Map<number, ForwardHook>(), enumerable: false });
    return self;
  }

  abstract forward(...inputs: any[]): any; // eslint-disable-line @typescript-eslint/no-explicit-any

  private callWithHooks(inputs: unknown[]): unknown {
    let out = this.forward(...inputs);
    for (const hook of this._forwardHooks.values()) {
      const replaced = hook(this, inputs, out);
      if (replaced !== undefined) out = replaced;
    }
    return out;
  }

  /** Calls hook(module, inputs, output) after every forward; as register_forward_hook. */
  registerForwardHook(hook: ForwardHook): HookHandle {
    const id = nextHookId++;
    this._forwardHooks.set(id, hook);
    return { remove: () => { this._forwardHooks.delete(id); } };
  }

  /**
   * Whether forward() keeps no reference to its inputs, its output or anything it computes, beyond what
   * autograd records (true for convnet's own layers; false by default, since a user's forward may keep
   * tensors). nn.Sequential frees the activations between such layers itself, without waiting for the
   * garbage collector. A subclass may return true when its forward, and every module it calls, keeps
   * nothing. A forward hook may keep the module's input and output, so a module with hooks is not.
   */
  keepsNoTensors(): boolean {
    return builtIns.has(this.constructor) && this._forwardHooks.size === 0;
  }

  /** Stores a tensor that belongs to the state but is not trained (e.g. BatchNorm's running mean). */
  registerBuffer(name: string, value: Tensor | null): void {
    (this as unknown as Record<string, unknown>)[name] = value;
    this._buffers.add(name);
  }

  private ownEntries(): [string, unknown][] {
    return Object.keys(this).filter((k) => !k.startsWith('_')).map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this.ownEntries()) if (v instanceof Module) yield [k, v];
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k);
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(prefix = ''): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [k, v] of m.ownEntries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [path ? `${path}.${k}` : k, v];
        }
      }
    }
  }

  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [path, m] of this.namedModules(prefix)) {
      for (const name of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[name];
        if (v instanceof Tensor) yield [path ? `${path}.${name}` : name, v];
      }
    }
  }

  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /** Training mode (dropout active, batch statistics) for this module and all below it. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) clearGrad(p);
  }

  /** Calls fn on every module, children first (as nn.Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Each module's own parameters then buffers, module by module (depth first): PyTorch's state_dict order.
   *  Unlike namedParameters(), a tensor shared by two modules appears under both names, as in PyTorch. */
  private *stateEntries(): Generator<[string, Tensor]> {
    for (const [path, m] of this.namedModules()) {
      const pre = path ? `${path}.` : '';
      for (const [k, v] of m.ownEntries()) if (v instanceof Parameter) yield [pre + k, v];
      for (const name of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[name];
        if (v instanceof Tensor) yield [pre + name, v];
      }
    }
  }

  /** Parameters and buffers by dotted name, in PyTorch's order; the tensors are detached copies. */
  stateDict(): Map<string, Tensor> {
    const sd = new Map<string, Tensor>();
    for (const [k, t] of this.stateEntries()) sd.set(k, tensor(t));
    return sd;
  }

  /** Copies values in by name. strict (default): every key must match and nothing may be left over.
   *  Shape mismatches are always an error; the message lists every problem at once. */
  loadStateDict(sd: Map<string, Tensor> | Record<string, Tensor>, opts: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const strict = opts.strict ?? true;
    const entries = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const targets = new Map<string, Tensor>([...this.stateEntries()]);
    const missingKeys = [...targets.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !targets.has(k));
    const mismatched: string[] = [];
    for (const [k, t] of targets) {
      const v = entries.get(k);
      if (v === undefined) continue;
      if (!(v instanceof Tensor)) mismatched.push(`${k}: checkpoint value is not a Tensor`);
      else if (!sameShape(v.shape, t.shape)) mismatched.push(`${k}: checkpoint ${shapeStr(v.shape)} vs model ${shapeStr(t.shape)}`);
    }
    const problems: string[] = [];
    if (mismatched.length) problems.push(`size mismatch for ${mismatched.join('; ')}`);
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (problems.length) throw new Error(`loadStateDict: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [k, t] of targets) {
        const v = entries.get(k);
        if (v) t.copy_(v);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** The extra text shown inside this module's parentheses (its non-default arguments). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's repr: Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2)), nested children indented. */
  toString(): string {
    const kids = [...this.namedChildren()];
    const extra = this.extraRepr();
    const name = this.constructor.name;
    if (kids.length === 0) return `${name}(${extra})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    return `${name}(${extra ? `${extra}\n` : '\n'}${lines.join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
