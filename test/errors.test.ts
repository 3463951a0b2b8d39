// Errors are part of the API: each names the op, the argument, what was expected and what came. The
// checks run before any kernel, but each backend is still asked (forEachBackend), so none can bypass them.

import { describe, it } from 'node:test';
import { F, nn, randn, tensor, zeros, ones, safetensors, flip, arange, linspace, eye, matmul } from '../src/index.js';
import { buildModel } from '../src/train/models.js';
import { kernelFromSpec } from '../src/kernels.js';
import { assertThrowsMessage as throwsMsg } from './helpers/assert.js';
import { forEachBackend } from './helpers/backends.js';

const x4 = () => randn([1, 3, 5, 5]);

forEachBackend('error messages', () => {
  it('conv2d: channel mismatch', () => {
    throwsMsg(() => F.conv2d(randn([1, 3, 5, 5]), randn([8, 4, 3, 3])), /^conv2d: input has 3 channels but weight \[8, 4, 3, 3\] with groups=1 expects 4$/);
  });
  it('conv2d: groups not dividing channels', () => {
    throwsMsg(() => F.conv2d(x4(), randn([4, 1, 3, 3]), null, { groups: 2 }), /conv2d: groups=2 must divide the 3 input channels/);
    throwsMsg(() => F.conv2d(randn([1, 4, 5, 5]), randn([3, 2, 3, 3]), null, { groups: 2 }), /conv2d: groups=2 must divide the 3 output channels/);
    throwsMsg(() => new nn.Conv2d(3, 6, 3, { groups: 2 }), /Conv2d: groups=2 must divide the 3 input channels/);
  });
  it('conv2d: kernel larger than the padded input', () => {
    throwsMsg(() => F.conv2d(randn([1, 1, 2, 2]), randn([1, 1, 3, 3])), /conv2d: kernel size 3x3 \(after dilation\) is larger than the padded input 2x2/);
    throwsMsg(() => F.conv2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3]), null, { dilation: 2 }), /kernel size 5x5 \(after dilation\) is larger than the padded input 4x4/);
  });
  it("conv2d: 'same' with stride > 1", () => {
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), null, { padding: 'same', stride: 2 }), /conv2d: padding='same' is not supported for strided convolutions/);
  });
  it('conv2d: bad ranks, bias, options', () => {
    throwsMsg(() => F.conv2d(randn([3, 5]), randn([2, 3, 3, 3])), /conv2d: expected input to be 3-D \(C, H, W\) or 4-D \(N, C, H, W\), got shape \[3, 5\]/);
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3])), /conv2d: expected weight to be 4-D/);
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), randn([3])), /conv2d: bias must have shape \[2\]/);
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), null, { strides: 2 } as never), /conv2d: unknown option 'strides'/);
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), null, { paddingMode: 'mirror' as never }), /conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "mirror"/);
  });
  it('zero, negative or fractional sizes', () => {
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), null, { stride: 0 }), /conv2d: stride must be positive integer/);
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), null, { padding: -1 }), /conv2d: padding must be non-negative integer/);
    throwsMsg(() => F.conv2d(x4(), randn([2, 3, 3, 3]), null, { dilation: 1.5 }), /conv2d: dilation must be positive integer/);
    throwsMsg(() => F.maxPool2d(x4(), 0), /maxPool2d: kernelSize must be positive integer/);
    throwsMsg(() => F.avgPool2d(x4(), 2.5), /avgPool2d: kernelSize must be positive integer/);
    throwsMsg(() => new nn.Conv2d(0, 3, 3), /Conv2d: inChannels must be a positive integer, got 0/);
    throwsMsg(() => zeros([2, -1]), /zeros: size must be non-negative integers, given as varargs or one list; entry 1 is number -1/);
  });
  it('reflect padding must be smaller than the dimension', () => {
    throwsMsg(() => F.pad(randn([1, 1, 3, 3]), [3, 0], { mode: 'reflect' }), /pad: reflect padding 3 on dimension -1 \(size 3\) must be smaller than the size/);
    throwsMsg(() => F.conv2d(randn([1, 1, 2, 4]), randn([1, 1, 1, 1]), null, { padding: 2, paddingMode: 'reflect' }), /conv2d: reflect padding 2 on dimension -2 \(size 2\)/);
    throwsMsg(() => F.pad(randn([1, 2]), [3, 3], { mode: 'circular' }), /pad: circular padding 3 on dimension -1 \(size 2\) must be at most the size/);
    throwsMsg(() => F.pad(randn([2, 2]), [1, 1, 1], {}), /pad: pad must be a non-empty list of even length/);
    throwsMsg(() => F.pad(randn([2, 2]), [1, 1], { mode: 'wrap' as never }), /pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got "wrap"/);
  });
  it('pooling: padding over half the kernel, output too small, bad rank', () => {
    throwsMsg(() => F.maxPool2d(x4(), 2, { padding: 2 }), /maxPool2d: padding 2 must be at most half of the kernel size/);
    throwsMsg(() => F.avgPool2d(randn([1, 1, 2, 2]), 3), /avgPool2d: input size \[2, 2\] is too small for kernelSize=\[3,3\]/);
    throwsMsg(() => F.maxPool2d(randn([5, 5]), 2), /maxPool2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[5, 5\]/);
    throwsMsg(() => F.avgPool2d(x4(), 2, { divisorOverride: 0 }), /avgPool2d: divisorOverride must be a non-zero integer/);
    throwsMsg(() => F.adaptiveAvgPool2d(x4(), [2, 0]), /adaptiveAvgPool2d: outputSize must contain positive integers or null/);
  });
  it('broadcasting mismatch', () => {
    throwsMsg(() => randn([2, 3]).add(randn([4])), /^add: shapes \[2, 3\] and \[4\] cannot be broadcast: size 3 vs 4 at dimension -1/);
    throwsMsg(() => randn([2, 3]).matmul(randn([2, 3])), /matmul: shapes \[2, 3\] and \[2, 3\] cannot be multiplied \(2x3 and 2x3\)/);
  });
  it('backward on a non-scalar without a gradient, and on a tensor that needs none', () => {
    const w = randn([3], { requiresGrad: true });
    throwsMsg(() => w.mul(2).backward(), /backward: a gradient can be created implicitly only for scalar outputs, this output has shape \[3\]/);
    throwsMsg(() => randn([3]).sum().backward(), /backward: this tensor does not require grad/);
    throwsMsg(() => w.mul(2).backward(ones([2])), /backward: gradient has shape \[2\] but the output has shape \[3\]/);
  });
  it('shapes and views', () => {
    throwsMsg(() => randn([2, 3]).reshape(4, -1), /reshape: shape \[4, -1\] is invalid for input of size 6/);
    throwsMsg(() => randn([2, 3]).sum(2), /sum: dim=2 is out of range for a tensor with 2 dimensions \(expected -2..1\)/);
    throwsMsg(() => tensor([[1, 2], [3]]), /tensor: ragged nested array: expected length 2 at \[1\], got length 1/);
    throwsMsg(() => randn([2, 3]).item(), /item: only a tensor with one element can be converted to a number/);
    throwsMsg(() => F.corr2d(randn([3, 3, 3]), randn([2, 2])), /corr2d: X must be 2-D \(H, W\), got shape \[3, 3, 3\]/);
  });
});

