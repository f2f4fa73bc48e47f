// Recognition of the forms real people paste: what the layers are, where their arrays came from, and that a
// recognised layer from such text runs like the arrays read directly.
import * as assert from 'node:assert/strict';
import { extractArrays, type FileKind } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

function read(text: string, fileKind: FileKind = 'python') {
  const parse = extractArrays(text, { fileKind });
  return { parse, recognition: recognize(parse, text) };
}

describe('recognise: output pasted into Python comments and strings', () => {
  it('reads a state_dict print pasted as # comments in a .py when no code array gives the layer, and says where', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '# I printed the state dict of the trained model:',
      "# OrderedDict([('rnn.weight_ih_l0', tensor([[-0.0043,  0.3097],",
      '#         [-0.4752, -0.4249],',
      "#         [-0.2224,  0.1548]])), ('rnn.weight_hh_l0', tensor([[-0.0931,  0.0611,  0.5228],",
      '#         [-0.5356, -0.3635, -0.1462],',
      "#         [-0.2251,  0.4988, -0.3742]])), ('rnn.bias_ih_l0', tensor([ 0.2612,  0.2322, -0.1004])),",
      "#  ('rnn.bias_hh_l0', tensor([-0.4476, -0.4002, -0.2982]))])",
      '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.rnn = nn.RNN(2, 3)  # hidden 3, input 2',
    ].join('\n');
    const { parse, recognition } = read(text);
    assert.deepEqual(parse.arrays.map((a) => a.embedded), ['comment', 'comment', 'comment', 'comment']);
    const [layer] = recognition.layers;
    assert.equal(recognition.layers.length, 1);
    assert.equal(layer.cell, 'simple_rnn');
    assert.equal(layer.convention, 'pytorch');
    assert.deepEqual([layer.units, layer.inputSize], [3, 2]);
    const embedded = layer.evidence.find((e) => e.code === 'embedded');
    assert.ok(embedded, JSON.stringify(layer.evidence));
    assert.match(embedded.message, /# comments \(from line 4\)/);
    // The offsets point into the document itself, so hovers land on the comment's digits.
    const w = parse.arrays[0];
    assert.equal(text.slice(w.range.start, w.range.start + 7), 'tensor(');
  });

  it('reads a named_parameters() listing inside a docstring', () => {
    const text = [
      '"""',
      'Output of',
      '    for name, p in model.named_parameters(): print(name, p)',
      '',
      'lstm.weight_ih_l0 Parameter containing:',
      'tensor([[ 0.1,  0.2],',
      '        [ 0.3,  0.4],',
      '        [ 0.5,  0.6],',
      '        [ 0.7,  0.8]], requires_grad=True)',
      'lstm.weight_hh_l0 Parameter containing:',
      'tensor([[ 0.1],',
      '        [ 0.2],',
      '        [ 0.3],',
      '        [ 0.4]], requires_grad=True)',
      '"""',
      'import torch',
      'lstm = torch.nn.LSTM(2, 1)',
    ].join('\n');
    const { recognition } = read(text);
    assert.equal(recognition.layers.length, 1);
    assert.equal(recognition.layers[0].cell, 'lstm');
    assert.match(recognition.layers[0].evidence.find((e) => e.code === 'embedded')!.message, /in a string \(from line 6\)/);
  });

  it('ignores embedded values for a layer the code already gives (an old print left in a comment)', () => {
    const text = [
      'import numpy as np',
      '# old run: kernel = [[9., 9., 9.], [9., 9., 9.]]',
      'kernel = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])',
      'recurrent_kernel = np.array([[0.7, 0.8, 0.9]])',
      '# bias = np.array([0.0, 0.0, 1.0])',
      '# print(np.array([[5., 5.], [5., 5.]]))',
    ].join('\n');
    const { parse, recognition } = read(text);
    assert.equal(parse.arrays.filter((a) => a.embedded).length, 3);
    assert.equal(recognition.layers.length, 1);
    const layer = recognition.layers[0];
    assert.deepEqual(layer.arrays.map((r) => r.role).sort(), ['kernel', 'recurrent_kernel']);
    assert.ok(!layer.evidence.some((e) => e.code === 'embedded'));
    assert.ok(layer.arrays.every((r) => !parse.arrays[r.arrayIndex].embedded));
  });

  it('in .txt, .md and .log files reads through quotes and # (they mean nothing there)', () => {
    const text = [
      '# Weights of my GRU (copied from the console)',
      'weight_ih_l0: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]',
      '"""',
      'weight_hh_l0: [[0.7], [0.8], [0.9]]',
      '"""',
    ].join('\n');
    const asText = read(text, 'text');
    assert.deepEqual(asText.parse.arrays.map((a) => [a.name, a.embedded]), [['weight_ih_l0', undefined], ['weight_hh_l0', undefined]]);
    assert.equal(asText.recognition.layers[0].cell, 'gru');
    // The same text as Python: the second array sits in a string and is marked so.
    assert.deepEqual(read(text, 'python').parse.arrays.map((a) => a.embedded), [undefined, 'string']);
  });

  it('reads a Markdown issue body: prose, a python fence (with its # comments) and an output fence', () => {
    const text = [
      '### Describe the bug',
      '',
      'My GRU gives different outputs in Keras and PyTorch (see below (and the weights). Weights, `layer.get_weights()`:',
      '',
      '```python',
      'kernel = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])  # (2, 3)',
      'recurrent_kernel = np.array([[0.7, 0.8, 0.9]])',
      '# bias = np.array([0.0, 0.0, 0.0])',
      '```',
      '',
      'and the printed output:',
      '',
      '```',
      '[array([[0.1, 0.2, 0.3],',
      '       [0.4, 0.5, 0.6]], dtype=float32), array([[0.7, 0.8, 0.9]], dtype=float32)]',
      '```',
      '',
      '# Expected behavior (a heading, not a comment)',
    ].join('\n');
    const { parse, recognition } = read(text, 'markdown');
    assert.deepEqual(parse.arrays.map((a) => `${a.name ?? '?'}${a.embedded ? ` (${a.embedded})` : ''}`), ['kernel', 'recurrent_kernel', 'bias (comment)', '?', '?']);
    assert.deepEqual(recognition.layers.map((l) => [l.cell, l.convention, l.units, l.inputSize]), [['gru', 'keras', 1, 2], ['gru', 'keras', 1, 2]]);
    assert.deepEqual(recognition.layers[0].arrays.map((r) => r.role).sort(), ['kernel', 'recurrent_kernel']);
  });
});

