// scripts/build-cli.mjs — bundles the `convnet` command (src/cli/main.ts and everything it imports) into one
// ES module, dist/cli/convnet.js, which package.json's `bin` and `npm start` run. Part of `npm run build`.
//
// Why one file: Node loads ES modules one by one, and the CLI's ~190 modules cost ~0.2 s before the first
// line runs: `convnet --version` took 0.44 s from tsc's output and 0.27 s from the bundle (issue 13 asks
// for a CLI that starts in under 1 s, and npx adds ~0.5 s of its own). npm packages stay external (pngjs,
// tar, onnx-proto, …, and Dawn's `webgpu`, loaded at run time), so the bundle holds only convnet's code.
// Paths the code builds from import.meta.url (the shipped data, package.json) go two folders up from
// dist/cli/ as they did from tsc's dist/cli/ and dist/train/, and the wasm backend's worker threads run from
// source strings, so nothing moves.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const cliBuildOptions = {
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/convnet.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  // The map names the files in src/, which the package ships: no need to copy them into it (2.5 → 0.4 MB).
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await build(cliBuildOptions);
  const out = result.metafile.outputs['dist/cli/convnet.js'];
  console.log(`dist/cli/convnet.js: ${(out.bytes / 1024).toFixed(0)} KiB, ${Object.keys(out.inputs).length} modules`);
}
