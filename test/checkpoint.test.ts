// test/checkpoint.test.ts — safetensors checkpoints: bit-exact round trips, the file layout, a clear error
// for every kind of damage, atomic writes, resuming a run bit-exactly, and interoperability with PyTorch
// (Debian's python3-torch; the file format is written and parsed by hand on the python side).
// Everything that holds tensor data runs on every registered backend (forEachBackend; ref first, the
// oracle), reading values through `await t.data()`; rejecting damaged files and atomic writes (no tensor
// is made) are checked once.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  tensor, randn, manualSeed, nn, optim, noGrad, Tensor, TensorDataset, DataLoader, fit, safetensors, saveCheckpoint,
  loadCheckpoint, writeFileAtomic, models, randint,
} from '../src/index.js';
import { MODEL_FILE, TRAIN_STATE_FILE } from '../src/train/checkpoint.js';
import { fromArray } from '../src/tensor/creation.js';
import { forEachBackend, hasFloat64, values } from './helpers/backends.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tmp = '';
before(() => { tmp = mkdtempSync(join(tmpdir(), 'convnet-ckpt-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

/** The bytes of a tensor's values, read through data(). */
const bits = async (t: Tensor) => { const d = await t.data(); return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)); };

forEachBackend('safetensors format', (backend) => {
  // float64 (F64) tensors where the backend has float64; webgpu has none, and refuses a file that holds one.
  const f64 = hasFloat64(backend);
  test(`round trip is bit-exact for float32, ${f64 ? 'float64, ' : ''}int32 (and I64), 0-d and empty tensors`, async () => {
    const f32 = new Float32Array([Math.PI, -0, NaN, Infinity, 1e-45, -3.4e38]);
    const tensors = new Map<string, Tensor>([
      ['a.weight', fromArray(f32, [2, 3])],
      ...(f64 ? [['b', fromArray(Float64Array.of(Math.E, -1e-310), [2])] as [string, Tensor]] : []),
      ['c', fromArray(Int32Array.of(-2147483648, 7, 2147483647), [3, 1])],
      ['scalar', fromArray(Int32Array.of(42), [])],
      ['empty', fromArray(new Float32Array(0), [0, 4])],
    ]);
    const bytes = await safetensors.serialize(tensors, { metadata: { epoch: '3' }, int64: ['scalar'] });
    const back = safetensors.deserialize(bytes);
    assert.deepEqual(back.metadata, { epoch: '3' });
    assert.deepEqual([...back.tensors.keys()], [...tensors.keys()]);
    for (const [k, t] of tensors) {
      const u = back.tensors.get(k)!;
      assert.equal(u.dtype, t.dtype, k);
      assert.deepEqual(u.shape, t.shape, k);
      assert.deepEqual(await bits(u), await bits(t), k);
    }
    // The source values themselves survived the trip into the backend (the bytes written above).
    assert.deepEqual(await bits(tensors.get('a.weight')!), Array.from(new Uint8Array(f32.buffer)));
  });

  if (!f64) {
    test(`a file holding float64 (F64) is refused on load: ${backend} has no float64, and says so`, () => {
      const header = new TextEncoder().encode(JSON.stringify({ b: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }).padEnd(64));
      const bytes = new Uint8Array(8 + header.length + 16);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
      bytes.set(header, 8);
      new DataView(bytes.buffer).setFloat64(8 + header.length, Math.E, true);
      assert.throws(() => safetensors.deserialize(bytes), new RegExp(`${backend} backend: float64 tensors are not supported`));
    });
  }

  test('layout: u64 LE header length, JSON header padded to 8 bytes, data in order', async () => {
    const bytes = await safetensors.serialize({ w: tensor([[1, 2]]), n: fromArray(Int32Array.of(5), []) }, { int64: ['n'] });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    assert.deepEqual(header, {
      w: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
      n: { dtype: 'I64', shape: [], data_offsets: [8, 16] },
    });
    const data = bytes.subarray(8 + n);
    assert.deepEqual(Array.from(new Float32Array(data.slice(0, 8).buffer)), [1, 2]);
    assert.equal(new DataView(data.slice(8).buffer).getBigInt64(0, true), 5n);
  });
});

// Parsing and checksums (the bytes decide; checked once, on the default backend).
describe('safetensors format: damaged files', () => {
  /** A valid file made of a header object and data bytes, for damaging. */
  function file(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8); out.set(data, 8 + h.length);
    return out;
  }
  function raw(header: string): Uint8Array {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  }
  const w = (offs: unknown, dtype: unknown = 'F32', shape: unknown = [2]) => ({ w: { dtype, shape, data_offsets: offs } });
  // Made before the tests run (on the default backend): the bytes are all these tests use.
  let good: Uint8Array = new Uint8Array(0);
  before(async () => { good = await safetensors.serialize({ 'features.0.weight': randn([6, 1, 5, 5]), 'features.0.bias': randn([6]) }, { metadata: { format: 'pt' } }); });

  const damaged: [string, () => Uint8Array, RegExp][] = [
    ['empty file', () => new Uint8Array(0), /0 bytes, too few for the 8-byte header length/],
    ['cut inside the length', () => good.subarray(0, 5), /too few for the 8-byte header length/],
    ['cut inside the header', () => good.subarray(0, 40), /bad header length \d+: only 32 bytes follow/],
    ['cut inside the data', () => good.subarray(0, good.length - 10), /out of range: the data section has \d+ bytes \(truncated file\?\)/],
    ['huge header length', () => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, 1n << 40n, true); return b; }, /bad header length 1099511627776/],
    ['header not JSON', () => raw('{"w": {"dtype": "F32",   '), /header is not valid JSON/],
    ['header not an object', () => file([1, 2] as unknown as Record<string, unknown>, new Uint8Array(0)), /should start with '\{'/],
    ['header not UTF-8', () => { const b = good.slice(); b[12] = 0xff; return b; }, /not valid UTF-8/],
    ['unknown dtype', () => file(w([0, 8], 'F8'), new Uint8Array(8)), /tensor 'w': unknown dtype "F8"/],
    ['size mismatch', () => file(w([0, 12]), new Uint8Array(12)), /tensor 'w': size mismatch: shape \[2\] of F32 needs 8 bytes, data_offsets \[0, 12\] give 12/],
    ['offsets out of range', () => file(w([8, 16]), new Uint8Array(8)), /data_offsets \[8, 16\] are out of range: the data section has 8 bytes/],
    ['offsets reversed', () => file(w([8, 0]), new Uint8Array(8)), /data_offsets must be \[begin, end\] with 0 <= begin <= end/],
    ['bad shape', () => file(w([0, 8], 'F32', [2, -1]), new Uint8Array(8)), /shape must be a list of non-negative integers/],
    ['overlap', () => file({ ...w([0, 8]), v: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)), /overlap the previous tensor/],
    ['hole', () => file(w([4, 12]), new Uint8Array(12)), /leave a hole/],
    ['trailing bytes', () => file(w([0, 8]), new Uint8Array(11)), /3 unexpected trailing bytes/],
    ['metadata not strings', () => file({ __metadata__: { epoch: 3 } }, new Uint8Array(0)), /"__metadata__" value for 'epoch' must be a string/],
    ['I64 value too large for int32', () => { const d = new Uint8Array(8); new DataView(d.buffer).setBigInt64(0, 1n << 40n, true); return file({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, d); }, /does not fit convnet's int32/],
  ];
  for (const [name, make, re] of damaged) {
    test(`damaged: ${name} → a clear error naming the file`, () => {
      const path = join(tmp, `${name.replace(/\W+/g, '-')}.safetensors`);
      writeFileSync(path, make());
      assert.throws(() => safetensors.loadFile(path), (e: Error) => {
        assert.equal(e.name, 'SafetensorsError');
        assert.ok(e.message.startsWith(`safetensors ${path}: `), e.message);
        assert.match(e.message, re);
        return true;
      });
    });
  }

  test('every truncation and every flipped byte of a checkpoint is an error (the checksum covers the data)', async () => {
    manualSeed(0);
    const bytes = await safetensors.serialize(models.lenet5().stateDict(), { metadata: { format: 'pt' }, checksum: true });
    for (let cut = 0; cut < bytes.length; cut += 97) {
      assert.throws(() => safetensors.deserialize(bytes.subarray(0, cut)), /safetensors <bytes>: /, `cut at ${cut}`);
    }
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    for (let at = 8 + n; at < bytes.length; at += 1013) {
      const b = bytes.slice();
      b[at] ^= 0x10;
      assert.throws(() => safetensors.deserialize(b), /does not match its SHA-256 checksum/, `flip at ${at}`);
    }
    // Flips in the header are caught by the format rules or the checksum metadata; none may pass silently
    // with a different tensor value.
    const ref = safetensors.deserialize(bytes).tensors;
    for (let at = 8; at < 8 + n; at += 3) {
      const b = bytes.slice();
      b[at] ^= 0x01;
      let got;
      try { got = safetensors.deserialize(b).tensors; } catch { continue; }
      for (const [k, t] of got) {
        const r = ref.get(k);
        if (r) assert.deepEqual(await bits(t), await bits(r), `flip at header byte ${at} changed '${k}' silently`);
      }
    }
  });
});

describe('atomic writes', () => {
  test('writes the whole file and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const path = join(dir, 'sub', 'x.bin');
    writeFileAtomic(path, [new Uint8Array([1, 2]), 'ab']);
    assert.deepEqual(Array.from(readFileSync(path)), [1, 2, 97, 98]);
    writeFileAtomic(path, new Uint8Array([9]));
    assert.deepEqual(Array.from(readFileSync(path)), [9]);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['x.bin']);
  });

  test('a failed write leaves the old file intact', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const path = join(dir, 'x.bin');
    writeFileAtomic(path, 'old');
    // A directory in the way of the rename makes it fail after the data was written to the temp file.
    const blocked = join(dir, 'blocked');
    writeFileAtomic(join(blocked, 'inner'), 'x');
    assert.throws(() => writeFileAtomic(blocked, 'new'), /writeFileAtomic: cannot write/);
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir).sort(), ['blocked', 'x.bin']);
  });
});

