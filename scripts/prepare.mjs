// scripts/prepare.mjs — npm's `prepare`: builds (npm run build) only when the build's inputs changed.
//
// npm runs `prepare` after `npm install` and `npm ci`, and also every time npx or another project installs
// this folder as a package (a file: dependency): the first `npx convnet --help` in a clone spent ~20 s
// rebuilding a dist/ that was already current. So the build ends by writing a hash of its inputs to
// dist/.build-inputs (`node scripts/prepare.mjs --stamp`), and prepare builds only when that hash differs.
// The hash is of content, not of times: a fresh clone's files all have new times, and an edit that
// restores a file changes nothing.
//
//   node scripts/prepare.mjs           build if stale (what `prepare` runs)
//   node scripts/prepare.mjs --stamp   record the inputs as built (the last step of `npm run build`)

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { slimInstall } from './slim-install.mjs';

/** What the build reads. kernels.generated.ts is not an input: build:wasm writes it from assembly/. */
export const INPUTS = ['src', 'assembly', 'examples', 'scripts/build-browser.mjs', 'scripts/build-cli.mjs', 'scripts/build-examples.mjs', 'tsconfig.json', 'asconfig.json', 'package.json'];
const GENERATED = /kernels\.generated\.ts$/;
export const STAMP = 'dist/.build-inputs';

function files(root, path) {
  const abs = join(root, path);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs).sort().flatMap((name) => files(root, join(path, name)));
}

/** SHA-256 over the input files' paths and contents, in a fixed order. */
export function inputsHash(root, inputs = INPUTS) {
  const h = createHash('sha256');
  for (const f of inputs.flatMap((p) => files(root, p)).filter((f) => !GENERATED.test(f))) {
    h.update(`${relative(root, join(root, f))}\0`).update(readFileSync(join(root, f))).update('\0');
  }
  return h.digest('hex');
}

/** Whether `root`'s dist/ was built from the inputs as they are now. */
export function isUpToDate(root, inputs = INPUTS) {
  const stamp = join(root, STAMP);
  return existsSync(stamp) && existsSync(join(root, 'dist/cli/convnet.js')) && readFileSync(stamp, 'utf8').trim() === inputsHash(root, inputs);
}

export function writeStamp(root, inputs = INPUTS) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, STAMP), `${inputsHash(root, inputs)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (process.argv.includes('--stamp')) {
    writeStamp(root);
  } else {
    if (isUpToDate(root)) {
      console.log('prepare: dist/ is up to date with the sources (scripts/prepare.mjs); not rebuilding');
    } else {
      const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    // In this process rather than a second one: npx runs prepare before the first `npx convnet` of a clone.
    slimInstall(root);
  }
}
