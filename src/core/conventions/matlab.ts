// MATLAB Deep Learning Toolbox lstmLayer / bilstmLayer / gruLayer: learnables InputWeights (G·H × InputSize),
// RecurrentWeights (G·H × H), Bias (G·H × 1), gate blocks stacked vertically: LSTM i, f, g, o; GRU r, z, h̃;
// bilstmLayer stacks the forward gates on top of the backward ones (8·H rows). gruLayer ResetGateMode:
// "after-multiplication" (default: h̃ = tanh(W_h x + b_h + r ⊙ (R_h h))), "before-multiplication"
// (h̃ = tanh(W_h x + b_h + R_h (r ⊙ h))) and "recurrent-bias-after-multiplication" (Bias 6·H × 1 = [input; recurrent],
// h̃ = tanh(W_h x + b_Wh + r ⊙ (R_h h + b_Rh))). StateActivationFunction tanh | softsign, GateActivationFunction
// sigmoid | hard-sigmoid. Documented, not run against MATLAB (not installable here).

import { GateLensError, type DirectionWeights } from '../model';
import { onnxAdapter } from './onnx';
import { GRU_RZN, GH, LSTM_IFGO, gateCount } from './gates';
import { fmtShape, incompatible, positiveInt, rowsFromCanonical, rowsToCanonical, zeros } from './layout';
import { activationAmong, checkShape, firstActivations, nativePerm, need, numpyAs, plus, prefixedCandidates, tensorOf } from './documented-common';
import type { CellSpec, ConventionAdapter, ConventionSpec, FromNativeOptions, Mutable, NativeTensors } from './types';

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'MATLAB', gateOrder: LSTM_IFGO, packedAxis: 'rows', bias: 'single', stateOrder: ['h', 'c'],
    tensors: [{ role: 'InputWeights', shape: [GH(4), 'I'] }, { role: 'RecurrentWeights', shape: [GH(4), 'H'] }, { role: 'Bias', shape: [GH(4), 1] }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: ['bilstmLayer: 8·H rows, forward i, f, g, o then backward i, f, g, o.'],
  },
  {
    cell: 'gru', framework: 'MATLAB', gateOrder: GRU_RZN.map((g) => (g.gate === 'n' ? { ...g, label: 'h' } : g)), packedAxis: 'rows', bias: 'matlab_gru', stateOrder: ['h'], defaultResetAfter: true,
    tensors: [{ role: 'InputWeights', shape: [GH(3), 'I'] }, { role: 'RecurrentWeights', shape: [GH(3), 'H'] }, { role: 'Bias', shape: [GH(3), 1] }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    notes: ['ResetGateMode "after-multiplication" (default) keeps b_h outside r ⊙ (R_h h); "before-multiplication" is reset-before; "recurrent-bias-after-multiplication" has Bias (6·H, 1) = [input; recurrent].'],
  },
];

const MODES = ['after-multiplication', 'before-multiplication', 'recurrent-bias-after-multiplication'] as const;
type ResetGateMode = (typeof MODES)[number];
const MATLAB_ACTIVATIONS: Record<string, string> = { tanh: 'tanh', softsign: 'softsign', sigmoid: 'sigmoid', 'hard-sigmoid': 'hard_sigmoid_keras2' };
const activationIn = activationAmong(['sigmoid', 'tanh', 'softsign', 'hard_sigmoid_keras2']);

const MATLAB_TEMPLATES = {
  incomplete: 'MATLAB learnable names, but InputWeights and RecurrentWeights are not both matrices ({0})',
  shapes: 'MATLAB InputWeights {0} and RecurrentWeights {1} do not stack 4·H (LSTM), 8·H (BiLSTM) or 3·H (GRU) rows',
  layer: 'RecurrentWeights has {0} rows for {1} hidden units → MATLAB {2}, input size {3}',
} as const;

/** The Bias column as a vector: MATLAB stores (rows, 1); a flattened (rows,) is accepted too. A GRU may hold 2·rows. */
function biasVector(spec: ConventionSpec, tensors: NativeTensors, rows: number): Float64Array | undefined {
  const b = tensors['Bias'];
  if (!b) return undefined;
  const n = b.shape[0];
  const column = (b.shape.length === 2 && b.shape[1] === 1) || b.shape.length === 1;
  if (!column || (n !== rows && !(spec.cell === 'gru' && n === 2 * rows))) {
    throw new GateLensError('shape-mismatch', `Bias has shape ${fmtShape(b.shape)}; ${spec.framework} ${spec.cell.toUpperCase()} needs (${rows}, 1)${spec.cell === 'gru' ? ` or (${2 * rows}, 1) with ResetGateMode "recurrent-bias-after-multiplication"` : ''}.`);
  }
  checkShape(spec, { key: 'Bias', t: b }, b.shape, 'bias');
  return Float64Array.from(b.data);
}

