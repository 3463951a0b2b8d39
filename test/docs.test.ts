// test/docs.test.ts — the API reference's rule: every public export of src/index.ts and src/browser.ts
// (and every method and accessor of an exported class) has a doc comment. It runs TypeDoc with the
// project's typedoc.json and --emit none (check only, write nothing), and fails listing what has none.
// `npm run docs` builds the same reference into site/reference/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typedocBin = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin', 'typedoc');

test('every public export has a doc comment (TypeDoc validation)', { timeout: 120_000 }, () => {
  // --skipErrorChecking: the type errors are tsc's business (npm run build fails on them); the doc check
  // alone takes 7 s instead of 11.
  const run = spawnSync(process.execPath, [typedocBin, '--emit', 'none', '--logLevel', 'Warn', '--skipErrorChecking'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  // eslint-disable-next-line no-control-regex
  const out = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const undocumented = out.split('\n')
    .map((l) => /\[warning\] (\S+) \((\w+)\), defined in \S*?(src\/\S+), does not have any documentation/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[3]}: ${m[1]} (${m[2]})`);
  const otherProblems = out.split('\n')
    .filter((l) => /\[(warning|error)\]/.test(l) && !l.includes('does not have any documentation'))
    .filter((l) => !/git remote|Found \d+ errors and \d+ warnings/.test(l));
  assert.ok(
    undocumented.length === 0,
    `${undocumented.length} public exports have no doc comment:\n  ${undocumented.join('\n  ')}`,
  );
  assert.deepEqual(otherProblems, [], 'TypeDoc reported other problems');
  assert.equal(run.status, 0, `typedoc exited with ${run.status}:\n${out.slice(-4000)}`);
});
