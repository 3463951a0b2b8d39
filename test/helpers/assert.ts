// test/helpers/assert.ts — error assertions that check the message (numeric comparisons: backends.ts).

import assert from 'node:assert/strict';

export function assertThrowsMessage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof Error, 'expected an Error');
    assert.match(err.message, pattern);
    return true;
  });
}
