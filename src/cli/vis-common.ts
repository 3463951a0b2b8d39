// cli/vis-common.ts — what the picture commands (filter, padding-demo, featuremaps, kernels, tour) share:
// argument parsing, the command record they register with cli/main.ts, loading a model from a checkpoint.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import '../index.js'; // registers the backends and the Tensor methods
import { loadCheckpoint } from '../train/checkpoint.js';
import { buildModel } from '../train/models.js';
import type { Module } from '../nn/module.js';
import { checkpointPath } from './common.js';

/** A `convnet` subcommand: run(argv) gets the arguments after the subcommand name, returns the exit code. */
export interface VisCommand {
  name: string;
  /** The flags, for cli/main.ts's strict parse before run() (run parses argv again itself). */
  options: OptionSpec;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number> | number;
}

export class UsageError extends Error {}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors that name the command and show its usage; positionals −1 = any number. */
export function parse(cmd: Pick<VisCommand, 'name' | 'usage'>, argv: string[], options: OptionSpec, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`convnet ${cmd.name}: ${(e as Error).message}\nusage: ${cmd.usage}`);
  }
  if (!parsed.values.help && positionals >= 0 && parsed.positionals.length !== positionals) {
    throw new UsageError(`convnet ${cmd.name}: expected ${positionals} positional argument${positionals === 1 ? '' : 's'}, got ${parsed.positionals.length}\nusage: ${cmd.usage}`);
  }
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

/** An integer flag in [min, max]: a bound on every size or scale flag, so that no value can ask for more
 *  memory than a picture needs (`--size 1e9` once meant gigabytes). */
export function intOption(cmd: string, name: string, v: unknown, fallback: number, min = 1, max = Infinity): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`convnet ${cmd}: --${name} must be an integer ${max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`}, got '${v}'`);
  }
  return n;
}

export function requireOption(cmd: Pick<VisCommand, 'name' | 'usage'>, values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`convnet ${cmd.name}: --${name} is required\nusage: ${cmd.usage}`);
  return v;
}

/** Wraps a command body: usage and input errors become one line on stderr and exit code 2 / 1. */
export async function runCommand(body: () => Promise<number | void> | number | void): Promise<number> {
  try {
    return (await body()) ?? 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

/** Rebuilds the model a checkpoint (or a pretrained model's name) was trained as (its convnet.model metadata, or `modelName`) and loads it. */
export function loadModel(checkpoint: string, modelName?: string): { model: Module; name: string } {
  const ck = loadCheckpoint(checkpointPath(checkpoint));
  const name = modelName ?? ck.modelName ?? 'lenet5';
  const model = buildModel(name);
  model.loadStateDict(ck.modelState);
  model.eval();
  return { model, name };
}
