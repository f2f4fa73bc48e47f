// cuDNN's raw RNN weight space (cudnnGetRNNWeightParams / cudnnGetRNNLinLayerMatrixParams): per pseudo-layer
// (layer × direction) one matrix and one bias per linLayerID. CUDNN_LSTM: IDs 0–3 act on the layer input (input
// gate, forget gate, new memory, output gate), 4–7 on the recurrent input in the same order; CUDNN_GRU: 0–2 input
// (reset, update, new memory), 3–5 recurrent; CUDNN_RNN_RELU / _TANH: 0 input, 1 recurrent. Default bias mode
// CUDNN_RNN_DOUBLE_BIAS adds both; the GRU keeps the new memory gate's recurrent bias inside r ◦ (R_h h + b_Rh).
// Matrices are taken as PyTorch's cuDNN path views them: (H, input) row-major used as W·x. The weight space itself has
// no names; a paste is read as cuDNN when its code shows cuDNN (cudnnGetRNNWeightParams, CUDNN_LSTM, …) and its arrays
// are named by linLayerID (linLayer0_matrix, lin_layer_id_4_mat, linLayerID3_bias; `reverse_` for the second
// direction), flat (as cudnnGetRNNWeightParams' pointers print) or (H, input). CUDNN_RNN_TANH / _RELU layers are not
// read from a paste: their activation is the cell mode, which the arrays do not carry. Documented, not run against
// cuDNN (GPU only).

