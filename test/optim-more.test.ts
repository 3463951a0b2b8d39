// test/optim-more.test.ts — RMSprop, Adagrad and ReduceLROnPlateau against PyTorch (test/fixtures/extras.json
// from gen_extras_fixtures.py). Each optimizer runs 5 steps of gen_nn_fixtures.py's problem
//   loss = mse(X·Wᵀ + b, Y) + 0.1·Σv²        (parameters W [3, 4], b [3], v [2])
// and the parameters after every step must equal PyTorch's: float64 abs/rel 1e-10, float32 (every
// backend, webgpu included) abs/rel 1e-5. The state dict survives a JSON round trip and continues
// identically; loadStateDict refuses damaged fields. ReduceLROnPlateau: the groups' lrs after each
// step(metric) equal PyTorch's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, nn, optim, tensor } from '../src/index.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { forEachBackend, test64, values } from './helpers/backends.js';

interface OptCase { name: string; optimizer: 'RMSprop' | 'Adagrad'; args: number[]; options: Record<string, unknown>; steps: FixtureTensor[][] }
interface PlateauCase { name: string; args: unknown[]; options: Record<string, unknown>; lr: number; metrics: number[]; lrs: number[][] }
interface Fx {
  generator: string; problem: { X: FixtureTensor; Y: FixtureTensor; init: FixtureTensor[] };
  optimizers: OptCase[]; plateau: PlateauCase[];
}

const fx = loadFixture<Fx>('extras.json');
type Dt = 'float32' | 'float64';

const freshParams = (dt: Dt) => fx.problem.init.map((t) => new nn.Parameter(fromFixture(t, dt)));
const lossOf = ([W, b, v]: Tensor[], dt: Dt) =>
  F.mseLoss(F.linear(fromFixture(fx.problem.X, dt), W, b), fromFixture(fx.problem.Y, dt)).add(v.mul(v).sum().mul(0.1));
const OPTS = { RMSprop: optim.RMSprop, Adagrad: optim.Adagrad } as const;

function make(c: OptCase, params: Tensor[]): optim.Optimizer {
  const C = OPTS[c.optimizer] as unknown as new (...a: unknown[]) => optim.Optimizer;
  return new C(params, ...c.args, ...(Object.keys(c.options).length ? [c.options] : []));
}

function stepOnce(o: optim.Optimizer, params: Tensor[], dt: Dt): void {
  o.zeroGrad();
  lossOf(params, dt).backward();
  o.step();
}

forEachBackend(`RMSprop and Adagrad vs PyTorch (${fx.generator})`, () => {
  for (const c of fx.optimizers) {
    test64(`${c.name}: 5 steps float64`, async () => {
      const params = freshParams('float64');
      const o = make(c, params);
      for (const [s, expected] of c.steps.entries()) {
        stepOnce(o, params, 'float64');
        for (const [i, p] of params.entries()) await assertFixture(p, expected[i], `step ${s + 1} param ${i}`, 1e-10, 1e-10);
      }
    });
    test(`${c.name}: 5 steps float32`, async () => {
      const params = freshParams('float32');
      const o = make(c, params);
      for (const [s, expected] of c.steps.entries()) {
        stepOnce(o, params, 'float32');
        for (const [i, p] of params.entries()) await assertFixture(p, expected[i], `step ${s + 1} param ${i}`, 1e-5, 1e-5);
      }
    });
    test(`${c.name}: stateDict after 2 steps, through JSON into a fresh optimizer, continues identically`, async () => {
      const params = freshParams('float32');
      const o = make(c, params);
      stepOnce(o, params, 'float32');
      stepOnce(o, params, 'float32');
      const sd = o.stateDict();
      const state: Record<string, Record<string, unknown>> = {};
      for (const [k, s] of Object.entries(sd.state)) {
        state[k] = {};
        for (const [n, v] of Object.entries(s)) state[k][n] = v instanceof Tensor ? { shape: v.shape, data: await values(v) } : v;
      }
      const json = JSON.parse(JSON.stringify({ ...sd, state })) as { state: Record<string, Record<string, unknown>>; paramGroups: unknown[] };
      for (const s of Object.values(json.state)) {
        for (const [n, v] of Object.entries(s)) if (typeof v === 'object' && v !== null) s[n] = fromFixture(v as FixtureTensor, 'float32');
      }
      const params2 = params.map((p) => new nn.Parameter(p.detach().clone()));
      const o2 = make(c, params2);
      o2.loadStateDict(json as never);
      for (const s of [2, 3, 4]) {
        stepOnce(o2, params2, 'float32');
        for (const [i, p] of params2.entries()) await assertFixture(p, c.steps[s][i], `step ${s + 1} param ${i}`, 1e-5, 1e-5);
      }
    });
  }

  test('state names are PyTorch\'s in camelCase', () => {
    const ps = freshParams('float32');
    const o = new optim.RMSprop(ps, { momentum: 0.9, centered: true });
    stepOnce(o, ps, 'float32');
    assert.deepEqual(Object.keys(o.stateDict().state[0]).sort(), ['gradAvg', 'momentumBuffer', 'squareAvg', 'step']);
    const a = new optim.Adagrad(ps);
    stepOnce(a, ps, 'float32');
    assert.deepEqual(Object.keys(a.stateDict().state[0]).sort(), ['step', 'sum']);
  });

  test('errors: options named, checked, and damaged state refused', () => {
    const ps = freshParams('float32');
    assert.throws(() => new optim.RMSprop(ps, { weight_decay: 0.1 } as never), /RMSprop: unknown option 'weight_decay': did you mean weightDecay\?/);
    assert.throws(() => new optim.RMSprop(ps, 0.01, true as never), /RMSprop: argument 2 \(alpha\) must be a number, got boolean true/);
    assert.throws(() => new optim.RMSprop(ps, { momentum: -1 }), /RMSprop: invalid momentum value: -1/);
    assert.throws(() => new optim.Adagrad(ps, 0.1, -0.5), /Adagrad: invalid lrDecay value: -0.5/);
    assert.throws(() => new optim.Adagrad(ps, 0.1, 0, 0, 0, 1e-10, 1 as never), /Adagrad: takes 5 positional arguments .* maximize go in the options object/);
    const o = new optim.Adagrad(ps, 0.1);
    const sd = o.stateDict();
    (sd.paramGroups[0] as Record<string, unknown>).lrDecay = 'fast';
    assert.throws(() => o.loadStateDict(sd), /Adagrad.loadStateDict: option 'lrDecay' of parameter group 0 must be a number, got "fast"/);
  });
});

