// Which Keras a paste comes from when its code does not say (src/core/recognize/keras-era.ts): the layer's own printed
// output decides hard_sigmoid's definition; NumPy's pre-1.14 print style dates a paste to Keras ≤ 2.2 defaults; and
// arrays printed as predictions or computed values are outputs, not weights.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { recognize, type RecognizedLayer } from '../../../src/core/recognize';

const gateOf = (l: RecognizedLayer): string => {
  const a = l.layer.activations;
  return ('gate' in a ? a : a[0]).gate.name;
};

function read(text: string) {
  const parse = extractArrays(text, { fileKind: 'text' });
  return recognize(parse, text);
}

// A keras-js style notebook cell (code, then its stdout). The `out:` lines were computed by Keras 3.15.1 in float64
// on these printed decimals, once with Keras 2's clip(0.2x+0.5, 0, 1) as the gate activation and once with Keras 3's
// hard_sigmoid, each rounded to 6 decimals as the notebook's format_decimal does.
const KERAS2_OUT = '[-0.016195, 0.241618]';
const KERAS3_OUT = '[-0.009562, 0.237303]';
const cell = (out: string): string => `data_in_shape = (4, 3)
rnn = LSTM(2, activation='tanh', recurrent_activation='hard_sigmoid')

layer_0 = Input(shape=data_in_shape)
layer_1 = rnn(layer_0)
model = Model(inputs=layer_0, outputs=layer_1)
weight_names = ['W', 'U', 'b']
for w_i, w_name in enumerate(weight_names):
    print('{} shape:'.format(w_name), weights[w_i].shape)
    print('{}:'.format(w_name), format_decimal(weights[w_i].ravel().tolist()))
print('in shape:', data_in_shape)
print('in:', data_in_formatted)
print('out shape:', data_out_shape)
print('out:', data_out_formatted)

W shape: (3, 8)
W: [-0.847383, 0.559838, -0.123182, 0.44693, 0.955979, 0.076992, 0.002241, -0.855898, -0.463122, -0.000235, 0.35846, 0.607478, -0.238118, -0.868127, -0.423709, 0.819187, -0.573229, -0.095752, 0.862412, -0.950202, 0.201098, 0.900259, -0.539394, 0.09698]
U shape: (2, 8)
U: [0.818257, -0.733661, 0.046825, 0.50082, 0.338026, -0.064494, -0.590302, -0.018468, -0.255231, -0.045198, -0.268219, 0.675836, 0.537295, -0.372011, 0.145251, -0.447902]
b shape: (8,)
b: [-0.094314, -0.294043, 0.314799, -0.259298, -0.081814, 0.438648, -0.174016, 0.812847]

in shape: (4, 3)
in: [-0.639097, 0.482238, -0.155252, -0.147093, 0.26876, 0.045812, -0.170228, -0.997146, -0.815475, 0.418789, 0.048691, 0.392321]
out shape: (2,)
out: ${out}
`;

describe('recognise: the Keras version of hard_sigmoid from the paste itself', () => {
  it('picks Keras 2 when only clip(0.2x + 0.5) reproduces the printed output, and says so instead of warning', () => {
    const [layer] = read(cell(KERAS2_OUT)).layers;
    assert.equal(layer.cell, 'lstm');
    assert.equal(gateOf(layer), 'hard_sigmoid_keras2');
    const e = layer.evidence.find((x) => x.code === 'keras-version');
    assert.ok(e, JSON.stringify(layer.evidence));
    assert.match(e.message, /own output "out" \(2,\) for the input "in" \(4, 3\): Keras 2's hard_sigmoid .* \(6 printed decimals\), Keras 3's .* is off by 6\.\de-3 → Keras 2/);
    assert.ok(!layer.warnings.some((w) => w.code === 'keras-version-unknown'), 'the doubt is settled');
  });

  it('picks Keras 3 when the printed output is Keras 3 hard_sigmoid', () => {
    const [layer] = read(cell(KERAS3_OUT)).layers;
    assert.equal(gateOf(layer), 'hard_sigmoid_keras3');
    assert.match(layer.evidence.find((x) => x.code === 'keras-version')!.message, /→ Keras 3$/);
  });

  it('keeps the doubt when the printed output fits neither definition', () => {
    const [layer] = read(cell('[0.5, 0.5]')).layers;
    assert.equal(gateOf(layer), 'hard_sigmoid_keras3');
    assert.ok(layer.warnings.some((w) => w.code === 'keras-version-unknown'));
    assert.ok(!layer.evidence.some((x) => x.code === 'keras-version'));
  });
});

