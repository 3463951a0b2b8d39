// test/cli.test.ts — the `convnet` command, run as a user runs it (a child process): the command list,
// usage errors (exit code 2 with the usage), train → checkpoint → resume → eval on the shipped subset,
// a damaged checkpoint, and `convnet start`.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkOfPng, readLine } from './helpers/figure.js';
import { CLI, convnet as runCli } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUBSET = join(root, 'data/fashion-mnist-subset');
let tmp = '';
before(() => { tmp = mkdtempSync(join(tmpdir(), 'convnet-cli-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

/** Runs the built CLI (test/helpers/cli.ts). */
const convnet = (...args: string[]) => runCli(args);

describe('convnet', { concurrency: 2 }, () => { // its tests are child processes with their own folders
  test('train: an --out that cannot be written is an error before any training; an interrupted save\'s temporaries are removed at the next start', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const r = await convnet('train', '--data', SUBSET, '--limit', '64', '--epochs', '1', '--out', join(file, 'run'), '--quiet');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`--out ${join(file, 'run')}: checkpoints cannot be written there \\(ENOTDIR\\)`));
    assert.doesNotMatch(r.out + r.err, /epoch 1/);
    // What a kill between write and rename leaves: old enough to be nobody's write in progress.
    const out = join(tmp, 'orphans');
    mkdirSync(out, { recursive: true });
    const orphan = join(out, '.model.safetensors.0123456789abcdef.tmp'), old = new Date(Date.now() - 3_600_000);
    writeFileSync(orphan, 'half a file');
    utimesSync(orphan, old, old);
    const t = await convnet('train', '--data', SUBSET, '--limit', '64', '--test-limit', '64', '--epochs', '1', '--backend', 'wasm', '--out', out, '--quiet');
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /removed 1 temporary file\(s\) an interrupted save left in/);
    assert.ok(!existsSync(orphan));
    assert.ok(existsSync(join(out, 'model.safetensors')));
  });

  test('package.json\'s bin is the one-file bundle dist/cli/convnet.js, whose shebang makes it executable as `convnet`', async () => {
    const bin = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.convnet;
    assert.equal(join(root, bin), CLI);
    assert.ok(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'));
    // one file: no import of convnet's own modules (only node: built-ins and npm packages)
    const relative = [...readFileSync(CLI, 'utf8').matchAll(/^import .* from ["'](\.[^"']*)["']/gm)].map((m) => m[1]);
    assert.deepEqual(relative, []);
  });

  test('help lists the commands; no command is a usage error', async () => {
    const h = await convnet('help');
    assert.equal(h.code, 0);
    for (const c of ['train', 'eval', 'start']) assert.match(h.out, new RegExp(`^  ${c} `, 'm'));
    const none = await convnet();
    assert.equal(none.code, 2);
    assert.match(none.out, /usage: convnet <command>/);
    const t = await convnet('train', '--help');
    assert.equal(t.code, 0);
    assert.match(t.out, /--optimizer NAME/);
  });

  test('require(\'convnet-ts\') says the package is an ES module and shows the import line; import() loads it', async () => {
    const req = spawnSync(process.execPath, ['-e', "require('convnet-ts')"], { cwd: root, encoding: 'utf8' });
    assert.notEqual(req.status, 0);
    assert.match(req.stderr, /convnet-ts is an ES module and cannot be loaded with require\(\)/);
    assert.match(req.stderr, /import \{ tensor, nn, F, optim \} from 'convnet-ts';/);
    const imp = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('convnet-ts'); console.log(typeof m.tensor, typeof m.nn.Conv2d)"], { cwd: root, encoding: 'utf8' });
    assert.equal(imp.stdout, 'function function\n', imp.stderr);
  });

  test('tour in an installed package: compiled examples run with plain node (no tsx), pictures go to ./out', { timeout: 120_000 }, async () => {
    // An install as npm makes it: the package's files in node_modules/convnet-ts, its dependencies beside
    // it, and no devDependency (tsx) anywhere the package could resolve it.
    const proj = mkdtempSync(join(tmp, 'installed-'));
    const pkg = join(proj, 'node_modules', 'convnet-ts');
    mkdirSync(pkg, { recursive: true });
    for (const f of ['package.json', 'dist', 'assets']) cpSync(join(root, f), join(pkg, f), { recursive: true });
    // the dependencies and theirs, as npm would install them (flat)
    const todo = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies);
    for (const done = new Set<string>(); todo.length;) {
      const dep = todo.pop()!;
      if (done.has(dep)) continue;
      done.add(dep);
      cpSync(join(root, 'node_modules', dep), join(proj, 'node_modules', dep), { recursive: true, dereference: true });
      todo.push(...Object.keys(JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf8')).dependencies ?? {}));
    }
    const bin = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).bin.convnet;
    const r = spawnSync(process.execPath, [join(pkg, bin), 'tour', 'edge-detection'], { cwd: proj, encoding: 'utf8', timeout: 100_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`1 of 1 sections ran; pictures in ${join(proj, 'out').replace(/[/\\]/g, '.')}/`));
    assert.deepEqual([...readFileSync(join(proj, 'out', 'edge-detection', 'sobel.png')).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.ok(!existsSync(join(pkg, 'out')), 'pictures were written inside the package');
  });

  test('--version reads package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const r = await convnet('--version');
    assert.equal(r.code, 0);
    assert.equal(r.out, `convnet ${pkg.version} (npm package ${pkg.name})\n`);
  });

  test('every command\'s --help lists every flag, and every flag that takes a value says its default (or that it is required)', async () => {
    const { listCommands } = await import('../src/cli/registry.js');
    await import('../src/cli/commands.js');
    const cmds = listCommands();
    assert.ok(cmds.length >= 8, `only ${cmds.length} commands registered`);
    for (const cmd of cmds) {
      // A flag's entry: from its line (indented, starting with -x, or --name) to the next flag's line.
      const entries = cmd.usage.split(/\n(?=  {1,3}(?:-\w, )?--|  [A-Z]+ )/);
      for (const [name, spec] of Object.entries(cmd.options ?? {})) {
        if (name === 'help') continue; // every command's; the overview says so
        const entry = entries.find((e) => new RegExp(`^ {1,3}(-\\w, )?(--[\\w-]+, )?--${name}\\b`).test(e) || new RegExp(`--[\\w-]+, --${name}\\b`).test(e.split('\n')[0]));
        assert.ok(entry, `convnet ${cmd.name} --help does not explain --${name}`);
        if (spec.type === 'string') assert.match(entry!, /default|required/, `convnet ${cmd.name} --help: --${name} has no default`);
      }
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown command', ['trian'], /unknown command 'trian'; did you mean 'train'\?/],
    ['unknown flag', ['train', '--epoch', '3'], /unknown flag --epoch; did you mean --epochs\?/],
    ['misspelt flag', ['filter', '--nomralize', 'x', 'in.png'], /unknown flag --nomralize; did you mean --normalize\?/],
    ['unknown flag, nothing near', ['train', '--zzz'], /unknown flag --zzz \(convnet help train lists the flags\)/],
    ['missing flag value', ['train', '--epochs'], /--epochs/],
    ['not a number', ['train', '--epochs', 'three'], /--epochs must be an integer >= 1, got "three"/],
    ['bad learning rate', ['train', '--lr=-1'], /--lr must be a positive number, got "-1"/],
    ['unknown optimizer', ['train', '--optimizer', 'rmsprop'], /--optimizer must be one of sgd, adam, adamw, got "rmsprop"/],
    ['misspelt backend', ['train', '--backend', 'wsam'], /--backend must be one of auto, ref, wasm(, webgpu)?, got "wsam"; did you mean wasm\?/],
    ['unknown model', ['train', '--model', 'resnet'], /--model must be one of lenet5, cnn-bn, got "resnet"/],
    ['stray positional', ['train', 'data/'], /Unexpected argument 'data\/'/],
    ['eval without --checkpoint', ['eval'], /--checkpoint is required/],
    ['resume without a checkpoint', ['train', '--resume', '--out', '/nonexistent/run'], /--resume: no checkpoint in \/nonexistent\/run/],
  ];
  for (const [name, args, re] of bad) {
    test(`bad command line: ${name} → message, usage, exit code 2`, async () => {
      const r = await convnet(...args);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, re);
      if (name !== 'unknown command') assert.match(r.err, /usage: convnet /);
      assert.ok(!/\n\s+at /.test(r.err), `no stack trace:\n${r.err}`);
    });
  }

  test('train → checkpoint; --resume continues; eval reproduces the accuracy; a damaged checkpoint is an error', { timeout: 240_000 }, async () => {
    const out = join(tmp, 'run');
    // --scheduler step: a cosine schedule sized for the first run's 1 epoch would have ended, and --resume
    // --epochs 2 refuses that (the 'keeps a record' test checks it).
    const common = ['--data', SUBSET, '--limit', '640', '--batch-size', '64', '--backend', 'ref', '--out', out, '--quiet', '--scheduler', 'step'];
    const first = await convnet('train', '--epochs', '1', ...common, '--test-limit', '200');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /training lenet5 \(61,706 parameters\) on .*: 640 training \/ 200 test images/);
    assert.match(first.out, /epoch 1\/1  train loss \d\.\d+ acc/);
    const manifest = () => JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    assert.deepEqual(manifest(), {
      format: 'convnet.checkpoint', version: 1, epoch: 1, model: 'epoch-0001.model.safetensors', trainState: 'epoch-0001.train-state.safetensors',
    });
    assert.ok(existsSync(join(out, 'model.safetensors')) && existsSync(join(out, manifest().trainState)));

    const second = await convnet('train', '--epochs', '2', '--resume', ...common, '--test-limit', '200');
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /resuming .* after epoch 1 of 2/);
    assert.match(second.out, /epoch 2\/2  train loss/);
    assert.doesNotMatch(second.out, /epoch 1\/2/);
    const acc = second.out.match(/test accuracy (\d+\.\d+)% \((\d+)\/200\)/);
    assert.ok(acc, second.out);

    const ev = await convnet('eval', '--checkpoint', out, '--data', SUBSET, '--limit', '200', '--backend', 'ref');
    assert.equal(ev.code, 0, ev.err);
    assert.match(ev.out, /lenet5 from .* \(epoch 2\) on 200 test images/);
    assert.match(ev.out, new RegExp(`test accuracy ${acc![1].replace('.', '\\.')}% \\(${acc![2]}/200\\)`));
    assert.match(ev.out, /true \\ predicted/);

    const file = join(out, manifest().model);
    const bytes = readFileSync(file);
    rmSync(file); // model.safetensors may be a hard link to it: damage this name only
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    const broken = await convnet('eval', '--checkpoint', out, '--data', SUBSET);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /convnet eval: safetensors .*epoch-0002\.model\.safetensors: .*out of range: the data section has \d+ bytes \(truncated file\?\)/);
    assert.ok(!/\n\s+at /.test(broken.err), `no stack trace:\n${broken.err}`);
  });

  test('--resume of an --augment run with dropout is bit-identical to the uninterrupted run (the random streams are saved)', { timeout: 240_000 }, async () => {
    // wasm: the random streams do not depend on the backend, and wasm's kernels give the same bits run to run
    // (and are faster than ref's).
    const common = ['--data', SUBSET, '--limit', '64', '--test-limit', '20', '--batch-size', '32', '--backend', 'wasm', '--model', 'cnn-bn', '--augment', '--scheduler', 'none', '--quiet'];
    const straight = join(tmp, 'straight'), resumed = join(tmp, 'resumed');
    for (const r of [
      await convnet('train', '--epochs', '2', '--out', straight, ...common),
      await convnet('train', '--epochs', '1', '--out', resumed, ...common),
      await convnet('train', '--epochs', '2', '--resume', '--out', resumed, ...common),
    ]) assert.equal(r.code, 0, r.err);
    const a = readFileSync(join(straight, 'model.safetensors')), b = readFileSync(join(resumed, 'model.safetensors'));
    assert.ok(a.equals(b), 'the resumed run\'s model differs from the uninterrupted run\'s');
  });

  test('train keeps a record in --out: metrics.jsonl as printed, the best checkpoint in best/ (eval reproduces it), curves.svg; --resume drops lines after its checkpoint', { timeout: 240_000 }, async () => {
    const out = join(tmp, 'recorded');
    // StepLR (x0.1 every epoch for runs this short): a cosine schedule sized for 2 epochs has ended at the
    // checkpoint, and --resume --epochs 3 refuses it (checked at the end).
    const common = ['--data', SUBSET, '--limit', '128', '--test-limit', '50', '--backend', 'ref', '--out', out, '--quiet', '--scheduler', 'step'];
    const first = await convnet('train', '--epochs', '2', '--early-stopping', '5', ...common);
    assert.equal(first.code, 0, first.err);
    // What a kill after epoch 3's line but before its checkpoint would leave: a line --resume must drop.
    const file = join(out, 'metrics.jsonl');
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"epoch":3,"trainLoss":9,"trainAccuracy":1,"testLoss":9,"testAccuracy":1,"lr":1,"seconds":1,"imagesPerSecond":1}\n`);
    const second = await convnet('train', '--epochs', '3', '--resume', ...common);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /resuming .* after epoch 2 of 3\ndropped 1 line\(s\) of .*metrics\.jsonl/);
    assert.match(second.out, /, early stopping after 5 epochs without improvement,/); // the setting came from the checkpoint

    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends in a newline');
    const records = lines.map((l) => JSON.parse(l));
    assert.deepEqual(records.map((r) => r.epoch), [1, 2, 3]);
    // Every line holds what the run printed for its epoch (formatEpoch rounds; the file keeps every digit).
    const printed = `${first.out}${second.out}`.match(/^epoch \d\/\d .*$/gm)!;
    assert.equal(printed.length, 3);
    records.forEach((r, i) => {
      const head = `epoch ${r.epoch}/${i < 2 ? 2 : 3}  train loss ${r.trainLoss.toFixed(4)} acc ${(100 * r.trainAccuracy).toFixed(1)}%  ` +
        `test loss ${r.testLoss.toFixed(4)} acc ${(100 * r.testAccuracy).toFixed(2)}%  `;
      assert.equal(printed[i].slice(0, head.length), head);
      assert.match(printed[i].slice(head.length), new RegExp(`^\\d+:\\d\\d \\(${r.seconds.toFixed(1)}s, ${r.imagesPerSecond.toFixed(0)} img/s\\)$`));
    });
    // SGD's default lr 0.05, times 0.1 after each epoch (StepLR, stepSize round(2 / 3) = 1, kept on resume).
    assert.deepEqual(records.map((r) => r.lr), [0.05, 0.05 * 0.1, 0.05 * 0.1 * 0.1]);

    // best/: the first epoch with the highest test accuracy; eval of it gives that accuracy exactly.
    const best = records.reduce((b, r) => (r.testAccuracy > b.testAccuracy ? r : b));
    assert.match(second.out, new RegExp(`best: .*best \\(epoch ${best.epoch}, test accuracy ${(100 * best.testAccuracy).toFixed(2)}%\\)`));
    const ev = await convnet('eval', '--checkpoint', join(out, 'best'), '--data', SUBSET, '--limit', '50', '--backend', 'ref');
    assert.equal(ev.code, 0, ev.err);
    assert.match(ev.out, new RegExp(`lenet5 from .*best \\(epoch ${best.epoch}\\) on 50 test images`));
    const acc = ev.out.match(/test accuracy \d+\.\d+% \((\d+)\/50\)/);
    assert.ok(acc, ev.out);
    assert.equal(Number(acc[1]) / 50, best.testAccuracy);

    // curves.svg: redrawn after the last epoch, 3 markers in each of the 4 series (+ 2 in the legend).
    const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
    assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.match(svg, /<text class="title"[^>]*>lenet5: /);
    assert.equal(svg.match(/<circle /g)?.length, 4 * 3 + 2);

    // A cosine run whose schedule has ended cannot be resumed past its end (its lr would be 0).
    const cosine = join(tmp, 'cosine'), small = ['--data', SUBSET, '--limit', '64', '--test-limit', '20', '--backend', 'ref', '--quiet', '--out', cosine];
    assert.equal((await convnet('train', '--epochs', '1', ...small)).code, 0);
    const past = await convnet('train', '--epochs', '2', '--resume', ...small);
    assert.equal(past.code, 2);
    assert.match(past.err, /--resume --epochs 2: the run's cosine schedule ended after epoch 1 \(lr 0\), so the epochs after it would not train/);
  });

  test('start trains LeNet-5 on the shipped subset and says what it learned', { timeout: 240_000 }, async () => {
    const pics = join(tmp, 'start-pictures');
    const r = await convnet('start', '--epochs', '1', '--backend', 'wasm', '--out', pics);
    assert.equal(r.code, 0, r.err);
    // The pictures of what it learned: PNG files (signature 89 50 4E 47).
    for (const f of ['conv1-kernels.png', 'input.png', 'conv1-maps.png', 'conv2-maps.png']) {
      assert.deepEqual([...readFileSync(join(pics, f)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], f);
    }
    // Each says what it shows: its title band, read back from the pixels (vis/annotate.ts's layout).
    const titles: Record<string, RegExp> = {
      'conv1-kernels.png': /^features\.0 \(conv1\): 6 kernels 5×5$/, 'input.png': /^input: test image 0, an? \S/,
      'conv1-maps.png': /^conv1 feature maps of an? \S/, 'conv2-maps.png': /^conv2 feature maps of an? \S/,
    };
    for (const [f, title] of Object.entries(titles)) assert.match(readLine(await inkOfPng(join(pics, f)), 8, 8, 2), title, f);
    assert.match(r.out, /5000 training \/ 1000 test images/);
    assert.match(r.out, /Sequential\(/);
    assert.match(r.out, /1 Trouser\s+(\d+\s+){10}\s*\d+\.\d%/);
    assert.match(r.out, /most confused: /);
    const m = r.out.match(/test accuracy (\d+\.\d+)% on 1000 held-out images/);
    assert.ok(m && Number(m[1]) > 50, r.out);
  });
});
