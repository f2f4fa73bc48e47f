// MXNet Gluon rnn.LSTM / rnn.GRU / rnn.RNN: parameters l{k}_i2h_weight (G·H, I), l{k}_h2h_weight (G·H, H),
// l{k}_i2h_bias, l{k}_h2h_bias; r{k}_ for the reverse direction (gluon/rnn/rnn_layer.py). LSTM i, f, g, o; GRU r, z, n
// with the candidate's recurrent bias inside r ⊙ (·) (the cuDNN GRU); rnn.RNN's default activation is relu.
// projection_size (LSTMP): h2h_weight (4·H, P) and l{k}_h2r_weight (P, H), r = h2r_weight · h without a bias —
// PyTorch's weight_hr, the forward pass's projection.
// Documented, not run against MXNet (retired; not installable here).

import { pytorchAdapter } from './pytorch';
import { GRU_RZN, GH, LSTM_IFGO, RNN_H } from './gates';
import { GateLensError } from '../model';
import { activationAmong, checkShape, firstActivations, need, numpyAs, readRowsTwoBias, tensorOf, writeRowsTwoBias, type RowsKeys } from './documented-common';
import type { CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors, TensorSpec } from './types';

const tensors = (G: number): TensorSpec[] => [
  { role: 'i2h_weight', shape: [G === 1 ? 'H' : GH(G), 'I'] }, { role: 'h2h_weight', shape: [G === 1 ? 'H' : GH(G), 'H'] },
  { role: 'i2h_bias', shape: [G === 1 ? 'H' : GH(G)], optional: true }, { role: 'h2h_bias', shape: [G === 1 ? 'H' : GH(G)], optional: true },
];

const CELLS: CellSpec[] = [
  { cell: 'lstm', framework: 'MXNet Gluon', gateOrder: LSTM_IFGO, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h', 'c'], tensors: tensors(4), defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' } },
  {
    cell: 'gru', framework: 'MXNet Gluon', gateOrder: GRU_RZN, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h'], defaultResetAfter: true, tensors: tensors(3),
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' }, notes: ['n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).'],
  },
  { cell: 'simple_rnn', framework: 'MXNet Gluon', gateOrder: RNN_H, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h'], tensors: tensors(1), defaultActivations: { candidate: 'relu' }, notes: ['rnn.RNN activation defaults to relu.'] },
];

const keysFor = (layer: number, d: number): RowsKeys => {
  const p = `${d === 1 ? 'r' : 'l'}${layer}_`;
  const bare = layer === 0 && d === 0 ? [''] : [];
  const k = (role: string) => [p + role, ...bare.map(() => role)];
  return { W: k('i2h_weight'), R: k('h2h_weight'), bW: k('i2h_bias'), bR: k('h2h_bias') };
};

const MXNET_TEMPLATES = {
  incomplete: 'MXNet Gluon parameter names, but i2h_weight and h2h_weight are not both matrices ({0})',
  shapes: 'MXNet i2h_weight {0} and h2h_weight {1} do not pack 4·H, 3·H or H rows',
  layer: 'h2h_weight has {0} rows for {1} hidden units → MXNet Gluon {2}, input size {3}',
} as const;

