// scripts/build-playground.mjs — builds the playground (playground/) into a static site: site/ by default.
// `npm run build:playground [-- --out DIR] [--no-docs]`; `npm run playground` builds it and serves it.
//
// The layout:
//   playground/<page>.ts   every .ts whose name does not start with '_' is an entry point, bundled by esbuild
//                          (format esm, platform browser, target es2022, with a source map) to <out>/<page>.js;
//                          playground/_*.ts are modules the pages share (bundled into each page)
//   playground/*.html, *.css            copied to <out>/
//   playground/static/                  copied to <out>/static/ as it is (data, models)
//   assets/images/*.png                 copied to <out>/static/images/ (the tutorial's photos)
//   the API reference (TypeDoc)         <out>/reference/, unless --no-docs (or { docs: false })
//
// Pages import the library as '../src/browser.js', so each page's bundle carries the library (and its wasm).
// The output folder's other contents are replaced, except reference/ when the docs are not rebuilt.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyPlaygroundData } from './playground-data.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'playground');

/** The pages: every playground/*.ts whose name does not start with '_'. */
export function playgroundEntries() {
  return readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !f.endsWith('.d.ts')).sort();
}

/**
 * Builds the site into `outDir` (default <repo>/site). `docs` (default true) also runs TypeDoc into
 * outDir/reference. Returns the pages (entries with a playground/<page>.html), all entries and the bundles' sizes.
 * @param {{ outDir?: string, docs?: boolean, minify?: boolean, quiet?: boolean }} [opts]
 */
export async function buildPlayground(opts = {}) {
  const outDir = resolve(opts.outDir ?? join(ROOT, 'site'));
  const docs = opts.docs ?? true;
  mkdirSync(outDir, { recursive: true });
  // Clear what an earlier build left (but reference/, which TypeDoc owns, unless it is rebuilt).
  for (const f of readdirSync(outDir)) {
    if (f === 'reference' && !docs) continue;
    rmSync(join(outDir, f), { recursive: true, force: true });
  }
  const entries = playgroundEntries();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(entries.map((f) => [f.slice(0, -3), join(SRC, f)])),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: opts.minify ?? false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    loader: { '.css': 'css' },
  });
  for (const f of readdirSync(SRC)) {
    if (/\.(html|css)$/.test(f) && statSync(join(SRC, f)).isFile()) cpSync(join(SRC, f), join(outDir, f));
  }
  if (existsSync(join(SRC, 'static'))) cpSync(join(SRC, 'static'), join(outDir, 'static'), { recursive: true });
  const images = join(ROOT, 'assets', 'images');
  mkdirSync(join(outDir, 'static', 'images'), { recursive: true });
  for (const f of readdirSync(images)) if (/\.(png|jpe?g)$/i.test(f)) cpSync(join(images, f), join(outDir, 'static', 'images', f));
  copyPlaygroundData(outDir); // the Fashion-MNIST subset and the pretrained LeNet-5 (scripts/playground-data.mjs)
  if (docs) {
    // TypeDoc is test/'s package (test/node_modules, installed by `npm run build:playground`'s pre step).
    const typedoc = join(ROOT, 'test', 'node_modules', '.bin', 'typedoc');
    if (!existsSync(typedoc)) throw new Error('build-playground: the API reference needs TypeDoc in test/node_modules: run `npm run test:deps` (or build with --no-docs)');
    const r = spawnSync(typedoc, ['--out', join(outDir, 'reference')], { cwd: ROOT, stdio: opts.quiet ? 'pipe' : 'inherit' });
    if (r.status !== 0) throw new Error(`build-playground: typedoc failed (exit ${r.status})${opts.quiet ? `\n${r.stdout}${r.stderr}` : ''}`);
  }
  const sizes = Object.fromEntries(Object.entries(result.metafile.outputs)
    .filter(([p]) => p.endsWith('.js')).map(([p, o]) => [p.split('/').pop(), o.bytes]));
  const pages = entries.map((f) => f.slice(0, -3)).filter((p) => existsSync(join(SRC, `${p}.html`)));
  return { outDir, pages, entries: entries.map((f) => f.slice(0, -3)), sizes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--out');
  const r = await buildPlayground({ outDir: i >= 0 ? args[i + 1] : undefined, docs: !args.includes('--no-docs'), minify: args.includes('--minify') });
  for (const [f, b] of Object.entries(r.sizes)) console.log(`${f}: ${(b / 1024).toFixed(0)} KiB`);
  console.log(`playground: ${r.pages.length} pages in ${r.outDir}`);
}
