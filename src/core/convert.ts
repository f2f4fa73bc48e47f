// Lossless conversion between each framework's native arrays and the canonical RecurrentLayer (model.ts):
// canonical matrices are rows = outputs (z = W·x), gate blocks in canonical order (LSTM i,f,c,o; GRU z,r,n).
//
// Per-convention facts (see docs/conventions.md for the full table and citations):
//   Keras     kernel (I, G·H) and recurrent_kernel (H, G·H) act as x·K, so canonical W = kernelᵀ. One bias (G·H),
//             except GRU reset_after=True: bias (2, G·H), row 0 input bias, row 1 recurrent bias
//             (keras/src/layers/rnn/gru.py build and call: `input_bias, recurrent_bias = ops.unstack(self.bias)`).
//   PyTorch   weight_ih (G·H, I), weight_hh (G·H, Hr), bias_ih, bias_hh, weight_hr (P, H) when proj_size > 0;
//             GRU rows are r,z,n; suffixes _l{k} and _reverse (torch/nn/modules/rnn.py).
//   ONNX      W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] = [Wb, Rb], P [D, 3H] = i,o,f; LSTM rows i,o,f,c
//             (onnx docs/Operators.md LSTM/GRU/RNN).
//   TF1       kernel (I+Hr, 4H) on concat[x, h]: rows [:I] input, rows [I:] recurrent; columns i,j(c),f,o; bias 4H;
//             forget_bias added at run time; w_i_diag/w_f_diag/w_o_diag peepholes; projection/kernel (H, P)
//             (tensorflow/python/ops/rnn_cell_impl.py LSTMCell.call; tf_keras/layers/rnn/legacy_cells.py).
//   Keras 2 CuDNNLSTM/CuDNNGRU: kernel and recurrent_kernel have the Keras shapes and gate order (LSTM i,f,c,o; GRU
//             z,r,h) but are handed to cuDNN with `canonical_to_params` WITHOUT transposing, so each (I, H) kernel block
//             is the C-order buffer of cuDNN's (H, I) matrix: block.reshape(H, I) is the canonical rows form, and
//             each (H, H) recurrent block already IS the rows form (the Keras-form block is its transpose).
//             Bias (2·G·H) = [input biases, recurrent biases]. GRU: stored z,r,h and swapped to cuDNN's r,z,h only at
//             run time (tf_keras/layers/rnn/cudnn_gru.py _process_batch passes kernel[:, H:2H] first), so no swap is
//             needed here; cuDNN applies r after the recurrent matmul with the recurrent bias inside, i.e.
//             resetAfter = true (tf_keras/saving/legacy/hdf5_format.py _convert_rnn_weights: CuDNNGRU converts only
//             to GRU(reset_after=True)).

import { CANONICAL_GATES, convention, gateCount } from './conventions';
import type { CellKind, ConventionId, ConventionSpec, Dim, TensorSpec } from './conventions';
import { ACTIVATION_NAMES, ActCode, activationParameters, kerasActivationName, resolveActivation } from './activations';
import type { Activation, DirectionWeights, LayerActivations, MergeMode, RecurrentLayer } from './model';
import { GateLensError } from './model';

/** A native array as the framework stores it: shape plus row-major values. */
export interface NativeTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export type NativeTensors = Record<string, NativeTensor>;

export interface OnnxActivationList {
  /** The node's `activations` attribute: per direction f, g, h (LSTM), f, g (GRU), f (RNN). */
  readonly names: readonly string[];
  readonly alpha?: readonly number[];
  readonly beta?: readonly number[];
}

export interface FromNativeOptions {
  /** Units H; inferred from the arrays when absent, checked against them when given. */
  readonly units?: number;
  readonly inputSize?: number;
  readonly name?: string;
  /** Keras `activation` / PyTorch `nonlinearity`: the candidate activation, and for an LSTM also the output one. */
  readonly activation?: string | Activation;
  /** Keras `recurrent_activation`: the gate activation. */
  readonly recurrentActivation?: string | Activation;
  /** Full override, one entry or one per direction. */
  readonly activations?: LayerActivations | readonly LayerActivations[];
  /** ONNX `activations` / `activation_alpha` / `activation_beta`. */
  readonly onnxActivations?: OnnxActivationList;
  /** Keras major version, to resolve the plain name "hard_sigmoid" (0.2x+0.5 in Keras 2, x/6+0.5 in Keras 3). */
  readonly kerasVersion?: 2 | 3;
  /** GRU: Keras reset_after (inferred from the bias shape when a bias is given), ONNX linear_before_reset. */
  readonly resetAfter?: boolean;
  /** Keras Bidirectional / PyTorch bidirectional=True (ONNX: from the D axis or `direction`). */
  readonly bidirectional?: boolean;
  readonly merge?: MergeMode;
  /** ONNX direction attribute. */
  readonly direction?: 'forward' | 'reverse' | 'bidirectional';
  readonly goBackwards?: boolean;
  readonly returnSequences?: boolean;
  readonly clip?: number;
  readonly inputForget?: boolean;
  /** TF1 forget_bias; default 1.0 for the tf1 convention. */
  readonly forgetBias?: number;
  /** TF1 cell_clip. */
  readonly cellClip?: number;
  /** PyTorch layer index k of the `_l{k}` suffix (default 0; bare cell names are accepted for k = 0). */
  readonly layerIndex?: number;
}

export interface ToNativeOptions {
  /** PyTorch layer index for the `_l{k}` suffix; `null` writes bare cell names (weight_ih, ...). Default 0. */
  readonly layerIndex?: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes

interface Dims { readonly I: number; readonly H: number; readonly P: number; readonly D: number }

function evalDim(d: Dim, dims: Dims): number {
  if (typeof d === 'number') return d;
  if (typeof d === 'object') return d.times * dims.H;
  switch (d) {
    case 'I': return dims.I;
    case 'H': return dims.H;
    case 'P': return dims.P;
    case 'D': return dims.D;
    case 'I+H': return dims.I + dims.P;
  }
}

function dimSymbol(d: Dim): string {
  if (typeof d === 'number') return String(d);
  if (typeof d === 'object') return `${d.times}·H`;
  return d;
}

const fmtShape = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

function specShape(spec: ConventionSpec, role: string, resetAfter: boolean | undefined): readonly Dim[] {
  // Keras GRU keeps one (3H,) bias when reset_after=False; the registry lists the default (2, 3H).
  if (spec.id === 'keras' && spec.cell === 'gru' && role === 'bias' && resetAfter === false) return [{ times: 3, of: 'H' }];
  const ts = spec.tensors.find((t) => t.role === role);
  if (!ts) throw new Error(`internal: no tensor ${role} in ${spec.id} ${spec.cell}`);
  return ts.shape;
}

function expected(spec: ConventionSpec, role: string, dims: Dims, resetAfter?: boolean): number[] {
  return specShape(spec, role, resetAfter).map((d) => evalDim(d, dims));
}

function symbolic(spec: ConventionSpec, role: string, resetAfter?: boolean): string {
  return `(${specShape(spec, role, resetAfter).map(dimSymbol).join(', ')})`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, k) => v === b[k]);

function describeDims(spec: ConventionSpec, dims: Dims): string {
  const parts = [`units H=${dims.H}`, `input size I=${dims.I}`];
  if (dims.P !== dims.H) parts.push(`projection P=${dims.P}`);
  if (spec.id === 'onnx') parts.push(`directions D=${dims.D}`);
  return parts.join(', ');
}

