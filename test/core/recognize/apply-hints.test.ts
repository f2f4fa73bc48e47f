// Joining the constructors written in a file to the layers found in its weights (src/core/recognize/apply-hints.ts),
// for pastes whose constructor is older than the weights printed beside it.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { recognize, type RecognizedLayer } from '../../../src/core/recognize';

function layersOf(text: string): readonly RecognizedLayer[] {
  return recognize(extractArrays(text, { fileKind: 'python' }), text).layers;
}

const candidateOf = (l: RecognizedLayer): string => {
  const a = l.layer.activations;
  return ('gate' in a ? a : a[0]).candidate.name;
};

// The shape of a real paste: the model code left at its first size in comments, the weights printed after the
// author retrained it with one unit.
const staleSimpleRnn = (constructors: string) => `# model = Sequential([
${constructors}
# ])
# print(model.layers[0].weights)
# [<tf.Variable 'simple_rnn/kernel:0' shape=(1, 1) dtype=float32, numpy=array([[0.6021545]], dtype=float32)>,
#  <tf.Variable 'simple_rnn/recurrent_kernel:0' shape=(1, 1) dtype=float32, numpy=array([[1.0050855]], dtype=float32)>,
#  <tf.Variable 'simple_rnn/bias:0' shape=(1,) dtype=float32, numpy=array([0.20719269], dtype=float32)>]
`;

describe('recognise: a constructor whose sizes disagree with the printed weights', () => {
  it('joins the only SimpleRNN constructor to the only SimpleRNN layer: its activation applies, the arrays decide the sizes', () => {
    const [layer, ...rest] = layersOf(staleSimpleRnn('#     SimpleRNN(100, activation=None, input_shape=(None, 100), return_sequences=True)'));
    assert.equal(rest.length, 0);
    assert.deepEqual([layer.cell, layer.units, layer.inputSize], ['simple_rnn', 1, 1]);
    assert.equal(candidateOf(layer), 'linear');
    assert.ok(layer.evidence.some((e) => e.code === 'constructor-hint' && /activation="linear"/.test(e.message)), JSON.stringify(layer.evidence));
    const conflict = layer.warnings.find((w) => w.code === 'hint-units-conflict');
    assert.ok(conflict, JSON.stringify(layer.warnings));
    assert.match(conflict.message, /says 100 units but the arrays hold 1; the arrays decide/);
    // input_shape=(None, 100) disagrees with the (1, 1) kernel too, and a Keras layer has no l0 index to wait for.
    const input = layer.warnings.find((w) => w.code === 'hint-input-conflict');
    assert.match(input?.message ?? JSON.stringify(layer.warnings), /says input size 100 but the arrays take 1; the arrays decide/);
  });

  it('joins nothing when two constructors of the cell could be the stale one', () => {
    const [layer] = layersOf(staleSimpleRnn([
      '#     SimpleRNN(100, activation=None, input_shape=(None, 100), return_sequences=True),',
      "#     SimpleRNN(50, activation='relu'),",
    ].join('\n')));
    assert.equal(candidateOf(layer), 'tanh');
    assert.ok(!layer.evidence.some((e) => e.code === 'constructor-hint'), JSON.stringify(layer.evidence));
  });

  it('never joins a constructor of another cell', () => {
    const [layer] = layersOf(staleSimpleRnn("#     LSTM(100, activation='relu', input_shape=(None, 100))"));
    assert.equal(layer.cell, 'simple_rnn');
    assert.equal(candidateOf(layer), 'tanh');
  });
});