forEachBackend('checkpoints', (backend) => {
  function tinyData() {
    manualSeed(123);
    const x = randn([48, 1, 8, 8]);
    const y = randint(0, 3, [48]);
    return new TensorDataset(x, y);
  }
  function tinyModel() {
    return new nn.Sequential(
      new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(36, 3),
    );
  }
  function setup() {
    manualSeed(7);
    const model = tinyModel();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    const scheduler = new optim.StepLR(optimizer, 1, { gamma: 0.5 });
    const loader = new DataLoader(tinyData(), { batchSize: 8, shuffle: true, seed: 3 });
    return { model, optimizer, scheduler, loader };
  }
  const lossFn = new nn.CrossEntropyLoss();

  test('model and optimizer round-trip bit-exactly; PyTorch key names; BatchNorm buffers included', async () => {
    const { model, optimizer, scheduler, loader } = setup();
    await fit(model, loader, { epochs: 1, optimizer, scheduler, lossFn, progress: false });
    const dir = join(tmp, backend, 'rt');
    const { modelFile, trainStateFile } = await saveCheckpoint(dir, { model, optimizer, scheduler, epoch: 1, modelName: 'tiny', config: { lr: 0.01 } });
    assert.ok(existsSync(modelFile) && existsSync(trainStateFile!));
    const ck = loadCheckpoint(dir);
    assert.equal(ck.epoch, 1);
    assert.equal(ck.modelName, 'tiny');
    assert.deepEqual(ck.config, { lr: 0.01 });
    assert.deepEqual([...ck.modelState.keys()], [ // PyTorch's state_dict order for the same Sequential
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '5.weight', '5.bias',
    ]);
    for (const [k, t] of model.stateDict()) assert.deepEqual(await bits(ck.modelState.get(k)!), await bits(t), k);
    const header = JSON.parse(readFileSync(modelFile).subarray(8, 8 + Number(readFileSync(modelFile).readBigUInt64LE(0))).toString());
    assert.equal(header['1.num_batches_tracked'].dtype, 'I64');
    assert.equal(header.__metadata__.format, 'pt');
    const sd = optimizer.stateDict();
    const back = ck.optimizerState as typeof sd;
    assert.deepEqual(back.paramGroups, JSON.parse(JSON.stringify(sd.paramGroups)));
    for (const [i, s] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(s)) {
        const u = (back.state as Record<string, Record<string, unknown>>)[i][k];
        if (v instanceof Tensor) assert.deepEqual(await bits(u as Tensor), await bits(v), `state ${i}.${k}`);
        else assert.equal(u, v);
      }
    }
    assert.deepEqual(ck.schedulerState, JSON.parse(JSON.stringify(scheduler.stateDict())));
  });

  test('resuming after epoch 1 gives bit-for-bit the weights of an uninterrupted 3-epoch run', async () => {
    const a = setup();
    await fit(a.model, a.loader, { epochs: 3, optimizer: a.optimizer, scheduler: a.scheduler, lossFn, progress: false });

    const b = setup();
    const dir = join(tmp, backend, 'resume');
    await fit(b.model, b.loader, {
      epochs: 1, optimizer: b.optimizer, scheduler: b.scheduler, lossFn, progress: false,
      onEpoch: async (r) => { await saveCheckpoint(dir, { model: b.model, optimizer: b.optimizer, scheduler: b.scheduler, epoch: r.epoch }); },
    });
    manualSeed(999); // a different initialisation, overwritten by the checkpoint
    const c = { model: tinyModel() } as ReturnType<typeof setup>;
    c.optimizer = new optim.Adam(c.model.parameters(), { lr: 0.01 });
    c.scheduler = new optim.StepLR(c.optimizer, 1, { gamma: 0.5 });
    c.loader = new DataLoader(tinyData(), { batchSize: 8, shuffle: true, seed: 3 });
    const ck = loadCheckpoint(dir);
    c.model.loadStateDict(ck.modelState);
    c.optimizer.loadStateDict(ck.optimizerState as ReturnType<typeof c.optimizer.stateDict>);
    c.scheduler.loadStateDict(ck.schedulerState as ReturnType<typeof c.scheduler.stateDict>);
    c.loader.setEpoch(ck.epoch);
    await fit(c.model, c.loader, { epochs: 3, startEpoch: ck.epoch, optimizer: c.optimizer, scheduler: c.scheduler, lossFn, progress: false });
    for (const [k, t] of a.model.stateDict()) assert.deepEqual(await bits(c.model.stateDict().get(k)!), await bits(t), k);
  });

  test('a half-finished save (files from different epochs) is refused', async () => {
    const { model, optimizer } = setup();
    const dir = join(tmp, backend, 'mixed');
    await saveCheckpoint(dir, { model, optimizer, epoch: 2 });
    const older = join(tmp, backend, 'older');
    await saveCheckpoint(older, { model, optimizer, epoch: 1 });
    writeFileSync(join(dir, TRAIN_STATE_FILE), readFileSync(join(older, TRAIN_STATE_FILE)));
    assert.throws(() => loadCheckpoint(dir), /model\.safetensors is from epoch 2 but train-state\.safetensors from epoch 1/);
  });

  test('loading into a different architecture names the keys and shapes at fault', async () => {
    const dir = join(tmp, backend, 'arch');
    await saveCheckpoint(dir, { model: models.lenet5(), epoch: 0 });
    const other = models.cnnBn();
    assert.throws(() => other.loadStateDict(loadCheckpoint(dir).modelState), /loadStateDict: .*(missing keys|size mismatch)/);
    assert.throws(() => loadCheckpoint(join(tmp, backend, 'nowhere', MODEL_FILE)), /no such file/);
  });
});

