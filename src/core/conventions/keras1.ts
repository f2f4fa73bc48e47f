// Keras 1.x (keras ≤ 1.2.2): one array per gate and role, named <layer>_W_i, <layer>_U_i, <layer>_b_i, …
//   LSTM stores i, c, f, o (trainable_weights [W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o]); GRU
//   z, r, h with the reset gate applied before the recurrent matmul (hh = activation(x_h + (r ⊙ h)·U_h));
//   SimpleRNN W, U, b. W (I, H) and U (H, H) act as x·W. Defaults: inner_activation hard_sigmoid (Keras 1/2:
//   clip(0.2x + 0.5, 0, 1)), activation tanh. tf_keras's legacy loader converts these arrays into Keras 2 kernels with
//   the comment "old: i, c, f, o / new: i, f, c, o".
// Documented, not run against Keras 1 (not installable here).

import { GateLensError, type DirectionWeights } from '../model';
import { gateCount, gruGate, lstmGate } from './gates';
import { kerasAdapter } from './keras';
import { KERAS_CONFIG_KEYS, kerasActivationIn, kerasConfigFromLayer, kerasOptionsFromConfig } from './keras-common';
import { canonicalToNative, checkTensor, checkUnits, fmtShape, positiveInt, sumBias, tensor, type Found } from './layout';
import { transpose } from '../codegen/numpy-arrays';
import type { CellKind, CellSpec, ConventionAdapter, ConventionSpec, Dims, FromNativeOptions, NativeTensors, TensorSpec } from './types';

const LETTERS: Record<CellKind, readonly string[]> = { lstm: ['i', 'c', 'f', 'o'], gru: ['z', 'r', 'h'], simple_rnn: [''] };
const role = (kind: 'W' | 'U' | 'b', letter: string): string => (letter ? `${kind}_${letter}` : kind);

function tensors(cell: CellKind): TensorSpec[] {
  return LETTERS[cell].flatMap((l) => [
    { role: role('W', l), shape: ['I', 'H'] }, { role: role('U', l), shape: ['H', 'H'] }, { role: role('b', l), shape: ['H'], optional: true },
  ] as TensorSpec[]);
}

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'Keras 1', gateOrder: [lstmGate('i'), lstmGate('c'), lstmGate('f'), lstmGate('o')], packedAxis: 'per_gate', bias: 'per_gate',
    stateOrder: ['h', 'c'], tensors: tensors('lstm'), defaultActivations: { gate: 'hard_sigmoid_keras2', candidate: 'tanh', output: 'tanh' },
    notes: ['Twelve arrays W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o; stored order i, c, f, o.'],
  },
  {
    cell: 'gru', framework: 'Keras 1', gateOrder: [gruGate('z'), gruGate('r'), gruGate('n', 'h')], packedAxis: 'per_gate', bias: 'per_gate',
    stateOrder: ['h'], defaultResetAfter: false, tensors: tensors('gru'), defaultActivations: { gate: 'hard_sigmoid_keras2', candidate: 'tanh' },
    notes: ['Reset gate before the recurrent matmul: hh = tanh(x·W_h + b_h + (r ⊙ h)·U_h).'],
  },
  {
    cell: 'simple_rnn', framework: 'Keras 1', gateOrder: [{ gate: 'h', label: 'h', name: 'hidden pre-activation' }], packedAxis: 'per_gate', bias: 'per_gate',
    stateOrder: ['h'], tensors: tensors('simple_rnn'), defaultActivations: { candidate: 'tanh' },
  },
];

/** `lstm_1_W_i`, `lstm_1/W_i:0`, `W_i` → `W_i`, by direction (`backward_…` for a Bidirectional's second half). */
function byRole(all: NativeTensors): Array<Map<string, Found>> {
  const dirs = [new Map<string, Found>(), new Map<string, Found>()];
  for (const [key, t] of Object.entries(all)) {
    const m = /(?:^|[_/.])([WUb](?:_[iczfroh])?)(?::\d+)?$/.exec(key);
    if (m) dirs[/(^|[/_])backward/.test(key) ? 1 : 0].set(m[1], { key, t });
  }
  return dirs[1].size ? dirs : [dirs[0]];
}

