// test/optim.test.ts — optimizers and schedulers against PyTorch (test/fixtures/optim.json from
// gen_nn_fixtures.py). Each optimizer runs 5 steps of PyTorch's fixed problem
//   loss = mse(X·Wᵀ + b, Y) + 0.1·Σv²        (parameters W [3, 4], b [3], v [2], float64)
// and the parameters after every step must equal PyTorch's (abs/rel 1e-10); every case runs again with
// float32 parameters (abs/rel 1e-5), which on wasm takes the compiled kernels. Schedulers: getLastLr()
// after construction and after each step equals get_last_lr() (and OneCycleLR's momentum / beta1).
// Every case runs on every registered backend (forEachBackend; ref first, the oracle), reading values
// through `await t.dataAsync()`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, nn, optim, tensor, zeros } from '../src/index.js';
import { fromArray } from '../src/tensor/creation.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { forEachBackend, scalar, test64, values, widestFloat } from './helpers/backends.js';

interface OptCase {
  name: string; optimizer: 'SGD' | 'Adam' | 'AdamW'; options: Record<string, unknown>;
  groups: { params: number[]; options: Record<string, unknown> }[] | null; steps: FixtureTensor[][];
}
interface SchedCase {
  name: string; scheduler: string; args: unknown[]; options: Record<string, unknown>; optimizer: 'SGD' | 'Adam';
  optimizerOptions: Record<string, unknown>; lrs: number[][]; momenta: number[][];
}
interface OptimFixture {
  generator: string;
  problem: { X: FixtureTensor; Y: FixtureTensor; init: FixtureTensor[] };
  optimizers: OptCase[];
  schedulers: SchedCase[];
}

const fx = loadFixture<OptimFixture>('optim.json');
type Dt = 'float32' | 'float64';
const X = (dt: Dt) => fromFixture(fx.problem.X, dt);
const Y = (dt: Dt) => fromFixture(fx.problem.Y, dt);

function freshParams(dt: Dt): nn.Parameter[] {
  return fx.problem.init.map((t) => new nn.Parameter(fromFixture(t, dt)));
}

function lossOf([W, b, v]: Tensor[], dt: Dt): Tensor {
  return F.mseLoss(F.linear(X(dt), W, b), Y(dt)).add(v.mul(v).sum().mul(0.1));
}

const OPTS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW } as const;

function makeOptimizer(c: OptCase, params: Tensor[]): optim.Optimizer {
  const Ctor = OPTS[c.optimizer] as unknown as new (p: unknown, o: unknown) => optim.Optimizer;
  const arg = c.groups ? c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })) : params;
  return new Ctor(arg, c.options);
}

function stepOnce(o: optim.Optimizer, params: Tensor[], dt: Dt): void {
  o.zeroGrad();
  lossOf(params, dt).backward();
  o.step();
}