/** NaN or ±Infinity would poison every later step: name the array and the element, in the array's own indices. */
function checkFiniteNative(key: string, t: NativeTensor): void {
  const d = t.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (typeof v === 'number' && v - v === 0) continue;
    const idx: number[] = [];
    let rest = k;
    for (let a = t.shape.length - 1; a >= 0; a--) { idx.unshift(rest % t.shape[a]); rest = Math.floor(rest / t.shape[a]); }
    throw new GateLensError('non-finite', `${key}[${idx.join(', ')}] is ${v}; every weight must be a finite number.`);
  }
}

/** Checks one array against the convention's shape and says what it looks like instead when it does not fit. */
function checkTensor(spec: ConventionSpec, role: string, key: string, t: NativeTensor, dims: Dims, resetAfter?: boolean): void {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) {
    throw new GateLensError('shape-mismatch', `${key} declares shape ${fmtShape(t.shape)} (${n} values) but holds ${t.data.length} values.`);
  }
  const want = expected(spec, role, dims, resetAfter);
  if (sameShape(t.shape, want)) { checkFiniteNative(key, t); return; }
  const hints: string[] = [];
  if (t.shape.length === 2 && want.length === 2 && t.shape[0] === want[1] && t.shape[1] === want[0]) {
    hints.push(spec.packedAxis === 'columns'
      ? `it looks transposed: ${spec.framework} stores (in, G·H) matrices used as x·K; a (G·H, in) matrix is the PyTorch/ONNX layout`
      : `it looks transposed: ${spec.framework} stores (G·H, in) matrices used as W·x; an (in, G·H) matrix is the Keras layout`);
  }
  for (const other of spec.tensors) {
    if (other.role === role) continue;
    if (sameShape(t.shape, expected(spec, other.role, dims, resetAfter))) hints.push(`did you pass the ${other.role}?`);
  }
  if (spec.id === 'keras' && spec.cell === 'gru' && role === 'bias') {
    if (sameShape(t.shape, [3 * dims.H])) hints.push('a (3·H,) bias is a GRU with reset_after=False');
    if (sameShape(t.shape, [2, 3 * dims.H])) hints.push('a (2, 3·H) bias is a GRU with reset_after=True');
  }
  const G = gateCount(spec.cell);
  if (t.shape.length >= 1) {
    const packed = spec.packedAxis === 'columns' ? t.shape[t.shape.length - 1] : t.shape[t.shape.length === 3 ? 1 : 0];
    if (packed % G === 0 && packed / G !== dims.H && role !== 'bias' && role !== 'B' && role !== 'P') {
      hints.push(`its packed axis of ${packed} would fit units=${packed / G}`);
    }
  }
  throw new GateLensError('shape-mismatch',
    `${key} has shape ${fmtShape(t.shape)} but ${describeDims(spec, dims)} needs ${symbolic(spec, role, resetAfter)} = ${fmtShape(want)}` +
    (hints.length ? `: ${hints.join('; ')}.` : '.'));
}

// ---------------------------------------------------------------------------------------------------------------
// Block permutations

/** perm[k] = index in the convention's storage order of canonical gate k. */
function canonicalToNative(spec: ConventionSpec): number[] {
  return CANONICAL_GATES[spec.cell].map((gate) => spec.gateOrder.findIndex((g) => g.gate === gate));
}

/** Rows form (G·H × cols) in native gate order → canonical gate order. */
function rowsToCanonical(src: ArrayLike<number>, srcOff: number, perm: readonly number[], H: number, cols: number): Float64Array {
  const out = new Float64Array(perm.length * H * cols);
  const block = H * cols;
  for (let k = 0; k < perm.length; k++) {
    const from = srcOff + perm[k] * block;
    for (let e = 0; e < block; e++) out[k * block + e] = src[from + e];
  }
  return out;
}

/** Canonical rows form → native gate order rows form, written into dst at dstOff. */
function rowsFromCanonical(src: Float64Array, perm: readonly number[], H: number, cols: number, dst: Float64Array, dstOff: number): void {
  const block = H * cols;
  for (let k = 0; k < perm.length; k++) {
    const to = dstOff + perm[k] * block;
    for (let e = 0; e < block; e++) dst[to + e] = src[k * block + e];
  }
}

/**
 * Columns form: `src` is (rows × G·H) row-major starting at row `rowOff`, `nRows` rows used; returns the canonical
 * rows form (G·H × nRows).
 */
function columnsToCanonical(src: ArrayLike<number>, totalCols: number, rowOff: number, nRows: number, perm: readonly number[], H: number): Float64Array {
  const out = new Float64Array(perm.length * H * nRows);
  for (let k = 0; k < perm.length; k++) {
    for (let m = 0; m < H; m++) {
      const col = perm[k] * H + m;
      const outRow = (k * H + m) * nRows;
      for (let j = 0; j < nRows; j++) out[outRow + j] = src[(rowOff + j) * totalCols + col];
    }
  }
  return out;
}

/** Canonical rows (G·H × nRows) → columns form into dst (rows × G·H) starting at row rowOff. */
function columnsFromCanonical(src: Float64Array, perm: readonly number[], H: number, nRows: number, dst: Float64Array, totalCols: number, rowOff: number): void {
  for (let k = 0; k < perm.length; k++) {
    for (let m = 0; m < H; m++) {
      const col = perm[k] * H + m;
      const srcRow = (k * H + m) * nRows;
      for (let j = 0; j < nRows; j++) dst[(rowOff + j) * totalCols + col] = src[srcRow + j];
    }
  }
}

function vectorToCanonical(src: ArrayLike<number>, srcOff: number, perm: readonly number[], H: number): Float64Array {
  return rowsToCanonical(src, srcOff, perm, H, 1);
}

function copyOf(src: ArrayLike<number>, off = 0, n = src.length - off): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = src[off + k];
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Activations

function act(a: string | Activation, kerasVersion: 2 | 3 | undefined): Activation {
  const spec = typeof a === 'string' ? { name: a } : a;
  if (spec.name === 'hard_sigmoid' && kerasVersion) return { ...spec, name: kerasActivationName('hard_sigmoid', kerasVersion) };
  return spec;
}

function defaultActivations(spec: ConventionSpec, opts: FromNativeOptions): LayerActivations {
  const d = spec.defaultActivations;
  const candidate = act(opts.activation ?? d.candidate, opts.kerasVersion);
  const gate = act(opts.recurrentActivation ?? d.gate ?? d.candidate, opts.kerasVersion);
  // Keras and PyTorch LSTMs apply the same `activation` to the candidate and to c before o⊙(·).
  const output = spec.cell === 'lstm' ? (opts.activation !== undefined ? candidate : act(d.output ?? d.candidate, opts.kerasVersion)) : candidate;
  return { gate, candidate, output };
}

/**
 * ONNX activation lists: per direction LSTM f,g,h, GRU f,g, RNN f. alpha/beta values are consumed in list order,
 * only by the activations that take them (onnxruntime rnn_helpers: ActivationFuncs); a list for one direction is
 * repeated for a bidirectional node, as onnxruntime does.
 */
