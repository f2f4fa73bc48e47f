// TensorFlow Lite UNIDIRECTIONAL_SEQUENCE_LSTM (tensorflow/lite/kernels/lstm_shared.h, lstm_eval.cc): one tensor per
// gate — input_to_{input,forget,cell,output}_weights {n_cell, n_input}, recurrent_to_*_weights {n_cell, n_output},
// cell_to_{input,forget,output}_weights (peepholes), {input,forget,cell,output}_gate_bias {n_cell},
// projection_weights {n_output, n_cell} and projection_bias {n_output}, the states output_state (h) and cell_state
// (c), then *_layer_norm_coefficients {n_cell} (inputs 20–23). Gates sigmoid; the cell and output activation is the
// op's fused activation (tanh from the converter); cell_clip clips c, proj_clip the projected output. A missing
// input_to_input_weights means CIFG: no input-gate tensors at all and i = 1 − f. A layer-norm LSTM adds each gate's
// bias after normalising W·x + R·h (+ peephole) and scaling it by the coefficients (layer-norm.ts).
// UNIDIRECTIONAL_SEQUENCE_RNN: weights {H, I}, recurrent_weights {H, H}, bias. TFLite has no built-in GRU op.
// The LSTM is checked against the TFLite interpreter itself (scripts/fixtures/tflite_fixtures.py, float32).

import { GateLensError, type DirectionWeights } from '../model';
import { onnxAdapter } from './onnx';
import { LSTM_IFCO, RNN_H } from './gates';
import { fmtShape, get, incompatible, type Found } from './layout';
import {
  activationAmong, camelWords, canonicalToPerGate, checkShape, firstActivations, need, numpyAs, perGateDims, perGateToCanonical, plus, readPerGate, tensorOf, unitsFrom,
  writePerGate, type PerGateRoles,
} from './documented-common';
import type { CellKind, CellSpec, ConventionAdapter, ConventionSpec, FromNativeOptions, Mutable, NativeTensors } from './types';

const GATES = ['input', 'forget', 'cell', 'output'];
const ROLES: Partial<Record<CellKind, PerGateRoles>> = {
  lstm: {
    W: GATES.map((g) => `input_to_${g}_weights`), R: GATES.map((g) => `recurrent_to_${g}_weights`), bW: GATES.map((g) => `${g}_gate_bias`),
    peephole: ['cell_to_input_weights', 'cell_to_forget_weights', 'cell_to_output_weights'],
  },
  simple_rnn: { W: ['weights'], R: ['recurrent_weights'], bW: ['bias'] },
};
const LAYER_NORM = GATES.map((g) => `${g}_layer_norm_coefficients`);
/** The tensors a CIFG LSTM leaves out: every input-gate one. */
const INPUT_GATE = ['input_to_input_weights', 'recurrent_to_input_weights', 'cell_to_input_weights', 'input_gate_bias', 'input_layer_norm_coefficients'];

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'TFLite', gateOrder: LSTM_IFCO, packedAxis: 'per_gate', bias: 'per_gate', stateOrder: ['h', 'c'],
    tensors: [
      ...ROLES.lstm!.W.map((role) => ({ role, shape: ['H', 'I'] as const, ...(role === 'input_to_input_weights' ? { optional: true } : {}) })),
      ...ROLES.lstm!.R.map((role) => ({ role, shape: ['H', 'P'] as const, ...(role === 'recurrent_to_input_weights' ? { optional: true } : {}) })),
      ...ROLES.lstm!.bW!.map((role) => ({ role, shape: ['H'] as const })), ...ROLES.lstm!.peephole!.map((role) => ({ role, shape: ['H'] as const, optional: true })),
      { role: 'projection_weights', shape: ['P', 'H'], optional: true }, { role: 'projection_bias', shape: ['P'], optional: true },
      ...LAYER_NORM.map((role) => ({ role, shape: ['H'] as const, optional: true })),
    ],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: [
      'Tensor inputs 1–4 input_to_*, 5–8 recurrent_to_*, 9–11 peepholes, 12–15 gate biases, 16–17 projection, 20–23 layer-norm coefficients; states 18 (h), 19 (c).',
      'CIFG (no input_to_input_weights): i = 1 − f. Layer norm: gate = act(LN(W·x + R·h + p⊙c) ⊙ γ + b). Projection: h = proj_clip(W_proj·(o ⊙ act(c)) + b_proj).',
      'Run against the TFLite interpreter (float32): basic, CIFG, peepholes, projection with bias and proj_clip, cell_clip, layer norm.',
    ],
  },
  {
    cell: 'simple_rnn', framework: 'TFLite', gateOrder: RNN_H, packedAxis: 'per_gate', bias: 'single', stateOrder: ['h'],
    tensors: [{ role: 'weights', shape: ['H', 'I'] }, { role: 'recurrent_weights', shape: ['H', 'H'] }, { role: 'bias', shape: ['H'] }],
    defaultActivations: { candidate: 'tanh' }, notes: ['UNIDIRECTIONAL_SEQUENCE_RNN; the fused activation is the candidate activation.'],
  },
];

