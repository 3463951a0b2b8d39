// src/require.cjs — what `require('convnet-ts')` gets. convnet is published as ES modules only, which
// CommonJS code loads with import(); without this file the mistake gets Node's bare
// ERR_PACKAGE_PATH_NOT_EXPORTED, and on the Node versions that can require() ES modules it would depend
// on the version. (package.json's exports: "require" points here.)
'use strict';
const err = new Error(
  "convnet-ts is an ES module and cannot be loaded with require().\n" +
  "  In an ES module (a .mjs file, or \"type\": \"module\" in package.json):\n" +
  "    import { tensor, nn, F, optim } from 'convnet-ts';\n" +
  "  In CommonJS:\n" +
  "    const { tensor, nn, F, optim } = await import('convnet-ts');   // inside an async function\n",
);
err.code = 'ERR_CONVNET_ESM_ONLY';
throw err;
