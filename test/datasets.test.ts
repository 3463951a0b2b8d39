// test/datasets.test.ts — CIFAR-10/100 read from small files this test writes in the binary release format,
// ImageFolder over PNG and JPEG files it writes, and the downloads (CIFAR's .tar.gz, the MNIST family's
// files through mirrors) against a local http server serving small fake archives with their checksums:
// checksum, HTTP and network failures are errors naming the URL, and nothing partial is left behind.
// No test reaches the internet: every URL is the local server's (the classes' url/mirrors are overridden
// in subclasses, as torchvision's class attributes are).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import jpeg from 'jpeg-js';
import {
  CIFAR10, CIFAR100, ImageFolder, FashionMNIST, DataLoader, datasets, transforms as T, tensor, encodePng, encodeIdx,
} from '../src/index.js';
import { values } from './helpers/backends.js';

let tmp = '';
before(() => { tmp = mkdtempSync(join(tmpdir(), 'convnet-datasets-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });
const fresh = (name: string) => { const d = join(tmp, name); mkdirSync(d, { recursive: true }); return d; };

/** The pixel byte k (0 … 3071) of record r: a pattern that differs between records and channels. */
const px = (r: number, k: number) => (r * 37 + k * 11 + (k >> 10) * 5) % 256;

/** CIFAR records: [label bytes…, 3072 pixels] each. */
function records(labels: number[][], first = 0): Buffer {
  return Buffer.concat(labels.map((l, i) => Buffer.from([...l, ...Array.from({ length: 3072 }, (_, k) => px(first + i, k))])));
}

const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A CIFAR-10 release in `dir`: five training batches of 2 records, a test batch of 3, the class names. */
function writeCifar10(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), records([[(2 * b) % 10], [(2 * b + 1) % 10]], 2 * (b - 1)));
  writeFileSync(join(dir, 'test_batch.bin'), records([[3], [9], [0]], 100));
  writeFileSync(join(dir, 'batches.meta.txt'), `${CIFAR10_NAMES.join('\n')}\n\n`);
}

/** A CIFAR-100 release in `dir`: coarse and fine labels before each record. */
function writeCifar100(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.bin'), records([[4, 30], [19, 99], [0, 7]]));
  writeFileSync(join(dir, 'test.bin'), records([[11, 50]], 200));
  writeFileSync(join(dir, 'fine_label_names.txt'), Array.from({ length: 100 }, (_, i) => `fine${i}`).join('\n'));
  writeFileSync(join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n'));
}

describe('CIFAR-10/100 binary release', () => {
  test('CIFAR10 reads the five training batches in order, images [3, 32, 32] in [0, 1] planar RGB', async () => {
    const root = fresh('c10');
    writeCifar10(join(root, 'cifar-10-batches-bin'));
    const ds = new CIFAR10(root);
    assert.equal(ds.length, 10);
    assert.deepEqual(Array.from(ds.targets), [2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.deepEqual(ds.classes, CIFAR10_NAMES);
    assert.equal(ds.classToIdx.frog, 6);
    const [img, label] = ds.getItem(7);
    assert.equal(label, 9);
    assert.deepEqual(img.shape, [3, 32, 32]);
    const v = await values(img);
    // channel c, row y, column x is byte c·1024 + y·32 + x of the record
    for (const [c, y, x] of [[0, 0, 0], [1, 5, 17], [2, 31, 31]]) {
      assert.equal(v[c * 1024 + y * 32 + x], Math.fround(px(7, c * 1024 + y * 32 + x) / 255), `pixel ${c},${y},${x}`);
    }
    const test = new CIFAR10(root, false);
    assert.deepEqual(Array.from(test.targets), [3, 9, 0]);
    assert.equal(test.train, false);
    // getBatch is getItem stacked; with a transform too
    const [xb, yb] = ds.getBatch(Int32Array.of(7, 0));
    assert.deepEqual(xb.shape, [2, 3, 32, 32]);
    assert.deepEqual(await values(yb), [9, 2]);
    assert.deepEqual((await values(xb)).slice(0, 3072), v);
    const flipped = new CIFAR10(root, { transform: new T.RandomHorizontalFlip(1), targetTransform: (l: number) => l + 100 });
    const [fx, fy] = flipped.getItem(7);
    assert.equal(fy, 109);
    assert.equal((await values(fx))[0], v[31]);
    const [bx] = flipped.getBatch(Int32Array.of(7));
    assert.deepEqual(await values(bx), await values(fx));
    assert.match(String(ds), /^Dataset CIFAR10\n {4}Number of datapoints: 10\n {4}Root location: .*\n {4}Split: Train$/);
  });

  test('the files may sit in root itself; the class names default to CIFAR-10\'s without batches.meta.txt', () => {
    const root = fresh('c10-flat');
    writeCifar10(root);
    rmSync(join(root, 'batches.meta.txt'));
    const ds = new CIFAR10({ root, train: false });
    assert.deepEqual(ds.classes, CIFAR10_NAMES);
    assert.equal(ds.length, 3);
  });

  test('CIFAR100: fine targets, coarse targets, both name lists', async () => {
    const root = fresh('c100');
    writeCifar100(join(root, 'cifar-100-binary'));
    const ds = new CIFAR100(root);
    assert.deepEqual(Array.from(ds.targets), [30, 99, 7]);
    assert.deepEqual(Array.from(ds.coarseTargets), [4, 19, 0]);
    assert.equal(ds.classes[99], 'fine99');
    assert.equal(ds.coarseClasses[19], 'coarse19');
    const [img, label] = ds.getItem(1);
    assert.equal(label, 99);
    assert.equal((await values(img))[3071], Math.fround(px(1, 3071) / 255));
    assert.deepEqual(Array.from(new CIFAR100(root, false).targets), [50]);
  });

  test('missing and damaged files are errors naming the file and the problem', () => {
    const root = fresh('c10-bad');
    assert.throws(() => new CIFAR10(root), /CIFAR10: cannot find data_batch_1\.bin, .*test_batch|CIFAR10: cannot find data_batch_1\.bin/);
    assert.throws(() => new CIFAR10(root, { download: true }), /download: true needs `await CIFAR10\.create\(root, \{ download: true \}\)`/);
    writeCifar10(root);
    writeFileSync(join(root, 'data_batch_3.bin'), Buffer.alloc(3073 * 2 - 1));
    assert.throws(() => new CIFAR10(root), /CIFAR10: .*data_batch_3\.bin has 6145 bytes, not a whole number of 3073-byte records/);
    writeFileSync(join(root, 'data_batch_3.bin'), records([[10], [1]]));
    assert.throws(() => new CIFAR10(root), /CIFAR10: label 10 of record 4 is not a class index 0\.\.9/);
    assert.throws(() => new CIFAR10(root, { train: 'yes' }), /CIFAR10: train must be a boolean, got the string "yes"/);
    assert.throws(() => new CIFAR10(root, { target_transform: (l: number) => l }), /did you mean targetTransform\?/);
  });
});

// ---------------------------------------------------------------------------------------------------------

/** A .tar.gz made by GNU tar of `dir`'s `entry`, as the real archives are made. */
function tarGz(dir: string, entry: string): Buffer {
  const out = join(tmp, `${entry}-${Math.random().toString(36).slice(2)}.tar.gz`);
  const r = spawnSync('tar', ['-czf', out, '-C', dir, entry]);
  assert.equal(r.status, 0, String(r.stderr));
  return readFileSync(out);
}

/** A ustar header block for a regular file: name, declared size, and its checksum (the sum of the header's
 *  bytes with the checksum field read as spaces, as tar writes it). */
function ustarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(' ', 148, 156);
  const sum = header.reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** A local server: path → body (a Buffer, or a status code to answer with); counts requests per path. */
function serve(routes: Map<string, Buffer | number>): Promise<{ server: Server; url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = routes.get(path);
    if (body === undefined || typeof body === 'number') { res.writeHead(typeof body === 'number' ? body : 404); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits });
  }));
}

/** Files left in a directory tree whose names look like io/atomic.ts's temporaries. */
const temporaries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }) as string[] : []).filter((n) => /\.tmp$/.test(n));