forEachBackend(`optimizers vs PyTorch (${fx.generator})`, (backend) => {
  // The float64 trajectory is float64 itself (1e-10 of PyTorch); its float32 counterpart is the loop below.
  // The state-dict round trip is not about the dtype: on webgpu (no float64) it runs in float32, 1e-5.
  const wide = widestFloat(backend);
  const [atol, rtol] = wide === 'float64' ? [1e-10, 1e-10] : [1e-5, 1e-5];
  for (const c of fx.optimizers) {
    test64(`${c.name}: 5 steps`, async () => {
      const params = freshParams('float64');
      const o = makeOptimizer(c, params);
      for (const [s, expected] of c.steps.entries()) {
        stepOnce(o, params, 'float64');
        for (const [i, p] of params.entries()) await assertFixture(p, expected[i], `step ${s + 1} param ${i}`, 1e-10, 1e-10);
      }
    });
    test(`${c.name}: stateDict after 2 steps, loaded into a fresh optimizer, continues identically`, async () => {
      const params = freshParams(wide);
      const o = makeOptimizer(c, params);
      stepOnce(o, params, wide);
      stepOnce(o, params, wide);
      // write the state out as a checkpoint would: tensors as { shape, data } read through data()
      const saved = o.stateDict();
      const state: Record<string, Record<string, unknown>> = {};
      for (const [idx, st] of Object.entries(saved.state)) {
        state[idx] = {};
        for (const [k, v] of Object.entries(st)) state[idx][k] = v instanceof Tensor ? { shape: v.shape, data: await values(v) } : v;
      }
      const sd = JSON.parse(JSON.stringify({ ...saved, state }));
      // rebuild tensors as a checkpoint reader would
      for (const st of Object.values(sd.state) as Record<string, unknown>[]) {
        for (const [k, v] of Object.entries(st)) if (v && typeof v === 'object') st[k] = fromFixture(v as FixtureTensor, wide);
      }
      const params2: nn.Parameter[] = [];
      for (const p of params) params2.push(new nn.Parameter(fromArray(await p.dataAsync(), p.shape)));
      const o2 = makeOptimizer({ ...c, options: { ...c.options, lr: 123 } }, params2);
      o2.loadStateDict(sd);
      for (let s = 2; s < 5; s++) stepOnce(o2, params2, wide);
      for (const [i, p] of params2.entries()) await assertFixture(p, c.steps[4][i], `param ${i}`, atol, rtol);
    });
  }
  // The same cases in float32: on wasm these reach the compiled f32x4 kernels (float64 runs JS loops),
  // so every setting (momentum, dampening, nesterov, weight decay, maximize, Adam/AdamW, amsgrad on/off,
  // param groups) is checked there too, within float32 rounding of PyTorch's float64 result.
  for (const c of fx.optimizers) {
    test(`${c.name}: 5 steps with float32 parameters stay within float32 rounding of PyTorch`, async () => {
      const params = freshParams('float32');
      const o = makeOptimizer(c, params);
      for (const [s, expected] of c.steps.entries()) {
        stepOnce(o, params, 'float32');
        for (const [i, p] of params.entries()) await assertFixture(p, expected[i], `step ${s + 1} param ${i}`, 1e-5, 1e-5);
      }
    });
  }
});

