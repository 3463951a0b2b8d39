// test/data.test.ts — IDX files (round trips, and a clear error for every kind of damage), the
// FashionMNIST dataset on the official files and on the shipped subset, the DataLoader (batching,
// seeded shuffling, dropLast, the one-copy batch path) and the transforms.
// Everything that makes tensors runs on every registered backend (forEachBackend; ref first, the oracle),
// reading values through `await t.dataAsync()`; IDX parsing and the data sets' file errors (no tensor is made)
// are checked once.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  tensor, arange, manualSeed, Tensor, DataLoader, TensorDataset, Subset, randomSplit, FashionMNIST, MNIST,
  readIdx, parseIdx, encodeIdx, transforms as T, Dataset, Generator,
} from '../src/index.js';
import { forEachBackend, nested, values } from './helpers/backends.js';
import { DEFAULT_IDX_MAX_BYTES } from '../src/data/idx.js';
import { decodeImage } from '../src/io/image.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FULL = join(root, '../shared/data/fashion-mnist');
const SUBSET = join(root, 'data/fashion-mnist-subset');
const haveFull = existsSync(join(FULL, 'train-images-idx3-ubyte.gz'));
const skipFull = haveFull ? false : `the official Fashion-MNIST files are not at ${FULL}`;

let tmp = '';
before(() => { tmp = mkdtempSync(join(tmpdir(), 'convnet-data-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

describe('IDX files', () => {
  test('round trip of every type, plain and gzipped', () => {
    const cases = [
      { type: 'uint8', shape: [2, 3, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) },
      { type: 'int8', shape: [4], data: Int8Array.of(-128, -1, 0, 127) },
      { type: 'int16', shape: [2, 2], data: Int16Array.of(-32768, -2, 300, 32767) },
      { type: 'int32', shape: [3], data: Int32Array.of(-2147483648, 1, 2147483647) },
      { type: 'float32', shape: [2], data: Float32Array.of(Math.PI, -0.5) },
      { type: 'float64', shape: [1, 2], data: Float64Array.of(Math.E, -1e300) },
    ] as const;
    for (const c of cases) {
      for (const gzip of [false, true]) {
        const back = parseIdx(encodeIdx(c, { gzip }));
        assert.equal(back.type, c.type);
        assert.deepEqual(back.shape, c.shape);
        assert.deepEqual(Array.from(back.data), Array.from(c.data), `${c.type} gzip=${gzip}`);
      }
    }
  });

  test('the header is big-endian, as the format says', () => {
    const bytes = encodeIdx({ type: 'uint8', shape: [2, 1], data: Uint8Array.of(7, 9) });
    assert.deepEqual(Array.from(bytes), [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 1, 7, 9]);
  });

  const good = () => encodeIdx({ type: 'uint8', shape: [10, 4, 4], data: new Uint8Array(160).fill(3) });
  const damaged: [string, () => Uint8Array, RegExp][] = [
    ['empty file', () => new Uint8Array(0), /only 0 bytes/],
    ['bad magic', () => { const b = good(); b[0] = 0x50; return b; }, /bad magic number 50 00 08 03/],
    ['unknown type code', () => { const b = good(); b[2] = 0x07; return b; }, /unknown type code 0x07/],
    ['zero dimensions', () => { const b = good(); b[3] = 0; return b; }, /0 dimensions/],
    ['truncated header', () => good().subarray(0, 9), /truncated header: 3 dimensions need 16 header bytes, the file has 9/],
    ['truncated data', () => good().subarray(0, 100), /truncated data: shape \[10, 4, 4\] of uint8 needs 160 bytes .* has 84/],
    ['trailing bytes', () => { const b = new Uint8Array(good().length + 5); b.set(good()); return b; }, /5 unexpected bytes after the data/],
    ['truncated gzip stream', () => gzipSync(good()).subarray(0, 30), /gzip stream is truncated/],
    ['corrupted gzip stream', () => { const z = gzipSync(good()); z[12] ^= 0xff; z[13] ^= 0xff; return z; }, /gzip stream is (corrupted|truncated)/],
  ];
  for (const [name, make, re] of damaged) {
    test(`damaged file: ${name} → an error naming the file and the problem`, () => {
      const file = join(tmp, `${name.replace(/ /g, '-')}-idx3-ubyte`);
      writeFileSync(file, make());
      assert.throws(() => readIdx(file), (e: Error) => {
        assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
        assert.match(e.message, re);
        return true;
      });
    });
  }

  test('a missing file is named', () => {
    assert.throws(() => readIdx(join(tmp, 'nope.gz')), /IDX file .*nope\.gz: no such file/);
  });
});

describe('FashionMNIST: missing and damaged files', () => {
  test('a directory without the files gets an error naming what was looked for', () => {
    assert.throws(() => new FashionMNIST(tmp), /FashionMNIST: cannot find train-images-idx3-ubyte\[\.gz\] in .*convnet-data-/);
    assert.throws(() => new MNIST(join(tmp, 'x')), /MNIST: cannot find/);
  });

  test('labels out of range and mismatched counts are reported', () => {
    const dir = mkdtempSync(join(tmp, 'bad-'));
    const img = encodeIdx({ type: 'uint8', shape: [3, 2, 2], data: new Uint8Array(12) }, { gzip: true });
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), img);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), encodeIdx({ type: 'uint8', shape: [2], data: Uint8Array.of(1, 2) }, { gzip: true }));
    assert.throws(() => new FashionMNIST(dir), /has 3 images but .*train-labels-idx1-ubyte\.gz has 2 labels/);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), encodeIdx({ type: 'uint8', shape: [3], data: Uint8Array.of(1, 12, 2) }, { gzip: true }));
    assert.throws(() => new FashionMNIST(dir), /label 12 at index 1 is not a class index 0\.\.9/);
  });
});

