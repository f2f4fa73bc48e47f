// Open as Text: every value at full precision, the file's names and shapes, and text the parser reads back as the
// same arrays.
import * as assert from 'node:assert/strict';
import { layerText, pythonFloatLiteral } from '../../../src/core/codegen/layerText';
import { extractArrays } from '../../../src/core/parse';

describe('layer text (Open as Text)', () => {
  it('writes floats that read back as the same float64', () => {
    for (const v of [0.1, -0.30000000000000004, 1e-300, 3.4028234663852886e38, Math.fround(0.1), 1, -0, 5e-324]) {
      assert.equal(Number(pythonFloatLiteral(v)), v);
    }
    assert.equal(pythonFloatLiteral(2), '2.0');
    assert.equal(pythonFloatLiteral(1e21), '1e21');
    assert.equal(pythonFloatLiteral(NaN), 'np.nan');
  });

  it('round-trips names, shapes and values through the text parser', () => {
    const w = Float64Array.from({ length: 12 }, (_, k) => Math.fround(Math.sin(k + 1) / 3));
    const b = Float64Array.from({ length: 4 }, (_, k) => k - 1.5);
    const cube = Float64Array.from({ length: 8 }, (_, k) => k * 0.125);
    const text = layerText({ fileName: 'm.pt', format: 'pytorch', layerName: 'rnn', config: 'LSTM(hidden_size=1)\nnext' }, [
      { name: 'rnn.weight_ih_l0', shape: [4, 3], dtype: 'float32', values: w },
      { name: 'rnn.bias_ih_l0', shape: [4], dtype: 'float32', values: b },
      { name: 'W', shape: [2, 2, 2], dtype: 'float64', values: cube },
    ]);
    assert.ok(!/\nnext/.test(text), 'the config stays on one comment line');
    const parsed = extractArrays(text, { languageId: 'python' });
    const byName = new Map(parsed.arrays.map((a) => [a.name?.split('/').pop(), a]));
    assert.deepEqual(byName.get('rnn.weight_ih_l0')?.shape, [4, 3]);
    assert.deepEqual(Array.from(byName.get('rnn.weight_ih_l0')?.values ?? []), Array.from(w));
    assert.deepEqual(Array.from(byName.get('rnn.bias_ih_l0')?.values ?? []), Array.from(b));
    assert.deepEqual(byName.get('W')?.shape, [2, 2, 2]);
    assert.deepEqual(Array.from(byName.get('W')?.values ?? []), Array.from(cube));
  });
});