describe('download', () => {
  let srv: Awaited<ReturnType<typeof serve>>;
  const routes = new Map<string, Buffer | number>();
  let c10: Buffer, c100: Buffer;
  before(async () => {
    const src = fresh('archives');
    writeCifar10(join(src, 'cifar-10-batches-bin'));
    writeCifar100(join(src, 'cifar-100-binary'));
    c10 = tarGz(src, 'cifar-10-batches-bin');
    c100 = tarGz(src, 'cifar-100-binary');
    routes.set('/kriz/cifar-10-binary.tar.gz', c10);
    routes.set('/kriz/cifar-100-binary.tar.gz', c100);
    routes.set('/kriz/broken.tar.gz', c10.subarray(0, c10.length >> 1));
    routes.set('/forbidden/cifar-10-binary.tar.gz', 403);
    srv = await serve(routes);
  });
  after(() => { srv.server.close(); });

  test('CIFAR10.create with download: fetched, MD5 checked, unpacked; a second call fetches nothing', async () => {
    class LocalCIFAR10 extends CIFAR10 { static override url = `${srv.url}/kriz/cifar-10-binary.tar.gz`; static override tgzMd5 = md5(c10); }
    const root = fresh('dl-c10');
    const ds = await LocalCIFAR10.create(root, { train: true, download: true });
    assert.equal(ds.length, 10);
    assert.ok(ds instanceof LocalCIFAR10);
    assert.ok(existsSync(join(root, 'cifar-10-binary.tar.gz')) && existsSync(join(root, 'cifar-10-batches-bin', 'test_batch.bin')));
    assert.deepEqual(readFileSync(join(root, 'cifar-10-batches-bin', 'data_batch_2.bin')), readFileSync(join(tmp, 'archives', 'cifar-10-batches-bin', 'data_batch_2.bin')));
    const before = srv.hits.get('/kriz/cifar-10-binary.tar.gz');
    assert.equal((await LocalCIFAR10.create(root, { train: false, download: true })).length, 3);
    assert.equal(srv.hits.get('/kriz/cifar-10-binary.tar.gz'), before, 'no second download');
    assert.deepEqual(temporaries(root), []);
  });

  test('CIFAR100 through datasets.CIFAR100', async () => {
    class LocalCIFAR100 extends datasets.CIFAR100 { static override url = `${srv.url}/kriz/cifar-100-binary.tar.gz`; static override tgzMd5 = md5(c100); }
    const ds = await LocalCIFAR100.create(fresh('dl-c100'), { download: true });
    assert.deepEqual(Array.from(ds.coarseTargets), [4, 19, 0]);
  });

  test('a wrong checksum is an error naming both digests; nothing is written', async () => {
    class BadSum extends CIFAR10 { static override url = `${srv.url}/kriz/cifar-10-binary.tar.gz`; static override tgzMd5 = '0123456789abcdef0123456789abcdef'; }
    const root = fresh('dl-badsum');
    await assert.rejects(BadSum.create(root, { download: true }),
      new RegExp(`download: ${srv.url}/kriz/cifar-10-binary\\.tar\\.gz: md5 checksum mismatch \\(expected 0123456789abcdef0123456789abcdef, got ${md5(c10)} for ${c10.length} bytes\\); nothing was written`));
    assert.deepEqual(readdirSync(root), []);
    // SHA-256 works the same way
    const url = `${srv.url}/kriz/cifar-10-binary.tar.gz`;
    await assert.rejects(datasets.downloadUrl(url, root, 'x.tar.gz', { sha256: 'ab'.repeat(32) }), /sha256 checksum mismatch/);
    assert.deepEqual(readdirSync(root), []);
    const file = await datasets.downloadUrl(url, root, 'x.tar.gz', { sha256: createHash('sha256').update(c10).digest('hex') });
    assert.equal(file, join(root, 'x.tar.gz'));
    assert.ok(datasets.checkIntegrity(file, md5(c10)) && !datasets.checkIntegrity(file, '0'.repeat(32)));
    // torchvision's order: (url, root, filename, md5); the file name defaults to the URL's last part.
    assert.equal(await datasets.downloadUrl(url, join(root, 'by-name'), undefined, md5(c10)), join(root, 'by-name', 'cifar-10-binary.tar.gz'));
    assert.throws(() => datasets.checkIntegrity(file, 'not-a-digest'), /checkIntegrity: argument 2 \(md5\) must be 32 hex digits, got the string "not-a-digest"/);
    // downloadAndExtractArchive unpacks into extractRoot and, with removeFinished, deletes the archive.
    const out = join(root, 'unpacked');
    const paths = await datasets.downloadAndExtractArchive(url, join(root, 'dl'), out, undefined, md5(c10), true);
    assert.ok(paths.includes(join(out, 'cifar-10-batches-bin', 'test_batch.bin')));
    assert.ok(!existsSync(join(root, 'dl', 'cifar-10-binary.tar.gz')));
  });

  test('HTTP errors and network failures are errors naming the URL; nothing is written', async () => {
    const root = fresh('dl-fail');
    class Forbidden extends CIFAR10 { static override url = `${srv.url}/forbidden/cifar-10-binary.tar.gz`; }
    await assert.rejects(Forbidden.create(root, { download: true }), new RegExp(`download: ${srv.url}/forbidden/cifar-10-binary\\.tar\\.gz answered HTTP 403 Forbidden`));
    // A port nothing listens on: a closed server's.
    const dead = await serve(new Map());
    dead.server.close();
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(datasets.downloadUrl(`${dead.url}/a.gz`, root), new RegExp(`download: cannot fetch ${dead.url}/a\\.gz: ECONNREFUSED`));
    assert.deepEqual(readdirSync(root), []);
  });

  test('a truncated archive (right checksum) fails to unpack with an error naming it, leaving no half file', async () => {
    const broken = c10.subarray(0, c10.length >> 1);
    class Broken extends CIFAR10 { static override url = `${srv.url}/kriz/broken.tar.gz`; static override tgzMd5 = md5(broken); }
    const root = fresh('dl-broken');
    await assert.rejects(Broken.create(root, { download: true }), /download: .*broken\.tar\.gz is damaged: zlib: unexpected end of file/);
    assert.deepEqual(temporaries(root), []);
    assert.ok(!existsSync(join(root, 'cifar-10-batches-bin')));
  });

  test('an archive entry that would land outside the target is refused', () => {
    const header = ustarHeader('../evil.txt', 4);
    const archive = join(fresh('dl-evil'), 'evil.tar');
    writeFileSync(archive, Buffer.concat([header, Buffer.from('bad!'), Buffer.alloc(508 + 1024)]));
    assert.throws(() => datasets.extractArchive(archive, join(tmp, 'dl-evil', 'out')), /the entry "\.\.\/evil\.txt" would land outside .*; refused/);
    assert.ok(!existsSync(join(tmp, 'dl-evil', 'evil.txt')));
  });

  test('a tar whose entry declares more bytes than follow is damaged: refused before anything is written', () => {
    const header = ustarHeader('a.bin', 1000); // 1000 bytes declared, 4 present
    const dir = fresh('dl-short');
    writeFileSync(join(dir, 'short.tar'), Buffer.concat([header, Buffer.from('abcd')]));
    assert.throws(() => datasets.extractArchive(join(dir, 'short.tar')), /download: .*short\.tar is damaged: TAR_BAD_ARCHIVE: Truncated input/);
    assert.deepEqual(readdirSync(dir), ['short.tar']);
    // GNU tar's own archive round-trips: every member, byte for byte.
    const src = fresh('dl-roundtrip-src');
    mkdirSync(join(src, 'deep', 'er'), { recursive: true });
    const long = `${'n'.repeat(120)}.bin`; // past ustar's 100-byte name field
    writeFileSync(join(src, 'deep', 'er', long), Buffer.from([1, 2, 3]));
    writeFileSync(join(src, 'deep', 'empty'), Buffer.alloc(0));
    writeFileSync(join(dir, 'rt.tar.gz'), tarGz(src, 'deep'));
    const out = join(dir, 'out');
    const written = datasets.extractArchive(join(dir, 'rt.tar.gz'), out);
    assert.deepEqual(written.map((p) => p.slice(out.length + 1)).sort(), ['deep/empty', `deep/er/${long}`]);
    assert.deepEqual([...readFileSync(join(out, 'deep', 'er', long))], [1, 2, 3]);
  });

  test('the MNIST family: each file from the first mirror that has it, MD5 checked, read as torchvision lays it out', async () => {
    const images = encodeIdx({ type: 'uint8', shape: [3, 28, 28], data: Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256) }, { gzip: true });
    const labels = encodeIdx({ type: 'uint8', shape: [3], data: Uint8Array.of(9, 0, 4) }, { gzip: true });
    routes.set('/fmnist/train-images-idx3-ubyte.gz', Buffer.from(images));
    routes.set('/fmnist/train-labels-idx1-ubyte.gz', Buffer.from(labels));
    routes.set('/fmnist/t10k-images-idx3-ubyte.gz', Buffer.from(images));
    routes.set('/fmnist/t10k-labels-idx1-ubyte.gz', Buffer.from(labels));
    class LocalFashion extends FashionMNIST {
      static override mirrors = [`${srv.url}/missing/`, `${srv.url}/fmnist/`];
      static override readonly resources = [
        ['train-images-idx3-ubyte.gz', md5(images)], ['train-labels-idx1-ubyte.gz', md5(labels)],
        ['t10k-images-idx3-ubyte.gz', md5(images)], ['t10k-labels-idx1-ubyte.gz', md5(labels)],
      ] as const;
    }
    const root = fresh('dl-fmnist');
    const ds = await LocalFashion.create(root, { download: true, train: false });
    assert.deepEqual(Array.from(ds.targets), [9, 0, 4]);
    assert.equal(ds.classes[ds.targets[0]], 'Ankle boot');
    assert.ok(existsSync(join(root, 'LocalFashion', 'raw', 't10k-images-idx3-ubyte.gz')));
    assert.equal(srv.hits.get('/missing/train-images-idx3-ubyte.gz'), 1, 'the first mirror was tried');
    // Every mirror failing lists what each said.
    class Nowhere extends FashionMNIST { static override mirrors = [`${srv.url}/a/`, `${srv.url}/b/`]; }
    await assert.rejects(Nowhere.download(fresh('dl-nowhere')), /download: no mirror gave train-images-idx3-ubyte\.gz:\n {2}download: .*\/a\/train-images-idx3-ubyte\.gz answered HTTP 404 Not Found\n {2}download: .*\/b\/train-images-idx3-ubyte\.gz answered HTTP 404/);
    assert.throws(() => new FashionMNIST(fresh('dl-none'), { download: true }), /download: true needs `await FashionMNIST\.create\(root, \{ download: true \}\)`/);
    // The official lists are torchvision's.
    assert.deepEqual(FashionMNIST.resources[0], ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d']);
    assert.equal(CIFAR10.url, 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz');
  });
});

// ---------------------------------------------------------------------------------------------------------

/** An RGB image's bytes, HWC, with a pattern per file. */
function rgbBytes(h: number, w: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 13 + seed * 41) % 256);
}

