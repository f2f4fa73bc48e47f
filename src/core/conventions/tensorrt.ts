// TensorRT IRNNv2Layer (NvInfer.h): weights set per layer and gate with setWeightsForGate(layerIndex, gate, isW, w)
// and setBiasForGate(layerIndex, gate, isW, b): W[g] (H × E) and R[g] (H × H) used as W·x, and both Wb[g] and Rb[g].
// kLSTM gates INPUT, OUTPUT, FORGET, CELL with C = f·C + i·c, H = o·tanh(C); kGRU gates UPDATE, RESET, HIDDEN with
// h = tanh(W[h]·X + r·(R[h]·H + Rb[h]) + Wb[h]) and H = (1 − z)·h + z·H (reset after the matmul, the cuDNN GRU);
// kRELU / kTANH single gate. Bidirectional: layerIndex 2l forward, 2l + 1 backward. IRNNv2Layer is deprecated in
// TensorRT 8+ (loops replace it). Documented, not run against TensorRT (GPU only).

import { onnxAdapter } from './onnx';
import { GRU_ZRH, LSTM_IOFC, RNN_H } from './gates';
import { activationAmong, firstActivations, numpyAs, perGateDims, prefixedCandidates, readPerGate, writePerGate, type PerGateRoles } from './documented-common';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const GATES: Record<CellKind, readonly string[]> = { lstm: ['INPUT', 'OUTPUT', 'FORGET', 'CELL'], gru: ['UPDATE', 'RESET', 'HIDDEN'], simple_rnn: ['INPUT'] };
const roles = (cell: CellKind): PerGateRoles => ({
  W: GATES[cell].map((g) => `W_${g}`), R: GATES[cell].map((g) => `R_${g}`), bW: GATES[cell].map((g) => `Wb_${g}`), bR: GATES[cell].map((g) => `Rb_${g}`),
});

const cellSpec = (cell: CellKind, gateOrder: CellSpec['gateOrder'], rest: Partial<CellSpec>): CellSpec => ({
  cell, framework: 'TensorRT', gateOrder, packedAxis: 'per_gate', bias: 'per_gate_w_r', stateOrder: cell === 'lstm' ? ['h', 'c'] : ['h'],
  tensors: [
    ...roles(cell).W.map((role) => ({ role, shape: ['H', 'I'] as const })), ...roles(cell).R.map((role) => ({ role, shape: ['H', 'H'] as const })),
    ...roles(cell).bW!.map((role) => ({ role, shape: ['H'] as const, optional: true })), ...roles(cell).bR!.map((role) => ({ role, shape: ['H'] as const, optional: true })),
  ],
  defaultActivations: { candidate: 'tanh' }, ...rest,
});

const CELLS: CellSpec[] = [
  cellSpec('lstm', LSTM_IOFC, { defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' }, notes: ['RNNGateType order kINPUT, kOUTPUT, kFORGET, kCELL; each gate has W, R, Wb and Rb.'] }),
  cellSpec('gru', GRU_ZRH, { defaultResetAfter: true, defaultActivations: { gate: 'sigmoid', candidate: 'tanh' }, notes: ['h = tanh(W[h]·X + r·(R[h]·H + Rb[h]) + Wb[h]).'] }),
  cellSpec('simple_rnn', RNN_H, { notes: ['RNNOperation kRELU or kTANH, gate kINPUT.'] }),
];

export const tensorrtAdapter: ConventionAdapter<'tensorrt'> = {
  id: 'tensorrt',
  title: 'TensorRT',
  description: 'TensorRT IRNNv2Layer (documented, not run): per-gate W, R, Wb, Rb set with setWeightsForGate / setBiasForGate; LSTM gates INPUT, OUTPUT, FORGET, CELL; GRU UPDATE, RESET, HIDDEN, reset after the matmul.',
  verification: 'documented',
  sources: [
    { fact: 'RNNOperation equations: kLSTM i, f, o, c with Wb + Rb; kGRU h = tanh(W[h]·X + r·(R[h]·H + Rb[h]) + Wb[h]), H = (1 − z)·h + z·H; RNNGateType; setWeightsForGate / setBiasForGate; W (H × E)', url: 'https://github.com/NVIDIA/TensorRT/blob/release/8.6/include/NvInfer.h' },
  ],
  layerNames: { lstm: '`IRNNv2Layer` kLSTM', gru: '`IRNNv2Layer` kGRU', simple_rnn: '`IRNNv2Layer` kRELU / kTANH' },
  outputLayout: 'pytorch',
  cells: CELLS,
  configKeys: ['operation', 'direction', 'hidden_size'],
  capabilities: {
    fixedActivations: { gate: 'sigmoid', candidate: 'tanh' },
    simpleRnnActivations: { names: ['tanh', 'relu'], why: 'TensorRT offers kRELU and kTANH' },
    refusesResetBefore: 'TensorRT GRUs apply the reset gate after the recurrent matmul',
  },

  fromNative(spec, tensors, opts) {
    const r = roles(spec.cell);
    const bidir = opts.bidirectional ?? tensors[`backward_${r.W[0]}`] !== undefined;
    const dims = perGateDims(spec, tensors, r, '', opts);
    const dirs = (bidir ? ['', 'backward_'] : ['']).map((p) => readPerGate(spec, tensors, r, p, dims));
    return { directions: dirs.map((d) => d.dw), dims: { ...dims, P: dims.H, D: 1 }, resetAfter: spec.cell === 'gru' ? true : undefined, useBias: dirs.every((d) => d.useBias) };
  },

  toNative(layer, spec, { withBias }) {
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => writePerGate(spec, layer, dw, roles(layer.cell), d === 1 ? 'backward_' : '', withBias, out));
    return out;
  },

  optionsFromConfig({ num, str, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    const op = str('operation');
    if (op !== undefined) {
      if (!['kLSTM', 'kGRU', 'kRELU', 'kTANH'].includes(op)) unsupported('operation', op, 'TensorRT RNNOperation is kRELU, kTANH, kLSTM or kGRU');
      if (op === 'kRELU') opts.activation = 'relu';
    }
    const dir = str('direction');
    if (dir !== undefined) { if (dir !== 'kUNIDIRECTION' && dir !== 'kBIDIRECTION') unsupported('direction', dir, 'TensorRT RNNDirection is kUNIDIRECTION or kBIDIRECTION'); opts.bidirectional = dir === 'kBIDIRECTION'; }
    return opts;
  },

  configFromLayer(layer, plain) {
    const op = layer.cell === 'lstm' ? 'kLSTM' : layer.cell === 'gru' ? 'kGRU' : plain(firstActivations(layer).candidate) === 'relu' ? 'kRELU' : 'kTANH';
    return { operation: op, direction: layer.directions.length === 2 ? 'kBIDIRECTION' : 'kUNIDIRECTION', hidden_size: layer.units };
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Set per gate in TensorRT (W, R, Wb, Rb); written here as the equivalent ONNX layer (W, R, B = [Wb, Rb]; GRU with linear_before_reset=1).'),
  candidateTensors: prefixedCandidates('backward_'),
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries((Object.keys(GATES) as CellKind[]).flatMap((c) => GATES[c].flatMap((g) => [
    [`W_${g}`, `input weights of gate ${g}`], [`R_${g}`, `recurrent weights of gate ${g}`], [`Wb_${g}`, `input bias of gate ${g}`], [`Rb_${g}`, `recurrent bias of gate ${g}`],
  ]))),
};
