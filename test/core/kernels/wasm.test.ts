import * as assert from 'node:assert/strict';
import { getKernels, setKernels } from '../../../src/core/kernels/index';
import { jsKernels } from '../../../src/core/kernels/js';
import type { Kernels } from '../../../src/core/kernels/types';
import { createWasmKernels, GEMV_ROWS_F64, PackedCache, PANEL_ROWS_F32, PANEL_ROWS_F64, WasmRuntime, wasmKernels, wasmRuntime, type KernelExports } from '../../../src/core/kernels/wasm';
import kernelBytes from '../../../src/core/kernels/wasm/kernels.wasm';
import { mulberry32Signed } from '../../../src/core/random';

function randomArray(n: number, next: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = next();
  return a;
}

/** Largest |wasm − js| relative to the size of the sum that produced it (Σ|a·x| + |b|, at least 1). */
function relativeError(A: Float64Array, M: number, K: number, X: Float64Array, T: number, bias: Float64Array | undefined, got: Float64Array, want: Float64Array): number {
  let worst = 0;
  for (let t = 0; t < T; t++) {
    for (let m = 0; m < M; m++) {
      let scale = bias ? Math.abs(bias[m]) : 0;
      for (let k = 0; k < K; k++) scale += Math.abs(A[m * K + k] * X[t * K + k]);
      worst = Math.max(worst, Math.abs(got[t * M + m] - want[t * M + m]) / Math.max(1, scale));
    }
  }
  return worst;
}

const SIZES = [1, 3, 7, 64, 129];

