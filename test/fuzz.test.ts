// test/fuzz.test.ts — property-based fuzzing (fast-check) of op arguments and of file bytes.
//
// A case fails when the library crashes instead of answering: a bare engine error (TypeError,
// RangeError "Invalid typed array length", "offset is out of bounds", …) or any error that does not name
// the operation; a hang (node:test's timeout); memory past a bound; or, for arguments that are valid by
// PyTorch's rules (checked here independently, with PyTorch's output-size formulas), an error or a
// result of the wrong shape.
//
// In `npm test` it runs with a fixed seed and a small budget (FUZZ_RUNS, default 60 cases per property
// and backend). `npm run fuzz` runs it for longer with a fresh seed, which it prints; a failure prints
// fast-check's seed and path, and `FUZZ_SEED=… npm run fuzz` replays it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { F, zeros, randn, manualSeed, reshape, safetensors, models, decodeImage, encodePng, Tensor } from '../src/index.js';
import { parseIdx, encodeIdx } from '../src/data/idx.js';
import { forEachBackend } from './helpers/backends.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
/** webgpu runs on a software adapter here: a fifth of the cases. */
const runsOn = (backend: string) => (backend === 'webgpu' ? Math.max(5, Math.ceil(RUNS / 5)) : RUNS);
/** A property that takes longer than this hangs (the budget's cases take a fraction of it). */
const HANG = { timeout: 60_000 + RUNS * 100 };
/** No case may leave the process's resident memory above this (every valid case here needs a few MB;
 *  arrayBuffers would count the wasm heap's reservation, not what is used). */
const MEMORY_BOUND = 3 * 2 ** 30;

/** Messages of errors that escaped from the engine or a dependency instead of a check of ours. */
const BARE = /Invalid typed array length|Array buffer allocation failed|offset is out of bounds|out of memory|Cannot read prop|is not a function|is not iterable|undefined is not|Maximum call stack|failed in a worker|unreachable|memory access out of bounds/i;

/** FUZZ_TRACE=1 prints each case before it runs: the last line names the culprit when a case gets the
 *  process killed (out of memory), which leaves fast-check no chance to report it. */
function trace(property: string, ...args: unknown[]): void {
  if (process.env.FUZZ_TRACE) process.stderr.write(`fuzz ${property} ${JSON.stringify(args, (_, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))}\n`);
}

/** Runs `f`: a result passes `check`, an error must be an Error that names `op` (a prefix) and no engine. */
function answers<T>(op: RegExp, f: () => T, check: (r: T) => void): void {
  let r: T;
  try {
    r = f();
  } catch (e) {
    assert.ok(e instanceof Error, `threw a non-Error: ${String(e)}`);
    assert.match(e.message, op, `an error that does not name the operation: ${e.name}: ${e.message}`);
    assert.doesNotMatch(e.message, BARE, `a bare engine error: ${e.name}: ${e.message}`);
    return;
  }
  check(r);
  const rss = process.memoryUsage.rss();
  assert.ok(rss < MEMORY_BOUND, `memory past the bound: ${(rss / 2 ** 20).toFixed(0)} MiB resident`);
}

// Argument values: mostly plausible, sometimes not (zero, negative, fractional, NaN, huge, wrong type).
const smallInt = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
const wild: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: smallInt(-2, 4) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, NaN, Infinity, -1e9, 2 ** 31, 2 ** 40, '2', null, [1, 2, 3]) },
);
const sizeArg = (lo: number, hi: number): fc.Arbitrary<unknown> => fc.oneof(
  { weight: 4, arbitrary: smallInt(lo, hi) },
  { weight: 2, arbitrary: fc.tuple(smallInt(lo, hi), smallInt(lo, hi)) },
  { weight: 1, arbitrary: wild },
);
const pairOf = (v: unknown): [number, number] | null => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((u) => typeof u === 'number')) return v as [number, number];
  return null;
};
const posInts = (p: [number, number] | null, min = 1): p is [number, number] => !!p && p.every((v) => Number.isInteger(v) && v >= min);

const inputShape = fc.tuple(smallInt(0, 3), smallInt(1, 4), smallInt(1, 12), smallInt(1, 12));

