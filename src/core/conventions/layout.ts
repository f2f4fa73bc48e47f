// Helpers every adapter uses to move between a framework's arrays and the canonical form (model.ts): shape checks
// with messages that say what the array looks like instead, gate-block permutations for rows- and columns-packed
// matrices, and the small array utilities. No convention is named here.

import { GateLensError, type DirectionWeights } from '../model';
import { CANONICAL_GATES, gateCount } from './gates';
import type { ConventionSpec, Dim, Dims, FromNativeOptions, NativeTensor, NativeTensors, TensorSpec } from './types';

export function evalDim(d: Dim, dims: Dims): number {
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

export const fmtShape = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, k) => v === b[k]);

/** Shape overrides an adapter may give for a role (Keras GRU reset_after=False keeps one (3H,) bias). */
export interface ShapeRules {
  readonly shapeOf?: (role: string) => readonly Dim[] | undefined;
  /** Extra hints when the array does not fit ("a (3·H,) bias is a GRU with reset_after=False"). */
  readonly hints?: (role: string, shape: readonly number[], dims: Dims) => string[];
  /** The dims worth naming in a message (ONNX adds D). */
  readonly describe?: (dims: Dims) => string[];
}

function specShape(spec: ConventionSpec, role: string, rules: ShapeRules): readonly Dim[] {
  const override = rules.shapeOf?.(role);
  if (override) return override;
  const ts = spec.tensors.find((t) => t.role === role);
  if (!ts) throw new Error(`internal: no tensor ${role} in ${spec.id} ${spec.cell}`);
  return ts.shape;
}

export function expectedShape(spec: ConventionSpec, role: string, dims: Dims, rules: ShapeRules = {}): number[] {
  return specShape(spec, role, rules).map((d) => evalDim(d, dims));
}

function symbolic(spec: ConventionSpec, role: string, rules: ShapeRules): string {
  return `(${specShape(spec, role, rules).map(dimSymbol).join(', ')})`;
}

function describeDims(dims: Dims, rules: ShapeRules): string {
  const parts = [`units H=${dims.H}`, `input size I=${dims.I}`];
  if (dims.P !== dims.H) parts.push(`projection P=${dims.P}`);
  parts.push(...(rules.describe?.(dims) ?? []));
  return parts.join(', ');
}

/** NaN or ±Infinity would poison every later step: name the array and the element, in the array's own indices. */
export function checkFiniteNative(key: string, t: NativeTensor): void {
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
export function checkTensor(spec: ConventionSpec, role: string, key: string, t: NativeTensor, dims: Dims, rules: ShapeRules = {}): void {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) {
    throw new GateLensError('shape-mismatch', `${key} declares shape ${fmtShape(t.shape)} (${n} values) but holds ${t.data.length} values.`);
  }
  const want = expectedShape(spec, role, dims, rules);
  if (sameShape(t.shape, want)) { checkFiniteNative(key, t); return; }
  const hints: string[] = [];
  if (t.shape.length === 2 && want.length === 2 && t.shape[0] === want[1] && t.shape[1] === want[0]) {
    hints.push(spec.packedAxis === 'rows'
      ? `it looks transposed: ${spec.framework} stores (G·H, in) matrices used as W·x; an (in, G·H) matrix is the Keras layout`
      : spec.packedAxis === 'columns'
        ? `it looks transposed: ${spec.framework} stores (in, G·H) matrices used as x·K; a (G·H, in) matrix is the PyTorch/ONNX layout`
        : `it looks transposed: ${spec.framework} stores ${fmtShape(want)}`);
  }
  for (const other of spec.tensors) {
    if (other.role === role) continue;
    if (sameShape(t.shape, expectedShape(spec, other.role, dims, rules))) hints.push(`did you pass the ${other.role}?`);
  }
  hints.push(...(rules.hints?.(role, t.shape, dims) ?? []));
  const G = gateCount(spec.cell);
  if (t.shape.length >= 1 && spec.packedAxis !== 'per_gate') {
    const packed = spec.packedAxis === 'columns' ? t.shape[t.shape.length - 1] : t.shape[t.shape.length === 3 ? 1 : 0];
    if (packed % G === 0 && packed / G !== dims.H && role !== 'bias' && role !== 'B' && role !== 'P') {
      hints.push(`its packed axis of ${packed} would fit units=${packed / G}`);
    }
  }
  throw new GateLensError('shape-mismatch',
    `${key} has shape ${fmtShape(t.shape)} but ${describeDims(dims, rules)} needs ${symbolic(spec, role, rules)} = ${fmtShape(want)}` +
    (hints.length ? `: ${hints.join('; ')}.` : '.'));
}

