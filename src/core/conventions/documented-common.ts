// What the documented conventions (MATLAB, MXNet, PaddlePaddle, MindSpore, Core ML, TFLite, OpenVINO, TensorRT,
// oneDNN, cuDNN, MLX) share: activation name tables, one direction of gate blocks read from / written to per-gate
// arrays or a packed matrix, the NumPy code written as an equivalent run-verified layout, and candidate arrays named
// as the adapter names them. Not an adapter itself; no framework is named here.

import { resolveActivation } from '../activations';
import { GateLensError, type Activation, type DirectionWeights, type RecurrentLayer } from '../model';
import { permuteRows } from '../codegen/numpy-arrays';
import type { NumpyLayout, NumpyLayoutInput } from '../codegen/numpy-arrays';
import { CANONICAL_GATES, gateCount } from './gates';
import { checkFiniteNative, fmtShape, get, incompatible, rowsFromCanonical, rowsToCanonical, type Found } from './layout';
import type { CandidateArrays, CellKind, ConventionAdapter, ConventionSpec, NativeTensor, NativeTensors } from './types';

/** The core's activation name among `names` that computes the same function, or undefined. */
export function activationAmong(names: readonly string[]): (a: Activation) => Activation | undefined {
  return (a) => {
    const r = resolveActivation(a);
    const hit = names.find((n) => {
      const d = resolveActivation(n);
      return d.code === r.code && d.alpha === r.alpha && d.beta === r.beta;
    });
    return hit ? { name: hit } : undefined;
  };
}

/** The layer's activations (one entry; conventions without per-direction activations were checked by convert.ts). */
export function firstActivations(layer: RecurrentLayer): { gate: Activation; candidate: Activation; output: Activation } {
  return Array.isArray(layer.activations) ? layer.activations[0] : (layer.activations as { gate: Activation; candidate: Activation; output: Activation });
}

/** Checks a native array's shape exactly, naming the array, what it holds and what was expected. */
export function checkShape(spec: ConventionSpec, f: Found, want: readonly number[], what: string): void {
  const n = f.t.shape.reduce((a, b) => a * b, 1);
  if (f.t.data.length !== n) throw new GateLensError('shape-mismatch', `${f.key} declares shape ${fmtShape(f.t.shape)} (${n} values) but holds ${f.t.data.length} values.`);
  const same = f.t.shape.length === want.length && f.t.shape.every((v, k) => v === want[k]);
  if (!same) throw new GateLensError('shape-mismatch', `${f.key} (${what}) has shape ${fmtShape(f.t.shape)}; ${spec.framework} ${spec.cell.toUpperCase()} needs ${fmtShape(want)} here.`);
  checkFiniteNative(f.key, f.t);
}

/** The first of `keys` present, or the refusal that names it (never a zero stand-in). */
export function need(spec: ConventionSpec, tensors: NativeTensors, keys: readonly string[], what: string): Found {
  const f = get(tensors, keys);
  if (f) return f;
  const have = Object.keys(tensors);
  throw new GateLensError('missing-array', `${spec.framework} ${spec.cell.toUpperCase()} needs ${keys[0]} (${what}); got ${have.length ? have.join(', ') : 'no arrays'}.`);
}

/** Refuses arrays that change the numbers in a way the canonical layer cannot express. */
export function refuseIfPresent(spec: ConventionSpec, tensors: NativeTensors, test: RegExp, why: string): void {
  const hit = Object.keys(tensors).find((k) => test.test(k));
  if (hit) throw new GateLensError('not-representable', `${spec.framework} ${spec.cell.toUpperCase()}: ${hit} is present, and ${why}; Gate Lens does not guess what it would change.`);
}

/** Per-gate arrays in storage order (each H × cols, or H for a vector) → one canonical packed block. */
export function perGateToCanonical(spec: ConventionSpec, parts: readonly ArrayLike<number>[], H: number, cols: number): Float64Array {
  const G = gateCount(spec.cell);
  const packed = new Float64Array(G * H * cols);
  parts.forEach((p, slot) => { for (let e = 0; e < H * cols; e++) packed[slot * H * cols + e] = p[e]; });
  return rowsToCanonical(packed, 0, nativePerm(spec), H, cols);
}

