// Shapes without (all) values in the forms real pastes have them: sizes on a line whose breaks were lost, several
// TF variable headers on one line, headers inside # comments (TF2 with cut values, TF1 BasicLSTMCell), and a PyTorch
// print cut after its first parameter. Each gives a layer skeleton marked incomplete that says what is missing.
import * as assert from 'node:assert/strict';
import { extractArrays, type FileKind } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

function read(text: string, fileKind: FileKind) {
  const parse = extractArrays(text, { fileKind });
  return { parse, recognition: recognize(parse, text) };
}

const skeleton = (l: { cell: string; convention: string; units: number; inputSize: number; directions: number; complete: boolean }) =>
  `${l.cell} ${l.convention} ${l.units}/${l.inputSize}/${l.directions}${l.complete ? '' : ' incomplete'}`;

describe('recognise: shape forms of real pastes', () => {
  it('reads torch.Size(20, 2) without brackets, twice on one line whose breaks a wiki dropped', () => {
    const text = [
      'import torch as pt',
      'rnn = pt.nn.LSTM(input_size, hidden_size, num_layers)',
      'for p in rnn.parameters():',
      'print(p.shape)',
      "<class 'list'> 12",
      'torch.Size(20, 2) # 20 is hidden×4?, 2 is the input torch.Size(20, 5) # 5 comes from the layer before?',
    ].join('\n');
    const { parse, recognition } = read(text, 'text');
    assert.deepEqual(parse.shapes?.map((s) => [s.shape.join('×'), s.list?.position]), [['20×2', 0], ['20×5', 1]]);
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm pytorch 5/2/1 incomplete']);
    // nn.LSTM has biases by default and the constructor does not turn them off: they are missing, not bias=False.
    const [layer] = recognition.layers;
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['weight_ih shape-only', 'weight_hh shape-only', 'bias_ih absent', 'bias_hh absent']);
    assert.match(layer.missing[2].message, /^the bias_ih of lstm is not in the text \(nn\.LSTM has biases unless bias=False, and nothing here says this layer has none\)$/);
    assert.deepEqual([...layer.evidence, ...layer.warnings].filter((e) => /bias=False \(zeros\)/.test(e.message)).map((e) => e.message), []);
  });

  it('keeps a shapes-only skeleton without biases when its constructor says bias=False', () => {
    const text = [
      'rnn = nn.LSTM(2, 5, bias=False)',
      'for p in rnn.parameters():',
      '    print(p.shape)',
      'torch.Size([20, 2])',
      'torch.Size([20, 5])',
    ].join('\n');
    const [layer] = read(text, 'python').recognition.layers;
    assert.equal(skeleton(layer), 'lstm pytorch 5/2/1 incomplete');
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['weight_ih shape-only', 'weight_hh shape-only']);
  });

  it('does not run printed weights without biases as bias=False when their own constructor leaves the biases on', () => {
    const weights = [
      '>>> lstm.weight_ih_l0', 'Parameter containing:', 'tensor([[ 0.1000,  0.2000],', '        [ 0.3000,  0.4000],', '        [ 0.5000,  0.6000],', '        [ 0.7000,  0.8000]], requires_grad=True)',
      '>>> lstm.weight_hh_l0', 'Parameter containing:', 'tensor([[0.1000],', '        [0.2000],', '        [0.3000],', '        [0.4000]], requires_grad=True)',
    ];
    const [withDefault] = read(['>>> lstm = nn.LSTM(2, 1)', ...weights].join('\n'), 'text').recognition.layers;
    assert.equal(skeleton(withDefault), 'lstm pytorch 1/2/1 incomplete');
    assert.deepEqual(withDefault.missing.map((m) => `${m.array} ${m.reason}`), ['bias_ih absent', 'bias_hh absent']);
    assert.deepEqual([...withDefault.evidence, ...withDefault.warnings].filter((e) => /bias=False \(zeros\)/.test(e.message)), []);
    const [turnedOff] = read(['>>> lstm = nn.LSTM(2, 1, bias=False)', ...weights].join('\n'), 'text').recognition.layers;
    assert.equal(skeleton(turnedOff), 'lstm pytorch 1/2/1');
    // Nothing in the text about the constructor: a complete set of weights is read as a layer without biases, and says so.
    const [unseen] = read(weights.join('\n'), 'text').recognition.layers;
    assert.equal(skeleton(unseen), 'lstm pytorch 1/2/1');
    assert.ok(unseen.evidence.some((e) => /bias=False \(zeros\)/.test(e.message)));
  });

  it('does not run a Keras kernel and recurrent kernel without their bias when LSTM(...) leaves use_bias on', () => {
    const arrays = 'kernel = np.array([[0.1, 0.2, 0.3, 0.4]])\nrecurrent_kernel = np.array([[0.5, 0.6, 0.7, 0.8]])\n';
    const [layer] = read(`from keras.layers import LSTM\nlayer = LSTM(1)\n${arrays}`, 'python').recognition.layers;
    assert.equal(skeleton(layer), 'lstm keras 1/1/1 incomplete');
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['bias absent']);
    const [off] = read(`from keras.layers import LSTM\nlayer = LSTM(1, use_bias=False)\n${arrays}`, 'python').recognition.layers;
    assert.equal(skeleton(off), 'lstm keras 1/1/1');
  });

  it('gives each of several TF2 variable headers on one line its own shape', () => {
    const text = "print(model.layers[0].trainable_weights)\n[<tf.Variable 'lstm/kernel:0' shape=(7, 8) dtype=float32>, <tf.Variable 'lstm/recurrent_kernel:0' shape=(2, 8) dtype=float32>, <tf.Variable 'lstm/bias:0' shape=(8,) dtype=float32>]\n";
    const { parse, recognition } = read(text, 'markdown');
    assert.deepEqual(parse.shapes?.map((s) => `${s.name} ${s.shape.join('×')}`), ['lstm/kernel:0 7×8', 'lstm/recurrent_kernel:0 2×8', 'lstm/bias:0 8']);
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm keras 2/7/1 incomplete']);
  });

  it('reads TF1 BasicLSTMCell headers in # comments as a tf1 skeleton over concat[x, h]', () => {
    const text = [
      'for v in tf.global_variables():',
      '    print(v)',
      "# <tf.Variable 'rnn/basic_lstm_cell/kernel:0' shape=(8, 20) dtype=float32_ref>",
      '# kernel: (input 3 + hidden 5) × 4 gates',
      "# <tf.Variable 'rnn/basic_lstm_cell/bias:0' shape=(20,) dtype=float32_ref>",
    ].join('\n');
    const { recognition } = read(text, 'python');
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm tf1 5/3/1 incomplete']);
    assert.deepEqual(recognition.layers[0].missing.map((m) => m.array), ['kernel', 'bias']);
  });

  it('ends values cut by the next variable header in # comments, so the later headers keep their own names', () => {
    const text = [
      'def show(model):',
      '    _ = model.trainable_variables',
      "    # <tf.Variable 'lstm/lstm_cell/kernel:0' shape=(5, 512) dtype=float32, numpy= array([[ 0.00558969,  0.08997126, -0.08137813, ...,  0.08914825,",
      "    # <tf.Variable 'lstm/lstm_cell/recurrent_kernel:0' shape=(128, 512) dtype=float32, numpy=",
      "    # <tf.Variable 'lstm/lstm_cell/bias:0' shape=(512,) dtype=float32, numpy=",
      "    # <tf.Variable 'softmax/kernel:0' shape=(128, 4) dtype=float32, numpy=",
      "    # <tf.Variable 'softmax/bias:0' shape=(4,) dtype=float32, numpy=array([0., 0., 0., 0.], dtype=float32)>",
    ].join('\n');
    const { parse, recognition } = read(text, 'python');
    assert.deepEqual(parse.arrays.map((a) => a.name), ['softmax/bias:0']);
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm keras 128/5/1 incomplete']);
    assert.ok(!recognition.unrelated.some((u) => /kernel:0\/.*softmax/.test(u.reason)), JSON.stringify(recognition.unrelated));
  });

  it('lists a header whose own line starts its values and is cut as truncated, the headers without values as shape-only', () => {
    const text = [
      "    # <tf.Variable 'lstm/lstm_cell/kernel:0' shape=(5, 512) dtype=float32, numpy= array([[ 0.00558969,  0.08997126, -0.08137813, ...,  0.08914825,",
      "    # <tf.Variable 'lstm/lstm_cell/recurrent_kernel:0' shape=(128, 512) dtype=float32, numpy=",
      "    # <tf.Variable 'lstm/lstm_cell/bias:0' shape=(512,) dtype=float32, numpy=",
    ].join('\n');
    const [layer] = read(text, 'python').recognition.layers;
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['kernel truncated', 'recurrent_kernel shape-only', 'bias shape-only']);
    assert.match(layer.missing[0].message, /^the kernel \('lstm\/lstm_cell\/kernel:0'\) of lstm at 1:83 is cut short: its shape \(5, 512\) is printed/);
  });

  it('lists a shape followed by a print of its first few values under the same name as truncated, with how many are shown', () => {
    const text = [
      '  PyTorch: rt_encoder.hidden_nn.rnn.weight_ih_l0 weights shape: torch.Size([512, 140])',
      '  PyTorch: rt_encoder.hidden_nn.rnn.weight_ih_l0 weights (first few values): tensor([-0.2072,  0.0104,  0.0228, -0.0630, -0.7774])',
      '  PyTorch: rt_encoder.hidden_nn.rnn.weight_hh_l0 weights shape: torch.Size([512, 128])',
      '  PyTorch: rt_encoder.hidden_nn.rnn.weight_hh_l0_reverse weights (first few values): tensor([ 0.1604, -0.3566,  0.2376,  0.3400, -0.6338])',
    ].join('\n');
    const [layer] = read(text, 'text').recognition.layers;
    assert.equal(skeleton(layer), 'lstm pytorch 128/140/1 incomplete');
    // weight_hh's next line prints another parameter (…_reverse): its values are not weight_hh's, so it stays shape-only.
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['weight_ih truncated', 'weight_hh shape-only', 'bias_ih absent', 'bias_hh absent']);
    assert.match(layer.missing[0].message, /at 2:78 is cut short: only its first 5 of 71680 values are printed \(shape \(512, 140\)\)$/);
  });

  it('builds a PyTorch skeleton from one cut parameter print whose module name says LSTM, the other arrays absent', () => {
    const text = [
      'networks.158.lstm.weight_ih_l0 torch.Size([400, 160]) tensor([[ 0.0031,  0.0010,  0.0176,  ...,  0.0413,  0.0311,  0.0470],',
      '        [ 0.0825,  0.0047, -0.0777,  ..., -0.0884, -0.0169, -0.0210],',
      '        ...,',
      '        [-0.0379, -0.0452,  0.0025,  ...,  0.0420, -0.0154,  0.0163],',
    ].join('\n');
    const { recognition } = read(text, 'text');
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm pytorch 100/160/1 incomplete']);
    const [layer] = recognition.layers;
    // Its values follow the shape but are cut short (never closed): truncated, not shape-only.
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['weight_ih truncated', 'weight_hh absent', 'bias_ih absent', 'bias_hh absent']);
    assert.match(layer.missing[0].message, /^the weight_ih \('networks\.158\.lstm\.weight_ih_l0'\) of networks\.158\.lstm\.l0 at 1:62 is cut short: its shape \(400, 160\) is printed, but its values stop before the end/);
    assert.match(layer.warnings.find((w) => w.code === 'print-full-values')!.message, /^the values were printed in summarised form: print them in full with torch\.set_printoptions\(profile="full", precision=17\)/);
    assert.match(layer.evidence.find((e) => e.code === 'implied-arrays')!.message, /module name `networks\.158\.lstm` says LSTM, so its one printed shape gives 100 units; weight_hh, bias_ih, bias_hh are implied/);
  });

  it('builds a Keras 1 skeleton from per-gate names whose every print is cut to one value, sized by LSTM(4, input_dim=5)', () => {
    const text = [
      'model = Sequential()',
      'model.add(LSTM(4,input_dim=5,input_length=N,return_sequences=True))',
      'for e in zip(model.layers[0].trainable_weights, model.layers[0].get_weights()):',
      "print('Param %s:\\n%s' % (e[0],e[1]))",
      ':',
      'Param lstm_3_W_i:',
      '[[ 0.00069305, ...]]',
      'Param lstm_3_U_i:',
      '[[ 1.10000002, ...]]',
      'Param lstm_3_b_i:',
      '[ 0., ...]',
      'Param lstm_3_W_c:',
      '[[-1.38370085, ...]]',
      '...',
    ].join('\n');
    const { parse, recognition } = read(text, 'text');
    assert.deepEqual(parse.diagnostics.filter((d) => d.code === 'truncated-print').map((d) => d.name), ['lstm_3_W_i', 'lstm_3_U_i', 'lstm_3_b_i', 'lstm_3_W_c']);
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm keras1 4/5/1 incomplete']);
    const [layer] = recognition.layers;
    assert.deepEqual(layer.gates.map((g) => `${g.label} ${g.start}:${g.end}`), ['i 0:4', 'c 4:8', 'f 8:12', 'o 12:16']);
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), [
      'W_i truncated', 'U_i truncated', 'b_i truncated', 'W_c truncated', 'U_c absent', 'b_c absent',
      'W_f absent', 'U_f absent', 'b_f absent', 'W_o absent', 'U_o absent', 'b_o absent',
    ]);
    assert.ok(layer.evidence.some((e) => /^Keras 1 per-gate names \(gates i, c, f, o, stored in that order\) → LSTM; `LSTM\(4,input_dim=5,/.test(e.message)));
    assert.match(layer.warnings.find((w) => w.code === 'print-full-values')!.message, /zip\(layer\.trainable_weights, layer\.get_weights\(\)\)/);
    assert.ok(Number.isNaN(layer.layer.directions[0].W[0]), 'no value is made up for a missing array');
  });

  it('gives no Keras 1 skeleton when nothing in the text says the sizes', () => {
    const text = 'Param lstm_3_W_i:\n[[ 0.00069305, ...]]\nParam lstm_3_U_i:\n[[ 1.10000002, ...]]\n';
    assert.equal(read(text, 'text').recognition.layers.length, 0);
  });

  it('reads ONNX initializer dims printed as lists (W [2, 256, 36]) as shapes: a bidirectional LSTM skeleton', () => {
    const text = [
      '>>> for init in model.graph.initializer:',
      '...     print(init.name, init.dims)',
      '...',
      'W [2, 256, 36]',
      'R [2, 256, 64]',
      'B [2, 512]',
    ].join('\n');
    const { recognition } = read(text, 'text');
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm onnx 64/36/2 incomplete']);
    const [layer] = recognition.layers;
    assert.deepEqual(layer.gates.map((g) => `${g.label} ${g.start}:${g.end}`), ['i 0:64', 'o 64:128', 'f 128:192', 'c 192:256']);
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason} ${m.shape?.join('×')}`), ['W shape-only 2×256×36', 'R shape-only 2×256×64', 'B shape-only 2×512']);
    assert.ok(layer.evidence.some((e) => /^W \[2, 256, 36\], R \[2, 256, 64\], B \[2, 512\]: ONNX W and R are 3-D, so these integer lists are the initializers' dims/.test(e.message)));
    assert.match(layer.warnings.find((w) => w.code === 'print-full-values')!.message, /onnx\.numpy_helper\.to_array\(t\)/);
    assert.deepEqual(recognition.unrelated, [], 'the dims are not listed as arrays that fit no layer');
  });

  it('reads the initializers of onnx.helper.printable_graph (%W[FLOAT, 1x12x5]) as a GRU skeleton', () => {
    const text = [
      'graph main_graph (',
      '  %x[FLOAT, 7x1x5]',
      ') initializers (',
      '  %W[FLOAT, 1x12x5]',
      '  %R[FLOAT, 1x12x4]',
      '  %B[FLOAT, 1x24]',
      ') {',
      '  %y, %y_h = GRU[hidden_size = 4](%x, %W, %R, %B)',
      '  return %y',
      '}',
    ].join('\n');
    const { parse, recognition } = read(text, 'text');
    assert.deepEqual(parse.shapes?.map((s) => `${s.name} ${s.shape.join('×')}`), ['x 7×1×5', 'W 1×12×5', 'R 1×12×4', 'B 1×24']);
    assert.deepEqual(recognition.layers.map(skeleton), ['gru onnx 4/5/1 incomplete']);
  });

  it('keeps integer lists named W and R that are not consistent ONNX dims as what they are', () => {
    const text = 'W [2, 256, 36]\nR [2, 255, 64]\n';
    const { recognition } = read(text, 'text');
    assert.equal(recognition.layers.length, 0);
    assert.equal(recognition.unrelated.length, 2);
  });

  it('names a bare torch.Size by the print call above it and lets the constructor imply the rest (nn.LSTM(2, 9))', () => {
    const text = 'tmp = nn.LSTM(2, 9)\npritn(tmp.weight_hh_l0.size())\ntorch.Size([36, 9])\n';
    const { parse, recognition } = read(text, 'text');
    assert.deepEqual(parse.shapes?.map((s) => `${s.name} ${s.shape.join('×')}`), ['tmp.weight_hh_l0 36×9']);
    assert.deepEqual(recognition.layers.map(skeleton), ['lstm pytorch 9/2/1 incomplete']);
    const [layer] = recognition.layers;
    assert.deepEqual(layer.missing.map((m) => `${m.array} ${m.reason}`), ['weight_hh shape-only', 'weight_ih absent', 'bias_ih absent', 'bias_hh absent']);
    assert.ok(layer.evidence.some((e) => e.message === '`nn.LSTM(2, 9)` makes `tmp` a PyTorch LSTM with input size 2, and its one printed shape gives 9 units; weight_ih, bias_ih, bias_hh are implied by it (shapes only) and are not in the text'));
  });

  it('implies nothing from a constructor whose size does not match the printed shape, nor biases it turns off', () => {
    assert.equal(read('tmp = nn.LSTM(2, 8)\nprint(tmp.weight_hh_l0.size())\ntorch.Size([36, 9])\n', 'text').recognition.layers.length, 0);
    const [layer] = read('tmp = nn.GRU(2, 9, bias=False)\nprint(tmp.weight_hh_l0.shape)\ntorch.Size([27, 9])\n', 'text').recognition.layers;
    assert.equal(skeleton(layer), 'gru pytorch 9/2/1 incomplete');
    assert.deepEqual(layer.missing.map((m) => m.array), ['weight_hh', 'weight_ih']);
  });

  it('implies the bias_hh of a state_dict listing cut right after bias_ih, and only that', () => {
    const text = [
      'lstm.weight_ih_l1 torch.Size([1024, 256])', 'lstm.weight_hh_l1 torch.Size([1024, 256])', 'lstm.bias_ih_l1 torch.Size([1024])', 'lstm.bias_hh_l1 torch.Size([1024])',
      'lstm.weight_ih_l2 torch.Size([1024, 256])', 'lstm.weight_hh_l2 torch.Size([1024, 256])', 'lstm.bias_ih_l2 torch.Size([1024])',
    ].join('\n');
    const layers = read(text, 'text').recognition.layers;
    assert.deepEqual(layers.map((l) => `${l.name} ${skeleton(l)}`), ['lstm.l1 lstm pytorch 256/256/1 incomplete', 'lstm.l2 lstm pytorch 256/256/1 incomplete']);
    assert.deepEqual(layers[1].missing.map((m) => `${m.array} ${m.reason}`), ['weight_ih shape-only', 'weight_hh shape-only', 'bias_ih shape-only', 'bias_hh absent']);
    assert.deepEqual(layers[0].missing.map((m) => m.reason), ['shape-only', 'shape-only', 'shape-only', 'shape-only']);
  });

  it('does not imply arrays for a module name that does not say the cell', () => {
    const text = 'encoder.weight_ih_l0 torch.Size([400, 160]) tensor([[ 0.0031,  0.0010,  ...,  0.0470],\n';
    assert.equal(read(text, 'text').recognition.layers.length, 0);
  });
});