/** A TFLite LSTM's tensors → one canonical direction (CIFG, peepholes, projection with bias, layer norm). */
function readLstm(spec: ConventionSpec, t: NativeTensors, opts: FromNativeOptions): { dw: DirectionWeights; I: number; H: number; P: number; cifg: boolean } {
  const cifg = !t['input_to_input_weights'];
  if (cifg) {
    const stray = INPUT_GATE.find((r) => t[r]);
    if (stray) throw new GateLensError('missing-array', `TFLite LSTM: ${stray} is present but input_to_input_weights is not; a CIFG LSTM has no input-gate tensor at all, and a full one needs input_to_input_weights — Gate Lens does not guess which this is.`);
  }
  const W0 = need(spec, t, ['input_to_forget_weights'], 'input weights'), R0 = need(spec, t, ['recurrent_to_forget_weights'], 'recurrent weights');
  const H = unitsFrom(spec, R0, opts.units ?? (R0.t.shape.length === 2 ? R0.t.shape[0] : NaN), 'units');
  const P = unitsFrom(spec, R0, R0.t.shape.length === 2 ? R0.t.shape[1] : NaN, 'output size');
  const I = unitsFrom(spec, W0, opts.inputSize ?? (W0.t.shape.length === 2 ? W0.t.shape[1] : NaN), 'input size');
  const projW = get(t, ['projection_weights']), projB = get(t, ['projection_bias']);
  if (projB && !projW) throw new GateLensError('missing-array', 'TFLite LSTM: projection_bias is present without projection_weights.');
  if (!projW && P !== H) throw new GateLensError('missing-array', `TFLite LSTM: recurrent_to_forget_weights ${fmtShape(R0.t.shape)} has n_output ${P} ≠ n_cell ${H}, which needs projection_weights (n_output, n_cell); it is missing.`);
  if (projW) checkShape(spec, projW, [P, H], 'projection weights');
  if (projB) checkShape(spec, projB, [P], 'projection bias');
  const zeros = (n: number) => new Float64Array(n);
  const part = (name: string, shape: number[], what: string): ArrayLike<number> => {
    if (cifg && INPUT_GATE.includes(name)) return zeros(shape.reduce((a, b) => a * b, 1));
    const f: Found = need(spec, t, [name], what);
    checkShape(spec, f, shape, what);
    return f.t.data;
  };
  const roles = ROLES.lstm!;
  const W = perGateToCanonical(spec, roles.W.map((r) => part(r, [H, I], 'input weights')), H, I);
  const R = perGateToCanonical(spec, roles.R.map((r) => part(r, [H, P], 'recurrent weights')), H, P);
  const used = (names: readonly string[]) => names.filter((r) => !(cifg && INPUT_GATE.includes(r)));
  const missingBias = used(roles.bW!).filter((r) => !t[r]);
  if (missingBias.length) throw new GateLensError('missing-array', `TFLite LSTM always has its gate biases; ${missingBias.join(', ')} missing, and zeros would be a guess.`);
  const bW = perGateToCanonical(spec, roles.bW!.map((r) => part(r, [H], 'gate bias')), H, 1);
  const optionalSet = (names: readonly string[], what: string): Float64Array | undefined => {
    const present = used(names).filter((r) => t[r]);
    if (!present.length) return undefined;
    const missing = used(names).filter((r) => !t[r]);
    if (missing.length) throw new GateLensError('missing-array', `TFLite LSTM: ${missing.join(', ')} missing while the other ${what} are present; zeros would be a guess.`);
    return Float64Array.from(names.flatMap((r) => Array.from(part(r, [H], what))));
  };
  const peephole = optionalSet(roles.peephole!, 'peepholes');
  const layerNorm = optionalSet(LAYER_NORM, 'layer-norm coefficients');
  const dw: DirectionWeights = {
    W, R, bW, bR: zeros(4 * H), ...(peephole ? { peephole } : {}), ...(layerNorm ? { layerNorm } : {}),
    ...(projW ? { proj: Float64Array.from(projW.t.data) } : {}), ...(projB ? { projBias: Float64Array.from(projB.t.data) } : {}),
  };
  return { dw, I, H, P, cifg };
}