/** One canonical packed block → per-gate arrays in storage order. */
export function canonicalToPerGate(spec: ConventionSpec, canonical: Float64Array, H: number, cols: number): Float64Array[] {
  const G = gateCount(spec.cell);
  const packed = new Float64Array(G * H * cols);
  rowsFromCanonical(canonical, nativePerm(spec), H, cols, packed, 0);
  return Array.from({ length: G }, (_, slot) => packed.slice(slot * H * cols, (slot + 1) * H * cols));
}

/** perm[k] = storage slot of canonical gate k. */
export function nativePerm(spec: ConventionSpec): number[] {
  return CANONICAL_GATES[spec.cell].map((gate) => spec.gateOrder.findIndex((g) => g.gate === gate));
}

/** Adds b to a (a copy), leaving a bit-identical where b is zero (−0 included). */
export function plus(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = b[k] === 0 ? a[k] : a[k] + b[k];
  return out;
}

/**
 * One bias for every gate, as frameworks without a recurrent bias store it: bW + bR. Exact for LSTM, SimpleRNN and a
 * reset-before GRU; a reset-after GRU's candidate recurrent bias sits inside r ⊙ (·), so there it must be zero.
 */
export function singleBias(layer: RecurrentLayer, spec: ConventionSpec, dw: DirectionWeights): Float64Array {
  const H = layer.units;
  if (layer.cell === 'gru' && layer.resetAfter !== false && dw.bR.subarray(2 * H).some((v) => v !== 0)) {
    incompatible(layer, spec, 'its candidate\'s recurrent bias sits inside r ⊙ (R_n·h + b_Rn), and this layout has one bias per gate outside the reset gate');
  }
  return plus(dw.bW, dw.bR);
}

/** A direction read from canonical blocks (the bias split the adapter decided). */
export function direction(W: Float64Array, R: Float64Array, bW: Float64Array, bR: Float64Array, peephole?: Float64Array): DirectionWeights {
  return { W, R, bW, bR, ...(peephole ? { peephole } : {}) };
}

export const tensorOf = (shape: number[], data: Float64Array): NativeTensor => ({ shape, data });

/** A layer's units as the arrays say, checked positive. */
export function unitsFrom(spec: ConventionSpec, f: Found, value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new GateLensError('shape-mismatch', `${f.key} ${fmtShape(f.t.shape)} gives ${what} ${value}; ${spec.framework} needs a positive whole number.`);
  return value;
}

/**
 * NumPy code for a documented convention: written as the equivalent layer of a run-verified convention whose arrays
 * have the same meaning (the note says which), so the generated step is one already checked against its framework.
 */
export function numpyAs(via: ConventionAdapter, viaSpecOf: (cell: CellKind) => ConventionSpec, note: string): (input: NumpyLayoutInput) => NumpyLayout {
  return (input) => {
    const spec = viaSpecOf(input.layer.cell);
    const canonical = CANONICAL_GATES[input.layer.cell];
    const order = spec.gateOrder.map((g) => canonical.indexOf(g.gate));
    const { I, H, Hr } = input;
    const perDir = input.perDir.map((p) => ({
      W: permuteRows(p.w.W, I, H, order), R: permuteRows(p.w.R, Hr, H, order), bW: permuteRows(p.w.bW, 1, H, order), bR: permuteRows(p.w.bR, 1, H, order), w: p.w,
    }));
    input.notes.push(note);
    return via.numpyLayout({ ...input, spec, perDir });
  };
}

/** Candidate arrays as native tensors: role names as they are, the second direction under `prefix`. */
export function prefixedCandidates(prefix: string): (arrays: CandidateArrays) => NativeTensors {
  return (arrays) => {
    const out: NativeTensors = {};
    arrays.forEach((t, d) => {
      for (const [r, a] of Object.entries(t)) if (a) out[`${d === 1 ? prefix : ''}${r}`] = { shape: a.shape, data: a.values };
    });
    return out;
  };
}

/** A positive number from a config, or the refusal. */
export function configFlag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : typeof value === 'number' ? value !== 0 : undefined;
}

/** The names one direction's rows-packed arrays go by: W (G·H, I), R (G·H, H), and the two biases (G·H). */
export interface RowsKeys { readonly W: readonly string[]; readonly R: readonly string[]; readonly bW: readonly string[]; readonly bR: readonly string[] }

