// data/download.ts — fetching a data set's official files, as torchvision.datasets.utils: download a URL,
// check its MD5 (or SHA-256) against the published one, and unpack a .tar.gz. Node only.
//
// Nothing half-done is left behind: a download is held in memory until its checksum is right, then written
// with io/atomic.ts (a temporary file renamed over the target), and so is each file of an archive. A bad
// checksum, an HTTP error or a network failure is an error naming the URL and what went wrong.
//
// The tar reader is a small one of our own (ustar, with GNU long names and pax headers skipped): the
// archives are the data sets' own, and a dependency for 60 lines was not worth it. Entries that would land
// outside the target directory (absolute paths, ..) are refused.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '../io/atomic.js';

/**
 * A checksum to verify: the hex digest, `md5` (as torchvision lists) or `sha256`. convnet's own.
 * @example
 * ```ts
 * const sum: Checksum = { md5: 'c32a1d4ab5d03f1284b67883e8d87530' };
 * ```
 */
export interface Checksum {
  /** The MD5 hex digest. */
  md5?: string;
  /** The SHA-256 hex digest. */
  sha256?: string;
}

function digest(bytes: Uint8Array, sum: Checksum): { kind: string; want: string; got: string } | null {
  const kind = sum.sha256 ? 'sha256' : sum.md5 ? 'md5' : null;
  if (!kind) return null;
  const want = (sum.sha256 ?? sum.md5 ?? '').toLowerCase();
  return { kind, want, got: createHash(kind).update(bytes).digest('hex') };
}

/**
 * Whether `file` exists and, when a checksum is given, matches it. PyTorch:
 * `torchvision.datasets.utils.check_integrity`.
 * @example
 * ```ts
 * checkIntegrity('data/cifar-10-binary.tar.gz', { md5: 'c32a1d4ab5d03f1284b67883e8d87530' });
 * ```
 */
export function checkIntegrity(file: string, sum: Checksum = {}): boolean {
  if (!existsSync(file)) return false;
  const d = digest(readFileSync(file), sum);
  return d === null || d.got === d.want;
}

/**
 * Fetches `url`, checks its checksum and writes it atomically to `file` (kept if already there and
 * right). Throws, writing nothing, on a network failure, an HTTP error or a checksum that does not match.
 * PyTorch: `torchvision.datasets.utils.download_url`.
 * @example
 * ```ts
 * await downloadUrl('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', 'data/cifar-10-binary.tar.gz',
 *                   { md5: 'c32a1d4ab5d03f1284b67883e8d87530' });
 * ```
 */
export async function downloadUrl(url: string, file: string, sum: Checksum = {}): Promise<void> {
  if (checkIntegrity(file, sum) && (sum.md5 || sum.sha256)) return;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    const cause = (e as { cause?: { message?: string; code?: string } }).cause;
    throw new Error(`download: cannot fetch ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message} (no internet? the data can also be put in place by hand)`);
  }
  if (!res.ok) throw new Error(`download: ${url} answered HTTP ${res.status} ${res.statusText}`.trimEnd());
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new Error(`download: the connection to ${url} broke off: ${(e as Error).message}`);
  }
  const d = digest(bytes, sum);
  if (d && d.got !== d.want) {
    throw new Error(`download: ${url}: ${d.kind} checksum mismatch (expected ${d.want}, got ${d.got} for ${bytes.length} bytes); nothing was written`);
  }
  writeFileAtomic(file, bytes);
}

/**
 * The entries of a tar archive (ustar/GNU; regular files only, directories implied): name and bytes.
 * convnet's own.
 * @example
 * ```ts
 * for (const { name, data } of readTar(gunzipSync(bytes))) console.log(name, data.length);
 * ```
 */