/** One canonical LSTM direction → TFLite tensors (a CIFG layer writes no input-gate tensor). */
function writeLstm(spec: ConventionSpec, layer: Parameters<ConventionAdapter['toNative']>[0], out: NativeTensors): void {
  const dw = layer.directions[0], H = layer.units, I = layer.inputSize, P = layer.projSize ?? H;
  const roles = ROLES.lstm!;
  const cifg = layer.inputFromForget === true;
  const put = (name: string, shape: number[], data: Float64Array) => { if (!(cifg && INPUT_GATE.includes(name))) out[name] = tensorOf(shape, data); };
  canonicalToPerGate(spec, dw.W, H, I).forEach((m, k) => put(roles.W[k], [H, I], m));
  canonicalToPerGate(spec, dw.R, H, P).forEach((m, k) => put(roles.R[k], [H, P], m));
  // TFLite always stores its gate biases (one per gate: bW + bR, exact where bR is zero); no bias writes zeros, exact.
  const bias = layer.useBias === false ? new Float64Array(4 * H) : plus(dw.bW, dw.bR);
  canonicalToPerGate(spec, bias, H, 1).forEach((v, k) => put(roles.bW![k], [H], v));
  if (dw.peephole) roles.peephole!.forEach((r, k) => put(r, [H], dw.peephole!.slice(k * H, (k + 1) * H)));
  if (dw.layerNorm) LAYER_NORM.forEach((r, k) => put(r, [H], dw.layerNorm!.slice(k * H, (k + 1) * H)));
  if (dw.proj) out['projection_weights'] = tensorOf([P, H], Float64Array.from(dw.proj));
  if (dw.projBias) out['projection_bias'] = tensorOf([P], Float64Array.from(dw.projBias));
}

const FUSED: Record<string, string> = { TANH: 'tanh', RELU: 'relu', RELU6: 'relu6', NONE: 'linear', SIGMOID: 'sigmoid' };

const TFLITE_TEMPLATES = {
  incomplete: 'TFLite LSTM tensor names, but {0} missing',
  layer: 'per-gate input_to_* / recurrent_to_* tensors → TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, {0} cells, input size {1}',
} as const;

