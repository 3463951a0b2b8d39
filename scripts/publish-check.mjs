// scripts/publish-check.mjs — npm's `prepublishOnly`: refuses `npm publish` while package.json lacks what a
// registry page needs, naming each thing and the command that sets it.
//
// Why a check instead of the fields themselves: convnet has no public repository or website yet, and a
// made-up address on the registry would send people nowhere (issue 13 asks for the repository and homepage
// fields). Whoever publishes sets them from the real address, with the `npm pkg set` line this prints, and
// this check makes sure that nobody publishes without them.
//
//   node scripts/publish-check.mjs     exit 0 when ready, 1 listing the problems

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Hosts and words that only ever appear in placeholder addresses. */
const PLACEHOLDER = /example\.(com|org|net)|\bOWNER\b|\bHOST\b|\bUSER(NAME)?\b|localhost|127\.0\.0\.1|TODO|xxx/i;

function urlProblem(field, value) {
  if (typeof value !== 'string' || value === '') return `${field} is missing`;
  const url = value.replace(/^git\+/, '');
  let parsed;
  try { parsed = new URL(url); } catch { return `${field} is not a URL: ${JSON.stringify(value)}`; }
  if (parsed.protocol !== 'https:') return `${field} must be an https address: ${JSON.stringify(value)}`;
  if (PLACEHOLDER.test(value)) return `${field} looks like a placeholder: ${JSON.stringify(value)}`;
  return null;
}

/** What stops `pkg` (package.json's object, in folder `root`) from being published; empty when nothing. */
export function publishProblems(pkg, root) {
  const problems = [];
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  for (const [field, value] of [['repository.url', repo], ['homepage', pkg.homepage], ['bugs.url', pkg.bugs?.url ?? pkg.bugs]]) {
    const p = urlProblem(field, value);
    if (p) problems.push(p);
  }
  if (!pkg.license) problems.push('license is missing');
  if (!existsSync(join(root, 'LICENSE'))) problems.push('the LICENSE file is missing');
  else if (pkg.license && !readFileSync(join(root, 'LICENSE'), 'utf8').includes(`${pkg.license} License`)) {
    problems.push(`LICENSE does not hold the ${pkg.license} License that package.json's license names`);
  }
  if (!pkg.version || !/^\d+\.\d+\.\d+/.test(pkg.version)) problems.push(`version is not semver: ${JSON.stringify(pkg.version)}`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const problems = publishProblems(pkg, root);
  if (problems.length > 0) {
    console.error(`npm publish: ${pkg.name}@${pkg.version} is not ready to publish (scripts/publish-check.mjs):`);
    for (const p of problems) console.error(`  - ${p}`);
    if (problems.some((p) => /^(repository|homepage|bugs)/.test(p))) {
      console.error('Set the addresses from the real repository, for example for a GitHub repository OWNER/NAME:');
      console.error('  npm pkg set repository.type=git repository.url=git+https://github.com/OWNER/NAME.git \\');
      console.error('    homepage=https://github.com/OWNER/NAME#readme bugs.url=https://github.com/OWNER/NAME/issues');
    }
    process.exit(1);
  }
}
