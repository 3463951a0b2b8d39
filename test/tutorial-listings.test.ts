// The tutorial's own code listings (../shared/tutorial/cnn-tutorial.zh.md), ported line by line by the
// README's "Porting from PyTorch" conventions, each with the Python it ports above it. Expected values come
// from the definitions written out by hand below (plain float64 loops over JS arrays), since the tutorial
// shows its outputs as pictures; the learning loop is checked against the same gradient descent done by
// hand from the same starting weights.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, ones, randn, manualSeed, nn, Tensor } from '../src/index.js';
import { forEachBackend, nested, assertClose } from './helpers/backends.js';
import { corrByHand, EDGE, K9, X5 } from './helpers/tutorial.js';


/** A value read on every backend (a GPU's too): the listings' `l.item()`. */
async function item(t: Tensor): Promise<number> {
  return (await t.dataAsync())[0];
}

// def corr2d(X, K):
//     h, w = K.shape
//     m, n = X.shape
//     Y = torch.zeros((m-h+1, n-w+1))
//     for i in range(Y.shape[0]):
//         for j in range(Y.shape[1]):
//             Y[i, j] = (X[i:i+h, j:j+w] * K).sum()
//     return Y
function corr2d(X: Tensor, K: Tensor): Tensor {
  const [h, w] = K.shape;
  const [m, n] = X.shape;
  const Y = zeros([m - h + 1, n - w + 1]);
  for (let i = 0; i < Y.shape[0]; i++) {
    for (let j = 0; j < Y.shape[1]; j++) {
      Y.indexPut_([i, j], X.index(`${i}:${i + h}, ${j}:${j + w}`).mul(K).sum());
    }
  }
  return Y;
}

// class Conv2D(torch.nn.Module):
//     def __init__(self, kernel_size):
//         super(Conv2D, self).__init__()
//         self.weight = torch.nn.Parameter(torch.randn(kernel_size))
//         self.bias = torch.nn.Parameter(torch.randn(1))
//     def forward(self, x):
//         return corr2d(x, self.weight) + self.bias
class Conv2D extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  constructor(kernelSize: number[]) {
    super();
    this.weight = new nn.Parameter(randn(kernelSize));
    this.bias = new nn.Parameter(randn(1));
  }
  forward(x: Tensor): Tensor {
    return corr2d(x, this.weight).add(this.bias);
  }
}


