// PyTorch's calling conventions (tensor/signature.ts): positional in PyTorch's order, a trailing options
// object naming any argument, errors for unknown, snake_case, doubled, missing and misfit arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindArgs, sizeArgs, checkKeys, camelCase, noExtraArgs, type Signature } from '../src/tensor/signature.js';
import { tensor } from '../src/index.js';

const conv: Signature = {
  positional: [
    { name: 'inChannels', kind: 'int', required: true }, { name: 'outChannels', kind: 'int', required: true },
    { name: 'kernelSize', kind: 'size', required: true }, { name: 'stride', kind: 'size' }, { name: 'padding', kind: 'any' },
    { name: 'dilation', kind: 'size' }, { name: 'groups', kind: 'int' }, { name: 'bias', kind: 'bool' },
    { name: 'paddingMode', kind: 'string' },
  ],
};

test('positional arguments bind in order; an options object may follow any number of them', () => {
  assert.deepEqual(bindArgs('Conv2d', [1, 1, 3, 1, 1], conv), { inChannels: 1, outChannels: 1, kernelSize: 3, stride: 1, padding: 1 });
  assert.deepEqual(bindArgs('Conv2d', [1, 6, { kernelSize: 5, padding: 2 }], conv), { inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 });
  assert.deepEqual(bindArgs('Conv2d', [{ inChannels: 2, outChannels: 3, kernelSize: [1, 2] }], conv), { inChannels: 2, outChannels: 3, kernelSize: [1, 2] });
  // undefined means "not given", by position or by name
  assert.deepEqual(bindArgs('Conv2d', [1, 1, 3, undefined, 2, { bias: undefined }], conv), { inChannels: 1, outChannels: 1, kernelSize: 3, padding: 2 });
});

test('unknown, snake_case and misspelt keys are named, with the accepted keys', () => {
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, { padding_mode: 'reflect' }], conv), /Conv2d: unknown option 'padding_mode': did you mean paddingMode\?/);
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, { bais: false }], conv), /Conv2d: unknown option 'bais': did you mean bias\? \(accepted: inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode\)/);
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, { zzz: 1 }], conv), /^Error: Conv2d: unknown option 'zzz' \(accepted: /);
  assert.throws(() => checkKeys('f', { a: 1 }, []), /f: unknown option 'a' \(it takes no options\)/);
});

test('a positional argument that does not fit its slot throws; too many throw; twice throws; missing throws', () => {
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, 1, 1, 1, 1, 'no'], conv), /Conv2d: argument 8 \(bias\) must be a boolean, got the string "no"/);
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, 1, 1, 1, 1, true, 'zeros', 7], conv), /Conv2d: takes 9 positional arguments .* but 10 were given \(the extra one is number 7\)/);
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, { kernelSize: 3 }], conv), /Conv2d: got multiple values for argument 'kernelSize'/);
  assert.throws(() => bindArgs('Conv2d', [1, 1], conv), /Conv2d: missing required argument 'kernelSize'/);
  assert.throws(() => bindArgs('Conv2d', [1.5, 1, 3], conv), /Conv2d: argument 1 \(inChannels\) must be an integer, got number 1.5/);
  assert.throws(() => bindArgs('Conv2d', [1, { a: 1 }, 3], conv), /an options object can only come last/);
  assert.throws(() => bindArgs('Conv2d', [1, 1, 3, { stride: 'two' }], conv), /Conv2d: stride must be an integer or a list of integers, got the string "two"/);
  assert.throws(() => bindArgs('f', [tensor([1]), 2], { positional: [{ name: 'input', kind: 'tensor' }], keywordOnly: ['dim'] }),
    /f: takes 1 positional argument \(input\) but 2 were given \(the extra one is number 2\); dim go in the options object/);
});

test('sizes come as varargs or one list, with options after either', () => {
  assert.deepEqual(sizeArgs('zeros', [6, 8]), [[6, 8], {}]);
  assert.deepEqual(sizeArgs('zeros', [[6, 8]]), [[6, 8], {}]);
  assert.deepEqual(sizeArgs('zeros', [6, 8, { dtype: 'int32' }]), [[6, 8], { dtype: 'int32' }]);
  assert.deepEqual(sizeArgs('zeros', [[6, 8], { dtype: 'int32' }]), [[6, 8], { dtype: 'int32' }]);
  assert.deepEqual(sizeArgs('view', [-1, 400], -1), [[-1, 400], {}]);
  assert.throws(() => sizeArgs('zeros', [6, -1]), /zeros: size must be non-negative integers, given as varargs or one list; entry 1 is number -1/);
  assert.throws(() => sizeArgs('zeros', [6, '8']), /entry 1 is the string "8"/);
});

test('camelCase of PyTorch names', () => {
  assert.equal(camelCase('padding_mode'), 'paddingMode');
  assert.equal(camelCase('count_include_pad'), 'countIncludePad');
  assert.equal(camelCase('bias'), 'bias');
});

test('noExtraArgs: a positional-only function names an options key, and an extra argument, by op', () => {
  noExtraArgs('f', [1], ['a']);
  noExtraArgs('f', [1, {}], ['a']);
  noExtraArgs('f', [1, { b: undefined }], ['a']);
  assert.throws(() => noExtraArgs('f', [1, { bogusKey: 1 }], ['a']), /^Error: f: unknown option 'bogusKey' \(it takes no options\)$/);
  assert.throws(() => noExtraArgs('f', [1, 2], ['a']), /^Error: f: takes 1 argument \(a\) but 2 were given \(the extra one is number 2\)$/);
  assert.throws(() => noExtraArgs('g', [1, 2, 3, {}], ['a', 'b']), /g: takes 2 arguments \(a, b\) but 4 were given \(the extra one is number 3\)/);
});
