// The pieces of the NumPy generator that each convention adapter uses to write its own arrays: Python literals for
// float64 arrays and the small matrix reshuffles. The adapters' numpyLayout() returns a NumpyLayout.

import type { DirectionWeights, RecurrentLayer } from '../model';
import type { ConventionSpec } from '../conventions/types';

export function num(value: number, digits?: number): string {
  if (Number.isNaN(value)) return 'np.nan';
  if (!Number.isFinite(value)) return value > 0 ? 'np.inf' : '-np.inf';
  // JavaScript's shortest round-trip form parses back to the same double in Python.
  return digits === undefined ? String(value) : String(Number(value.toPrecision(digits)));
}

/** A nested Python list literal for row-major `values` of `shape`. */
export function pyList(values: ArrayLike<number>, shape: readonly number[], digits?: number): string {
  const walk = (offset: number, axis: number): string => {
    if (axis === shape.length) return num(values[offset], digits);
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const items: string[] = [];
    for (let k = 0; k < shape[axis]; k++) items.push(walk(offset + k * stride, axis + 1));
    const sep = axis === shape.length - 1 ? ', ' : `,\n${' '.repeat(4 + axis + 1)}`;
    return `[${items.join(sep)}]`;
  };
  return shape.length === 0 ? num(values[0], digits) : walk(0, 0);
}

export function pyArray(values: ArrayLike<number>, shape: readonly number[], digits?: number): string {
  return `np.array(${pyList(values, shape, digits)}, dtype=np.float64)`;
}

/** Rows of the (G·H × K) canonical matrix, regrouped into the convention's gate order. */
export function permuteRows(matrix: Float64Array, K: number, units: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(matrix.length);
  const block = units * K;
  order.forEach((canonicalBlock, k) => out.set(matrix.subarray(canonicalBlock * block, (canonicalBlock + 1) * block), k * block));
  return out;
}

export function transpose(matrix: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c];
  return out;
}

export function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, k) => v + b[k]);
}

export function concat(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface DirectionParams {
  /** Python assignments creating the arrays of this direction (or shared arrays on direction 0). */
  readonly arrays: string[];
  /** The dict literal passed to step() for this direction. */
  readonly dict: string;
}

/** One direction's canonical weights regrouped into the convention's gate order (rows form). */
export interface PermutedDirection {
  readonly W: Float64Array;
  readonly R: Float64Array;
  readonly bW: Float64Array;
  readonly bR: Float64Array;
  readonly w: DirectionWeights;
}

export interface NumpyLayoutInput {
  readonly layer: RecurrentLayer;
  readonly spec: ConventionSpec;
  readonly perDir: readonly PermutedDirection[];
  readonly digits: number | undefined;
  readonly H: number;
  readonly I: number;
  /** Recurrent input width: the projection size when there is one. */
  readonly Hr: number;
  readonly GH: number;
  readonly D: number;
  readonly useBias: boolean;
  readonly resetAfter: boolean;
  readonly notes: string[];
}

export interface NumpyLayout {
  readonly spec: ConventionSpec;
  /** Packed axis length G·H and unit count. */
  readonly GH: number;
  readonly H: number;
  readonly params: DirectionParams[];
  readonly notes: string[];
  /** Python for the packed input part x·W (+ its bias) and the recurrent part h·U (+ its bias), one time step. */
  readonly xw: string;
  readonly hu: (h: string) => string;
  /** Python for the recurrent part of one gate block k on a given h (reset-before GRU). */
  readonly huBlock: (h: string, k: number) => string;
  /** TF1 computes the whole pre-activation with one matmul on concat([x, h]). */
  readonly pre?: string;
  /** Python for the projection of the LSTM output, if any. */
  readonly project?: (h: string) => string;
}

export const blockSlice = (H: number, k: number): string => `${k * H}:${(k + 1) * H}`;
