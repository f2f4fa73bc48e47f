// Assignments in the text's own code, read as Python would run them: `rnn.weight_hh_l0.data = torch.tensor(…)`,
// a helper wrapping the literal (`to_parameter([[…]])`), and a parameter printed first and assigned later (the later
// value wins, and the evidence says so).
import * as assert from 'node:assert/strict';
import { extractArrays, type FileKind } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

function read(text: string, fileKind: FileKind) {
  const parse = extractArrays(text, { fileKind });
  return { parse, recognition: recognize(parse, text) };
}

const weightsOf = (l: { layer: { directions: readonly { W: Float64Array; R: Float64Array; bW: Float64Array; bR: Float64Array }[] } }) => {
  const d = l.layer.directions[0];
  return { W: Array.from(d.W), R: Array.from(d.R), bW: Array.from(d.bW), bR: Array.from(d.bR) };
};

describe('recognise: assignments in the text, later ones winning', () => {
  it('reads `.data =` assignments and a to_parameter([[…]]) wrapper as the parameters they set', () => {
    const text = [
      'import torch',
      'import torch.nn as nn',
      '',
      'def to_parameter(values):',
      '    return nn.Parameter(torch.tensor(values, dtype=torch.float32))',
      '',
      'rnn = nn.RNN(2, 1)',
      'rnn.weight_ih_l0 = to_parameter([[0.5, -0.25]])',
      'rnn.weight_hh_l0.data = torch.tensor([[0.75]])',
      'rnn.bias_ih_l0.data = torch.tensor([0.1])',
      'rnn.bias_hh_l0 = nn.Parameter(torch.tensor([-0.2]))',
    ].join('\n');
    const { recognition } = read(text, 'python');
    assert.deepEqual(recognition.layers.map((l) => `${l.cell} ${l.convention} ${l.units}/${l.inputSize}`), ['simple_rnn pytorch 1/2']);
    assert.deepEqual(weightsOf(recognition.layers[0]), { W: [0.5, -0.25], R: [0.75], bW: [0.1], bR: [-0.2] });
  });

  it('uses the later assignment of a parameter printed before it, and says so', () => {
    const text = [
      '>>> rnn = nn.RNN(2, 1)',
      '>>> print(rnn.weight_ih_l0)',
      'Parameter containing:',
      'tensor([[ 0.4414, -0.6003]], requires_grad=True)',
      '>>> rnn.weight_ih_l0.data = torch.tensor([[0.5, -0.25]])',
      '>>> rnn.weight_hh_l0.data = torch.tensor([[0.75]])',
      '>>> rnn.bias_ih_l0.data = torch.tensor([0.1])',
      '>>> rnn.bias_hh_l0.data = torch.tensor([-0.2])',
    ].join('\n');
    const { recognition } = read(text, 'text');
    assert.equal(recognition.layers.length, 1);
    const [layer] = recognition.layers;
    assert.deepEqual(weightsOf(layer).W, [0.5, -0.25]);
    const e = layer.evidence.find((x) => x.code === 'later-assignment');
    assert.equal(e?.message, '`rnn.weight_ih_l0` appears at 2:11 and is assigned again at 5:29: the later value is used, as Python would');
    assert.deepEqual(recognition.unrelated.map((u) => u.reason), ['replaced by the later assignment at 5:29']);
  });

  it('names both parameters when an RNNCell is rebound to an RNN, and takes the RNN constructor', () => {
    const text = [
      'import torch.nn as nn',
      "rnn = nn.RNNCell(input_size=2, hidden_size=1, bias=False, nonlinearity='tanh')",
      'rnn.weight_ih.data = torch.tensor([[0.1, 0.2]])',
      'rnn.weight_hh.data = torch.tensor([[0.3]])',
      "rnn = nn.RNN(input_size=2, hidden_size=1, bias=False, nonlinearity='relu')",
      'rnn.weight_ih_l0.data = torch.tensor([[0.5, -0.25]])',
      'rnn.weight_hh_l0.data = torch.tensor([[0.75]])',
    ].join('\n');
    const { recognition } = read(text, 'python');
    assert.equal(recognition.layers.length, 1);
    const [layer] = recognition.layers;
    assert.deepEqual(weightsOf(layer).W, [0.5, -0.25]);
    assert.deepEqual(layer.evidence.filter((x) => x.code === 'later-assignment').map((e) => e.message), [
      '`rnn.weight_ih` at 3:1 is superseded by `rnn.weight_ih_l0` at 6:25 (the module was bound again in between): the later value is used, as Python would',
      '`rnn.weight_hh` at 4:1 is superseded by `rnn.weight_hh_l0` at 7:25 (the module was bound again in between): the later value is used, as Python would',
    ]);
    const constructors = layer.evidence.filter((x) => x.code === 'constructor-hint').map((e) => e.message);
    assert.ok(constructors.length > 0 && constructors.every((m) => m.includes('nn.RNN(input_size=2')), constructors.join('\n'));
  });

  it('still reads two pasted `kernel = …` blocks as two layers', () => {
    const block = 'kernel = [[0.1, 0.2]]\nrecurrent_kernel = [[0.3, 0.4], [0.5, 0.6]]\nbias = [0.0, 0.1]\n';
    assert.equal(read(block + block, 'python').recognition.layers.length, 2);
  });

  it('keeps a bare call result unnamed: x = foo([1, 2]) is not an array called x', () => {
    assert.deepEqual(read('x = foo([[0.5, -0.25]])\n', 'python').parse.arrays, []);
  });
});
