import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { runLayer, runModel } from '../../../src/core/forward';
import type { RecognizedLayer } from '../../../src/core/recognize/types';
import { parsed, SEED_BIAS, SEED_KERNEL, SEED_RECURRENT, values } from './helpers';

const gatesText = (l: RecognizedLayer) => l.gates.map((g) => `${g.label} ${g.start}:${g.end}`).join(', ');
const codes = (l: RecognizedLayer) => l.evidence.map((e) => e.code);

describe('recognize: Keras names', () => {
  it('reads the seed layer (flattened h5 names) as Keras LSTM(3), input 1, with unit_forget_bias evidence and the framework output', () => {
    const p = parsed([
      { name: 'lstm_1_kernel_0', shape: [1, 12], data: SEED_KERNEL },
      { name: 'lstm_1_recurrent_kernel_0', shape: [3, 12], data: SEED_RECURRENT },
      { name: 'lstm_1_bias_0', shape: [12], data: SEED_BIAS },
    ]);
    const r = recognize(p, '');
    assert.equal(r.layers.length, 1);
    const l = r.layers[0];
    assert.deepEqual([l.name, l.cell, l.convention, l.units, l.inputSize, l.directions], ['lstm_1', 'lstm', 'keras', 3, 1, 1]);
    assert.equal(gatesText(l), 'i 0:3, f 3:6, c 6:9, o 9:12');
    const ones = l.evidence.find((e) => e.code === 'bias-forget-ones');
    assert.ok(ones, 'forget-bias evidence');
    assert.match(ones.message, /unit_forget_bias/);
    assert.match(ones.message, /3:6/);
    assert.ok(l.evidence.some((e) => e.code === 'name-pattern' && /Keras/.test(e.message)));
    assert.ok(l.evidence.some((e) => e.code === 'shape' && /\(1, 12\).*\(3, 12\).*4 gates × 3 units → LSTM, input size 1/.test(e.message)));
    assert.deepEqual(l.arrays.map((a) => [a.arrayIndex, a.role, a.packedAxis]), [[0, 'kernel', 1], [1, 'recurrent_kernel', 1], [2, 'bias', 0]]);
    const res = runLayer(l.layer, { data: Float64Array.of(0.83467698), batch: 1, steps: 1, features: 1 });
    const h = Array.from(res.finalStates[0].h);
    const expected = [-0.03092077990339361, 0.05519305177366662, 0.010354372780307536];
    h.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-12, `h[${k}] = ${v}`));
    assert.equal(r.models.length, 1);
    assert.deepEqual(r.models[0].layerIds, [l.id]);
  });

  it('groups tf.keras scoped names and Bidirectional forward/backward halves into one two-direction layer', () => {
    const p = parsed([
      { name: 'bidirectional/forward_lstm/lstm_cell/kernel:0', shape: [2, 16] },
      { name: 'bidirectional/forward_lstm/lstm_cell/recurrent_kernel:0', shape: [4, 16] },
      { name: 'bidirectional/forward_lstm/lstm_cell/bias:0', shape: [16] },
      { name: 'bidirectional/backward_lstm/lstm_cell/kernel:0', shape: [2, 16] },
      { name: 'bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0', shape: [4, 16] },
      { name: 'bidirectional/backward_lstm/lstm_cell/bias:0', shape: [16] },
      { name: 'dense/kernel:0', shape: [8, 1] },
      { name: 'dense/bias:0', shape: [1] },
    ]);
    const r = recognize(p, 'model.add(Bidirectional(LSTM(4), merge_mode="concat"))\nmodel.add(Dense(1))');
    assert.equal(r.layers.length, 1);
    const l = r.layers[0];
    assert.deepEqual([l.name, l.cell, l.units, l.inputSize, l.directions], ['bidirectional', 'lstm', 4, 2, 2]);
    assert.equal(l.layer.merge, 'concat');
    assert.deepEqual(l.arrays.map((a) => a.direction), [0, 0, 0, 1, 1, 1]);
    assert.equal(r.dense.length, 1);
    assert.equal(r.dense[0].layer.inputSize, 8);
    assert.equal(r.models.length, 1);
    assert.equal(r.models[0].model.layers.length, 2);
    assert.ok(r.models[0].model.layers[1].kind === 'dense');
  });

  it('reads Keras 3 .keras variable paths (layers/gru/cell/vars/i) with a (2, 3H) bias as reset_after=True and says CuDNNGRU is the alternative', () => {
    const p = parsed([
      { name: 'layers/gru/cell/vars/0', shape: [3, 12] },
      { name: 'layers/gru/cell/vars/1', shape: [4, 12] },
      { name: 'layers/gru/cell/vars/2', shape: [2, 12] },
    ]);
    const l = recognize(p, '').layers[0];
    assert.deepEqual([l.cell, l.convention, l.units, l.inputSize], ['gru', 'keras', 4, 3]);
    assert.equal(l.layer.resetAfter, true);
    assert.equal(gatesText(l), 'z 0:4, r 4:8, h 8:12');
    assert.deepEqual(l.alternatives, ['keras_cudnn']);
    assert.ok(l.warnings.some((w) => /CuDNNGRU/.test(w.message)));
    const settled = recognize(p, 'model = keras.Sequential([layers.GRU(4)])\n').layers[0];
    assert.deepEqual(settled.alternatives, []);
    assert.ok(!settled.warnings.some((w) => /CuDNNGRU/.test(w.message)));
    assert.ok(settled.evidence.some((e) => /not Keras 2 CuDNNGRU/.test(e.message)));
  });

  it('says a (3H,) Keras GRU bias means reset_after=False', () => {
    const p = parsed([{ name: 'gru/kernel', shape: [2, 9] }, { name: 'gru/recurrent_kernel', shape: [3, 9] }, { name: 'gru/bias', shape: [9] }]);
    const l = recognize(p, '').layers[0];
    assert.equal(l.layer.resetAfter, false);
    assert.ok(l.evidence.some((e) => e.code === 'bias-shape' && /reset_after=False/.test(e.message)));
  });

  it('applies constructor hints: recurrent_activation="hard_sigmoid" with a Keras 2 signal, and a GRU reset_after hint', () => {
    const p = parsed([{ name: 'lstm/kernel:0', shape: [1, 8] }, { name: 'lstm/recurrent_kernel:0', shape: [2, 8] }, { name: 'lstm/bias:0', shape: [8] }]);
    const text = 'import tensorflow as tf\nfrom keras.layers import CuDNNLSTM\nlayer = keras.layers.LSTM(2, recurrent_activation="hard_sigmoid")\n';
    const l = recognize(p, text).layers[0];
    const acts = Array.isArray(l.layer.activations) ? l.layer.activations[0] : l.layer.activations;
    assert.equal(acts.gate.name, 'hard_sigmoid_keras2');
    assert.ok(l.evidence.some((e) => e.code === 'keras-version' && /Keras 2/.test(e.message)));
    const l3 = recognize(p, 'layer = keras.layers.LSTM(2, recurrent_activation="hard_sigmoid")\n').layers[0];
    const acts3 = Array.isArray(l3.layer.activations) ? l3.layer.activations[0] : l3.layer.activations;
    assert.equal(acts3.gate.name, 'hard_sigmoid_keras3');
    assert.ok(l3.warnings.some((w) => w.code === 'keras-version-unknown'));
  });
});