describe('recognise: shapes without values → a layer skeleton', () => {
  it('builds a PyTorch LSTM skeleton from a named_parameters() size listing (device column, >>> prompts) and marks it incomplete', () => {
    const text = [
      '>>> m=torch.nn.LSTM(512,100)',
      '>>> for n,p in m.named_parameters():',
      '...  print(n,p.device,p.size(),p.numel())',
      '... ',
      'weight_ih_l0 cuda:0 torch.Size([400, 512]) 204800',
      'weight_hh_l0 cuda:0 torch.Size([400, 100]) 40000',
      'bias_ih_l0 cuda:0 torch.Size([400]) 400',
      'bias_hh_l0 cuda:0 torch.Size([400]) 400',
    ].join('\n');
    const { parse, recognition } = read(text, 'text');
    assert.deepEqual(parse.arrays, []);
    assert.deepEqual(parse.shapes?.map((s) => `${s.name} ${s.shape.join('x')}`), ['weight_ih_l0 400x512', 'weight_hh_l0 400x100', 'bias_ih_l0 400', 'bias_hh_l0 400']);
    const [layer] = recognition.layers;
    assert.deepEqual([layer.cell, layer.convention, layer.units, layer.inputSize, layer.directions, layer.complete], ['lstm', 'pytorch', 100, 512, 1, false]);
    assert.deepEqual(layer.missing.map((m) => [m.array, m.reason]), [['weight_ih', 'shape-only'], ['weight_hh', 'shape-only'], ['bias_ih', 'shape-only'], ['bias_hh', 'shape-only']]);
    assert.deepEqual(layer.gates.map((g) => [g.label, g.start, g.end]), [['i', 0, 100], ['f', 100, 200], ['g', 200, 300], ['o', 300, 400]]);
    assert.match(layer.warnings.find((w) => w.code === 'print-full-values')!.message, /named_parameters/);
    assert.equal(recognition.models.length, 0);
  });

  it('builds a Keras skeleton from TF1 headers alone, and from a get_weights() shape listing (Dense head by shape only)', () => {
    const headers = read([
      'In [26]: model.weights',
      'Out[26]:',
      "[<tf.Variable 'lstm_4/kernel:0' shape=(30, 40) dtype=float32_ref>,",
      "<tf.Variable 'lstm_4/recurrent_kernel:0' shape=(10, 40) dtype=float32_ref>,",
      "<tf.Variable 'lstm_4/bias:0' shape=(40,) dtype=float32_ref>]",
    ].join('\n'), 'text').recognition;
    assert.deepEqual(headers.layers.map((l) => [l.name, l.cell, l.convention, l.units, l.inputSize, l.complete]), [['lstm_4', 'lstm', 'keras', 10, 30, false]]);
    const listing = read('[w.shape for w in model.get_weights()]\n## [(10, 512), (128, 512), (512,), (128, 1), (1,)]\n', 'text').recognition;
    assert.deepEqual(listing.layers.map((l) => [l.cell, l.convention, l.units, l.inputSize, l.complete]), [['lstm', 'keras', 128, 10, false]]);
    assert.ok(listing.diagnostics.some((d) => d.code === 'shape-only-dense'));
  });

  it('keeps values over a shape printed for the same name (print(name, p.shape, p))', () => {
    const text = 'weight_ih_l0 torch.Size([3, 2]) tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])\nweight_hh_l0 torch.Size([3, 3]) tensor([[0.1, 0.2, 0.3], [0.3, 0.4, 0.5], [0.5, 0.6, 0.7]])\n';
    const { recognition } = read(text, 'text');
    assert.deepEqual(recognition.layers.map((l) => [l.cell, l.complete]), [['simple_rnn', true]]);
  });
});

