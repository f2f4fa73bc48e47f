import type { ExtractedArray, ParseResult } from '../../../src/core/parse/types';

/** Deterministic, non-trivial values so conversions are checked on real numbers (no 1.0 unless asked). */
export function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed * 7919 + 17;
  for (let k = 0; k < n; k++) {
    s = (s * 48271) % 2147483647;
    out[k] = Math.round(((s / 2147483647) * 1.2 - 0.6) * 1e8) / 1e8;
  }
  return out;
}

export interface ArraySpec {
  readonly name?: string;
  readonly shape: readonly number[];
  readonly data?: ArrayLike<number>;
  readonly list?: number;
}

/** A ParseResult built by hand: array ranges sit past the end of any test text, so they never hide code. */
export function parsed(specs: readonly ArraySpec[]): ParseResult {
  const listPositions = new Map<number, number>();
  const arrays: ExtractedArray[] = specs.map((s, index) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = s.data ? Float64Array.from(s.data) : values(n, index + 1);
    if (data.length !== n) throw new Error(`test array ${s.name ?? index}: ${data.length} values for shape ${s.shape}`);
    let list: ExtractedArray['list'];
    if (s.list !== undefined) {
      const position = listPositions.get(s.list) ?? 0;
      listPositions.set(s.list, position + 1);
      list = { id: s.list, position };
    }
    return {
      index, ...(s.name !== undefined ? { name: s.name } : {}), shape: [...s.shape], values: data,
      range: { start: 1_000_000 + index * 10, end: 1_000_000 + index * 10 + 5 }, form: 'python_literal', ...(list ? { list } : {}),
    };
  });
  return { arrays, diagnostics: [] };
}

export const SEED_KERNEL = [-0.40927699, -0.53539848, 0.40065038, -0.07722378, 0.30405849, 0.54959822, -0.23097005, 0.4720422, 0.05197877, -0.52746099, -0.5856396, -0.43691438];
export const SEED_RECURRENT = [0.16435402, -0.27625594, -0.55083177, -0.58016684, 0.37592429, 0.49530669, 0.12796293, 0.27539587, 0.05234999, 0.52208691, 0.37902426, -0.5967138,
  0.42888513, -0.55969731, 0.27558654, -0.38921326, 0.43581471, 0.04975346, -0.24034573, -0.09277533, -0.56601639, -0.45086007, 0.2047493, 0.17662741,
  0.13846213, -0.13958693, 0.59665192, 0.57700241, 0.22265038, 0.18055113, 0.22613608, -0.13329429, -0.43788419, 0.26578601, 0.03042519, -0.22770975];
export const SEED_BIAS = [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0];
