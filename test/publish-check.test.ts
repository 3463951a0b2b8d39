// scripts/publish-check.mjs, npm's prepublishOnly: `npm publish` is refused while package.json lacks the
// repository, homepage or bugs address, or the licence is inconsistent, and each problem is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error — a plain .mjs script, no type declarations
import { publishProblems } from '../scripts/publish-check.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const complete = {
  ...pkg,
  repository: { type: 'git', url: 'git+https://github.com/convnet-org/convnet.git' },
  homepage: 'https://github.com/convnet-org/convnet#readme',
  bugs: { url: 'https://github.com/convnet-org/convnet/issues' },
};

test('publish check: package.json with real-looking addresses and the MIT LICENSE passes', () => {
  assert.deepEqual(publishProblems(complete, root), []);
  assert.equal(pkg.scripts.prepublishOnly, 'node scripts/publish-check.mjs');
});

test('publish check: each missing address is named', () => {
  const { repository: _r, homepage: _h, bugs: _b, ...bare } = complete;
  assert.deepEqual(publishProblems(bare, root), ['repository.url is missing', 'homepage is missing', 'bugs.url is missing']);
  assert.deepEqual(publishProblems({ ...complete, repository: 'git+https://github.com/convnet-org/convnet.git', bugs: 'https://github.com/convnet-org/convnet/issues' }, root), []);
});

test('publish check: placeholders, plain http and non-URLs are refused', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ homepage: 'https://github.com/OWNER/NAME#readme' }, /^homepage looks like a placeholder/],
    [{ homepage: 'https://example.com/convnet' }, /^homepage looks like a placeholder/],
    [{ homepage: 'http://github.com/convnet-org/convnet' }, /^homepage must be an https address/],
    [{ repository: { url: 'convnet' } }, /^repository\.url is not a URL/],
  ];
  for (const [patch, want] of cases) {
    const problems = publishProblems({ ...complete, ...patch }, root);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], want);
  }
});

test('publish check: a licence field the LICENSE file does not hold, or no LICENSE file, is refused', () => {
  assert.deepEqual(publishProblems({ ...complete, license: 'Apache-2.0' }, root), ['LICENSE does not hold the Apache-2.0 License that package.json\'s license names']);
  const empty = mkdtempSync(join(tmpdir(), 'convnet-publish-'));
  try {
    assert.deepEqual(publishProblems(complete, empty), ['the LICENSE file is missing']);
    writeFileSync(join(empty, 'LICENSE'), 'MIT License\n');
    assert.deepEqual(publishProblems(complete, empty), []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('publish check: the script exits 1 and names every problem of this package.json, or exits 0 when there is none', () => {
  const problems: string[] = publishProblems(pkg, root);
  const r = spawnSync(process.execPath, [join(root, 'scripts/publish-check.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, problems.length > 0 ? 1 : 0, r.stderr);
  for (const p of problems) assert.ok(r.stderr.includes(`  - ${p}\n`), `stderr lacks "${p}":\n${r.stderr}`);
  if (problems.some((p) => p.startsWith('repository'))) assert.match(r.stderr, /npm pkg set repository\.type=git repository\.url=/);
});
