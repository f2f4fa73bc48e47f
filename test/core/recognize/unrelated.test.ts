import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { format } from '../../../src/core/recognize/messages';
import { argText } from '../../../src/core/messages';
import { fullName } from '../../../src/core/recognize/names';
import { UNRELATED_DIAGNOSTIC_LIMIT, UNRELATED_TEMPLATES } from '../../../src/core/recognize/unrelated';
import { parsed } from './helpers';

// Distractors never break recognition: the other layers of a model pasted whole (Embedding, attention, LayerNorm /
// BatchNorm, Conv, Linear) are listed as not part of a recurrent layer, one entry each, and the recurrent layer beside
// them is still found. The fixtures are real prints (scripts/fixtures/distractors.py).

const fixture = (name: string) => fs.readFileSync(`test/fixtures/distractors/${name}`, 'utf8');

function analyse(text: string) {
  const parse = extractArrays(text);
  const r = recognize(parse, text);
  const nameOf = (k: number) => fullName(parse.arrays[k]);
  const kinds = new Map(r.unrelated.map((u) => [nameOf(u.arrayIndex), u.kind]));
  return { parse, r, kinds };
}

describe('unrelated arrays and distractors (src/core/recognize/unrelated)', () => {
  it('print(model.state_dict()) of Embedding → LSTM → Linear: the LSTM, the Linear head with its bias, the Embedding listed', () => {
    const { parse, r, kinds } = analyse(fixture('torch-embedding-lstm-linear.txt'));
    assert.deepEqual(r.layers.map((l) => [l.name, l.cell, l.convention, l.units, l.inputSize]), [['lstm.l0', 'lstm', 'pytorch', 3, 4]]);
    assert.equal(r.dense.length, 1);
    const head = r.dense[0];
    assert.deepEqual([head.name, head.layer.inputSize, head.layer.units], ['fc', 3, 2]);
    // fc.bias belongs to fc.weight: without it the head would run with a zero bias.
    assert.deepEqual(head.arrays.map((a) => parse.arrays[a.arrayIndex].name), ['fc.weight', 'fc.bias']);
    assert.deepEqual(Array.from(head.layer.b ?? []), Array.from(parse.arrays.find((a) => a.name === 'fc.bias')!.values));
    assert.deepEqual(r.models.map((m) => m.model.layers.map((l) => l.name)), [['lstm.l0', 'fc']]);
    assert.deepEqual([...kinds], [['embedding.weight', 'embedding']]);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity]), [['unrelated-array', 'info']]);
    assert.equal(r.diagnostics[0].message, format(UNRELATED_TEMPLATES.embedding, ['"embedding.weight" (10, 4)']));
  });

  it('a transformer block, Conv, LayerNorm and BatchNorm next to a GRU (state_dict print and JSON dump): the GRU and its head, everything else listed by kind', () => {
    for (const name of ['torch-transformer-gru.txt', 'torch-transformer-gru.json']) {
      const { r, kinds } = analyse(fixture(name));
      assert.deepEqual(r.layers.map((l) => [l.name, l.cell, l.units, l.inputSize]), [['gru.l0', 'gru', 3, 4]], name);
      assert.deepEqual(r.models.map((m) => m.model.layers.map((l) => l.name)), [['gru.l0', 'head']], name);
      assert.equal(kinds.get('encoder.self_attn.in_proj_weight'), 'attention', name);
      assert.equal(kinds.get('encoder.self_attn.out_proj.weight'), 'attention', name);
      assert.equal(kinds.get('encoder.linear1.weight'), 'linear', name);
      assert.equal(kinds.get('encoder.linear2.bias'), 'linear', name);
      assert.equal(kinds.get('encoder.norm1.weight'), 'normalization', name);
      assert.equal(kinds.get('bn.running_var'), 'normalization', name);
      assert.equal(kinds.get('conv.weight'), 'convolution', name);
      assert.equal(kinds.get('conv.bias'), 'convolution', name);
      assert.ok(!kinds.has('gru.weight_ih_l0') && !kinds.has('head.weight'), name);
      // Nothing of the transformer forms a layer of its own (two in_proj_weight (12, 4) would pass for a GRU).
      assert.deepEqual(r.dense.map((d) => d.name).filter((n) => !/^encoder\.linear[12]$/.test(n)), ['head'], name);
      // More than the limit: one summary diagnostic, information only (every array has a known kind).
      assert.ok(r.unrelated.filter((u) => u.kind !== 'linear').length > UNRELATED_DIAGNOSTIC_LIMIT);
      assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity]), [['unrelated-arrays', 'info']], name);
      assert.match(r.diagnostics[0].message, /^1[67] arrays are not part of a recurrent layer \(2 Conv, 4 attention, 1[01] LayerNorm\/BatchNorm\)/);
    }
  });

  it('Keras Embedding → MultiHeadAttention → LayerNormalization → GRU → Dense weights by path: the GRU and its Dense head', () => {
    const { r, kinds } = analyse(fixture('keras-attention-gru.json'));
    assert.deepEqual(r.layers.map((l) => [l.name, l.cell, l.convention, l.units, l.inputSize]), [['gru', 'gru', 'keras', 3, 4]]);
    assert.deepEqual(r.models.map((m) => m.model.layers.map((l) => l.name)), [['gru', 'dense']]);
    assert.equal(kinds.get('embedding/embeddings'), 'embedding');
    assert.deepEqual([...new Set([...kinds.values()])].sort(), ['attention', 'embedding', 'normalization']);
    assert.equal(r.unrelated.length, 11);
  });

  it('lists unnamed arrays that fit no layer as unmatched, with the reason, and gives each a warning while they are few', () => {
    const r = recognize(parsed([{ shape: [5] }, { shape: [7, 2] }]), '');
    assert.deepEqual(r.unrelated.map((u) => [u.arrayIndex, u.kind]), [[0, 'unmatched'], [1, 'unmatched']]);
    assert.match(r.unrelated[0].reason, /^shape \(5,\) fits no recurrent layer/);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['unrecognized-array', 'unrecognized-array']);
    assert.match(r.diagnostics[0].message, /^array \(5,\): shape \(5,\) fits no recurrent layer/);
  });

  it('turns many unrelated arrays into one summary diagnostic on the first of them, and keeps each reason once', () => {
    const n = 5000;
    const p = parsed(Array.from({ length: n }, () => ({ shape: [2] })));
    const r = recognize(p, '');
    assert.equal(r.unrelated.length, n);
    assert.equal(r.diagnostics.length, 1);
    assert.deepEqual(r.diagnostics[0].range, p.arrays[0].range);
    assert.equal(r.diagnostics[0].template, UNRELATED_TEMPLATES.summary);
    assert.deepEqual(r.diagnostics[0].args?.map(argText), [String(n), `${n} unmatched shape`]);
    assert.equal(new Set(r.unrelated.map((u) => u.reason)).size, 1);
  });

  it('keeps a recurrent layer whose name mentions attention or a norm (the role in the name decides)', () => {
    const r = recognize(parsed([
      { name: 'attn_rnn.weight_ih_l0', shape: [12, 2] }, { name: 'attn_rnn.weight_hh_l0', shape: [12, 3] },
      { name: 'norm_lstm/kernel:0', shape: [2, 12] }, { name: 'norm_lstm/recurrent_kernel:0', shape: [3, 12] },
    ]), '');
    assert.deepEqual(r.layers.map((l) => [l.cell, l.convention]), [['lstm', 'pytorch'], ['lstm', 'keras']]);
    assert.deepEqual(r.unrelated, []);
  });

  it('lists Linear query/key/value projections set beside an RNN as attention, not as Dense layers stacked on it', () => {
    // An encoder RNN and its attention's projections, each set by nn.Parameter(torch.tensor([[…]])) (corpus case 51).
    const text = [
      'self.rnn = nn.RNN(self.n_features, self.hidden_dim, dtype=torch.float64, batch_first=True)',
      'with torch.no_grad():',
      '    self.rnn.weight_ih_l0 = nn.Parameter(torch.tensor([[-0.1046, -0.1705],',
      '                                                       [0.2285, -0.2168]]))',
      '    self.rnn.weight_hh_l0 = nn.Parameter(torch.tensor([[0.2841, -0.1657],',
      '                                                       [-0.2813, 0.3142]]))',
      '    self.rnn.bias_ih_l0 = nn.Parameter(torch.tensor([0.3835, 0.1879]))',
      '    self.rnn.bias_hh_l0 = nn.Parameter(torch.tensor([-0.6391, -0.0030]))',
      'self.linear_query = nn.Linear(self.n_features, hidden_dim, dtype=torch.float64)',
      'with torch.no_grad():',
      '    self.linear_query.weight = nn.Parameter(torch.tensor([[0.0798, 0.4151],',
      '                                                         [-0.0994, 0.1561]]))',
      '    self.linear_query.bias = nn.Parameter(torch.tensor([-0.2548, 0.3911]))',
      '    self.linear_key.weight = nn.Parameter(torch.tensor([[-0.3068, -0.4800],',
      '                                                        [-0.4578, -0.1488]]))',
      '    self.linear_key.bias = nn.Parameter(torch.tensor([0.3407, 0.4099]))',
    ].join('\n');
    const r = recognize(extractArrays(text, { fileKind: 'python' }), text);
    assert.deepEqual(r.layers.map((l) => l.name), ['self.rnn.l0']);
    assert.deepEqual(r.dense, []);
    assert.deepEqual(r.unrelated.map((u) => u.kind), ['attention', 'attention', 'attention', 'attention']);
  });

  it('has a zh-cn translation of every template, with the same placeholders', () => {
    const bundle = JSON.parse(fs.readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    const placeholders = (t: string) => (t.match(/\{\d+\}/g) ?? []).sort().join();
    for (const t of Object.values(UNRELATED_TEMPLATES)) {
      assert.equal(typeof bundle[t], 'string', t);
      assert.equal(placeholders(bundle[t]), placeholders(t), t);
    }
  });
});
