// test/checkpoint.test.ts — safetensors checkpoints: bit-exact round trips, the file layout, a clear error
// for every kind of damage, atomic writes, resuming a run bit-exactly, and interoperability with PyTorch
// (Debian's python3-torch; the file format is written and parsed by hand on the python side).
// Everything that holds tensor data runs on every registered backend (forEachBackend; ref first, the
// oracle), reading values through `await t.dataAsync()`; rejecting damaged files and atomic writes (no tensor
// is made) are checked once.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  tensor, randn, manualSeed, nn, optim, noGrad, Tensor, TensorDataset, DataLoader, fit, safetensors, saveCheckpoint,
  loadCheckpoint, writeFileAtomic, models, randint, hasCheckpoint,
} from '../src/index.js';
import { MANIFEST_FILE, MODEL_FILE, TRAIN_STATE_FILE } from '../src/train/checkpoint.js';
import { fromArray } from '../src/tensor/creation.js';
import { forEachBackend, hasFloat64, values } from './helpers/backends.js';
import { requireBuiltCli } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tmp = '';
before(() => { tmp = mkdtempSync(join(tmpdir(), 'convnet-ckpt-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

/** The bytes of a tensor's values, read through data(). */
const bits = async (t: Tensor) => { const d = await t.dataAsync(); return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)); };

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

  test('every truncation and every flipped byte of a checkpoint is an error (the checksum covers the whole file)', async () => {
    manualSeed(0);
    const bytes = await safetensors.serialize(models.lenet5().stateDict(), { metadata: { format: 'pt', 'convnet.epoch': '3' }, checksum: true });
    for (let cut = 0; cut < bytes.length; cut += 97) {
      assert.throws(() => safetensors.deserialize(bytes.subarray(0, cut)), /safetensors <bytes>: /, `cut at ${cut}`);
    }
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    for (let at = 8 + n; at < bytes.length; at += 1013) {
      const b = bytes.slice();
      b[at] ^= 0x10;
      assert.throws(() => safetensors.deserialize(b), /does not match its SHA-256 checksum \(convnet\.file-sha256\)/, `flip at ${at}`);
    }
    // Every byte of the header too: the metadata that steers --resume (here convnet.epoch) is covered.
    // (A flip in the checksum key's own name hides the key: checkpoints are read with requireChecksum.)
    for (let at = 0; at < 8 + n; at++) {
      const b = bytes.slice();
      b[at] ^= 0x01;
      assert.throws(() => safetensors.deserialize(b, { requireChecksum: true }), /safetensors <bytes>: /, `flip at header byte ${at}`);
    }
    const text = Buffer.from(bytes).toString('latin1');
    const edited = Buffer.from(text.replace('"convnet.epoch":"3"', '"convnet.epoch":"4"'), 'latin1');
    assert.throws(() => safetensors.deserialize(edited), /does not match its SHA-256 checksum .*delete the key convnet\.file-sha256/);
    // The hash is independent of this code: sha256sum of the file with its own 64 digits zeroed.
    const { metadata } = safetensors.deserialize(bytes);
    const zeroed = Buffer.from(text.replace(metadata['convnet.file-sha256'], '0'.repeat(64)), 'latin1');
    const py = spawnSync('sha256sum', { input: zeroed, encoding: 'utf8' });
    assert.equal(metadata['convnet.file-sha256'], py.stdout.split(' ')[0]);
  });

  test('files from before the whole-file checksum (convnet.sha256 over the data section) still load and are verified', async () => {
    const t = tensor([1, 2, 3]);
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const { createHash } = await import('node:crypto');
    const sum = createHash('sha256').update(data).digest('hex');
    const file = (d: Uint8Array) => {
      const header = Buffer.from(JSON.stringify({ __metadata__: { 'convnet.sha256': sum }, t: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }));
      const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(header.length));
      return new Uint8Array(Buffer.concat([len, header, d]));
    };
    assert.deepEqual(await bits(safetensors.deserialize(file(data)).tensors.get('t')!), await bits(t));
    const bad = data.slice(); bad[5] ^= 4;
    assert.throws(() => safetensors.deserialize(file(bad)), /data section does not match its SHA-256 checksum \(convnet\.sha256\)/);
  });
});

