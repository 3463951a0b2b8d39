// Every differentiable op, checked against float64 central finite differences (gradcheck), over a table
// of options. One line per case; the name says the case.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { F, gradcheck, manualSeed, randn, rand, tensor, Tensor, cat, stack, matmul, where, sin } from '../src/index.js';
import { forEachBackend } from './helpers/backends.js';

manualSeed(1234);
const r = (shape: number[]) => randn(shape, { requiresGrad: true });
const pos = (shape: number[]) => rand(shape).add(0.5).requiresGrad_();

type Case = [string, (...xs: Tensor[]) => Tensor, Tensor[]];

const elementwise: Case[] = [
  ['add broadcast [2,3]+[3]', (a, b) => a.add(b), [r([2, 3]), r([3])]],
  ['sub broadcast [2,1]-[1,3]', (a, b) => a.sub(b), [r([2, 1]), r([1, 3])]],
  ['mul broadcast [2,3,4]*[3,1]', (a, b) => a.mul(b), [r([2, 3, 4]), r([3, 1])]],
  ['div [3,4]/[4]', (a, b) => a.div(b), [r([3, 4]), pos([4])]],
  ['pow positive base, tensor exponent', (a, b) => a.pow(b), [pos([5]), r([5])]],
  ['pow by number 3', (a) => a.pow(3), [r([4])]],
  ['neg exp log sqrt', (a) => a.neg().exp().add(1).log().add(a.abs().add(0.1).sqrt()), [r([6])]],
  ['abs away from 0', (a) => a.abs(), [tensor([-2, -0.5, 0.7, 3], { requiresGrad: true })]],
  ['relu away from 0', (a) => a.relu(), [tensor([-2, -0.5, 0.7, 3], { requiresGrad: true })]],
  ['sigmoid tanh', (a) => a.sigmoid().mul(a.tanh()), [r([3, 3])]],
  ['maximum minimum without ties', (a, b) => a.maximum(b).add(a.minimum(b).mul(2)), [r([5]), r([5])]],
  ['clamp(-0.5, 0.5) away from the bounds', (a) => a.clamp(-0.5, 0.5), [tensor([-1, -0.2, 0.3, 0.9], { requiresGrad: true })]],
  ['where(mask, a, b)', (a, b) => where(a.gt(0), a, b.mul(2)), [r([6]), r([6])]],
];

const reductions: Case[] = [
  ['sum all', (a) => a.sum(), [r([3, 4])]],
  ['sum dim 1 keepdim', (a) => a.sum(1, true), [r([3, 4, 2])]],
  ['sum dims [0,2]', (a) => a.sum([0, 2]), [r([3, 4, 2])]],
  ['mean dim -1', (a) => a.mean(-1), [r([3, 4])]],
  ['amax dim 0 (no ties)', (a) => a.amax(0), [r([4, 3])]],
  ['max(dim 1).values', (a) => a.max(1).values, [r([3, 5])]],
  ['min all', (a) => a.min(), [r([3, 5])]],
  ['var dim 1 unbiased', (a) => a.var(1), [r([3, 5])]],
  ['std all, correction 0', (a) => a.std(undefined, { correction: 0 }), [r([3, 5])]],
  ['logSumExp dim 1', (a) => a.logSumExp(1), [r([3, 5])]],
  ['prod dim 0', (a) => a.prod(0), [pos([3, 2])]],
];

const shapes: Case[] = [
  ['reshape + permute', (a) => a.reshape(2, 3, 2).permute(2, 0, 1).mul(tensor([1, 2, 3]).reshape(1, 1, 3)), [r([3, 4])]],
  ['transpose + expand', (a) => a.transpose(0, 1).expand(2, 3, 2), [r([2, 3])]],
  ['narrow + select', (a) => a.narrow(1, 1, 2).select(0, 1), [r([3, 4])]],
  ['cat dim 1', (a, b) => cat([a, b], 1).mul(tensor([1, 2, 3, 4, 5])), [r([2, 2]), r([2, 3])]],
  ['stack dim 0', (a, b) => stack([a, b]).mul(tensor([[1], [3]])), [r([3]), r([3])]],
  ['split + flip', (a) => a.split(2, 1)[1].flip(0), [r([3, 4])]],
];

