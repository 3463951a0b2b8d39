// bench/lenet-step.ts — T1's workload, one LeNet-5 training step at batch 64 (forward, cross-entropy,
// backward, SGD with momentum), written against the library passed in, so that the same code runs in Node
// (src/index.ts) and in a page (src/browser.ts's bundle): bench/t1.ts and bench/browser-step.ts.

import type * as Lib from '../src/browser.js';

type Api = Pick<typeof Lib, 'nn' | 'optim' | 'F' | 'randn' | 'randint' | 'manualSeed'>;

export const BATCH = 64;

/** LeNet-5 as the tutorial builds it (5×5 convs, the first padded by 2, max pooling, three linears). */
export function lenet(lib: Api): Lib.nn.Sequential {
  const { nn } = lib;
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(),
    new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10));
}

/** A seeded model, optimizer and batch, and the step that trains on it. */
export function lenetStep(lib: Api): () => void {
  lib.manualSeed(0);
  const model = lenet(lib);
  const opt = new lib.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = lib.randn([BATCH, 1, 28, 28]), y = lib.randint(0, 10, [BATCH]);
  return () => { opt.zeroGrad(); lib.F.crossEntropy(model(x) as Lib.Tensor, y).backward(); opt.step(); };
}

/** Median ms of `steps` calls of `step` after `warmup` untimed ones. */
export function medianMs(step: () => void, steps: number, warmup = 20): number {
  for (let i = 0; i < warmup; i++) step();
  const t: number[] = [];
  for (let i = 0; i < steps; i++) { const t0 = performance.now(); step(); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}
