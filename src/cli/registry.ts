// cli/registry.ts — the `convnet` subcommands. A command is registered in its own file with one call,
// and that file is imported by one line in cli/commands.ts:
//
//   registerCommand({
//     name: 'filter', summary: 'apply a classic kernel to an image',
//     usage: 'convnet filter --kernel sobel-x IN.png OUT.png',
//     options: { kernel: { type: 'string' } }, allowPositionals: true,
//     run({ values, positionals }) { … return 0; },
//   });
//
// main.ts parses the flags with node:util parseArgs (strict: unknown flags are errors) and hands the
// values to run(). Bad flags or values (throw UsageError) print the error and the usage and exit with
// code 2; other errors print `convnet NAME: message` and exit with code 1.

import type { ParseArgsConfig } from 'node:util';
import { nearest } from '../tensor/signature.js';
export { nearest };

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** The raw arguments after the command name. */
  argv: string[];
}

export interface Command {
  name: string;
  /** One line for `convnet help`. */
  summary: string;
  /** The usage text shown by `convnet help NAME`, `convnet NAME --help` and after a usage error. */
  usage: string;
  options?: OptionSpec;
  allowPositionals?: boolean;
  /** Returns the exit code (default 0). */
  run(ctx: CommandContext): number | void | Promise<number | void>;
}

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const commands = new Map<string, Command>();

export function registerCommand(cmd: Command): void {
  if (!/^[a-z][a-z0-9-]*$/.test(cmd.name)) throw new Error(`registerCommand: invalid command name ${JSON.stringify(cmd.name)}`);
  if (commands.has(cmd.name)) throw new Error(`registerCommand: a command named '${cmd.name}' is already registered`);
  commands.set(cmd.name, cmd);
}

export function getCommand(name: string): Command | undefined {
  return commands.get(name);
}

export function listCommands(): Command[] {
  return [...commands.values()];
}

// ---- helpers for flag values -------------------------------------------------------------------------

export function intFlag(values: CommandContext['values'], name: string, fallback: number, min = 1): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim()) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function numberFlag(values: CommandContext['values'], name: string, fallback: number | undefined, check: (x: number) => boolean = (x) => x > 0, what = 'a positive number'): number | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(v)}`);
  return n;
}

export function choiceFlag<T extends string>(values: CommandContext['values'], name: string, choices: readonly T[], fallback: T): T {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !choices.includes(v as T)) {
    const guess = typeof v === 'string' ? nearest(v, choices) : undefined;
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}${guess ? `; did you mean ${guess}?` : ''}`);
  }
  return v as T;
}

export function stringFlag(values: CommandContext['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a value`);
  return v;
}