export const mxnetAdapter: ConventionAdapter<'mxnet'> = {
  id: 'mxnet',
  title: 'MXNet Gluon',
  description: 'MXNet Gluon rnn.LSTM / GRU / RNN (documented, not run): l0_i2h_weight (G·H, I), l0_h2h_weight, two biases, r0_ reverse; gates i, f, g, o / r, z, n.',
  verification: 'documented',
  sources: [
    { fact: 'parameters l{k}/r{k}_i2h_weight (G·H, I), _h2h_weight (G·H, H), _i2h_bias, _h2h_bias; rnn.RNN activation default relu; LSTM states [h, c]', url: 'https://github.com/apache/mxnet/blob/master/python/mxnet/gluon/rnn/rnn_layer.py' },
    { fact: 'projection_size: h2h_weight (4·hidden_size, projection_size), h2r_weight (projection_size, hidden_size), LSTMPCell parameters i2h/h2h weight and bias plus h2r_weight (no h2r bias)', url: 'https://github.com/apache/mxnet/blob/master/tests/python/unittest/test_gluon_rnn.py' },
    { fact: 'LSTMCell gates split as in_gate, forget_gate, in_transform, out_gate; GRUCell r, z, n with the reset gate on h2h (including its bias)', url: 'https://github.com/apache/mxnet/blob/master/python/mxnet/gluon/rnn/rnn_cell.py' },
  ],
  layerNames: { lstm: '`rnn.LSTM`', gru: '`rnn.GRU`', simple_rnn: '`rnn.RNN`' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['hidden_size', 'num_layers', 'layout', 'bidirectional', 'input_size', 'activation', 'projection_size', 'lstm_state_clip_min', 'lstm_state_clip_max'],
  capabilities: { projection: true, fixedActivations: { gate: 'sigmoid', candidate: 'tanh' }, simpleRnnActivations: { names: ['tanh', 'relu'], why: 'MXNet rnn.RNN offers only tanh and relu' }, refusesResetBefore: 'MXNet GRUs apply the reset gate after the recurrent matmul (the cuDNN GRU)' },

  fromNative(spec, all, opts) {
    const k = opts.layerIndex ?? 0;
    const bidir = opts.bidirectional ?? all[`r${k}_i2h_weight`] !== undefined;
    const dirs = bidir ? [keysFor(k, 0), keysFor(k, 1)] : [keysFor(k, 0)];
    const projKeys = dirs.map((d) => d.W.map((w) => w.replace(/i2h_weight$/, 'h2r_weight')));
    const projected = projKeys.some((keys) => keys.some((n) => all[n]));
    if (projected && spec.cell !== 'lstm') throw new GateLensError('not-representable', `MXNet projects only LSTMs (projection_size); ${projKeys[0][0]} is present on a ${spec.cell.toUpperCase()}.`);
    const read = readRowsTwoBias(spec, all, dirs, opts, projected);
    const directions = !projected ? read.directions : read.directions.map((dw, d) => {
      const f = need(spec, all, projKeys[d], 'projection weights');
      checkShape(spec, f, [read.P, read.H], 'projection weights');
      return { ...dw, proj: Float64Array.from(f.t.data) };
    });
    return { directions, dims: { I: read.I, H: read.H, P: read.P, D: 1 }, resetAfter: spec.cell === 'gru' ? true : undefined, useBias: read.useBias };
  },

  toNative(layer, spec, { withBias, layerIndex }) {
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const p = `${d === 1 ? 'r' : 'l'}${layerIndex ?? 0}_`;
      const w = writeRowsTwoBias(spec, layer, dw);
      out[`${p}i2h_weight`] = w.W;
      out[`${p}h2h_weight`] = w.R;
      if (withBias) { out[`${p}i2h_bias`] = w.bW; out[`${p}h2h_bias`] = w.bR; }
      if (dw.proj) out[`${p}h2r_weight`] = tensorOf([layer.projSize ?? layer.units, layer.units], Float64Array.from(dw.proj));
    });
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    if (num('input_size') !== undefined && num('input_size')! > 0) opts.inputSize = num('input_size');
    if (config['bidirectional'] === true) opts.bidirectional = true;
    const act = str('activation');
    if (act !== undefined) { if (act !== 'tanh' && act !== 'relu') unsupported('activation', act, 'MXNet rnn.RNN accepts relu or tanh'); opts.activation = act; }
    for (const key of ['lstm_state_clip_min', 'lstm_state_clip_max']) if (config[key] !== undefined && config[key] !== null) unsupported(key, config[key], 'MXNet clips the cell state to [min, max], which Gate Lens does not model');
    return opts;
  },

  configFromLayer(layer, plain) {
    const cfg: Record<string, unknown> = { hidden_size: layer.units, num_layers: 1, layout: 'NTC', bidirectional: layer.directions.length === 2, input_size: layer.inputSize };
    if (layer.cell === 'simple_rnn') cfg['activation'] = plain(firstActivations(layer).candidate);
    if (layer.projSize !== undefined) cfg['projection_size'] = layer.projSize;
    return cfg;
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: numpyAs(pytorchAdapter, (cell) => ({ ...pytorchAdapter.cells.find((c) => c.cell === cell)!, id: 'pytorch' }),
    'Stored as MXNet Gluon parameters (i2h_weight, h2h_weight, i2h_bias, h2h_bias); written here under the PyTorch names of the same arrays (weight_ih, weight_hh, bias_ih, bias_hh).'),
  candidateTensors(arrays) {
    const out: NativeTensors = {};
    arrays.forEach((t, d) => {
      for (const [r, a] of Object.entries(t)) if (a) out[`${d === 1 ? 'r' : 'l'}0_${r}`] = { shape: a.shape, data: a.values };
    });
    return out;
  },
  packedAxisOf: () => 0,
  roleTitles: { i2h_weight: 'input weights i2h_weight', h2h_weight: 'recurrent weights h2h_weight', i2h_bias: 'input bias i2h_bias', h2h_bias: 'recurrent bias h2h_bias' },

  classifyName(parts) {
    const last = parts[parts.length - 1];
    const layered = /^(?:(.*)_)?([lr])(\d+)_(i2h_weight|h2h_weight|i2h_bias|h2h_bias)$/.exec(last);
    const cell = layered ? undefined : /^(?:(.*)_)?(i2h_weight|h2h_weight|i2h_bias|h2h_bias)$/.exec(last);
    if (!layered && !cell) return undefined;
    const prefix = [...parts.slice(0, -1), ...((layered ?? cell)![1] ? [(layered ?? cell)![1]] : [])].join('/');
    if (layered) return { group: `${prefix}#l${layered[3]}`, role: layered[4], direction: layered[2] === 'r' ? 1 : 0 };
    return { group: prefix, role: cell![2], direction: 0 };
  },

  analyseNamed(dirs) {
    const r = dirs[0]['h2h_weight'], w = dirs[0]['i2h_weight'];
    if (!r || !w || r.length !== 2 || w.length !== 2) return { reject: { template: MXNET_TEMPLATES.incomplete, args: [Object.keys(dirs[0]).join(', ')] } };
    const H = r[1], G = r[0] / H;
    const cell = G === 4 ? 'lstm' : G === 3 ? 'gru' : G === 1 ? 'simple_rnn' : undefined;
    if (!cell || w[0] !== r[0]) return { reject: { template: MXNET_TEMPLATES.shapes, args: [w.join('×'), r.join('×')] } };
    return { cell, units: H, inputSize: w[1], ...(cell === 'gru' ? { resetAfter: true } : {}), evidence: { template: MXNET_TEMPLATES.layer, args: [r[0], H, cell === 'lstm' ? 'rnn.LSTM' : cell === 'gru' ? 'rnn.GRU' : 'rnn.RNN', w[1]] } };
  },
  templates: MXNET_TEMPLATES,
};
