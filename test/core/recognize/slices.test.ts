import * as assert from 'node:assert/strict';
import { recognize } from '../../../src/core/recognize';
import { gateFromName } from '../../../src/core/hints/slices';
import { readHints } from '../../../src/core/hints/constructors';
import { parsed, SEED_BIAS, SEED_KERNEL, SEED_RECURRENT } from './helpers';

const seedArrays = () => parsed([
  { name: 'lstm_1_kernel_0', shape: [1, 12], data: SEED_KERNEL },
  { name: 'lstm_1_recurrent_kernel_0', shape: [3, 12], data: SEED_RECURRENT },
  { name: 'lstm_1_bias_0', shape: [12], data: SEED_BIAS },
]);

describe('slices of a packed pre-activation', () => {
  it('flags the TF1-order slices on Keras weights and leaves the right ones alone, with exact ranges', () => {
    const text = [
      'H = 3',
      'z = x @ lstm_1_kernel_0 + h @ lstm_1_recurrent_kernel_0 + lstm_1_bias_0',
      'i = sigmoid(z[0, 0:3])',
      'c = np.tanh(z[0, 3:6])  # z[0, 9:12] in a comment is ignored',
      'f = sigmoid(z[0, 6:9])',
      'o = sigmoid(z[:, 3*H:4*H])',
    ].join('\n');
    const r = recognize(seedArrays(), text);
    const s = r.slices;
    assert.deepEqual(s.map((a) => [a.text, a.target, a.start, a.end, a.gates.map((g) => g.gate).join()]), [
      ['z[0, 0:3]', 'i', 0, 3, 'i'], ['z[0, 3:6]', 'c', 3, 6, 'f'], ['z[0, 6:9]', 'f', 6, 9, 'c'], ['z[:, 3*H:4*H]', 'o', 9, 12, 'o'],
    ]);
    for (const a of s) assert.equal(text.slice(a.range.start, a.range.end), a.text);
    assert.equal(text.slice(s[1].targetRange!.start, s[1].targetRange!.end), 'c');
    assert.equal(s[0].mismatch, undefined);
    assert.equal(s[3].mismatch, undefined);
    assert.deepEqual([s[1].mismatch?.namedGate, s[1].mismatch?.correctStart, s[1].mismatch?.correctEnd], ['c', 6, 9]);
    assert.deepEqual([s[2].mismatch?.namedGate, s[2].mismatch?.correctStart, s[2].mismatch?.correctEnd], ['f', 3, 6]);
    assert.match(s[2].mismatch!.message, /forget gate is 3:6/);
    assert.equal(s[0].layerId, r.layers[0].id);
    assert.match(s[0].layerReason ?? '', /lstm_1/);
  });

  it('maps splits and chunks with tuple targets, and resolves H from the layer when it is not assigned', () => {
    const text = [
      'gates = x @ lstm_1_kernel_0 + lstm_1_bias_0',
      'i, f, g, o = np.split(gates, 4, axis=1)',
      'i2, g2, f2, o2 = gates.chunk(4, 1)',
      'forget_gate = gates[:, H:2*H]',
      'W_f = lstm_1_kernel_0[:, 2*units:3*units]',
      'a, b = np.split(gates, [6], axis=1)',
      'zi, zf, zc, zo = tf.split(gates, num_or_size_splits=4, axis=1)',
      'parts = line.split(",")',
    ].join('\n');
    const s = recognize(seedArrays(), text).slices;
    const split = s.filter((a) => a.text.startsWith('np.split(gates, 4'));
    assert.deepEqual(split.map((a) => [a.target, a.start, a.end, a.mismatch === undefined]), [['i', 0, 3, true], ['f', 3, 6, true], ['g', 6, 9, true], ['o', 9, 12, true]]);
    const chunk = s.filter((a) => a.text.startsWith('gates.chunk'));
    assert.deepEqual(chunk.map((a) => [a.target, a.mismatch?.correctStart]), [['i2', undefined], ['g2', 6], ['f2', 3], ['o2', undefined]]);
    const fg = s.find((a) => a.target === 'forget_gate')!;
    assert.deepEqual([fg.start, fg.end, fg.mismatch], [3, 6, undefined]);
    const wf = s.find((a) => a.target === 'W_f')!;
    assert.deepEqual([wf.start, wf.end, wf.mismatch?.correctStart], [6, 9, 3]);
    assert.deepEqual(s.filter((a) => a.text.startsWith('np.split(gates, [6]')).map((a) => [a.target, a.start, a.end, a.gates.map((g) => g.gate).join()]), [['a', 0, 6, 'i,f'], ['b', 6, 12, 'c,o']]);
    assert.deepEqual(s.filter((a) => a.text.startsWith('tf.split')).map((a) => [a.target, a.start, a.end, a.mismatch === undefined]), [['zi', 0, 3, true], ['zf', 3, 6, true], ['zc', 6, 9, true], ['zo', 9, 12, true]]);
    assert.equal(s.filter((a) => a.text.includes('line.split')).length, 0);
  });

  it('uses the PyTorch order for torch.chunk on a PyTorch LSTM', () => {
    const p = parsed([{ name: 'weight_ih_l0', shape: [8, 1] }, { name: 'weight_hh_l0', shape: [8, 2] }]);
    const text = 'gates = x @ weight_ih_l0.T + h @ weight_hh_l0.T\ningate, forgetgate, cellgate, outgate = torch.chunk(gates, 4, 1)\n';
    const s = recognize(p, text).slices;
    assert.deepEqual(s.map((a) => [a.target, a.gates[0].label, a.mismatch === undefined]), [['ingate', 'i', true], ['forgetgate', 'f', true], ['cellgate', 'g', true], ['outgate', 'o', true]]);
  });
});

