// The web suite's stand-in for node:assert/strict (test/web/shims/assert.ts) must pass and fail exactly where Node's
// does, or a web-host test could pass on a wrong value. Each case runs through both and compares the verdicts.
import * as assert from 'node:assert/strict';
import * as shim from '../web/shims/assert';

type Verdict = 'pass' | 'fail';

function verdict(fn: () => void): Verdict {
  try {
    fn();
    return 'pass';
  } catch {
    return 'fail';
  }
}

async function asyncVerdict(fn: () => Promise<void>): Promise<Verdict> {
  try {
    await fn();
    return 'pass';
  } catch {
    return 'fail';
  }
}

const pairs: [unknown, unknown][] = [
  [1, 1], [1, '1'], [NaN, NaN], [0, -0], [null, undefined], ['a', 'a'],
  [[1, 2], [1, 2]], [[1, 2], [2, 1]], [[1, [2, 3]], [1, [2, 3]]], [[1], [1, 2]],
  [{ a: 1, b: [1] }, { b: [1], a: 1 }], [{ a: 1 }, { a: 1, b: undefined }], [{ a: 1 }, { a: '1' }],
  [new Float64Array([1, 2]), new Float64Array([1, 2])], [new Float64Array([1, 2]), new Float64Array([1, 3])],
  [new Float64Array([1]), new Float32Array([1])], [new Float64Array([1]), [1]],
  [new Map([[1, 'a']]), new Map([[1, 'a']])], [new Map([[1, 'a']]), new Map([[1, 'b']])],
  [new Set([1, 2]), new Set([1, 2])], [new Set([1]), new Set([2])],
];

describe('the web test bundle’s node:assert/strict stand-in', () => {
  it('equal, notEqual, deepEqual and notDeepEqual give Node’s verdicts', () => {
    for (const [a, b] of pairs) {
      for (const name of ['equal', 'notEqual', 'deepEqual', 'notDeepEqual'] as const) {
        const node = verdict(() => (assert[name] as (x: unknown, y: unknown) => void)(a, b));
        const web = verdict(() => (shim[name] as (x: unknown, y: unknown) => void)(a, b));
        assert.equal(web, node, `${name}(${String(a)}, ${String(b)})`);
      }
    }
  });

  it('ok, match and doesNotMatch give Node’s verdicts', () => {
    for (const value of [0, 1, '', 'x', null, undefined, [], {}]) assert.equal(verdict(() => shim.ok(value)), verdict(() => assert.ok(value)), `ok(${String(value)})`);
    for (const [text, re] of [['forget gate', /forget/], ['forget gate', /^gate/], ['', /x?/]] as const) {
      assert.equal(verdict(() => shim.match(text, re)), verdict(() => assert.match(text, re)));
      assert.equal(verdict(() => shim.doesNotMatch(text, re)), verdict(() => assert.doesNotMatch(text, re)));
    }
  });

  it('uses the caller’s message', () => {
    assert.throws(() => shim.equal(1, 2, 'h[0]: 1 vs 2'), { name: 'AssertionError', message: 'h[0]: 1 vs 2' });
  });

  it('rejects gives Node’s verdicts for a validating function, a class and a pattern', async () => {
    class CancelledError extends Error {
      override name = 'CancelledError';
    }
    const cases: [() => Promise<unknown>, ((e: Error) => boolean) | RegExp | typeof CancelledError][] = [
      [() => Promise.reject(new CancelledError('x')), (e) => e.name === 'CancelledError'],
      [() => Promise.reject(new Error('x')), (e) => e.name === 'CancelledError'],
      [() => Promise.resolve(1), (e) => e.name === 'CancelledError'],
      [() => Promise.reject(new CancelledError('x')), CancelledError],
      [() => Promise.reject(new Error('x')), CancelledError],
      [() => Promise.reject(new Error('still waiting')), /waiting/],
      [() => Promise.reject(new Error('done')), /waiting/],
    ];
    for (const [block, check] of cases) {
      const node = await asyncVerdict(() => assert.rejects(block, check as never));
      const web = await asyncVerdict(() => shim.rejects(block, check));
      assert.equal(web, node, String(check));
    }
  });
});
