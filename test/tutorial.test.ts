// The tutorial's worked examples, computed by the library and compared with the numbers the tutorial
// prints (and, where the tutorial gives no number, with the definition written out by hand below).

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, randn, nn, F, Tensor } from '../src/index.js';
import { assertClose, forEachBackend, nested, readsSync, values } from './helpers/backends.js';
import { corrByHand, EDGE, K9, X5 } from './helpers/tutorial.js';




function edgeImage(): Tensor {
  return tensor(EDGE);
}

forEachBackend('tutorial worked examples', (backend) => {
  it('corr2d([[0,1,2],[3,4,5],[6,7,8]], [[0,1],[2,3]]) = [[19,25],[37,43]]', async () => {
    const Y = F.corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]));
    assert.deepEqual(await nested(Y), [[19, 25], [37, 43]]);
    if (!readsSync(backend)) {
      // A GPU's result cannot be printed synchronously: it says where it is; moved to ref, it prints as the tutorial shows.
      assert.equal(Y.toString(), `tensor(<on ${backend}: read with await t.dataAsync()>, size=(2, 2))`);
      await Y.moveTo('ref');
    }
    assert.equal(Y.toString(), 'tensor([[19., 25.],\n        [37., 43.]])');
  });

  it('edge detection: [[1,-1]] on the 6x8 image gives 1 and -1 at the two edges, 0 elsewhere', async () => {
    const Y = F.corr2d(edgeImage(), tensor([[1, -1]]));
    assert.deepEqual(Y.shape, [6, 7]);
    const row = [0, 1, 0, 0, 0, -1, 0];
    assert.deepEqual(await nested(Y), Array.from({ length: 6 }, () => row));
    // The transposed image has horizontal edges, which this kernel cannot see.
    const Yt = F.corr2d(edgeImage().t(), tensor([[1, -1]]));
    assert.ok((await values(Yt)).every((v) => v === 0));
  });

  it('5x5 input with the 3x3 kernel 1..9: valid, padding 1, stride 2', async () => {
    const x = tensor(X5).reshape(1, 1, 5, 5), k = tensor(K9).reshape(1, 1, 3, 3);
    const valid = F.conv2d(x, k);
    assert.deepEqual(valid.shape, [1, 1, 3, 3]);
    assert.deepEqual(await nested(valid), [[corrByHand(X5, K9)]]);
    assert.deepEqual(await nested(valid), [[[[211, 295, 262], [259, 282, 214], [251, 253, 169]]]]);
    const padded = F.conv2d(x, k, null, { padding: 1 });
    assert.deepEqual(padded.shape, [1, 1, 5, 5]);
    assert.deepEqual(await nested(padded), [[corrByHand(X5, K9, 1)]]);
    const strided = F.conv2d(x, k, null, { stride: 2 });
    assert.deepEqual(await nested(strided), [[corrByHand(X5, K9, 0, 2)]]);
    assert.deepEqual(await nested(strided), [[[[211, 262], [251, 169]]]]);
    const both = F.conv2d(x, k, null, { stride: 2, padding: 1 });
    assert.deepEqual(await nested(both), [[corrByHand(X5, K9, 1, 2)]]);
    assert.deepEqual(both.shape, [1, 1, 3, 3]);
  });

  it('Conv2d(5, 10, 3) on 1x5x100x100 gives 1x10x98x98 with weight 10x5x3x3', () => {
    const conv = new nn.Conv2d(5, 10, 3);
    assert.deepEqual(conv.weight.shape, [10, 5, 3, 3]);
    assert.deepEqual(conv.bias!.shape, [10]);
    assert.deepEqual(conv(randn([1, 5, 100, 100])).shape, [1, 10, 98, 98]);
    const same = new nn.Conv2d(5, 10, 3, { padding: 1, paddingMode: 'reflect' });
    assert.deepEqual(same(randn([1, 5, 100, 100])).shape, [1, 10, 100, 100]);
  });

  it('2x2 pooling of [[0,1,2],[3,4,5],[6,7,8]] with stride 1: max [[4,5],[7,8]], average [[2,3],[5,6]]', async () => {
    const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]).reshape(1, 1, 3, 3);
    assert.deepEqual(await nested(F.maxPool2d(X, 2, { stride: 1 })), [[[[4, 5], [7, 8]]]]);
    assert.deepEqual(await nested(F.avgPool2d(X, 2, { stride: 1 })), [[[[2, 3], [5, 6]]]]);
  });

  it('the four padding modes on the 5x5 input', async () => {
    const x = tensor(X5).reshape(1, 1, 5, 5);
    const at = (mode: string, i: number, j: number): number => {
      // Definitions: zeros outside; reflect mirrors without repeating the edge; replicate repeats it;
      // circular wraps around.
      const map = (p: number): number => {
        if (p >= 0 && p < 5) return p;
        if (mode === 'reflect') return p < 0 ? -p : 8 - p;
        if (mode === 'replicate') return p < 0 ? 0 : 4;
        return (p + 5) % 5;
      };
      if (mode === 'constant' && (i < 0 || i >= 5 || j < 0 || j >= 5)) return 0;
      return X5[map(i)][map(j)];
    };
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      const y = F.pad(x, [2, 1, 1, 2], { mode });
      assert.deepEqual(y.shape, [1, 1, 8, 8]);
      const expected = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => at(mode, i - 1, j - 2)));
      assert.deepEqual(await nested(y), [[expected]], mode);
    }
    // Row 0 of reflect padding by 1 mirrors row 1 of the input.
    assert.deepEqual((await nested(F.pad(x, [1, 1, 1, 1], { mode: 'reflect' })) as number[][][][])[0][0][0], [4, 2, 4, 6, 8, 2, 8]);
  });

  it('convolve2d is corr2d with the kernel rotated by 180 degrees', async () => {
    const X = tensor(X5), K = tensor([[1, 2], [3, 4]]);
    await assertClose(F.convolve2d(X, K), F.corr2d(X, tensor([[4, 3], [2, 1]])));
    assert.deepEqual(F.convolve2d(X, K, { mode: 'full' }).shape, [6, 6]);
    assert.deepEqual(F.convolve2d(X, K, { mode: 'same' }).shape, [5, 5]);
    // Full convolution of a 1x1 impulse reproduces the kernel.
    assert.deepEqual(await nested(F.convolve2d(tensor([[1]]), K, { mode: 'full' })), [[1, 2], [3, 4]]);
  });

  it('gradient of the edge-detecting correlation with respect to the kernel', async () => {
    const X = edgeImage();
    const K = tensor([[1, -1]], { requiresGrad: true });
    F.corr2d(X, K).sum().backward();
    // d/dK[0][b] of Σ Y = Σ over output positions of X[i][j + b].
    const x = await nested(X) as number[][];
    let s0 = 0, s1 = 0;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 7; j++) { s0 += x[i][j]; s1 += x[i][j + 1]; }
    assert.deepEqual(await nested(K.grad!), [[s0, s1]]);
  });
});
