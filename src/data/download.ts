// data/download.ts — fetching a data set's official files, as torchvision.datasets.utils: download a URL,
// check its MD5 (or SHA-256) against the published one, and unpack a .tar.gz. Node only.
//
// Nothing half-done is left behind: a download is held in memory until its checksum is right, then written
// with io/atomic.ts (a temporary file renamed over the target), and so is each file of an archive. A bad
// checksum, an HTTP error or a network failure is an error naming the URL and what went wrong.
//
// Archives are read with the npm package `tar` (node-tar, npm's own: ustar, GNU and pax headers, gzip,
// header checksums in strict mode), into memory; the whole archive is checked before a file is written,
// and entries that would land outside the target directory (absolute paths, ..) are refused.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Parser as TarParser, type ReadEntry } from 'tar';
import { writeFileAtomic } from '../io/atomic.js';
import { bindArgs, checkKeys, isOptionsObject, noExtraArgs, type PyArgs } from '../tensor/signature.js';

const optStr = { test: (v: unknown) => typeof v === 'string', what: 'a string' };
const hexKind = (n: number) => ({ test: (v: unknown) => typeof v === 'string' && new RegExp(`^[0-9a-fA-F]{${n}}$`).test(v), what: `${n} hex digits` });

/** The checksum to verify: md5 (torchvision's) or sha256 (convnet's addition), whichever is given. */
interface Checksum { md5?: string; sha256?: string }

function digest(bytes: Uint8Array, sum: Checksum): { kind: string; want: string; got: string } | null {
  const kind = sum.sha256 ? 'sha256' : sum.md5 ? 'md5' : null;
  if (!kind) return null;
  const want = (sum.sha256 ?? sum.md5 ?? '').toLowerCase();
  return { kind, want, got: createHash(kind).update(bytes).digest('hex') };
}

function integrity(file: string, sum: Checksum): boolean {
  if (!existsSync(file)) return false;
  const d = digest(readFileSync(file), sum);
  return d === null || d.got === d.want;
}

/**
 * Whether `fpath` exists and, when `md5` (or `{ sha256 }`) is given, matches it. PyTorch:
 * `torchvision.datasets.utils.check_integrity`.
 * @example
 * ```ts
 * datasets.checkIntegrity('data/cifar-10-binary.tar.gz', 'c32a1d4ab5d03f1284b67883e8d87530');
 * ```
 */
export function checkIntegrity(...args: PyArgs<[fpath: string, md5: string], { fpath?: string; md5?: string; sha256?: string }>): boolean {
  const a = bindArgs('checkIntegrity', args, {
    positional: [{ name: 'fpath', kind: 'string', required: true }, { name: 'md5', kind: hexKind(32) }], keywordOnly: [{ name: 'sha256', kind: hexKind(64) }],
  });
  return integrity(a.fpath as string, a as Checksum);
}

/**
 * Fetches `url` into `root/filename` (default: the URL's last part), checks its MD5 (or `{ sha256 }`) and
 * writes it atomically; a file already there that matches (or, with no checksum, any file there) is kept.
 * Throws, writing nothing, on a network failure, an HTTP error or a checksum that does not match. Resolves
 * to the file's path. PyTorch: `torchvision.datasets.utils.download_url`.
 * @example
 * ```ts
 * await datasets.downloadUrl('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', 'data', undefined,
 *                            'c32a1d4ab5d03f1284b67883e8d87530');
 * ```
 */
export async function downloadUrl(...args: PyArgs<[url: string, root: string, filename: string, md5: string], { url?: string; root?: string; filename?: string; md5?: string; sha256?: string }>): Promise<string> {
  const a = bindArgs('downloadUrl', args, {
    positional: [{ name: 'url', kind: 'string', required: true }, { name: 'root', kind: 'string', required: true }, { name: 'filename', kind: optStr }, { name: 'md5', kind: hexKind(32) }],
    keywordOnly: [{ name: 'sha256', kind: hexKind(64) }],
  });
  const url = a.url as string;
  const file = join(a.root as string, (a.filename as string | undefined) ?? basenameOf(url));
  await fetchTo(url, file, a as Checksum);
  return file;
}

const basenameOf = (url: string): string => url.split('?')[0].split('/').pop() || 'download';

async function fetchTo(url: string, file: string, sum: Checksum): Promise<void> {
  if (integrity(file, sum)) return;
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
 * The regular files of a tar archive, gzipped or not (ustar, GNU and pax headers, long names), read with
 * the npm package `tar` (node-tar) in strict mode: a damaged header or stream is an error naming `what`.
 * Directories, links and devices are skipped. convnet's own (Python: `tarfile`).
 * @example
 * ```ts
 * for (const { name, data } of readTar(readFileSync('cifar-10-binary.tar.gz'))) console.log(name, data.length);
 * ```
 */
export function readTar(bytes: Uint8Array, what = 'tar archive'): { name: string; data: Uint8Array }[] {
  noExtraArgs('readTar', arguments, ['bytes', 'what']);
  if (isOptionsObject(what)) { // readTar(bytes, { what })
    checkKeys('readTar', what, ['what']);
    what = (what as { what?: string }).what ?? 'tar archive';
  }
  const out: { name: string; data: Uint8Array }[] = [];
  let failure: Error | null = null;
  const parser = new TarParser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    const chunks: Buffer[] = [];
    entry.on('data', (c: Buffer) => chunks.push(c));
    entry.on('end', () => {
      if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
        out.push({ name: entry.path.replace(/^\.\//, ''), data: new Uint8Array(Buffer.concat(chunks)) });
      }
    });
  });
  parser.on('error', (e: Error) => { failure ??= e; });
  parser.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)); // the parser runs synchronously on a whole buffer
  if (failure) throw new Error(`download: ${what} is damaged: ${(failure as Error).message}`);
  return out;
}

