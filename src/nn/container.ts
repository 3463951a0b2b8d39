// nn/container.ts — Sequential and ModuleList.
//
// Children are ordinary fields named '0', '1', … (or the names of an ordered record), so Module's
// reflection gives PyTorch's dotted names: features.0.weight. `length` is the number of children and
// at(i) takes negative indices, as Python's len() and seq[i].
//
// Memory: between two of convnet's own layers (Module.keepsNoTensors), an activation is reachable only by
// this loop and by autograd, so Sequential owns it (tensor/lifetime.ts): it is freed as soon as the next
// layer has run (inference) or backward has used it (training), without waiting for the garbage
// collector. Around a user's module, or while any forward hook is registered, activations are left to
// the collector, since that code may keep them.

import { Tensor } from '../tensor/tensor.js';
import { disown, drop, internalScope, own } from '../tensor/lifetime.js';
import { bindArgs, checkKeys, describeValue, splitOptions, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';

function checkModule(op: string, m: unknown, where: string): Module {
  if (!(m instanceof Module)) {
    throw new Error(`${op}: ${where} is not a Module (got ${m === null ? 'null' : typeof m}); ` +
      'wrap functions in a Module subclass');
  }
  return m;
}

/** Installs `length` (a function's own property) as the number of children. */
function defineLength(self: Module): void {
  Object.defineProperty(self, 'length', {
    get: () => [...self.namedChildren()].length,
    enumerable: false,
    configurable: true,
  });
}

function setChild(op: string, self: Module, name: string, m: unknown): void {
  if (name === '' || name.includes('.') || name.startsWith('_')) {
    throw new Error(`${op}: module name ${JSON.stringify(name)} must be non-empty and contain no '.' nor start with '_'`);
  }
  if (name in self && !(/^\d+$/.test(name))) {
    throw new Error(`${op}: module name ${JSON.stringify(name)} clashes with an attribute of ${op}`);
  }
  (self as unknown as Record<string, Module>)[name] = checkModule(op, m, `module ${JSON.stringify(name)}`);
}

function indexOf(op: string, n: number, i: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`${op}: index ${i} is out of range for ${n} modules`);
  return i < 0 ? i + n : i;
}

/**
 * Runs its modules in order, each on the previous one's output. `new Sequential(m0, m1, …)` names the
 * children '0', '1', …; `new Sequential({ conv: …, relu: … })` (or a Map) keeps the given names, which
 * become the state-dict keys. Index it as `seq[0]` or `seq.at(-1)`. PyTorch: `torch.nn.Sequential`.
 * @example
 * ```ts
 * const model = new nn.Sequential(
 *   new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
 *   new nn.Flatten(), new nn.Linear(6 * 14 * 14, 10),
 * );
 * model(randn([4, 1, 28, 28])).shape;  // [4, 10]
 * model.length;                        // 5
 * ```
 */
export class Sequential extends Module<[Tensor], Tensor> {
  [index: number]: Module;

