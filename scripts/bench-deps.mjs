// scripts/bench-deps.mjs — the benchmarks' peer libraries (tfjs-core and its cpu, wasm and webgpu backends,
// onnxruntime-node: ~370 MB) and Dawn (the npm package webgpu, 132 MB, which the tests' webgpu backend
// loads from there: bench/dawn.ts) are bench/'s own package (bench/package.json, bench/package-lock.json), so the
// root's `npm install` leaves them out. npm runs this before `npm run bench` and `npm run bench:gpu`
// (prebench, prebench:gpu; `npm run bench:deps` alone): when bench/node_modules is missing or was installed
// from another bench/package-lock.json, it runs `npm ci --prefix bench` and says so in one line; otherwise
// it prints nothing. Files in bench/ resolve bare imports from bench/node_modules first, then the root's
// (tsx). The stamp it leaves, bench/node_modules/.convnet-bench-deps, holds a hash of bench's
// package.json and lock, Node's ABI, platform and architecture.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = join(root, 'bench');
const lock = join(bench, 'package-lock.json');
const stamp = join(bench, 'node_modules', '.convnet-bench-deps');

const hash = createHash('sha256');
for (const f of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(bench, f)));
hash.update(`${process.versions.modules} ${process.platform} ${process.arch}`);
const want = hash.digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) process.exit(0);

const why = existsSync(join(bench, 'node_modules')) ? `out of date with ${relative(root, lock)}` : 'first use';
console.log(`bench: installing the benchmark peers into bench/node_modules (${why}; npm ci --prefix bench, ~500 MB)`);

// Run the npm that runs this script where there is one (npm sets npm_execpath to its CLI), else `npm`.
const cli = process.env.npm_execpath;
const args = ['ci', '--prefix', bench, '--no-audit', '--no-fund', '--loglevel=error'];
const [cmd, argv] = cli && /npm-cli\.c?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args];
// onnxruntime-node's postinstall would fetch its CUDA provider (hundreds of MB) on linux-x64 wherever npm
// predates allowScripts (bench/package.json denies it): the bench runs ORT on the CPU only, so skip it.
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
const r = spawnSync(cmd, argv, { cwd: bench, env, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' && cmd === 'npm' });
if (r.status !== 0) {
  console.error(`bench: npm ci --prefix bench failed (${r.error ? r.error.message : `exit ${r.status}`}); run it yourself to see why`);
  process.exit(1);
}
writeFileSync(stamp, `${want}\n`);