describe('WebAssembly SIMD kernels', () => {
  let wasm: Kernels;
  before(() => {
    const k = wasmKernels();
    assert.ok(k, 'Node 20 supports WebAssembly SIMD, so the wasm kernels must load');
    wasm = k;
  });

  it('are the automatic choice where SIMD exists, and setKernels pins another', () => {
    assert.match(getKernels().name, /^wasm-(relaxed-)?simd-f64$/);
    setKernels(jsKernels);
    try {
      assert.equal(getKernels().name, 'js-f64');
    } finally {
      setKernels(undefined);
    }
    assert.equal(getKernels(), wasm);
  });

  it('gemvBias equals the JavaScript kernel on every shape (M, K in 1, 3, 7, 64, 129), with and without bias', () => {
    const next = mulberry32Signed(1);
    for (const M of SIZES) {
      for (const K of SIZES) {
        for (const withBias of [true, false]) {
          const A = randomArray(M * K, next);
          const bias = withBias ? randomArray(M, next) : undefined;
          const xOffset = 5;
          const x = randomArray(K + xOffset + 2, next);
          const got = new Float64Array(M + 3).fill(99);
          const want = new Float64Array(M + 3).fill(99);
          wasm.gemvBias(A, M, K, x, xOffset, bias, got, 2);
          jsKernels.gemvBias(A, M, K, x, xOffset, bias, want, 2);
          const err = relativeError(A, M, K, x.subarray(xOffset), 1, bias, got.subarray(2), want.subarray(2));
          assert.ok(err <= 1e-12, `M=${M} K=${K} bias=${withBias}: relative error ${err}`);
          // Entries outside [outOffset, outOffset + M) are untouched.
          assert.deepEqual([got[0], got[1], got[M + 2]], [99, 99, 99]);
        }
      }
    }
  });

  it('gemmBias equals the JavaScript kernel for T = 1, 2, 5, 100 on every shape', () => {
    const next = mulberry32Signed(2);
    for (const M of SIZES) {
      for (const K of SIZES) {
        for (const T of [1, 2, 5, 100]) {
          const A = randomArray(M * K, next);
          const bias = T % 2 ? randomArray(M, next) : undefined;
          const X = randomArray(T * K, next);
          const got = new Float64Array(T * M);
          const want = new Float64Array(T * M);
          wasm.gemmBias(A, M, K, X, T, bias, got);
          jsKernels.gemmBias(A, M, K, X, T, bias, want);
          const err = relativeError(A, M, K, X, T, bias, got, want);
          assert.ok(err <= 1e-12, `M=${M} K=${K} T=${T}: relative error ${err}`);
        }
      }
    }
  });

  it('reuses packed weights, also through a subarray view created afresh for each call', () => {
    const next = mulberry32Signed(3);
    const M = 96, K = 40;
    const whole = randomArray(3 * M * K, next);
    const x = randomArray(K, next);
    const want = new Float64Array(M);
    const got = new Float64Array(M);
    for (let call = 0; call < 3; call++) {
      const block = whole.subarray(M * K, 2 * M * K);
      wasm.gemvBias(block, M, K, x, 0, undefined, got, 0);
      jsKernels.gemvBias(block, M, K, x, 0, undefined, want, 0);
      assert.ok(relativeError(block, M, K, x, 1, undefined, got, want) <= 1e-12);
    }
  });

  it('repacks an array whose contents were replaced after first use', () => {
    const next = mulberry32Signed(4);
    const M = 64, K = 64;
    const A = randomArray(M * K, next);
    const x = randomArray(K, next);
    const before = new Float64Array(M);
    wasm.gemvBias(A, M, K, x, 0, undefined, before, 0);
    for (let i = 0; i < A.length; i++) A[i] = next();
    const got = new Float64Array(M);
    const want = new Float64Array(M);
    wasm.gemvBias(A, M, K, x, 0, undefined, got, 0);
    jsKernels.gemvBias(A, M, K, x, 0, undefined, want, 0);
    assert.ok(relativeError(A, M, K, x, 1, undefined, got, want) <= 1e-12);
    assert.notDeepEqual(got, before);
  });

  it('reads x before writing out, so the two may be the same array', () => {
    const next = mulberry32Signed(5);
    const M = 16, K = 16;
    const A = randomArray(M * K, next);
    const h = randomArray(K, next);
    const want = new Float64Array(M);
    jsKernels.gemvBias(A, M, K, h, 0, undefined, want, 0);
    wasm.gemvBias(A, M, K, h, 0, undefined, h, 0);
    assert.ok(relativeError(A, M, K, want.map(() => 0), 1, undefined, h, want) <= 1e-12);
  });

  it('propagates NaN and infinities like the JavaScript kernel', () => {
    const M = 9, K = 11;
    const A = new Float64Array(M * K).fill(0.5);
    const x = new Float64Array(K).fill(1);
    x[3] = NaN;
    const got = new Float64Array(M);
    wasm.gemvBias(A, M, K, x, 0, undefined, got, 0);
    assert.ok(got.every((v) => Number.isNaN(v)));
    x[3] = Infinity;
    wasm.gemvBias(A, M, K, x, 0, undefined, got, 0);
    assert.ok(got.every((v) => v === Infinity));
  });

  it('keeps results exact after the linear memory grows to hold a large matrix', () => {
    const next = mulberry32Signed(6);
    const small = randomArray(64 * 64, next);
    const x = randomArray(1024, next);
    const first = new Float64Array(64);
    wasm.gemvBias(small, 64, 64, x, 0, undefined, first, 0);
    const bytesBefore = wasmRuntime()!.exports.memory.buffer.byteLength;
    const big = randomArray(1024 * 1024, next); // 8 MB: forces growth
    const out = new Float64Array(1024);
    const want = new Float64Array(1024);
    wasm.gemvBias(big, 1024, 1024, x, 0, undefined, out, 0);
    jsKernels.gemvBias(big, 1024, 1024, x, 0, undefined, want, 0);
    assert.ok(wasmRuntime()!.exports.memory.buffer.byteLength > bytesBefore);
    assert.ok(relativeError(big, 1024, 1024, x, 1, undefined, out, want) <= 1e-12);
    const again = new Float64Array(64);
    wasm.gemvBias(small, 64, 64, x, 0, undefined, again, 0);
    assert.deepEqual(again, first);
  });

  it('reclaims the memory of collected weight arrays instead of growing', () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes), {}).exports as unknown as KernelExports;
    const rt = new WasmRuntime(exports, { reclaimFloor: 1 << 20 });
    const kernels = createWasmKernels(rt);
    const next = mulberry32Signed(7);
    const K = 100;
    const first = randomArray(2000 * K, next); // 1.6 MB packed
    const x = randomArray(K, next);
    const out = new Float64Array(3000), want = new Float64Array(3000);
    kernels.gemvBias(first, 2000, K, x, 0, undefined, out, 0);
    assert.equal(rt.epoch, 0);
    // As if the FinalizationRegistry reported `first`'s buffer collected (tests cannot force a GC).
    rt.noteFreed(rt.epoch, 2000 * K * 8);
    const second = randomArray(3000 * K, next); // 2.4 MB: does not fit in what was allocated so far
    kernels.gemvBias(second, 3000, K, x, 0, undefined, out, 0);
    jsKernels.gemvBias(second, 3000, K, x, 0, undefined, want, 0);
    assert.equal(rt.epoch, 1, 'started over instead of growing');
    assert.ok(exports.memory.buffer.byteLength < 4 << 20, `memory ${exports.memory.buffer.byteLength} bytes: grew instead of reusing`);
    assert.ok(relativeError(second, 3000, K, x, 1, undefined, out, want) <= 1e-12);
    // The dropped weights are packed again on their next use.
    kernels.gemvBias(first, 2000, K, x, 0, undefined, out, 0);
    jsKernels.gemvBias(first, 2000, K, x, 0, undefined, want, 0);
    assert.ok(relativeError(first, 2000, K, x, 1, undefined, out.subarray(0, 2000), want.subarray(0, 2000)) <= 1e-12);
  });

  it('packs every layout exactly: panel by panel, column k of a panel as R numbers, rows past the matrix zero', () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes), {}).exports as unknown as KernelExports;
    const rt = new WasmRuntime(exports);
    const next = mulberry32Signed(11);
    const cases = [
      { precision: 'f64', layout: 'gemv', R: GEMV_ROWS_F64 },
      { precision: 'f64', layout: 'panels', R: PANEL_ROWS_F64 },
      { precision: 'f32', layout: 'panels', R: PANEL_ROWS_F32 },
    ] as const;
    for (const { precision, layout, R } of cases) {
      const cache = new PackedCache(rt, precision);
      for (const [rows, cols] of [[1, 1], [3, 7], [12, 5], [37, 64], [768, 192]]) {
        // Memory left over from an earlier matrix must not show through the padding rows.
        rt.f64.fill(NaN, Math.ceil(rt.transient(0) / 8));
        const A = randomArray(rows * cols + 5, next).subarray(2, 2 + rows * cols);
        const packed = cache.matrix(A, rows, cols, layout);
        const memory = precision === 'f64' ? rt.f64 : rt.f32;
        const base = packed.offset / (precision === 'f64' ? 8 : 4);
        assert.equal(packed.panels, Math.ceil(rows / R));
        for (let p = 0, at = base; p < packed.panels; p++) {
          for (let k = 0; k < cols; k++) {
            for (let i = 0; i < R; i++, at++) {
              const row = p * R + i;
              const want = row < rows ? (precision === 'f64' ? A[row * cols + k] : Math.fround(A[row * cols + k])) : 0;
              if (!Object.is(memory[at], want)) assert.fail(`${precision} ${layout} ${rows}×${cols}: panel ${p}, column ${k}, row ${i}: ${memory[at]} instead of ${want}`);
            }
          }
        }
      }
    }
  });

  it('never hands out offset 0 (the kernels read a zero bias offset as "no bias")', () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes), {}).exports as unknown as KernelExports;
    const rt = new WasmRuntime(exports);
    assert.ok(rt.alloc(64) > 0);
  });
});
