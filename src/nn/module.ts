// nn/module.ts — Module, the base of every layer and model, as torch.nn.Module.
//
// - A module is callable: model(x) runs forward(x) and then the forward hooks. (The constructor returns a
//   function whose prototype is the subclass's, so fields and methods behave as on any object.)
// - Parameters and submodules are found by reflection over the module's own enumerable fields, in the
//   order they were assigned, which gives PyTorch's dotted names (features.0.weight). Buffers (running
//   statistics) are tensors registered with registerBuffer: the name given is the state-dict key
//   (PyTorch's, running_mean) and the field holding it is its camelCase (runningMean), as every attribute.
// - The call is typed by the type parameters: Module<In, Out> is called as (...inputs: In) => Out, which
//   forward must match. The defaults, (...inputs: any[]) => Tensor, suit a model that maps tensors to a
//   tensor; a subclass with another forward names its own (Module<[Tensor, Tensor], Tensor> for a loss).
// - stateDict()/loadStateDict() use those names, so checkpoints match PyTorch's.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { clearGrad, noGrad } from '../autograd/tape.js';
import { Parameter } from './parameter.js';
import { camelCase } from '../tensor/signature.js';

/**
 * A function called after a module's forward with the module, its inputs and its output; returning
 * something other than undefined replaces the output. PyTorch: the hook of `register_forward_hook`.
 * @example
 * ```ts
 * const hook: ForwardHook = (m, inputs, output) => { console.log(String(m), (output as Tensor).shape); };
 * ```
 */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

/**
 * What {@link Module.registerForwardHook} returns: `remove()` unregisters the hook. PyTorch:
 * `torch.utils.hooks.RemovableHandle`.
 * @example
 * ```ts
 * const h = model.registerForwardHook(hook);
 * h.remove();
 * ```
 */
export interface HookHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

let nextHookId = 0;

/** Classes whose forward keeps no tensors: convnet's own layers, each file marking its classes. Not their
 *  subclasses: a subclass's forward may keep tensors, so it must say so itself (keepsNoTensors). */
const builtIns = new WeakSet<object>();

export function markBuiltIn(...classes: object[]): void {
  for (const c of classes) builtIns.add(c);
}

// Modules are callable: their call signature is forward's, as the type parameters give it.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-declaration-merging */
export interface Module<In extends unknown[] = any[], Out = Tensor> {
  /**
   * Calling a module runs its `forward` with the same arguments, then its forward hooks; typed as forward
   * is (`Module<In, Out>`: `(...inputs: In) => Out`). PyTorch: `module(x)` (`nn.Module.__call__`).
   * @example
   * ```ts
   * const y: Tensor = layer(x);  // layer.forward(x), then the hooks
   * ```
   */
  (...inputs: In): Out;
}

/**
 * The base class of every layer and model: a callable object (`module(x)` runs `forward(x)` and the forward
 * hooks) that finds its parameters, buffers and sub-modules in its own fields, with dotted names as
 * PyTorch's. Subclass it and implement `forward`. The call is typed as forward: `Module<In, Out>` is called
 * as `(...inputs: In) => Out`; the defaults (`any[]` in, a `Tensor` out) suit a model that maps tensors to
 * a tensor, and a module with another forward names its types (`nn.Module<[Tensor, Tensor], Tensor>` for a
 * loss, `nn.Module<[Tensor], [Tensor, Tensor]>` for two outputs). PyTorch: `torch.nn.Module`.
 * @example
 * ```ts
 * class Net extends nn.Module {
 *   conv = new nn.Conv2d(1, 8, 3, { padding: 1 });
 *   fc = new nn.Linear(8 * 28 * 28, 10);
 *   forward(x: Tensor): Tensor {
 *     return this.fc(F.relu(this.conv(x)).flatten(1));
 *   }
 * }
 * const net = new Net();
 * net(randn([4, 1, 28, 28])).shape;               // [4, 10]: net(x) is a Tensor
 * [...net.namedParameters()].map(([n]) => n);     // ['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']
 * class Pair extends nn.Module<[Tensor], [Tensor, Tensor]> {
 *   forward(x: Tensor): [Tensor, Tensor] { return [x.relu(), x.neg().relu()]; }
 * }
 * const [pos, neg] = new Pair()(x);
 * ```
 */
