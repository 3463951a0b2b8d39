// cli/tour.ts — `convnet tour [--out DIR] [SECTION…]`: the tutorial, section by section. Runs each example
// in order, in its own process, under a heading: compiled (dist/examples/, by npm run build) with plain
// node, so it works in an installed package; pictures go to DIR/<section>/ (default out/ in the current
// directory).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, runCommand, UsageError, type OptionSpec, type VisCommand } from './vis-common.js';

/** The tutorial's sections in order: [file in examples/, heading]. */
export const TOUR: readonly [string, string][] = [
  ['signal-convolution', 'Convolution of signals'],
  ['cross-correlation', 'The 2-D cross-correlation'],
  ['conv2d-layer', 'The Conv2D layer'],
  ['edge-detection', 'Edge detection'],
  ['learn-kernel', 'Learning the kernel'],
  ['single-channel', 'Single channel'],
  ['multi-channel', 'Multiple input and output channels'],
  ['feature-maps', 'Feature maps'],
  ['padding', 'Padding'],
  ['stride', 'Stride'],
  ['pooling', 'Pooling'],
  ['convolution-theorem', 'The convolution theorem'],
  ['properties', 'Translation equivariance, local connectivity, weight sharing'],
];

/** The repository root (two levels above src/cli or dist/cli). */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

const usage = `convnet tour [--out DIR] [--list] [SECTION…]

  SECTION             run only these sections (names as --list prints them; default: all, in order)
  -o, --out DIR       where the pictures go, one folder per section (default out/ in the current directory)
  --list              list the sections and exit`;

const options: OptionSpec = { out: { type: 'string', short: 'o' }, list: { type: 'boolean' } };

export const tourCommand: VisCommand = {
  options,
  name: 'tour',
  summary: 'the tutorial as runnable examples, section by section, pictures in ./out/',
  usage,
  run: (argv) => runCommand(() => {
    const { values, positionals } = parse(tourCommand, argv, options, -1);
    if (values.help) { console.log(`usage: ${usage}`); return 0; }
    if (values.list) { TOUR.forEach(([f, h], i) => console.log(`${String(i + 1).padStart(2)}. ${f.padEnd(20)} ${h}`)); return 0; }
    const root = projectRoot();
    const unknown = positionals.filter((p) => !TOUR.some(([f]) => f === p));
    if (unknown.length) throw new UsageError(`convnet tour: unknown section ${unknown.map((u) => `'${u}'`).join(', ')}; sections: ${TOUR.map(([f]) => f).join(', ')}`);
    const sections = positionals.length ? TOUR.filter(([f]) => positionals.includes(f)) : TOUR;
    const out = resolve((values.out as string | undefined) ?? 'out');
    let failed = 0;
    sections.forEach(([file, title], i) => {
      console.log(`\n${'='.repeat(78)}\n${i + 1}. ${title}   (examples/${file}.ts)\n${'='.repeat(78)}`);
      // The compiled example (dist/examples, made by npm run build) runs with plain node, as in an installed
      // package; a source checkout that was not built runs the TypeScript through tsx.
      const compiled = join(root, 'dist', 'examples', `${file}.js`), source = join(root, 'examples', `${file}.ts`);
      const args = existsSync(compiled) ? [compiled] : existsSync(source) ? ['--import', 'tsx', source] : null;
      if (!args) { console.log(`(missing: ${compiled})`); failed++; return; }
      const r = spawnSync(process.execPath, [...args, '--out', out], { stdio: 'inherit', env: { ...process.env, CONVNET_OUT: out } });
      if (r.status !== 0) { console.log(`(examples/${file}.ts exited with ${r.status ?? r.signal})`); failed++; }
    });
    console.log(`\n${sections.length - failed} of ${sections.length} sections ran; pictures in ${out}/`);
    return failed ? 1 : 0;
  }),
};