/**
 * Rows-packed layers with an input and a recurrent bias (the PyTorch layout under other names): each direction's
 * arrays checked and brought to canonical order. A GRU's candidate recurrent bias sits inside r ⊙ (·).
 */
export function readRowsTwoBias(spec: ConventionSpec, tensors: NativeTensors, dirs: readonly RowsKeys[], opts: { readonly units?: number; readonly inputSize?: number }, projected = false): { directions: DirectionWeights[]; I: number; H: number; P: number; useBias: boolean } {
  const G = gateCount(spec.cell);
  const R0 = need(spec, tensors, dirs[0].R, 'recurrent weights');
  const W0 = need(spec, tensors, dirs[0].W, 'input weights');
  // A projected LSTM's recurrent weights are (G·H, P): H then comes from the input weights' rows.
  const H = unitsFrom(spec, projected ? W0 : R0, opts.units ?? (projected ? (W0.t.shape.length === 2 ? W0.t.shape[0] / G : NaN) : (R0.t.shape.length === 2 ? R0.t.shape[1] : NaN)), 'units');
  const P = projected ? unitsFrom(spec, R0, R0.t.shape.length === 2 ? R0.t.shape[1] : NaN, 'projection size') : H;
  const I = unitsFrom(spec, W0, opts.inputSize ?? (W0.t.shape.length === 2 ? W0.t.shape[1] : NaN), 'input size');
  const perm = nativePerm(spec);
  let useBias = true;
  const directions = dirs.map((keys) => {
    const W = need(spec, tensors, keys.W, 'input weights'), R = need(spec, tensors, keys.R, 'recurrent weights');
    checkShape(spec, W, [G * H, I], 'input weights');
    checkShape(spec, R, [G * H, P], 'recurrent weights');
    const bW = get(tensors, keys.bW), bR = get(tensors, keys.bR);
    if (!!bW !== !!bR) throw new GateLensError('missing-array', `${spec.framework} stores the input and the recurrent bias together or neither; only ${(bW ?? bR)!.key} is present.`);
    if (bW) { checkShape(spec, bW, [G * H], 'input bias'); checkShape(spec, bR!, [G * H], 'recurrent bias'); } else useBias = false;
    return direction(rowsToCanonical(W.t.data, 0, perm, H, I), rowsToCanonical(R.t.data, 0, perm, H, P),
      bW ? rowsToCanonical(bW.t.data, 0, perm, H, 1) : new Float64Array(G * H), bR ? rowsToCanonical(bR!.t.data, 0, perm, H, 1) : new Float64Array(G * H));
  });
  return { directions, I, H, P, useBias };
}

/** Canonical direction → rows-packed W, R and the two biases in the convention's gate order. */
export function writeRowsTwoBias(spec: ConventionSpec, layer: RecurrentLayer, dw: DirectionWeights): { W: NativeTensor; R: NativeTensor; bW: NativeTensor; bR: NativeTensor } {
  const G = gateCount(spec.cell), H = layer.units, I = layer.inputSize, P = layer.projSize ?? H;
  const perm = nativePerm(spec);
  const W = new Float64Array(G * H * I), R = new Float64Array(G * H * P), bW = new Float64Array(G * H), bR = new Float64Array(G * H);
  rowsFromCanonical(dw.W, perm, H, I, W, 0);
  rowsFromCanonical(dw.R, perm, H, P, R, 0);
  rowsFromCanonical(dw.bW, perm, H, 1, bW, 0);
  rowsFromCanonical(dw.bR, perm, H, 1, bR, 0);
  return { W: tensorOf([G * H, I], W), R: tensorOf([G * H, P], R), bW: tensorOf([G * H], bW), bR: tensorOf([G * H], bR) };
}

/** Per-gate array names of one cell, in storage order: input and recurrent matrices, and the biases the layout has. */
export interface PerGateRoles {
  readonly W: readonly string[];
  readonly R: readonly string[];
  /** One bias per gate (Core ML, TFLite) or the input bias of a two-bias layout (TensorRT, cuDNN). */
  readonly bW?: readonly string[];
  readonly bR?: readonly string[];
  /** LSTM peepholes in canonical order i, f, o. */
  readonly peephole?: readonly string[];
}

/**
 * One direction read from per-gate arrays (matrices (H, I) and (H, H) used as W·x, vectors (H)) under `prefix`.
 * Biases and peepholes are all present or all absent; a partial set is refused, never filled with zeros.
 */
