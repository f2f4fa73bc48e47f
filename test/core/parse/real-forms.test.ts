// The forms real people paste (Q&A, forums, issues, notebooks), read by the text reader. Each text is written the way
// such pastes look: prompts, prose, lost or extra indentation, other tensors in between.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import type { ExtractedArray } from '../../../src/core/parse/types';

function summary(arrays: readonly ExtractedArray[]): string[] {
  return arrays.map((a) => `${a.name ?? '?'} ${a.shape.join('x')}${a.list ? ` @${a.list.position}` : ''}`);
}

describe('real forms: notebook and console transcripts', () => {
  it('never reads In [6]: / Out[6]: prompts as arrays, and keeps the tf.Variable names after them', () => {
    const text = [
      'In [8]:',
      'w_xh, w_oo, b_h = rnn_layer.weights',
      '',
      'In [9]:',
      'w_xh',
      '',
      'Out[9]:',
      "<tf.Variable 'simple_rnn_cell_1/kernel:0' shape=(5, 2) dtype=float32, numpy=",
      'array([[ 0.6097033 ,  0.24854195],',
      '       [ 0.0272702 , -0.20167905],',
      '       [ 0.14980292, -0.8360492 ],',
      '       [-0.5969094 ,  0.3790338 ],',
      '       [-0.0149827 , -0.28507388]], dtype=float32)>',
      '',
      'In [ ]:',
      "Out[11]: <tf.Variable 'simple_rnn_cell_1/bias:0' shape=(2,) dtype=float32, numpy=array([0., 0.], dtype=float32)>",
    ].join('\n');
    const result = extractArrays(text);
    assert.deepEqual(summary(result.arrays), ['simple_rnn_cell_1/kernel:0 5x2', 'simple_rnn_cell_1/bias:0 2']);
    assert.deepEqual(Array.from(result.arrays[0].values.slice(0, 2)), [0.6097033, 0.24854195]);
  });

  it('names a >>> display by the expression typed at the prompt (also print(expr) and IPython In/Out)', () => {
    const text = [
      '>>> import torch',
      '>>> rnn = torch.nn.RNN(2, 3)',
      '>>> rnn.weight_ih_l0',
      'Parameter containing:',
      'tensor([[-0.0043,  0.3097],',
      '        [-0.4752, -0.4249],',
      '        [-0.2224,  0.1548]], requires_grad=True)',
      '>>> print(rnn.weight_hh_l0)',
      'Parameter containing:',
      'tensor([[-0.0931,  0.0611,  0.5228],',
      '        [-0.5356, -0.3635, -0.1462],',
      '        [-0.2251,  0.4988, -0.3742]], requires_grad=True)',
      'In [6]: rnn.bias_ih_l0',
      'Out[6]:',
      'Parameter containing:',
      'tensor([ 0.2612,  0.2322, -0.1004], requires_grad=True)',
      '>>> for name, p in rnn.named_parameters():',
      '...     print(name, p.shape)',
      '...',
      'weight_ih_l0 torch.Size([3, 2])',
    ].join('\n');
    const result = extractArrays(text);
    assert.deepEqual(summary(result.arrays), ['rnn.weight_ih_l0 3x2', 'rnn.weight_hh_l0 3x3', 'rnn.bias_ih_l0 3']);
  });

  it('reads an IPython list display (get_weights() at Out[16]) as one ordered list', () => {
    const text = [
      'In [16]:',
      'model.layers[1].get_weights()',
      '',
      'Out[16]:',
      '[array([[ 0.6499576 ,  0.11976713,  0.3232593 ,  0.18013674,  0.31690186],',
      '        [-0.05742896,  0.05230957, -0.82196575, -0.27570748,  0.08022481]],',
      '       dtype=float32),',
      ' array([[ 0.03571045,  0.37183568,  0.05109354, -0.9261336 ,  0.01135594],',
      '        [-0.3104643 ,  0.2781922 ,  0.69135225,  0.14487661,  0.57206964],',
      '        [-0.5042895 ,  0.1737008 ,  0.33285612,  0.05915043, -0.7753889 ],',
      '        [-0.00437217, -0.846253  ,  0.4275535 , -0.3166806 , -0.02735131],',
      '        [ 0.8049905 ,  0.1950158 ,  0.47521162,  0.13229477, -0.26576516]],',
      '       dtype=float32),',
      ' array([0., 0., 0., 0., 0.], dtype=float32)]',
      '',
      'In [17]:',
      'a,b,c = model.layers[1].get_weights()',
    ].join('\n');
    const result = extractArrays(text);
    assert.deepEqual(summary(result.arrays), ['? 2x5 @0', '? 5x5 @1', '? 5 @2']);
    assert.equal(new Set(result.arrays.map((a) => a.list?.id)).size, 1);
  });
});