export const tfliteAdapter: ConventionAdapter<'tflite'> = {
  id: 'tflite',
  title: 'TFLite',
  description: 'TensorFlow Lite UNIDIRECTIONAL_SEQUENCE_LSTM / RNN (documented, not run): one tensor per gate (input_to_forget_weights …), gates i, f, c, o; CIFG, projection and layer norm; no built-in GRU.',
  verification: 'documented',
  sources: [
    { fact: 'tensor indices: input_to_{input,forget,cell,output}_weights {n_cell, n_input} 1–4, recurrent_to_* 5–8, cell_to_* peepholes 9–11, gate biases 12–15, projection 16–17, states 18 (output/h) and 19 (cell)', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/lstm_shared.h' },
    { fact: 'gates sigmoid, cell input and output through the fused activation; CIFG (no input_to_input_weights) input gate = 1 − forget gate; cell_clip clips the cell state; layer norm: MeanStddevNormalization of W·x + R·h (+ peephole), times the coefficients, then + gate bias; output = projection_bias + projection_weights·(o ⊙ act(c)), clipped to ±proj_clip', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/lstm_eval.cc' },
    { fact: 'MeanStddevNormalization: mean, variance = Σ(x − mean)²/n, (x − mean)/√(variance + 1e-8)', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/internal/reference/portable_tensor_utils.cc' },
    { fact: 'layer-norm coefficient tensors 20–23 (input, forget, cell, output)', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/lstm_shared.h' },
    { fact: 'UNIDIRECTIONAL_SEQUENCE_RNN weights, recurrent_weights, bias, hidden state', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/kernels/unidirectional_sequence_rnn.cc' },
  ],
  layerNames: { lstm: '`UNIDIRECTIONAL_SEQUENCE_LSTM`', simple_rnn: '`UNIDIRECTIONAL_SEQUENCE_RNN`' },
  outputLayout: 'keras',
  cells: CELLS,
  configKeys: ['fused_activation_function', 'cell_clip', 'proj_clip', 'time_major', 'asymmetric_quantize_inputs', 'diagonal_recurrent_tensors'],
  capabilities: {
    peepholes: true, cellClip: true, projection: true, projClip: true, projectionBias: true, layerNorm: true, inputFromForget: true,
    fixedGate: { name: 'sigmoid', why: 'TFLite LSTM gates are always sigmoid' },
  },

  fromNative(spec, tensors, opts) {
    const roles = ROLES[spec.cell];
    if (!roles) throw new GateLensError('not-representable', `TFLite has no built-in ${spec.cell.toUpperCase()} op.`);
    if (spec.cell === 'lstm') {
      const { dw, I, H, P, cifg } = readLstm(spec, tensors, opts);
      return { directions: [dw], dims: { I, H, P, D: 1 }, useBias: true, ...(cifg ? { extras: { inputFromForget: true } } : {}) };
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
    if (layer.cell === 'lstm') writeLstm(spec, layer, out);
    // TFLite always stores its gate biases: a layer without bias writes zeros, which is exact.
    else writePerGate(spec, layer, layer.directions[0], roles!, '', true, out);
    return out;
  },

  optionsFromConfig({ num, str, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    const fused = str('fused_activation_function');
    if (fused !== undefined) {
      const name = FUSED[fused];
      if (!name) unsupported('fused_activation_function', fused, `Gate Lens reads ${Object.keys(FUSED).join(', ')}`);
      opts.activation = name;
    }
    if ((num('cell_clip') ?? 0) > 0) opts.cellClip = num('cell_clip');
    if ((num('proj_clip') ?? 0) > 0) opts.projClip = num('proj_clip');
    return opts;
  },

  configFromLayer(layer, plain) {
    const name = plain(firstActivations(layer).candidate);
    const cfg: Record<string, unknown> = { fused_activation_function: Object.entries(FUSED).find(([, v]) => v === name)?.[0] ?? name, time_major: false };
    if (layer.cellClip !== undefined) cfg['cell_clip'] = layer.cellClip;
    if (layer.projClip !== undefined) cfg['proj_clip'] = layer.projClip;
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
  roleTitles: Object.fromEntries([...Object.values(ROLES).flatMap((r) => [...r!.W, ...r!.R, ...(r!.bW ?? []), ...(r!.peephole ?? [])]), ...LAYER_NORM, 'projection_weights', 'projection_bias']
    .map((role) => [role, camelWords(role).replace(/_/g, ' ')])),

  classifyName(parts) {
    const last = parts[parts.length - 1];
    const m = /^(?:(.*?)[_/])?((?:input_to|recurrent_to|cell_to)_(?:input|forget|cell|output)_weights|(?:input|forget|cell|output)_(?:gate_bias|layer_norm_coefficients)|projection_(?:weights|bias))$/.exec(last);
    if (!m) return undefined;
    return { group: [...parts.slice(0, -1), ...(m[1] ? [m[1]] : [])].join('/'), role: m[2], direction: 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0], lstm = ROLES.lstm!;
    const cifg = !roles['input_to_input_weights'] && !roles['recurrent_to_input_weights'];
    const missing = [...lstm.W, ...lstm.R].filter((r) => !roles[r] && !(cifg && INPUT_GATE.includes(r)));
    if (missing.length) return { reject: { template: TFLITE_TEMPLATES.incomplete, args: [missing.join(', ')] } };
    const w = roles[lstm.W[1]]!, r = roles[lstm.R[1]]!;
    if (w.length !== 2 || r.length !== 2) return { reject: { template: TFLITE_TEMPLATES.incomplete, args: [lstm.W[1]] } };
    return { cell: 'lstm', units: r[0], inputSize: w[1], evidence: { template: TFLITE_TEMPLATES.layer, args: [r[0], w[1]] } };
  },
  templates: TFLITE_TEMPLATES,
};
