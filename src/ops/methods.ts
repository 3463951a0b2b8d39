// ops/methods.ts — the Tensor methods PyTorch users expect (x.add(y), x.sum(1), x.reshape(…)), attached
// to Tensor.prototype here so that tensor/ stays free of any dependency on ops/.

import { Tensor } from '../tensor/tensor.js';
import * as ew from './elementwise.js';
import * as red from './reduce.js';
import * as sh from './shape.js';
import { matmul } from './matmul.js';
import * as ip from './inplace.js';
import * as act from './activation.js';
import type { TensorOrNumber } from './util.js';
import type { DType } from '../tensor/dtype.js';
import * as ix from './index.js';
import type { Index } from './index.js';
import * as gt from './gather.js';
import type { SortResult } from './gather.js';
import { bindArgs, isOptionsObject, type PyArgs } from '../tensor/signature.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Elementwise sum with a tensor or number, broadcasting shapes. PyTorch: `Tensor.add`.
     *  @example
     *  ```ts
     *  tensor([1, 2]).add(tensor([[10], [20]]));  // tensor([[11., 12.], [21., 22.]])
     *  ```
     */
    add(other: TensorOrNumber, opts?: { alpha?: number }): Tensor;
    /** Elementwise difference, broadcasting. PyTorch: `Tensor.sub`.
     *  @example
     *  ```ts
     *  tensor([5, 7]).sub(2);  // tensor([3., 5.])
     *  ```
     */
    sub(other: TensorOrNumber, opts?: { alpha?: number }): Tensor;
    /** Elementwise product, broadcasting. PyTorch: `Tensor.mul`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3]).mul(2);  // tensor([2., 4., 6.])
     *  ```
     */
    mul(other: TensorOrNumber): Tensor;
    /** Elementwise quotient, broadcasting. PyTorch: `Tensor.div`.
     *  @example
     *  ```ts
     *  tensor([1, 2]).div(4);  // tensor([0.2500, 0.5000])
     *  ```
     */
    div(other: TensorOrNumber): Tensor;
    /** Raises each element to `exponent` (a number or a broadcast tensor). PyTorch: `Tensor.pow`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3]).pow(2);  // tensor([1., 4., 9.])
     *  ```
     */
    pow(exponent: TensorOrNumber): Tensor;
    /** Elementwise larger of this tensor and `other`. PyTorch: `Tensor.maximum`.
     *  @example
     *  ```ts
     *  tensor([1, 5]).maximum(3);  // tensor([3., 5.])
     *  ```
     */
    maximum(other: TensorOrNumber): Tensor;
    /** Elementwise smaller of this tensor and `other`. PyTorch: `Tensor.minimum`.
     *  @example
     *  ```ts
     *  tensor([1, 5]).minimum(3);  // tensor([1., 3.])
     *  ```
     */
    minimum(other: TensorOrNumber): Tensor;
    /** Elementwise `==`, giving a 0/1 mask. PyTorch: `Tensor.eq`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3]).eq(2);  // tensor([0., 1., 0.])
     *  ```
     */
    eq(other: TensorOrNumber): Tensor;
    /** Elementwise `!=`, giving a 0/1 mask. PyTorch: `Tensor.ne`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3]).ne(2);
     *  ```
     */
    ne(other: TensorOrNumber): Tensor;
    /** Elementwise `<`, giving a 0/1 mask. PyTorch: `Tensor.lt`.
     *  @example
     *  ```ts
     *  x.lt(0).sum();  // how many elements are negative
     *  ```
     */
    lt(other: TensorOrNumber): Tensor;
    /** Elementwise `<=`, giving a 0/1 mask. PyTorch: `Tensor.le`.
     *  @example
     *  ```ts
     *  x.le(0.5);
     *  ```
     */
    le(other: TensorOrNumber): Tensor;
    /** Elementwise `>`, giving a 0/1 mask. PyTorch: `Tensor.gt`.
     *  @example
     *  ```ts
     *  x.gt(0).mean();  // the fraction of positive elements
     *  ```
     */
    gt(other: TensorOrNumber): Tensor;
    /** Elementwise `>=`, giving a 0/1 mask. PyTorch: `Tensor.ge`.
     *  @example
     *  ```ts
     *  x.ge(y);
     *  ```
     */
    ge(other: TensorOrNumber): Tensor;
    /** Negates every element. PyTorch: `Tensor.neg`.
     *  @example
     *  ```ts
     *  tensor([1, -2]).neg();  // tensor([-1., 2.])
     *  ```
     */
    neg(): Tensor;
    /** e raised to each element. PyTorch: `Tensor.exp`.
     *  @example
     *  ```ts
     *  tensor([0, 1]).exp();  // tensor([1.0000, 2.7183])
     *  ```
     */
    exp(): Tensor;
    /** Natural logarithm of each element. PyTorch: `Tensor.log`.
     *  @example
     *  ```ts
     *  tensor([1, Math.E]).log();  // tensor([0., 1.])
     *  ```
     */
    log(): Tensor;
    /** Square root of each element. PyTorch: `Tensor.sqrt`.
     *  @example
     *  ```ts
     *  tensor([4, 9]).sqrt();  // tensor([2., 3.])
     *  ```
     */
    sqrt(): Tensor;
    /** Absolute value of each element. PyTorch: `Tensor.abs`.
     *  @example
     *  ```ts
     *  tensor([-1, 2]).abs();  // tensor([1., 2.])
     *  ```
     */
    abs(): Tensor;
    /** max(x, 0) elementwise. PyTorch: `Tensor.relu`.
     *  @example
     *  ```ts
     *  tensor([-1, 2]).relu();  // tensor([0., 2.])
     *  ```
     */
    relu(): Tensor;
    /** The logistic function 1 / (1 + e^−x) elementwise. PyTorch: `Tensor.sigmoid`.
     *  @example
     *  ```ts
     *  tensor([0]).sigmoid();  // tensor([0.5000])
     *  ```
     */
    sigmoid(): Tensor;
    /** Hyperbolic tangent elementwise. PyTorch: `Tensor.tanh`.
     *  @example
     *  ```ts
     *  tensor([0, 100]).tanh();  // tensor([0., 1.])
     *  ```
     */
    tanh(): Tensor;
    /** −1, 0 or 1 by the sign of each element. PyTorch: `Tensor.sign`.
     *  @example
     *  ```ts
     *  tensor([-3, 0, 2]).sign();  // tensor([-1., 0., 1.])
     *  ```
     */
    sign(): Tensor;
    /** Each element squared. PyTorch: `Tensor.square`.
     *  @example
     *  ```ts
     *  tensor([2, -3]).square();  // tensor([4., 9.])
     *  ```
     */
    square(): Tensor;
    /** 1 / x elementwise. PyTorch: `Tensor.reciprocal`.
     *  @example
     *  ```ts
     *  tensor([2, 4]).reciprocal();  // tensor([0.5000, 0.2500])
     *  ```
     */
    reciprocal(): Tensor;
    /** Limits every element to [min, max]; null or undefined leaves that side open. PyTorch: `Tensor.clamp`.
     *  @example
     *  ```ts
     *  tensor([-2, 0.5, 3]).clamp(0, 1);  // tensor([0.0000, 0.5000, 1.0000])
     *  x.clamp(null, 6);                  // only an upper bound
     *  ```
     */
    clamp(...args: ew.ClampArgs): Tensor;
    /** Matrix product, batched over leading dimensions and broadcasting them. PyTorch: `Tensor.matmul`.
     *  @example
     *  ```ts
     *  randn([8, 3, 4]).matmul(randn([4, 5])).shape;  // [8, 3, 5]
     *  ```
     */
    matmul(other: Tensor): Tensor;
    /** Sum of all elements, or over `dim` (one or several; `keepdim` keeps them as size 1). PyTorch: `Tensor.sum`.
     *  @example
     *  ```ts
     *  const x = tensor([[1, 2], [3, 4]]);
     *  x.sum();         // tensor(10.)
     *  x.sum(1, true);  // tensor([[3.], [7.]])
     *  ```
     */
    sum(...args: red.ReduceArgs): Tensor;
    /** Mean of all elements, or over `dim`. PyTorch: `Tensor.mean`.
     *  @example
     *  ```ts
     *  tensor([[1, 2], [3, 4]]).mean(0);  // tensor([2., 3.])
     *  ```
     */
    mean(...args: red.ReduceArgs): Tensor;
    /** Largest value over all elements or over `dim` (values only). PyTorch: `Tensor.amax`.
     *  @example
     *  ```ts
     *  tensor([[1, 5], [7, 2]]).amax(1);  // tensor([5., 7.])
     *  ```
     */
    amax(...args: red.ReduceArgs): Tensor;
    /** Smallest value over all elements or over `dim` (values only). PyTorch: `Tensor.amin`.
     *  @example
     *  ```ts
     *  tensor([[1, 5], [7, 2]]).amin(1);  // tensor([1., 2.])
     *  ```
     */
    amin(...args: red.ReduceArgs): Tensor;
    /** The largest element, as a 0-d tensor. PyTorch: `Tensor.max`.
     *  @example
     *  ```ts
     *  tensor([3, 9, 4]).max().item();  // 9
     *  ```
     */
    max(): Tensor;
    /** The largest values along `dim` and their indices, as PyTorch's `(values, indices)`: destructure it or use
     *  `.values` and `.indices`. PyTorch: `Tensor.max(dim)`.
     *  @example
     *  ```ts
     *  const [values, indices] = tensor([[1, 5], [7, 2]]).max(1);  // values [5, 7], indices [1, 0]
     *  ```
     */
    max(...args: PyArgs<[dim: number, keepdim: boolean | undefined], red.ArgReduceOptions> & [unknown, ...unknown[]]): red.ValuesIndices;
    /** The elementwise larger of this tensor and `other`, as {@link Tensor.maximum}. PyTorch: `Tensor.max(other)`.
     *  @example
     *  ```ts
     *  tensor([1, 5]).max(tensor([3, 3]));  // tensor([3., 5.])
     *  ```
     */
    max(other: Tensor): Tensor;
    /** The smallest element, as a 0-d tensor. PyTorch: `Tensor.min`.
     *  @example
     *  ```ts
     *  tensor([3, 9, 4]).min().item();  // 3
     *  ```
     */
    min(): Tensor;
    /** The smallest values along `dim` and their indices (`values`, `indices`). PyTorch: `Tensor.min(dim)`.
     *  @example
     *  ```ts
     *  const { values, indices } = tensor([[1, 5], [7, 2]]).min(1);
     *  ```
     */
    min(...args: PyArgs<[dim: number, keepdim: boolean | undefined], red.ArgReduceOptions> & [unknown, ...unknown[]]): red.ValuesIndices;
    /** The elementwise smaller of this tensor and `other`, as {@link Tensor.minimum}. PyTorch: `Tensor.min(other)`.
     *  @example
     *  ```ts
     *  tensor([1, 5]).min(tensor([3, 3]));  // tensor([1., 3.])
     *  ```
     */
    min(other: Tensor): Tensor;
    /** Index of the largest element (of the flattened tensor, or along `dim`), as int32. PyTorch: `Tensor.argmax`.
     *  @example
     *  ```ts
     *  logits.argmax(1);  // the predicted class of each row
     *  ```
     */
    argmax(...args: PyArgs<[dim: number | null | undefined, keepdim: boolean | undefined], red.ArgReduceOptions>): Tensor;
    /** Index of the smallest element (of the flattened tensor, or along `dim`), as int32. PyTorch: `Tensor.argmin`.
     *  @example
     *  ```ts
     *  tensor([3, 1, 2]).argmin().item();  // 1
     *  ```
     */
    argmin(...args: PyArgs<[dim: number | null | undefined, keepdim: boolean | undefined], red.ArgReduceOptions>): Tensor;
    /** Variance over all elements or over `dim`, with Bessel's correction 1 unless `opts.correction` (or
     *  `unbiased: false`) says otherwise. PyTorch: `Tensor.var`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3, 4]).var();                      // tensor(1.6667)
     *  tensor([1, 2, 3, 4]).var(0, { correction: 0 });  // tensor(1.2500)
     *  ```
     */
    var(...args: red.VarArgs): Tensor;
    /** Standard deviation: the square root of {@link Tensor.var}, with the same options. PyTorch: `Tensor.std`.
     *  @example
     *  ```ts
     *  x.std([0, 2, 3]);  // per-channel spread of an [N, C, H, W] batch
     *  ```
     */
    std(...args: red.VarArgs): Tensor;
    /** log Σ exp(x) over `dim`, computed without overflow. PyTorch: `Tensor.logsumexp`.
     *  @example
     *  ```ts
     *  tensor([1000, 1000]).logSumExp(0);  // tensor(1000.6932)
     *  ```
     */
    logSumExp(...args: PyArgs<[dim: number | number[], keepdim: boolean | undefined], red.ReduceOptions> & [unknown, ...unknown[]]): Tensor;
    /** Product of all elements, or over `dim`. PyTorch: `Tensor.prod`.
     *  @example
     *  ```ts
     *  tensor([2, 3, 4]).prod();  // tensor(24.)
     *  ```
     */
    prod(...args: red.ReduceArgs): Tensor;
    /** The same values in a new shape (one size may be −1, inferred), sharing the data. Takes sizes as
     *  arguments or one array. PyTorch: `Tensor.reshape`.
     *  @example
     *  ```ts
     *  arange(6).reshape(2, 3);    // [2, 3]
     *  arange(6).reshape([-1, 2]); // [3, 2]
     *  ```
     */
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    /** Same as {@link Tensor.reshape} (convnet's tensors are always contiguous). PyTorch: `Tensor.view`.
     *  @example
     *  ```ts
     *  x.view(x.size(0), -1);  // flatten all but the batch dimension
     *  ```
     */
    view(...shape: number[] | [readonly number[]]): Tensor;
    /** Merges dimensions `startDim`…`endDim` (default all) into one. PyTorch: `Tensor.flatten`.
     *  @example
     *  ```ts
     *  zeros([8, 3, 4, 4]).flatten(1).shape;  // [8, 48]
     *  ```
     */
    flatten(...args: PyArgs<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>): Tensor;
    /** Removes dimensions of size 1: all of them, or only those in `dim` that are 1. PyTorch: `Tensor.squeeze`.
     *  @example
     *  ```ts
     *  zeros([1, 3, 1]).squeeze().shape;   // [3]
     *  zeros([1, 3, 1]).squeeze(0).shape;  // [3, 1]
     *  ```
     */
    squeeze(...args: PyArgs<[dim: number | number[] | undefined], { dim?: number | number[] }>): Tensor;
    /** Inserts a dimension of size 1 at `dim`. PyTorch: `Tensor.unsqueeze`.
     *  @example
     *  ```ts
     *  zeros([3, 4]).unsqueeze(0).shape;  // [1, 3, 4]
     *  ```
     */
    unsqueeze(...args: PyArgs<[dim: number], { dim?: number }> & [unknown, ...unknown[]]): Tensor;
    /** Reorders the dimensions (a copy). PyTorch: `Tensor.permute`.
     *  @example
     *  ```ts
     *  zeros([2, 3, 4]).permute(2, 0, 1).shape;  // [4, 2, 3]
     *  ```
     */
    permute(...dims: number[] | [readonly number[]]): Tensor;
    /** Swaps two dimensions (a copy). PyTorch: `Tensor.transpose`.
     *  @example
     *  ```ts
     *  zeros([2, 3, 4]).transpose(0, 2).shape;  // [4, 3, 2]
     *  ```
     */
    transpose(...args: PyArgs<[dim0: number, dim1: number], { dim0?: number; dim1?: number }> & [unknown, ...unknown[]]): Tensor;
    /** Transpose of a 2-D tensor; a tensor with fewer dimensions comes back as it is. PyTorch: `Tensor.t`.
     *  @example
     *  ```ts
     *  zeros([2, 3]).t().shape;  // [3, 2]
     *  ```
     */
    t(): Tensor;
    /** All dimensions reversed. PyTorch: `Tensor.T`.
     *  @example
     *  ```ts
     *  zeros([2, 3, 4]).T.shape;  // [4, 3, 2]
     *  ```
     */
    readonly T: Tensor;
    /** Broadcasts to a larger shape (−1 keeps a size); the result is a copy. PyTorch: `Tensor.expand`.
     *  @example
     *  ```ts
     *  tensor([[1], [2]]).expand(2, 3);  // tensor([[1., 1., 1.], [2., 2., 2.]])
     *  ```
     */
    expand(...shape: number[] | [readonly number[]]): Tensor;
    /** Broadcasts to `other`'s shape. PyTorch: `Tensor.expand_as`.
     *  @example
     *  ```ts
     *  bias.expandAs(x);
     *  ```
     */
    expandAs(other: Tensor): Tensor;
    /** Returns the tensor as it is: convnet's tensors are always contiguous. Kept for code ported from
     *  PyTorch. PyTorch: `Tensor.contiguous`.
     *  @example
     *  ```ts
     *  x.transpose(0, 1).contiguous();
     *  ```
     */
    contiguous(): Tensor;
    /** A copy with its own data, still connected to the autograd graph. PyTorch: `Tensor.clone`.
     *  @example
     *  ```ts
     *  const y = x.clone(); y.fill_(0);  // x unchanged
     *  ```
     */
    clone(): Tensor;
    /** Elements `start` … `start + length − 1` along `dim`. PyTorch: `Tensor.narrow`.
     *  @example
     *  ```ts
     *  arange(10).narrow(0, 2, 3);  // tensor([2., 3., 4.])
     *  ```
     */
    narrow(...args: PyArgs<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }> & [unknown, ...unknown[]]): Tensor;
    /** Python's `x[start:end]` along one dimension: negative indices count from the end and are clamped; step 1.
     *  PyTorch: basic slicing `x[:, start:end]`.
     *  @example
     *  ```ts
     *  arange(10).slice(0, -3);    // tensor([7., 8., 9.])
     *  img.slice(-1, 2, 30);       // crop the width
     *  ```
     */
    slice(...args: PyArgs<[dim: number, start: number | undefined, end: number | undefined], { dim?: number; start?: number; end?: number }> & [unknown, ...unknown[]]): Tensor;
    /** The sub-tensor at `index` along `dim`, with that dimension removed. PyTorch: `Tensor.select`.
     *  @example
     *  ```ts
     *  zeros([8, 3, 4]).select(1, 0).shape;  // [8, 4]
     *  ```
     */
    select(...args: PyArgs<[dim: number, index: number], { dim?: number; index?: number }> & [unknown, ...unknown[]]): Tensor;
    /** Cuts into pieces of `size` along `dim` (the last may be smaller), or into the listed sizes.
     *  PyTorch: `Tensor.split`.
     *  @example
     *  ```ts
     *  arange(5).split(2);       // [0, 1], [2, 3], [4]
     *  arange(5).split([1, 4]);  // [0], [1, 2, 3, 4]
     *  ```
     */
    split(...args: PyArgs<[splitSize: number | number[], dim: number], { splitSize?: number | number[]; dim?: number }> & [unknown, ...unknown[]]): Tensor[];
    /** Cuts into `chunks` pieces of equal size along `dim` (the last may be smaller, and there may be fewer).
     *  PyTorch: `Tensor.chunk`.
     *  @example
     *  ```ts
     *  const [a, b] = zeros([4, 6]).chunk(2, 1);  // two [4, 3]
     *  ```
     */
    chunk(...args: PyArgs<[chunks: number, dim: number], { chunks?: number; dim?: number }> & [unknown, ...unknown[]]): Tensor[];
    /** Reverses the order of elements along the given dimensions. PyTorch: `Tensor.flip`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3]).flip(0);  // tensor([3., 2., 1.])
     *  ```
     */
    flip(...dims: sh.IntList): Tensor;
    /** Converts to another dtype, or to `other`'s dtype; differentiable between the float types. PyTorch:
     *  `Tensor.to(dtype)`, `Tensor.to(other)`.
     *  @example
     *  ```ts
     *  labels.to('float32');
     *  labels.to({ dtype: 'float32' });
     *  x.to(w);  // w's dtype
     *  ```
     */
    to(...args: PyArgs<[dtype: DType | Tensor], { dtype?: DType }> & [unknown, ...unknown[]]): Tensor;
    /** Converts to float32. PyTorch: `Tensor.float`.
     *  @example
     *  ```ts
     *  tensor([1, 2], { dtype: 'int32' }).float();
     *  ```
     */
    float(): Tensor;
    /** Converts to float64. PyTorch: `Tensor.double`.
     *  @example
     *  ```ts
     *  x.double();  // for gradcheck
     *  ```
     */
    double(): Tensor;
    /** Converts to int32. PyTorch: `Tensor.int`.
     *  @example
     *  ```ts
     *  tensor([1.7, -1.7]).int();  // tensor([ 1, -1], dtype=torch.int32)
     *  ```
     */
    int(): Tensor;
    /** Converts to int32: convnet has no int64, so PyTorch's long is int32 here (indices and class labels fit).
     *  PyTorch: `Tensor.long`.
     *  @example
     *  ```ts
     *  tensor([0, 2, 1]).long();  // tensor([0, 2, 1], dtype=torch.int32)
     *  ```
     */
    long(): Tensor;
    /** 1 where an element is non-zero, 0 elsewhere, as int32: convnet has no bool dtype, and int32 0/1 is what
     *  masks multiply and sum as. PyTorch: `Tensor.bool`.
     *  @example
     *  ```ts
     *  tensor([0, 0.5, -2]).bool();  // tensor([0, 1, 1], dtype=torch.int32)
     *  ```
     */
    bool(): Tensor;
    /** Tiles the tensor: `repeats[i]` copies along dimension i (varargs or one list). PyTorch: `Tensor.repeat`.
     *  @example
     *  ```ts
     *  tensor([1, 2]).repeat(2, 2);  // tensor([[1., 2., 1., 2.], [1., 2., 1., 2.]])
     *  ```
     */
    repeat(...repeats: sh.IntList): Tensor;
    /** exp(x) / Σ exp(x) along `dim`, computed stably. PyTorch: `Tensor.softmax`.
     *  @example
     *  ```ts
     *  logits.softmax(1);  // class probabilities per row
     *  ```
     */
    softmax(...args: act.SoftmaxArgs): Tensor;
    /** x − log Σ exp(x) along `dim`, computed stably. PyTorch: `Tensor.log_softmax`.
     *  @example
     *  ```ts
     *  logits.logSoftmax(1);
     *  ```
     */
    logSoftmax(...args: act.SoftmaxArgs): Tensor;
    /** The sub-tensors along the first dimension, `x.select(0, i)` for each i; a 0-d tensor cannot be iterated.
     *  PyTorch: iterating over a tensor, `for row in x`.
     *  @example
     *  ```ts
     *  for (const row of tensor([[1, 2], [3, 4]])) console.log(row.toString());  // tensor([1., 2.]), tensor([3., 4.])
     *  ```
     */
    [Symbol.iterator](): Iterator<Tensor>;
    /** Writes `src` (a tensor broadcast to this shape, or a number) into this tensor's data, in place; every view
     *  sees it. On a leaf that requires grad, only inside `noGrad`. PyTorch: `Tensor.copy_`.
     *  @example
     *  ```ts
     *  noGrad(() => conv.weight.copy_(tensor([[[[1, -1]]]])));
     *  ```
     */
    copy_(...args: PyArgs<[src: TensorOrNumber], { src?: TensorOrNumber }>): this;
    /** Sets every element to `value` (a number, or a 0-d tensor, whose gradient is then the sum of this
     *  tensor's), in place. PyTorch: `Tensor.fill_`.
     *  @example
     *  ```ts
     *  zeros([2, 2]).fill_(7);
     *  zeros([2, 2]).fill_(tensor(7));  // a 0-d tensor
     *  ```
     */
    fill_(...args: PyArgs<[value: number | Tensor], { value?: number | Tensor }>): this;
    /** Sets every element to 0, in place. PyTorch: `Tensor.zero_`.
     *  @example
     *  ```ts
     *  noGrad(() => layer.bias!.zero_());
     *  ```
     */
    zero_(): this;
    /** Adds `other` into this tensor, in place. PyTorch: `Tensor.add_`.
     *  @example
     *  ```ts
     *  noGrad(() => w.add_(w.grad!.mul(-0.1)));  // one step of gradient descent
     *  ```
     */
    add_(...args: PyArgs<[other: TensorOrNumber], { other?: TensorOrNumber; alpha?: number }>): this;
    /** Subtracts `other` from this tensor, in place. PyTorch: `Tensor.sub_`.
     *  @example
     *  ```ts
     *  noGrad(() => w.sub_(w.grad!.mul(0.1)));
     *  noGrad(() => w.add_(w.grad!, { alpha: -0.1 }));  // the same step, with PyTorch's alpha
     *  ```
     */
    sub_(...args: PyArgs<[other: TensorOrNumber], { other?: TensorOrNumber; alpha?: number }>): this;
    /** Multiplies this tensor by `other`, in place. PyTorch: `Tensor.mul_`.
     *  @example
     *  ```ts
     *  x.mul_(0.5);
     *  ```
     */
    mul_(...args: PyArgs<[other: TensorOrNumber], { other?: TensorOrNumber }>): this;
    /** Divides this tensor by `other`, in place; an int32 tensor refuses a float result. PyTorch: `Tensor.div_`.
     *  @example
     *  ```ts
     *  x.div_(255);
     *  ```
     */
    div_(...args: PyArgs<[other: TensorOrNumber], { other?: TensorOrNumber }>): this;
  }
}

