// TensorFlow Lite UNIDIRECTIONAL_SEQUENCE_LSTM (tensorflow/lite/kernels/lstm_shared.h, lstm_eval.cc): one tensor per
// gate — input_to_{input,forget,cell,output}_weights {n_cell, n_input}, recurrent_to_*_weights {n_cell, n_output},
// {input,forget,cell,output}_gate_bias {n_cell}, cell_to_{input,forget,output}_weights (peepholes), projection
// weights/bias, then the states output_state (h) and cell_state (c). Gates sigmoid; the cell and output activation is
// the op's fused activation (tanh from the converter); cell_clip clips c. A missing input_to_input_weights means CIFG
// (input gate = 1 − forget gate), which the canonical layer cannot express, so it is refused; so are projection and
// layer normalisation. UNIDIRECTIONAL_SEQUENCE_RNN: weights {H, I}, recurrent_weights {H, H}, bias. TFLite has no
// built-in GRU op. Documented, not run against TFLite.

import { GateLensError } from '../model';
import { onnxAdapter } from './onnx';
import { LSTM_IFCO, RNN_H } from './gates';
import { incompatible } from './layout';
import { activationAmong, camelWords, firstActivations, numpyAs, perGateDims, readPerGate, refuseIfPresent, writePerGate, type PerGateRoles } from './documented-common';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const GATES = ['input', 'forget', 'cell', 'output'];
const ROLES: Partial<Record<CellKind, PerGateRoles>> = {
  lstm: {
    W: GATES.map((g) => `input_to_${g}_weights`), R: GATES.map((g) => `recurrent_to_${g}_weights`), bW: GATES.map((g) => `${g}_gate_bias`),
    peephole: ['cell_to_input_weights', 'cell_to_forget_weights', 'cell_to_output_weights'],
  },
  simple_rnn: { W: ['weights'], R: ['recurrent_weights'], bW: ['bias'] },
};

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'TFLite', gateOrder: LSTM_IFCO, packedAxis: 'per_gate', bias: 'per_gate', stateOrder: ['h', 'c'],
    tensors: [
      ...ROLES.lstm!.W.map((role) => ({ role, shape: ['H', 'I'] as const })), ...ROLES.lstm!.R.map((role) => ({ role, shape: ['H', 'H'] as const })),
      ...ROLES.lstm!.bW!.map((role) => ({ role, shape: ['H'] as const })), ...ROLES.lstm!.peephole!.map((role) => ({ role, shape: ['H'] as const, optional: true })),
    ],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: ['Tensor inputs 1–4 input_to_*, 5–8 recurrent_to_*, 9–11 peepholes, 12–15 gate biases; states 18 (h), 19 (c). CIFG, projection and layer norm are refused.'],
  },
  {
    cell: 'simple_rnn', framework: 'TFLite', gateOrder: RNN_H, packedAxis: 'per_gate', bias: 'single', stateOrder: ['h'],
    tensors: [{ role: 'weights', shape: ['H', 'I'] }, { role: 'recurrent_weights', shape: ['H', 'H'] }, { role: 'bias', shape: ['H'] }],
    defaultActivations: { candidate: 'tanh' }, notes: ['UNIDIRECTIONAL_SEQUENCE_RNN; the fused activation is the candidate activation.'],
  },
];

const FUSED: Record<string, string> = { TANH: 'tanh', RELU: 'relu', RELU6: 'relu6', NONE: 'linear', SIGMOID: 'sigmoid' };

const TFLITE_TEMPLATES = {
  incomplete: 'TFLite LSTM tensor names, but {0} missing (a CIFG LSTM without input_to_input_weights is not read)',
  layer: 'per-gate input_to_* / recurrent_to_* tensors → TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, {0} cells, input size {1}',
} as const;

