// Apple MLX mlx.nn.LSTM / GRU / RNN (python/mlx/nn/layers/recurrent.py): LSTM Wx (4H, I), Wh (4H, H), bias (4H),
// split i, f, g, o; GRU Wx (3H, I), Wh (3H, H), b (3H), bhn (H): r, z from x·Wxᵀ + b + h·Whᵀ, n = tanh(x_n + b_n +
// r ⊙ (h·W_hnᵀ + bhn)); RNN Wxh (H, I), Whh (H, H), bias (H), nonlinearity tanh by default. One direction, batch
// first; LSTM returns (hidden, cell). Releases before 2024 stored Wx as (I, G·H) and used x @ Wx; Gate Lens reads the
// current layout. The names (Wx, Wh, bias) are too common to recognise MLX by in a paste; the core converts and runs it. Documented, not run.

import { GRU_RZN, GH, LSTM_IFGO, RNN_H, gateCount } from './gates';
import { get, incompatible, rowsFromCanonical, rowsToCanonical, zeros } from './layout';
import { activationAmong, checkShape, firstActivations, nativePerm, need, numpyAs, plus, tensorOf, unitsFrom } from './documented-common';
import { pytorchAdapter } from './pytorch';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const NAMES: Record<CellKind, { W: string; R: string; b: string }> = {
  lstm: { W: 'Wx', R: 'Wh', b: 'bias' }, gru: { W: 'Wx', R: 'Wh', b: 'b' }, simple_rnn: { W: 'Wxh', R: 'Whh', b: 'bias' },
};

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'MLX', gateOrder: LSTM_IFGO, packedAxis: 'rows', bias: 'single', stateOrder: ['h', 'c'],
    tensors: [{ role: 'Wx', shape: [GH(4), 'I'] }, { role: 'Wh', shape: [GH(4), 'H'] }, { role: 'bias', shape: [GH(4)], optional: true }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
  },
  {
    cell: 'gru', framework: 'MLX', gateOrder: GRU_RZN, packedAxis: 'rows', bias: 'single_plus_rn', stateOrder: ['h'], defaultResetAfter: true,
    tensors: [{ role: 'Wx', shape: [GH(3), 'I'] }, { role: 'Wh', shape: [GH(3), 'H'] }, { role: 'b', shape: [GH(3)], optional: true }, { role: 'bhn', shape: ['H'], optional: true }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' }, notes: ['b is added with x·Wxᵀ; bhn inside r ⊙ (h·W_hnᵀ + bhn).'],
  },
  {
    cell: 'simple_rnn', framework: 'MLX', gateOrder: RNN_H, packedAxis: 'rows', bias: 'single', stateOrder: ['h'],
    tensors: [{ role: 'Wxh', shape: ['H', 'I'] }, { role: 'Whh', shape: ['H', 'H'] }, { role: 'bias', shape: ['H'], optional: true }],
    defaultActivations: { candidate: 'tanh' },
  },
];

