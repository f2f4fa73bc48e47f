// A seeded slice of the fuzz stream (npm run fuzz runs the full one): no input throws, and every result keeps its
// invariants (ranges inside the text, shapes that hold their values, numeric literals equal to parseFloat).
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { checkInvariants, fuzzCase } from './fuzz-cases';

const SEED = 20261127;
const CASES = 2000;

describe('extractArrays fuzz (seeded subset)', () => {
  it(`${CASES} random and mutated inputs: no throw, invariants hold`, function () {
    this.timeout(300_000); // a limit for slow shared machines, not a timing assertion
    const kinds = new Map<string, number>();
    let arrays = 0;
    for (let index = 0; index < CASES; index++) {
      const { kind, text, options } = fuzzCase(SEED, index);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      let result;
      try {
        result = extractArrays(text, options);
      } catch (error) {
        assert.fail(`case ${index} (${kind}) threw ${String(error)}; reproduce with fuzzCase(${SEED}, ${index})`);
      }
      const problems = checkInvariants(text, result);
      assert.deepEqual(problems, [], `case ${index} (${kind}): fuzzCase(${SEED}, ${index})`);
      arrays += result.arrays.length;
    }
    // The stream must really exercise the reader: every kind of case appears and arrays are found.
    for (const kind of ['snippets', 'mutated', 'structure', 'bytes']) assert.ok((kinds.get(kind) ?? 0) > 0, kind);
    assert.ok(arrays > CASES, `only ${arrays} arrays found`);
  });

  it('gives the same case for the same seed and index', () => {
    assert.deepEqual(fuzzCase(1, 42), fuzzCase(1, 42));
    assert.notDeepEqual(fuzzCase(1, 42).text, fuzzCase(1, 43).text);
  });
});
