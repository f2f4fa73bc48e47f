// The registry of how each framework stores a recurrent layer. Pure data plus small lookups; the conversion and
// the forward pass read it, and so do the recogniser and every label the editor shows.
// Facts are from the frameworks' own sources (see ../../docs/conventions.md for the citation of each row):
//   Keras 3  keras/src/layers/rnn/{lstm,gru,simple_rnn}.py     PyTorch torch/nn/modules/rnn.py
//   ONNX     docs/Operators.md (LSTM, GRU, RNN)               TF1     tensorflow/python/ops/rnn_cell_impl.py
//   Keras 2  tf_keras/layers/rnn/{cudnn_lstm,cudnn_gru}.py, tf_keras/saving/legacy/hdf5_format.py

export type CellKind = 'lstm' | 'gru' | 'simple_rnn';
export type ConventionId = 'keras' | 'pytorch' | 'onnx' | 'tf1' | 'keras_cudnn';

/**
 * Canonical gate identities. Canonical order: LSTM i,f,c,o; GRU z,r,n; SimpleRNN h.
 * `c` is the LSTM cell candidate (PyTorch calls it g, TF1 calls it j); `n` the GRU candidate (Keras/ONNX call it h).
 */
export type CanonicalGate = 'i' | 'f' | 'c' | 'o' | 'z' | 'r' | 'n' | 'h';

export const CANONICAL_GATES: Record<CellKind, readonly CanonicalGate[]> = {
  lstm: ['i', 'f', 'c', 'o'],
  gru: ['z', 'r', 'n'],
  simple_rnn: ['h'],
};

export function gateCount(cell: CellKind): number {
  return CANONICAL_GATES[cell].length;
}

export interface GateSpec {
  /** Canonical identity, shared by every convention. */
  readonly gate: CanonicalGate;
  /** The letter this framework's own docs and code use for it (PyTorch LSTM candidate: "g"). */
  readonly label: string;
  /** Human name in English, e.g. "forget gate". */
  readonly name: string;
}

/** Symbolic tensor dimension: I input size, H units, P projection size, D directions, or a literal. */
export type Dim = 'I' | 'H' | 'P' | 'D' | 'I+H' | number | { readonly times: number; readonly of: 'H' };

export interface TensorSpec {
  /** Role name as the framework names the array (Keras kernel, PyTorch weight_ih, ONNX W ...). */
  readonly role: string;
  readonly shape: readonly Dim[];
  readonly optional?: boolean;
  readonly note?: string;
}

export type PackedAxis = 'columns' | 'rows';

export type BiasLayout =
  | 'single' // one bias of G·H (Keras LSTM, Keras GRU reset_after=False, Keras SimpleRNN, TF1)
  | 'keras_gru_2xGH' // Keras GRU reset_after=True: (2, 3H), row 0 input bias, row 1 recurrent bias
  | 'ih_plus_hh' // PyTorch: bias_ih + bias_hh, both G·H
  | 'onnx_wb_rb' // ONNX: B [D, 2·G·H] = [Wb, Rb]
  | 'cudnn_2xGH'; // Keras 2 CuDNNLSTM/CuDNNGRU: (2·G·H,) = [input biases, recurrent biases]

export interface ConventionSpec {
  readonly id: ConventionId;
  readonly cell: CellKind;
  /** Display name, e.g. "Keras", "PyTorch", "ONNX", "TF1 LSTMCell", "Keras 2 CuDNNLSTM". */
  readonly framework: string;
  /** Gates along the packed axis, in this convention's storage order. */
  readonly gateOrder: readonly GateSpec[];
  /** columns: matrices are (in, G·H) and z = x·K; rows: matrices are (G·H, in) and z = W·x. */
  readonly packedAxis: PackedAxis;
  readonly tensors: readonly TensorSpec[];
  readonly bias: BiasLayout;
  /** Order of the recurrent state as the framework returns it. */
  readonly stateOrder: readonly ('h' | 'c')[];
  /** GRU only: where the reset gate is applied by default (after = r⊙(U_n·h + b_n)). */
  readonly defaultResetAfter?: boolean;
  /** Default activations: gate (recurrent_activation), candidate/cell activation, output activation for h. */
  readonly defaultActivations: { readonly gate?: string; readonly candidate: string; readonly output?: string };
  readonly notes?: readonly string[];
}

const LSTM_NAMES = { i: 'input gate', f: 'forget gate', c: 'cell candidate', o: 'output gate' } as const;
const GRU_NAMES = { z: 'update gate', r: 'reset gate', n: 'candidate' } as const;
const g = (gate: CanonicalGate, label: string, name: string): GateSpec => ({ gate, label, name });