export abstract class Module<In extends unknown[] = any[], Out = Tensor> {
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-declaration-merging */
  // Fields of this base class are set in the constructor on the callable it returns: initialisers
  // written here would land on the discarded `this` (JS runs a base class's field initialisers first).
  declare training: boolean;
  /** Buffers (saved in stateDict, not trained), state-dict key → field name; and the forward hooks. */
  declare private readonly _buffers: Map<string, string>;
  declare private readonly _forwardHooks: Map<number, ForwardHook>;

  constructor() {
    const callable = function (...inputs: unknown[]): unknown {
      return (callable as unknown as Module).callWithHooks(inputs);
    };
    Object.setPrototypeOf(callable, new.target.prototype);
    const self = callable as unknown as Module<In, Out>;
    self.training = true;
    Object.defineProperty(self, '_buffers', { value: new Map<string, string>(), enumerable: false });
    Object.defineProperty(self, '_forwardHooks', { value: new Map<number, ForwardHook>(), enumerable: false });
    return self;
  }

  /**
   * The computation the module performs; calling the module (`module(x)`) runs it and then the forward
   * hooks. Subclasses implement it. PyTorch: `nn.Module.forward`.
   * @example
   * ```ts
   * forward(x: Tensor): Tensor { return this.fc(x).relu(); }
   * ```
   */
  abstract forward(...inputs: In): Out;

  private callWithHooks(inputs: unknown[]): unknown {
    let out: unknown = this.forward(...(inputs as In));
    for (const hook of this._forwardHooks.values()) {
      const replaced = hook(this as unknown as Module, inputs, out);
      if (replaced !== undefined) out = replaced;
    }
    return out;
  }

  /**
   * Calls `hook(module, inputs, output)` after every forward of this module (a non-undefined return replaces
   * the output); returns a handle that removes it. PyTorch: `nn.Module.register_forward_hook`.
   * @example
   * ```ts
   * const seen: Tensor[] = [];
   * const h = model.conv1.registerForwardHook((_m, _in, out) => { seen.push(out as Tensor); });
   * model(x);
   * h.remove();
   * ```
   */
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
   * convnet's own; PyTorch has none (it frees by reference counting).
   * @example
   * ```ts
   * class Scale extends nn.Module {
   *   forward(x: Tensor) { return x.mul(2); }
   *   override keepsNoTensors() { return true; }
   * }
   * ```
   */
  keepsNoTensors(): boolean {
    return builtIns.has(this.constructor) && this._forwardHooks.size === 0;
  }