export function onnxActivations(cell: CellKind, list: OnnxActivationList, directions: number): LayerActivations[] {
  const per = cell === 'lstm' ? 3 : cell === 'gru' ? 2 : 1;
  let names = list.names;
  if (directions === 2 && names.length === per) names = [...names, ...names];
  if (names.length !== per * directions) {
    throw new GateLensError('onnx-activations',
      `ONNX ${cell.toUpperCase()} with ${directions} direction(s) needs ${per * directions} activations (${cell === 'lstm' ? 'f, g, h' : cell === 'gru' ? 'f, g' : 'f'} per direction), got ${names.length}: [${list.names.join(', ')}].`);
  }
  const alphas = list.alpha ?? [], betas = list.beta ?? [];
  let ai = 0, bi = 0;
  const resolved: Activation[] = names.map((name) => {
    const probe = resolveActivation(name);
    const params = activationParameters(probe.name);
    const takesAlpha = params.includes('alpha'), takesBeta = params.includes('beta');
    const a: { name: string; alpha?: number; beta?: number } = { name: probe.name };
    if (takesAlpha && ai < alphas.length) a.alpha = alphas[ai++];
    if (takesBeta && bi < betas.length) a.beta = betas[bi++];
    return a;
  });
  const out: LayerActivations[] = [];
  for (let d = 0; d < directions; d++) {
    const f = resolved[d * per], g = resolved[d * per + 1] ?? f, h = resolved[d * per + 2] ?? g;
    out.push(cell === 'simple_rnn' ? { gate: f, candidate: f, output: f } : { gate: f, candidate: g, output: h });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Native → canonical

function get(tensors: NativeTensors, keys: readonly string[]): { key: string; t: NativeTensor } | undefined {
  for (const k of keys) if (tensors[k]) return { key: k, t: tensors[k] };
  return undefined;
}

function requireTensor(spec: ConventionSpec, tensors: NativeTensors, keys: readonly string[], role: string): { key: string; t: NativeTensor } {
  const found = get(tensors, keys);
  if (found) return found;
  const have = Object.keys(tensors);
  throw new GateLensError('missing-array',
    `${spec.framework} ${spec.cell.toUpperCase()} needs the array ${keys[0]} (${role}); got ${have.length ? have.join(', ') : 'no arrays'}.`);
}

function optionalAllowed(spec: ConventionSpec, role: string): boolean {
  return spec.tensors.find((t: TensorSpec) => t.role === role)?.optional === true;
}

function missingNotAllowed(spec: ConventionSpec, key: string): never {
  throw new GateLensError('missing-array', `${spec.framework} ${spec.cell.toUpperCase()} always stores ${key}; it is missing, and zeros would be a guess.`);
}

const zeros = (n: number): Float64Array => new Float64Array(n);

function positiveInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v <= 0) throw new GateLensError('shape-mismatch', `${what} must be a positive whole number; the arrays give ${v}.`);
  return v;
}

function checkUnits(opts: FromNativeOptions, inferred: number, from: string): number {
  if (opts.units !== undefined && opts.units !== inferred) {
    // Let the shape check name the array and say what fits.
    return opts.units;
  }
  return positiveInt(inferred, `units (from ${from})`);
}

interface Built { directions: DirectionWeights[]; dims: Dims; resetAfter?: boolean; useBias: boolean }

function fromKerasLike(spec: ConventionSpec, tensors: NativeTensors, opts: FromNativeOptions): Built {
  const G = gateCount(spec.cell);
  const perm = canonicalToNative(spec);
  const bidir = opts.bidirectional ?? (tensors['backward/kernel'] !== undefined || tensors['backward_kernel'] !== undefined);
  // Keras Bidirectional names its halves forward_<layer> / backward_<layer>; either separator is accepted.
  const prefixes = bidir ? [['forward/', 'forward_', ''], ['backward/', 'backward_']] : [['', 'forward/', 'forward_']];
  const kernel0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'kernel'), 'input kernel');
  let H: number;
  let I: number;
  let P: number;
  if (spec.id === 'tf1') {
    const bias0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'bias'), 'bias');
    H = checkUnits(opts, bias0.t.shape[0] / 4, `${bias0.key} length / 4`);
    const projKey = get(tensors, prefixes[0].map((p) => p + 'projection/kernel'));
    P = projKey ? projKey.t.shape[1] : H;
    I = opts.inputSize ?? kernel0.t.shape[0] - P;
  } else {
    const rk0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'recurrent_kernel'), 'recurrent kernel');
    H = checkUnits(opts, rk0.t.shape[0], `${rk0.key} rows`);
    P = H;
    I = opts.inputSize ?? kernel0.t.shape[0];
  }
  positiveInt(I, 'input size');
  const dims: Dims = { I, H, P, D: 1 };
  let resetAfter: boolean | undefined;
  if (spec.cell === 'gru') {
    if (spec.id === 'keras_cudnn') resetAfter = true;
    else {
      const b = get(tensors, prefixes[0].map((p) => p + 'bias'));
      const fromShape = b ? b.t.shape.length === 2 : undefined;
      if (opts.resetAfter !== undefined && fromShape !== undefined && opts.resetAfter !== fromShape) {
        throw new GateLensError('shape-mismatch',
          `${b!.key} has shape ${fmtShape(b!.t.shape)}, which is a GRU with reset_after=${fromShape ? 'True' : 'False'}, but reset_after=${opts.resetAfter ? 'True' : 'False'} was given.`);
      }
      resetAfter = opts.resetAfter ?? fromShape ?? spec.defaultResetAfter ?? true;
    }
  }
  let useBias = true;
  const directions: DirectionWeights[] = [];
  for (const pre of prefixes) {
    const key = (role: string) => pre.map((p) => p + role);
    const kernel = requireTensor(spec, tensors, key('kernel'), 'input kernel');
    checkTensor(spec, 'kernel', kernel.key, kernel.t, dims, resetAfter);
    const bias = get(tensors, key('bias'));
    if (bias) checkTensor(spec, 'bias', bias.key, bias.t, dims, resetAfter);
    else if (!optionalAllowed(spec, 'bias')) missingNotAllowed(spec, key('bias')[0]);
    else useBias = false;
    let W: Float64Array, R: Float64Array;
    let bW = zeros(G * H), bR = zeros(G * H);
    let peephole: Float64Array | undefined, proj: Float64Array | undefined;
    if (spec.id === 'tf1') {
      W = columnsToCanonical(kernel.t.data, G * H, 0, I, perm, H);
      R = columnsToCanonical(kernel.t.data, G * H, I, P, perm, H);
      bW = vectorToCanonical(bias!.t.data, 0, perm, H);
      const diag = ['w_i_diag', 'w_f_diag', 'w_o_diag'].map((r) => get(tensors, key(r)));
      const alt = ['wci', 'wcf', 'wco'].map((r) => get(tensors, key(r)));
      const peeps = diag.some(Boolean) ? diag : alt;
      if (peeps.some(Boolean)) {
        peephole = new Float64Array(3 * H);
        peeps.forEach((p, k) => {
          if (!p) throw new GateLensError('missing-array', `TF1 peepholes come as three vectors (w_i_diag, w_f_diag, w_o_diag); ${['w_i_diag', 'w_f_diag', 'w_o_diag'][k]} is missing.`);
          if (!sameShape(p.t.shape, [H])) throw new GateLensError('shape-mismatch', `${p.key} has shape ${fmtShape(p.t.shape)} but units H=${H} needs (H,) = (${H},).`);
          checkFiniteNative(p.key, p.t);
          for (let m = 0; m < H; m++) peephole![k * H + m] = p.t.data[m];
        });
      }
      const pk = get(tensors, key('projection/kernel'));
      if (pk) {
        if (!sameShape(pk.t.shape, [H, P])) throw new GateLensError('shape-mismatch', `${pk.key} has shape ${fmtShape(pk.t.shape)} but needs (H, P) = (${H}, ${P}).`);
        checkFiniteNative(pk.key, pk.t);
        proj = new Float64Array(P * H);
        for (let m = 0; m < P; m++) for (let j = 0; j < H; j++) proj[m * H + j] = pk.t.data[j * P + m];
      }
    } else {
      const rk = requireTensor(spec, tensors, key('recurrent_kernel'), 'recurrent kernel');
      checkTensor(spec, 'recurrent_kernel', rk.key, rk.t, dims, resetAfter);
      if (spec.id === 'keras_cudnn') {
        W = new Float64Array(G * H * I);
        R = new Float64Array(G * H * H);
        const kd = kernel.t.data, rd = rk.t.data;
        for (let k = 0; k < G; k++) {
          const nb = perm[k];
          // The (I, H) block's C-order buffer, read as (H, I): element p of the buffer is block[p / H][p % H].
          for (let p = 0; p < H * I; p++) W[k * H * I + p] = kd[Math.floor(p / H) * G * H + nb * H + (p % H)];
          for (let m = 0; m < H; m++) for (let j = 0; j < H; j++) R[(k * H + m) * H + j] = rd[m * G * H + nb * H + j];
        }
        bW = vectorToCanonical(bias!.t.data, 0, perm, H);
        bR = vectorToCanonical(bias!.t.data, G * H, perm, H);
      } else {
        W = columnsToCanonical(kernel.t.data, G * H, 0, I, perm, H);
        R = columnsToCanonical(rk.t.data, G * H, 0, H, perm, H);
        if (bias) {
          if (bias.t.shape.length === 2) {
            bW = vectorToCanonical(bias.t.data, 0, perm, H);
            bR = vectorToCanonical(bias.t.data, G * H, perm, H);
          } else bW = vectorToCanonical(bias.t.data, 0, perm, H);
        }
      }
    }
    directions.push({ W, R, bW, bR, ...(peephole ? { peephole } : {}), ...(proj ? { proj } : {}) });
  }
  return { directions, dims, resetAfter, useBias };
}