function writePng(file: string, h: number, w: number, seed: number): void {
  const b = rgbBytes(h, w, seed);
  const chw = new Float32Array(3 * h * w);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) chw[c * h * w + i] = b[i * 3 + c] / 255;
  writeFileSync(file, encodePng(tensor(Array.from(chw)).reshape([3, h, w])));
}

function writeJpeg(file: string, h: number, w: number): void {
  const rgba = Buffer.alloc(h * w * 4, 200); // a flat grey-ish image: JPEG keeps it nearly exact
  writeFileSync(file, jpeg.encode({ data: rgba, width: w, height: h }, 95).data);
}

describe('ImageFolder (Node)', () => {
  test('classes sorted, classToIdx, samples in torchvision order (by folder, then name), PNG and JPEG', async () => {
    const root = fresh('folder');
    for (const d of ['dog', 'cat/sub', 'cat', 'ant']) mkdirSync(join(root, d), { recursive: true });
    writePng(join(root, 'cat', 'b.png'), 4, 5, 1);
    writeJpeg(join(root, 'cat', 'a.JPG'), 4, 5);
    writePng(join(root, 'cat', 'sub', 'c.png'), 4, 5, 2);
    writePng(join(root, 'cat', 'z.png'), 4, 5, 3);
    writePng(join(root, 'dog', 'x.png'), 6, 2, 4);
    writeFileSync(join(root, 'dog', 'notes.txt'), 'not an image');
    writePng(join(root, 'ant', 'q.png'), 4, 5, 5);
    writeFileSync(join(root, 'stray.png'), 'a file in the root belongs to no class');
    const ds = new ImageFolder(root);
    assert.deepEqual(ds.classes, ['ant', 'cat', 'dog']);
    assert.deepEqual(ds.classToIdx, { ant: 0, cat: 1, dog: 2 });
    assert.deepEqual(ds.samples.map(([p, c]) => [p.slice(root.length + 1), c]),
      [['ant/q.png', 0], ['cat/a.JPG', 1], ['cat/b.png', 1], ['cat/z.png', 1], ['cat/sub/c.png', 1], ['dog/x.png', 2]]);
    assert.deepEqual(Array.from(ds.targets), [0, 1, 1, 1, 1, 2]);
    const [img, label] = ds.getItem(2);
    assert.equal(label, 1);
    assert.deepEqual(img.shape, [3, 4, 5]);
    const b = rgbBytes(4, 5, 1);
    assert.deepEqual(await values(img), Array.from({ length: 60 }, (_, k) => Math.fround(b[(k % 20) * 3 + Math.floor(k / 20)] / 255)));
    const [jpg] = ds.getItem(1);
    (await values(jpg)).forEach((v) => assert.ok(Math.abs(v - 200 / 255) < 3 / 255, `jpeg pixel ${v}`));
    // Only PNG: the JPEG drops out; a class left with nothing is an error naming it.
    assert.deepEqual(new ImageFolder(root, { extensions: ['.png'] }).samples.length, 5);
    assert.throws(() => new ImageFolder(root, { extensions: ['.jpg'] }), /ImageFolder: found no valid file for the classes ant, dog in .*\. Supported extensions are: \.jpg/);
    assert.throws(() => new ImageFolder(join(root, 'nope')), /ImageFolder: .*nope does not exist/);
  });

  test('with a Resize transform the DataLoader batches the images; without one, sizes must agree', async () => {
    const root = join(tmp, 'folder');
    const ds = new ImageFolder(root, new T.Compose([new T.Resize([8, 8])]), (c: number) => c * 10);
    const batches = [...new DataLoader(ds, { batchSize: 4 })];
    assert.deepEqual(batches.map(([x]) => x.shape), [[4, 3, 8, 8], [2, 3, 8, 8]]);
    assert.deepEqual(await values(batches[1][1]), [10, 20]);
    assert.throws(() => new ImageFolder(root).getBatch(Int32Array.of(0, 5)), /ImageFolder\.getBatch: image 5 \(.*dog\/x\.png\) has shape \[3, 6, 2\] but image 0 has \[3, 4, 5\]; add a transform/);
    assert.match(String(ds), /Dataset ImageFolder\n {4}Number of datapoints: 6/);
  });
});

