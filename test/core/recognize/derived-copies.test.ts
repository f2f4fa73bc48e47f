// Names bound by the text's own code beyond plain aliases, as people paste them when they check an RNN by hand:
// copies and results the code computes from a parameter (`b = np.array(np.split(bias_ih, 4))`) are no weights of
// their own, a print's label names what it prints (`print(f"W_xh shape: {w_xh.shape}")`), and a parameter shown
// twice is one parameter. Each text is built from real notebooks (corpus cases 47 and 49).
import * as assert from 'node:assert/strict';
import { extractArrays, type FileKind } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

function read(text: string, fileKind: FileKind = 'text') {
  const parse = extractArrays(text, { fileKind });
  return { parse, recognition: recognize(parse, text) };
}

const layersOf = (r: ReturnType<typeof read>['recognition']): string[] =>
  r.layers.map((l) => `${l.name}: ${l.cell} ${l.convention} ${l.units}/${l.inputSize}${l.complete ? '' : ' incomplete'}`);

// An LSTM set by assignments, then split per gate with NumPy and printed (Math.ipynb of corpus case 47, cut down).
const SPLIT_BY_HAND = [
  'In [4]:',
  'lstm = LSTM(2, 4, 1)',
  '',
  'In [9]:',
  'lstm.weight_ih_l0 = to_parameter([[-0.36, 0.03], [-0.17, -0.08], [0.43, 0.19], [-0.22, 0.33],',
  '                                 [-0.46, 0.0], [-0.09, -0.25], [0.09, 0.3], [-0.43, -0.07],',
  '                                 [-0.03, 0.37], [-0.32, -0.35], [-0.22, -0.46], [-0.02, 0.19],',
  '                                 [-0.4, 0.22], [0.08, -0.44], [-0.35, -0.13], [-0.15, -0.47]])',
  'lstm.weight_hh_l0 = to_parameter([[-0.47, 0.16, -0.18, -0.28], [0.45, -0.29, -0.43, -0.01],',
  '                                 [0.04, -0.44, 0.02, -0.02], [-0.35, 0.15, -0.41, -0.07],',
  '                                 [0.1, -0.19, -0.24, 0.45], [0.08, -0.13, -0.05, 0.38],',
  '                                 [-0.22, 0.36, 0.43, 0.11], [0.31, 0.01, -0.41, -0.11],',
  '                                 [-0.22, -0.38, -0.44, -0.48], [0.09, -0.36, -0.35, 0.05],',
  '                                 [0.05, -0.26, 0.24, -0.17], [-0.05, 0.16, 0.3, 0.09],',
  '                                 [0.2, 0.45, 0.07, -0.08], [0.12, 0.41, 0.45, -0.24],',
  '                                 [-0.39, 0.12, 0.0, 0.25], [-0.02, 0.47, 0.05, -0.43]])',
  'lstm.bias_hh_l0 = to_parameter([-0.44,  0.15, -0.12,  0.35, -0.13, -0.18, -0.44, -0.47,',
  '                                 0.01,  0.17,  0.18, -0.23, -0.32, -0.19,  0.05,  0.14])',
  'lstm.bias_ih_l0 = to_parameter([ 0.47,  0.2,  0.23, -0.24,  0.02, -0.28, -0.32,  0.01,',
  '                                -0.42,  0.29, 0.46,  0.12,  0.45, -0.41,  0.30,  0.11])',
  '',
  'In [17]:',
  "bias_ih = lstm.state_dict()['bias_ih_l0'].numpy()",
  "bias_hh = lstm.state_dict()['bias_hh_l0'].numpy()",
  'b = np.array(np.split(bias_ih, 4))',
  'b1 = np.array(np.split(bias_hh, 4))',
  '',
  'In [23]:',
  "print('b', b)",
  "print('b1', b1)",
  '',
  'b [[ 0.47  0.2   0.23 -0.24]',
  ' [ 0.02 -0.28 -0.32  0.01]',
  ' [-0.42  0.29  0.46  0.12]',
  ' [ 0.45 -0.41  0.3   0.11]]',
  'b1 [[-0.44  0.15 -0.12  0.35]',
  ' [-0.13 -0.18 -0.44 -0.47]',
  ' [ 0.01  0.17  0.18 -0.23]',
  ' [-0.32 -0.19  0.05  0.14]]',
].join('\n');

