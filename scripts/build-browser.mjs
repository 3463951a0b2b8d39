// scripts/build-browser.mjs — bundles src/browser.ts into one ES module for the browser:
// dist/browser/convnet.js (with a source map). `npm run build:browser`; part of `npm run build`.
//
// platform 'browser' makes esbuild refuse Node built-ins, so a node: import reaching src/browser.ts fails
// here, at build time. The wasm kernels come along as the base64 strings of kernels.generated.ts, so the
// bundle is the only file a page needs.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** esbuild's options for the bundle; test/browser.test.ts builds with them too (in memory), so the browser
 *  test always runs the current source. */
export const browserBuildOptions = {
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: ['src/browser.ts'],
  outfile: 'dist/browser/convnet.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await build(browserBuildOptions);
  const out = result.metafile.outputs['dist/browser/convnet.js'];
  console.log(`dist/browser/convnet.js: ${(out.bytes / 1024).toFixed(0)} KiB`);
}