// ---------------------------------------------------------------------------------------------------------------
// Block permutations

/** perm[k] = index in the convention's storage order of canonical gate k. */
export function canonicalToNative(spec: ConventionSpec): number[] {
  return CANONICAL_GATES[spec.cell].map((gate) => spec.gateOrder.findIndex((g) => g.gate === gate));
}

/** Rows form (G·H × cols) in native gate order → canonical gate order. */
export function rowsToCanonical(src: ArrayLike<number>, srcOff: number, perm: readonly number[], H: number, cols: number): Float64Array {
  const out = new Float64Array(perm.length * H * cols);
  const block = H * cols;
  for (let k = 0; k < perm.length; k++) {
    const from = srcOff + perm[k] * block;
    for (let e = 0; e < block; e++) out[k * block + e] = src[from + e];
  }
  return out;
}

/** Canonical rows form → native gate order rows form, written into dst at dstOff. */
export function rowsFromCanonical(src: Float64Array, perm: readonly number[], H: number, cols: number, dst: Float64Array, dstOff: number): void {
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
export function columnsToCanonical(src: ArrayLike<number>, totalCols: number, rowOff: number, nRows: number, perm: readonly number[], H: number): Float64Array {
  if (moduleTranspose && src instanceof Float64Array && perm.length * H * nRows >= MODULE_TRANSPOSE_FROM) {
    const transposed = moduleTranspose(src, totalCols, rowOff, nRows, perm, H);
    if (transposed) return transposed;
  }
  const out = new Float64Array(perm.length * H * nRows);
  // A transpose: a few source rows at a time, so each source cache line is read for consecutive columns while it is
  // still cached, and each output row is written a cache line at a time (a column at a time strides a whole row).
  for (let j0 = 0; j0 < nRows; j0 += TRANSPOSE_ROWS) {
    const j1 = Math.min(nRows, j0 + TRANSPOSE_ROWS);
    for (let k = 0; k < perm.length; k++) {
      const first = perm[k] * H;
      for (let m = 0; m < H; m++) {
        const outRow = (k * H + m) * nRows;
        let at = (rowOff + j0) * totalCols + first + m;
        for (let j = j0; j < j1; j++, at += totalCols) out[outRow + j] = src[at];
      }
    }
  }
  return out;
}

/** Source rows per pass of columnsToCanonical: 8 doubles fill one 64-byte cache line of an output row. */
const TRANSPOSE_ROWS = 8;
/** From this many values the WebAssembly module transposes (kernels/wasm.ts); below, the copies in and out cost more. */
const MODULE_TRANSPOSE_FROM = 16384;

type ColumnTranspose = (src: Float64Array, totalCols: number, rowOff: number, nRows: number, perm: readonly number[], H: number) => Float64Array | undefined;
let moduleTranspose: ColumnTranspose | undefined;

/**
 * Installed by the WebAssembly kernels (kernels/wasm.ts) when their module is bundled: columnsToCanonical's transpose
 * in WebAssembly, with the same numbers. Installed from there, not imported here, so that what reads conventions
 * without running anything (the model editor's page) does not carry the kernels.
 */
export function useModuleTranspose(transpose: ColumnTranspose): void {
  moduleTranspose = transpose;
}

/** Canonical rows (G·H × nRows) → columns form into dst (rows × G·H) starting at row rowOff. */
export function columnsFromCanonical(src: Float64Array, perm: readonly number[], H: number, nRows: number, dst: Float64Array, totalCols: number, rowOff: number): void {
  for (let k = 0; k < perm.length; k++) {
    for (let m = 0; m < H; m++) {
      const col = perm[k] * H + m;
      const srcRow = (k * H + m) * nRows;
      for (let j = 0; j < nRows; j++) dst[(rowOff + j) * totalCols + col] = src[srcRow + j];
    }
  }
}

export function vectorToCanonical(src: ArrayLike<number>, srcOff: number, perm: readonly number[], H: number): Float64Array {
  return rowsToCanonical(src, srcOff, perm, H, 1);
}

/**
 * A direction whose canonical W and R are built when first read. Recognising a layer (inspect, hovers, the gate
 * table) checks every native array but reads no canonical matrix; a run or an export reads each once. On that first
 * read the property becomes the plain array, so later reads and the array's identity are those of an eager copy.
 * For a 21.9 MB pasted LSTM(384) this is the 7.9 MB copy (and its page faults) that inspect no longer makes.
 */
export function deferredMatrices(W: () => Float64Array, R: () => Float64Array, rest: Omit<DirectionWeights, 'W' | 'R'>): DirectionWeights {
  const direction = {} as Record<string, unknown>;
  deferred(direction, 'W', W);
  deferred(direction, 'R', R);
  return Object.assign(direction, rest) as unknown as DirectionWeights;
}

function deferred(target: Record<string, unknown>, key: string, make: () => Float64Array): void {
  const settle = (value: unknown) => Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = make();
      settle(value);
      return value;
    },
    set: settle,
  });
}