describe('real forms: NumPy object-array prints', () => {
  it('reads print(np.array(model.get_weights())) with no commas between the arrays as one ordered list', () => {
    const text = [
      'Here are my weights after training:',
      '',
      '[array([[ 0.04697245,  0.54000235,  0.21142656,  0.6100873 ,  0.63345766,',
      '          0.2418186 ,  0.3293802 ,  0.28533387, -0.01462328, -0.181927  ,',
      '          0.24473095, -0.11197168],',
      '        [ 0.11070603, -0.04360515,  0.6116216 , -0.05463964, -0.20761147,',
      '         -0.2990609 ,  0.35238087, -0.12958878,  0.3556168 , -0.64866686,',
      '          0.62918377, -0.31131145]], dtype=float32)',
      ' array([[-0.5559566 ,  0.50896907, -0.06708972],',
      '        [-0.14531335,  0.30331248, -0.00878692]], dtype=float32)',
      '  array([0., 0., 0., 1., 1., 1., 0., 0., 0., 0., 0., 0.], dtype=float32)]',
      'why is the bias all zeros and ones?',
    ].join('\n');
    const result = extractArrays(text);
    assert.deepEqual(summary(result.arrays), ['? 2x12 @0', '? 2x3 @1', '? 12 @2']);
    assert.equal(new Set(result.arrays.map((a) => a.list?.id)).size, 1);
    assert.deepEqual(result.diagnostics, []);
  });

  it('does not join two separate top-level array prints into a list', () => {
    const text = 'array([[1., 2.]], dtype=float32)\narray([3., 4.], dtype=float32)\n';
    const result = extractArrays(text);
    assert.deepEqual(summary(result.arrays), ['? 1x2', '? 2']);
  });
});

describe('real forms: named_parameters() prints', () => {
  it('names every tuple of print(list(named_parameters())) / for x in named_parameters(): print(x)', () => {
    const text = [
      "('weight_ih_l0', Parameter containing:",
      'tensor([[-0.0043,  0.3097],',
      '        [-0.4752, -0.4249],',
      '        [-0.2224,  0.1548]], requires_grad=True))',
      "('weight_hh_l0', Parameter containing:",
      'tensor([[-0.0931,  0.0611,  0.5228],',
      '        [-0.5356, -0.3635, -0.1462],',
      '        [-0.2251,  0.4988, -0.3742]], requires_grad=True))',
      "('bias_ih_l0', Parameter containing:",
      'tensor([ 0.2612,  0.2322, -0.1004], requires_grad=True))',
      "('bias_hh_l0', Parameter containing:",
      'tensor([-0.4476, -0.4002, -0.2982], requires_grad=True))',
    ].join('\n');
    assert.deepEqual(summary(extractArrays(text).arrays), ['weight_ih_l0 3x2', 'weight_hh_l0 3x3', 'bias_ih_l0 3', 'bias_hh_l0 3']);
  });

  it('names print(name, p.shape, p.data) lines by the name before the torch.Size', () => {
    const text = [
      'rnn.weight_ih_l0 torch.Size([3, 2]) tensor([[-0.0043,  0.3097],',
      '        [-0.4752, -0.4249],',
      '        [-0.2224,  0.1548]])',
      'rnn.bias_ih_l0 torch.Size([3]) tensor([ 0.2612,  0.2322, -0.1004])',
      'fc.weight (1, 3) tensor([[0.1, 0.2, 0.3]])',
    ].join('\n');
    assert.deepEqual(summary(extractArrays(text).arrays), ['rnn.weight_ih_l0 3x2', 'rnn.bias_ih_l0 3', 'fc.weight 1x3']);
  });
});