forEachBackend('fuzz: op arguments', (backend) => {
  const runs = runsOn(backend);
  const params = (offset: number) => ({ seed: SEED + offset, numRuns: runs, endOnFailure: true, includeErrorInReport: true });

  test('conv2d: any stride, padding, dilation, groups, padding mode and weight shape', HANG, () => {
    manualSeed(1);
    fc.assert(fc.property(
      inputShape, smallInt(1, 4), sizeArg(1, 5), sizeArg(1, 3), fc.oneof(sizeArg(0, 3), fc.constantFrom('same', 'valid', 'full')),
      sizeArg(1, 3), fc.oneof(smallInt(1, 4), wild), fc.constantFrom('zeros', 'reflect', 'replicate', 'circular', 'mirror'),
      ([N, C, H, W], O, k, stride, padding, dilation, groups, paddingMode) => {
        trace('conv2d', [N, C, H, W], O, k, stride, padding, dilation, groups, paddingMode);
        const ks = pairOf(k), g = groups as number;
        const gw = Number.isInteger(g) && g > 0 && g <= 4 ? g : 1; // the weight's shape follows a plausible groups
        // Kernels up to 16: a larger one is only a larger weight, which this test would have to allocate.
        const wShape = posInts(ks) && ks.every((v) => v <= 16) ? [O * gw, Math.max(1, Math.floor(C / gw)), ...ks] : [O, C, 3, 3];
        const x = randn([N, C, H, W]), w = randn(wShape);
        const opts = { stride, padding, dilation, groups, paddingMode } as unknown as F.ConvOptions;
        // Valid by PyTorch's rules, with numeric padding and zeros mode: the output size is known.
        const [s, p, d] = [pairOf(stride), pairOf(padding), pairOf(dilation)];
        const valid = paddingMode === 'zeros' && posInts(s) && posInts(d) && !!p && p.every((v) => Number.isInteger(v) && v >= 0) &&
          Number.isInteger(g) && g >= 1 && C % g === 0 && wShape[0] % g === 0 && wShape[1] * g === C;
        const out = valid ? [0, 1].map((i) => Math.floor(([H, W][i] + 2 * p![i] - d![i] * (wShape[2 + i] - 1) - 1) / s![i]) + 1) : [];
        const expectOk = valid && out.every((v) => v >= 1) && N * wShape[0] * out[0] * out[1] < 1e6;
        let ok = false;
        answers(/^conv2d: /, () => F.conv2d(x, w, opts), (y) => {
          ok = true;
          if (valid) assert.deepEqual(y.shape, [N, wShape[0], ...out]);
        });
        if (expectOk) assert.ok(ok, `valid arguments were refused: x ${[N, C, H, W]} w ${wShape} ${JSON.stringify(opts)}`);
      },
    ), params(1));
  });

  test('maxPool2d and avgPool2d: any kernel, stride, padding, dilation, ceil mode', HANG, () => {
    fc.assert(fc.property(
      inputShape, sizeArg(1, 4), fc.oneof(sizeArg(1, 3), fc.constant(undefined)), sizeArg(0, 2), sizeArg(1, 2), fc.boolean(), fc.boolean(),
      ([N, C, H, W], kernel, stride, padding, dilation, ceilMode, max) => {
        trace('pool2d', [N, C, H, W], kernel, stride, padding, dilation, ceilMode, max);
        const x = randn([N, C, H, W]);
        const [k, s, p, d] = [pairOf(kernel), stride === undefined ? pairOf(kernel) : pairOf(stride), pairOf(padding), pairOf(dilation)];
        const dd = max ? d : [1, 1] as [number, number];
        const valid = posInts(k) && posInts(s) && posInts(dd) && !!p && p.every((v, i) => Number.isInteger(v) && v >= 0 && 2 * v <= k![i]);
        const out = valid ? [0, 1].map((i) => {
          const span = [H, W][i] + 2 * p![i] - dd![i] * (k![i] - 1) - 1;
          let o = (ceilMode ? Math.ceil(span / s![i]) : Math.floor(span / s![i])) + 1;
          if (ceilMode && (o - 1) * s![i] >= [H, W][i] + p![i]) o--; // the last window must start inside the input or left padding
          return o;
        }) : [];
        const expectOk = valid && out.every((v) => v >= 1);
        let ok = false;
        const op = max ? /^maxPool2d: / : /^avgPool2d: /;
        answers(op, () => (max
          ? F.maxPool2d(x, kernel as number, { stride, padding, dilation, ceilMode } as F.MaxPoolOptions)
          : F.avgPool2d(x, kernel as number, { stride, padding, ceilMode } as F.AvgPoolOptions)), (y) => {
          ok = true;
          if (valid) assert.deepEqual(y.shape, [N, C, ...out]);
        });
        if (expectOk) assert.ok(ok, `valid arguments were refused: ${JSON.stringify({ kernel, stride, padding, dilation, ceilMode, max })}`);
      },
    ), params(2));
  });

  test('pad and adaptiveAvgPool2d: any lengths and amounts, including huge ones', HANG, () => {
    fc.assert(fc.property(
      inputShape, fc.array(fc.oneof({ weight: 5, arbitrary: smallInt(-3, 5) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 20, 2 ** 31, 0.5, NaN) }), { maxLength: 6 }),
      fc.constantFrom('constant', 'reflect', 'replicate', 'circular', 'edge'), sizeArg(0, 6),
      ([N, C, H, W], padding, mode, outputSize) => {
        trace('pad/adaptiveAvgPool2d', [N, C, H, W], padding, mode, outputSize);
        const x = randn([N, C, H, W]);
        answers(/^pad: /, () => F.pad(x, padding, { mode } as F.PadOptions), (y) => {
          const ps = [...padding, 0, 0, 0, 0].slice(0, 4);
          assert.deepEqual(y.shape.slice(2), [H + ps[2] + ps[3], W + ps[0] + ps[1]]);
        });
        answers(/^adaptiveAvgPool2d: /, () => F.adaptiveAvgPool2d(x, outputSize as number), (y) => {
          const o = outputSize === null ? [H, W] : pairOf(outputSize)!; // null keeps the input's size
          assert.deepEqual(y.shape, [N, C, ...o]);
        });
      },
    ), params(3));
  });

  test('zeros, reshape and sum: any shape and dims, including negative, fractional and huge ones', HANG, () => {
    const dim = fc.oneof({ weight: 5, arbitrary: smallInt(-5, 5) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 20, 2 ** 33, 0.5, NaN, -0) });
    fc.assert(fc.property(fc.array(dim, { maxLength: 5 }), fc.array(dim, { maxLength: 4 }), fc.boolean(), (shape, dims, keepdim) => {
      trace('zeros/reshape/sum', shape, dims, keepdim);
      answers(/^zeros: /, () => zeros(shape), (t) => assert.deepEqual(t.shape, shape));
      const x = randn([2, 3, 4]);
      answers(/^reshape: /, () => reshape(x, shape), (t) => assert.equal(t.numel(), 24));
      answers(/^sum: /, () => x.sum(dims, keepdim), (t) => assert.ok(t instanceof Tensor));
    }), params(4));
  });
});