forEachBackend('FashionMNIST', () => {
  test('the official files: 60,000 / 10,000 images of [1, 28, 28] in [0, 1]', { skip: skipFull }, async () => {
    const train = new FashionMNIST(FULL, { train: true });
    const test_ = new FashionMNIST(FULL, { train: false });
    assert.equal(train.length, 60000);
    assert.equal(test_.length, 10000);
    const [x, y] = train.getItem(0);
    assert.deepEqual(x.shape, [1, 28, 28]);
    assert.equal(x.dtype, 'float32');
    assert.equal(y, 9); // the first training image is an ankle boot
    assert.equal(train.classes[y], 'Ankle boot');
    assert.equal(test_.getItem(0)[1], 9);
    let lo = Infinity, hi = -Infinity;
    for (const v of await values(x)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    assert.equal(lo, 0);
    assert.equal(hi, 1);
    const counts = new Array(10).fill(0);
    for (const t of train.targets) counts[t]++;
    assert.deepEqual(counts, new Array(10).fill(6000));
  });

  test('the shipped subset: 5,000 / 1,000 images, class-balanced, taken from the official files', async () => {
    const train = new FashionMNIST(SUBSET, { train: true });
    const test_ = new FashionMNIST(SUBSET, { train: false });
    assert.equal(train.length, 5000);
    assert.equal(test_.length, 1000);
    const counts = (ds: FashionMNIST) => { const c = new Array(10).fill(0); for (const t of ds.targets) c[t]++; return c; };
    assert.deepEqual(counts(train), new Array(10).fill(500));
    assert.deepEqual(counts(test_), new Array(10).fill(100));
    if (haveFull) {
      const full = new FashionMNIST(FULL, { train: false });
      // The first test images of the official file are in the subset in order (none is dropped before
      // each class has 100): image 0 is the same.
      assert.deepEqual(await values(test_.getItem(0)[0]), await values(full.getItem(0)[0]));
    }
  });

  test('limit keeps the first N samples', () => {
    const ds = new FashionMNIST(SUBSET, { train: false, limit: 123 });
    assert.equal(ds.length, 123);
    assert.throws(() => ds.getItem(123), /index 123 is out of range for a dataset of 123 items/);
    assert.equal(ds.getItem(-1)[1], ds.targets[122]);
  });

  test("torchvision's positional order (root, train, transform, targetTransform, download); misfits and unknown keys throw", () => {
    const test_ = new FashionMNIST(SUBSET, false);
    assert.equal(test_.train, false);
    assert.equal(test_.length, new FashionMNIST(SUBSET, { train: false }).length);
    assert.equal(new FashionMNIST(SUBSET, false, undefined, (y: number) => y + 10).getItem(0)[1], test_.targets[0] + 10);
    assert.throws(() => new FashionMNIST(SUBSET, { train: 'no' }), /FashionMNIST: train must be a boolean, got the string "no"/);
    assert.throws(() => new FashionMNIST(SUBSET, { target_transform: (y: number) => y }), /FashionMNIST: unknown option 'target_transform': did you mean targetTransform\?/);
    assert.throws(() => new FashionMNIST(SUBSET, { limit: 1.5 }), /FashionMNIST: limit must be an integer, got number 1\.5/);
  });

  test('getBatch equals getItem sample by sample (with a transform)', async () => {
    const ds = new FashionMNIST(SUBSET, { train: false, transform: new T.Normalize(0.286, 0.353) });
    const idx = Int32Array.of(5, 0, 999, 17);
    const [x, y] = ds.getBatch(idx);
    assert.deepEqual(x.shape, [4, 1, 28, 28]);
    assert.equal(y.dtype, 'int32');
    const xv = await values(x), yv = await values(y);
    for (const [b, i] of idx.entries()) {
      const [xi, yi] = ds.getItem(i);
      assert.equal(yv[b], yi);
      assert.deepEqual(xv.slice(b * 784, (b + 1) * 784), await values(xi));
    }
  });
});

forEachBackend('DataLoader', () => {
  const ds = () => new TensorDataset(arange(10).reshape([10, 1]), tensor(Array.from({ length: 10 }, (_, i) => i), { dtype: 'int32' }));
  /** One pass over the loader (taken at once), then each batch's x values read through data(). */
  const firstColumn = (loader: DataLoader<Tensor[]>) => Promise.all([...loader].map(([x]) => values(x)));

  test('batches in order, the last one smaller; length = number of batches', async () => {
    const loader = new DataLoader(ds(), { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = [...loader];
    assert.deepEqual(batches.map(([x]) => x.shape), [[4, 1], [4, 1], [2, 1]]);
    assert.deepEqual(batches.map(([, y]) => y.dtype), ['int32', 'int32', 'int32']);
    assert.deepEqual(await firstColumn(loader), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  test('dropLast drops the incomplete batch', () => {
    const loader = new DataLoader(ds(), { batchSize: 4, dropLast: true });
    assert.equal(loader.length, 2);
    assert.equal([...loader].length, 2);
  });

  test('shuffle with a seed: a permutation per epoch, reproducible, different across epochs', async () => {
    const a = new DataLoader(ds(), { batchSize: 10, shuffle: true, seed: 7 });
    const b = new DataLoader(ds(), { batchSize: 10, shuffle: true, seed: 7 });
    const e0 = (await firstColumn(a))[0], e1 = (await firstColumn(a))[0];
    assert.deepEqual([...e0].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(e0, e1);
    assert.deepEqual((await firstColumn(b))[0], e0);
    b.setEpoch(1);
    assert.deepEqual((await firstColumn(b))[0], e1, 'setEpoch(1) replays the second epoch (for --resume)');
    const c = new DataLoader(ds(), { batchSize: 10, shuffle: true, seed: 8 });
    assert.notDeepEqual((await firstColumn(c))[0], e0);
  });

  test("PyTorch's positional order (dataset, batchSize, shuffle); the rest by name; misfits and unknown keys throw", async () => {
    const named = new DataLoader(ds(), { batchSize: 10, shuffle: true, seed: 4 });
    const positional = new DataLoader(ds(), 10, true, { seed: 4 });
    assert.deepEqual(await firstColumn(positional), await firstColumn(named));
    assert.equal(new DataLoader(ds(), 7).batchSize, 7);
    assert.throws(() => new DataLoader(ds(), { batch_size: 4 }), /DataLoader: unknown option 'batch_size': did you mean batchSize\?/);
    assert.throws(() => new DataLoader(ds(), 4, 'yes'), /DataLoader: argument 3 \(shuffle\) must be a boolean, got the string "yes"/);
    assert.throws(() => new DataLoader(ds(), 4, true, null), /DataLoader: takes 3 positional arguments \(dataset, batchSize, shuffle\) but 4 were given .*; seed, dropLast, collateFn go in the options object/);
  });

  test('shuffle without a seed follows manualSeed', async () => {
    const loader = new DataLoader(ds(), { batchSize: 10, shuffle: true });
    manualSeed(3); const a = (await firstColumn(loader))[0];
    manualSeed(3); const b = (await firstColumn(loader))[0];
    assert.deepEqual(a, b);
  });

  test('x and y arrive as float32 [B, 1, 28, 28] and int32 [B] from FashionMNIST', () => {
    const loader = new DataLoader(new FashionMNIST(SUBSET, { train: false }), { batchSize: 64, shuffle: true, seed: 0 });
    let n = 0;
    for (const [x, y] of loader) {
      assert.equal(x.dtype, 'float32');
      assert.equal(y.dtype, 'int32');
      assert.deepEqual(x.shape.slice(1), [1, 28, 28]);
      assert.equal(x.shape[0], y.shape[0]);
      n += y.shape[0];
    }
    assert.equal(n, 1000);
    assert.equal(loader.length, 16);
  });

  test('datasets without getBatch are collated from getItem (tensors stacked, numbers to int32/float32)', async () => {
    class Squares extends Dataset<[Tensor, number, number]> {
      get length() { return 5; }
      getItem(i: number): [Tensor, number, number] { return [tensor([i, i * i]), i, i / 2]; }
    }
    const [[x, y, z]] = [...new DataLoader(new Squares(), { batchSize: 5 })] as Tensor[][];
    assert.deepEqual(await nested(x), [[0, 0], [1, 1], [2, 4], [3, 9], [4, 16]]);
    assert.equal(y.dtype, 'int32');
    assert.equal(z.dtype, 'float32');
    assert.deepEqual(await values(z), [0, 0.5, 1, 1.5, 2]);
  });

  test('Subset and randomSplit', async () => {
    const parts = randomSplit(ds(), [7, 3], { seed: 1 });
    assert.deepEqual(parts.map((p) => p.length), [7, 3]);
    const seen = parts.flatMap((p) => Array.from(p.indices)).sort((a, b) => a - b);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const sub = new Subset(ds(), [9, 2]);
    assert.deepEqual(await firstColumn(new DataLoader(sub, { batchSize: 2 })), [[9, 2]]);
    assert.deepEqual(randomSplit(ds(), [0.8, 0.2]).map((p) => p.length), [8, 2]);
    assert.throws(() => randomSplit(ds(), [5, 4]), /summing to the dataset's length 10/);
    // PyTorch's third argument is a generator: the split follows it (a twin draws the same permutation).
    const byGen = randomSplit(ds(), [6, 4], new Generator(9));
    assert.deepEqual(Array.from(byGen[0].indices), Array.from(new Generator(9).permutation(10).subarray(0, 6)));
    assert.throws(() => randomSplit(ds(), [6, 4], { generator: 3 }), /randomSplit: generator must be a Generator, got number 3/);
    assert.throws(() => randomSplit(ds(), [6, 4], { seeds: 3 }), /randomSplit: unknown option 'seeds': did you mean seed\?/);
  });

  test('bad arguments are named', () => {
    assert.throws(() => new DataLoader(ds(), { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
    assert.throws(() => new TensorDataset(arange(3), arange(4)), /tensor 0 has 3 samples, tensor 1 has 4/);
  });

  test('one shuffled pass over the 60,000 official images visits each once', { skip: skipFull }, async () => {
    const ds = new FashionMNIST(FULL, { train: true, transform: new T.Normalize(0.286, 0.353) });
    const loader = new DataLoader(ds, { batchSize: 64, shuffle: true, seed: 0 });
    const counts = new Array(10).fill(0);
    let n = 0;
    for (const [x, y] of loader) { n += x.shape[0]; for (const v of await y.dataAsync()) counts[v]++; }
    assert.equal(n, 60000);
    assert.deepEqual(counts, new Array(10).fill(6000));
  });
});

forEachBackend('transforms', () => {
  const img = () => tensor([[[1, 2, 3], [4, 5, 6]]]); // [1, 2, 3]

  test('normalize: (x - mean) / std per channel', async () => {
    const out = new T.Normalize([1, 2], [2, 4])(tensor([[[1, 3]], [[2, 6]]]));
    assert.deepEqual(await nested(out), [[[0, 1]], [[0, 1]]]);
    assert.throws(() => new T.Normalize([0], [0]), /std\[0\] must be positive/);
    assert.throws(() => new T.Normalize([0, 1], [1, 1])(tensor([[[1]], [[1]], [[1]]])), /2 means\/stds for an image with 3 channels/);
  });

  test('randomHorizontalFlip / randomVerticalFlip with p = 1 and p = 0', async () => {
    assert.deepEqual(await nested(new T.RandomHorizontalFlip(1)(img())), [[[3, 2, 1], [6, 5, 4]]]);
    assert.deepEqual(await nested(new T.RandomHorizontalFlip(0)(img())), await nested(img()));
    assert.deepEqual(await nested(new T.RandomVerticalFlip(1)(img())), [[[4, 5, 6], [1, 2, 3]]]);
  });

  test('randomCrop with padding: every output is a window of the zero-padded image', async () => {
    const x = tensor([[[1, 2], [3, 4]]]);
    const padded = [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]];
    const windows = new Set<string>();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) windows.add(JSON.stringify([[padded[r].slice(c, c + 2), padded[r + 1].slice(c, c + 2)]]));
    manualSeed(0);
    const got = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const out = new T.RandomCrop(2, { padding: 1 })(x);
      const s = JSON.stringify(await nested(out));
      assert.ok(windows.has(s), s);
      got.add(s);
    }
    assert.equal(got.size, 9, 'all 9 positions occur');
    // Padding larger than the crop: windows may lie wholly in the padding, and must not spill over.
    const x2 = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const x2v = await nested(x2) as number[][][];
    const P = 3, size = 8;
    const pad2 = (c: number) => Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, q) => {
      const i = r - P, j = q - P;
      return i >= 0 && i < 2 && j >= 0 && j < 2 ? x2v[c][i][j] : 0;
    }));
    const all = new Set<string>();
    for (let r = 0; r + 2 <= size; r++) for (let c = 0; c + 2 <= size; c++) {
      all.add(JSON.stringify([0, 1].map((ch) => [pad2(ch)[r].slice(c, c + 2), pad2(ch)[r + 1].slice(c, c + 2)])));
    }
    for (let i = 0; i < 300; i++) {
      const s = JSON.stringify(await nested(new T.RandomCrop(2, { padding: P })(x2)));
      assert.ok(all.has(s), s);
    }
    assert.deepEqual(new T.RandomCrop([1, 2])(x).shape, [1, 1, 2]);
    assert.throws(() => new T.RandomCrop(3)(x), /crop size \[3, 3\] is larger than the padded image \[2, 2\]/);
  });

  test('compose: the batched path gives what the tensor path gives (same seed)', async () => {
    const tf = new T.Compose([new T.RandomCrop(28, { padding: 4 }), new T.RandomHorizontalFlip(), new T.Normalize(0.286, 0.353)]);
    assert.match(tf.repr, /RandomCrop\(size=\(28, 28\), padding=4\)/);
    const ds = new FashionMNIST(SUBSET, { train: false, transform: tf });
    const plain = new FashionMNIST(SUBSET, { train: false });
    manualSeed(5);
    const [x] = ds.getBatch(Int32Array.of(3, 4, 5));
    const xv = await values(x);
    manualSeed(5);
    for (let b = 0; b < 3; b++) {
      const xi = tf(plain.getItem(3 + b)[0]);
      assert.deepEqual(xv.slice(b * 784, (b + 1) * 784), await values(xi));
    }
  });

  test('toTensor scales 8-bit HWC pixels to CHW floats in [0, 1]', async () => {
    const t = new T.ToTensor()({ data: Uint8Array.of(0, 255, 51, 102), shape: [1, 2, 2] });
    assert.deepEqual(t.shape, [2, 1, 2]);
    assert.deepEqual(await values(t), [0, 51 / 255, 1, 102 / 255].map(Math.fround));
  });
});

// A small file that declares or inflates to gigabytes is refused before the memory is taken.
describe('decompression bombs', () => {
  test('an IDX gzip stream that inflates past the limit stops there, naming the file and the limit', () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 1, 0x5f, 0x5e, 0x10, 0x00]), Buffer.alloc(20_000_000)]), { level: 9 });
    assert.ok(bomb.length < 100_000);
    assert.throws(() => parseIdx(bomb, 'bomb.gz', { maxBytes: 1_000_000 }),
      /^IdxFormatError: IDX file bomb\.gz: it inflates to more than the limit of 1000000 bytes \(pass maxBytes to allow more\)$/);
    assert.throws(() => parseIdx(Buffer.alloc(2000), 'big.idx', { maxBytes: 1000 }), /IDX file big\.idx: 2000 bytes, more than the limit of 1000 bytes/);
    assert.equal(DEFAULT_IDX_MAX_BYTES, 2 ** 30);
  });
  test('a PNG or JPEG that declares more pixels than the limit is refused before decoding', () => {
    // A PNG signature and an IHDR declaring 16000×16000 (the rest of the file never matters).
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x3e, 0x80, 0, 0, 0x3e, 0x80, 8, 2, 0, 0, 0]);
    assert.throws(() => decodeImage(png), /^Error: decodeImage: the image declares 16000×16000 = 256000000 pixels, more than the limit of 100000000 \(pass maxPixels to allow more\)$/);
    // A JPEG: SOI, then a baseline SOF0 declaring 30000 × 20000.
    const jpg = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x4e, 0x20, 0x75, 0x30, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
    assert.throws(() => decodeImage(jpg, { maxPixels: 1e8 }), /declares 30000×20000 = 600000000 pixels, more than the limit of 100000000/);
    const small = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'images', 'camera.png'));
    assert.throws(() => decodeImage(small, { maxPixels: 1000 }), /more than the limit of 1000/);
    assert.deepEqual(decodeImage(small).shape.slice(1), [512, 512]);
  });
});
