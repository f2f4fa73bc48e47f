// OpenVINO LSTMSequence-5 / GRUSequence-5 / RNNSequence-5 (and the *Cell ops): W [D, G·H, I], R [D, G·H, H],
// B [D, G·H] — one bias per gate (Wb + Rb); LSTM gates f, i, c, o ("fico"), GRU z, r, h; GRU linear_before_reset=1
// stores B [D, 4·H] = [b_z, b_r, Wb_h, Rb_h] with Rb_h inside r ⊙ (·). Activations sigmoid, tanh, tanh (one list
// for both directions), clip. X [N, T, I]; outputs Y [N, D, T, H], Ho, Co. The names W, R, B are ONNX's too: a paste
// is read as OpenVINO only when its code shows OpenVINO (`import openvino as ov`, `from openvino.runtime import
// opset8`, `ops.lstm_sequence(`, `LSTMSequence`) and B has OpenVINO's one bias per gate; a B of 2·G·H columns is
// ONNX's [Wb, Rb] and is read as ONNX. Arrays passed to `ops.lstm_sequence(X, H0, C0, seq_len, w, r, b, …)` /
// `gru_sequence` / `rnn_sequence(X, H0, seq_len, w, r, b, …)` are W, R, B whatever their own names (`ops.constant(w)`
// too). Documented, not run against OpenVINO.

import { GateLensError, type LayerActivations } from '../model';
import { onnxAdapter } from './onnx';
import { GRU_ZRH, GH, RNN_H, gateCount, lstmGate } from './gates';
import { fmtShape, get, rowsFromCanonical, rowsToCanonical, zeros } from './layout';
import { activationAmong, checkShape, firstActivations, nativePerm, need, numpyAs, plus, prefixedCandidates, tensorOf, unitsFrom } from './documented-common';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const LSTM_FICO = [lstmGate('f'), lstmGate('i'), lstmGate('c'), lstmGate('o')];
const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'];
const CELL_OF: Record<number, CellKind> = { 4: 'lstm', 3: 'gru', 1: 'simple_rnn' };
const OP_NAMES: Record<CellKind, string> = { lstm: 'LSTMSequence', gru: 'GRUSequence', simple_rnn: 'RNNSequence' };

const OPENVINO_TEMPLATES = {
  incomplete: 'OpenVINO sequence inputs, but W and R are not both [D, G·H, ·] arrays ({0})',
  shapes: 'W {0} and R {1} do not stack 4·H (LSTMSequence), 3·H (GRUSequence) or H (RNNSequence) rows for the same directions',
  onnxBias: 'B {0} has {1} columns, the [Wb, Rb] of ONNX; OpenVINO\'s B holds one bias per gate ({2} columns)',
  peepholes: 'P (peepholes) is an ONNX LSTM input; OpenVINO\'s LSTMSequence-5 has none',
  layer: 'R {0} holds {1} gate blocks of {2} units over {3} direction(s) → OpenVINO {4}, input size {5}',
  layerLbr: 'R {0} holds 3 gate blocks of {1} units over {2} direction(s), B has 4·H columns → OpenVINO GRUSequence with linear_before_reset=1, input size {3}',
} as const;

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'OpenVINO', gateOrder: LSTM_FICO, packedAxis: 'rows', bias: 'single', stateOrder: ['h', 'c'],
    tensors: [{ role: 'W', shape: ['D', GH(4), 'I'] }, { role: 'R', shape: ['D', GH(4), 'H'] }, { role: 'B', shape: ['D', GH(4)] }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
  },
  {
    cell: 'gru', framework: 'OpenVINO', gateOrder: GRU_ZRH, packedAxis: 'rows', bias: 'single_plus_rn', stateOrder: ['h'], defaultResetAfter: false,
    tensors: [{ role: 'W', shape: ['D', GH(3), 'I'] }, { role: 'R', shape: ['D', GH(3), 'H'] }, { role: 'B', shape: ['D', GH(3)], note: '[D, 4·H] with linear_before_reset' }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    notes: ['linear_before_reset=0 (default): h = g(W_h x + (r ⊙ H)·R_hᵀ + Rb_h + Wb_h); =1: B [D, 4·H] = [b_z, b_r, Wb_h, Rb_h].'],
  },
  {
    cell: 'simple_rnn', framework: 'OpenVINO', gateOrder: RNN_H, packedAxis: 'rows', bias: 'single', stateOrder: ['h'],
    tensors: [{ role: 'W', shape: ['D', 'H', 'I'] }, { role: 'R', shape: ['D', 'H', 'H'] }, { role: 'B', shape: ['D', 'H'] }],
    defaultActivations: { candidate: 'tanh' },
  },
];

