// The transfer list the worker hands to postMessage: every ArrayBuffer under a result, each once, collected in one
// walk (the old walk copied its set of buffers at every node: 16k arrays took seconds).
import * as assert from 'node:assert/strict';
import { transferables } from '../../src/worker/protocol';

/** How many times a Set is iterated (spread, Array.from, for…of) while `fn` runs. */
function countSetIterations<T>(fn: () => T): { result: T; iterations: number } {
  const original = Set.prototype[Symbol.iterator];
  let iterations = 0;
  Set.prototype[Symbol.iterator] = function (this: Set<unknown>) {
    iterations++;
    return original.call(this);
  } as typeof original;
  try {
    return { result: fn(), iterations };
  } finally {
    Set.prototype[Symbol.iterator] = original;
  }
}

describe('worker transfer list (src/worker/protocol transferables)', () => {
  it('finds every buffer of many arrays once, copying the set of found buffers only once', () => {
    const count = 16000;
    const arrays = Array.from({ length: count }, (_, k) => ({ name: `w${k}`, values: new Float64Array([k]), shape: [1] }));
    const { result, iterations } = countSetIterations(() => transferables({ parse: { arrays }, recognition: { layers: [] } }));
    assert.equal(result.length, count);
    assert.equal(new Set(result).size, count);
    result.forEach((buffer, k) => assert.equal(new Float64Array(buffer)[0], k, `buffer ${k} in document order`));
    assert.ok(iterations <= 1, `the found buffers were copied ${iterations} times`);
  });

  it('lists a buffer shared by several views once, survives cycles and skips views of a SharedArrayBuffer', () => {
    const shared = new ArrayBuffer(32);
    const a = new Float64Array(shared, 0, 2);
    const b = new Float64Array(shared, 16, 2);
    const own = new Int32Array(3);
    const loop: Record<string, unknown> = { a, b, nested: [[own], { again: a }] };
    loop.self = loop;
    const sab = new Float64Array(new SharedArrayBuffer(8));
    const found = transferables({ loop, sab, bare: shared, text: 'x', n: 1, none: null });
    assert.deepEqual(found, [shared, own.buffer]);
  });
});
