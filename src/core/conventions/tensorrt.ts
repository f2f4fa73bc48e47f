// TensorRT IRNNv2Layer (NvInfer.h): weights set per layer and gate with setWeightsForGate(layerIndex, gate, isW, w)
// and setBiasForGate(layerIndex, gate, isW, b): W[g] (H × E) and R[g] (H × H) used as W·x, and both Wb[g] and Rb[g].
// kLSTM gates INPUT, OUTPUT, FORGET, CELL with C = f·C + i·c, H = o·tanh(C); kGRU gates UPDATE, RESET, HIDDEN with
// h = tanh(W[h]·X + r·(R[h]·H + Rb[h]) + Wb[h]) and H = (1 − z)·h + z·H (reset after the matmul, the cuDNN GRU);
// kRELU / kTANH single gate. Bidirectional: layerIndex 2l forward, 2l + 1 backward. IRNNv2Layer is deprecated in
// TensorRT 8+ (loops replace it). A paste is read from the calls that set the weights, Python
// `rnn.set_weights_for_gate(0, trt.RNNGateType.INPUT, True, trt.Weights(w_i))` / `set_bias_for_gate(…)`: the array
// each call passes (also flattened by .reshape(-1) / .ravel(), as the API takes it) becomes that gate's W, R, Wb or Rb;
// with trt.RNNDirection.BIDIRECTION layer index 2l + 1 is layer l's backward direction. A kRELU / kTANH layer is not
// read from a paste: its activation is add_rnn_v2's RNNOperation, which the arrays do not carry. Documented, not run
// against TensorRT (GPU only).

