// The realistic examples in examples/ (generated from real Keras, PyTorch and ONNX runs): every weight array is
// found, in order, with the shape the framework gives it, with values equal to parseFloat of their text, and
// nothing else is reported.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractArrays } from '../../../src/core/parse';

interface ExpectedLayer {
  readonly cell: string;
  readonly convention: string;
  readonly units: number;
  readonly inputSize: number;
  readonly directions: number;
}

interface ExpectedFile {
  readonly file: string;
  readonly layers: readonly ExpectedLayer[];
  readonly truncated?: boolean;
  readonly shapes?: readonly number[][];
}

const GATES: Record<string, number> = { lstm: 4, gru: 3, simple_rnn: 1, rnn: 1 };

/** Weight shapes each framework stores, in the order it prints them. */
function weightShapes(layer: ExpectedLayer): number[][] | undefined {
  const { cell, convention, units: h, inputSize: d, directions } = layer;
  if (cell === 'dense') return [[d, h], [h]];
  const g = GATES[cell];
  if (g === undefined) return undefined;
  const shapes: number[][] = [];
  for (let direction = 0; direction < directions; direction++) {
    if (convention === 'keras') {
      // Keras 3 GRU defaults to reset_after=True: a (2, 3·units) bias (keras/src/layers/rnn/gru.py).
      shapes.push([d, g * h], [h, g * h], cell === 'gru' ? [2, g * h] : [g * h]);
    } else if (convention === 'pytorch') {
      shapes.push([g * h, d], [g * h, h], [g * h], [g * h]);
    } else if (convention === 'onnx') {
      if (direction === 0) shapes.push([directions, g * h, d], [directions, g * h, h], [directions, 2 * g * h]);
    } else return undefined;
  }
  return shapes;
}

/** Arrays in the examples that are not weights (model inputs written next to them). */
const EXTRA_ARRAYS: Record<string, { name: string; shape: number[] }[]> = {
  'seed_keras_lstm.py': [{ name: 'x', shape: [1, 1] }],
  'seed_keras_lstm_wrong_slices.py': [{ name: 'x', shape: [1, 1] }],
};

/** Numbers of a literal's text, read by an independent regex after dropping identifiers (float32) and shape=(…). */
function oracleValues(literal: string): number[] {
  const withoutWords = literal.replace(/shape=\([^)]*\)/g, ' ').replace(/(?<![\d.])[A-Za-z_][\w.]*(=<[^>]*>)?/g, ' ');
  return (withoutWords.match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) ?? []).map((t) => parseFloat(t));
}

const root = path.join(process.cwd(), 'examples');
const expectedDir = path.join(root, 'expected');
const expectedFiles = fs.existsSync(expectedDir) ? fs.readdirSync(expectedDir).filter((f) => f.endsWith('.json')).sort() : [];

