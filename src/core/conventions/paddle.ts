// PaddlePaddle paddle.nn.LSTM / GRU / SimpleRNN: weight_ih_l{k} (G·H, I), weight_hh_l{k} (G·H, H), bias_ih_l{k},
// bias_hh_l{k}, suffix _reverse (python/paddle/nn/layer/rnn.py RNNBase) — the very names PyTorch uses, so the
// recogniser reads them as PyTorch unless the file shows Paddle (`import paddle`, `paddle.nn.LSTM`). LSTMCell splits
// the gates i, f, c, o (chunked_gates[0..3]); GRUCell x_r, x_z, x_c with c = tanh(x_c + r * h_c), h_c including
// bias_hh (reset after the matmul); SimpleRNN activation tanh (default) or relu. proj_size adds weight_ho (H, P)
// used as h @ weight_ho, which Gate Lens does not read for Paddle. Documented, not run against Paddle.

import { GateLensError } from '../model';
import { pytorchAdapter } from './pytorch';
import { activationAmong, firstActivations, refuseIfPresent } from './documented-common';
import type { CellSpec, ConventionAdapter, FromNativeOptions, Mutable } from './types';

const CELLS: CellSpec[] = pytorchAdapter.cells.map((c) => ({
  ...c, framework: 'PaddlePaddle', tensors: c.tensors.filter((t) => t.role !== 'weight_hr'),
  // Paddle's GRUCell docstring calls the candidate c (W_ic, W_hc).
  gateOrder: c.gateOrder.map((g) => (g.gate === 'n' ? { ...g, label: 'c' } : g)),
  notes: [...(c.notes ?? []), 'Same state_dict names as PyTorch (weight_ih_l0, …); proj_size (weight_ho) is not read.'],
}));

export const paddleAdapter: ConventionAdapter<'paddle'> = {
  id: 'paddle',
  title: 'PaddlePaddle',
  description: 'PaddlePaddle paddle.nn.LSTM / GRU / SimpleRNN (documented, not run): the PyTorch names weight_ih_l0 (G·H, I), weight_hh_l0, two biases; gates i, f, c, o / r, z, c.',
  verification: 'documented',
  sources: [
    { fact: 'RNNBase names weight_ih_l{k}{_reverse}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}; LSTMCell chunks i, f, c, o; GRUCell x_r, x_z, x_c with r * h_c (reset after the matmul); h = (h_prev − c)·z + c; LSTM states (h, c); proj_size weight_ho (H, P)', url: 'https://github.com/PaddlePaddle/Paddle/blob/develop/python/paddle/nn/layer/rnn.py' },
  ],
  layerNames: { lstm: '`paddle.nn.LSTM`', gru: '`paddle.nn.GRU`', simple_rnn: '`paddle.nn.SimpleRNN`' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['input_size', 'hidden_size', 'num_layers', 'direction', 'time_major', 'activation', 'proj_size'],
  capabilities: {
    fixedActivations: { gate: 'sigmoid', candidate: 'tanh' },
    simpleRnnActivations: { names: ['tanh', 'relu'], why: 'paddle.nn.SimpleRNN offers only tanh and relu' },
    refusesResetBefore: 'PaddlePaddle GRUs apply the reset gate after the recurrent matmul',
  },

  fromNative(spec, tensors, opts) {
    refuseIfPresent(spec, tensors, /(^|[._])weight_(ho|hr)(_l\d+)?(_reverse)?$/, 'a projection (proj_size) is not read by Gate Lens for PaddlePaddle');
    return pytorchAdapter.fromNative(spec, tensors, opts);
  },
  toNative: (layer, spec, ctx) => pytorchAdapter.toNative(layer, spec, ctx),

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('input_size') !== undefined) opts.inputSize = num('input_size');
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    const dir = str('direction');
    if (dir !== undefined) {
      if (!['forward', 'bidirect', 'bidirectional'].includes(dir)) unsupported('direction', dir, 'PaddlePaddle direction is forward, bidirect or bidirectional');
      opts.bidirectional = dir !== 'forward';
    }
    const act = str('activation');
    if (act !== undefined) { if (act !== 'tanh' && act !== 'relu') unsupported('activation', act, 'paddle.nn.SimpleRNN accepts tanh or relu'); opts.activation = act; }
    if ((num('proj_size') ?? 0) > 0) unsupported('proj_size', config['proj_size'], 'a projected PaddlePaddle LSTM (weight_ho) is not read by Gate Lens');
    return opts;
  },

  configFromLayer(layer, plain) {
    if (layer.projSize) throw new GateLensError('not-representable', 'PaddlePaddle projections are not written by Gate Lens.');
    const cfg: Record<string, unknown> = { input_size: layer.inputSize, hidden_size: layer.units, num_layers: 1, direction: layer.directions.length === 2 ? 'bidirect' : 'forward', time_major: false };
    if (layer.cell === 'simple_rnn') cfg['activation'] = plain(firstActivations(layer).candidate);
    return cfg;
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: (input) => {
    input.notes.push('PaddlePaddle stores these arrays under the PyTorch names, in the same layout.');
    return pytorchAdapter.numpyLayout({ ...input, spec: { ...input.spec, id: 'pytorch' } });
  },
  candidateTensors: (arrays) => pytorchAdapter.candidateTensors(arrays),
  packedAxisOf: (role, shape) => pytorchAdapter.packedAxisOf(role, shape),
  roleTitles: { weight_ih: 'input weights', weight_hh: 'recurrent weights', bias_ih: 'input bias', bias_hh: 'recurrent bias' },
  sameArraysAs: { convention: 'pytorch', signal: /^[ \t]*(?:import[ \t]+paddle\b|from[ \t]+paddle[\w.]*[ \t]+import\b)[^\n]*|\bpaddle\.nn\.(?:LSTM|GRU|SimpleRNN)\b/gm },
};