import { onnxAdapter } from './onnx';
import { GRU_RZN, LSTM_IFCO, RNN_H } from './gates';
import { activationAmong, firstActivations, numpyAs, perGateDims, prefixedCandidates, readPerGate, writePerGate, type PerGateRoles } from './documented-common';
import type { CandidateArrays, CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const LIN_LAYER = /^(reverse_)?lin_?layer(?:_?id)?_?(\d)_?(matrix|mat|weights?|w|bias|b)$/i;
const CELL_OF_IDS: Record<number, CellKind> = { 8: 'lstm', 6: 'gru', 2: 'simple_rnn' };

const CUDNN_TEMPLATES = {
  incomplete: 'cuDNN linLayerID arrays, but not one matrix per linLayerID 0…{0} ({1})',
  singleGate: 'linLayerID 0 and 1 only: a CUDNN_RNN_TANH or CUDNN_RNN_RELU layer, whose activation is the cell mode; Gate Lens does not read it from a paste',
  shapes: 'linLayerID 0 {0} and linLayerID {1} {2} do not share H (matrices (H, input) or flat, biases (H))',
  layer: 'linLayerID 0…{0} matrices of {1} units → cuDNN {2}, input size {3}',
} as const;

/** cuDNN's matrices as its pointers print them (flat) brought back to (H, input) once a bias or a recurrent matrix gives H. */
function unflatten(out: NativeTensors, G: number): NativeTensors {
  let H: number | undefined;
  for (const [k, t] of Object.entries(out)) {
    const m = /linLayer(\d)_(matrix|bias)$/.exec(k);
    const h = !m ? NaN : m[2] === 'bias' ? t.data.length : Number(m[1]) >= G ? (t.shape.length === 2 ? t.shape[0] : Math.sqrt(t.data.length)) : NaN;
    if (Number.isInteger(h) && h > 0) { H = h; break; }
  }
  if (H === undefined) return out;
  for (const [k, t] of Object.entries(out)) if (k.endsWith('_matrix') && t.shape.length === 1 && t.data.length % H === 0) out[k] = { shape: [H, t.data.length / H], data: t.data };
  return out;
}

const G: Record<CellKind, number> = { lstm: 4, gru: 3, simple_rnn: 1 };
const roles = (cell: CellKind): PerGateRoles => {
  const n = G[cell], ids = (from: number) => Array.from({ length: n }, (_, k) => from + k);
  return {
    W: ids(0).map((k) => `linLayer${k}_matrix`), R: ids(n).map((k) => `linLayer${k}_matrix`),
    bW: ids(0).map((k) => `linLayer${k}_bias`), bR: ids(n).map((k) => `linLayer${k}_bias`),
  };
};

const cellSpec = (cell: CellKind, gateOrder: CellSpec['gateOrder'], rest: Partial<CellSpec>): CellSpec => ({
  cell, framework: 'cuDNN', gateOrder, packedAxis: 'per_gate', bias: 'per_gate_w_r', stateOrder: cell === 'lstm' ? ['h', 'c'] : ['h'],
  tensors: [
    ...roles(cell).W.map((role) => ({ role, shape: ['H', 'I'] as const })), ...roles(cell).R.map((role) => ({ role, shape: ['H', 'H'] as const })),
    ...roles(cell).bW!.map((role) => ({ role, shape: ['H'] as const, optional: true })), ...roles(cell).bR!.map((role) => ({ role, shape: ['H'] as const, optional: true })),
  ],
  defaultActivations: { candidate: 'tanh' }, ...rest,
});

const CELLS: CellSpec[] = [
  cellSpec('lstm', LSTM_IFCO, { defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' }, notes: ['linLayerID 0–3 input i, f, c′, o; 4–7 recurrent. Pseudo-layer 2l + 1 is the reverse direction.'] }),
  cellSpec('gru', GRU_RZN, { defaultResetAfter: true, defaultActivations: { gate: 'sigmoid', candidate: 'tanh' }, notes: ['linLayerID 0–2 input r, z (update), h′; 3–5 recurrent; h′ = tanh(W_h x + r ◦ (R_h h + b_Rh) + b_Wh).'] }),
  cellSpec('simple_rnn', RNN_H, { notes: ['CUDNN_RNN_TANH or CUDNN_RNN_RELU; linLayerID 0 input, 1 recurrent.'] }),
];

export const cudnnAdapter: ConventionAdapter<'cudnn'> = {
  id: 'cudnn',
  title: 'cuDNN (raw)',
  description: 'cuDNN raw RNN weight space (documented, not run): one matrix and bias per linLayerID (LSTM 0–3 input i, f, c′, o, 4–7 recurrent; GRU 0–2 r, z, h′, 3–5), double bias.',
  verification: 'documented',
  sources: [
    { fact: 'cudnnRNNMode_t equations: LSTM i, f, o, c′ with bW + bR; GRU i (update), r, h′ = tanh(W_h x + r ◦ (R_h h + bR_h) + bW_h), h = (1 − i) ◦ h′ + i ◦ h; bias modes', url: 'https://docs.nvidia.com/deeplearning/cudnn/latest/api/cudnn-adv-library.html#cudnnrnnmode-t' },
    { fact: 'cudnnGetRNNWeightParams linLayerID: LSTM 0, 4 input gate; 1, 5 forget; 2, 6 new memory; 3, 7 output; GRU 0, 3 reset; 1, 4 update; 2, 5 new memory', url: 'https://docs.nvidia.com/deeplearning/cudnn/latest/api/cudnn-adv-library.html#cudnngetrnnweightparams' },
    { fact: 'PyTorch views each cuDNN matrix as an (H, input) row-major slice of its weight_ih / weight_hh', url: 'https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cudnn/RNN.cpp' },
  ],
  layerNames: { lstm: '`CUDNN_LSTM`', gru: '`CUDNN_GRU`', simple_rnn: '`CUDNN_RNN_TANH` / `CUDNN_RNN_RELU`' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['cellMode', 'dirMode', 'biasMode', 'hiddenSize', 'inputSize'],
  capabilities: {
    fixedActivations: { gate: 'sigmoid', candidate: 'tanh' },
    simpleRnnActivations: { names: ['tanh', 'relu'], why: 'cuDNN offers CUDNN_RNN_TANH and CUDNN_RNN_RELU' },
    refusesResetBefore: 'cuDNN GRUs apply the reset gate after the recurrent matmul',
  },

  fromNative(spec, tensors, opts) {
    const r = roles(spec.cell);
    const bidir = opts.bidirectional ?? tensors[`reverse_${r.W[0]}`] !== undefined;
    const dims = perGateDims(spec, tensors, r, '', opts);
    const dirs = (bidir ? ['', 'reverse_'] : ['']).map((p) => readPerGate(spec, tensors, r, p, dims));
    return { directions: dirs.map((d) => d.dw), dims: { ...dims, P: dims.H, D: 1 }, resetAfter: spec.cell === 'gru' ? true : undefined, useBias: dirs.every((d) => d.useBias) };
  },

  toNative(layer, spec, { withBias }) {
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => writePerGate(spec, layer, dw, roles(layer.cell), d === 1 ? 'reverse_' : '', withBias, out));
    return out;
  },

  optionsFromConfig({ num, str, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('hiddenSize') !== undefined) opts.units = num('hiddenSize');
    if (num('inputSize') !== undefined) opts.inputSize = num('inputSize');
    const mode = str('cellMode');
    if (mode !== undefined) {
      if (!['CUDNN_LSTM', 'CUDNN_GRU', 'CUDNN_RNN_TANH', 'CUDNN_RNN_RELU'].includes(mode)) unsupported('cellMode', mode, 'cuDNN cell modes are CUDNN_RNN_RELU, CUDNN_RNN_TANH, CUDNN_LSTM, CUDNN_GRU');
      if (mode === 'CUDNN_RNN_RELU') opts.activation = 'relu';
    }
    const dir = str('dirMode');
    if (dir !== undefined) opts.bidirectional = dir === 'CUDNN_BIDIRECTIONAL';
    const bias = str('biasMode');
    if (bias !== undefined && bias !== 'CUDNN_RNN_DOUBLE_BIAS' && bias !== 'CUDNN_RNN_NO_BIAS') unsupported('biasMode', bias, 'Gate Lens reads the default CUDNN_RNN_DOUBLE_BIAS (or no bias)');
    return opts;
  },

  configFromLayer(layer, plain) {
    const mode = layer.cell === 'lstm' ? 'CUDNN_LSTM' : layer.cell === 'gru' ? 'CUDNN_GRU' : plain(firstActivations(layer).candidate) === 'relu' ? 'CUDNN_RNN_RELU' : 'CUDNN_RNN_TANH';
    return { cellMode: mode, dirMode: layer.directions.length === 2 ? 'CUDNN_BIDIRECTIONAL' : 'CUDNN_UNIDIRECTIONAL', biasMode: layer.useBias === false ? 'CUDNN_RNN_NO_BIAS' : 'CUDNN_RNN_DOUBLE_BIAS', hiddenSize: layer.units, inputSize: layer.inputSize };
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Stored as cuDNN linLayer matrices and biases; written here as the equivalent ONNX layer (W, R, B = [Wb, Rb]; GRU with linear_before_reset=1).'),
  candidateTensors(arrays: CandidateArrays) {
    const out = prefixedCandidates('reverse_')(arrays);
    const ids = Object.keys(out).filter((k) => /^linLayer\d_matrix$/.test(k)).length;
    return unflatten(out, ids / 2);
  },
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [[`linLayer${k}_matrix`, `linLayerID ${k} matrix`], [`linLayer${k}_bias`, `linLayerID ${k} bias`]]).flat()),

  nameSignal: /\bcudnn(?:GetRNNWeightParams|GetRNNLinLayerMatrixParams|GetRNNLinLayerBiasParams|SetRNNDescriptor\w*|RNNForward\w*|GetRNNWeightSpaceSize)\b|\bCUDNN_(?:LSTM|GRU|RNN_TANH|RNN_RELU)\b/g,

  classifyName(parts, signalShown) {
    const m = signalShown ? LIN_LAYER.exec(parts[parts.length - 1]) : null;
    if (!m) return undefined;
    const kind = /^(matrix|mat|weights?|w)$/i.test(m[3]) ? 'matrix' : 'bias';
    return { group: parts.slice(0, -1).join('.'), role: `linLayer${m[2]}_${kind}`, direction: m[1] ? 1 : 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const matrices = Object.keys(roles).filter((r) => r.endsWith('_matrix')).map((r) => Number(r.slice(8, 9))).sort((a, b) => a - b);
    const cell = CELL_OF_IDS[matrices.length];
    if (!cell || matrices.some((id, k) => id !== k)) return { reject: { template: CUDNN_TEMPLATES.incomplete, args: [Math.max(0, matrices.length - 1), Object.keys(roles).join(', ')] } };
    if (cell === 'simple_rnn') return { reject: { template: CUDNN_TEMPLATES.singleGate, args: [] } };
    const G = matrices.length / 2, size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const W = roles['linLayer0_matrix']!, R = roles[`linLayer${G}_matrix`]!, b = roles['linLayer0_bias'];
    const H = R.length === 2 ? R[0] : b ? size(b) : Math.sqrt(size(R));
    const I = W.length === 2 ? W[1] : size(W) / H;
    if (!Number.isInteger(H) || !Number.isInteger(I) || H <= 0 || I <= 0 || size(R) !== H * H || (W.length === 2 && W[0] !== H)) {
      return { reject: { template: CUDNN_TEMPLATES.shapes, args: [`(${W.join(', ')})`, G, `(${R.join(', ')})`] } };
    }
    return { cell, units: H, inputSize: I, ...(cell === 'gru' ? { resetAfter: true } : {}), evidence: { template: CUDNN_TEMPLATES.layer, args: [2 * G - 1, H, cell === 'lstm' ? 'CUDNN_LSTM' : 'CUDNN_GRU', I] } };
  },
  templates: CUDNN_TEMPLATES,
};