/** An op called with the tensor and its other arguments passed through (the op binds them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rest = (x: Tensor, ...args: unknown[]) => any;

const P = Tensor.prototype;
P.add = function (o, ...e) { return ew.add(this, o, ...e); };
P.sub = function (o, ...e) { return ew.sub(this, o, ...e); };
P.mul = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.mul as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['mul'];
P.div = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.div as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['div'];
P.pow = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.pow as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['pow'];
P.maximum = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.maximum as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['maximum'];
P.minimum = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.minimum as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['minimum'];
P.eq = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.eq as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['eq'];
P.ne = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.ne as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['ne'];
P.lt = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.lt as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['lt'];
P.le = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.le as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['le'];
P.gt = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.gt as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['gt'];
P.ge = function (this: Tensor, o: TensorOrNumber, ...e: unknown[]) { return (ew.ge as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['ge'];
P.neg = function (this: Tensor, ...e: unknown[]) { return (ew.neg as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['neg'];
P.exp = function (this: Tensor, ...e: unknown[]) { return (ew.exp as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['exp'];
P.log = function (this: Tensor, ...e: unknown[]) { return (ew.log as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['log'];
P.sqrt = function (this: Tensor, ...e: unknown[]) { return (ew.sqrt as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['sqrt'];
P.abs = function (this: Tensor, ...e: unknown[]) { return (ew.abs as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['abs'];
P.relu = function (this: Tensor, ...e: unknown[]) { return (ew.relu as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['relu'];
P.sigmoid = function (this: Tensor, ...e: unknown[]) { return (ew.sigmoid as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['sigmoid'];
P.tanh = function (this: Tensor, ...e: unknown[]) { return (ew.tanh as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['tanh'];
P.sign = function (this: Tensor, ...e: unknown[]) { return (ew.sign as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['sign'];
P.square = function (this: Tensor, ...e: unknown[]) { return (ew.square as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['square'];
P.reciprocal = function (this: Tensor, ...e: unknown[]) { return (ew.reciprocal as (...a: unknown[]) => Tensor)(this, ...e); } as Tensor['reciprocal'];
P.clamp = function (...a) { return ew.clamp(this, ...a); };
P.matmul = function (this: Tensor, o: Tensor, ...e: unknown[]) { return (matmul as (...a: unknown[]) => Tensor)(this, o, ...e); } as Tensor['matmul'];
P.sum = function (...a) { return red.sum(this, ...a); };
P.mean = function (...a) { return red.mean(this, ...a); };
P.amax = function (...a) { return red.amax(this, ...a); };
P.amin = function (...a) { return red.amin(this, ...a); };
P.max = function (this: Tensor, ...a: unknown[]) { return (red.max as (x: Tensor, ...r: unknown[]) => Tensor)(this, ...a); } as Tensor['max'];
P.min = function (this: Tensor, ...a: unknown[]) { return (red.min as (x: Tensor, ...r: unknown[]) => Tensor)(this, ...a); } as Tensor['min'];
P.argmax = function (...a) { return red.argmax(this, ...a); };
P.argmin = function (...a) { return red.argmin(this, ...a); };
P.var = function (...a) { return red.variance(this, ...a); };
P.std = function (...a) { return red.std(this, ...a); };
P.logSumExp = function (this: Tensor, ...a: unknown[]) { return (red.logSumExp as Rest)(this, ...a); } as Tensor['logSumExp'];
P.prod = function (...a) { return red.prod(this, ...a); };
P.reshape = function (...s) { return sh.reshape(this, ...s); };
P.view = function (...s) { return sh.reshape(this, ...s); };
P.flatten = function (...a) { return sh.flatten(this, ...a); };
P.squeeze = function (...a) { return sh.squeeze(this, ...a); };
P.unsqueeze = function (this: Tensor, ...a: unknown[]) { return (sh.unsqueeze as Rest)(this, ...a); } as Tensor['unsqueeze'];
P.permute = function (...d) { return sh.permute(this, ...d); };
P.transpose = function (this: Tensor, ...a: unknown[]) { return (sh.transpose as Rest)(this, ...a); } as Tensor['transpose'];
P.t = function () { return sh.t(this); };
Object.defineProperty(P, 'T', { get(this: Tensor) { return sh.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); } });
P.expand = function (...s) { return sh.expand(this, ...s); };
P.expandAs = function (this: Tensor, ...a: unknown[]) { const o = bindArgs('expandAs', [this, ...a], { positional: ['self', { name: 'other', kind: 'tensor', required: true }] }).other as Tensor; return sh.expand(this, o.shape); } as Tensor['expandAs'];
P.contiguous = function () { return sh.contiguous(this); };
P.clone = function (...a) { return sh.clone(this, ...a); };
P.narrow = function (this: Tensor, ...a: unknown[]) { return (sh.narrow as Rest)(this, ...a); } as Tensor['narrow'];
P.slice = function (this: Tensor, ...a: unknown[]) { return (sh.slice as Rest)(this, ...a); } as Tensor['slice'];
P.select = function (this: Tensor, ...a: unknown[]) { return (sh.select as Rest)(this, ...a); } as Tensor['select'];
P.split = function (this: Tensor, ...a: unknown[]) { return sh.splitAs('splitSize', this, a); } as Tensor['split'];
P.chunk = function (this: Tensor, ...a: unknown[]) { return (sh.chunk as Rest)(this, ...a); } as Tensor['chunk'];
P.flip = function (...d) { return sh.flip(this, ...d); };
P.to = function (this: Tensor, ...args: unknown[]) {
  const a = bindArgs('to', [this, ...args], { positional: ['self', { name: 'dtype', required: true }] });
  return sh.toDtype(this, a.dtype instanceof Tensor ? a.dtype.dtype : a.dtype as DType);
} as Tensor['to'];
P.float = function (this: Tensor, ...a: unknown[]) { bindArgs('float', a, { positional: [] }); return sh.toDtype(this, 'float32'); } as Tensor['float'];
P.double = function (this: Tensor, ...a: unknown[]) { bindArgs('double', a, { positional: [] }); return sh.toDtype(this, 'float64'); } as Tensor['double'];
P.int = function (this: Tensor, ...a: unknown[]) { bindArgs('int', a, { positional: [] }); return sh.toDtype(this, 'int32'); } as Tensor['int'];
/** An in-place method's arguments after self, bound by position or by name (`names`; an extra one throws,
 *  naming it); add_/sub_ also take PyTorch's keyword alpha (1 when not given). */