function fromPytorch(spec: ConventionSpec, tensors: NativeTensors, opts: FromNativeOptions): Built {
  const G = gateCount(spec.cell);
  const perm = canonicalToNative(spec);
  const k = opts.layerIndex ?? 0;
  const names = (role: string, suffix: string) => (k === 0 ? [`${role}_l0${suffix}`, `${role}${suffix}`] : [`${role}_l${k}${suffix}`]);
  const bidir = opts.bidirectional ?? (get(tensors, names('weight_ih', '_reverse')) !== undefined);
  const suffixes = bidir ? ['', '_reverse'] : [''];
  const wih0 = requireTensor(spec, tensors, names('weight_ih', ''), 'input weights');
  const whh0 = requireTensor(spec, tensors, names('weight_hh', ''), 'recurrent weights');
  const H = checkUnits(opts, whh0.t.shape[0] / G, `${whh0.key} rows / ${G}`);
  const whr0 = spec.cell === 'lstm' ? get(tensors, names('weight_hr', '')) : undefined;
  const P = whr0 ? whr0.t.shape[0] : H;
  const I = opts.inputSize ?? wih0.t.shape[1];
  positiveInt(I, 'input size');
  const dims: Dims = { I, H, P, D: 1 };
  let useBias = true;
  const directions: DirectionWeights[] = [];
  for (const suf of suffixes) {
    const wih = requireTensor(spec, tensors, names('weight_ih', suf), 'input weights');
    const whh = requireTensor(spec, tensors, names('weight_hh', suf), 'recurrent weights');
    checkTensor(spec, 'weight_ih', wih.key, wih.t, dims);
    checkTensor(spec, 'weight_hh', whh.key, whh.t, dims);
    const bih = get(tensors, names('bias_ih', suf)), bhh = get(tensors, names('bias_hh', suf));
    if (!!bih !== !!bhh) {
      throw new GateLensError('missing-array', `PyTorch stores bias_ih and bias_hh together (bias=True) or neither (bias=False); only ${(bih ?? bhh)!.key} is present.`);
    }
    if (bih) { checkTensor(spec, 'bias_ih', bih.key, bih.t, dims); checkTensor(spec, 'bias_hh', bhh!.key, bhh!.t, dims); } else useBias = false;
    let proj: Float64Array | undefined;
    if (spec.cell === 'lstm') {
      const whr = get(tensors, names('weight_hr', suf));
      if (!!whr !== !!whr0) throw new GateLensError('missing-array', `proj_size applies to both directions: ${names('weight_hr', whr ? '' : suf)[0]} is missing.`);
      if (whr) { checkTensor(spec, 'weight_hr', whr.key, whr.t, dims); proj = copyOf(whr.t.data); }
    }
    directions.push({
      W: rowsToCanonical(wih.t.data, 0, perm, H, I),
      R: rowsToCanonical(whh.t.data, 0, perm, H, P),
      bW: bih ? vectorToCanonical(bih.t.data, 0, perm, H) : zeros(G * H),
      bR: bhh ? vectorToCanonical(bhh!.t.data, 0, perm, H) : zeros(G * H),
      ...(proj ? { proj } : {}),
    });
  }
  return { directions, dims, resetAfter: spec.cell === 'gru' ? true : undefined, useBias };
}

function fromOnnx(spec: ConventionSpec, tensors: NativeTensors, opts: FromNativeOptions): Built {
  const G = gateCount(spec.cell);
  const perm = canonicalToNative(spec);
  const W0 = requireTensor(spec, tensors, ['W'], 'input weights W');
  const R0 = requireTensor(spec, tensors, ['R'], 'recurrent weights R');
  if (W0.t.shape.length !== 3) throw new GateLensError('shape-mismatch', `W has shape ${fmtShape(W0.t.shape)} but ONNX stores W as [D, ${G}·H, I] (three axes, D = num_directions first).`);
  if (R0.t.shape.length !== 3) throw new GateLensError('shape-mismatch', `R has shape ${fmtShape(R0.t.shape)} but ONNX stores R as [D, ${G}·H, H] (three axes, D = num_directions first).`);
  const D = opts.direction ? (opts.direction === 'bidirectional' ? 2 : 1) : W0.t.shape[0];
  const H = checkUnits(opts, R0.t.shape[2], 'R last axis');
  const I = opts.inputSize ?? W0.t.shape[2];
  positiveInt(I, 'input size');
  const dims: Dims = { I, H, P: H, D };
  checkTensor(spec, 'W', 'W', W0.t, dims);
  checkTensor(spec, 'R', 'R', R0.t, dims);
  const B = get(tensors, ['B']);
  const Pp = spec.cell === 'lstm' ? get(tensors, ['P']) : undefined;
  if (B) checkTensor(spec, 'B', 'B', B.t, dims);
  if (Pp) checkTensor(spec, 'P', 'P', Pp.t, dims);
  const directions: DirectionWeights[] = [];
  for (let d = 0; d < D; d++) {
    let peephole: Float64Array | undefined;
    if (Pp) {
      peephole = new Float64Array(3 * H);
      // ONNX P is i, o, f; canonical is i, f, o (onnx/reference/ops/op_lstm.py: `[p_i, p_o, p_f] = np.split(P, 3)`).
      const src = Pp.t.data, off = d * 3 * H;
      for (let m = 0; m < H; m++) { peephole[m] = src[off + m]; peephole[H + m] = src[off + 2 * H + m]; peephole[2 * H + m] = src[off + H + m]; }
    }
    directions.push({
      W: rowsToCanonical(W0.t.data, d * G * H * I, perm, H, I),
      R: rowsToCanonical(R0.t.data, d * G * H * H, perm, H, H),
      bW: B ? vectorToCanonical(B.t.data, d * 2 * G * H, perm, H) : zeros(G * H),
      bR: B ? vectorToCanonical(B.t.data, d * 2 * G * H + G * H, perm, H) : zeros(G * H),
      ...(peephole ? { peephole } : {}),
    });
  }
  return { directions, dims, resetAfter: spec.cell === 'gru' ? (opts.resetAfter ?? false) : undefined, useBias: !!B };
}