describe('recognize: PyTorch names', () => {
  it('splits a two-layer bidirectional nn.GRU state_dict into two stacked layers, l1 input = 2·H', () => {
    const names: Array<[string, number[]]> = [];
    for (const k of [0, 1]) {
      for (const suf of ['', '_reverse']) {
        names.push([`rnn.weight_ih_l${k}${suf}`, [12, k === 0 ? 3 : 8]], [`rnn.weight_hh_l${k}${suf}`, [12, 4]], [`rnn.bias_ih_l${k}${suf}`, [12]], [`rnn.bias_hh_l${k}${suf}`, [12]]);
      }
    }
    names.push(['fc.weight', [2, 8]], ['fc.bias', [2]]);
    const p = parsed(names.map(([name, shape]) => ({ name, shape })));
    const r = recognize(p, 'import torch\nself.rnn = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)\nself.fc = nn.Linear(8, 2)\n');
    assert.equal(r.layers.length, 2);
    assert.deepEqual(r.layers.map((l) => [l.name, l.cell, l.convention, l.units, l.inputSize, l.directions, l.stackIndex]),
      [['rnn.l0', 'gru', 'pytorch', 4, 3, 2, 0], ['rnn.l1', 'gru', 'pytorch', 4, 8, 2, 1]]);
    assert.equal(gatesText(r.layers[0]), 'r 0:4, z 4:8, n 8:12');
    assert.ok(r.layers[1].evidence.some((e) => e.code === 'stack' && /2 directions × 4/.test(e.message)));
    assert.equal(r.models.length, 1);
    assert.equal(r.models[0].model.layers.length, 3);
    const out = runModel(r.models[0].model, { data: values(5 * 3, 9), batch: 1, steps: 5, features: 3 });
    assert.equal(out.output.features, 2);
  });

  it('reads proj_size from weight_hr', () => {
    const p = parsed([
      { name: 'model.encoder.lstm.weight_ih_l0', shape: [16, 3] }, { name: 'model.encoder.lstm.weight_hh_l0', shape: [16, 2] },
      { name: 'model.encoder.lstm.bias_ih_l0', shape: [16] }, { name: 'model.encoder.lstm.bias_hh_l0', shape: [16] },
      { name: 'model.encoder.lstm.weight_hr_l0', shape: [2, 4] },
    ]);
    const l = recognize(p, '').layers[0];
    assert.deepEqual([l.cell, l.units, l.inputSize, l.projSize], ['lstm', 4, 3, 2]);
    assert.equal(gatesText(l), 'i 0:4, f 4:8, g 8:12, o 12:16');
  });
});