// Names typed by a user or read from a file are looked up as own properties: 'constructor', 'toString' and
// '__proto__' are members of every object, and must get the same error as any other unknown name.
describe('names that Object.prototype has', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    it(`'${name}' is an unknown model, an unknown kernel and an unknown safetensors dtype`, () => {
      throwsMsg(() => buildModel(name), new RegExp(`^unknown model '${name}'; available: lenet5, cnn-bn$`));
      throwsMsg(() => kernelFromSpec(name), new RegExp(`^kernel: unknown kernel '${name}' \\(expected one of sobel-x`));
      const header = new TextEncoder().encode(JSON.stringify({ w: { dtype: name, shape: [1], data_offsets: [0, 4] } }));
      const bytes = new Uint8Array(8 + header.length + 4);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
      bytes.set(header, 8);
      throwsMsg(() => safetensors.deserialize(bytes), new RegExp(`tensor 'w': unknown dtype "${name}" \\(known: F16`));
    });
  }
});

forEachBackend('dtypes convnet does not have, and dims given twice', () => {
  it("'int64', 'bool', 'float16' are refused with the dtypes there are, by creation and by to()", () => {
    throwsMsg(() => tensor([1, 2], { dtype: 'int64' as 'int32' }), /^tensor: dtype "int64" is not supported; convnet tensors are float32, float64, int32 \(use 'int32' for class indices\)$/);
    throwsMsg(() => zeros([2], { dtype: 'bool' as 'int32' }), /^zeros: dtype "bool" is not supported; convnet tensors are float32, float64, int32$/);
    throwsMsg(() => randn([2], { dtype: 'float16' as 'float32' }), /^randn: dtype "float16" is not supported/);
    throwsMsg(() => tensor([1]).to('int64' as 'int32'), /^to: dtype "int64" is not supported/);
  });
  it('flip: a dim named twice is an error (PyTorch rejects it too), also when spelled differently', () => {
    throwsMsg(() => flip(ones([2, 2]), [0, 0]), /^flip: dim 0 appears more than once in dims \[0, 0\]/);
    throwsMsg(() => flip(ones([2, 2]), [1, -1]), /^flip: dim 1 appears more than once in dims \[1, 1\]/);
  });
});