export const openvinoAdapter: ConventionAdapter<'openvino'> = {
  id: 'openvino',
  title: 'OpenVINO',
  description: 'OpenVINO LSTMSequence / GRUSequence / RNNSequence (documented, not run): W [D, G·H, I], R, one bias B [D, G·H]; gates f, i, c, o / z, r, h.',
  verification: 'documented',
  sources: [
    { fact: 'lstm_sequence W [num_directions, 4·hidden_size, input_size], expected format fico; R, B [D, 4·H]; activations sigmoid, tanh, tanh; clip; X [N, T, I]', url: 'https://docs.openvino.ai/latest/api/ie_python_api/_autosummary/openvino.runtime.opset10.lstm_sequence.html' },
    { fact: 'GRUCell-3: z, r, h; linear_before_reset=0 applies r before R_h; =1 keeps Rb_h inside r ⊙ (·), B of 4·H', url: 'https://docs.openvino.ai/2024/documentation/openvino-ir-format/operation-sets/operation-specs/sequence/gru-cell-3.html' },
    { fact: 'LSTMSequence-5 outputs Y [N, D, T, H], Ho, Co', url: 'https://docs.openvino.ai/2024/documentation/openvino-ir-format/operation-sets/operation-specs/sequence/lstm-sequence-5.html' },
  ],
  layerNames: { lstm: '`LSTMSequence`', gru: '`GRUSequence`', simple_rnn: '`RNNSequence`' },
  outputLayout: 'onnx',
  cells: CELLS,
  configKeys: ['hidden_size', 'direction', 'activations', 'activations_alpha', 'activations_beta', 'clip', 'linear_before_reset'],
  capabilities: { gateClip: true, reverseDirection: true, separateOutputActivation: true },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const Wf = need(spec, tensors, ['W'], 'input weights W'), Rf = need(spec, tensors, ['R'], 'recurrent weights R');
    if (Wf.t.shape.length !== 3 || Rf.t.shape.length !== 3) throw new GateLensError('shape-mismatch', `OpenVINO stores W and R with three axes [D, ${G}·H, ·]; got W ${fmtShape(Wf.t.shape)}, R ${fmtShape(Rf.t.shape)}.`);
    const D = opts.direction ? (opts.direction === 'bidirectional' ? 2 : 1) : Wf.t.shape[0];
    const H = unitsFrom(spec, Rf, opts.units ?? Rf.t.shape[2], 'units');
    const I = unitsFrom(spec, Wf, opts.inputSize ?? Wf.t.shape[2], 'input size');
    checkShape(spec, Wf, [D, G * H, I], 'input weights W');
    checkShape(spec, Rf, [D, G * H, H], 'recurrent weights R');
    const B = get(tensors, ['B']);
    const lbr = spec.cell === 'gru' && (B ? B.t.shape[1] === 4 * H : opts.resetAfter === true);
    if (spec.cell === 'gru' && opts.resetAfter === false && lbr) throw new GateLensError('shape-mismatch', `B has 4·H = ${4 * H} columns, which only linear_before_reset=1 stores, but the layer says linear_before_reset=0.`);
    if (B) checkShape(spec, B, [D, (lbr ? 4 : G) * H], 'biases B');
    const perm = nativePerm(spec);
    const width = (lbr ? 4 : G) * H;
    const directions = Array.from({ length: D }, (_, d) => {
      const bR = zeros(G * H);
      if (B && lbr) for (let m = 0; m < H; m++) bR[2 * H + m] = B.t.data[d * width + 3 * H + m];
      return {
        W: rowsToCanonical(Wf.t.data, d * G * H * I, perm, H, I), R: rowsToCanonical(Rf.t.data, d * G * H * H, perm, H, H),
        bW: B ? rowsToCanonical(B.t.data, d * width, perm, H, 1) : zeros(G * H), bR,
      };
    });
    return { directions, dims: { I, H, P: H, D }, resetAfter: spec.cell === 'gru' ? lbr : undefined, useBias: B !== undefined };
  },

  toNative(layer, _spec, { perm, withBias }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const lbr = layer.cell === 'gru' && layer.resetAfter !== false;
    const width = (lbr ? 4 : G) * H;
    const W = new Float64Array(D * G * H * I), R = new Float64Array(D * G * H * H), B = new Float64Array(D * width);
    layer.directions.forEach((dw, d) => {
      rowsFromCanonical(dw.W, perm, H, I, W, d * G * H * I);
      rowsFromCanonical(dw.R, perm, H, H, R, d * G * H * H);
      // Every recurrent bias outside the reset gate folds into B; linear_before_reset keeps Rb_h as B's fourth block.
      const outside = Float64Array.from(dw.bR);
      if (lbr) { outside.fill(0, 2 * H); B.set(dw.bR.subarray(2 * H, 3 * H), d * width + 3 * H); }
      rowsFromCanonical(plus(dw.bW, outside), perm, H, 1, B, d * width);
    });
    const out: NativeTensors = { W: tensorOf([D, G * H, I], W), R: tensorOf([D, G * H, H], R) };
    if (withBias) out['B'] = tensorOf([D, width], B);
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    const dir = str('direction');
    if (dir !== undefined) {
      if (dir !== 'forward' && dir !== 'reverse' && dir !== 'bidirectional') unsupported('direction', dir, 'OpenVINO directions are forward, reverse, bidirectional');
      opts.direction = dir as 'forward' | 'reverse' | 'bidirectional';
    }
    if (Array.isArray(config['activations'])) {
      const names = (config['activations'] as unknown[]).map(String);
      if (names.some((n) => !ACTIVATIONS.includes(n))) unsupported('activations', names, 'OpenVINO offers relu, sigmoid and tanh');
      if (Array.isArray(config['activations_alpha']) || Array.isArray(config['activations_beta'])) unsupported('activations_alpha', config['activations_alpha'] ?? config['activations_beta'], 'relu, sigmoid and tanh take no parameters');
      const [f, g = f, h = g] = names;
      opts.activations = { gate: { name: f }, candidate: { name: names.length === 1 ? f : g }, output: { name: names.length === 1 ? f : h } } satisfies LayerActivations;
    }
    if (num('clip') !== undefined && num('clip')! > 0) opts.clip = num('clip');
    const lbr = config['linear_before_reset'];
    if (lbr !== undefined) opts.resetAfter = lbr === true || lbr === 1;
    return opts;
  },

  configFromLayer(layer, plain) {
    const a = firstActivations(layer);
    const names = layer.cell === 'lstm' ? [a.gate, a.candidate, a.output] : layer.cell === 'gru' ? [a.gate, a.candidate] : [a.candidate];
    const cfg: Record<string, unknown> = {
      hidden_size: layer.units, direction: layer.directions.length === 2 ? 'bidirectional' : layer.reverse ? 'reverse' : 'forward', activations: names.map(plain),
    };
    if (layer.clip !== undefined) cfg['clip'] = layer.clip;
    if (layer.cell === 'gru') cfg['linear_before_reset'] = layer.resetAfter !== false;
    return cfg;
  },

  activationIn: activationAmong(ACTIVATIONS),
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Stored as OpenVINO W, R, B (gates f, i, c, o / z, r, h, one bias per gate); written here as the equivalent ONNX layer (gates i, o, f, c / z, r, h, B = [Wb, Rb]).'),
  candidateTensors: prefixedCandidates('backward_'),
  packedAxisOf: (_role, shape) => (shape.length === 3 ? 1 : shape.length === 2 ? 1 : 0),
  roleTitles: { W: 'input weights W', R: 'recurrent weights R', B: 'biases B' },

  nameSignal: /^[ \t]*(?:import[ \t]+openvino\b|from[ \t]+openvino[\w.]*[ \t]+import\b)[^\n]*|\bopenvino\.(?:runtime|opset\d+|Core|Model)\b|\bov\.(?:Model|Core|convert_model|compile_model)\b|\b(?:LSTMSequence|GRUSequence|RNNSequence)\b|\b(?:lstm|gru|rnn)_sequence\(/gm,

  bindsNames(code) {
    const out = new Map<string, string>();
    // The opset factories' positional inputs: X, H_t, (C_t,) sequence_lengths, W, R, B (openvino.runtime.opsetN).
    const call = /(?:([A-Za-z_]\w*)\s*=\s*)?[\w.]*\b(lstm|gru|rnn)_sequence\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g;
    for (let m = call.exec(code); m; m = call.exec(code)) {
      const args = m[3].split(/,(?![^()]*\))/).map((a) => a.trim());
      const first = m[2] === 'lstm' ? 4 : 3;
      ['W', 'R', 'B'].forEach((role, k) => {
        const arg = args[first + k];
        const name = arg === undefined || arg.includes('=') ? undefined : /^(?:[\w.]*constant\()?\s*([A-Za-z_]\w*)\s*(?:,[^)]*)?\)?$/.exec(arg)?.[1];
        if (name && name !== role) out.set(name, `${m![1] ?? `${m![2]}_sequence`}/${role}`);
      });
    }
    return out;
  },

  classifyName(parts, signalShown) {
    if (!signalShown) return undefined;
    // The ONNX name forms (W, lstm_W, /lstm/W): the file's OpenVINO code is what makes them OpenVINO's.
    const pieces = parts[parts.length - 1].split('_');
    const role = pieces[pieces.length - 1];
    if (!/^[WRBP]$/.test(role)) return undefined;
    return { group: [...parts.slice(0, -1), ...pieces.slice(0, -1)].join('/'), role, direction: 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const W = roles['W'], R = roles['R'], B = roles['B'];
    if (!W || !R || W.length !== 3 || R.length !== 3) return { reject: { template: OPENVINO_TEMPLATES.incomplete, args: [Object.keys(roles).join(', ')] } };
    if (roles['P']) return { reject: { template: OPENVINO_TEMPLATES.peepholes, args: [] } };
    const [D, rows, H] = R;
    const cell = rows % H === 0 ? CELL_OF[rows / H] : undefined;
    if (!cell || W[0] !== D || W[1] !== rows || (D !== 1 && D !== 2)) return { reject: { template: OPENVINO_TEMPLATES.shapes, args: [`[${W.join(', ')}]`, `[${R.join(', ')}]`] } };
    const lbr = cell === 'gru' && B !== undefined && B.length === 2 && B[1] === 4 * H;
    if (B && (B.length !== 2 || B[0] !== D || (B[1] !== rows && !lbr))) return { reject: { template: OPENVINO_TEMPLATES.onnxBias, args: [`[${B.join(', ')}]`, B[B.length - 1], rows] } };
    return {
      cell, units: H, inputSize: W[2], ...(cell === 'gru' ? { resetAfter: lbr } : {}),
      evidence: lbr ? { template: OPENVINO_TEMPLATES.layerLbr, args: [`[${R.join(', ')}]`, H, D, W[2]] }
        : { template: OPENVINO_TEMPLATES.layer, args: [`[${R.join(', ')}]`, rows / H, H, D, OP_NAMES[cell], W[2]] },
    };
  },
  templates: OPENVINO_TEMPLATES,
};