const LSTM_IFCO = [g('i', 'i', LSTM_NAMES.i), g('f', 'f', LSTM_NAMES.f), g('c', 'c', LSTM_NAMES.c), g('o', 'o', LSTM_NAMES.o)];
const LSTM_IFGO = [g('i', 'i', LSTM_NAMES.i), g('f', 'f', LSTM_NAMES.f), g('c', 'g', LSTM_NAMES.c), g('o', 'o', LSTM_NAMES.o)];
const LSTM_IOFC = [g('i', 'i', LSTM_NAMES.i), g('o', 'o', LSTM_NAMES.o), g('f', 'f', LSTM_NAMES.f), g('c', 'c', LSTM_NAMES.c)];
const LSTM_ICFO = [g('i', 'i', LSTM_NAMES.i), g('c', 'j', LSTM_NAMES.c), g('f', 'f', LSTM_NAMES.f), g('o', 'o', LSTM_NAMES.o)];
const GRU_ZRH = [g('z', 'z', GRU_NAMES.z), g('r', 'r', GRU_NAMES.r), g('n', 'h', GRU_NAMES.n)];
const GRU_RZN = [g('r', 'r', GRU_NAMES.r), g('z', 'z', GRU_NAMES.z), g('n', 'n', GRU_NAMES.n)];
const RNN_H = [g('h', 'h', 'hidden pre-activation')];

const GH = (times: number): Dim => ({ times, of: 'H' });

