// io/atomic.ts — writing a file so that readers see the old file or the new one, never half of it:
// write a temporary file in the same directory, fsync it, rename it over the target (atomic on POSIX
// within one file system), then fsync the directory so the rename itself survives a crash.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Writes `chunks` (in order) to `file` atomically; creates the directory if needed. */
export function writeFileAtomic(file: string, data: Uint8Array | string | readonly (Uint8Array | string)[]): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
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
