// scripts/side-package.mjs — installs the side packages that the root's `npm install` leaves out, so that a
// clone's install stays light (issue 13). Each is a folder with its own package.json and lock:
//
//   bench/  the benchmarks' peer libraries (tfjs-core and its cpu, wasm and webgpu backends, onnxruntime-node:
//           ~370 MB) and Dawn (the npm package webgpu, 132 MB, which the tests' webgpu backend loads from
//           there: bench/dawn.ts);
//   test/   the test and documentation tools: playwright-core (drives Debian's Chromium) and TypeDoc (37 MB).
//
//   node scripts/side-package.mjs bench [test ...]
//
// npm runs it before `npm run bench`, `npm run bench:gpu`, `npm run docs` and `npm run build:playground`
// (their pre- scripts), and `npm test` before the suite (scripts/test-deps.mjs). For each folder whose
// node_modules is missing or was installed from another package.json or lock, it runs `npm ci --prefix
// FOLDER` and says so in one line; otherwise it prints nothing. Files inside such a folder resolve bare
// imports from its node_modules first, then from the root's, by Node's own resolution. The stamp it leaves,
// FOLDER/node_modules/.convnet-side-package, holds a hash of the folder's package.json, lock and .npmrc,
// Node's ABI, platform and architecture.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SIDE_PACKAGES = {
  bench: 'the benchmark peers and Dawn, ~500 MB',
  test: 'playwright-core and TypeDoc, ~40 MB',
};

/** Installs FOLDER's package into FOLDER/node_modules unless it is current; returns false when npm failed. */
export function ensureSidePackage(folder) {
  const dir = join(root, folder);
  const stamp = join(dir, 'node_modules', '.convnet-side-package');
  const hash = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json', '.npmrc']) if (existsSync(join(dir, f))) hash.update(`${f}\0`).update(readFileSync(join(dir, f)));
  hash.update(`${process.versions.modules} ${process.platform} ${process.arch}`);
  const want = hash.digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return true;

  const why = existsSync(join(dir, 'node_modules')) ? `out of date with ${relative(root, join(dir, 'package-lock.json'))}` : 'first use';
  console.log(`${folder}: installing ${folder}/'s package into ${folder}/node_modules (${why}; npm ci --prefix ${folder}; ${SIDE_PACKAGES[folder]})`);
  // Run the npm that runs this script where there is one (npm sets npm_execpath to its CLI), else `npm`.
  const cli = process.env.npm_execpath;
  const args = ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'];
  const [cmd, argv] = cli && /npm-cli\.c?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args];
  // onnxruntime-node's postinstall would fetch its CUDA provider (hundreds of MB) on linux-x64 wherever npm
  // predates allowScripts (bench/package.json denies it): the bench runs ORT on the CPU only, so skip it.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
  const r = spawnSync(cmd, argv, { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' && cmd === 'npm' });
  if (r.status !== 0) {
    console.error(`${folder}: npm ci --prefix ${folder} failed (${r.error ? r.error.message : `exit ${r.status}`}); run it yourself to see why`);
    return false;
  }
  writeFileSync(stamp, `${want}\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folders = process.argv.slice(2);
  const unknown = folders.filter((f) => !(f in SIDE_PACKAGES));
  if (folders.length === 0 || unknown.length > 0) {
    console.error(`usage: node scripts/side-package.mjs ${Object.keys(SIDE_PACKAGES).join('|')} [...]${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
    process.exit(2);
  }
  for (const f of folders) if (!ensureSidePackage(f)) process.exit(1);
}