function inplaceArgs(op: string, self: Tensor, args: readonly unknown[], names: readonly string[], alpha = false): Record<string, unknown> {
  const a = bindArgs(op, [self, ...args], {
    positional: ['self', ...names.map((name) => ({ name, required: true }))],
    keywordOnly: alpha ? [{ name: 'alpha', kind: 'number' }] : [],
  });
  return { alpha: 1, ...a };
}
/** other·alpha, for add_/sub_'s alpha (other itself when alpha is 1). */
const scaled = (o: TensorOrNumber, alpha: number): TensorOrNumber => (alpha === 1 ? o : o instanceof Tensor ? ew.mul(o, alpha) : o * alpha);
P.copy_ = function (this: Tensor, ...e: unknown[]) { ip.copy_(this, inplaceArgs('copy_', this, e, ['src']).src as TensorOrNumber); return this; } as Tensor['copy_'];
P.fill_ = function (this: Tensor, ...e: unknown[]) { ip.fill_(this, inplaceArgs('fill_', this, e, ['value']).value as number | Tensor); return this; } as Tensor['fill_'];
P.zero_ = function (this: Tensor, ...e: unknown[]) { inplaceArgs('zero_', this, e, []); ip.zero_(this); return this; } as Tensor['zero_'];
P.add_ = function (this: Tensor, ...e: unknown[]) { const a = inplaceArgs('add_', this, e, ['other'], true); ip.add_(this, scaled(a.other as TensorOrNumber, a.alpha as number)); return this; } as Tensor['add_'];
P.sub_ = function (this: Tensor, ...e: unknown[]) { const a = inplaceArgs('sub_', this, e, ['other'], true); ip.sub_(this, scaled(a.other as TensorOrNumber, a.alpha as number)); return this; } as Tensor['sub_'];
P.mul_ = function (this: Tensor, ...e: unknown[]) { ip.mul_(this, inplaceArgs('mul_', this, e, ['other']).other as TensorOrNumber); return this; } as Tensor['mul_'];
P.div_ = function (this: Tensor, ...e: unknown[]) { ip.div_(this, inplaceArgs('div_', this, e, ['other']).other as TensorOrNumber); return this; } as Tensor['div_'];
P.long = function (this: Tensor, ...a: unknown[]) { bindArgs('long', a, { positional: [] }); return sh.toDtype(this, 'int32'); } as Tensor['long'];
P.bool = function (this: Tensor, ...a: unknown[]) { bindArgs('bool', a, { positional: [] }); return sh.toDtype(ew.ne(this, 0), 'int32'); } as Tensor['bool'];
P.repeat = function (...r) { return sh.repeat(this, ...r); };
P.softmax = function (...a) { return act.softmax(this, ...a); };
P.logSoftmax = function (...a) { return act.logSoftmax(this, ...a); };
P[Symbol.iterator] = function* (this: Tensor): Generator<Tensor> {
  if (this.ndim === 0) throw new TypeError('iteration over a 0-d tensor');
  const n = this.shape[0];
  for (let i = 0; i < n; i++) yield sh.select(this, 0, i);
};