forEachBackend('tutorial listings, ported line by line', () => {
  it('corr2d(X, K) = [[19, 25], [37, 43]]', async () => {
    // X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    // K = torch.tensor([[0, 1], [2, 3]])
    // corr2d(X, K)
    const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    const K = tensor([[0, 1], [2, 3]]);
    assert.deepEqual(await nested(corr2d(X, K)), [[19, 25], [37, 43]]);
  });

  it('X = torch.ones(6, 8); X[:, 2:6] = 0; Y = corr2d(X, [[1, -1]]) marks the edges with 1 and -1', async () => {
    // X = torch.ones(6, 8)
    // X[:, 2:6] = 0
    const X = ones(6, 8);
    X.indexPut_(':, 2:6', 0);
    assert.deepEqual(await nested(X), EDGE);
    // K = torch.tensor([[1, -1]])
    // Y = corr2d(X, K)
    const K = tensor([[1, -1]]);
    const Y = corr2d(X, K);
    assert.deepEqual(await nested(Y), corrByHand(EDGE, [[1, -1]]));
  });

  it('learning the kernel back: 20 steps of conv2d.weight.data -= lr * conv2d.weight.grad', async () => {
    manualSeed(0);
    const X = ones(6, 8);
    X.indexPut_(':, 2:6', 0);
    const Y = corr2d(X, tensor([[1, -1]]));
    // conv2d = Conv2D(kernel_size=(1, 2))
    const conv2d = new Conv2D([1, 2]);
    const [w0, w1] = await conv2d.weight.dataAsync(), [b0] = await conv2d.bias.dataAsync();
    // step = 20
    // lr = 0.01
    const step = 20, lr = 0.01;
    const printed: number[] = [];
    for (let i = 0; i < step; i++) {
      // Y_hat = conv2d(X)
      // l = ((Y_hat - Y)**2).sum()
      // l.backward()
      const Yhat = conv2d(X);
      const l = Yhat.sub(Y).pow(2).sum();
      l.backward();
      // conv2d.weight.data -= lr*conv2d.weight.grad
      // conv2d.bias.data -= lr*conv2d.bias.grad
      conv2d.weight.data.sub_(conv2d.weight.grad!.mul(lr));
      conv2d.bias.data.sub_(conv2d.bias.grad!.mul(lr));
      // conv2d.weight.grad.zero_()
      // conv2d.bias.grad.zero_()
      conv2d.weight.grad!.zero_();
      conv2d.bias.grad!.zero_();
      // if (i + 1) % 5 == 0: print('Step %d, loss %.3f' % (i + 1, l.item()))
      if ((i + 1) % 5 === 0) printed.push(await item(l));
    }
    // The same descent by hand, in float64: l = Σ (w0·X[r][c] + w1·X[r][c+1] + b − Y[r][c])².
    const Yh = corrByHand(EDGE, [[1, -1]]);
    let a = w0, c = w1, b = b0;
    const expected: number[] = [];
    for (let i = 0; i < step; i++) {
      let loss = 0, ga = 0, gc = 0, gb = 0;
      for (let r = 0; r < 6; r++) {
        for (let q = 0; q < 7; q++) {
          const e = a * EDGE[r][q] + c * EDGE[r][q + 1] + b - Yh[r][q];
          loss += e * e;
          ga += 2 * e * EDGE[r][q]; gc += 2 * e * EDGE[r][q + 1]; gb += 2 * e;
        }
      }
      a -= lr * ga; c -= lr * gc; b -= lr * gb;
      if ((i + 1) % 5 === 0) expected.push(loss);
    }
    assert.equal(printed.length, 4);
    printed.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) <= 1e-4 * Math.max(1, expected[k]), `step ${5 * (k + 1)}: ${v} vs ${expected[k]}`));
    assert.ok(expected[3] < expected[0], 'the loss falls');
    await assertClose(conv2d.weight, [[a, c]], 1e-4);
    await assertClose(conv2d.bias, [b], 1e-4);
  });

  it('the 5×5 input and 3×3 kernel by the loop of torch.mul(inputs[i:i+mk, j:j+nk], kernel).sum()', async () => {
    // inputs = torch.Tensor([[3,4,6,5,7], …]); kernel = torch.Tensor([[1,2,3],[4,5,6],[7,8,9]])
    const inputs = tensor(X5);
    const kernel = tensor(K9);
    // m,n = inputs.shape; mk,nk = kernel.shape
    const [m, n] = inputs.shape, [mk, nk] = kernel.shape;
    // outputs = torch.zeros((m-mk+1, n-nk+1)); mo,no = outputs.shape
    const outputs = zeros([m - mk + 1, n - nk + 1]);
    const [mo, no] = outputs.shape;
    for (let i = 0; i < mo; i++) {
      for (let j = 0; j < no; j++) {
        // outputs[i,j] = torch.mul(inputs[i:i+mk, j:j+nk], kernel).sum()
        outputs.indexPut_([i, j], inputs.index(`${i}:${i + mk}, ${j}:${j + nk}`).mul(kernel).sum());
      }
    }
    assert.deepEqual(await nested(outputs), corrByHand(X5, K9));
  });

  it('torch.nn.Conv2d(in_channels, out_channels, kernel_size=kernel_size) on randn(1, 5, 100, 100)', async () => {
    // in_channels,out_channels = 5,10; width, height = 100,100; kernel_size = 3; batch_size = 1
    const [inChannels, outChannels] = [5, 10];
    const [width, height] = [100, 100];
    const kernelSize = 3, batchSize = 1;
    // inputs = torch.randn(batch_size, in_channels, width, height)
    const inputs = randn(batchSize, inChannels, width, height);
    // conv_layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size=kernel_size)
    const convLayer = new nn.Conv2d(inChannels, outChannels, { kernelSize });
    const outputs = convLayer(inputs);
    assert.deepEqual(inputs.shape, [1, 5, 100, 100]);
    assert.deepEqual(outputs.shape, [1, 10, 98, 98]);
    assert.deepEqual(convLayer.weight.shape, [10, 5, 3, 3]);
  });

  for (const [title, pad, stride] of [['padding=1', 1, 1], ['padding=0, stride=2', 0, 2]] as const) {
    it(`Conv2d(1, 1, kernel_size=3, ${title}, bias=False) with conv_layer.weight.data = kernel.data`, async () => {
      // inputs = torch.Tensor([3,4,6,5,7, …]).view(1,1,5,5)
      const inputs = tensor(X5.flat()).view(1, 1, 5, 5);
      // conv_layer = torch.nn.Conv2d(1, 1, kernel_size=3, padding=…, stride=…, bias=False)
      const convLayer = new nn.Conv2d(1, 1, { kernelSize: 3, padding: pad, stride, bias: false });
      // kernel = torch.Tensor(list(range(1,10))).view(1,1,3,3)
      const kernel = tensor(Array.from({ length: 9 }, (_, i) => i + 1)).view(1, 1, 3, 3);
      // conv_layer.weight.data = kernel.data
      convLayer.weight.data = kernel.data;
      // outputs = conv_layer(inputs)
      const outputs = convLayer(inputs);
      assert.deepEqual(await nested(outputs), [[corrByHand(X5, K9, pad, stride)]]);
    });
  }

  it('pool2d(X, (2, 2)) by its loop, max and avg', async () => {
    // def pool2d(X, pool_size, mode="max"):
    //     X = X.float()
    //     p_h, p_w = pool_size
    //     Y = torch.zeros(X.shape[0]-p_h+1, X.shape[1]-p_w+1)
    //     for i in range(Y.shape[0]):
    //         for j in range(Y.shape[1]):
    //             if mode == "max": Y[i,j] = X[i:i+p_h, j:j+p_w].max()
    //             elif mode == "avg": Y[i,j] = X[i:i+p_h, j:j+p_w].mean()
    //     return Y
    const pool2d = (X0: Tensor, poolSize: [number, number], mode = 'max'): Tensor => {
      const X = X0.float();
      const [pH, pW] = poolSize;
      const Y = zeros(X.shape[0] - pH + 1, X.shape[1] - pW + 1);
      for (let i = 0; i < Y.shape[0]; i++) {
        for (let j = 0; j < Y.shape[1]; j++) {
          const window = X.index(`${i}:${i + pH}, ${j}:${j + pW}`);
          if (mode === 'max') Y.indexPut_([i, j], window.max());
          else if (mode === 'avg') Y.indexPut_([i, j], window.mean());
        }
      }
      return Y;
    };
    // X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]], { dtype: 'int32' });
    assert.deepEqual(await nested(pool2d(X, [2, 2])), [[4, 5], [7, 8]]);
    assert.deepEqual(await nested(pool2d(X, [2, 2], 'avg')), [[2, 3], [5, 6]]);
  });

  it('torch.nn.MaxPool2d(2, padding=0, stride=1) on X.view((1, 1, X.shape[0], -1)).float()', async () => {
    // X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    // X = X.view((1, 1, X.shape[0], -1)).float()
    let X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]], { dtype: 'int32' });
    X = X.view([1, 1, X.shape[0], -1]).float();
    // pool2d = torch.nn.MaxPool2d(2, padding=0, stride=1)
    const pool2d = new nn.MaxPool2d(2, { padding: 0, stride: 1 });
    assert.deepEqual(await nested(pool2d(X)), [[[[4, 5], [7, 8]]]]);
  });
});
