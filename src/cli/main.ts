#!/usr/bin/env node
// cli/main.ts — the `convnet` command: `convnet <command> [flags]`; `convnet help` lists the commands.

import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getCommand, listCommands, nearest, UsageError, type Command } from './registry.js';
import '../index.js'; // registers the backends, autograd and the Tensor methods
import './commands.js';
import { debugFlag } from '../backend/env.js';

function overview(): string {
  const cmds = listCommands();
  const w = Math.max(...cmds.map((c) => c.name.length));
  return [
    'usage: convnet <command> [flags]',
    '',
    'commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    `  ${'help'.padEnd(w)}  show this list, or a command's flags (convnet help train)`,
    '',
    'convnet --version prints the version; convnet COMMAND --help the flags of a command, with their defaults.',
  ].join('\n');
}

function usageOf(cmd: Command): string {
  return `usage: ${cmd.usage.trim()}`;
}

/** "name version" from package.json (two levels up from src/cli and from dist/cli alike). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `convnet ${pkg.version} (npm package ${pkg.name})`;
}

function unknownCommand(name: string): string {
  const guess = nearest(name, [...listCommands().map((c) => c.name), 'help']);
  return `convnet: unknown command '${name}'${guess ? `; did you mean '${guess}'?` : ''}\n\n${overview()}\n`;
}

/** parseArgs's message, with the nearest known flag when the flag is unknown. */
function flagError(e: Error & { code?: string }, cmd: Command): string {
  const m = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2})([^'=]+)/.exec(e.message) : null;
  if (!m) return e.message;
  const guess = nearest(m[2], Object.keys(cmd.options ?? {}));
  return guess ? `unknown flag ${m[1]}${m[2]}; did you mean --${guess}?` : `unknown flag ${m[1]}${m[2]} (convnet help ${cmd.name} lists the flags)`;
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && rest[0] ? getCommand(rest[0]) : undefined;
    if (name === 'help' && rest[0] && !topic) {
      process.stderr.write(unknownCommand(rest[0]));
      return 2;
    }
    process.stdout.write(`${topic ? usageOf(topic) : overview()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = getCommand(name);
  if (!cmd) {
    process.stderr.write(unknownCommand(name));
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${usageOf(cmd)}\n`);
    return 0;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: cmd.options ?? {}, allowPositionals: cmd.allowPositionals ?? false, strict: true });
    } catch (e) {
      throw new UsageError(flagError(e as Error, cmd));
    }
    const code = await cmd.run({ values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals, argv: rest });
    return code ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`convnet ${name}: ${e.message}\n\n${usageOf(cmd)}\n`);
      return 2;
    }
    process.stderr.write(`convnet ${name}: ${(e as Error).message}\n`);
    if (debugFlag('stack')) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // The command runs as one bundled file (scripts/build-cli.mjs): stack traces name the sources through its
  // source map when someone asks for them.
  if (debugFlag('stack')) process.setSourceMapsEnabled(true);
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`convnet: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