  /**
   * Stores a tensor that belongs to the module's state (saved by stateDict, moved with it) but is not a
   * trained parameter, such as BatchNorm's running mean. `name` is the state-dict key, as PyTorch's; the
   * field that holds the tensor is its camelCase (`'running_mean'` → `this.runningMean`). Assigning that
   * field later replaces the buffer. PyTorch: `nn.Module.register_buffer`.
   * @example
   * ```ts
   * this.registerBuffer('running_mean', zeros([channels]));  // this.runningMean; key 'running_mean'
   * ```
   */
  registerBuffer(name: string, value: Tensor | null): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`registerBuffer: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
    if (value !== null && !(value instanceof Tensor)) {
      throw new Error(`registerBuffer: buffer '${name}' must be a Tensor or null, got ${typeof value}`);
    }
    const field = camelCase(name);
    (this as unknown as Record<string, unknown>)[field] = value;
    this._buffers.set(name, field);
  }


  private ownEntries(): [string, unknown][] {
    return Object.keys(this).filter((k) => !k.startsWith('_')).map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }

  /**
   * The direct sub-modules with their field names. PyTorch: `nn.Module.named_children`.
   * @example
   * ```ts
   * for (const [name, child] of model.namedChildren()) console.log(name, String(child));
   * ```
   */
  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this.ownEntries()) if (v instanceof Module) yield [k, v];
  }

  /**
   * The direct sub-modules. PyTorch: `nn.Module.children`.
   * @example
   * ```ts
   * [...model.children()].length;
   * ```
   */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /**
   * This module and every descendant, depth first, with dotted names ('' for this one). PyTorch:
   * `nn.Module.named_modules`.
   * @example
   * ```ts
   * for (const [name, m] of model.namedModules()) if (m instanceof nn.Conv2d) console.log(name);
   * ```
   */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this as unknown as Module];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k);
  }

  /**
   * This module and every descendant, depth first. PyTorch: `nn.Module.modules`.
   * @example
   * ```ts
   * [...model.modules()].filter((m) => m instanceof nn.BatchNorm2d).length;
   * ```
   */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /**
   * Every parameter of this module and its descendants, once each, with dotted names ('0.weight',
   * 'conv1.bias'). PyTorch: `nn.Module.named_parameters`.
   * @example
   * ```ts
   * for (const [name, p] of model.namedParameters()) console.log(name, p.shape);
   * ```
   */
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

  /**
   * Every parameter of this module and its descendants, once each: what an optimizer takes.
   * PyTorch: `nn.Module.parameters`.
   * @example
   * ```ts
   * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
   * model.parameters().reduce((n, p) => n + p.numel(), 0);  // the parameter count
   * ```
   */
  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /**
   * Every buffer (see {@link registerBuffer}) of this module and its descendants, with dotted names.
   * PyTorch: `nn.Module.named_buffers`.
   * @example
   * ```ts
   * [...model.namedBuffers()].map(([n]) => n);  // e.g. ['bn1.running_mean', 'bn1.running_var', …]
   * ```
   */
  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [name, field] of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[field];
        if (v instanceof Tensor) yield [path ? `${path}.${name}` : name, v];
      }
    }
  }

  /**
   * Every buffer of this module and its descendants. PyTorch: `nn.Module.buffers`.
   * @example
   * ```ts
   * model.buffers().length;
   * ```
   */
  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /**
   * Sets training mode (dropout active, BatchNorm using batch statistics) for this module and all below it;
   * `train(false)` is {@link eval}. Returns the module. PyTorch: `nn.Module.train`.
   * @example
   * ```ts
   * model.train();
   * ```
   */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode (dropout off, BatchNorm using its running statistics) for this module and all below
   * it. Returns the module. PyTorch: `nn.Module.eval`.
   * @example
   * ```ts
   * model.eval();
   * const logits = noGrad(() => model(x));
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears the gradient of every parameter. PyTorch: `nn.Module.zero_grad` (with `set_to_none=True`).
   * @example
   * ```ts
   * model.zeroGrad();
   * loss.backward();
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) clearGrad(p);
  }

  /**
   * Calls `fn` on every module, children first and this one last; returns this module. PyTorch:
   * `nn.Module.apply`.
   * @example
   * ```ts
   * model.apply((m) => { if (m instanceof nn.Linear) nn.init.zeros_(m.weight); });
   * ```
   */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this as unknown as Module);
    return this;
  }

  /** Each module's own parameters then buffers, module by module (depth first): PyTorch's state_dict order.
   *  Unlike namedParameters(), a tensor shared by two modules appears under both names, as in PyTorch. */
  private *stateEntries(): Generator<[string, Tensor]> {
    for (const [path, m] of this.namedModules()) {
      const pre = path ? `${path}.` : '';
      for (const [k, v] of m.ownEntries()) if (v instanceof Parameter) yield [pre + k, v];
      for (const [name, field] of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[field];
        if (v instanceof Tensor) yield [pre + name, v];
      }
    }
  }

  /**
   * Parameters and buffers by dotted name, in PyTorch's order and with PyTorch's key names; the tensors are
   * detached copies. PyTorch: `nn.Module.state_dict`.
   * @example
   * ```ts
   * const sd = model.stateDict();
   * [...sd.keys()];  // ['conv1.weight', 'conv1.bias', …]
   * ```
   */
  stateDict(): Map<string, Tensor> {
    const sd = new Map<string, Tensor>();
    for (const [k, t] of this.stateEntries()) sd.set(k, tensor(t));
    return sd;
  }

  /**
   * Copies values in by name from a Map or a plain object. With `strict` (the default) every key must match
   * and nothing may be left over; a shape mismatch is always an error, and the message lists every problem
   * at once. Returns the keys that were missing and unexpected. PyTorch: `nn.Module.load_state_dict`.
   * @example
   * ```ts
   * model.loadStateDict(other.stateDict());
   * const { missingKeys } = model.loadStateDict(partial, { strict: false });
   * ```
   */
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

  /**
   * The text shown inside this module's parentheses when it is printed (its non-default arguments);
   * override it in a subclass. PyTorch: `nn.Module.extra_repr`.
   * @example
   * ```ts
   * override extraRepr() { return `scale=${this.scale}`; }
   * ```
   */
  extraRepr(): string {
    return '';
  }

  /**
   * The module printed as PyTorch prints it, children nested and indented. PyTorch: `repr(module)`.
   * @example
   * ```ts
   * String(new nn.Conv2d(1, 6, 5, { padding: 2 }));
   * // 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))'
   * ```
   */
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