export function readPerGate(spec: ConventionSpec, tensors: NativeTensors, roles: PerGateRoles, prefix: string, dims: { I: number; H: number }): { dw: DirectionWeights; useBias: boolean } {
  const { I, H } = dims;
  const mats = (names: readonly string[], cols: number, what: string) => names.map((r) => {
    const f = need(spec, tensors, [prefix + r], what);
    checkShape(spec, f, [H, cols], what);
    return f.t.data;
  });
  const vectors = (names: readonly string[] | undefined, what: string): ArrayLike<number>[] | undefined => {
    if (!names) return undefined;
    const found = names.map((r) => get(tensors, [prefix + r]));
    if (found.every((f) => !f)) return undefined;
    const missing = names.filter((_, k) => !found[k]).map((r) => prefix + r);
    if (missing.length) throw new GateLensError('missing-array', `${spec.framework} ${spec.cell.toUpperCase()}: ${missing.join(', ')} missing while the other ${what} are present; zeros would be a guess.`);
    return found.map((f) => { checkShape(spec, f!, [H], what); return f!.t.data; });
  };
  const G = gateCount(spec.cell);
  const bW = vectors(roles.bW, 'biases'), bR = vectors(roles.bR, 'recurrent biases');
  if (roles.bR && !!bW !== !!bR) throw new GateLensError('missing-array', `${spec.framework} stores input and recurrent biases together or neither; only the ${bW ? 'input' : 'recurrent'} ones are present.`);
  const peep = vectors(roles.peephole, 'peepholes');
  return {
    dw: direction(
      perGateToCanonical(spec, mats(roles.W, I, 'input weights'), H, I), perGateToCanonical(spec, mats(roles.R, H, 'recurrent weights'), H, H),
      bW ? perGateToCanonical(spec, bW, H, 1) : new Float64Array(G * H), bR ? perGateToCanonical(spec, bR, H, 1) : new Float64Array(G * H),
      peep ? Float64Array.from(peep.flatMap((p) => Array.from(p))) : undefined),
    useBias: bW !== undefined,
  };
}

/** One direction written as per-gate arrays under `prefix` (single-bias layouts fold the recurrent bias in, checked). */
export function writePerGate(spec: ConventionSpec, layer: RecurrentLayer, dw: DirectionWeights, roles: PerGateRoles, prefix: string, withBias: boolean, out: NativeTensors): void {
  const H = layer.units, I = layer.inputSize;
  canonicalToPerGate(spec, dw.W, H, I).forEach((m, k) => { out[prefix + roles.W[k]] = tensorOf([H, I], m); });
  canonicalToPerGate(spec, dw.R, H, H).forEach((m, k) => { out[prefix + roles.R[k]] = tensorOf([H, H], m); });
  if (withBias && roles.bW) {
    const single = roles.bR ? dw.bW : singleBias(layer, spec, dw);
    canonicalToPerGate(spec, single, H, 1).forEach((v, k) => { out[prefix + roles.bW![k]] = tensorOf([H], v); });
    if (roles.bR) canonicalToPerGate(spec, dw.bR, H, 1).forEach((v, k) => { out[prefix + roles.bR![k]] = tensorOf([H], v); });
  }
  if (dw.peephole && roles.peephole) roles.peephole.forEach((r, k) => { out[prefix + r] = tensorOf([H], dw.peephole!.slice(k * H, (k + 1) * H)); });
}

/** Units and input size from the first gate's matrices under `prefix`. */
export function perGateDims(spec: ConventionSpec, tensors: NativeTensors, roles: PerGateRoles, prefix: string, opts: { readonly units?: number; readonly inputSize?: number }): { I: number; H: number } {
  const W = need(spec, tensors, [prefix + roles.W[0]], 'input weights'), R = need(spec, tensors, [prefix + roles.R[0]], 'recurrent weights');
  const H = unitsFrom(spec, R, opts.units ?? (R.t.shape.length === 2 ? R.t.shape[0] : NaN), 'units');
  const I = unitsFrom(spec, W, opts.inputSize ?? (W.t.shape.length === 2 ? W.t.shape[1] : NaN), 'input size');
  return { I, H };
}

/** `inputGateWeightMatrix` → "input gate weight matrix" (a role title from the framework's own field name). */
export const camelWords = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