describe('recognize: ONNX', () => {
  it('reads W/R/B initializers as ONNX with its i, o, f, c order and applies make_node attributes', () => {
    const p = parsed([{ name: 'W', shape: [2, 9, 2] }, { name: 'R', shape: [2, 9, 3] }, { name: 'B', shape: [2, 18] }]);
    const text = 'import onnx\nnode = helper.make_node("GRU", ["X", "W", "R", "B"], ["Y"], hidden_size=3, direction="bidirectional", linear_before_reset=1)\n';
    const l = recognize(p, text).layers[0];
    assert.deepEqual([l.cell, l.convention, l.units, l.inputSize, l.directions], ['gru', 'onnx', 3, 2, 2]);
    assert.equal(l.layer.resetAfter, true);
    assert.equal(gatesText(l), 'z 0:3, r 3:6, h 6:9');
    const lstm = recognize(parsed([{ name: 'lstm_W', shape: [1, 8, 1] }, { name: 'lstm_R', shape: [1, 8, 2] }]), '').layers[0];
    assert.equal(gatesText(lstm), 'i 0:2, o 2:4, f 4:6, c 6:8');
  });

  it('reads opaque onnx::LSTM_n initializers by shape and order', () => {
    const p = parsed([{ name: 'onnx::LSTM_123', shape: [1, 12, 2] }, { name: 'onnx::LSTM_124', shape: [1, 12, 3] }, { name: 'onnx::LSTM_125', shape: [1, 24] }]);
    const l = recognize(p, '').layers[0];
    assert.deepEqual([l.cell, l.convention, l.units, l.inputSize], ['lstm', 'onnx', 3, 2]);
  });
});

describe('recognize: unnamed arrays', () => {
  it('reads print(model.get_weights()) as Keras LSTM + Dense in get_weights order', () => {
    const p = parsed([
      { shape: [1, 12], list: 0 }, { shape: [3, 12], list: 0 }, { shape: [12], data: SEED_BIAS, list: 0 },
      { shape: [3, 1], list: 0 }, { shape: [1], list: 0 },
    ]);
    const r = recognize(p, '');
    assert.equal(r.layers.length, 1);
    const l = r.layers[0];
    assert.deepEqual([l.name, l.cell, l.convention, l.units, l.inputSize], ['lstm', 'lstm', 'keras', 3, 1]);
    assert.ok(codes(l).includes('order'));
    assert.ok(codes(l).includes('bias-forget-ones'));
    assert.equal(r.dense.length, 1);
    assert.equal(r.models[0].model.layers.length, 2);
  });

  it('reads a Keras Bidirectional get_weights list (identical triples, input ≠ units) as forward then backward', () => {
    const p = parsed([
      { shape: [2, 12], list: 0 }, { shape: [3, 12], list: 0 }, { shape: [12], list: 0 },
      { shape: [2, 12], list: 0 }, { shape: [3, 12], list: 0 }, { shape: [12], list: 0 },
    ]);
    const l = recognize(p, '').layers[0];
    assert.equal(l.directions, 2);
    assert.equal(l.inputSize, 2);
  });

  it('flags an unnamed (4H, I) pair as PyTorch-or-ONNX and lets `import onnx` decide', () => {
    const specs = [{ shape: [8, 3] }, { shape: [8, 2] }, { shape: [8] }, { shape: [8] }];
    const l = recognize(parsed(specs), '').layers[0];
    assert.equal(l.convention, 'pytorch');
    assert.deepEqual(l.alternatives, ['onnx']);
    assert.ok(l.warnings.some((w) => w.code === 'pytorch-or-onnx'));
    const o = recognize(parsed(specs), 'import onnx\n').layers[0];
    assert.equal(o.convention, 'onnx');
    assert.deepEqual(o.alternatives, ['pytorch']);
    assert.equal(gatesText(o), 'i 0:2, o 2:4, f 4:6, c 6:8');
  });

  it('explains an array that fits no layer, with its source range', () => {
    const p = parsed([{ shape: [5, 7] }]);
    const r = recognize(p, '');
    assert.equal(r.layers.length, 0);
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0].message, /shape \(5, 7\) fits no recurrent layer/);
    assert.deepEqual(r.diagnostics[0].range, p.arrays[0].range);
  });

  it('follows conventionOverride for rows-packed matrices', () => {
    const specs = [{ shape: [8, 3] }, { shape: [8, 2] }];
    const l = recognize(parsed(specs), '', { conventionOverride: 'onnx' }).layers[0];
    assert.equal(l.convention, 'onnx');
    assert.ok(l.evidence.some((e) => e.code === 'override'));
  });
});

