// MindSpore nn.LSTM / nn.GRU / nn.RNN: Parameters named weight_ih_l{k}{_reverse} (G·H, I), weight_hh_l{k} (G·H, H),
// bias_ih_l{k}, bias_hh_l{k} (nn/layer/rnns.py) — PyTorch's names, so the recogniser reads them as PyTorch unless the
// file shows MindSpore (`import mindspore`, `mindspore.nn`). The cells (nn/layer/rnn_cells.py) split LSTM gates
// ingate, forgetgate, cellgate, outgate (i, f, g, o) and GRU i_r, i_i, i_n with newgate = tanh(i_n + r * h_n), h_n
// including b_hh (reset after the matmul); hy = newgate + inputgate * (h − newgate). Documented, not run.

import { GateLensError } from '../model';
import { pytorchAdapter } from './pytorch';
import { activationAmong, firstActivations, refuseIfPresent } from './documented-common';
import type { CellSpec, ConventionAdapter, FromNativeOptions, Mutable } from './types';

const CELLS: CellSpec[] = pytorchAdapter.cells.map((c) => ({
  ...c, framework: 'MindSpore', tensors: c.tensors.filter((t) => t.role !== 'weight_hr'),
  notes: [...(c.notes ?? []), 'Same Parameter names as PyTorch (weight_ih_l0, …).'],
}));

export const mindsporeAdapter: ConventionAdapter<'mindspore'> = {
  id: 'mindspore',
  title: 'MindSpore',
  description: 'MindSpore nn.LSTM / GRU / RNN (documented, not run): the PyTorch names weight_ih_l0 (G·H, I), weight_hh_l0, two biases; gates i, f, g, o / r, z, n.',
  verification: 'documented',
  sources: [
    { fact: 'Parameters weight_ih_l{k}{_reverse}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, gate_size = G·hidden_size', url: 'https://github.com/mindspore-ai/mindspore/blob/master/mindspore/python/mindspore/nn/layer/rnns.py' },
    { fact: 'LSTM ingate, forgetgate, cellgate, outgate; GRU r, z (inputgate), n = tanh(i_n + r * h_n); nn.RNN tanh or relu', url: 'https://github.com/mindspore-ai/mindspore/blob/master/mindspore/python/mindspore/nn/layer/rnn_cells.py' },
  ],
  layerNames: { lstm: '`nn.LSTM`', gru: '`nn.GRU`', simple_rnn: '`nn.RNN`' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['input_size', 'hidden_size', 'num_layers', 'has_bias', 'batch_first', 'bidirectional', 'nonlinearity'],
  capabilities: {
    fixedActivations: { gate: 'sigmoid', candidate: 'tanh' },
    simpleRnnActivations: { names: ['tanh', 'relu'], why: 'MindSpore nn.RNN offers only tanh and relu' },
    refusesResetBefore: 'MindSpore GRUs apply the reset gate after the recurrent matmul',
  },

  fromNative(spec, tensors, opts) {
    refuseIfPresent(spec, tensors, /(^|[._])weight_hr(_l\d+)?(_reverse)?$/, 'a projection is not read by Gate Lens for MindSpore');
    return pytorchAdapter.fromNative(spec, tensors, opts);
  },
  toNative: (layer, spec, ctx) => pytorchAdapter.toNative(layer, spec, ctx),

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('input_size') !== undefined) opts.inputSize = num('input_size');
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    if (config['bidirectional'] === true) opts.bidirectional = true;
    const nl = str('nonlinearity');
    if (nl !== undefined) { if (nl !== 'tanh' && nl !== 'relu') unsupported('nonlinearity', nl, 'MindSpore nn.RNN accepts tanh or relu'); opts.activation = nl; }
    return opts;
  },

  configFromLayer(layer, plain) {
    if (layer.projSize) throw new GateLensError('not-representable', 'MindSpore projections are not written by Gate Lens.');
    const cfg: Record<string, unknown> = { input_size: layer.inputSize, hidden_size: layer.units, num_layers: 1, has_bias: layer.useBias !== false, batch_first: true, bidirectional: layer.directions.length === 2 };
    if (layer.cell === 'simple_rnn') cfg['nonlinearity'] = plain(firstActivations(layer).candidate);
    return cfg;
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: (input) => {
    input.notes.push('MindSpore stores these arrays under the PyTorch names, in the same layout.');
    return pytorchAdapter.numpyLayout({ ...input, spec: { ...input.spec, id: 'pytorch' } });
  },
  candidateTensors: (arrays) => pytorchAdapter.candidateTensors(arrays),
  packedAxisOf: (role, shape) => pytorchAdapter.packedAxisOf(role, shape),
  roleTitles: { weight_ih: 'input weights', weight_hh: 'recurrent weights', bias_ih: 'input bias', bias_hh: 'recurrent bias' },
  sameArraysAs: { convention: 'pytorch', signal: /^[ \t]*(?:import[ \t]+mindspore\b|from[ \t]+mindspore[\w.]*[ \t]+import\b)[^\n]*|\bmindspore\.nn\.(?:LSTM|GRU|RNN)\b/gm },
};