describe('real forms: variable headers followed by their values', () => {
  it('gives a TF1 `<tf.Variable ... dtype=float32_ref>` header name to the values printed after it (rows separated by blank lines)', () => {
    const text = [
      'I printed the trainable variables with sess.run:',
      '',
      'for v in tf.trainable_variables():',
      '    print(v)',
      '    print(sess.run(v))',
      '',
      "<tf.Variable 'simple_rnn_1/kernel:0' shape=(5, 1) dtype=float32_ref>",
      '[[ 0.5488135 ]',
      '',
      ' [ 0.71518934]',
      '',
      ' [ 0.60276335]',
      '',
      ' [ 0.5448832 ]',
      '',
      ' [ 0.4236548 ]]',
      "<tf.Variable 'simple_rnn_1/recurrent_kernel:0' shape=(1, 1) dtype=float32_ref>",
      '[[1.]]',
      "<tf.Variable 'simple_rnn_1/bias:0' shape=(1,) dtype=float32_ref>",
      '[0.]',
    ].join('\n');
    const result = extractArrays(text);
    assert.deepEqual(summary(result.arrays), ['simple_rnn_1/kernel:0 5x1', 'simple_rnn_1/recurrent_kernel:0 1x1', 'simple_rnn_1/bias:0 1']);
    assert.deepEqual(Array.from(result.arrays[0].values), [0.5488135, 0.71518934, 0.60276335, 0.5448832, 0.4236548]);
    assert.equal(text.slice(result.arrays[0].nameRange!.start, result.arrays[0].nameRange!.end), 'simple_rnn_1/kernel:0');
  });

  it('reads the header without angle brackets (tf.Variable \'name\' shape=... on its own line)', () => {
    const text = "  tf.Variable 'rnn/kernel:0' shape=(2, 3) dtype=float32_ref\n[[1. 2. 3.]\n [4. 5. 6.]]\ntf.Variable 'rnn/bias:0' shape=(3,) dtype=float32_ref\n[0. 0. 0.]\n";
    assert.deepEqual(summary(extractArrays(text).arrays), ['rnn/kernel:0 2x3', 'rnn/bias:0 3']);
  });

  it('reads values that start on the header line after its colon (`Param tf.Variable ... dtype=float32_ref:  [[…]`), rows separated by blank lines', () => {
    // The shape of keras-team/keras#11209: print('Param', var, ':', value) per variable, pasted into an issue.
    const text = [
      "  Param tf.Variable 'simple_rnn_1/kernel:0' shape=(3, 1) dtype=float32_ref:  [[ 0.31]",
      '',
      '     [ 0.35]',
      '',
      '     [-0.28]]',
      '',
      "    Param tf.Variable 'simple_rnn_1/recurrent_kernel:0' shape=(1, 1) dtype=float32_ref:",
      '    [[-1.]]',
    ].join('\n');
    const result = extractArrays(text, { fileKind: 'markdown' });
    assert.deepEqual(summary(result.arrays), ['simple_rnn_1/kernel:0 3x1', 'simple_rnn_1/recurrent_kernel:0 1x1']);
    assert.deepEqual(Array.from(result.arrays[0].values), [0.31, 0.35, -0.28]);
    assert.deepEqual(result.diagnostics, []);
  });

  it('gives Keras 3 <KerasVariable shape=..., path=...> and <Variable path=..., shape=...> headers to the values after them', () => {
    const text = [
      'for w in model.layers[0].weights:',
      '    print(w)',
      '    print(w.numpy())',
      '',
      '<KerasVariable shape=(2, 8), dtype=float32, path=sequential/lstm/lstm_cell/kernel>',
      '[[ 0.1  0.2  0.3  0.4  0.5  0.6  0.7  0.8]',
      ' [-0.1 -0.2 -0.3 -0.4 -0.5 -0.6 -0.7 -0.8]]',
      '<Variable path=sequential/lstm/lstm_cell/bias, shape=(8,), dtype=float32>',
      '[0. 0. 1. 1. 0. 0. 0. 0.]',
    ].join('\n');
    assert.deepEqual(summary(extractArrays(text).arrays), ['sequential/lstm/lstm_cell/kernel 2x8', 'sequential/lstm/lstm_cell/bias 8']);
  });

  it('takes the header shape for a flat print of the same count, and says so when the counts disagree', () => {
    const flat = extractArrays("<tf.Variable 'gru/kernel:0' shape=(2, 3) dtype=float32_ref>\n[1. 2. 3. 4. 5. 6.]\n");
    assert.deepEqual(summary(flat.arrays), ['gru/kernel:0 2x3']);
    const short = extractArrays("<tf.Variable 'gru/kernel:0' shape=(3, 3) dtype=float32_ref>\n[[1. 2. 3.]\n [4. 5. 6.]]\n");
    assert.deepEqual(summary(short.arrays), ['gru/kernel:0 2x3']);
    assert.deepEqual(short.diagnostics.map((d) => d.code), ['header-shape']);
    assert.match(short.diagnostics[0].message, /header says shape \(3, 3\) = 9 values, but 6 values follow/);
  });

  it('does not give a header to values that come after other code or output', () => {
    const text = "<tf.Variable 'rnn/kernel:0' shape=(2, 3) dtype=float32_ref>\nprint('done')\n[[1. 2. 3.]\n [4. 5. 6.]]\n";
    assert.deepEqual(summary(extractArrays(text).arrays), ['? 2x3']);
  });
});