export function readTar(bytes: Uint8Array, what = 'tar archive'): { name: string; data: Uint8Array }[] {
  const out: { name: string; data: Uint8Array }[] = [];
  const text = (o: number, n: number) => {
    let end = o;
    while (end < o + n && bytes[end] !== 0) end++;
    return Buffer.from(bytes.subarray(o, end)).toString('utf8');
  };
  let longName: string | null = null;
  for (let off = 0; off + 512 <= bytes.length;) {
    if (bytes.subarray(off, off + 512).every((b) => b === 0)) break; // end-of-archive blocks
    const sizeField = text(off + 124, 12).trim();
    const size = parseInt(sizeField || '0', 8);
    const type = String.fromCharCode(bytes[off + 156] || 48);
    if (!Number.isFinite(size) || size < 0 || off + 512 + size > bytes.length) {
      throw new Error(`download: ${what} is damaged: the entry at byte ${off} declares ${sizeField || '?'} (octal) bytes, past the end of the archive`);
    }
    const prefix = text(off + 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${text(off, 100)}` : text(off, 100));
    longName = null;
    const data = bytes.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') { longName = Buffer.from(data).toString('utf8').replace(/\0+$/, ''); continue; }
    if (type !== '0' && type !== '7') continue; // directories, links, pax headers: nothing to write
    name = name.replace(/^\.\//, '');
    out.push({ name, data });
  }
  return out;
}

/**
 * Unpacks a .tar.gz (or .tgz, or plain .tar) archive into `dir`, each file written atomically; returns the
 * paths written. Entries that would land outside `dir` are refused. PyTorch:
 * `torchvision.datasets.utils.extract_archive`.
 * @example
 * ```ts
 * extractArchive('data/cifar-10-binary.tar.gz', 'data');
 * ```
 */
export function extractArchive(archive: string, dir: string): string[] {
  let bytes: Uint8Array = readFileSync(archive);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`download: ${archive} is not a valid gzip stream: ${(e as Error).message}`);
    }
  }
  const entries = readTar(bytes, archive);
  const written: string[] = [];
  for (const { name, data } of entries) {
    const rel = normalize(name);
    if (isAbsolute(name) || rel === '..' || rel.startsWith(`..${sep}`)) throw new Error(`download: ${archive}: the entry ${JSON.stringify(name)} would land outside ${dir}; refused`);
    const target = join(dir, rel);
    writeFileAtomic(target, data);
    written.push(target);
  }
  return written;
}

/**
 * Downloads an archive into `downloadRoot` (checked against its checksum) and unpacks it into
 * `extractRoot` (default the same). PyTorch: `torchvision.datasets.utils.download_and_extract_archive`.
 * @example
 * ```ts
 * await downloadAndExtractArchive('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', 'data',
 *                                 { md5: 'c32a1d4ab5d03f1284b67883e8d87530' });
 * ```
 */
export async function downloadAndExtractArchive(url: string, downloadRoot: string, sum: Checksum = {}, extractRoot = downloadRoot): Promise<string[]> {
  const file = join(downloadRoot, url.split('/').pop()!.split('?')[0]);
  await downloadUrl(url, file, sum);
  return extractArchive(file, extractRoot);
}

/**
 * Tries each mirror in turn for `filename` (checked against `sum`) and writes it to `dir`; the error, if
 * every mirror fails, lists what each one said. convnet's own (torchvision's MNIST.download loop).
 * @example
 * ```ts
 * await downloadFromMirrors(MNIST.mirrors, 'train-images-idx3-ubyte.gz', 'data/MNIST/raw', { md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' });
 * ```
 */
export async function downloadFromMirrors(mirrors: readonly string[], filename: string, dir: string, sum: Checksum): Promise<string> {
  const file = join(dir, filename);
  if (checkIntegrity(file, sum)) return file;
  const errors: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.endsWith('/') ? `${mirror}${filename}` : `${mirror}/${filename}`;
    try {
      await downloadUrl(url, file, sum);
      return file;
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw new Error(`download: no mirror gave ${filename}:\n  ${errors.join('\n  ')}`);
}