// A Keras 2.0-era question (indentation lost by the page): model.predict prints, a hand-computed Dense output, then
// the LSTM's get_weights() with NumPy's pre-1.14 sign space.
const era = (legacy: boolean): string => {
  const s = legacy ? ' ' : '';
  return `from keras.models import Model
from keras.layers import Input, Dense, LSTM
I = Input(X.shape[1:])
D = Dense(2)(I)
linear_model = Model(inputs=[I], outputs=[D])
print('linear_model.predict:\\n', linear_model.predict(X))
output:
linear_model.predict:
[[${s}3.10299015 0.46077788]
[${s}7.12412453 1.17058146]]
bias + X @ weights:
[[${s}3.10299003 0.46077788]
[${s}7.12412441 1.17058146]]
L = LSTM(2)(I)
lstm_model = Model(inputs=[I], outputs=[L])
lstm_model.layers[1].get_weights()
[array([[${s}0.11056691, 0.03153521, -0.78214532, 0.04079598, 0.32587671,
0.72789955, 0.58123612, -0.57094401]], dtype=float32),
array([[-0.16277026, -0.43958429, 0.30112407, 0.07443386, 0.70584315,
0.17196879, -0.14703408, 0.36694485],
[-0.03672785, -0.55035251, 0.27230391, -0.45381972, -0.06399836,
-0.00104597, 0.14719161, -0.62441903]], dtype=float32),
array([${s}0., 0., 1., 1., 0., 0., 0., 0.], dtype=float32)]
`;
};

describe('recognise: Keras ≤ 2.2 defaults dated by the print style, and printed outputs', () => {
  it("uses hard_sigmoid (Keras 2) for LSTM(2) when NumPy's pre-1.14 sign space dates the paste, with the reason", () => {
    const r = read(era(true));
    assert.deepEqual(r.layers.map((l) => `${l.cell} ${l.units}`), ['lstm 2']);
    const [layer] = r.layers;
    assert.equal(gateOf(layer), 'hard_sigmoid_keras2');
    const e = layer.evidence.find((x) => x.code === 'keras-version');
    assert.ok(e, JSON.stringify(layer.evidence));
    assert.match(e.message, /^no recurrent_activation given, and `\[\[ 3\.10299015 0\.46077788\]` is printed in NumPy's pre-1\.14 style/);
  });

  // A question that retypes an LSTM's weights as np.array literals and shows the model's printed output, one value.
  const retyped = (output: string): string => `the output should be:

${output}

lstm_1_kernel_0 = np.array([[-0.41, -0.54, 0.40, -0.08, 0.30, 0.55, -0.23, 0.47]])
lstm_1_recurrent_kernel_0 = np.array([[-0.26, -0.08, 0.12, 0.41, 0.03, -0.06, -0.59, -0.15],
                                      [0.29, 0.47, 0.34, -0.31, -0.24, -0.10, 0.16, -0.02]])
lstm_1_bias_0 = np.array([0., 0., 1., 1., 0., 0., 0., 0.])
`;

  it("dates the paste by one printed value alone on its line in NumPy's pre-1.14 style (`[ 0.83467698]`)", () => {
    const [layer] = read(retyped('[ 0.83467698]')).layers;
    assert.equal(gateOf(layer), 'hard_sigmoid_keras2');
    assert.ok(layer.warnings.some((w) => w.code === 'keras-version' && w.message.includes('`[ 0.83467698]`')), JSON.stringify(layer.warnings));
  });

  it('does not date it by a current one-value print, nor by the spacing of a hand-written one-value list', () => {
    assert.equal(gateOf(read(retyped('[0.83467698]')).layers[0]), 'sigmoid');
    assert.equal(gateOf(read(retyped('y = [ 0.83467698]')).layers[0]), 'sigmoid');
  });

  it('keeps the Keras 3 default (sigmoid) when the same paste is printed by a current NumPy', () => {
    const [layer] = read(era(false)).layers;
    assert.equal(gateOf(layer), 'sigmoid');
    assert.ok(!layer.evidence.some((x) => x.code === 'keras-version'));
  });

  it('lists predict() prints and a computed `bias + X @ weights` as outputs, not as a SimpleRNN', () => {
    const r = read(era(true));
    assert.ok(!r.layers.some((l) => l.cell === 'simple_rnn'));
    assert.equal(r.dense.length, 0);
    const notes = r.diagnostics.filter((d) => d.code === 'printed-output').map((d) => d.message);
    assert.deepEqual(notes, [
      '(2, 2) printed under `linear_model.predict`: an output or a computed value, not weights',
      '(2, 2) printed under `bias + X @ weights:`: an output or a computed value, not weights',
    ]);
  });

  it('still reads an array printed under a weights label', () => {
    const text = "print('LSTM output layer weights:')\nLSTM output layer weights:\n[[ 0.1, 0.2],\n [ 0.3, 0.4]]\n";
    assert.ok(!read(text).diagnostics.some((d) => d.code === 'printed-output'));
  });
});