forEachBackend(`ReduceLROnPlateau vs PyTorch (${fx.generator})`, () => {
  const groups = (lr: number) => {
    const p1 = new nn.Parameter(tensor([0, 0])), p2 = new nn.Parameter(tensor([0, 0, 0]));
    return new optim.SGD([{ params: [p1] }, { params: [p2], lr: lr / 4 }], { lr });
  };
  for (const c of fx.plateau) {
    test(c.name, () => {
      const opt = groups(c.lr);
      const s = new optim.lrScheduler.ReduceLROnPlateau(opt, ...(c.args as []), ...(Object.keys(c.options).length ? [c.options] : []) as []);
      c.metrics.forEach((m, i) => {
        s.step(m);
        c.lrs[i].forEach((lr, g) => assert.ok(Math.abs(opt.paramGroups[g].lr - lr) <= 1e-15 * lr, `step ${i + 1} group ${g}: ${opt.paramGroups[g].lr} vs ${lr}`));
      });
    });
  }

  test('stateDict through JSON (best ±∞ as null) continues identically; damaged fields are refused', () => {
    const c = fx.plateau[1];
    const a = groups(c.lr), b = groups(c.lr);
    const sa = new optim.lrScheduler.ReduceLROnPlateau(a, 'min', 0.5, 2);
    const sb = new optim.lrScheduler.ReduceLROnPlateau(b, 'min', 0.5, 2);
    sb.loadStateDict(JSON.parse(JSON.stringify(sa.stateDict())));
    assert.equal(sb.best, Infinity);
    c.metrics.slice(0, 6).forEach((m) => sa.step(m));
    b.paramGroups.forEach((g, i) => { g.lr = a.paramGroups[i].lr; });
    sb.loadStateDict(JSON.parse(JSON.stringify(sa.stateDict())));
    for (const [i, m] of c.metrics.entries()) {
      if (i < 6) continue;
      sb.step(m);
      assert.deepEqual(b.paramGroups.map((g) => g.lr), c.lrs[i], `step ${i + 1}`);
    }
    assert.throws(() => sb.loadStateDict({ patience: 'two' }), /ReduceLROnPlateau.loadStateDict: field 'patience' must be a number, got "two"/);
    assert.throws(() => sb.loadStateDict({ bestScore: 1 }), /ReduceLROnPlateau.loadStateDict: unknown field 'bestScore'/);
  });

  test('errors name the argument', () => {
    const opt = groups(0.1);
    assert.throws(() => new optim.lrScheduler.ReduceLROnPlateau(opt, 'lowest' as never), /ReduceLROnPlateau: mode must be 'min' or 'max', got "lowest"/);
    assert.throws(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { factor: 1 }), /ReduceLROnPlateau: factor should be < 1.0, got 1/);
    assert.throws(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { minLr: [0.1] }), /ReduceLROnPlateau: expected 2 minLr values \(one per parameter group\), got 1/);
    assert.throws(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { min_lr: 0.1 } as never), /did you mean minLr\?/);
  });
});