const linear: Case[] = [
  ['matmul 2-D', (a, b) => matmul(a, b), [r([3, 4]), r([4, 2])]],
  ['matmul batched broadcast [2,3,4]@[4,5]', (a, b) => matmul(a, b), [r([2, 3, 4]), r([4, 5])]],
  ['matmul vector-matrix', (a, b) => matmul(a, b), [r([4]), r([4, 3])]],
  ['matmul dot', (a, b) => matmul(a, b), [r([4]), r([4])]],
];

const conv: Case[] = [];
const convCases: [string, number[], number[], boolean, object][] = [
  ['x=[2,3,6,5] w=[4,3,3,3] s=1 p=0', [2, 3, 6, 5], [4, 3, 3, 3], true, {}],
  ['x=[1,2,7,7] w=[2,2,3,2] s=2 p=1', [1, 2, 7, 7], [2, 2, 3, 2], true, { stride: 2, padding: 1 }],
  ['x=[1,2,7,6] w=[3,2,3,3] s=[2,1] p=[1,2] d=[1,2]', [1, 2, 7, 6], [3, 2, 3, 3], true, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }],
  ['x=[1,4,5,5] w=[4,2,2,2] g=2 p=same', [1, 4, 5, 5], [4, 2, 2, 2], false, { groups: 2, padding: 'same' }],
  ['x=[2,3,5,5] w=[3,1,3,3] depthwise p=1', [2, 3, 5, 5], [3, 1, 3, 3], true, { groups: 3, padding: 1 }],
  ['x=[1,1,6,6] w=[1,1,3,3] d=2 p=same', [1, 1, 6, 6], [1, 1, 3, 3], false, { dilation: 2, padding: 'same' }],
  ['x=[1,2,5,6] w=[2,2,3,3] p=1 mode=reflect', [1, 2, 5, 6], [2, 2, 3, 3], true, { padding: 1, paddingMode: 'reflect' }],
  ['x=[1,2,5,6] w=[2,2,3,3] p=[2,1] mode=replicate', [1, 2, 5, 6], [2, 2, 3, 3], true, { padding: [2, 1], paddingMode: 'replicate' }],
  ['x=[1,2,4,5] w=[2,2,3,3] p=2 mode=circular', [1, 2, 4, 5], [2, 2, 3, 3], true, { padding: 2, paddingMode: 'circular' }],
  ['x=[2,4,4] unbatched w=[3,2,1,1]', [2, 4, 4], [3, 2, 1, 1], true, {}],
];
for (const [name, xs, ws, bias, opts] of convCases) {
  const inputs = [r(xs), r(ws)];
  if (bias) inputs.push(r([ws[0]]));
  conv.push([`conv2d ${name}`, (x, w, b) => F.conv2d(x, w, b ?? null, opts), inputs]);
}
conv.push(['conv1d x=[2,3,9] w=[4,3,3] s=2 p=1 d=2', (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }), [r([2, 3, 9]), r([4, 3, 3]), r([4])]]);
conv.push(['conv1d x=[2,7] unbatched p=same mode=circular', (x, w) => F.conv1d(x, w, null, { padding: 'same', paddingMode: 'circular' }), [r([2, 7]), r([2, 2, 4])]]);
conv.push(['corr2d', (x, k) => F.corr2d(x, k), [r([5, 6]), r([2, 3])]]);
conv.push(['convolve2d full', (x, k) => F.convolve2d(x, k, { mode: 'full' }), [r([4, 5]), r([3, 2])]]);
conv.push(['convolve2d same', (x, k) => F.convolve2d(x, k, { mode: 'same' }), [r([4, 5]), r([2, 3])]]);

