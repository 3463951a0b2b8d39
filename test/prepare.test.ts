// test/prepare.test.ts — scripts/prepare.mjs, npm's `prepare`: it rebuilds only when the build's inputs
// changed (npx and file: installs run `prepare` again; a needless build took ~20 s). Checked on a small
// tree of its own, so the test never depends on whether this checkout's dist/ is current.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error — a plain .mjs script, no type declarations
import { inputsHash, isUpToDate, writeStamp } from '../scripts/prepare.mjs';

test('prepare: up to date after the stamp; stale after an edit or without dist; the same again once the edit is undone; generated kernels ignored', () => {
  const root = mkdtempSync(join(tmpdir(), 'convnet-prepare-'));
  try {
    const inputs = ['src', 'tsconfig.json'];
    const put = (path: string, text: string) => { mkdirSync(join(root, path, '..'), { recursive: true }); writeFileSync(join(root, path), text); };
    put('src/a.ts', 'export const a = 1;\n');
    put('src/backend/wasm/kernels.generated.ts', 'export const wasm = "AAAA";\n');
    put('tsconfig.json', '{}\n');
    assert.equal(isUpToDate(root, inputs), false, 'no stamp, no dist: stale');
    writeStamp(root, inputs);
    assert.equal(isUpToDate(root, inputs), false, 'a stamp but no dist/cli/convnet.js: stale');
    put('dist/cli/convnet.js', '');
    assert.equal(isUpToDate(root, inputs), true);
    const before = inputsHash(root, inputs);
    put('src/a.ts', 'export const a = 2;\n');
    assert.equal(isUpToDate(root, inputs), false, 'an edited input: stale');
    put('src/a.ts', 'export const a = 1;\n');
    assert.equal(isUpToDate(root, inputs), true, 'the edit undone: up to date again (content, not times)');
    put('src/b.ts', '');
    assert.equal(isUpToDate(root, inputs), false, 'a new input file: stale');
    rmSync(join(root, 'src/b.ts'));
    put('src/backend/wasm/kernels.generated.ts', 'export const wasm = "BBBB";\n');
    assert.equal(inputsHash(root, inputs), before, 'the generated kernels are an output of the build, not an input');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