describe('recognize: name forms', () => {
  const group = (names: string[], shapes: number[][], text = '') => recognize(parsed(names.map((name, k) => ({ name, shape: shapes[k] }))), text);

  it('joins top-level forward_/backward_ halves, Keras 3 Bidirectional variable paths and h5 model_weights paths', () => {
    const s = [[2, 12], [3, 12], [12], [2, 12], [3, 12], [12]];
    const a = group(['forward_lstm/lstm_cell/kernel:0', 'forward_lstm/lstm_cell/recurrent_kernel:0', 'forward_lstm/lstm_cell/bias:0',
      'backward_lstm/lstm_cell/kernel:0', 'backward_lstm/lstm_cell/recurrent_kernel:0', 'backward_lstm/lstm_cell/bias:0'], s);
    assert.deepEqual(a.layers.map((l) => [l.name, l.directions]), [['lstm', 2]]);
    const b = group(['layers/bidirectional/forward_layer/cell/vars/0', 'layers/bidirectional/forward_layer/cell/vars/1', 'layers/bidirectional/forward_layer/cell/vars/2',
      'layers/bidirectional/backward_layer/cell/vars/0', 'layers/bidirectional/backward_layer/cell/vars/1', 'layers/bidirectional/backward_layer/cell/vars/2'], s);
    assert.deepEqual(b.layers.map((l) => [l.name, l.directions]), [['bidirectional', 2]]);
    const c = group(['model_weights/lstm_1/lstm_1/kernel:0', 'model_weights/lstm_1/lstm_1/recurrent_kernel:0', 'model_weights/lstm_1/lstm_1/bias:0'], s.slice(0, 3));
    assert.deepEqual(c.layers.map((l) => [l.name, l.convention, l.units]), [['lstm_1', 'keras', 3]]);
  });

  it('reads /lstm/W style ONNX names, fc.weight heads and a TF1 rnn/lstm_cell kernel', () => {
    const o = group(['/lstm/W', '/lstm/R', '/lstm/B'], [[1, 12, 2], [1, 12, 3], [1, 24]]);
    assert.deepEqual(o.layers.map((l) => [l.name, l.convention, l.units, l.inputSize]), [['lstm', 'onnx', 3, 2]]);
    const p = group(['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'fc.weight', 'fc.bias'], [[12, 2], [12, 3], [1, 3], [1]]);
    assert.deepEqual(p.dense.map((d) => [d.name, d.layer.inputSize, d.layer.units]), [['fc', 3, 1]]);
    assert.equal(p.models[0].model.layers.length, 2);
    const t = group(['rnn/lstm_cell/kernel', 'rnn/lstm_cell/bias'], [[5, 12], [12]]);
    assert.deepEqual(t.layers.map((l) => [l.convention, l.units, l.inputSize]), [['tf1', 3, 2]]);
    assert.equal(t.layers[0].layer.forgetBias, 1);
    assert.equal(gatesText(t.layers[0]), 'i 0:3, j 3:6, f 6:9, o 9:12');
  });

  it('recognises a summarised NumPy print from its shape=(…) text but keeps it out of the runnable stacks', () => {
    const text = readFileSync('examples/truncated_print.txt', 'utf8');
    const r = recognize(extractArrays(text), text);
    assert.deepEqual(r.layers.map((l) => [l.cell, l.convention, l.units, l.inputSize]), [['lstm', 'keras', 64, 32]]);
    assert.ok(r.layers[0].warnings.some((w) => w.code === 'truncated-values'));
    assert.equal(r.models.length, 0);
    const parsedArrays = extractArrays(text).arrays.length;
    assert.ok(r.layers[0].arrays.every((a) => a.arrayIndex < parsedArrays), 'only arrays the parser returned are listed');
  });
});

describe('recognize: layer names', () => {
  it('gives two pasted bare kernel/recurrent_kernel/bias blocks distinct names and stacks them by size', () => {
    const r = recognize(parsed([
      { name: 'kernel', shape: [2, 12] }, { name: 'recurrent_kernel', shape: [3, 12] }, { name: 'bias', shape: [12] },
      { name: 'kernel', shape: [3, 8] }, { name: 'recurrent_kernel', shape: [2, 8] }, { name: 'bias', shape: [8] },
    ]), '');
    assert.deepEqual(r.layers.map((l) => [l.name, l.cell, l.units, l.inputSize, l.stackIndex]), [['lstm', 'lstm', 3, 2, 0], ['lstm_1', 'lstm', 2, 3, 1]]);
    assert.equal(new Set(r.layers.map((l) => l.id)).size, 2);
    assert.equal(r.models.length, 1);
  });
});
