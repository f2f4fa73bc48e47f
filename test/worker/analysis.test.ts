// The worker's jobs as plain functions: analysis of the seed example, and the chunked long run (which reports
// progress) giving exactly the numbers of one uninterrupted run.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLayer } from '../../src/core/forward';
import { analyzeText, runTraced } from '../../src/worker/analysis';
import { randomValues } from '../../src/worker/inputs';

const seed = readFileSync('examples/seed_keras_lstm.py', 'utf8');

describe('worker jobs (src/worker/analysis)', function () {
  // Two traced 5000-step runs; generous for a loaded machine (the limit is not a speed check).
  this.timeout(30000);

  it('analyses the seed example into one Keras LSTM with its slices', () => {
    const { parse, recognition } = analyzeText(seed, {});
    assert.deepEqual(parse.arrays.map((a) => a.name), ['lstm_1_kernel_0', 'lstm_1_recurrent_kernel_0', 'lstm_1_bias_0', 'x']);
    assert.deepEqual(recognition.layers.map((l) => [l.name, l.convention, l.cell, l.units, l.inputSize]), [['lstm_1', 'keras', 'lstm', 3, 1]]);
    assert.deepEqual(recognition.slices.map((s) => `${s.target}=${s.gates.map((g) => g.label).join('')}`), ['i=i', 'f=f', 'c=c', 'o=o']);
  });

  it('passes the convention override through to the recogniser', () => {
    const { recognition } = analyzeText(seed, { conventionOverride: 'onnx' });
    // Keras-shaped arrays cannot be ONNX: the layer stays Keras and says why.
    assert.equal(recognition.layers[0].convention, 'keras');
    assert.ok(recognition.layers[0].warnings.some((w) => /convention was set to onnx/.test(w.message)));
  });

  it('runs a long sequence in chunks, reports progress, and matches one uninterrupted run exactly', () => {
    const { recognition } = analyzeText(seed, {});
    const layer = recognition.layers[0].layer;
    const steps = 5000;
    const input = { data: randomValues(steps, 9), batch: 1, steps, features: 1 };
    const initialStates = [{ h: Float64Array.from([0.1, -0.2, 0.3]), c: Float64Array.from([0.5, 0, -0.5]) }];
    const fractions: number[] = [];
    const chunked = runTraced({ layer, input, initialStates }, (f) => fractions.push(f));
    const whole = runLayer(layer, input, { trace: true, initialStates });
    assert.deepEqual(fractions, [2048 / 5000, 4096 / 5000, 1]);
    assert.deepEqual(Array.from(chunked.output.data), Array.from(whole.output.data));
    assert.deepEqual(Array.from(chunked.finalStates[0].h), Array.from(whole.finalStates[0].h));
    assert.deepEqual(Array.from(chunked.finalStates[0].c ?? []), Array.from(whole.finalStates[0].c ?? []));
    const [a, b] = [chunked.trace?.[0], whole.trace?.[0]];
    assert.ok(a && b);
    assert.equal(a.steps, steps);
    assert.deepEqual(Array.from(a.timeIndex), Array.from(b.timeIndex));
    assert.deepEqual(Array.from(a.z), Array.from(b.z));
    assert.deepEqual(Array.from(a.c ?? []), Array.from(b.c ?? []));
  });

  it('runs a short sequence in one call, without progress, to Keras’s numbers', () => {
    const { recognition } = analyzeText(seed, {});
    const fractions: number[] = [];
    const result = runTraced({ layer: recognition.layers[0].layer, input: { data: Float64Array.from([0.83467698]), batch: 1, steps: 1, features: 1 } }, (f) => fractions.push(f));
    assert.deepEqual(fractions, []);
    // Keras float64 for the seed question (examples/expected/seed_keras_lstm.json).
    const expected = [-0.03092077990339361, 0.05519305177366662, 0.010354372780307536];
    Array.from(result.finalStates[0].h).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-12, `h[${i}] = ${v}`));
  });
});