const padCases: Case[] = [
  ['pad constant [1,2,0,1] value 0.5', (x) => F.pad(x, [1, 2, 0, 1], { value: 0.5 }), [r([2, 3, 4])]],
  ['pad constant negative [-1,1]', (x) => F.pad(x, [-1, 1]), [r([2, 4])]],
  ['pad reflect [2,1,1,2]', (x) => F.pad(x, [2, 1, 1, 2], { mode: 'reflect' }), [r([1, 2, 4, 4])]],
  ['pad replicate [3,0,0,2]', (x) => F.pad(x, [3, 0, 0, 2], { mode: 'replicate' }), [r([1, 3, 3])]],
  ['pad circular [2,3,1,1]', (x) => F.pad(x, [2, 3, 1, 1], { mode: 'circular' }), [r([1, 1, 3, 4])]],
  ['pad reflect 1-D [2,2]', (x) => F.pad(x, [2, 2], { mode: 'reflect' }), [r([2, 5])]],
];

// Max pooling is differentiable where the arg-max is unique; random inputs have no ties.
const poolCases: Case[] = [
  ['maxPool2d k=2', (x) => F.maxPool2d(x, 2), [r([1, 2, 4, 5])]],
  ['maxPool2d k=3 s=2 p=1 ceil', (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [r([1, 2, 6, 7])]],
  ['maxPool2d k=[2,3] d=2 s=1', (x) => F.maxPool2d(x, [2, 3], { stride: 1, dilation: 2 }), [r([2, 1, 6, 7])]],
  ['maxPool1d k=3 s=2 p=1', (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }), [r([2, 3, 8])]],
  ['avgPool2d k=3 s=2 p=1 ceil no-pad-count', (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [r([1, 2, 6, 7])]],
  ['avgPool2d k=2 divisorOverride=3', (x) => F.avgPool2d(x, 2, { divisorOverride: 3 }), [r([1, 1, 4, 4])]],
  ['avgPool1d k=2 p=1', (x) => F.avgPool1d(x, 2, { padding: 1 }), [r([1, 2, 5])]],
  ['adaptiveAvgPool2d 7x5 -> [3,4]', (x) => F.adaptiveAvgPool2d(x, [3, 4]), [r([1, 2, 7, 5])]],
  ['adaptiveMaxPool2d 5x5 -> 3', (x) => F.adaptiveMaxPool2d(x, 3), [r([2, 5, 5])]],
];

// Every backend: float64 work may be delegated (wasm hands it to ref), but the dispatch is checked too.
// The inputs above are made once, at load; gradcheck copies them to float64 leaves of the active backend.
// gradcheck is float64 throughout: a backend without float64 (webgpu) checks instead that it refuses it.
forEachBackend('gradcheck (float64 central differences)', () => {
  for (const [group, cases] of [['elementwise', elementwise], ['reductions', reductions], ['shapes', shapes], ['matmul', linear],
    ['convolution', conv], ['padding', padCases], ['pooling', poolCases]] as const) {
    describe(group, () => {
      for (const [name, fn, inputs] of cases) {
        it(name, () => assert.equal(gradcheck(fn, inputs), true));
      }
    });
  }

  it('several outputs sharing a subgraph (each backward but the last keeps the graph)', () => {
    assert.equal(gradcheck((x) => { const y = x.exp(); return [y, sin(y)]; }, [r([4])]), true);
  });

  it('gradcheck catches a wrong gradient', () => {
    // A deliberately wrong backward: d/dx of x·x reported as x instead of 2x.
    const wrong = (x: Tensor) => x.detach().mul(x); // detaching one factor halves the gradient
    assert.throws(() => gradcheck(wrong, [r([3])]), /gradcheck: gradient of input 0/);
  });
}, { float64: true });