// A result too large for the backend is refused before anything is allocated, naming the op, the shape and
// the backend's limit (the engine's own errors were a bare "Invalid typed array length" or, on wasm,
// "memory access out of bounds").
forEachBackend('results larger than the backend holds', (backend) => {
  const cases: [string, () => unknown, string][] = [
    ['zeros', () => zeros([1e6, 1e6]), 'zeros: the result would have shape \\[1000000, 1000000\\] \\(1000000000000 float32 elements, 3725\\.3 GiB\\)'],
    ['randn', () => randn([1e5, 1e5]), 'randn: the result would have shape \\[100000, 100000\\]'],
    ['ones', () => ones([3e9]), 'ones: the result would have shape \\[3000000000\\]'],
    ['arange', () => arange(0, 1e11), 'arange: the result would have shape \\[100000000000\\]'],
    ['linspace', () => linspace(0, 1, 5e9), 'linspace: the result would have shape \\[5000000000\\]'],
    ['eye', () => eye(1e6), 'eye: the result would have shape \\[1000000, 1000000\\]'],
    ['broadcast add', () => ones([100000, 1]).add(ones([1, 100000])), 'add: the result would have shape \\[100000, 100000\\]'],
    ['expand', () => ones([1, 1]).expand([1e6, 1e6]), 'expand: the result would have shape \\[1000000, 1000000\\]'],
    ['pad', () => F.pad(ones([1, 1, 2, 2]), [1e5, 1e5, 1e5, 1e5]), 'pad: the result would have shape \\[1, 1, 200002, 200002\\]'],
    ['matmul', () => matmul(ones([1e5, 1]), ones([1, 1e5])), 'matmul: the result would have shape \\[1, 100000, 100000\\]'],
    ['conv2d with huge padding', () => F.conv2d(ones([1, 1, 3, 3]), ones([1, 1, 1, 1]), null, { padding: 100000 }), 'conv2d: the result would have shape \\[1, 1, 200003, 200003\\]'],
    ['adaptive pooling to a huge size', () => F.adaptiveAvgPool2d(ones([1, 1, 4, 4]), [100000, 100000]), 'adaptiveAvgPool2d: the result would have shape \\[1, 1, 100000, 100000\\]'],
  ];
  for (const [what, f, message] of cases) {
    it(`${what}: refused, naming the op, the shape and the ${backend} backend's limit`, () => {
      throwsMsg(f, new RegExp(`^${message}.*more than the ${backend} backend holds in one tensor \\(\\d+\\.\\d+ GiB\\)$`));
    });
  }
});