/** Native arrays of one layer (one PyTorch layer index) → canonical RecurrentLayer. */
export function fromNative(conventionId: ConventionId, cell: CellKind, tensors: NativeTensors, options: FromNativeOptions = {}): RecurrentLayer {
  const spec = convention(conventionId, cell);
  const built = conventionId === 'pytorch' ? fromPytorch(spec, tensors, options)
    : conventionId === 'onnx' ? fromOnnx(spec, tensors, options)
      : fromKerasLike(spec, tensors, options);
  const D = built.directions.length;
  if (options.direction === 'reverse' && D !== 1) throw new GateLensError('onnx-direction', `direction="reverse" needs W with D = 1, got D = ${D}.`);
  if (options.direction === 'forward' && D !== 1) throw new GateLensError('onnx-direction', `direction="forward" needs W with D = 1, got D = ${D}.`);
  let activations: LayerActivations | readonly LayerActivations[];
  if (options.activations) activations = options.activations;
  else if (options.onnxActivations) activations = onnxActivations(cell, options.onnxActivations, D);
  else activations = defaultActivations(spec, options);
  // Resolve now so an unknown or ambiguous name fails at conversion, where the user can still see the config.
  for (const a of Array.isArray(activations) ? activations : [activations as LayerActivations]) {
    resolveActivation(a.gate); resolveActivation(a.candidate); resolveActivation(a.output);
  }
  const { dims } = built;
  const layer: RecurrentLayer = {
    kind: 'recurrent',
    ...(options.name !== undefined ? { name: options.name } : {}),
    cell,
    units: dims.H,
    inputSize: dims.I,
    ...(dims.P !== dims.H ? { projSize: dims.P } : {}),
    directions: built.directions,
    activations,
    ...(built.resetAfter !== undefined ? { resetAfter: built.resetAfter } : {}),
    ...(options.clip !== undefined ? { clip: options.clip } : {}),
    ...(options.inputForget ? { inputForget: true } : {}),
    ...(conventionId === 'tf1' ? { forgetBias: options.forgetBias ?? 1.0 } : options.forgetBias !== undefined ? { forgetBias: options.forgetBias } : {}),
    ...(options.cellClip !== undefined && options.cellClip > 0 ? { cellClip: options.cellClip } : {}),
    ...(options.goBackwards ? { goBackwards: true } : {}),
    ...(options.direction === 'reverse' ? { reverse: true } : {}),
    ...(D === 2 ? { merge: options.merge ?? 'concat' } : {}),
    ...(options.returnSequences !== undefined ? { returnSequences: options.returnSequences } : {}),
    ...(built.useBias ? {} : { useBias: false }),
    source: conventionId,
  };
  return layer;
}

/** PyTorch `num_layers` > 1: every `_l{k}` layer, the input size of layer k > 0 being D·Hout. */
export function fromNativeStack(conventionId: 'pytorch', cell: CellKind, tensors: NativeTensors, options: FromNativeOptions = {}): RecurrentLayer[] {
  const layers: RecurrentLayer[] = [];
  for (let k = 0; ; k++) {
    if (!tensors[`weight_ih_l${k}`] && !(k === 0 && tensors['weight_ih'])) break;
    const prev = layers[k - 1];
    const inputSize = prev ? prev.directions.length * (prev.projSize ?? prev.units) : options.inputSize;
    layers.push(fromNative(conventionId, cell, tensors, { ...options, layerIndex: k, ...(inputSize !== undefined ? { inputSize } : {}) }));
  }
  if (!layers.length) throw new GateLensError('missing-array', `No PyTorch layer found: expected weight_ih_l0; got ${Object.keys(tensors).join(', ') || 'no arrays'}.`);
  return layers;
}

// ---------------------------------------------------------------------------------------------------------------
// Activations across frameworks

const ONNX_BY_CODE: Partial<Record<ActCode, string>> = {
  [ActCode.Tanh]: 'Tanh', [ActCode.Sigmoid]: 'Sigmoid', [ActCode.Relu]: 'Relu', [ActCode.Affine]: 'Affine', [ActCode.LeakyRelu]: 'LeakyRelu',
  [ActCode.ThresholdedRelu]: 'ThresholdedRelu', [ActCode.ScaledTanh]: 'ScaledTanh', [ActCode.HardSigmoid]: 'HardSigmoid', [ActCode.Elu]: 'Elu',
  [ActCode.Softsign]: 'Softsign', [ActCode.Softplus]: 'Softplus',
};

/**
 * The same function under the target framework's name, or undefined when that framework has no such activation.
 * Keras names cannot carry parameters, so parametrised functions map only at Keras's own defaults.
 */
export function activationIn(conventionId: ConventionId, a: Activation): Activation | undefined {
  const r = resolveActivation(a);
  if (conventionId === 'onnx') {
    if (r.code === ActCode.Linear) return { name: 'Affine', alpha: 1, beta: 0 };
    // Keras 3's relu6(x+3)/6 is HardSigmoid(1/6, 0.5) up to the last bit.
    if (r.code === ActCode.Relu6Shift) return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 };
    const name = ONNX_BY_CODE[r.code];
    if (!name) return undefined;
    const params = activationParameters(name);
    return { name, ...(params.includes('alpha') ? { alpha: r.alpha } : {}), ...(params.includes('beta') ? { beta: r.beta } : {}) };
  }
  if (conventionId === 'pytorch') {
    return r.code === ActCode.Tanh ? { name: 'tanh' } : r.code === ActCode.Relu ? { name: 'relu' } : r.code === ActCode.Sigmoid ? { name: 'sigmoid' } : undefined;
  }
  // Keras, TF1 and cuDNN use Keras names.
  if (r.code === ActCode.HardSigmoid) return r.alpha === 0.2 && r.beta === 0.5 ? { name: 'hard_sigmoid_keras2' } : undefined;
  if (r.code === ActCode.Affine) return r.alpha === 1 && r.beta === 0 ? { name: 'linear' } : undefined;
  const keras = ACTIVATION_NAMES.find((n) => /^[a-z0-9_]+$/.test(n) && n !== 'swish' && n !== 'hard_swish' && n !== 'gelu_tanh' && resolveActivation(n).code === r.code);
  if (!keras) return undefined;
  const def = resolveActivation(keras);
  return def.alpha === r.alpha && def.beta === r.beta ? { name: keras } : undefined;
}

