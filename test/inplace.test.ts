// In-place ops (add_, mul_, copy_, fill_, …) and autograd, as PyTorch: every in-place write counts one
// version of the data (shared by views); a backward that needs data written since its node was recorded
// throws PyTorch's error instead of computing a wrong gradient; data a backward does not read may be
// written freely; an int tensor refuses a float result. On every backend.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, randn, noGrad, optim } from '../src/index.js';
import { assertClose, forEachBackend, values, widestFloat } from './helpers/backends.js';

const VERSION_ERROR = /one of the variables needed for gradient computation has been modified by an inplace operation: \[float32 \[3\]\] is at version 1; expected version 0 instead/;

forEachBackend('in-place ops and autograd', (backend) => {
  it('every in-place op counts one version, shared by views', () => {
    const x = tensor([1, 2, 3]);
    const v = x.reshape([3, 1]);
    assert.equal(x._version, 0);
    x.add_(1).mul_(2).sub_(1).div_(2).fill_(0).zero_().copy_(tensor([4, 5, 6])).copy_(7);
    assert.equal(x._version, 8);
    assert.equal(v._version, 8, 'a view shares the counter');
    v.add_(1);
    assert.equal(x._version, 9);
    assert.equal(x.clone()._version, 0, 'a copy starts its own');
  });

  it('writing a tensor a backward saved makes that backward throw PyTorch\'s error', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    const y = w.mul(x); // mul's backward needs x
    x.add_(1);
    assert.throws(() => y.sum().backward(), VERSION_ERROR);
    // An output its backward needs (exp), written through a view.
    const z = w.exp();
    z.detach().mul_(2);
    assert.throws(() => z.sum().backward(), VERSION_ERROR);
  });

  it('an optimizer step updates its parameters in place: a graph that saved one cannot run backward after it', () => {
    for (const make of [(p: ReturnType<typeof tensor>) => new optim.SGD([p], { lr: 0.1 }), (p: ReturnType<typeof tensor>) => new optim.Adam([p], { lr: 0.1 })]) {
      const w = tensor([1, 2, 3], { requiresGrad: true });
      const opt = make(w);
      w.mul(w).sum().backward();
      const saved = w.mul(tensor([1, 1, 1])).mul(w); // this mul's backward reads w
      opt.step();
      assert.equal(w._version, 1);
      assert.throws(() => saved.sum().backward(), /modified by an inplace operation: \[float32 \[3\]\] is at version 1; expected version 0 instead/);
    }
  });

  it('the error names the versions when data was written before it was recorded too', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    x.add_(1); // version 1, then recorded
    const y = w.mul(x);
    x.add_(1);
    assert.throws(() => y.sum().backward(), /\[float32 \[3\]\] is at version 2; expected version 1 instead/);
  });

  it('data recorded after its last in-place write gives the right gradient', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    x.add_(1);
    w.mul(x).sum().backward();
    await assertClose(w.grad!, [5, 6, 7]);
  });

  it('an in-place op on a tensor no backward reads is fine', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    const y = w.add(x); // add's backward reads only the gradient
    x.add_(10);
    const other = tensor([1, 1, 1]);
    const z = w.mul(2);
    other.mul_(3); // not part of the graph at all
    y.sum().add(z.sum()).backward();
    await assertClose(w.grad!, [3, 3, 3]);
    assert.deepEqual(await values(x), [14, 15, 16]);
  });

  it('gradients stay right when the in-place write comes after backward', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    w.mul(x).sum().backward();
    x.add_(1); // the graph is released: nothing needs the old values
    await assertClose(w.grad!, [4, 5, 6]);
    noGrad(() => { w.grad!.zero_(); });
    w.mul(x).sum().backward(); // a new graph records the new values
    await assertClose(w.grad!, [5, 6, 7]);
    // A graph kept with retainGraph still needs them: its second backward refuses.
    const y = w.mul(x);
    y.sum().backward(null, { retainGraph: true });
    x.mul_(2);
    assert.throws(() => y.sum().backward(), /modified by an inplace operation: \[float32 \[3\]\] is at version 2; expected version 1 instead/);
  });

  it('an int tensor refuses a float result, before writing anything (PyTorch\'s message)', async () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    const cantCast = /result type Float can't be cast to the desired output type Int/;
    // The widest float operand: float64 (PyTorch's Double) where the backend has it; webgpu has no float64.
    const wide = widestFloat(backend), Wide = wide === 'float64' ? 'Double' : 'Float';
    assert.throws(() => i.add_(0.5), cantCast);
    assert.throws(() => i.mul_(tensor([1.5, 1, 1])), cantCast);
    assert.throws(() => i.div_(2), cantCast);
    assert.throws(() => i.div_(tensor([2, 2, 2], { dtype: 'int32' })), cantCast);
    assert.throws(() => i.sub_(tensor(1, { dtype: wide })), new RegExp(`result type ${Wide} can't be cast to the desired output type Int`));
    assert.deepEqual(await values(i), [1, 2, 3]);
    assert.equal(i._version, 0);
    // Integer operands stay int; a float tensor takes any operand; copy_ and fill_ convert, as PyTorch's.
    i.add_(2).mul_(tensor([1, 2, 3], { dtype: 'int32' }));
    assert.deepEqual(await values(i), [3, 8, 15]);
    const f = tensor([1, 2, 3]);
    f.add_(tensor([0.5, 0.5, 0.5], { dtype: wide })).div_(tensor([2, 2, 2], { dtype: 'int32' }));
    assert.equal(f.dtype, 'float32');
    await assertClose(f, [0.75, 1.25, 1.75]);
    i.copy_(tensor([1.7, 2.2, -3.9])).fill_(4.5);
    assert.deepEqual(await values(i), [4, 4, 4]);
  });

  it('refuses a write into a leaf that requires grad; records writes into recorded tensors and with operands that require grad', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    assert.throws(() => w.add_(1), /add_: a leaf Variable that requires grad is being used in an in-place operation/);
    // Recorded as PyTorch: h = 2w, h += w → d(sum h)/dw = 3; x (a constant) += w, x *= w → x = (x0 + w)·w.
    const h = w.mul(2).add_(w);
    assert.equal(h.gradFn?.name, 'AddBackward0');
    h.sum().backward();
    assert.deepEqual(await values(w.grad!), [3, 3, 3]);
    w.grad = null;
    x.add_(w).mul_(w);
    assert.deepEqual(await values(x), [5, 14, 27]);
    x.sum().backward(); // d/dw (x0 + w)·w = x0 + 2w
    assert.deepEqual(await values(w.grad!), [6, 9, 12]);
    w.grad = null;
    const c = tensor([0, 0, 0]);
    c.copy_(w.mul(w));
    c.sum().backward();
    assert.deepEqual(await values(w.grad!), [2, 4, 6]);
    noGrad(() => { w.add_(1); x.add_(w); x.copy_(w); });
    assert.equal(w.isLeaf, true);
    assert.throws(() => x.fill_('1' as unknown as number), /fill_: value must be a number/);
    assert.throws(() => x.add_([1] as unknown as number), /add_: other must be a Tensor, got an array/);
  });
});