describe('extractArrays over examples/', () => {
  it('has examples to read', () => {
    assert.ok(expectedFiles.length > 0, 'examples/expected/*.json missing');
  });

  for (const expectedName of expectedFiles) {
    const expected = JSON.parse(fs.readFileSync(path.join(expectedDir, expectedName), 'utf8')) as ExpectedFile;
    const sourcePath = path.join(root, expected.file);
    it(`${expected.file}: every array found with the framework's shapes, values exact, nothing spurious`, () => {
      const text = fs.readFileSync(sourcePath, 'utf8');
      const result = extractArrays(text);
      for (const array of result.arrays) {
        const literal = text.slice(array.range.start, array.range.end);
        assert.deepEqual(Array.from(array.values), oracleValues(literal), `values of ${array.name ?? `#${array.index}`}`);
        assert.equal(array.values.length, array.shape.reduce((a, b) => a * b, 1));
      }
      if (expected.truncated) {
        // Summarised prints: only the arrays printed in full are read; each summarised one gets a diagnostic.
        // NumPy summarises above `threshold` = 1000 elements (numpy/_core/arrayprint.py, format_options defaults).
        const full = (expected.shapes ?? []).filter((s) => s.reduce((a, b) => a * b, 1) <= 1000);
        const summarised = (expected.shapes ?? []).length - full.length;
        assert.deepEqual(result.arrays.map((a) => a.shape), full);
        assert.deepEqual(result.diagnostics.map((d) => d.code), new Array(summarised).fill('truncated-print'));
        return;
      }
      assert.deepEqual(result.diagnostics, [], 'no diagnostics on a clean example');
      const layerShapes = expected.layers.map(weightShapes);
      if (layerShapes.some((s) => s === undefined)) {
        assert.ok(result.arrays.length > 0, 'arrays found');
        return;
      }
      const weights = layerShapes.flatMap((s) => s ?? []);
      const extras = EXTRA_ARRAYS[expected.file] ?? [];
      assert.deepEqual(result.arrays.map((a) => a.shape), [...weights, ...extras.map((e) => e.shape)]);
      extras.forEach((extra, k) => assert.equal(result.arrays[weights.length + k].name, extra.name));
      // Lists (get_weights) are one list in order; named forms carry a name on every array.
      const listed = result.arrays.filter((a) => a.list);
      if (listed.length) {
        assert.equal(listed.length, result.arrays.length, 'all or none listed');
        assert.deepEqual(listed.map((a) => a.list?.position), listed.map((_a, k) => k));
        assert.ok(listed.every((a) => a.list?.id === listed[0].list?.id));
      } else if (!/parameters/.test(expected.file)) {
        for (const array of result.arrays) assert.ok(array.name, `array #${array.index} has a name`);
      }
    });
  }

  it('names Keras weights by their printed path and PyTorch weights by their state_dict key', () => {
    const keras = extractArrays(fs.readFileSync(path.join(root, 'keras_lstm_named_weights.txt'), 'utf8'));
    assert.deepEqual(
      keras.arrays.map((a) => a.name?.replace(/^.*\/lstm_cell\//, '')),
      ['kernel', 'recurrent_kernel', 'bias'],
    );
    const torch = extractArrays(fs.readFileSync(path.join(root, 'torch_lstm_state_dict.txt'), 'utf8'));
    assert.deepEqual(torch.arrays.slice(0, 4).map((a) => a.name), ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0']);
    assert.ok(torch.arrays.every((a) => a.dtype === 'torch.float64'));
  });
});

describe('extractArrays over real framework prints (test/core/parse/fixtures/framework-prints.txt)', () => {
  // Printed by TensorFlow 2.21, Keras 3.15 and PyTorch 2.13: eager tensors, tf.Variable, named_parameters(),
  // dict(named_parameters()), state_dict() as NumPy, Keras 3 weights by path, print(model.weights), get_weights().
  it('finds every array with its name, shape and values', () => {
    const text = fs.readFileSync(path.join(process.cwd(), 'test/core/parse/fixtures/framework-prints.txt'), 'utf8');
    const result = extractArrays(text);
    assert.deepEqual(result.diagnostics, []);
    const torchNames = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'];
    const torchShapes = [[3, 2], [3, 1], [3], [3]];
    const keras = ['sequential/lstm/lstm_cell/kernel', 'sequential/lstm/lstm_cell/recurrent_kernel', 'sequential/lstm/lstm_cell/bias'];
    const kerasShapes = [[2, 8], [2, 8], [8]];
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape]),
      [
        [undefined, [1, 3]],
        [undefined, [1, 3]],
        ['lstm/kernel:0', [1, 2]],
        ['lstm/kernel:0', [1, 2]],
        ...torchNames.map((n, k) => [n, torchShapes[k]]),
        ...torchNames.map((n, k) => [n, torchShapes[k]]),
        ...torchNames.map((n, k) => [n, torchShapes[k]]),
        ...keras.map((n, k) => [n, kerasShapes[k]]),
        ...keras.map((n, k) => [n, kerasShapes[k]]),
        ...kerasShapes.map((shape) => [undefined, shape]),
      ],
    );
    assert.deepEqual(result.arrays.slice(-3).map((a) => a.list), [0, 1, 2].map((position) => ({ id: 0, position })));
    for (const array of result.arrays) {
      const literal = text.slice(array.range.start, array.range.end);
      assert.deepEqual(Array.from(array.values), oracleValues(literal), `values of ${array.name ?? `#${array.index}`}`);
    }
    // The same weights printed four ways read the same.
    assert.deepEqual(Array.from(result.arrays[17].values), Array.from(result.arrays[20].values));
    assert.deepEqual(Array.from(result.arrays[17].values), Array.from(result.arrays[23].values));
  });
});
