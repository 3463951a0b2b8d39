// data/rng.ts — a small seeded generator of its own for shuffling and augmentation, so that a
// DataLoader's order depends only on its seed and epoch, not on how many random numbers the model's
// initialisation or anything else drew from the global generator (tensor/random.ts).
// mulberry32 seeded through splitmix32: 32-bit state, fast in JS, plenty for permutations.

import { checkKeys, splitOptions } from '../tensor/signature.js';

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A small seeded random generator of its own (mulberry32), for shuffling and augmentation, so that a
 * DataLoader's order does not depend on what else drew from the global generator. Equal seeds and streams
 * give equal draws. PyTorch: `torch.Generator`.
 * @example
 * ```ts
 * const g = new Generator(0, epoch);
 * g.permutation(5);  // a reproducible Int32Array permutation of 0…4
 * new transforms.RandomHorizontalFlip(0.5, { generator: g });
 * ```
 */
export class Generator {
  private state: number;

  /** A generator from a seed and optional stream numbers (e.g. the epoch): equal inputs, equal outputs. */
  constructor(seed: number, ...stream: number[]) {
    if (!Number.isFinite(seed)) throw new Error(`Generator: seed must be a finite number, got ${seed}`);
    let s = splitmix32(Math.floor(seed) >>> 0);
    const [streams, opts] = splitOptions(stream);
    checkKeys('Generator', opts, []);
    for (const k of streams as number[]) s = splitmix32(s ^ (Math.floor(k) >>> 0));
    this.state = s;
  }

  /**
   * The state, for checkpoints: a generator given it by setState draws exactly what this one would.
   * PyTorch: `Generator.get_state`.
   * @example
   * ```ts
   * const saved = g.getState();
   * ```
   */
  getState(): number {
    return this.state;
  }

  /**
   * Restores a state from {@link Generator.getState}; draws then continue exactly from there. PyTorch:
   * `Generator.set_state`.
   * @example
   * ```ts
   * g2.setState(g1.getState());
   * ```
   */
  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new Error(`Generator.setState: state must be an integer in [0, 2^32), got ${JSON.stringify(state)}`);
    this.state = state;
  }

  /**
   * A uniform 32-bit unsigned integer. PyTorch: none (`torch.randint(0, 2**32, (), generator=g)`).
   * @example
   * ```ts
   * g.nextUint32();
   * ```
   */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * A uniform number in [0, 1). PyTorch: `torch.rand((), generator=g)`.
   * @example
   * ```ts
   * if (g.uniform() < 0.5) flip();
   * ```
   */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * A uniform integer in [0, n). PyTorch: `torch.randint(n, (), generator=g)`.
   * @example
   * ```ts
   * const offset = g.int(5);
   * ```
   */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * A random permutation of 0 … n − 1 (Fisher–Yates). PyTorch: `torch.randperm(n, generator=g)`.
   * @example
   * ```ts
   * new Generator(0).permutation(4);  // the same Int32Array for the same seed
   * ```
   */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }
}
