// test/layers-fixtures.test.ts — the layers CNN tutorials use (issue 14, part D) against PyTorch
// (test/fixtures/layers.json, written by gen_layers_fixtures.py with torch 1.13): padding layers,
// ConvTranspose1d/2d, Upsample / F.interpolate, LayerNorm / GroupNorm / InstanceNorm, Dropout2d in eval,
// Identity.
//
// Modules: PyTorch's state dict is loaded, the layer runs in float32 on the fixture input, and
// out.mul(gradOutput).sum().backward() must give PyTorch's output, input gradient and parameter gradients
// (abs 1e-4 + rel 1e-4); buffers after the forward and toString() must match too.
// Functions: F.* called with the fixture's positional arguments and options, in float64 where the backend
// has it (abs/rel 1e-9) and in float32 (abs/rel 1e-4); the output and the gradient of every tensor argument.
// Every case runs on every registered backend (forEachBackend; ref first), values read with dataAsync().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, nn } from '../src/index.js';
import { assertFixture, checkModuleCase, fromFixture, loadFixture, type FixtureTensor, type ModuleCase } from './nn-fixtures.js';
import { forEachBackend, widestFloat } from './helpers/backends.js';

interface LayerModuleCase extends ModuleCase {
  group: string;
}
interface FunctionCase {
  name: string; group: string; op: string; tensors: Record<string, FixtureTensor>; args: unknown[]; options: Record<string, unknown>;
  output: FixtureTensor; gradOutput: FixtureTensor; grads: Record<string, FixtureTensor>;
}

const fx = loadFixture<{ generator: string; modules: LayerModuleCase[]; functions: FunctionCase[] }>('layers.json');


async function runFunction(c: FunctionCase, dtype: 'float32' | 'float64'): Promise<void> {
  const ts: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.tensors)) ts[k] = fromFixture(v, dtype).requiresGrad_();
  const resolve = (a: unknown) => (typeof a === 'string' && a.startsWith('@') ? ts[a.slice(1)] : a);
  const args = c.args.map(resolve);
  const opts = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, resolve(v)]));
  if (Object.keys(opts).length) args.push(opts);
  const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.op];
  assert.equal(typeof fn, 'function', `F.${c.op} exists`);
  const out = fn(ts.input, ...args);
  const [atol, rtol] = dtype === 'float64' ? [1e-9, 1e-9] : [1e-4, 1e-4];
  await assertFixture(out, c.output, 'output', atol, rtol);
  assert.equal(out.dtype, dtype);
  out.mul(fromFixture(c.gradOutput, dtype)).sum().backward();
  for (const [k, g] of Object.entries(c.grads)) await assertFixture(ts[k].grad!, g, `grad ${k}`, atol, rtol);
}

const groups = [...new Set([...fx.modules.map((c) => c.group), ...fx.functions.map((c) => c.group)])];
for (const group of groups) {
  forEachBackend(`${group} vs PyTorch (${fx.generator})`, (backend) => {
    const wide = widestFloat(backend);
    for (const c of fx.modules.filter((m) => m.group === group)) test(`nn.${c.name}`, () => checkModuleCase(c));
    for (const c of fx.functions.filter((f) => f.group === group)) {
      test(`F.${c.name} ${wide}`, () => runFunction(c, wide));
      if (wide !== 'float32') test(`F.${c.name} float32`, () => runFunction(c, 'float32'));
    }
  });
}