/** Throws when the target framework cannot compute this layer's activations. */
function checkActivations(layer: RecurrentLayer, spec: ConventionSpec): void {
  const list: readonly LayerActivations[] = Array.isArray(layer.activations) ? layer.activations : [layer.activations as LayerActivations];
  const id = spec.id;
  const same = (a: Activation, b: Activation) => {
    const x = resolveActivation(a), y = resolveActivation(b);
    return x.code === y.code && x.alpha === y.alpha && x.beta === y.beta;
  };
  list.forEach((a, d) => {
    if (id !== 'onnx' && d > 0 && !(same(a.gate, list[0].gate) && same(a.candidate, list[0].candidate) && same(a.output, list[0].output))) {
      incompatible(layer, spec, 'its two directions use different activations, which only ONNX can express');
    }
    const used = layer.cell === 'lstm' ? [a.gate, a.candidate, a.output] : layer.cell === 'gru' ? [a.gate, a.candidate] : [a.candidate];
    for (const fn of used) if (!activationIn(id, fn)) incompatible(layer, spec, `${spec.framework} has no activation equal to ${resolveActivation(fn).formula}`);
    const fixed = id === 'pytorch' || id === 'keras_cudnn' ? (layer.cell === 'simple_rnn' ? null : { gate: 'sigmoid', candidate: 'tanh' }) : null;
    if (fixed && (!same(a.gate, { name: fixed.gate }) || !same(a.candidate, { name: fixed.candidate }) || (layer.cell === 'lstm' && !same(a.output, { name: 'tanh' })))) {
      incompatible(layer, spec, `its ${layer.cell.toUpperCase()} activations are fixed to sigmoid and tanh`);
    }
    if (layer.cell === 'simple_rnn' && id === 'pytorch' && !['tanh', 'relu'].includes(activationIn(id, a.candidate)!.name)) {
      incompatible(layer, spec, 'nn.RNN offers only tanh and relu');
    }
    if (layer.cell === 'lstm' && id !== 'onnx' && !same(a.candidate, a.output)) {
      incompatible(layer, spec, 'its LSTM applies one `activation` to both the candidate and the cell output');
    }
    if ((id === 'tf1') && !same(a.gate, { name: 'sigmoid' })) incompatible(layer, spec, 'TF1 LSTM cells fix the gate activation to sigmoid');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical → native

function incompatible(layer: RecurrentLayer, spec: ConventionSpec, why: string): never {
  throw new GateLensError('not-representable', `This ${layer.cell.toUpperCase()} cannot be written as ${spec.framework}: ${why}.`);
}

const isZero = (v: Float64Array | undefined): boolean => !v || v.every((x) => x === 0);

function sumBias(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  // Adding a zero recurrent bias must leave the input bias bit-identical, −0 included.
  for (let k = 0; k < a.length; k++) out[k] = b[k] === 0 ? a[k] : a[k] + b[k];
  return out;
}

function tensor(shape: number[], data: Float64Array): NativeTensor {
  return { shape, data };
}

/** Canonical RecurrentLayer → the arrays a framework stores (shapes and names as that framework writes them). */
export function toNative(layer: RecurrentLayer, conventionId: ConventionId, options: ToNativeOptions = {}): NativeTensors {
  const spec = convention(conventionId, layer.cell);
  const G = gateCount(layer.cell);
  const H = layer.units, I = layer.inputSize, P = layer.projSize ?? H;
  const D = layer.directions.length;
  const perm = canonicalToNative(spec);
  const hasPeep = layer.directions.some((d) => d.peephole);
  const hasProj = layer.directions.some((d) => d.proj);
  const withBias = layer.useBias !== false;
  const out: NativeTensors = {};
  if (layer.inputForget && conventionId !== 'onnx') incompatible(layer, spec, 'input_forget (f = 1 − i) exists only in ONNX');
  if (layer.clip !== undefined && conventionId !== 'onnx') incompatible(layer, spec, 'clip of the gate pre-activations exists only in ONNX');
  if (layer.cellClip !== undefined && conventionId !== 'tf1') incompatible(layer, spec, 'cell_clip exists only in TF1');
  if (hasPeep && conventionId !== 'onnx' && conventionId !== 'tf1') incompatible(layer, spec, 'it has peepholes');
  if (hasProj && conventionId !== 'pytorch' && conventionId !== 'tf1') incompatible(layer, spec, 'it has a projection (proj_size)');
  if (layer.forgetBias !== undefined && layer.forgetBias !== 0 && conventionId !== 'tf1') {
    incompatible(layer, spec, `forget_bias=${layer.forgetBias} is a TF1 run-time constant (fold it into the f bias first)`);
  }
  if (layer.reverse && conventionId !== 'onnx') incompatible(layer, spec, 'direction="reverse" with time-aligned outputs exists only in ONNX (Keras go_backwards returns reversed outputs)');
  if (layer.goBackwards && conventionId !== 'keras') incompatible(layer, spec, 'go_backwards exists only in Keras');
  if (D === 2 && conventionId === 'onnx' && layer.merge && layer.merge !== 'concat' && layer.merge !== 'none') {
    incompatible(layer, spec, `ONNX returns both directions separately; merge_mode "${layer.merge}" is a Keras layer option`);
  }
  // Only a convention with a separate recurrent bias can keep bR apart. Elsewhere bR folds into the single bias,
  // which is exact for every gate whose recurrent bias sits outside the reset gate.
  const separateRecurrentBias = conventionId === 'keras' && layer.cell === 'gru' ? layer.resetAfter !== false : spec.bias !== 'single';
  if (layer.cell === 'gru') {
    const ra = layer.resetAfter !== false;
    if (conventionId === 'pytorch' && !ra) incompatible(layer, spec, 'PyTorch GRUs always apply the reset gate after the recurrent matmul (reset_after=True)');
    if (conventionId === 'keras_cudnn' && !ra) incompatible(layer, spec, 'cuDNN GRUs always apply the reset gate after the recurrent matmul (reset_after=True)');
  }
  checkActivations(layer, spec);
  const layerIndex = options.layerIndex === undefined ? 0 : options.layerIndex;

  if (conventionId === 'onnx') {
    const Wd = new Float64Array(D * G * H * I), Rd = new Float64Array(D * G * H * H), Bd = new Float64Array(D * 2 * G * H);
    const Pd = hasPeep ? new Float64Array(D * 3 * H) : undefined;
    layer.directions.forEach((dw, d) => {
      rowsFromCanonical(dw.W, perm, H, I, Wd, d * G * H * I);
      rowsFromCanonical(dw.R, perm, H, H, Rd, d * G * H * H);
      rowsFromCanonical(dw.bW, perm, H, 1, Bd, d * 2 * G * H);
      rowsFromCanonical(dw.bR, perm, H, 1, Bd, d * 2 * G * H + G * H);
      if (Pd && dw.peephole) {
        const p = dw.peephole, off = d * 3 * H;
        for (let m = 0; m < H; m++) { Pd[off + m] = p[m]; Pd[off + H + m] = p[2 * H + m]; Pd[off + 2 * H + m] = p[H + m]; }
      }
    });
    out['W'] = tensor([D, G * H, I], Wd);
    out['R'] = tensor([D, G * H, H], Rd);
    if (withBias) out['B'] = tensor([D, 2 * G * H], Bd);
    if (Pd) out['P'] = tensor([D, 3 * H], Pd);
    return out;
  }

  layer.directions.forEach((dw, d) => {
    if (conventionId === 'pytorch') {
      const suffix = (layerIndex === null ? '' : `_l${layerIndex}`) + (d === 1 ? '_reverse' : '');
      const wih = new Float64Array(G * H * I), whh = new Float64Array(G * H * P);
      rowsFromCanonical(dw.W, perm, H, I, wih, 0);
      rowsFromCanonical(dw.R, perm, H, P, whh, 0);
      out[`weight_ih${suffix}`] = tensor([G * H, I], wih);
      out[`weight_hh${suffix}`] = tensor([G * H, P], whh);
      if (withBias) {
        const bih = new Float64Array(G * H), bhh = new Float64Array(G * H);
        rowsFromCanonical(dw.bW, perm, H, 1, bih, 0);
        rowsFromCanonical(dw.bR, perm, H, 1, bhh, 0);
        out[`bias_ih${suffix}`] = tensor([G * H], bih);
        out[`bias_hh${suffix}`] = tensor([G * H], bhh);
      }
      if (dw.proj) out[`weight_hr${suffix}`] = tensor([P, H], copyOf(dw.proj));
      return;
    }
    const prefix = D === 2 ? (d === 1 ? 'backward/' : 'forward/') : '';
    if (conventionId === 'tf1') {
      const kernel = new Float64Array((I + P) * G * H);
      columnsFromCanonical(dw.W, perm, H, I, kernel, G * H, 0);
      columnsFromCanonical(dw.R, perm, H, P, kernel, G * H, I);
      out[`${prefix}kernel`] = tensor([I + P, G * H], kernel);
      const b = new Float64Array(G * H);
      rowsFromCanonical(sumBias(dw.bW, dw.bR), perm, H, 1, b, 0);
      out[`${prefix}bias`] = tensor([G * H], b);
      if (dw.peephole) {
        ['w_i_diag', 'w_f_diag', 'w_o_diag'].forEach((r, k) => { out[`${prefix}${r}`] = tensor([H], dw.peephole!.slice(k * H, (k + 1) * H)); });
      }
      if (dw.proj) {
        const pk = new Float64Array(H * P);
        for (let m = 0; m < P; m++) for (let j = 0; j < H; j++) pk[j * P + m] = dw.proj[m * H + j];
        out[`${prefix}projection/kernel`] = tensor([H, P], pk);
      }
      return;
    }
    if (conventionId === 'keras_cudnn') {
      const kernel = new Float64Array(I * G * H), rk = new Float64Array(H * G * H);
      for (let k = 0; k < G; k++) {
        const nb = perm[k];
        for (let p = 0; p < H * I; p++) kernel[Math.floor(p / H) * G * H + nb * H + (p % H)] = dw.W[k * H * I + p];
        for (let m = 0; m < H; m++) for (let j = 0; j < H; j++) rk[m * G * H + nb * H + j] = dw.R[(k * H + m) * H + j];
      }
      const b = new Float64Array(2 * G * H);
      rowsFromCanonical(dw.bW, perm, H, 1, b, 0);
      rowsFromCanonical(dw.bR, perm, H, 1, b, G * H);
      out[`${prefix}kernel`] = tensor([I, G * H], kernel);
      out[`${prefix}recurrent_kernel`] = tensor([H, G * H], rk);
      out[`${prefix}bias`] = tensor([2 * G * H], b);
      return;
    }
    // Keras
    const kernel = new Float64Array(I * G * H), rk = new Float64Array(H * G * H);
    columnsFromCanonical(dw.W, perm, H, I, kernel, G * H, 0);
    columnsFromCanonical(dw.R, perm, H, H, rk, G * H, 0);
    out[`${prefix}kernel`] = tensor([I, G * H], kernel);
    out[`${prefix}recurrent_kernel`] = tensor([H, G * H], rk);
    if (!withBias) {
      if (!isZero(dw.bW) || !isZero(dw.bR)) incompatible(layer, spec, 'useBias is false but the biases are not zero');
      return;
    }
    if (separateRecurrentBias) {
      const b = new Float64Array(2 * G * H);
      rowsFromCanonical(dw.bW, perm, H, 1, b, 0);
      rowsFromCanonical(dw.bR, perm, H, 1, b, G * H);
      out[`${prefix}bias`] = tensor([2, G * H], b);
    } else {
      const b = new Float64Array(G * H);
      rowsFromCanonical(sumBias(dw.bW, dw.bR), perm, H, 1, b, 0);
      out[`${prefix}bias`] = tensor([G * H], b);
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Framework configs (the option names each framework uses; see test/fixtures/conformance/FORMAT.md)

/**
 * Config keys that never change an inference pass: provenance, training-only settings (dropout is off at inference,
 * initialisers and regularisers act before or during training), and what is returned rather than computed. A full
 * Keras get_config() or PyTorch constructor call therefore reads without complaint.
 */
const INFORMATIONAL_KEYS = new Set([
  'name', 'activation_impl', 'conversion', 'layer_class', 'op', 'time_distributed', 'batch_first', 'dtype', 'trainable',
  'dropout', 'recurrent_dropout', 'unroll', 'implementation', 'stateful', 'return_state', 'unit_forget_bias', 'seed', 'use_cudnn',
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
  'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'device',
]);

const CONFIG_KEYS: Record<ConventionId, readonly string[]> = {
  keras: ['units', 'activation', 'recurrent_activation', 'use_bias', 'reset_after', 'go_backwards', 'return_sequences', 'bidirectional', 'keras_version_semantics', 'keras_version'],
  keras_cudnn: ['units', 'return_sequences', 'go_backwards', 'bidirectional'],
  pytorch: ['input_size', 'hidden_size', 'num_layers', 'bias', 'bidirectional', 'proj_size', 'nonlinearity'],
  onnx: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'input_forget', 'linear_before_reset', 'layout'],
  tf1: ['units', 'forget_bias', 'cell_clip', 'use_peephole', 'use_peepholes', 'num_proj'],
};

function unsupported(conv: ConventionId, key: string, value: unknown, why: string): never {
  throw new GateLensError('unsupported-option', `${conv} option ${key}=${JSON.stringify(value)} is not supported: ${why}.`);
}

/**
 * A framework's own layer config (Keras get_config() names, PyTorch constructor arguments, ONNX attributes, TF1 cell
 * arguments) → conversion options. An option that would change the numbers and that the core does not implement is
 * an error, never ignored.
 */
export function optionsFromConfig(conventionId: ConventionId, config: Readonly<Record<string, unknown>>): FromNativeOptions {
  const known = CONFIG_KEYS[conventionId];
  for (const key of Object.keys(config)) {
    if (!known.includes(key) && !INFORMATIONAL_KEYS.has(key)) {
      unsupported(conventionId, key, config[key], `Gate Lens knows ${known.join(', ')}`);
    }
  }
  const num = (k: string): number | undefined => (typeof config[k] === 'number' ? (config[k] as number) : undefined);
  const str = (k: string): string | undefined => (typeof config[k] === 'string' ? (config[k] as string) : undefined);
  const opts: { -readonly [K in keyof FromNativeOptions]: FromNativeOptions[K] } = {};
  const name = str('name');
  if (name !== undefined) opts.name = name;
  switch (conventionId) {
    case 'keras':
    case 'keras_cudnn': {
      if (num('units') !== undefined) opts.units = num('units');
      if (config['activation'] !== undefined) opts.activation = str('activation') ?? unsupported(conventionId, 'activation', config['activation'], 'give the activation by name');
      if (config['recurrent_activation'] !== undefined) {
        opts.recurrentActivation = str('recurrent_activation') ?? unsupported(conventionId, 'recurrent_activation', config['recurrent_activation'], 'give the activation by name');
      }
      const semantics = config['keras_version_semantics'] as { hard_sigmoid?: string } | undefined;
      const version = semantics?.hard_sigmoid ?? (typeof config['keras_version'] === 'string' ? (config['keras_version'] as string) : undefined);
      if (version !== undefined) opts.kerasVersion = /^(keras)?2/.test(version) ? 2 : 3;
      if (typeof config['reset_after'] === 'boolean') opts.resetAfter = config['reset_after'];
      if (config['go_backwards'] === true) opts.goBackwards = true;
      if (typeof config['return_sequences'] === 'boolean') opts.returnSequences = config['return_sequences'];
      const bidi = config['bidirectional'] as { merge_mode?: string | null } | boolean | undefined;
      if (bidi) {
        opts.bidirectional = true;
        const mode = typeof bidi === 'object' ? bidi.merge_mode : 'concat';
        const merge = mode === null || mode === 'none' ? 'none' : (mode ?? 'concat');
        if (!['concat', 'sum', 'mul', 'ave', 'none'].includes(merge)) unsupported(conventionId, 'merge_mode', mode, 'Keras Bidirectional merges by concat, sum, mul, ave or None');
        opts.merge = merge as MergeMode;
      }
      break;
    }
    case 'pytorch': {
      if (num('input_size') !== undefined) opts.inputSize = num('input_size');
      if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
      if (config['bidirectional'] === true) opts.bidirectional = true;
      if (str('nonlinearity') !== undefined) {
        const nl = str('nonlinearity')!;
        if (nl !== 'tanh' && nl !== 'relu') unsupported(conventionId, 'nonlinearity', nl, "PyTorch RNN accepts 'tanh' or 'relu'");
        opts.activation = nl;
      }
      break;
    }
    case 'onnx': {
      if ((num('layout') ?? 0) !== 0) unsupported(conventionId, 'layout', config['layout'], 'only layout=0 (X as [T, N, I]) is implemented, as in onnxruntime');
      if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
      const direction = str('direction');
      if (direction !== undefined) {
        if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') unsupported(conventionId, 'direction', direction, 'ONNX directions are forward, reverse, bidirectional');
        opts.direction = direction;
      }
      if (Array.isArray(config['activations'])) {
        opts.onnxActivations = {
          names: config['activations'] as string[],
          ...(Array.isArray(config['activation_alpha']) ? { alpha: config['activation_alpha'] as number[] } : {}),
          ...(Array.isArray(config['activation_beta']) ? { beta: config['activation_beta'] as number[] } : {}),
        };
      }
      if (num('clip') !== undefined) opts.clip = num('clip');
      if (num('input_forget') === 1) opts.inputForget = true;
      if (num('linear_before_reset') !== undefined) opts.resetAfter = num('linear_before_reset') === 1;
      break;
    }
    case 'tf1': {
      if (num('units') !== undefined) opts.units = num('units');
      opts.forgetBias = num('forget_bias') ?? 1;
      const cc = num('cell_clip');
      if (cc !== undefined && cc > 0) opts.cellClip = cc;
      break;
    }
  }
  return opts;
}

/** The framework config that goes with `toNative(layer, conventionId)` (the same names optionsFromConfig reads). */
export function configFromLayer(layer: RecurrentLayer, conventionId: ConventionId): Record<string, unknown> {
  const spec = convention(conventionId, layer.cell);
  const D = layer.directions.length;
  const acts = (Array.isArray(layer.activations) ? layer.activations[0] : layer.activations) as LayerActivations;
  checkActivations(layer, spec);
  const plain = (a: Activation): string => activationIn(conventionId, a)!.name.replace(/^hard_sigmoid_keras[23]$/, 'hard_sigmoid');
  switch (conventionId) {
    case 'keras':
    case 'keras_cudnn': {
      const cfg: Record<string, unknown> = { units: layer.units };
      if (conventionId === 'keras') {
        cfg['activation'] = plain(acts.candidate);
        if (layer.cell !== 'simple_rnn') cfg['recurrent_activation'] = plain(acts.gate);
        cfg['use_bias'] = layer.useBias !== false;
        if (layer.cell === 'gru') cfg['reset_after'] = layer.resetAfter !== false;
        const hs = [acts.gate, acts.candidate, acts.output].map((a) => activationIn(conventionId, a)!.name).find((n) => /^hard_sigmoid_keras[23]$/.test(n));
        if (hs) cfg['keras_version_semantics'] = { hard_sigmoid: hs.endsWith('2') ? 'keras2' : 'keras3' };
      }
      cfg['go_backwards'] = layer.goBackwards === true;
      cfg['return_sequences'] = layer.returnSequences !== false;
      if (D === 2) cfg['bidirectional'] = { merge_mode: layer.merge === 'none' ? null : (layer.merge ?? 'concat') };
      return cfg;
    }
    case 'pytorch': {
      const cfg: Record<string, unknown> = {
        input_size: layer.inputSize, hidden_size: layer.units, num_layers: 1, bias: layer.useBias !== false, bidirectional: D === 2, batch_first: true,
      };
      if (layer.cell === 'lstm') cfg['proj_size'] = layer.projSize ?? 0;
      if (layer.cell === 'simple_rnn') cfg['nonlinearity'] = plain(acts.candidate);
      return cfg;
    }
    case 'onnx': {
      const cfg: Record<string, unknown> = {
        hidden_size: layer.units, direction: D === 2 ? 'bidirectional' : layer.reverse ? 'reverse' : 'forward', layout: 0,
      };
      const list: readonly LayerActivations[] = Array.isArray(layer.activations) ? layer.activations : [layer.activations as LayerActivations];
      const names: string[] = [], alpha: number[] = [], beta: number[] = [];
      for (let d = 0; d < D; d++) {
        const a = list[Math.min(d, list.length - 1)];
        const fns = layer.cell === 'lstm' ? [a.gate, a.candidate, a.output] : layer.cell === 'gru' ? [a.gate, a.candidate] : [a.candidate];
        for (const fn of fns) {
          const o = activationIn('onnx', fn)!;
          names.push(o.name);
          if (o.alpha !== undefined) alpha.push(o.alpha);
          if (o.beta !== undefined) beta.push(o.beta);
        }
      }
      const defaults = D * (layer.cell === 'lstm' ? 3 : layer.cell === 'gru' ? 2 : 1);
      const per = layer.cell === 'lstm' ? ['Sigmoid', 'Tanh', 'Tanh'] : layer.cell === 'gru' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
      const isDefault = names.length === defaults && names.every((n, k) => n === per[k % per.length]);
      if (!isDefault) {
        cfg['activations'] = names;
        if (alpha.length) cfg['activation_alpha'] = alpha;
        if (beta.length) cfg['activation_beta'] = beta;
      }
      if (layer.clip !== undefined) cfg['clip'] = layer.clip;
      if (layer.inputForget) cfg['input_forget'] = 1;
      if (layer.cell === 'gru') cfg['linear_before_reset'] = layer.resetAfter === true ? 1 : 0;
      return cfg;
    }
    case 'tf1': {
      const cfg: Record<string, unknown> = { units: layer.units, forget_bias: layer.forgetBias ?? 0, cell_clip: layer.cellClip ?? -1, use_peephole: layer.directions[0].peephole !== undefined };
      if (layer.projSize !== undefined) cfg['num_proj'] = layer.projSize;
      return cfg;
    }
  }
  throw new Error(`internal: no config for ${spec.id}`);
}
