// cuDNN's raw RNN weight space (cudnnGetRNNWeightParams / cudnnGetRNNLinLayerMatrixParams): per pseudo-layer
// (layer × direction) one matrix and one bias per linLayerID. CUDNN_LSTM: IDs 0–3 act on the layer input (input
// gate, forget gate, new memory, output gate), 4–7 on the recurrent input in the same order; CUDNN_GRU: 0–2 input
// (reset, update, new memory), 3–5 recurrent; CUDNN_RNN_RELU / _TANH: 0 input, 1 recurrent. Default bias mode
// CUDNN_RNN_DOUBLE_BIAS adds both; the GRU keeps the new memory gate's recurrent bias inside r ◦ (R_h h + b_Rh).
// Matrices are taken as PyTorch's cuDNN path views them: (H, input) row-major used as W·x. Raw buffers have no
// names, so recognition never picks this convention; the core converts and runs it. Documented, not run against cuDNN (GPU only).

import { onnxAdapter } from './onnx';
import { GRU_RZN, LSTM_IFCO, RNN_H } from './gates';
import { activationAmong, firstActivations, numpyAs, perGateDims, prefixedCandidates, readPerGate, writePerGate, type PerGateRoles } from './documented-common';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

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
  candidateTensors: prefixedCandidates('reverse_'),
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [[`linLayer${k}_matrix`, `linLayerID ${k} matrix`], [`linLayer${k}_bias`, `linLayerID ${k} bias`]]).flat()),
};

