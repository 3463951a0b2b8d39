// io/atomic.ts — writing a file so that readers see the old file or the new one, never half of it:
// write a temporary file in the same directory, fsync it, rename it over the target (atomic on POSIX
// within one file system), then fsync the directory so the rename itself survives a crash.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { noExtraArgs } from '../tensor/signature.js';

/** The temporary file's name: the target's, then 16 random hex digits. The pid, a clock and a counter
 *  were not enough: worker threads share the pid, and each thread had its own counter. */
const tmpName = (file: string): string => join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
const TMP = /^\.(.+)\.[0-9a-f]{16}\.tmp$|^\.(.+)\.\d+\.\d+\.\d+\.tmp$/;

/**
 * Removes the temporary files that writes of `dir`'s files left behind when a process was killed mid-write
 * (only names of the shape writeFileAtomic makes, older than `minAgeMs`, so that a write in progress in
 * another process is left alone). Returns the names removed.
 */
export function removeOrphanedTemporaries(dir: string, minAgeMs = 60_000): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  const removed: string[] = [];
  for (const name of names) {
    if (!TMP.test(name)) continue;
    const p = join(dir, name);
    try {
      if (Date.now() - statSync(p).mtimeMs < minAgeMs) continue;
      unlinkSync(p);
      removed.push(name);
    } catch { /* gone meanwhile */ }
  }
  return removed;
}

/**
 * Writes `chunks` (in order) to `file` atomically; creates the directory if needed. A reader (or a kill) never meets a half-written file. Node only. convnet's own.
 * @example
 * ```ts
 * writeFileAtomic('runs/a/config.json', JSON.stringify(config));
 * ```
 */
export function writeFileAtomic(file: string, data: Uint8Array | string | readonly (Uint8Array | string)[]): void {
  noExtraArgs('writeFileAtomic', arguments, ['file', 'data']);
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = tmpName(file);
  const chunks = Array.isArray(data) ? data : [data];
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (const chunk of chunks as (Uint8Array | string)[]) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, file);
  } catch (e) {
    if (fd >= 0) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* may not exist */ }
    throw new Error(`writeFileAtomic: cannot write ${file}: ${(e as Error).message}`);
  }
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* some file systems refuse fsync on a directory; the rename has happened */ }
}

/**
 * Makes `target` a hard link to `existing` atomically: a link under a temporary name, renamed over
 * `target`. Returns false, changing nothing, where the file system has no hard links (the caller then
 * writes a copy with writeFileAtomic).
 */
export function linkFileAtomic(existing: string, target: string): boolean {
  const tmp = tmpName(target);
  try {
    linkSync(existing, tmp);
    renameSync(tmp, target);
    return true;
  } catch {
    try { unlinkSync(tmp); } catch { /* never made */ }
    return false;
  }
}