describe('recognise: names bound by the text itself', () => {
  it('reads a print of W_xh as rnn_layer.weight_ih_l0 when the code says W_xh = rnn_layer.weight_ih_l0', () => {
    const text = [
      'rnn_layer = nn.RNN(input_size=2, hidden_size=3)',
      'W_xh = rnn_layer.weight_ih_l0',
      'W_hh = rnn_layer.weight_hh_l0',
      'print("W_xh", W_xh)',
      '',
      'W_xh Parameter containing:',
      'tensor([[-0.0043,  0.3097],',
      '        [-0.4752, -0.4249],',
      '        [-0.2224,  0.1548]], requires_grad=True)',
      'W_hh Parameter containing:',
      'tensor([[-0.0931,  0.0611,  0.5228],',
      '        [-0.5356, -0.3635, -0.1462],',
      '        [-0.2251,  0.4988, -0.3742]], requires_grad=True)',
    ].join('\n');
    const { recognition } = read(text, 'text');
    const [layer] = recognition.layers;
    assert.deepEqual([layer.cell, layer.convention, layer.units, layer.inputSize], ['simple_rnn', 'pytorch', 3, 2]);
    assert.match(layer.evidence.find((e) => e.code === 'name-binding')!.message, /W_xh → rnn_layer\.weight_ih_l0, W_hh → rnn_layer\.weight_hh_l0/);
  });

  it('reads w_xh, w_oo, b_h = rnn_layer.weights and layer.set_weights([k, r, b]) in Keras order', () => {
    const unpacked = read('w_xh, w_oo, b_h = rnn_layer.weights\nw_xh = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]\nw_oo = [[0.1, 0.2], [0.3, 0.4]]\nb_h = [0.0, 0.0]\n', 'text').recognition;
    assert.deepEqual(unpacked.layers.map((l) => [l.cell, l.convention, l.units, l.inputSize]), [['simple_rnn', 'keras', 2, 3]]);
    const set = read('k = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]])\nr = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]])\nb = np.zeros(6)\nmodel.layers[0].set_weights([k, r, b])\n').recognition;
    assert.deepEqual(set.layers.map((l) => [l.cell, l.convention, l.units, l.inputSize]), [['gru', 'keras', 2, 1]]);
  });

  it('reads Keras 1 / keras-js W, U, b letters as kernel, recurrent_kernel, bias (but a lone W stays ONNX)', () => {
    const text = 'W shape: (3, 8)\nW: [' + Array.from({ length: 24 }, (_, k) => (k / 100).toFixed(2)).join(', ') + ']\nU shape: (2, 8)\nU: [' +
      Array.from({ length: 16 }, (_, k) => (k / 50).toFixed(2)).join(', ') + ']\nb shape: (8,)\nb: [0, 0, 1, 1, 0, 0, 0, 0]\n';
    const { recognition } = read(text, 'text');
    assert.deepEqual(recognition.layers.map((l) => [l.cell, l.convention, l.units, l.inputSize]), [['lstm', 'keras', 2, 3]]);
  });
});