function need(spec: ConventionSpec, m: Map<string, Found>, r: string): Found {
  const f = m.get(r);
  if (f) return f;
  throw new GateLensError('missing-array', `Keras 1 ${spec.cell.toUpperCase()} needs ${r}; got ${[...m.keys()].join(', ') || 'no arrays'}.`);
}

const KERAS1_TEMPLATES = {
  incomplete: 'Keras 1 per-gate names, but not every gate has its W_ and U_ array ({0})',
  shapes: 'per-gate W_/U_/b_ arrays of gates {1} → Keras 1 {0}, {2} units, input size {3}',
} as const;

export const keras1Adapter: ConventionAdapter<'keras1'> = {
  id: 'keras1',
  title: 'Keras 1',
  description: 'Keras 1.x: one array per gate (W_i, U_i, b_i, W_c, …), LSTM stored i, c, f, o; default inner_activation hard_sigmoid.',
  verification: 'documented',
  sources: [
    { fact: 'W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o; inner_activation=hard_sigmoid; GRU (r ⊙ h)·U_h', url: 'https://github.com/keras-team/keras/blob/1.2.2/keras/layers/recurrent.py' },
    { fact: 'legacy loader: Keras 1 LSTM "old: i, c, f, o / new: i, f, c, o", GRU z, r, h', url: 'https://github.com/keras-team/tf-keras/blob/master/tf_keras/saving/legacy/hdf5_format.py' },
    { fact: 'hard_sigmoid = clip(0.2x + 0.5, 0, 1) in Keras 1/2', url: 'https://github.com/keras-team/keras/blob/1.2.2/keras/backend/tensorflow_backend.py' },
  ],
  layerNames: { lstm: '`LSTM`', gru: '`GRU`', simple_rnn: '`SimpleRNN`' },
  outputLayout: 'keras',
  cells: CELLS,
  configKeys: [...KERAS_CONFIG_KEYS, 'output_dim', 'inner_activation'],
  capabilities: {
    goBackwards: true, mergeModes: true,
    refusesResetAfter: 'Keras 1 GRUs apply the reset gate before the recurrent matmul ((r ⊙ h)·U_h)',
  },

  fromNative(spec, all, opts) {
    const dirs = byRole(all);
    const letters = LETTERS[spec.cell];
    const u0 = need(spec, dirs[0], role('U', letters[0])), w0 = need(spec, dirs[0], role('W', letters[0]));
    if (u0.t.shape.length !== 2 || w0.t.shape.length !== 2) throw new GateLensError('shape-mismatch', `Keras 1 weights are 2-D; got ${w0.key} ${fmtShape(w0.t.shape)}, ${u0.key} ${fmtShape(u0.t.shape)}.`);
    const H = checkUnits(opts, u0.t.shape[0], `${u0.key} rows`);
    const I = opts.inputSize ?? w0.t.shape[0];
    positiveInt(I, 'input size');
    const dims: Dims = { I, H, P: H, D: 1 };
    const G = gateCount(spec.cell);
    const perm = canonicalToNative(spec);
    let useBias = true;
    const directions: DirectionWeights[] = dirs.map((m) => {
      const W = new Float64Array(G * H * I), R = new Float64Array(G * H * H), bW = new Float64Array(G * H);
      perm.forEach((slot, k) => {
        const l = letters[slot];
        const w = need(spec, m, role('W', l)), u = need(spec, m, role('U', l));
        checkTensor(spec, role('W', l), w.key, w.t, dims);
        checkTensor(spec, role('U', l), u.key, u.t, dims);
        W.set(transpose(Float64Array.from(w.t.data), I, H), k * H * I);
        R.set(transpose(Float64Array.from(u.t.data), H, H), k * H * H);
        const b = m.get(role('b', l));
        if (b) { checkTensor(spec, role('b', l), b.key, b.t, dims); bW.set(Float64Array.from(b.t.data), k * H); } else useBias = false;
      });
      return { W, R, bW, bR: new Float64Array(G * H) };
    });
    return { directions, dims, resetAfter: spec.cell === 'gru' ? false : undefined, useBias };
  },

  toNative(layer, spec, { perm }) {
    const H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const prefix = D === 2 ? (d === 0 ? 'forward_' : 'backward_') : '';
      perm.forEach((slot, k) => {
        const l = LETTERS[spec.cell][slot];
        out[prefix + role('W', l)] = tensor([I, H], transpose(dw.W.slice(k * H * I, (k + 1) * H * I), H, I));
        out[prefix + role('U', l)] = tensor([H, H], transpose(dw.R.slice(k * H * H, (k + 1) * H * H), H, H));
        if (layer.useBias !== false) out[prefix + role('b', l)] = tensor([H], sumBias(dw.bW.slice(k * H, (k + 1) * H), dw.bR.slice(k * H, (k + 1) * H)));
      });
    });
    return out;
  },

  optionsFromConfig(read) {
    const { config, num, str } = read;
    const opts: FromNativeOptions = kerasOptionsFromConfig({ ...read, config: { ...config, activation: undefined, recurrent_activation: undefined } });
    const inner = str('inner_activation') ?? str('recurrent_activation');
    const act = str('activation');
    return {
      ...opts,
      ...(num('output_dim') !== undefined ? { units: num('output_dim') } : {}),
      // Keras 1 has only the 0.2x + 0.5 hard_sigmoid.
      ...(inner !== undefined ? { recurrentActivation: inner === 'hard_sigmoid' ? 'hard_sigmoid_keras2' : inner } : {}),
      ...(act !== undefined ? { activation: act === 'hard_sigmoid' ? 'hard_sigmoid_keras2' : act } : {}),
    };
  },
  configFromLayer(layer, plain) {
    const cfg = kerasConfigFromLayer(layer, plain, true);
    const { units, recurrent_activation: inner, reset_after: _reset, keras_version_semantics: _semantics, ...rest } = cfg;
    return { output_dim: units, ...rest, ...(inner !== undefined ? { inner_activation: inner } : {}) };
  },
  activationIn: kerasActivationIn,

  numpyLayout(input) {
    const keras = kerasAdapter.cells.find((c) => c.cell === input.layer.cell)!;
    input.notes.push('Stored as Keras 1 per-gate arrays; written here as the equivalent Keras 2 layer (kernel = [W_i | W_f | W_c | W_o], as tf_keras\'s legacy loader converts them).');
    return kerasAdapter.numpyLayout({ ...input, spec: { ...keras, id: 'keras' } });
  },

  candidateTensors(arrays) {
    const out: NativeTensors = {};
    arrays.forEach((t, d) => {
      for (const [r, a] of Object.entries(t)) if (a) out[`${d === 1 ? 'backward_' : ''}${r}`] = { shape: a.shape, data: a.values };
    });
    return out;
  },
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries(Object.values(LETTERS).flatMap((ls) => ls.flatMap((l) => [
    [role('W', l), l ? `input kernel of gate ${l}` : 'input kernel'],
    [role('U', l), l ? `recurrent kernel of gate ${l}` : 'recurrent kernel'],
    [role('b', l), l ? `bias of gate ${l}` : 'bias'],
  ]))),

  classifyName(parts) {
    const last = parts[parts.length - 1];
    const m = /^(?:(.*?)_)?([WUb])_([icfozrh])$/.exec(last);
    if (!m) return undefined;
    const group = [...parts.slice(0, -1).filter((p) => p !== 'model_weights'), ...(m[1] ? [m[1]] : [])].filter((p, k, a) => k === 0 || p !== a[k - 1]).join('/');
    return { group, role: `${m[2]}_${m[3]}`, direction: /(^|\/)backward/.test(group) ? 1 : 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const cell = (['lstm', 'gru'] as const).find((c) => LETTERS[c].every((l) => roles[role('U', l)] && roles[role('W', l)]));
    if (!cell) return { reject: { template: KERAS1_TEMPLATES.incomplete, args: [Object.keys(roles).join(', ')] } };
    const u = roles[role('U', LETTERS[cell][0])]!, w = roles[role('W', LETTERS[cell][0])]!;
    return { cell, units: u[0], inputSize: w[0], ...(cell === 'gru' ? { resetAfter: false } : {}), evidence: { template: KERAS1_TEMPLATES.shapes, args: [cell === 'lstm' ? 'LSTM' : 'GRU', LETTERS[cell].join(', '), u[0], w[0]] } };
  },
  templates: KERAS1_TEMPLATES,
};

