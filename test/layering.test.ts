// test/layering.test.ts — the rule that tensor data belongs to the backend, checked on the source: only
// src/backend/ touches element memory, and only the library's edges move values between JS and a
// backend (creation from JS values, data()/dataSync()/toArray(), printing, files and images, data sets,
// the command line). Any other file that reads or writes element arrays fails here, naming the file,
// the line and the rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.generated.ts') ? [p] : [];
  });
}

/** The edges, with the reason each may move values between JS and a backend. */
const EDGES: Record<string, string> = {
  'src/tensor/tensor.ts': 'data(), dataSync(), toArray(), item()',
  'src/tensor/creation.ts': 'creation from JS values',
  'src/tensor/format.ts': 'printing values',
  'src/io/': 'files and images',
  'src/data/': 'data sets read from files, and batches made from them',
  'src/train/checkpoint.ts': 'checkpoint files',
  'src/train/fit.ts': 'the metrics it reports (loss, accuracy, confusion counts)',
  'src/cli/': 'the command line: printing and files',
  'src/signal/fft.ts': "Complex's own printing and toArray(), as Tensor's",
  'src/autograd/gradcheck.ts': 'finite differences: inputs perturbed as JS values, outputs read',
  'src/vis/padding.ts': "the padding demo's table: the border error it measured, read out as numbers",
  'src/vis/annotate.ts': 'figures: the values a picture draws, read with await data() (every backend has it)',
};

/** Memory primitives that only backend/ (and the two edge files that wrap them) may use. */
const RAW = /\b(storageFrom|readStorage|readStorageAsync|moveStorage|freeStorage)\b|\.(readSync|attach|view)\(|\b(bk|backend\(\))\.(alloc|write|free)\(/;
/** Reading or creating element arrays through the public edges. */
const EDGE_API = /\.dataSync\(|\.dataAsync\(|\.toArray\(|\bfromArray\(/;

test('only src/backend/ and the edges touch tensor element data', () => {
  const problems: string[] = [];
  for (const file of sources(join(root, 'src'))) {
    const rel = relative(root, file).split('\\').join('/');
    if (rel.startsWith('src/backend/')) continue;
    const edge = Object.keys(EDGES).some((e) => (e.endsWith('/') ? rel.startsWith(e) : rel === e));
    const rawAllowed = rel === 'src/tensor/tensor.ts' || rel === 'src/tensor/creation.ts';
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (!rawAllowed && RAW.test(code)) problems.push(`${rel}:${i + 1}: backend memory outside src/backend/: ${line.trim()}`);
      if (!edge && EDGE_API.test(code)) problems.push(`${rel}:${i + 1}: element values read or written outside the edges: ${line.trim()}`);
    });
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});

test('the check catches a violation (it is not vacuous)', () => {
  assert.ok(EDGE_API.test('const v = t.dataSync();'));
  assert.ok(EDGE_API.test('for (const x of await y.dataAsync()) {}'));
  assert.ok(RAW.test("const s = storageFrom([1], 'int32');"));
  assert.ok(RAW.test('bk.write(s, values);'));
  assert.ok(!EDGE_API.test('const n = loss.item();'));
});

test('dependencies point downward: backend/ imports nothing above it, tensor/ nothing above it', () => {
  const problems: string[] = [];
  const below: Record<string, string[]> = {
    'src/backend/': ['src/backend/', 'src/tensor/dtype.ts', 'src/tensor/shape.ts', 'src/tensor/keys.ts'],
    'src/tensor/': ['src/tensor/', 'src/backend/'],
    'src/autograd/': ['src/autograd/', 'src/tensor/', 'src/backend/'],
  };
  for (const file of sources(join(root, 'src'))) {
    const rel = relative(root, file).split('\\').join('/');
    const layer = Object.keys(below).find((l) => rel.startsWith(l));
    if (!layer) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"](\.[^'"]+)['"]/gm)) {
      const target = relative(root, join(dirname(file), m[1])).split('\\').join('/').replace(/\.js$/, '.ts');
      if (!below[layer].some((ok) => (ok.endsWith('/') ? target.startsWith(ok) : target === ok))) {
        problems.push(`${rel} imports ${target}`);
      }
    }
  }
  // autograd/gradcheck builds its inputs with tensor/creation (below it); ops are above autograd.
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});