/**
 * Unpacks a .tar.gz (or .tgz, or plain .tar) archive into `toPath` (default: the archive's folder), each
 * file written atomically; the whole archive is read and checked before anything is written, and entries
 * that would land outside `toPath` are refused. `removeFinished` deletes the archive afterwards. Returns
 * the paths written. PyTorch: `torchvision.datasets.utils.extract_archive`.
 * @example
 * ```ts
 * datasets.extractArchive('data/cifar-10-binary.tar.gz');   // into data/
 * ```
 */
export function extractArchive(...args: PyArgs<[fromPath: string, toPath: string, removeFinished: boolean], { fromPath?: string; toPath?: string; removeFinished?: boolean }>): string[] {
  const a = bindArgs('extractArchive', args, {
    positional: [{ name: 'fromPath', kind: 'string', required: true }, { name: 'toPath', kind: 'string' }, { name: 'removeFinished', kind: 'bool' }],
  });
  const archive = a.fromPath as string;
  const dir = (a.toPath as string | undefined) ?? dirname(archive);
  const entries = readTar(readFileSync(archive), archive); // gzipped or not: the parser tells
  for (const { name } of entries) {
    const rel = normalize(name);
    if (isAbsolute(name) || rel === '..' || rel.startsWith(`..${sep}`)) throw new Error(`download: ${archive}: the entry ${JSON.stringify(name)} would land outside ${dir}; refused`);
  }
  const written = entries.map(({ name, data }) => {
    const target = join(dir, normalize(name));
    writeFileAtomic(target, data);
    return target;
  });
  if (a.removeFinished) unlinkSync(archive);
  return written;
}

/**
 * Downloads an archive into `downloadRoot` (checked against `md5`, or `{ sha256 }`) and unpacks it into
 * `extractRoot` (default the same). Returns the paths unpacked. PyTorch:
 * `torchvision.datasets.utils.download_and_extract_archive`.
 * @example
 * ```ts
 * await datasets.downloadAndExtractArchive('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', 'data',
 *                                          { md5: 'c32a1d4ab5d03f1284b67883e8d87530' });
 * ```
 */
export async function downloadAndExtractArchive(...args: PyArgs<[url: string, downloadRoot: string, extractRoot: string, filename: string, md5: string, removeFinished: boolean],
  { url?: string; downloadRoot?: string; extractRoot?: string; filename?: string; md5?: string; removeFinished?: boolean; sha256?: string }>): Promise<string[]> {
  const a = bindArgs('downloadAndExtractArchive', args, {
    positional: [{ name: 'url', kind: 'string', required: true }, { name: 'downloadRoot', kind: 'string', required: true }, { name: 'extractRoot', kind: 'string' },
      { name: 'filename', kind: optStr }, { name: 'md5', kind: hexKind(32) }, { name: 'removeFinished', kind: 'bool' }],
    keywordOnly: [{ name: 'sha256', kind: hexKind(64) }],
  });
  const url = a.url as string, root = a.downloadRoot as string;
  const file = join(root, (a.filename as string | undefined) ?? basenameOf(url));
  await fetchTo(url, file, a as Checksum);
  return extractArchive(file, (a.extractRoot as string | undefined) ?? root, (a.removeFinished as boolean | undefined) ?? false);
}

/**
 * Tries each mirror in turn for `filename` (checked against `md5`) and writes it to `dir`; the error, if
 * every mirror fails, lists what each one said. convnet's own (torchvision's MNIST.download loop).
 * @example
 * ```ts
 * await datasets.downloadFromMirrors(MNIST.mirrors, 'train-images-idx3-ubyte.gz', 'data/MNIST/raw', 'f68b3c2dcbeaaa9fbdd348bbdeb94873');
 * ```
 */
export async function downloadFromMirrors(mirrors: readonly string[], filename: string, dir: string, md5: string): Promise<string> {
  noExtraArgs('downloadFromMirrors', arguments, ['mirrors', 'filename', 'dir', 'md5']);
  const file = join(dir, filename), sum = { md5 };
  if (integrity(file, sum)) return file;
  const errors: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.endsWith('/') ? `${mirror}${filename}` : `${mirror}/${filename}`;
    try {
      await fetchTo(url, file, sum);
      return file;
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw new Error(`download: no mirror gave ${filename}:\n  ${errors.join('\n  ')}`);
}
