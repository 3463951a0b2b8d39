// scripts/slim-install.mjs — the last step of npm's `prepare` (scripts/prepare.mjs, after every `npm install`
// and `npm ci` in a clone): replaces Binaryen's command-line tools with one-line stubs.
//
// Why: AssemblyScript, which builds the WebAssembly kernels, depends on the npm package binaryen. That
// package is Binaryen's library (index.js, 13 MB, which the compiler calls) plus nine command-line tools
// (bin/wasm-opt, wasm2js, wasm-merge, …: 81 MB, each its own 9 MB build of Binaryen). convnet's build never
// runs them, and npm has no way to install a package without some of its files, so they made up nearly
// half of a clone's node_modules (issue 13: "node_modules under 100 MB"). Each tool becomes a small script
// that says what happened and how to get it back, so npm's links in node_modules/.bin stay valid and
// `npx wasm-opt` fails with that message instead of "command not found".
//
// CONVNET_KEEP_BINARYEN_TOOLS=1 leaves them. `npm ci --ignore-scripts` puts them back (it skips prepare).

import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STUB_MARK = 'convnet-slim-install stub';

/** Replaces each tool of >1 MB in `binDir` with a stub; returns the bytes freed. */
export function stubBinaryenTools(binDir) {
  if (!existsSync(binDir)) return 0;
  let freed = 0;
  for (const name of readdirSync(binDir)) {
    const file = join(binDir, name);
    const { size } = statSync(file);
    if (!name.startsWith('wasm') || size < 1 << 20) continue;
    writeFileSync(file, `#!/usr/bin/env node
// ${STUB_MARK}: convnet's install (scripts/slim-install.mjs) replaced this ${(size / 2 ** 20).toFixed(1)} MB tool, which its build never runs.
console.error(${JSON.stringify(`${name}: convnet's install replaced Binaryen's command-line tools with stubs to keep node_modules small (scripts/slim-install.mjs). ` +
      'To get them back: npm ci --ignore-scripts (or set CONVNET_KEEP_BINARYEN_TOOLS=1 before npm install), or use a binaryen package of your own.')});
process.exit(1);
`, { mode: 0o755 });
    freed += size;
  }
  return freed;
}

/** What prepare runs last (scripts/prepare.mjs): stubs the tools under `root`'s node_modules and says so. */
export function slimInstall(root) {
  if (process.env.CONVNET_KEEP_BINARYEN_TOOLS === '1') return;
  const freed = stubBinaryenTools(join(root, 'node_modules', 'binaryen', 'bin'));
  if (freed > 0) console.log(`prepare: replaced Binaryen's unused command-line tools with stubs, ${(freed / 2 ** 20).toFixed(0)} MB freed (scripts/slim-install.mjs; CONVNET_KEEP_BINARYEN_TOOLS=1 keeps them)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) slimInstall(fileURLToPath(new URL('..', import.meta.url)));