// ---- indexing and the gather family (ops/index.ts)

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `x[index]`: numpy's basic indexing in a string (`':, 2:6'`, `'::-1'`, `'..., None'`), or a list of
     *  entries (integers, slice strings, `'...'`, `null`, int32 index tensors, float masks); differentiable.
     *  Returns a copy. PyTorch: `x[index]`.
     *  @example
     *  ```ts
     *  x.index(':, 2:6');
     *  x.index([x.gt(0)]);          // the positive elements
     *  x.index([idx, ':']);         // rows idx (an int32 tensor)
     *  ```
     */
    index(index: Index): Tensor;
    /** `x[index] = values` in place (every form of {@link Tensor.index}); `values` a number or a tensor that
     *  broadcasts to `x[index]`'s shape; with `accumulate`, adds. Differentiable, as PyTorch's. Returns x.
     *  PyTorch: `Tensor.index_put_` (and `x[index] = values`).
     *  @example
     *  ```ts
     *  y.indexPut_(':, 2:6', 0);
     *  y.indexPut_([i, j], x.index(`${i}:${i + 2}, ${j}:${j + 2}`).mul(k).sum());
     *  ```
     */
    indexPut_(...args: PyArgs<[index: Index, values: TensorOrNumber, accumulate: boolean], { index?: Index; values?: TensorOrNumber; accumulate?: boolean }>): this;
  }
}