export const mlxAdapter: ConventionAdapter<'mlx'> = {
  id: 'mlx',
  title: 'Apple MLX',
  description: 'Apple MLX mlx.nn.LSTM / GRU / RNN (documented, not run): Wx (G·H, I), Wh (G·H, H), one bias (+ bhn for GRU); gates i, f, g, o / r, z, n.',
  verification: 'documented',
  sources: [
    { fact: 'LSTM Wx (4H, I), Wh (4H, H), bias (4H), split i, f, g, o; GRU Wx, Wh (3H, ·), b (3H), bhn (H) inside r ⊙ (·); RNN Wxh, Whh, bias; x @ Wx.T; LSTM returns (hidden, cell)', url: 'https://github.com/ml-explore/mlx/blob/main/python/mlx/nn/layers/recurrent.py' },
  ],
  layerNames: { lstm: '`nn.LSTM`', gru: '`nn.GRU`', simple_rnn: '`nn.RNN`' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['input_size', 'hidden_size', 'bias', 'nonlinearity'],
  capabilities: { fixedActivations: { gate: 'sigmoid', candidate: 'tanh' }, refusesResetBefore: 'MLX GRUs apply the reset gate after the recurrent matmul' },

  fromNative(spec, tensors, opts) {
    const n = NAMES[spec.cell], G = gateCount(spec.cell);
    const Wf = need(spec, tensors, [n.W], 'input weights'), Rf = need(spec, tensors, [n.R], 'recurrent weights');
    const H = unitsFrom(spec, Rf, opts.units ?? (Rf.t.shape.length === 2 ? Rf.t.shape[1] : NaN), 'units');
    const I = unitsFrom(spec, Wf, opts.inputSize ?? (Wf.t.shape.length === 2 ? Wf.t.shape[1] : NaN), 'input size');
    checkShape(spec, Wf, [G * H, I], 'input weights');
    checkShape(spec, Rf, [G * H, H], 'recurrent weights');
    const perm = nativePerm(spec);
    const b = get(tensors, [n.b]), bhn = spec.cell === 'gru' ? get(tensors, ['bhn']) : undefined;
    if (b) checkShape(spec, b, [G * H], 'bias');
    if (bhn) checkShape(spec, bhn, [H], 'candidate recurrent bias');
    if (spec.cell === 'gru' && !!b !== !!bhn) incompatible({ cell: 'gru' }, spec, `MLX GRUs store b and bhn together (bias=True) or neither; only ${b ? n.b : 'bhn'} is present`);
    const bR = zeros(G * H);
    if (bhn) bR.set(bhn.t.data, 2 * H);
    return {
      directions: [{ W: rowsToCanonical(Wf.t.data, 0, perm, H, I), R: rowsToCanonical(Rf.t.data, 0, perm, H, H), bW: b ? rowsToCanonical(b.t.data, 0, perm, H, 1) : zeros(G * H), bR }],
      dims: { I, H, P: H, D: 1 }, resetAfter: spec.cell === 'gru' ? true : undefined, useBias: b !== undefined,
    };
  },

  toNative(layer, spec, { perm, withBias }) {
    if (layer.directions.length !== 1) incompatible(layer, spec, 'MLX recurrent layers run one direction');
    const n = NAMES[layer.cell], G = gateCount(layer.cell), H = layer.units, I = layer.inputSize;
    const dw = layer.directions[0];
    const W = new Float64Array(G * H * I), R = new Float64Array(G * H * H);
    rowsFromCanonical(dw.W, perm, H, I, W, 0);
    rowsFromCanonical(dw.R, perm, H, H, R, 0);
    const out: NativeTensors = { [n.W]: tensorOf([G * H, I], W), [n.R]: tensorOf([G * H, H], R) };
    if (withBias) {
      // The candidate's recurrent bias stays apart in bhn (inside r ⊙ (·)); every other recurrent bias folds into b.
      const outside = Float64Array.from(dw.bR);
      if (layer.cell === 'gru') outside.fill(0, 2 * H);
      const b = new Float64Array(G * H);
      rowsFromCanonical(plus(dw.bW, outside), perm, H, 1, b, 0);
      out[n.b] = tensorOf([G * H], b);
      if (layer.cell === 'gru') out['bhn'] = tensorOf([H], dw.bR.slice(2 * H, 3 * H));
    }
    return out;
  },

  optionsFromConfig({ num, str, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('input_size') !== undefined) opts.inputSize = num('input_size');
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    const nl = str('nonlinearity');
    if (nl !== undefined) { if (!['tanh', 'relu', 'sigmoid'].includes(nl)) unsupported('nonlinearity', nl, 'Gate Lens reads an MLX RNN nonlinearity of tanh, relu or sigmoid'); opts.activation = nl; }
    return opts;
  },

  configFromLayer(layer, plain) {
    const cfg: Record<string, unknown> = { input_size: layer.inputSize, hidden_size: layer.units, bias: layer.useBias !== false };
    if (layer.cell === 'simple_rnn') cfg['nonlinearity'] = plain(firstActivations(layer).candidate);
    return cfg;
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: numpyAs(pytorchAdapter, (cell) => ({ ...pytorchAdapter.cells.find((c) => c.cell === cell)!, id: 'pytorch' }),
    'Stored as MLX parameters (Wx, Wh, bias / b, bhn); written here as the equivalent PyTorch layer (weight_ih = Wx, weight_hh = Wh).'),
  candidateTensors(arrays) {
    const out: NativeTensors = {};
    for (const [r, a] of Object.entries(arrays[0] ?? {})) if (a) out[r] = { shape: a.shape, data: a.values };
    return out;
  },
  packedAxisOf: (role) => (role === 'bhn' ? undefined : 0),
  roleTitles: { Wx: 'input weights Wx', Wh: 'recurrent weights Wh', bias: 'bias', b: 'bias b', bhn: 'candidate recurrent bias bhn', Wxh: 'input weights Wxh', Whh: 'recurrent weights Whh' },
};
