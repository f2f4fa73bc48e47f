// Choosing and building run inputs: which arrays can be an input sequence, the step-through default, seeded draws.
import * as assert from 'node:assert/strict';
import type { ExtractedArray } from '../../src/core/parse/types';
import { buildInitialStates, buildSequence, defaultInput, inputCandidates, randomValues, seededUniform, sequenceSteps } from '../../src/worker/inputs';

const lstm = { cell: 'lstm' as const, units: 3, inputSize: 2, directions: 1 as const };

function array(index: number, name: string | undefined, shape: number[]): ExtractedArray {
  const size = shape.reduce((a, b) => a * b, 1);
  return { index, name, shape, values: Float64Array.from({ length: size }, (_, k) => k + 1), range: { start: index * 10, end: index * 10 + 5 }, form: 'python_literal' };
}

describe('run inputs (src/worker/inputs)', () => {
  it('reads (T, I), (1, T, I), (T, 1, I) and, for input size 1, plain vectors as sequences', () => {
    assert.equal(sequenceSteps([5, 2], 2), 5);
    assert.equal(sequenceSteps([1, 5, 2], 2), 5);
    assert.equal(sequenceSteps([5, 1, 2], 2), 5);
    assert.equal(sequenceSteps([1, 1, 2], 2), 1);
    assert.equal(sequenceSteps([7], 1), 7);
    assert.equal(sequenceSteps([7], 2), undefined);
    assert.equal(sequenceSteps([5, 3], 2), undefined);
    assert.equal(sequenceSteps([2, 5, 2], 2), undefined, 'a batch of two is not one sequence');
  });

  it('defaults to the file’s input (preferring input-like names) and never to a weight', () => {
    const arrays = [array(0, 'kernel', [2, 12]), array(1, 'h0', [1, 2]), array(2, 'x_test', [4, 2])];
    assert.deepEqual(inputCandidates(arrays, lstm, new Set([0])).map((a) => a.name), ['h0', 'x_test']);
    assert.deepEqual(defaultInput(arrays, lstm, new Set([0])), { kind: 'array', arrayIndex: 2 });
    assert.deepEqual(defaultInput([array(0, 'kernel', [2, 12])], lstm, new Set([0])), { kind: 'random', steps: 8, seed: 42 });
  });

  it('draws the same seeded values everywhere, in [-1, 1)', () => {
    assert.deepEqual(Array.from(randomValues(5, 42)), Array.from(randomValues(5, 42)));
    assert.notDeepEqual(Array.from(randomValues(5, 42)), Array.from(randomValues(5, 43)));
    const many = randomValues(10000, 1);
    assert.ok(many.every((v) => v >= -1 && v < 1));
    const mean = many.reduce((a, b) => a + b, 0) / many.length;
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    // mulberry32's first output for seed 0, so the generator itself cannot drift unnoticed.
    assert.equal(Math.round(seededUniform(0)() * 4294967296), 1144304738);
  });

  it('builds sequences and initial states, and says what is wrong with a bad one', () => {
    const arrays = [array(0, 'x', [3, 2])];
    assert.deepEqual(Array.from(buildSequence({ kind: 'array', arrayIndex: 0 }, 2, arrays).data), [1, 2, 3, 4, 5, 6]);
    assert.equal(buildSequence({ kind: 'zeros', steps: 4 }, 2, arrays).data.length, 8);
    assert.throws(() => buildSequence({ kind: 'values', steps: 2, features: 2, data: [1, 2, 3] }, 2, arrays), /Expected 4 values/);
    assert.throws(() => buildSequence({ kind: 'array', arrayIndex: 0 }, 3, arrays), /needs 3 features per step/);
    assert.equal(buildInitialStates({ kind: 'zeros' }, lstm), undefined);
    const random = buildInitialStates({ kind: 'random', seed: 5 }, lstm);
    assert.equal(random?.length, 1);
    assert.equal(random?.[0].h?.length, 3);
    assert.notDeepEqual(Array.from(random?.[0].h ?? []), Array.from(random?.[0].c ?? []));
    assert.throws(() => buildInitialStates({ kind: 'values', h: [1, 2] }, lstm), /Initial h needs 3 values/);
  });

  it('refuses typed values that are not finite numbers, naming the place (issue 8 item 3)', () => {
    const values = (data: unknown[]) => ({ kind: 'values' as const, steps: 2, features: 2, data: data as number[] });
    assert.throws(() => buildSequence(values([0.1, 0.2, 'x', 0.4]), 2, []), /Input value \(step 1, feature 0\) is "x"/);
    assert.throws(() => buildSequence(values([0.1, null, 0.3, 0.4]), 2, []), /\(step 0, feature 1\) is null/);
    assert.throws(() => buildSequence(values([0.1, 0.2, NaN, 0.4]), 2, []), /is NaN/);
    assert.throws(() => buildSequence({ kind: 'values', steps: 0, features: 2, data: [] }, 2, []), /at least one step/);
    assert.equal(buildSequence(values([0.1, 0.2, 0.3, 0.4]), 2, []).steps, 2);
    assert.throws(() => buildInitialStates({ kind: 'values', h: [0.1, Infinity, 0.3] }, lstm), /Initial h value 1 is Infinity/);
    assert.throws(() => buildInitialStates({ kind: 'values', c: [0.1, '0.2' as unknown as number, 0.3] }, lstm), /Initial c value 1 is "0.2"/);
    assert.throws(() => buildInitialStates({ kind: 'values', c: [0.1, 0.2, 0.3] }, { ...lstm, cell: 'gru' }), /applies to an LSTM/);
  });
});