describe('gate names of variables', () => {
  it('knows the usual spellings per cell', () => {
    const lstm = ['f', 'f_t', 'ft', 'forget', 'forget_gate', 'i', 'input_gate', 'o', 'output', 'c', 'g', 'c_tilde', 'candidate', 'cell', 'W_f', 'z_o'].map((n) => gateFromName(n, 'lstm'));
    assert.deepEqual(lstm, ['f', 'f', 'f', 'f', 'f', 'i', 'i', 'o', 'o', 'c', 'c', 'c', 'c', 'c', 'f', 'o']);
    const gru = ['z', 'u', 'update', 'r', 'reset', 'n', 'h_tilde', 'hh', 'zt'].map((n) => gateFromName(n, 'gru'));
    assert.deepEqual(gru, ['z', 'z', 'z', 'r', 'r', 'n', 'n', 'n', 'z']);
    assert.equal(gateFromName('z', 'lstm'), undefined);
    assert.equal(gateFromName('weights', 'lstm'), undefined);
  });
});

describe('constructor hints', () => {
  it('reads Keras, PyTorch and ONNX constructors with their options', () => {
    const h = readHints([
      'import keras',
      'H = 4',
      'a = keras.layers.LSTM(H, recurrent_activation="hard_sigmoid")',
      'b = layers.GRU(8, reset_after=False)',
      'c = Bidirectional(LSTM(5), merge_mode="sum")',
      'd = nn.GRU(3, 4, num_layers=2, bidirectional=True)',
      'e = nn.LSTM(input_size=3, hidden_size=4, proj_size=2)',
      'f = helper.make_node("GRU", ["X", "W", "R"], ["Y"], hidden_size=3, linear_before_reset=1, activations=["Sigmoid", "Tanh"])',
      '# g = nn.LSTM(9, 10) in a comment still says what the author built (unclosed ( here',
      's = "nn.GRU(7, 7) in a string is not code"',
    ].join('\n'));
    assert.deepEqual(h.layers.map((x) => [x.framework, x.cell, x.units, x.inComment ?? false]), [
      ['keras', 'lstm', 4, false], ['keras', 'gru', 8, false], ['keras', 'lstm', 5, false], ['pytorch', 'gru', 4, false], ['pytorch', 'lstm', 4, false], ['onnx', 'gru', 3, false],
      ['pytorch', 'lstm', 10, true],
    ]);
    assert.equal(h.layers[0].recurrentActivation, 'hard_sigmoid');
    assert.equal(h.layers[1].resetAfter, false);
    assert.deepEqual([h.layers[2].bidirectional, h.layers[2].merge], [true, 'sum']);
    assert.deepEqual([h.layers[3].inputSize, h.layers[3].numLayers, h.layers[3].bidirectional], [3, 2, true]);
    assert.equal(h.layers[4].projSize, 2);
    assert.deepEqual([h.layers[5].resetAfter, h.layers[5].onnxActivations], [true, ['Sigmoid', 'Tanh']]);
    assert.deepEqual(h.frameworks.map((f) => f.framework), ['keras']);
  });
});

describe('slices that are not gate slices', () => {
  it('leaves slices of the input and of unrelated arrays alone', () => {
    const text = 'x = inputs[:, 0:3]\nbatch = data[0:2]\nfirst = sequence[:, 0:1]\nf = z[0, 3:6]\n';
    const s = recognize(seedArrays(), text).slices;
    assert.deepEqual(s.map((a) => a.text), ['z[0, 3:6]']);
  });
});