// ---- PyTorch interop ---------------------------------------------------------------------------------

const torchCheck = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
const skipTorch = torchCheck.status === 0 ? false : `PyTorch is not importable by /usr/bin/python3 (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()}); install Debian's python3-torch`;

forEachBackend('PyTorch interop (hand-written safetensors on the python side)', () => {
  const maxDiff = async (a: Tensor, b: Tensor) => {
    const [av, bv] = [await values(a), await values(b)];
    assert.equal(av.length, bv.length, 'sizes differ');
    let m = 0; for (let i = 0; i < av.length; i++) m = Math.max(m, Math.abs(av[i] - bv[i])); return m;
  };

  test('convnet → PyTorch and PyTorch → convnet: LeNet-5 and the BatchNorm CNN give the same outputs', { skip: skipTorch }, async () => {
    const dir = mkdtempSync(join(tmp, 'torch-'));
    manualSeed(11);
    const x = randn([4, 1, 28, 28]);
    await safetensors.saveFile({ x }, join(dir, 'input.safetensors'));
    const ours: Record<string, nn.Module> = { lenet5: models.lenet5(), cnn_bn: models.cnnBn() };
    // Move the BatchNorm running statistics away from 0 / 1 so that loading them matters.
    noGrad(() => { for (let i = 0; i < 3; i++) ours.cnn_bn(randn([8, 1, 28, 28]).mul(0.5).add(0.2)); });
    for (const [name, m] of Object.entries(ours)) {
      m.eval();
      const d = join(dir, name);
      await saveCheckpoint(d, { model: m, epoch: 5, modelName: name });
      writeFileSync(join(dir, `convnet-${name}.safetensors`), readFileSync(join(d, MODEL_FILE)));
    }
    const r = spawnSync('/usr/bin/python3', [join(root, 'test/fixtures/safetensors_interop.py'), dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(report.cnn_bn.dtypes['features.1.num_batches_tracked'], 'torch.int64');
    assert.equal(report.lenet5.metadata['convnet.model'], 'lenet5');

    for (const [name, m] of Object.entries(ours)) {
      const mine = noGrad(() => m(x) as Tensor);
      const theirs = safetensors.loadFile(join(dir, `torch-out-of-convnet-${name}.safetensors`)).get('y')!;
      assert.deepEqual(theirs.shape, [4, 10]);
      const d1 = await maxDiff(mine, theirs);
      assert.ok(d1 < 1e-4, `${name}: PyTorch with convnet's weights differs by ${d1}`);

      const fresh = name === 'lenet5' ? models.lenet5() : models.cnnBn();
      fresh.loadStateDict(safetensors.loadFile(join(dir, `torch-${name}.safetensors`)));
      fresh.eval();
      const out = noGrad(() => fresh(x) as Tensor);
      const ref = safetensors.loadFile(join(dir, `torch-out-${name}.safetensors`)).get('y')!;
      const d2 = await maxDiff(out, ref);
      assert.ok(d2 < 1e-4, `${name}: convnet with PyTorch's weights differs by ${d2}`);
    }
  });
});
