// Times the float64 kernels alone (wasm SIMD vs plain JS) over the shapes the forward pass produces.
// Usage: node scripts/bench/kernels.mjs
import { loadCore } from './bundle.mjs';

const core = await loadCore();
const wasm = core.wasmKernels();
const js = core.jsKernels;

function rand(n) {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

// Fastest of 9 batches of ~15 ms: the machine is shared, and the minimum is the least disturbed figure.
function time(fn) {
  for (let i = 0; i < 3; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 > 15) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let b = 0; b < 9; b++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}

const rows = [];
for (const [M, K] of [[4, 2], [8, 8], [12, 3], [16, 8], [32, 8], [64, 16], [128, 32], [256, 64], [512, 128], [2048, 512], [2048, 256]]) {
  const A = rand(M * K), x = rand(K), b = rand(M), out = new Float64Array(M);
  const tj = time(() => js.gemvBias(A, M, K, x, 0, b, out, 0));
  const tw = time(() => wasm.gemvBias(A, M, K, x, 0, b, out, 0));
  rows.push({ op: 'gemv', M, K, T: 1, jsUs: +(tj * 1e3).toFixed(3), wasmUs: +(tw * 1e3).toFixed(3), wasmGflops: +((2 * M * K) / tw / 1e6).toFixed(2), speedup: +(tj / tw).toFixed(2) });
}
for (const [M, K, T] of [[512, 64, 100], [2048, 256, 100], [128, 16, 100]]) {
  const A = rand(M * K), X = rand(T * K), b = rand(M), out = new Float64Array(T * M);
  const tj = time(() => js.gemmBias(A, M, K, X, T, b, out));
  const tw = time(() => wasm.gemmBias(A, M, K, X, T, b, out));
  rows.push({ op: 'gemm', M, K, T, jsUs: +(tj * 1e3).toFixed(1), wasmUs: +(tw * 1e3).toFixed(1), wasmGflops: +((2 * M * K * T) / tw / 1e6).toFixed(2), speedup: +(tj / tw).toFixed(2) });
}
console.table(rows);
