// scripts/build-examples.mjs — compiles examples/*.ts (the tutorial's sections, which `convnet tour` runs)
// into dist/examples/*.js, so that an installed package runs them with plain node: tsx is a
// devDependency, absent from a user's install. Part of `npm run build`.
//
// Each example is bundled with its helper examples/_common.ts, but not with the library: its imports of
// ../src/X.js become ../X.js, the compiled library beside it in dist/ (dist mirrors src).

import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = readdirSync(`${root}/examples`).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => `examples/${f}`);

const libraryBesideIt = {
  name: 'library-beside-it',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/src\// }, (args) => ({ path: args.path.replace(/^\.\.\/src\//, '../'), external: true }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: 'dist/examples',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  plugins: [libraryBesideIt],
  logLevel: 'warning',
});
console.log(`dist/examples: ${entries.length} examples`);