describe('atomic writes', () => {
  test('kill -9 at random moments of a save loop: the checkpoint always loads, as one epoch\'s complete pair', async () => {
    const dir = mkdtempSync(join(tmp, 'kill-'));
    const { spawn } = await import('node:child_process');
    let seed = 12345; // fixed delays, spread over the save (a few ms to write the pair)
    const delay = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return 5 + (seed % 120); };
    let lastSaved = 0;
    for (let kill = 0; kill < 8; kill++) {
      requireBuiltCli();
      const child = spawn(process.execPath, [join(root, 'test/helpers/checkpoint-saver.mjs'), dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => { out += d; if (out.includes('ready') && !child.killed) setTimeout(() => { child.kill('SIGKILL'); resolve(); }, delay()); });
        child.on('exit', (code) => { if (!child.killed) reject(new Error(`saver exited with ${code}`)); });
      });
      await new Promise((r) => child.once('close', r));
      for (const m of out.matchAll(/saved (\d+)/g)) lastSaved = Math.max(lastSaved, Number(m[1]));
      if (!hasCheckpoint(dir)) { assert.equal(lastSaved, 0, 'a checkpoint was saved but is gone'); continue; }
      const ck = loadCheckpoint(dir);
      assert.ok(ck.epoch >= lastSaved, `loaded epoch ${ck.epoch}, but ${lastSaved} had been saved`);
      const w = await ck.modelState.get('weight')!.dataAsync();
      assert.ok(w.every((v) => v === ck.epoch), `weights of epoch ${ck.epoch} hold ${w.find((v) => v !== ck.epoch)}`);
      assert.equal((ck.optimizerState as { tag: number }).tag, ck.epoch, 'train state from another epoch');
    }
    assert.ok(lastSaved > 0, 'no save completed before the kills: the test did not exercise anything');
  });

  test('writes the whole file and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const path = join(dir, 'sub', 'x.bin');
    writeFileAtomic(path, [new Uint8Array([1, 2]), 'ab']);
    assert.deepEqual(Array.from(readFileSync(path)), [1, 2, 97, 98]);
    writeFileAtomic(path, new Uint8Array([9]));
    assert.deepEqual(Array.from(readFileSync(path)), [9]);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['x.bin']);
  });

  test('worker threads writing the same file at once never collide on a temporary name', async () => {
    const { Worker } = await import('node:worker_threads');
    const file = join(mkdtempSync(join(tmp, 'threads-')), 'shared.txt');
    const times = 400;
    const results = await Promise.all([0, 1, 2, 3].map((id) => new Promise<string[]>((resolve, reject) => {
      // tsx's loader hooks do not reach worker threads by themselves: register them in the worker first.
      const url = new URL('./helpers/atomic-writer.ts', import.meta.url).href;
      const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
      const w = new Worker(boot, { eval: true, workerData: { file, times, id } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    assert.deepEqual(results.flat(), [], 'writes failed');
    assert.match(readFileSync(file, 'utf8'), /^writer [0-3], write \d+\n$/);
    assert.deepEqual(readdirSync(dirname(file)), ['shared.txt']);
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

  test('a directory from before manifests (model.safetensors + train-state.safetensors) loads, and a mixed pair is refused', async () => {
    const { model, optimizer } = setup();
    const saved = async (name: string, epoch: number) => saveCheckpoint(join(tmp, backend, name), { model, optimizer, epoch });
    const two = await saved('two', 2), one = await saved('one', 1);
    const legacy = join(tmp, backend, 'legacy');
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, MODEL_FILE), readFileSync(two.modelFile));
    writeFileSync(join(legacy, TRAIN_STATE_FILE), readFileSync(two.trainStateFile!));
    assert.equal(loadCheckpoint(legacy).epoch, 2);
    assert.ok(loadCheckpoint(legacy).optimizerState);
    writeFileSync(join(legacy, TRAIN_STATE_FILE), readFileSync(one.trainStateFile!));
    assert.throws(() => loadCheckpoint(legacy), /model\.safetensors is from epoch 2 but train-state\.safetensors from epoch 1/);
    // Saving into it moves it to the manifest layout and drops the stale train state.
    await saveCheckpoint(legacy, { model, optimizer, epoch: 3 });
    assert.deepEqual(readdirSync(legacy).sort(), [MANIFEST_FILE, 'epoch-0003.model.safetensors', 'epoch-0003.train-state.safetensors', MODEL_FILE]);
    assert.equal(loadCheckpoint(legacy).epoch, 3);
  });

  test('each save replaces the previous pair only after the manifest names the new one; the same epoch saved twice gets new names', async () => {
    const { model, optimizer } = setup();
    const dir = join(tmp, backend, 'pairs');
    const a = await saveCheckpoint(dir, { model, optimizer, epoch: 1 });
    const b = await saveCheckpoint(dir, { model, optimizer, epoch: 1 });
    assert.notEqual(a.modelFile, b.modelFile);
    assert.ok(!existsSync(a.modelFile) && !existsSync(a.trainStateFile!));
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    assert.equal(join(dir, manifest.model), b.modelFile);
    assert.deepEqual(readFileSync(join(dir, MODEL_FILE)), readFileSync(b.modelFile)); // PyTorch's fixed name
    // A manifest may only name files of its own directory.
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, model: '../pairs/epoch-0001.model.safetensors' }));
    assert.throws(() => loadCheckpoint(dir), /checkpoint\.json: model must name a file of this directory/);
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, epoch: 2 }));
    assert.throws(() => loadCheckpoint(dir), /the manifest says epoch 2, the file says 1/);
  });

  test('a wrong type in the saved train state is an error naming the field', async () => {
    const { model, optimizer, scheduler } = setup();
    const dir = join(tmp, backend, 'types');
    await saveCheckpoint(dir, { model, optimizer, scheduler, epoch: 1 });
    const ck = loadCheckpoint(dir);
    const sch = ck.schedulerState as Record<string, unknown>;
    assert.throws(() => scheduler.loadStateDict({ ...sch, step: 3 }), /StepLR\.loadStateDict: unknown field 'step' \(StepLR's fields: .*lastEpoch/);
    assert.throws(() => scheduler.loadStateDict({ ...sch, lastEpoch: '1' }), /StepLR\.loadStateDict: field 'lastEpoch' must be a number, got "1"/);
    assert.throws(() => scheduler.loadStateDict({ ...sch, baseLrs: ['0.01'] }), /field 'baseLrs' must be a list of numbers/);
    const opt = ck.optimizerState as ReturnType<typeof optimizer.stateDict>;
    const group = { ...opt.paramGroups[0] };
    assert.throws(() => optimizer.loadStateDict({ ...opt, paramGroups: [{ ...group, lr: 'fast' } as never] }), /Adam\.loadStateDict: option 'lr' of parameter group 0 must be a number, got "fast"/);
    assert.throws(() => optimizer.loadStateDict({ ...opt, paramGroups: [{ ...group, betas: [0.9, '0.999'] } as never] }), /option 'betas' of parameter group 0 must be a list of numbers/);
    assert.throws(() => optimizer.loadStateDict({ ...opt, paramGroups: [{ ...group, lrr: 1 } as never] }), /unknown option 'lrr' \(Adam's options: lr, /);
    assert.throws(() => optimizer.loadStateDict({ ...opt, state: { 0: { step: 'x' } } as never }), /state 'step' of parameter 0 must be a tensor or a number, got "x"/);
    assert.throws(() => optimizer.loadStateDict({ ...opt, paramGroups: [{ ...group, params: group.params.map(() => 0) }] }), /lists 0, not a parameter index/);
    // The state is untouched by a refused load.
    assert.deepEqual(JSON.parse(JSON.stringify(scheduler.stateDict())), JSON.parse(JSON.stringify(sch)));
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