P.index = function (this: Tensor, ...a: unknown[]) { return ix.index(this, bindArgs('index', [this, ...a], { positional: ['self', { name: 'indices', required: true }] }).indices as Index); } as Tensor['index'];
P.indexPut_ = function (...args) {
  const a = bindArgs('indexPut_', args, { positional: [{ name: 'index', required: true }, { name: 'values', kind: 'tensorOrNumber', required: true }, { name: 'accumulate', kind: 'bool' }] });
  ix.indexPut_(this, a.index as Index, a.values as TensorOrNumber, (a.accumulate as boolean | undefined) ?? false);
  return this;
};

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** {@link gather} on this tensor. PyTorch: `Tensor.gather`.
     *  @example
     *  ```ts
     *  logProbs.gather(1, target.unsqueeze(1));
     *  ```
     */
    gather(dim: number, index: Tensor): Tensor;
    /** {@link scatter} on this tensor (a copy). PyTorch: `Tensor.scatter`.
     *  @example
     *  ```ts
     *  zeros([2, 3]).scatter(1, idx, 1);
     *  ```
     */
    scatter(dim: number, index: Tensor, src: TensorOrNumber, opts?: { reduce?: 'add' | 'sum' }): Tensor;
    /** {@link scatter_}: scatter in place. PyTorch: `Tensor.scatter_`.
     *  @example
     *  ```ts
     *  y.scatter_(1, idx, 1);
     *  ```
     */
    scatter_(dim: number, index: Tensor, src: TensorOrNumber, opts?: { reduce?: 'add' | 'sum' }): this;
    /** {@link scatterAdd} on this tensor. PyTorch: `Tensor.scatter_add`.
     *  @example
     *  ```ts
     *  zeros([3]).scatterAdd(0, idx, src);
     *  ```
     */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /** {@link scatterAdd_}: scatterAdd in place. PyTorch: `Tensor.scatter_add_`.
     *  @example
     *  ```ts
     *  counts.scatterAdd_(0, idx, src);
     *  ```
     */
    scatterAdd_(dim: number, index: Tensor, src: Tensor): this;
    /** {@link maskedFill} on this tensor. PyTorch: `Tensor.masked_fill`.
     *  @example
     *  ```ts
     *  scores.maskedFill(mask, -Infinity);
     *  ```
     */
    maskedFill(mask: Tensor, value: TensorOrNumber): Tensor;
    /** {@link maskedFill_}: maskedFill in place. PyTorch: `Tensor.masked_fill_`.
     *  @example
     *  ```ts
     *  x.maskedFill_(x.lt(0), 0);
     *  ```
     */
    maskedFill_(mask: Tensor, value: TensorOrNumber): this;
    /** {@link sort} along `dim` (default the last). PyTorch: `Tensor.sort`.
     *  @example
     *  ```ts
     *  const { values, indices } = x.sort(-1, true);
     *  ```
     */
    sort(...args: PyArgs<[dim: number, descending: boolean], { dim?: number; descending?: boolean; stable?: boolean }>): SortResult;
    /** {@link argsort} along `dim`. PyTorch: `Tensor.argsort`.
     *  @example
     *  ```ts
     *  x.argsort(0);
     *  ```
     */
    argsort(...args: PyArgs<[dim: number, descending: boolean, stable: boolean], { dim?: number; descending?: boolean; stable?: boolean }>): Tensor;
    /** {@link topk}: the k largest along `dim`. PyTorch: `Tensor.topk`.
     *  @example
     *  ```ts
     *  const { indices } = logits.topk(5);
     *  ```
     */
    topk(...args: PyArgs<[k: number, dim: number, largest: boolean, sorted: boolean], { k?: number; dim?: number; largest?: boolean; sorted?: boolean }>): SortResult;
    /** {@link cumsum} along `dim`. PyTorch: `Tensor.cumsum`.
     *  @example
     *  ```ts
     *  tensor([1, 2, 3]).cumsum(0);  // tensor([1., 3., 6.])
     *  ```
     */
    cumsum(...args: PyArgs<[dim: number], { dim?: number }>): Tensor;
  }
}