export const matlabAdapter: ConventionAdapter<'matlab'> = {
  id: 'matlab',
  title: 'MATLAB',
  description: 'MATLAB Deep Learning Toolbox lstmLayer / bilstmLayer / gruLayer (documented, not run): InputWeights (G·H, I), RecurrentWeights, Bias (G·H, 1); gates i, f, g, o / r, z, h.',
  verification: 'documented',
  sources: [
    { fact: 'lstmLayer InputWeights 4·H × InputSize = [W_i; W_f; W_g; W_o], RecurrentWeights, Bias 4·H × 1; StateActivationFunction, GateActivationFunction; states HiddenState, CellState', url: 'https://www.mathworks.com/help/deeplearning/ref/nnet.cnn.layer.lstmlayer.html' },
    { fact: 'gruLayer InputWeights 3·H × InputSize = [W_r; W_z; W_h]; ResetGateMode after-multiplication (default) / before-multiplication / recurrent-bias-after-multiplication (Bias 6·H × 1)', url: 'https://www.mathworks.com/help/deeplearning/ref/nnet.cnn.layer.grulayer.html' },
    { fact: 'bilstmLayer InputWeights 8·H × InputSize: forward gates i, f, g, o, then backward', url: 'https://www.mathworks.com/help/deeplearning/ref/nnet.cnn.layer.bilstmlayer.html' },
    { fact: 'MATLAB Answers: the learnables concatenate W = [Wi Wf Wg Wo] gate by gate over all hidden units', url: 'https://www.mathworks.com/matlabcentral/answers/2005887-what-is-the-order-of-weights-in-a-lstm-layer-with-multiple-lstm-neurons' },
  ],
  layerNames: { lstm: '`lstmLayer` / `bilstmLayer`', gru: '`gruLayer`' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['NumHiddenUnits', 'InputSize', 'OutputMode', 'StateActivationFunction', 'GateActivationFunction', 'ResetGateMode', 'bidirectional'],
  capabilities: {},

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const Wf = need(spec, tensors, ['InputWeights'], 'input weights');
    const Rf = need(spec, tensors, ['RecurrentWeights'], 'recurrent weights');
    if (Rf.t.shape.length !== 2 || Wf.t.shape.length !== 2) throw new GateLensError('shape-mismatch', `MATLAB weights are matrices; got InputWeights ${fmtShape(Wf.t.shape)}, RecurrentWeights ${fmtShape(Rf.t.shape)}.`);
    const H = positiveInt(opts.units ?? Rf.t.shape[1], 'units (RecurrentWeights columns)');
    const D = Rf.t.shape[0] === 2 * G * H && spec.cell === 'lstm' ? 2 : 1;
    const I = positiveInt(opts.inputSize ?? Wf.t.shape[1], 'input size (InputWeights columns)');
    checkShape(spec, Rf, [D * G * H, H], 'recurrent weights');
    checkShape(spec, Wf, [D * G * H, I], 'input weights');
    const bias = biasVector(spec, tensors, D * G * H);
    const mode: ResetGateMode = spec.cell === 'gru' && bias && bias.length === 2 * G * H ? 'recurrent-bias-after-multiplication' : opts.resetAfter === false ? 'before-multiplication' : 'after-multiplication';
    if (spec.cell === 'gru' && mode === 'recurrent-bias-after-multiplication' && opts.resetAfter === false) {
      throw new GateLensError('shape-mismatch', 'Bias has 6·H rows, which only ResetGateMode "recurrent-bias-after-multiplication" stores, but the layer says "before-multiplication".');
    }
    const perm = nativePerm(spec);
    const directions: DirectionWeights[] = Array.from({ length: D }, (_, d) => ({
      W: rowsToCanonical(Wf.t.data, d * G * H * I, perm, H, I),
      R: rowsToCanonical(Rf.t.data, d * G * H * H, perm, H, H),
      bW: bias ? rowsToCanonical(bias, d * G * H, perm, H, 1) : zeros(G * H),
      bR: bias && mode === 'recurrent-bias-after-multiplication' ? rowsToCanonical(bias, G * H, perm, H, 1) : zeros(G * H),
    }));
    return { directions, dims: { I, H, P: H, D }, resetAfter: spec.cell === 'gru' ? mode !== 'before-multiplication' : undefined, useBias: bias !== undefined };
  },

  toNative(layer, spec, { perm, withBias }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, D = layer.directions.length;
    if (D === 2 && layer.cell !== 'lstm') incompatible(layer, spec, 'MATLAB has a bidirectional layer only for LSTM (bilstmLayer)');
    const W = new Float64Array(D * G * H * I), R = new Float64Array(D * G * H * H);
    const recurrentBias = layer.cell === 'gru' && layer.resetAfter !== false;
    const B = new Float64Array((recurrentBias ? 2 : D) * G * H);
    layer.directions.forEach((dw, d) => {
      rowsFromCanonical(dw.W, perm, H, I, W, d * G * H * I);
      rowsFromCanonical(dw.R, perm, H, H, R, d * G * H * H);
      // A reset-after GRU keeps its recurrent biases apart ("recurrent-bias-after-multiplication"); elsewhere
      // they fold into the one bias, exactly (they sit outside the reset gate).
      if (recurrentBias) { rowsFromCanonical(dw.bW, perm, H, 1, B, 0); rowsFromCanonical(dw.bR, perm, H, 1, B, G * H); } else rowsFromCanonical(plus(dw.bW, dw.bR), perm, H, 1, B, d * G * H);
    });
    const out: NativeTensors = { InputWeights: tensorOf([D * G * H, I], W), RecurrentWeights: tensorOf([D * G * H, H], R) };
    if (withBias) out['Bias'] = tensorOf([B.length, 1], B);
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('NumHiddenUnits') !== undefined) opts.units = num('NumHiddenUnits');
    if (num('InputSize') !== undefined) opts.inputSize = num('InputSize');
    if (config['bidirectional'] === true) opts.bidirectional = true;
    const mode = str('OutputMode');
    if (mode !== undefined) {
      if (mode !== 'sequence' && mode !== 'last') unsupported('OutputMode', mode, 'MATLAB OutputMode is "sequence" or "last"');
      opts.returnSequences = mode === 'sequence';
    }
    const state = str('StateActivationFunction'), gate = str('GateActivationFunction');
    if (state !== undefined) { if (state !== 'tanh' && state !== 'softsign') unsupported('StateActivationFunction', state, 'MATLAB offers tanh and softsign'); opts.activation = MATLAB_ACTIVATIONS[state]; }
    if (gate !== undefined) { if (gate !== 'sigmoid' && gate !== 'hard-sigmoid') unsupported('GateActivationFunction', gate, 'MATLAB offers sigmoid and hard-sigmoid'); opts.recurrentActivation = MATLAB_ACTIVATIONS[gate]; }
    const reset = str('ResetGateMode');
    if (reset !== undefined) {
      if (!(MODES as readonly string[]).includes(reset)) unsupported('ResetGateMode', reset, `MATLAB ResetGateMode is one of ${MODES.join(', ')}`);
      opts.resetAfter = reset !== 'before-multiplication';
    }
    return opts;
  },

  configFromLayer(layer, plain) {
    const a = firstActivations(layer);
    const name = (x: string) => Object.entries(MATLAB_ACTIVATIONS).find(([, v]) => v === x)?.[0] ?? x;
    const cfg: Record<string, unknown> = {
      NumHiddenUnits: layer.units, InputSize: layer.inputSize, OutputMode: layer.returnSequences === false ? 'last' : 'sequence',
      StateActivationFunction: name(plain(a.candidate)), GateActivationFunction: name(plain(a.gate)),
    };
    if (layer.directions.length === 2) cfg['bidirectional'] = true;
    if (layer.cell === 'gru') cfg['ResetGateMode'] = layer.resetAfter === false ? 'before-multiplication' : 'recurrent-bias-after-multiplication';
    return cfg;
  },

  activationIn,
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Stored as MATLAB learnables (InputWeights, RecurrentWeights, Bias); written here as the equivalent ONNX layer (W, R, B = [Wb, Rb]), whose step Gate Lens checks against ONNX Runtime.'),
  candidateTensors: prefixedCandidates('backward_'),
  packedAxisOf: (role) => (role === 'InputWeights' || role === 'RecurrentWeights' || role === 'Bias' ? 0 : undefined),
  roleTitles: { InputWeights: 'input weights InputWeights', RecurrentWeights: 'recurrent weights RecurrentWeights', Bias: 'bias Bias' },

  classifyName(parts) {
    const last = parts[parts.length - 1];
    if (last !== 'InputWeights' && last !== 'RecurrentWeights' && last !== 'Bias') return undefined;
    const group = parts.slice(0, -1).filter((p) => p !== 'Learnables' && p !== 'Value' && p !== 'Layers').join('/');
    return { group, role: last, direction: 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const w = roles['InputWeights'], r = roles['RecurrentWeights'];
    if (!w || !r || w.length !== 2 || r.length !== 2) return { reject: { template: MATLAB_TEMPLATES.incomplete, args: [Object.keys(roles).join(', ')] } };
    const H = r[1], rows = r[0];
    const cell = rows === 4 * H || rows === 8 * H ? 'lstm' : rows === 3 * H ? 'gru' : undefined;
    if (!cell || w[0] !== rows) return { reject: { template: MATLAB_TEMPLATES.shapes, args: [`${w.join('×')}`, `${r.join('×')}`] } };
    return { cell, units: H, inputSize: w[1], ...(cell === 'gru' ? { resetAfter: true } : {}), evidence: { template: MATLAB_TEMPLATES.layer, args: [rows, H, cell === 'lstm' ? (rows === 8 * H ? 'bilstmLayer' : 'lstmLayer') : 'gruLayer', w[1]] } };
  },
  templates: MATLAB_TEMPLATES,
};

