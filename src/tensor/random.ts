// tensor/random.ts — the seeded generator behind rand/randn/randint/shuffles, so runs are reproducible.
// xoshiro128** (32-bit state words, fast in JS); seeded by splitmix32 from one integer.

import { bindArgs, noExtraArgs } from './signature.js';

let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
let spare: number | null = null; // Box–Muller's second value, cleared by a reseed

function splitmix32(seed: number): () => number {
  let z = seed >>> 0;
  return () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
    return (t ^ (t >>> 16)) >>> 0;
  };
}

/**
 * Seeds the global random generator that {@link rand}, {@link randn}, {@link randint}, dropout and weight
 * initialisation draw from, so a run can be repeated exactly. PyTorch: `torch.manual_seed`.
 * @example
 * ```ts
 * manualSeed(0);
 * const a = randn([3]);
 * manualSeed(0);
 * const b = randn([3]);  // the same values as a
 * ```
 */
export function manualSeed(...args: [seed: number] | [seed: number, opts: Record<string, never>] | [opts: { seed?: number }]): void {
  seedAt(bindArgs('manualSeed', args, { positional: [{ name: 'seed', kind: 'number', required: true }] }).seed as number);
}

/** Seeds the global generator (manualSeed's work, once its argument is bound). */
function seedAt(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
  const next = splitmix32(Math.floor(seed));
  s0 = next(); s1 = next(); s2 = next(); s3 = next();
  spare = null;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
}

seedAt(Date.now() ^ (Math.random() * 0x7fffffff));

/**
 * The global generator's state, as {@link getRngState} returns it: plain JSON, for checkpoints.
 * PyTorch: the tensor `torch.get_rng_state` returns.
 * @example
 * ```ts
 * const saved: RngState = JSON.parse(JSON.stringify(getRngState()));
 * ```
 */
export interface RngState {
  xoshiro128: [number, number, number, number];
  /** Box–Muller's pending second value. */
  spare: number | null;
}

/**
 * Captures the global generator's state; {@link setRngState} later makes draws continue from exactly
 * there. PyTorch: `torch.get_rng_state`.
 * @example
 * ```ts
 * const s = getRngState();
 * const a = rand([2]);
 * setRngState(s);
 * rand([2]);  // the same values as a
 * ```
 */
export function getRngState(): RngState {
  return { xoshiro128: [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0], spare };
}

/**
 * Restores a state from {@link getRngState}; draws then continue exactly from there. PyTorch: `torch.set_rng_state`.
 * @example
 * ```ts
 * setRngState(checkpoint.rng);
 * ```
 */
export function setRngState(state: RngState): void {
  noExtraArgs('setRngState', arguments, ['state']);
  const w = (state as Partial<RngState> | null)?.xoshiro128;
  if (!Array.isArray(w) || w.length !== 4 || !w.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || w.every((v) => v === 0)) {
    throw new Error(`setRngState: state.xoshiro128 must be 4 integers in [0, 2^32), not all 0, got ${JSON.stringify(w)}`);
  }
  const sp = state.spare;
  if (sp !== null && (typeof sp !== 'number' || !Number.isFinite(sp))) throw new Error(`setRngState: state.spare must be a finite number or null, got ${JSON.stringify(sp)}`);
  [s0, s1, s2, s3] = w.map((v) => v | 0);
  spare = sp;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function nextUint32(): number {
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

/** Uniform in [0, 1) with 53 random bits. */
export function uniform(): number {
  return (nextUint32() * 2 ** 21 + (nextUint32() >>> 11)) / 2 ** 53;
}

/** Standard normal by the Box–Muller transform. */
export function normal(): number {
  if (spare !== null) {
    const v = spare;
    spare = null;
    return v;
  }
  let u = 0;
  while (u === 0) u = uniform();
  const v = uniform();
  const r = Math.sqrt(-2 * Math.log(u));
  spare = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** Integer in [lo, hi). */
export function randomInt(lo: number, hi: number): number {
  return lo + Math.floor(uniform() * (hi - lo));
}

/**
 * A seeded random permutation of 0 … n − 1 (Fisher–Yates) from the global generator, as JS integers:
 * what {@link randperm} (tensor/creation.ts) makes a tensor of.
 */
export function permutation(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