type AnyArgs = any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
P.gather = function (...a: AnyArgs) { return gt.gather(this, ...(a as [number, Tensor])); };
P.scatter = function (...a: AnyArgs) { return (gt.scatter as (...b: AnyArgs) => Tensor)(this, ...a); };
P.scatter_ = function (...a: AnyArgs) { (gt.scatter_ as (...b: AnyArgs) => Tensor)(this, ...a); return this; };
P.scatterAdd = function (...a: AnyArgs) { return (gt.scatterAdd as (...b: AnyArgs) => Tensor)(this, ...a); };
P.scatterAdd_ = function (...a: AnyArgs) { (gt.scatterAdd_ as (...b: AnyArgs) => Tensor)(this, ...a); return this; };
P.maskedFill = function (...a: AnyArgs) { return (gt.maskedFill as (...b: AnyArgs) => Tensor)(this, ...a); };
P.maskedFill_ = function (...a: AnyArgs) { (gt.maskedFill_ as (...b: AnyArgs) => Tensor)(this, ...a); return this; };
P.sort = function (...a: AnyArgs) { return (gt.sort as (...b: AnyArgs) => SortResult)(this, ...a); };
P.argsort = function (...a: AnyArgs) { return (gt.argsort as (...b: AnyArgs) => Tensor)(this, ...a); };
P.topk = function (...a: AnyArgs) { return (gt.topk as (...b: AnyArgs) => SortResult)(this, ...a); };
P.cumsum = function (...a: AnyArgs) { return (gt.cumsum as (...b: AnyArgs) => Tensor)(this, ...a); };