  /** new Sequential(m0, m1, …) names the children '0', '1', …; new Sequential({ conv: …, relu: … })
   *  (or a Map) keeps the given names in order. */
  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    defineLength(this);
    const first = modules[0] as unknown;
    if (modules.length === 1 && !(first instanceof Module) && first !== null && typeof first === 'object') {
      // PyTorch's Sequential(OrderedDict): every value must be a module (a stray option is named as one).
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first as Record<string, Module>);
      for (const [k, m] of entries) {
        if (!(m instanceof Module)) {
          throw new Error(`Sequential: ${JSON.stringify(k)} is not a Module (got ${describeValue(m)}); ` +
            'new Sequential({ name: module, … }) takes modules by name, and Sequential takes no options');
        }
        setChild('Sequential', this, k, m);
      }
    } else {
      // Modules as varargs, as PyTorch's Sequential(*args); it takes no keyword arguments.
      const [mods, opts] = splitOptions(modules);
      checkKeys('Sequential', opts, []);
      (mods as Module[]).forEach((m, i) => setChild('Sequential', this, String(i), m));
    }
  }

  /**
   * Runs the modules in order on `x`, freeing the activations between convnet's own layers as it goes.
   * PyTorch: `nn.Sequential.forward`.
   * @example
   * ```ts
   * model.forward(x);  // the same as model(x), without hooks on the Sequential itself
   * ```
   */
  forward(x: Tensor): Tensor {
    const kids = [...this.children()];
    const pure = kids.map((m) => m.keepsNoTensors());
    let cur: unknown = x, held = false;
    for (let i = 0; i < kids.length; i++) {
      const m = kids[i];
      const input = cur;
      let fresh = false; // whether the layer made what it returned (the scope tells)
      const y: unknown = pure[i] ? internalScope(() => m(input), () => { fresh = true; }) : m(input);
      // y is ours to free if only this loop and autograd will ever see it: made by a layer that keeps
      // nothing (no hooks either), and consumed by another such layer.
      const keep: boolean = pure[i] && i + 1 < kids.length && pure[i + 1] && y instanceof Tensor &&
        (fresh || (y === cur && held));
      if (keep) own(y as Tensor);
      // A layer that returned its input (Identity) hands our hold on it over: to the next layer's turn when
      // kept, else to the caller, who must get it alive.
      if (held) (y === cur && !keep ? disown : drop)(cur as Tensor);
      held = keep;
      cur = y;
    }
    return cur as Tensor;
  }

  /**
   * A plain Sequential whose layers all keep no tensors keeps none itself (see {@link Module.keepsNoTensors}).
   * convnet's own; PyTorch has none.
   * @example
   * ```ts
   * new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()).keepsNoTensors();  // true
   * ```
   */
  override keepsNoTensors(): boolean {
    if (!super.keepsNoTensors()) return false;
    for (const m of this.children()) if (!m.keepsNoTensors()) return false;
    return true;
  }

  /**
   * The i-th module (negative i counts from the end). PyTorch: `seq[i]`.
   * @example
   * ```ts
   * model.at(-1);  // the last layer
   * ```
   */
  at(i: number): Module {
    const kids = [...this.children()];
    return kids[indexOf('Sequential', kids.length, i)];
  }

  /**
   * Modules `start` … `end − 1` as a new Sequential that keeps their names. PyTorch: `seq[start:end]`.
   * @example
   * ```ts
   * const features = model.slice(0, -2);
   * ```
   */
  slice(start = 0, end?: number): Sequential {
    const kids = [...this.namedChildren()].slice(start, end);
    return new Sequential(new Map(kids));
  }

  /**
   * Adds a module at the end, named by its position; returns the Sequential. PyTorch: `nn.Sequential.append`.
   * @example
   * ```ts
   * model.append(new nn.Softmax(1));
   * ```
   */
  append(m: Module): this {
    setChild('Sequential', this, String([...this.namedChildren()].length), m);
    return this;
  }

  /**
   * Iterates over the modules in order. PyTorch: `iter(seq)`.
   * @example
   * ```ts
   * for (const layer of model) console.log(String(layer));
   * ```
   */
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
}

/**
 * Holds modules in a list, registered so that their parameters are found and saved; it has no forward of its
 * own (calling it throws): iterate over it. PyTorch: `torch.nn.ModuleList`.
 * @example
 * ```ts
 * class Tower extends nn.Module {
 *   layers = new nn.ModuleList([1, 2, 3].map(() => new nn.Linear(16, 16)));
 *   forward(x: Tensor) { for (const l of this.layers) x = l(x).relu(); return x; }
 * }
 * ```
 */
export class ModuleList extends Module<[], never> {
  [index: number]: Module;

  /** new ModuleList(modules) or new ModuleList({ modules }): the modules, in order (none by default). */
  constructor(...args: PyArgs<[modules: Iterable<Module> | null], { modules?: Iterable<Module> | null }>) {
    super();
    defineLength(this);
    const a = bindArgs('ModuleList', args, {
      positional: [{ name: 'modules', kind: { test: (v) => v === null || (typeof v === 'object' && Symbol.iterator in v), what: 'an iterable of Modules or null' } }],
    });
    this.extend((a.modules as Iterable<Module> | null | undefined) ?? []);
  }

  /**
   * Throws: a ModuleList has no forward; iterate over it and call its modules. PyTorch: the same error.
   * @example
   * ```ts
   * for (const layer of list) x = layer(x);
   * ```
   */
  forward(): never {
    throw new Error('ModuleList: a ModuleList has no forward(); iterate over it and call its modules');
  }

  /**
   * The i-th module (negative i counts from the end). PyTorch: `module_list[i]`.
   * @example
   * ```ts
   * list.at(0);
   * ```
   */
  at(i: number): Module {
    const kids = [...this.children()];
    return kids[indexOf('ModuleList', kids.length, i)];
  }

  /**
   * Adds a module at the end, named by its position; returns the list. PyTorch: `nn.ModuleList.append`.
   * @example
   * ```ts
   * list.append(new nn.Linear(8, 8));
   * ```
   */
  append(m: Module): this {
    setChild('ModuleList', this, String([...this.namedChildren()].length), m);
    return this;
  }

  /**
   * Appends every module of `modules`; returns the list. PyTorch: `nn.ModuleList.extend`.
   * @example
   * ```ts
   * list.extend([new nn.ReLU(), new nn.Linear(8, 8)]);
   * ```
   */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Iterates over the modules in order. PyTorch: `iter(module_list)`.
   * @example
   * ```ts
   * for (const layer of list) x = layer(x);
   * ```
   */
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
}

markBuiltIn(Sequential);