// None of these is about the dtype: float64 parameters where the backend has them, float32 on webgpu.
forEachBackend('Optimizer API', (backend) => {
  const wide = widestFloat(backend);
  test('stateDict has PyTorch\'s structure: state by index, paramGroups with options and indices', async () => {
    const [W, b, v] = freshParams(wide);
    const o = new optim.Adam([{ params: [W, b] }, { params: [v], lr: 0.1 }], { lr: 0.01, amsgrad: true });
    const sd0 = o.stateDict();
    assert.deepEqual(sd0.state, {});
    assert.deepEqual(sd0.paramGroups.map((g) => [g.lr, g.params]), [[0.01, [0, 1]], [0.1, [2]]]);
    assert.deepEqual(sd0.paramGroups[0].betas, [0.9, 0.999]);
    stepOnce(o, [W, b, v], wide);
    const sd = o.stateDict();
    assert.deepEqual(Object.keys(sd.state), ['0', '1', '2']);
    assert.deepEqual(Object.keys(sd.state[0]).sort(), ['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    assert.equal(sd.state[2].step, 1);
    assert.deepEqual((sd.state[0].expAvg as Tensor).shape, [3, 4]);
    // copies: changing the saved state does not touch the optimizer
    (sd.state[0].expAvg as Tensor).fill_(9);
    assert.equal((await values(sd.state[0].expAvg as Tensor))[0], 9);
    assert.notEqual((await values(o.state.get(W)!.expAvg as Tensor))[0], 9);
  });

  test('zeroGrad sets gradients to null by default, or to zeros with setToNone: false', async () => {
    const params = freshParams(wide);
    const o = new optim.SGD(params, { lr: 0.1 });
    lossOf(params, wide).backward();
    o.zeroGrad({ setToNone: false });
    for (const p of params) {
      assert.ok(p.grad !== null);
      assert.ok((await values(p.grad)).every((x) => x === 0));
    }
    o.zeroGrad();
    assert.ok(params.every((p) => p.grad === null));
  });

  test('parameters without a gradient are left alone and get no state', async () => {
    const [W, b, v] = freshParams(wide);
    const before = await values(v);
    const o = new optim.SGD([W, b, v], { lr: 0.1, momentum: 0.9 });
    F.mseLoss(F.linear(X(wide), W, b), Y(wide)).backward();
    o.step();
    assert.deepEqual(await values(v), before);
    assert.equal(o.state.has(v), false);
    assert.equal(o.state.has(W), true);
  });

  test('clear errors for bad arguments', () => {
    const p = freshParams(wide);
    assert.throws(() => new optim.SGD([], { lr: 0.1 }), /empty parameter list/);
    assert.throws(() => new optim.SGD(p, {}), /lr is required/);
    assert.throws(() => new optim.SGD(p, { lr: -1 }), /invalid learning rate: -1/);
    assert.throws(() => new optim.SGD(p, { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
    assert.throws(() => new optim.Adam(p, { betas: [1, 0.9] }), /invalid beta parameter at index 0: 1/);
    assert.throws(() => new optim.SGD([{ params: [p[0]] }, { params: [p[0], p[1]] }], { lr: 0.1 }), /more than one parameter group/);
    assert.throws(() => new optim.SGD([p[0].mul(2)], { lr: 0.1 }), /can't optimize a non-leaf Tensor/);
    assert.throws(() => new optim.SGD([{ params: [p[0]], lr: 0.1, mommentum: 0.9 } as never], { lr: 0.1 }), /unknown option 'mommentum'/);
    const o = new optim.SGD(p, { lr: 0.1 });
    assert.throws(() => o.loadStateDict({ state: {}, paramGroups: [] }), /has 0 parameter groups, this optimizer has 1/);
    assert.throws(() => o.loadStateDict({ state: {}, paramGroups: [{ ...o.paramGroups[0], params: [0, 1] }] }), /group 0 has 2 parameters, this optimizer's group 0 has 3/);
  });

  test('training a model with its parameters: loss decreases (SGD with momentum)', async () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
    const o = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = X('float32'), y = Y('float32');
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      o.zeroGrad();
      const l = F.mseLoss(model(x) as Tensor, y);
      l.backward();
      o.step();
      losses.push(await scalar(l));
    }
    assert.ok(losses[29] < losses[0] * 0.5, `losses ${losses[0]} → ${losses[29]}`);
  });
});

const SCHEDS = optim.lrScheduler as unknown as Record<string, new (...a: unknown[]) => optim.LRScheduler>;

forEachBackend(`learning-rate schedulers vs PyTorch get_last_lr (${fx.generator})`, () => {
  for (const c of fx.schedulers) {
    test(c.name, async () => {
      const p1 = new nn.Parameter(zeros([2])), p2 = new nn.Parameter(zeros([3]));
      const Opt = OPTS[c.optimizer] as unknown as new (p: unknown, o: unknown) => optim.Optimizer;
      const o = new Opt([{ params: [p1] }, { params: [p2], lr: (c.optimizerOptions.lr as number) / 4 }], c.optimizerOptions);
      const args = [...c.args];
      if (Object.keys(c.options).length || c.scheduler === 'OneCycleLR') args.push(c.options);
      const s = new SCHEDS[c.scheduler](o, ...args);
      const momentum = () => o.paramGroups.map((g) => ('betas' in g ? (g.betas as number[])[0] : g.momentum as number));
      const lrs = [s.getLastLr()], momenta = [momentum()];
      for (let i = 1; i < c.lrs.length; i++) {
        o.step();
        s.step();
        lrs.push(s.getLastLr());
        momenta.push(momentum());
      }
      for (const [i, lr] of lrs.entries()) await assertFixture(lr, c.lrs[i], `lr after ${i} steps`, 1e-15, 1e-12);
      for (const [i, m] of momenta.entries()) await assertFixture(m, c.momenta[i], `momentum after ${i} steps`, 1e-15, 1e-12);
    });
  }
  test('stateDict/loadStateDict of a scheduler resumes the schedule', async () => {
    const c = fx.schedulers.find((k) => k.scheduler === 'CosineAnnealingLR')!;
    const mk = () => new optim.SGD([{ params: [new nn.Parameter(tensor([1, 2]))] }, { params: [new nn.Parameter(tensor([3]))], lr: 0.025 }], { lr: 0.1, momentum: 0.9 });
    const o1 = mk();
    const s1 = new optim.CosineAnnealingLR(o1, 5, { etaMin: 0.001 });
    for (let i = 0; i < 4; i++) s1.step();
    const o2 = mk();
    o2.loadStateDict(o1.stateDict());
    const s2 = new optim.CosineAnnealingLR(o2, 5, { etaMin: 0.001, lastEpoch: 3 });
    s2.loadStateDict(s1.stateDict());
    for (let i = 5; i < c.lrs.length; i++) {
      s2.step();
      await assertFixture(s2.getLastLr(), c.lrs[i], `lr after ${i} steps`, 1e-15, 1e-12);
    }
  });
});
