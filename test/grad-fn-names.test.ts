// test/grad-fn-names.test.ts — gradFn.name is PyTorch's grad_fn.name() (test/fixtures/extras.json, "gradFn",
// from gen_extras_fixtures.py: the same expressions in torch 1.13), printing shows grad_fn=<…>, and
// gradFn.op keeps convnet's op name for messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, randn, tensor } from '../src/index.js';
import { loadFixture } from './nn-fixtures.js';
import { forEachBackend, readsSync } from './helpers/backends.js';

const fx = loadFixture<{ generator: string; gradFn: { expr: string; name: string }[] }>('extras.json');

forEachBackend(`gradFn names vs PyTorch (${fx.generator})`, (backend) => {
  const x = () => randn([2, 3, 4, 4]).requiresGrad_();
  const m = () => randn([2, 5]).requiresGrad_();
  const y = () => tensor([0, 1], { dtype: 'int32' });
  const exprs: Record<string, () => Tensor> = {
    'x.mul(2)': () => x().mul(2), 'x.add(1)': () => x().add(1), 'x.sum()': () => x().sum(),
    'F.conv2d(x, w)': () => F.conv2d(x(), randn([3, 3, 3, 3])), 'F.maxPool2d(x, 2)': () => F.maxPool2d(x(), 2),
    'F.avgPool2d(x, 2)': () => F.avgPool2d(x(), 2), 'F.relu(x)': () => F.relu(x()), 'x.view(-1)': () => x().view([-1]),
    'x.permute(0, 2, 3, 1)': () => x().permute([0, 2, 3, 1]),
    'F.linear(m, W, b)': () => F.linear(m(), randn([3, 5]), randn([3])),
    'F.nllLoss(F.logSoftmax(m, 1), y)': () => F.nllLoss(F.logSoftmax(m(), 1), y()), 'F.crossEntropy(m, y)': () => F.crossEntropy(m(), y()),
    'F.logSoftmax(m, 1)': () => F.logSoftmax(m(), 1), 'F.softmax(m, 1)': () => F.softmax(m(), 1), 'm.exp()': () => m().exp(),
    'F.mseLoss(m, t)': () => F.mseLoss(m(), randn([2, 5])), 'F.gelu(m)': () => F.gelu(m()), 'F.elu(m)': () => F.elu(m()),
    'F.smoothL1Loss(m, t)': () => F.smoothL1Loss(m(), randn([2, 5])), 'F.adaptiveAvgPool2d(x, 2)': () => F.adaptiveAvgPool2d(x(), 2),
    'm.clamp(0, 1)': () => m().clamp(0, 1), 'm.sigmoid()': () => m().sigmoid(),
    'x.mean()': () => x().mean(), 'm.mean(1)': () => m().mean(1), 'm.sum(1)': () => m().sum(1), 'm.matmul(W)': () => m().matmul(randn([5, 3])),
  };
  for (const c of fx.gradFn) {
    test(`${c.expr}: ${c.name}`, () => {
      const f = exprs[c.expr];
      assert.ok(f, `no convnet expression for ${c.expr}`);
      assert.equal(f().gradFn?.name, c.name);
    });
  }

  test("printing shows PyTorch's grad_fn (where values print synchronously), and gradFn.op convnet's op", () => {
    const t = tensor([1, 2], { requiresGrad: true }).mul(2);
    if (readsSync(backend)) assert.equal(t.toString(), 'tensor([2., 4.], grad_fn=<MulBackward0>)');
    assert.equal(t.gradFn!.op, 'mul');
  });
});
