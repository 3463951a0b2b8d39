// test/helpers/assert.ts — numeric comparisons that say where and by how much they fail.

import assert from 'node:assert/strict';
import type { NestedArray } from '../../src/index.js';

export function flat(v: NestedArray | ArrayLike<number>): number[] {
  if (typeof v === 'number' || typeof v === 'boolean') return [Number(v)];
  if (Array.isArray(v)) return (v as NestedArray[]).flatMap((x) => flat(x));
  return Array.from(v as ArrayLike<number>);
}

export function assertClose(actual: NestedArray | ArrayLike<number>, expected: NestedArray | ArrayLike<number>, what = 'value', atol = 1e-5, rtol = 1e-5): void {
  const a = flat(actual), e = flat(expected);
  assert.equal(a.length, e.length, `${what}: ${a.length} values, expected ${e.length}`);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - e[i]);
    const ok = err <= atol + rtol * Math.abs(e[i]) || (Number.isNaN(a[i]) && Number.isNaN(e[i])) || a[i] === e[i];
    if (!ok && err > worstErr) { worst = i; worstErr = err; }
  }
  if (worst >= 0) {
    assert.fail(`${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} (|error| ${worstErr}, atol ${atol}, rtol ${rtol})`);
  }
}

export function assertThrowsMessage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof Error, 'expected an Error');
    assert.match(err.message, pattern);
    return true;
  });
}
