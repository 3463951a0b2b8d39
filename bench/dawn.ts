// bench/dawn.ts — where this repository's benchmarks and tests find Dawn (the npm package `webgpu`, 132 MB
// for every platform). It is bench/'s package (bench/package.json), installed into bench/node_modules with
// the benchmark peers on the first `npm run bench` or `npm test` (scripts/side-package.mjs), so that the
// root's `npm install` stays light. Importing this module points the webgpu backend there through
// CONVNET_WEBGPU_PACKAGE, unless that is set already; child processes inherit the setting.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench/node_modules/webgpu, where scripts/side-package.mjs installs Dawn. */
export const BENCH_DAWN = fileURLToPath(new URL('./node_modules/webgpu', import.meta.url));

if (process.env.CONVNET_WEBGPU_PACKAGE === undefined && existsSync(`${BENCH_DAWN}/package.json`)) {
  process.env.CONVNET_WEBGPU_PACKAGE = BENCH_DAWN;
}