export const CONVENTIONS: readonly ConventionSpec[] = [
  // ---- Keras (2 and 3; tf.keras) ----
  {
    id: 'keras', cell: 'lstm', framework: 'Keras', gateOrder: LSTM_IFCO, packedAxis: 'columns', bias: 'single', stateOrder: ['h', 'c'],
    tensors: [{ role: 'kernel', shape: ['I', GH(4)] }, { role: 'recurrent_kernel', shape: ['H', GH(4)] }, { role: 'bias', shape: [GH(4)], optional: true }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: ['unit_forget_bias=True (default) initialises bias[H:2H] to 1.0.'],
  },
  {
    id: 'keras', cell: 'gru', framework: 'Keras', gateOrder: GRU_ZRH, packedAxis: 'columns', bias: 'keras_gru_2xGH', stateOrder: ['h'], defaultResetAfter: true,
    tensors: [{ role: 'kernel', shape: ['I', GH(3)] }, { role: 'recurrent_kernel', shape: ['H', GH(3)] }, { role: 'bias', shape: [2, GH(3)], optional: true, note: 'shape (3H,) when reset_after=False' }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    notes: ['reset_after=True is the default in tf.keras 2.x and Keras 3; False in standalone Keras <= 2.3.1 and gru_v1.'],
  },
  {
    id: 'keras', cell: 'simple_rnn', framework: 'Keras', gateOrder: RNN_H, packedAxis: 'columns', bias: 'single', stateOrder: ['h'],
    tensors: [{ role: 'kernel', shape: ['I', 'H'] }, { role: 'recurrent_kernel', shape: ['H', 'H'] }, { role: 'bias', shape: ['H'], optional: true }],
    defaultActivations: { candidate: 'tanh' },
  },
  // ---- Keras 2 CuDNNLSTM / CuDNNGRU ----
  {
    id: 'keras_cudnn', cell: 'lstm', framework: 'Keras 2 CuDNNLSTM', gateOrder: LSTM_IFCO, packedAxis: 'columns', bias: 'cudnn_2xGH', stateOrder: ['h', 'c'],
    tensors: [{ role: 'kernel', shape: ['I', GH(4)], note: 'each (I,H) gate block is the C-order buffer of cuDNN\'s (H,I) matrix' }, { role: 'recurrent_kernel', shape: ['H', GH(4)] }, { role: 'bias', shape: [GH(8)] }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
  },
  {
    id: 'keras_cudnn', cell: 'gru', framework: 'Keras 2 CuDNNGRU', gateOrder: GRU_ZRH, packedAxis: 'columns', bias: 'cudnn_2xGH', stateOrder: ['h'], defaultResetAfter: true,
    tensors: [{ role: 'kernel', shape: ['I', GH(3)], note: 'each (I,H) gate block is the C-order buffer of cuDNN\'s (H,I) matrix' }, { role: 'recurrent_kernel', shape: ['H', GH(3)] }, { role: 'bias', shape: [GH(6)] }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
  },
  // ---- PyTorch ----
  {
    id: 'pytorch', cell: 'lstm', framework: 'PyTorch', gateOrder: LSTM_IFGO, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h', 'c'],
    tensors: [
      { role: 'weight_ih', shape: [GH(4), 'I'] }, { role: 'weight_hh', shape: [GH(4), 'P'], note: 'P = H without proj_size' },
      { role: 'bias_ih', shape: [GH(4)], optional: true }, { role: 'bias_hh', shape: [GH(4)], optional: true },
      { role: 'weight_hr', shape: ['P', 'H'], optional: true, note: 'present when proj_size > 0' },
    ],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
  },
  {
    id: 'pytorch', cell: 'gru', framework: 'PyTorch', gateOrder: GRU_RZN, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h'], defaultResetAfter: true,
    tensors: [{ role: 'weight_ih', shape: [GH(3), 'I'] }, { role: 'weight_hh', shape: [GH(3), 'H'] }, { role: 'bias_ih', shape: [GH(3)], optional: true }, { role: 'bias_hh', shape: [GH(3)], optional: true }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    notes: ['b_hn sits inside r*(W_hn h + b_hn).'],
  },
  {
    id: 'pytorch', cell: 'simple_rnn', framework: 'PyTorch', gateOrder: RNN_H, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h'],
    tensors: [{ role: 'weight_ih', shape: ['H', 'I'] }, { role: 'weight_hh', shape: ['H', 'H'] }, { role: 'bias_ih', shape: ['H'], optional: true }, { role: 'bias_hh', shape: ['H'], optional: true }],
    defaultActivations: { candidate: 'tanh' },
  },
  // ---- ONNX ----
  {
    id: 'onnx', cell: 'lstm', framework: 'ONNX', gateOrder: LSTM_IOFC, packedAxis: 'rows', bias: 'onnx_wb_rb', stateOrder: ['h', 'c'],
    tensors: [
      { role: 'W', shape: ['D', GH(4), 'I'] }, { role: 'R', shape: ['D', GH(4), 'H'] },
      { role: 'B', shape: ['D', GH(8)], optional: true }, { role: 'P', shape: ['D', GH(3)], optional: true, note: 'peepholes i, o, f' },
    ],
    defaultActivations: { gate: 'Sigmoid', candidate: 'Tanh', output: 'Tanh' },
  },
  {
    id: 'onnx', cell: 'gru', framework: 'ONNX', gateOrder: GRU_ZRH, packedAxis: 'rows', bias: 'onnx_wb_rb', stateOrder: ['h'], defaultResetAfter: false,
    tensors: [{ role: 'W', shape: ['D', GH(3), 'I'] }, { role: 'R', shape: ['D', GH(3), 'H'] }, { role: 'B', shape: ['D', GH(6)], optional: true }],
    defaultActivations: { gate: 'Sigmoid', candidate: 'Tanh' },
    notes: ['linear_before_reset=0 (default) applies r before the recurrent matmul; =1 matches PyTorch and Keras reset_after=True.'],
  },
  {
    id: 'onnx', cell: 'simple_rnn', framework: 'ONNX', gateOrder: RNN_H, packedAxis: 'rows', bias: 'onnx_wb_rb', stateOrder: ['h'],
    tensors: [{ role: 'W', shape: ['D', 'H', 'I'] }, { role: 'R', shape: ['D', 'H', 'H'] }, { role: 'B', shape: ['D', GH(2)], optional: true }],
    defaultActivations: { candidate: 'Tanh' },
  },
  // ---- TF1 LSTMCell / BasicLSTMCell ----
  {
    id: 'tf1', cell: 'lstm', framework: 'TF1 LSTMCell', gateOrder: LSTM_ICFO, packedAxis: 'columns', bias: 'single', stateOrder: ['c', 'h'],
    tensors: [{ role: 'kernel', shape: ['I+H', GH(4)], note: 'acts on concat([x, h])' }, { role: 'bias', shape: [GH(4)] }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: ['forget_bias (default 1.0) is added to the f pre-activation at run time and is not stored.'],
  },
];

export function convention(id: ConventionId, cell: CellKind): ConventionSpec {
  const spec = CONVENTIONS.find((c) => c.id === id && c.cell === cell);
  if (!spec) throw new Error(`No ${cell} layout is defined for the ${id} convention.`);
  return spec;
}

export function conventionsFor(cell: CellKind): ConventionSpec[] {
  return CONVENTIONS.filter((c) => c.cell === cell);
}

export interface GateRange {
  readonly gate: CanonicalGate;
  readonly label: string;
  readonly name: string;
  /** Half-open range [start, end) along the packed axis, in this convention's storage order. */
  readonly start: number;
  readonly end: number;
}

/** Where each gate sits along the packed axis of size G·units in this convention (one direction). */
export function gateRanges(spec: ConventionSpec, units: number): GateRange[] {
  return spec.gateOrder.map((gs, k) => ({ gate: gs.gate, label: gs.label, name: gs.name, start: k * units, end: (k + 1) * units }));
}

/** "f — forget gate", or the convention's own letter where it differs: "g — cell candidate". */
export function gateTitle(gs: { label: string; name: string }): string {
  return `${gs.label} — ${gs.name}`;
}