import { onnxAdapter } from './onnx';
import { GRU_ZRH, LSTM_IOFC, RNN_H } from './gates';
import { activationAmong, firstActivations, numpyAs, perGateDims, prefixedCandidates, readPerGate, writePerGate, type PerGateRoles } from './documented-common';
import type { CandidateArrays, CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const ROLE = /^(backward_)?(W|R|Wb|Rb)_(INPUT|OUTPUT|FORGET|CELL|UPDATE|RESET|HIDDEN)$/;
const KIND = { weights: ['R', 'W'], bias: ['Rb', 'Wb'] } as const;

const TENSORRT_TEMPLATES = {
  incomplete: 'TensorRT per-gate weights, but not every gate\'s W and R ({0})',
  mixed: 'TensorRT gates {0} are neither kLSTM\'s (INPUT, OUTPUT, FORGET, CELL) nor kGRU\'s (UPDATE, RESET, HIDDEN)',
  singleGate: 'only the INPUT gate is set: a kRELU or kTANH layer, whose activation is add_rnn_v2\'s RNNOperation; Gate Lens does not read it from a paste',
  shapes: 'the gates\' W {0} and R {1} do not share H (W (H, input), R (H, H), biases (H), or flattened)',
  layer: 'set_weights_for_gate / set_bias_for_gate give {0} gates {1} of {2} units → TensorRT IRNNv2Layer {3}, input size {4}',
} as const;

/** The array a set_*_for_gate call passes: `w`, `trt.Weights(w)`, `np.ascontiguousarray(w.reshape(-1))`, `w.ravel()`; else undefined (`.T` transposes). */
function passedArray(expression: string): string | undefined {
  let e = expression.trim();
  for (let k = 0; k < 6; k++) {
    const wrapped = /^(?:trt\.Weights|np\.ascontiguousarray|numpy\.ascontiguousarray)\((.*)\)$/.exec(e);
    const method = /^(.*)\.(?:reshape\([^()]*\)|ravel\(\)|flatten\(\)|astype\([^()]*\)|copy\(\))$/.exec(e);
    if (wrapped) e = wrapped[1].trim();
    else if (method) e = method[1].trim();
    else break;
  }
  return /^[A-Za-z_]\w*$/.test(e) ? e : undefined;
}

/** Units from the arrays as pasted: a bias's length, or R (H, H), flattened or not. */
function unitsOf(tensors: NativeTensors): number | undefined {
  for (const [k, t] of Object.entries(tensors)) {
    const m = ROLE.exec(k);
    const h = !m ? NaN : m[2].endsWith('b') ? t.data.length : m[2] === 'R' ? (t.shape.length === 2 ? t.shape[0] : Math.sqrt(t.data.length)) : NaN;
    if (Number.isInteger(h) && h > 0) return h;
  }
  return undefined;
}

/** Per-gate matrices as the API takes them (flat) brought back to (H, input) once H is known. */
function unflatten(out: NativeTensors): NativeTensors {
  const H = unitsOf(out);
  if (H === undefined) return out;
  for (const [k, t] of Object.entries(out)) {
    const m = ROLE.exec(k);
    if (m && (m[2] === 'W' || m[2] === 'R') && t.shape.length === 1 && t.data.length % H === 0) out[k] = { shape: [H, t.data.length / H], data: t.data };
  }
  return out;
}

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
    { fact: 'Python IRNNv2Layer.set_weights_for_gate(layer_index, gate, is_w, weights) / set_bias_for_gate(…), RNNGateType INPUT, OUTPUT, FORGET, CELL, UPDATE, RESET, HIDDEN, RNNDirection.BIDIRECTION, INetworkDefinition.add_rnn_v2(input, layer_count, hidden_size, max_seq_length, op)', url: 'https://docs.nvidia.com/deeplearning/tensorrt/api/python_api/infer/Graph/Layers.html#irnnv2layer' },
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
  candidateTensors: (arrays: CandidateArrays) => unflatten(prefixedCandidates('backward_')(arrays)),
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries((Object.keys(GATES) as CellKind[]).flatMap((c) => GATES[c].flatMap((g) => [
    [`W_${g}`, `input weights of gate ${g}`], [`R_${g}`, `recurrent weights of gate ${g}`], [`Wb_${g}`, `input bias of gate ${g}`], [`Rb_${g}`, `recurrent bias of gate ${g}`],
  ]))),

  bindsNames(code) {
    const out = new Map<string, string>();
    const bidirectional = /\bRNNDirection\.BIDIRECTION\b/.test(code);
    const call = /([A-Za-z_][\w.]*)\.set_(weights|bias)_for_gate\(\s*(\d+)\s*,\s*(?:[\w.]*\.)?RNNGateType\.([A-Z]+)\s*,\s*(True|False)\s*,([^\n]{1,200})\)[ \t]*(?:#[^\n]*)?$/gm;
    for (let m = call.exec(code); m; m = call.exec(code)) {
      const alias = passedArray(m[6]);
      if (!alias || !ROLE.test(`W_${m[4]}`)) continue;
      const index = Number(m[3]);
      const layer = bidirectional ? Math.floor(index / 2) : index;
      const role = KIND[m[2] as 'weights' | 'bias'][m[5] === 'True' ? 1 : 0];
      out.set(alias, `${m[1]}${layer > 0 ? `_l${layer}` : ''}/${bidirectional && index % 2 === 1 ? 'backward_' : ''}${role}_${m[4]}`);
    }
    return out;
  },

  classifyName(parts) {
    const m = ROLE.exec(parts[parts.length - 1]);
    if (!m) return undefined;
    return { group: parts.slice(0, -1).join('.'), role: `${m[2]}_${m[3]}`, direction: m[1] ? 1 : 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const gates = [...new Set(Object.keys(roles).map((r) => r.split('_')[1]))];
    const cell = (Object.keys(GATES) as CellKind[]).find((c) => gates.every((g) => GATES[c].includes(g)) && GATES[c].every((g) => gates.includes(g)));
    if (cell === 'simple_rnn') return { reject: { template: TENSORRT_TEMPLATES.singleGate, args: [] } };
    if (!cell) return { reject: { template: TENSORRT_TEMPLATES.mixed, args: [gates.join(', ')] } };
    const W = roles[`W_${GATES[cell][0]}`], R = roles[`R_${GATES[cell][0]}`];
    if (GATES[cell].some((g) => !roles[`W_${g}`] || !roles[`R_${g}`]) || !W || !R) return { reject: { template: TENSORRT_TEMPLATES.incomplete, args: [Object.keys(roles).join(', ')] } };
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const H = R.length === 2 ? R[0] : Math.sqrt(size(R));
    const I = W.length === 2 ? W[1] : size(W) / H;
    if (!Number.isInteger(H) || !Number.isInteger(I) || H <= 0 || I <= 0 || (W.length === 2 && W[0] !== H)) return { reject: { template: TENSORRT_TEMPLATES.shapes, args: [`(${W.join(', ')})`, `(${R.join(', ')})`] } };
    return {
      cell, units: H, inputSize: I, ...(cell === 'gru' ? { resetAfter: true } : {}),
      evidence: { template: TENSORRT_TEMPLATES.layer, args: [GATES[cell].length, GATES[cell].join(', '), H, cell === 'lstm' ? 'kLSTM' : 'kGRU', I] },
    };
  },
  templates: TENSORRT_TEMPLATES,
};
