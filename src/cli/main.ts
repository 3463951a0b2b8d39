#!/usr/bin/env node
// cli/main.ts — the `convnet` command: `convnet <command> [flags]`; `convnet help` lists the commands.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getCommand, listCommands, UsageError, type Command } from './registry.js';
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
  ].join('\n');
}

function usageOf(cmd: Command): string {
  return `usage: ${cmd.usage.trim()}`;
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && rest[0] ? getCommand(rest[0]) : undefined;
    if (name === 'help' && rest[0] && !topic) {
      process.stderr.write(`convnet: unknown command '${rest[0]}'\n\n${overview()}\n`);
      return 2;
    }
    process.stdout.write(`${topic ? usageOf(topic) : overview()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('convnet 0.1.0\n');
    return 0;
  }
  const cmd = getCommand(name);
  if (!cmd) {
    process.stderr.write(`convnet: unknown command '${name}'\n\n${overview()}\n`);
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
      throw new UsageError((e as Error).message);
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
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`convnet: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
