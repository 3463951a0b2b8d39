// test/helpers/cli.ts — runs the `convnet` command as users get it: the built dist/cli/convnet.js (package.json's
// bin, one bundled file: scripts/build-cli.mjs) under plain node (no tsx: each child saves the second tsx
// spends compiling the sources). `npm test` builds dist/ first when the sources changed (its pretest runs
// scripts/prepare.mjs); a test file run on its own against a dist/ older than the sources fails at once,
// saying so, instead of testing old code.

import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error — a plain .mjs build script, no type declarations
import { isUpToDate } from '../../scripts/prepare.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(root, 'dist', 'cli', 'convnet.js');

let checked = false;
/** Throws when dist/ was not built from the sources as they are now. */
export function requireBuiltCli(): void {
  if (checked) return;
  if (!(isUpToDate as (root: string) => boolean)(root)) {
    throw new Error('dist/ is older than the sources: run `npm run build` (npm test does it by itself, in its pretest)');
  }
  checked = true;
}

/** Runs the CLI in a child process, asynchronously (so a file's tests can run two at a time). */
export function convnet(args: readonly string[], opts: { cwd?: string; timeout?: number } = {}): Promise<{ code: number | null; out: string; err: string }> {
  requireBuiltCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? root, timeout: opts.timeout ?? 180_000 });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Runs the CLI synchronously. */
export function convnetSync(args: readonly string[], opts: { cwd?: string } = {}): SpawnSyncReturns<string> {
  requireBuiltCli();
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd ?? root });
}