export function copyOf(src: ArrayLike<number>, off = 0, n = src.length - off): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = src[off + k];
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Looking arrays up

export type Found = { key: string; t: NativeTensor };

export function get(tensors: NativeTensors, keys: readonly string[]): Found | undefined {
  for (const k of keys) if (tensors[k]) return { key: k, t: tensors[k] };
  return undefined;
}

export function requireTensor(spec: ConventionSpec, tensors: NativeTensors, keys: readonly string[], role: string): Found {
  const found = get(tensors, keys);
  if (found) return found;
  const have = Object.keys(tensors);
  throw new GateLensError('missing-array',
    `${spec.framework} ${spec.cell.toUpperCase()} needs the array ${keys[0]} (${role}); got ${have.length ? have.join(', ') : 'no arrays'}.`);
}

export function optionalAllowed(spec: ConventionSpec, role: string): boolean {
  return spec.tensors.find((t: TensorSpec) => t.role === role)?.optional === true;
}

export function missingNotAllowed(spec: ConventionSpec, key: string): never {
  throw new GateLensError('missing-array', `${spec.framework} ${spec.cell.toUpperCase()} always stores ${key}; it is missing, and zeros would be a guess.`);
}

export const zeros = (n: number): Float64Array => new Float64Array(n);

export function positiveInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v <= 0) throw new GateLensError('shape-mismatch', `${what} must be a positive whole number; the arrays give ${v}.`);
  return v;
}

export function checkUnits(opts: FromNativeOptions, inferred: number, from: string): number {
  // A given units that disagrees is left to the shape check, which names the array and says what fits.
  if (opts.units !== undefined && opts.units !== inferred) return opts.units;
  return positiveInt(inferred, `units (from ${from})`);
}

export function sumBias(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  // Adding a zero recurrent bias must leave the input bias bit-identical, −0 included.
  for (let k = 0; k < a.length; k++) out[k] = b[k] === 0 ? a[k] : a[k] + b[k];
  return out;
}

export function tensor(shape: number[], data: Float64Array): NativeTensor {
  return { shape, data };
}

export const isZero = (v: Float64Array | undefined): boolean => !v || v.every((x) => x === 0);

export function incompatible(layer: { readonly cell: string }, spec: ConventionSpec, why: string): never {
  throw new GateLensError('not-representable', `This ${layer.cell.toUpperCase()} cannot be written as ${spec.framework}: ${why}.`);
}
