// WebAssembly's relaxed SIMD (fused multiply-add in the kernels) for the `gate-lens` command on Node 20. Node ≥ 22,
// Electron and Chromium ship it, so the extension's worker and the CLI on a current Node already run the FMA kernels;
// Node 20's V8 (11.3) has the same instructions behind a flag. Turning the flag on before the kernels compile gives
// Node 20 those kernels too: the forward pass ~12 % faster (docs/benchmarks.md, session 11), and the same numbers
// as on every other host that has FMA (they differ from plain SIMD by about one ulp; README, Limits).

import { setFlagsFromString } from 'node:v8';

/** (func (param v128 v128 v128) (result v128) f64x2.relaxed_madd): validates exactly where relaxed SIMD is on. */
const RELAXED_PROBE = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b,
  3, 2, 1, 0,
  10, 13, 1, 11, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x87, 2, 0x0b,
]);

export type RelaxedSimd = 'shipped' | 'enabled' | 'unavailable';

function validates(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/**
 * Turns relaxed SIMD on where this V8 has it behind its flag. Call it before anything compiles the kernels. A V8 that
 * ships the feature no longer knows the flag (and prints an error for it), and one before 11 never had it: the flag is
 * set only on V8 11.
 */
export function enableRelaxedSimd(v8Version: string = process.versions.v8): RelaxedSimd {
  if (validates()) return 'shipped';
  if (Number.parseInt(v8Version, 10) !== 11) return 'unavailable';
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return validates() ? 'enabled' : 'unavailable';
}
