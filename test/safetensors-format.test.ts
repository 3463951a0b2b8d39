// test/safetensors-format.test.ts — the browser-safe safetensors module (src/io/safetensors-format.ts):
// its WebCrypto SHA-256 and async reader against Node's node:crypto and synchronous reader. Every file —
// sound, corrupted, from before the whole-file checksum, with a doubled checksum key — must give the same
// tensors or the same error both ways, and the bytes written must not depend on the hash used.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { tensor, safetensors, type Tensor } from '../src/index.js';
import * as format from '../src/io/safetensors-format.js';

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const tensors = (): Map<string, Tensor> => new Map([
  ['w', tensor([[0.5, -1.25, 3], [1e-7, 2, -0.1]])],
  ['n', tensor([3, -7, 2147483647], { dtype: 'int32' })],
]);

/** A file by hand: an 8-byte length, the header text as given, the data. */
function rawFile(headerJson: string, data: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(headerJson);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

/** deserialize (Node's hash) and deserializeAsync (WebCrypto's): the same tensors, or the same error. */
async function bothWays(bytes: Uint8Array, opts: format.DeserializeOptions = {}) {
  let sync: { ok: [string, number[]][]; metadata: Record<string, string> } | { error: string };
  let async_: typeof sync;
  const flat = (c: format.SafetensorsContents) => ({ ok: [...c.tensors].map(([k, t]) => [k, Array.from(t.dataSync())] as [string, number[]]), metadata: c.metadata });
  try { sync = flat(safetensors.deserialize(bytes, opts)); } catch (e) { sync = { error: `${(e as Error).name}: ${(e as Error).message}` }; }
  try { async_ = flat(await format.deserializeAsync(bytes, opts)); } catch (e) { async_ = { error: `${(e as Error).name}: ${(e as Error).message}` }; }
  assert.deepEqual(async_, sync, 'deserializeAsync and deserialize disagree');
  return sync;
}

describe('safetensors format module (browser-safe)', () => {
  test('webCryptoSha256 of chunks is the SHA-256 of their concatenation', async () => {
    const a = new TextEncoder().encode('abc'), b = new Uint8Array([0, 255, 7]), c = new Uint8Array(0);
    assert.equal(await format.webCryptoSha256([a]), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2's "abc"
    assert.equal(await format.webCryptoSha256([a, b, c]), sha256Hex(new Uint8Array([...a, ...b])));
  });

  test("the format module's serialize (WebCrypto) writes the bytes Node's serialize writes, checksum included", async () => {
    const opts = { metadata: { epoch: '4' }, checksum: true, int64: ['n'] };
    const web = await format.serialize(tensors(), opts);
    const node = await safetensors.serialize(tensors(), opts);
    assert.ok(Buffer.from(web).equals(Buffer.from(node)));
    // the checksum really is the hash of the file with its digits read as zeros
    const text = Buffer.from(web).toString('latin1');
    const sum = /"convnet\.file-sha256":"([0-9a-f]{64})"/.exec(text)![1];
    assert.equal(sha256Hex(Buffer.from(text.replace(sum, '0'.repeat(64)), 'latin1')), sum);
  });

  test('a sound file: the same tensors and metadata both ways', async () => {
    const bytes = await safetensors.serialize(tensors(), { metadata: { epoch: '4' }, checksum: true });
    const r = await bothWays(bytes, { requireChecksum: true });
    assert.ok('ok' in r);
    assert.deepEqual(r.ok.map(([k]) => k), ['w', 'n']);
    assert.deepEqual(r.ok[1][1], [3, -7, 2147483647]);
    assert.equal(r.metadata.epoch, '4');
  });

  test('a flipped data byte, a changed metadata value, a damaged digit: the same checksum errors both ways', async () => {
    const bytes = await safetensors.serialize(tensors(), { metadata: { epoch: '4' }, checksum: true });
    const data = bytes.slice();
    data[data.length - 1] ^= 0x01;
    assert.match((await bothWays(data) as { error: string }).error, /^SafetensorsError: safetensors <bytes>: the file does not match its SHA-256 checksum/);
    const text = Buffer.from(bytes).toString('latin1');
    const edited = new Uint8Array(Buffer.from(text.replace('"epoch":"4"', '"epoch":"5"'), 'latin1'));
    assert.match((await bothWays(edited, { source: 'x.safetensors' }) as { error: string }).error, /^SafetensorsError: safetensors x\.safetensors: the file does not match its SHA-256 checksum/);
    const sum = /"convnet\.file-sha256":"([0-9a-f]{64})"/.exec(text)![1];
    const damaged = new Uint8Array(Buffer.from(text.replace(sum, `${sum.slice(0, 63)}g`), 'latin1'));
    assert.match((await bothWays(damaged) as { error: string }).error, /the checksum convnet\.file-sha256 is damaged \(expected 64 hex digits/);
  });

  test('the checksum key twice in the header is an error both ways', async () => {
    const data = new Uint8Array(new Float32Array([1, 2]).buffer);
    const zeros = '0'.repeat(64);
    const bytes = rawFile(`{"__metadata__":{"convnet.file-sha256":"${zeros}","convnet.file-sha256":"${zeros}"},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, data);
    assert.match((await bothWays(bytes) as { error: string }).error, /the checksum convnet\.file-sha256 is damaged \(found twice\)/);
  });

  test('files from before the whole-file checksum (convnet.sha256 of the data) are verified both ways', async () => {
    const data = new Uint8Array(new Float32Array([1.5, -2, 4]).buffer);
    const header = (sum: string) => `{"__metadata__":{"convnet.sha256":"${sum}"},"t":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}`;
    const ok = await bothWays(rawFile(header(sha256Hex(data)), data), { requireChecksum: true });
    assert.deepEqual((ok as { ok: [string, number[]][] }).ok, [['t', [1.5, -2, 4]]]);
    const bad = await bothWays(rawFile(header(sha256Hex(new Uint8Array(12))), data));
    assert.match((bad as { error: string }).error, /the data section does not match its SHA-256 checksum \(convnet\.sha256\)/);
  });

  test('structural errors and requireChecksum: the same both ways', async () => {
    const plain = await safetensors.serialize(tensors());
    assert.match((await bothWays(plain, { requireChecksum: true }) as { error: string }).error, /the file has no checksum/);
    assert.ok('ok' in await bothWays(plain));
    assert.match((await bothWays(plain.subarray(0, plain.length - 4)) as { error: string }).error, /out of range|trailing bytes|cover/);
    assert.match((await bothWays(new Uint8Array(3)) as { error: string }).error, /the file has 3 bytes, too few/);
  });

  test('bytes that are not a Uint8Array: an error naming what was given', async () => {
    await assert.rejects(format.deserializeAsync(new ArrayBuffer(16) as unknown as Uint8Array, { source: 'f' }),
      /^SafetensorsError: safetensors f: expected the file's bytes as a Uint8Array, got object/);
    assert.throws(() => safetensors.deserialize('abc' as unknown as Uint8Array), /expected the file's bytes as a Uint8Array, got string/);
  });

  test('deserializeWith uses the SHA-256 it is given (a wrong one rejects a sound file)', async () => {
    const bytes = await safetensors.serialize(tensors(), { checksum: true });
    assert.throws(() => format.deserializeWith(bytes, {}, () => '0'.repeat(64)), /does not match its SHA-256 checksum/);
    const seen: number[] = [];
    format.deserializeWith(bytes, {}, (chunks) => { seen.push(chunks.length); return sha256Hex(Buffer.concat(chunks)); });
    assert.deepEqual(seen, [3], 'the file around its digits, the zeros, the rest');
  });
});