export const tfliteAdapter: ConventionAdapter<'tflite'> = {
  id: 'tflite',
  title: 'TFLite',
  description: 'TensorFlow Lite UNIDIRECTIONAL_SEQUENCE_LSTM / RNN (documented, not run): one tensor per gate (input_to_forget_weights …), gates i, f, c, o; no built-in GRU.',
  verification: 'documented',
  sources: [
    { fact: 'tensor indices: input_to_{input,forget,cell,output}_weights {n_cell, n_input} 1–4, recurrent_to_* 5–8, cell_to_* peepholes 9–11, gate biases 12–15, projection 16–17, states 18 (output/h) and 19 (cell)', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/lstm_shared.h' },
    { fact: 'gates sigmoid, cell input and output through the fused activation; CIFG input gate = 1 − forget gate; cell_clip clips the cell state', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/lstm_eval.cc' },
    { fact: 'UNIDIRECTIONAL_SEQUENCE_RNN weights, recurrent_weights, bias, hidden state', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/unidirectional_sequence_rnn.cc' },
  ],
  layerNames: { lstm: '`UNIDIRECTIONAL_SEQUENCE_LSTM`', simple_rnn: '`UNIDIRECTIONAL_SEQUENCE_RNN`' },
  outputLayout: 'keras',
  cells: CELLS,
  configKeys: ['fused_activation_function', 'cell_clip', 'proj_clip', 'time_major', 'asymmetric_quantize_inputs', 'diagonal_recurrent_tensors'],
  capabilities: { peepholes: true, cellClip: true, fixedGate: { name: 'sigmoid', why: 'TFLite LSTM gates are always sigmoid' } },

  fromNative(spec, tensors, opts) {
    const roles = ROLES[spec.cell];
    if (!roles) throw new GateLensError('not-representable', `TFLite has no built-in ${spec.cell.toUpperCase()} op.`);
    if (spec.cell === 'lstm') {
      if (!tensors['input_to_input_weights'] && tensors['input_to_forget_weights']) {
        throw new GateLensError('not-representable', 'input_to_input_weights is absent: a TFLite CIFG LSTM (input gate = 1 − forget gate), which the canonical layer cannot express; Gate Lens does not guess.');
      }
      refuseIfPresent(spec, tensors, /^projection_(weights|bias)$/, 'a projection is not read by Gate Lens for TFLite');
      refuseIfPresent(spec, tensors, /_layer_norm_coefficients$/, 'layer normalisation is not modelled by Gate Lens');
    }
    const dims = perGateDims(spec, tensors, roles, '', opts);
    const { dw, useBias } = readPerGate(spec, tensors, roles, '', dims);
    if (!useBias) throw new GateLensError('missing-array', `TFLite ${spec.cell.toUpperCase()} always has its gate biases (${roles.bW!.join(', ')}); they are missing, and zeros would be a guess.`);
    return { directions: [dw], dims: { ...dims, P: dims.H, D: 1 }, useBias: true };
  },

  toNative(layer, spec) {
    const roles = ROLES[layer.cell];
    if (!roles) incompatible(layer, spec, 'TFLite has no built-in GRU op');
    if (layer.directions.length !== 1) incompatible(layer, spec, 'Gate Lens writes only the unidirectional TFLite ops');
    const out: NativeTensors = {};
    // TFLite always stores its gate biases: a layer without bias writes zeros, which is exact.
    writePerGate(spec, layer, layer.directions[0], roles!, '', true, out);
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    const fused = str('fused_activation_function');
    if (fused !== undefined) {
      const name = FUSED[fused];
      if (!name) unsupported('fused_activation_function', fused, `Gate Lens reads ${Object.keys(FUSED).join(', ')}`);
      opts.activation = name;
    }
    if ((num('cell_clip') ?? 0) > 0) opts.cellClip = num('cell_clip');
    if ((num('proj_clip') ?? 0) > 0) unsupported('proj_clip', config['proj_clip'], 'a projected TFLite LSTM is not read by Gate Lens');
    return opts;
  },

  configFromLayer(layer, plain) {
    const name = plain(firstActivations(layer).candidate);
    const cfg: Record<string, unknown> = { fused_activation_function: Object.entries(FUSED).find(([, v]) => v === name)?.[0] ?? name, time_major: false };
    if (layer.cellClip !== undefined) cfg['cell_clip'] = layer.cellClip;
    return cfg;
  },

  activationIn: activationAmong(Object.values(FUSED)),
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Stored as TFLite per-gate tensors; written here as the equivalent ONNX layer (W, R, B = [Wb, Rb], P).'),
  candidateTensors(arrays) {
    const out: NativeTensors = {};
    for (const [r, a] of Object.entries(arrays[0] ?? {})) if (a) out[r] = { shape: a.shape, data: a.values };
    return out;
  },
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries([...Object.values(ROLES).flatMap((r) => [...r!.W, ...r!.R, ...(r!.bW ?? []), ...(r!.peephole ?? [])])].map((role) => [role, camelWords(role).replace(/_/g, ' ')])),

  classifyName(parts) {
    const last = parts[parts.length - 1];
    const m = /^(?:(.*?)[_/])?((?:input_to|recurrent_to|cell_to)_(?:input|forget|cell|output)_weights|(?:input|forget|cell|output)_gate_bias)$/.exec(last);
    if (!m) return undefined;
    return { group: [...parts.slice(0, -1), ...(m[1] ? [m[1]] : [])].join('/'), role: m[2], direction: 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0], lstm = ROLES.lstm!;
    const missing = [...lstm.W, ...lstm.R].filter((r) => !roles[r]);
    if (missing.length) return { reject: { template: TFLITE_TEMPLATES.incomplete, args: [missing.join(', ')] } };
    const w = roles[lstm.W[0]]!, r = roles[lstm.R[0]]!;
    if (w.length !== 2 || r.length !== 2) return { reject: { template: TFLITE_TEMPLATES.incomplete, args: [lstm.W[0]] } };
    return { cell: 'lstm', units: r[0], inputSize: w[1], evidence: { template: TFLITE_TEMPLATES.layer, args: [r[0], w[1]] } };
  },
  templates: TFLITE_TEMPLATES,
};