// Each parameter bound to a name and shown as that name's Out, its shape printed under another label, and one shown
// again later (forward_pass_rnn_pytorch.ipynb of corpus case 49, as a transcript).
const BOUND_AND_SHOWN = [
  'In [42]:',
  'rnn_layer = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)',
  '',
  'In [43]:',
  'w_xh = rnn_layer.weight_ih_l0',
  'w_xh',
  'Out[43]:',
  'Parameter containing:',
  'tensor([[ 0.2188, -0.1601,  0.2718,  0.2285,  0.4317],',
  '        [ 0.4762, -0.2395,  0.6909, -0.0817, -0.0243]], requires_grad=True)',
  'In [44]:',
  'w_hh = rnn_layer.weight_hh_l0',
  'w_hh',
  'Out[44]:',
  'Parameter containing:',
  'tensor([[-0.6674, -0.4551],',
  '        [-0.4131, -0.3024]], requires_grad=True)',
  'In [45]:',
  'b_xh = rnn_layer.bias_ih_l0',
  'b_xh',
  'Out[45]:',
  'Parameter containing:',
  'tensor([ 0.5027, -0.2311], requires_grad=True)',
  'In [46]:',
  'b_hh = rnn_layer.bias_hh_l0',
  'b_hh',
  'Out[46]:',
  'Parameter containing:',
  'tensor([-0.5284,  0.2721], requires_grad=True)',
  'In [47]:',
  'print(f"W_xh shape: {w_xh.shape}")',
  'W_xh shape: torch.Size([2, 5])',
  'In [48]:',
  'print(f"W_hh shape: {w_hh.shape}")',
  'W_hh shape: torch.Size([2, 2])',
  'In [62]:',
  'w_xh',
  'Out[62]:',
  'Parameter containing:',
  'tensor([[ 0.2188, -0.1601,  0.2718,  0.2285,  0.4317],',
  '        [ 0.4762, -0.2395,  0.6909, -0.0817, -0.0243]], requires_grad=True)',
].join('\n');

describe('recognise: copies, labels and repeats bound by the text’s own code', () => {
  it('lists arrays the code computes from parameters the text holds as copies, not as a layer stacked on it', () => {
    const { parse, recognition } = read(SPLIT_BY_HAND);
    assert.deepEqual(layersOf(recognition), ['lstm.l0: lstm pytorch 4/2']);
    const reasonOf = (name: string) => recognition.unrelated.find((u) => parse.arrays[u.arrayIndex].name === name)?.reason;
    assert.equal(reasonOf('b'), 'computed by the text’s own code from lstm.bias_ih_l0, which the text holds itself; a copy or a result, not a weight of its own');
    assert.equal(reasonOf('b1'), 'computed by the text’s own code from lstm.bias_hh_l0, which the text holds itself; a copy or a result, not a weight of its own');
  });

  it('keeps a name the code also gives a literal of its own', () => {
    const text = `${SPLIT_BY_HAND}\n\nIn [30]:\nb = np.array([[0.1, 0.2, 0.3, 0.4]])\n`;
    const { parse, recognition } = read(text);
    assert.ok(!recognition.unrelated.some((u) => parse.arrays[u.arrayIndex].name === 'b' && /computed by/.test(u.reason)));
  });

  it('reads a shape printed under a label as the bound parameter’s shape, and a repeat as the same parameter', () => {
    const { parse, recognition } = read(BOUND_AND_SHOWN);
    assert.deepEqual(layersOf(recognition), ['rnn_layer.l0: simple_rnn pytorch 2/5']);
    const again = recognition.unrelated.find((u) => u.reason.includes('shown again'));
    assert.equal(again?.reason, 'rnn_layer.weight_ih_l0 shown again, with the same values as at 9:1');
    assert.equal(parse.arrays[again!.arrayIndex].range.start > BOUND_AND_SHOWN.indexOf('Out[62]'), true);
  });

  it('still makes a second layer of the same scoped parameter shown with other values', () => {
    const changed = BOUND_AND_SHOWN.replace(/(Out\[62\]:\nParameter containing:\ntensor\(\[\[ )0\.2188/, '$10.9999');
    assert.notEqual(changed, BOUND_AND_SHOWN);
    assert.equal(read(changed).recognition.layers.length, 2);
  });
});