// ---- file bytes ----------------------------------------------------------------------------------------

/** A valid file, then damaged: bytes flipped, cut, or spliced in. */
function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const flip = fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })
    .map((fl) => { const b = valid.slice(); for (const [at, x] of fl) b[at] ^= x; return b; });
  const cut = fc.nat({ max: valid.length }).map((n) => valid.slice(0, n));
  const splice = fc.tuple(fc.nat({ max: valid.length }), fc.uint8Array({ maxLength: 64 }))
    .map(([at, ins]) => { const b = new Uint8Array(valid.length + ins.length); b.set(valid.subarray(0, at)); b.set(ins, at); b.set(valid.subarray(at), at + ins.length); return b; });
  return fc.oneof(flip, cut, splice, fc.uint8Array({ maxLength: 256 }));
}

test('fuzz: safetensors, IDX and image bytes: every damaged file is a clear error, never a crash', HANG, async () => {
  manualSeed(2);
  const st = await safetensors.serialize(models.lenet5().stateDict(), { metadata: { format: 'pt' }, checksum: true });
  const small = await safetensors.serialize(new Map([['a', randn([2, 3])], ['b', zeros([4], { dtype: 'int32' })]]), { metadata: { k: 'v' } });
  // A header rewritten as JSON with odd values in every field: what a hand-edited file looks like.
  const headerJson = fc.dictionary(fc.constantFrom('a', 'b', '__metadata__', 'constructor', '__proto__'), fc.jsonValue(), { maxKeys: 3 }).map((h) => {
    const json = Buffer.from(JSON.stringify(h));
    const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(json.length));
    return new Uint8Array(Buffer.concat([len, json, Buffer.alloc(16)]));
  });
  fc.assert(fc.property(fc.oneof(mutations(st), mutations(small), headerJson), (bytes) => {
    answers(/^safetensors <bytes>: /, () => safetensors.deserialize(bytes, { requireChecksum: bytes.length > 10_000 }), () => {});
  }), { seed: SEED + 10, numRuns: RUNS * 3, includeErrorInReport: true });

  const idx = encodeIdx({ data: Uint8Array.from({ length: 3 * 5 * 4 }, (_, i) => i), shape: [3, 5, 4], type: 'uint8' });
  fc.assert(fc.property(fc.oneof(mutations(idx), mutations(gzipSync(idx))), (bytes) => {
    answers(/^IDX file <bytes>: /, () => parseIdx(bytes, '<bytes>', { maxBytes: 1 << 20 }), () => {});
  }), { seed: SEED + 11, numRuns: RUNS * 3, includeErrorInReport: true });

  const png = encodePng(randn([3, 6, 5]).sigmoid());
  fc.assert(fc.property(mutations(png), (bytes) => {
    answers(/^decodeImage: /, () => decodeImage(bytes, { maxPixels: 1 << 20 }), () => {});
  }), { seed: SEED + 12, numRuns: RUNS * 3, includeErrorInReport: true });
});
