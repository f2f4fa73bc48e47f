// Apple MLX mlx.nn.LSTM / GRU / RNN (python/mlx/nn/layers/recurrent.py): LSTM Wx (4H, I), Wh (4H, H), bias (4H),
// split i, f, g, o; GRU Wx (3H, I), Wh (3H, H), b (3H), bhn (H): r, z from x·Wxᵀ + b + h·Whᵀ, n = tanh(x_n + b_n +
// r ⊙ (h·W_hnᵀ + bhn)); RNN Wxh (H, I), Whh (H, H), bias (H), nonlinearity tanh by default. One direction, batch
// first; LSTM returns (hidden, cell). Releases before 2024 stored Wx as (I, G·H) and used x @ Wx; Gate Lens reads the
// current layout and refuses the old one. The names (Wx, Wh, bias) are too common to tell MLX by, so a paste is read
// as MLX only when its code shows MLX (`import mlx.core as mx`, `mlx.nn.LSTM`, `mx.array(`): `lstm.parameters()`
// prints a dict {'Wx': array(...), ...}, `tree_flatten` a list of ('lstm.Wx', array(...)). Documented, not run.

import { GRU_RZN, GH, LSTM_IFGO, RNN_H, gateCount } from './gates';
import { get, incompatible, rowsFromCanonical, rowsToCanonical, zeros } from './layout';
import { activationAmong, checkShape, firstActivations, nativePerm, need, numpyAs, plus, tensorOf, unitsFrom } from './documented-common';
import { pytorchAdapter } from './pytorch';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const LAYER_NAMES: Record<CellKind, string> = { lstm: 'nn.LSTM', gru: 'nn.GRU', simple_rnn: 'nn.RNN' };

const NAMES: Record<CellKind, { W: string; R: string; b: string }> = {
  lstm: { W: 'Wx', R: 'Wh', b: 'bias' }, gru: { W: 'Wx', R: 'Wh', b: 'b' }, simple_rnn: { W: 'Wxh', R: 'Whh', b: 'bias' },
};

const PRIMARY = new Set(['Wx', 'Wh', 'Wxh', 'Whh', 'bhn']);
const ROLES: Record<CellKind, readonly string[]> = { lstm: ['Wx', 'Wh', 'bias'], gru: ['Wx', 'Wh', 'b', 'bhn'], simple_rnn: ['Wxh', 'Whh', 'bias'] };

const MLX_TEMPLATES = {
  incomplete: 'MLX parameter names, but not Wx and Wh (or Wxh and Whh) as matrices ({0})',
  oldLayout: 'Wx {0} and Wh {1} are stored (input, G·H), as MLX releases before 2024 did (x @ Wx); Gate Lens reads the current (G·H, input) layout, so transpose them first',
  shapes: 'MLX Wx {0} and Wh {1} do not stack 4·H (LSTM) or 3·H (GRU) rows over the same hidden size',
  foreignRole: 'an MLX {0} keeps {1}; {2} is not one of its parameters',
  layer: 'Wh {0} holds {1} gate blocks of {2} units → MLX {3}, input size {4}',
} as const;

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
    { fact: 'Module.parameters() returns the arrays as a dict keyed by attribute name (Wx, Wh, bias, …); tree_flatten lists them as ("lstm.Wx", array) pairs', url: 'https://ml-explore.github.io/mlx/build/html/python/nn/module.html' },
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

  nameSignal: /^[ \t]*(?:import[ \t]+mlx\b|from[ \t]+mlx[\w.]*[ \t]+import\b)[^\n]*|\bmlx\.(?:core|nn)\b|\bmx\.array\(/gm,

  classifyName(parts, signalShown) {
    const last = parts[parts.length - 1];
    if (!signalShown || !(PRIMARY.has(last) || last === 'bias' || last === 'b')) return undefined;
    // `bias` and `b` are every framework's names (an nn.Linear beside the LSTM has one): only beside Wx / Wh.
    return { group: parts.slice(0, -1).join('.'), role: last, direction: 0, ...(PRIMARY.has(last) ? {} : { companion: true }) };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const names = Object.keys(roles).filter((r) => roles[r]);
    const rnn = roles['Wxh'] !== undefined;
    const W = rnn ? roles['Wxh'] : roles['Wx'], R = rnn ? roles['Whh'] : roles['Wh'];
    if (!W || !R || W.length !== 2 || R.length !== 2) return { reject: { template: MLX_TEMPLATES.incomplete, args: [names.join(', ')] } };
    const H = R[1], rows = R[0];
    const cell: CellKind | undefined = rnn ? (rows === H ? 'simple_rnn' : undefined) : rows === 4 * H ? 'lstm' : rows === 3 * H ? 'gru' : undefined;
    if (!cell && !rnn && (R[1] === 4 * R[0] || R[1] === 3 * R[0]) && W[1] === R[1]) return { reject: { template: MLX_TEMPLATES.oldLayout, args: [`(${W.join(', ')})`, `(${R.join(', ')})`] } };
    if (!cell || W[0] !== rows) return { reject: { template: MLX_TEMPLATES.shapes, args: [`(${W.join(', ')})`, `(${R.join(', ')})`] } };
    const foreign = names.find((r) => !ROLES[cell].includes(r));
    if (foreign) return { reject: { template: MLX_TEMPLATES.foreignRole, args: [LAYER_NAMES[cell], ROLES[cell].join(', '), foreign] } };
    return {
      cell, units: H, inputSize: W[1], ...(cell === 'gru' ? { resetAfter: true } : {}),
      evidence: { template: MLX_TEMPLATES.layer, args: [`(${R.join(', ')})`, rows / H, H, LAYER_NAMES[cell], W[1]] },
    };
  },
  templates: MLX_TEMPLATES,
};