describe('real forms: JSON weight containers and printed shape lines', () => {
  it('reads keras-js {"data": [flat], "shape": [..]} records: a weights list in order, the rest by key', () => {
    const text = '{"input": {"data": [1, 2, 3, 4, 5, 6], "shape": [3, 2]}, "weights": [{"data": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "shape": [2, 3]}, ' +
      '{"shape": [3, 3], "data": [1, 0, 0, 0, 1, 0, 0, 0, 1]}, {"data": [0, 0, 0], "shape": [3]}], "expected": {"data": [0.5, 0.25, 0.125], "shape": [3]}}';
    const result = extractArrays(text, { fileKind: 'json' });
    assert.deepEqual(summary(result.arrays), ['input 3x2', '? 2x3 @0', '? 3x3 @1', '? 3 @2', 'expected 3']);
    assert.deepEqual(result.arrays[1].path, ['weights']);
  });

  it('names tfjs-style records by their keys and reports a record whose shape disagrees with its data', () => {
    const text = '{\n  "lstm": {\n    "kernel": {"data": [0.1, 0.2, 0.3, 0.4], "shape": [1, 4], "dtype": "float32"},\n    "bias": {"data": [0, 1, 0], "shape": [4]}\n  }\n}\n';
    const result = extractArrays(text, { fileKind: 'json' });
    assert.deepEqual(summary(result.arrays), ['lstm/kernel 1x4', 'lstm/bias 3']);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ['header-shape']);
  });

  it('shapes a flat printed list by the "W shape: (6, 4)" line above it (keras-js notebooks)', () => {
    const text = [
      "weight_names = ['W', 'U', 'b']",
      'for w_i, w_name in enumerate(weight_names):',
      "    print('{} shape:'.format(w_name), weights[w_i].shape)",
      '',
      'W shape: (3, 2)',
      'W: [-0.045589, 0.415186, -0.562532, 0.417194, 0.595636, 0.384863]',
      'U shape: (2, 2)',
      'U: [-0.720918, -0.952173, -0.727704, 0.156292]',
      'b shape: (2,)',
      'b: [-0.836587, 0.897901]',
    ].join('\n');
    assert.deepEqual(summary(extractArrays(text).arrays), ['W 3x2', 'U 2x2', 'b 2']);
  });
});

describe('real forms: tensors in other dtypes and devices', () => {
  it('reads prints with device=, dtype=torch.float64, requires_grad and grad_fn, keeping the dtype', () => {
    const text = [
      "rnn.weight_ih_l0 tensor([[ 0.1081, -0.0973],",
      "        [-0.0950, -0.2643]], device='cuda:0', dtype=torch.float64, requires_grad=True)",
      'rnn.weight_hh_l0 tensor([[-0.2517, -0.1453],',
      '        [-0.0104, -0.4348]], grad_fn=<MulBackward0>)',
      "rnn.bias_ih_l0 Parameter containing:",
      "tensor([-0.4732, -0.1228], device='cuda:0', requires_grad=True)",
    ].join('\n');
    const result = extractArrays(text, { fileKind: 'text' });
    assert.deepEqual(summary(result.arrays), ['rnn.weight_ih_l0 2x2', 'rnn.weight_hh_l0 2x2', 'rnn.bias_ih_l0 2']);
    assert.equal(result.arrays[0].dtype, 'torch.float64');
    assert.deepEqual(Array.from(result.arrays[1].values), [-0.2517, -0.1453, -0.0104, -0.4348]);
    assert.deepEqual(result.diagnostics, []);
  });
});
