// Times the float64 kernels alone (wasm SIMD vs plain JS) over the shapes the forward pass produces, then the two
// products of an LSTM/GRU pass at H = 512 (D = 256, T = 100) against NumPy's (OpenBLAS, one thread) where python3
// has numpy: the input projection for all steps, and 100 recurrent matrix–vector products (what separates the two
// engines at H = 512; docs/benchmarks.md).
// Usage: node scripts/bench/kernels.mjs        (node --experimental-wasm-relaxed-simd …: the FMA build)
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
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

// H = 512 against NumPy: process CPU time, median of 9 rounds, the two sides alternating.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const NUMPY_PRODUCTS = `
import sys, time, numpy as np
G, H, D, T, reps = (int(v) for v in sys.argv[1:6])
rng = np.random.default_rng(1)
W_T = np.ascontiguousarray(rng.uniform(-1, 1, (G * H, D)).T); R_T = np.ascontiguousarray(rng.uniform(-1, 1, (G * H, H)).T)
X = rng.uniform(-1, 1, (T, D)); h = rng.uniform(-1, 1, H); b = rng.uniform(-1, 1, G * H)
X @ W_T + b; h @ R_T
t0 = time.process_time()
for _ in range(reps): X @ W_T + b
gemm = (time.process_time() - t0) / reps
t0 = time.process_time()
for _ in range(reps):
    for t in range(T): h @ R_T + b
gemv = (time.process_time() - t0) / reps
print(gemm * 1e3, gemv * 1e3)
`;
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const big = [];
for (const [cell, G] of [['lstm', 4], ['gru', 3]]) {
  const H = 512, D = 256, T = 100, M = G * H, reps = 5;
  const W = rand(M * D), R = rand(M * H), X = rand(T * D), h = rand(H), b = rand(M), zx = new Float64Array(T * M), zh = new Float64Array(M);
  wasm.gemmBias(W, M, D, X, T, b, zx);
  wasm.gemvBias(R, M, H, h, 0, b, zh, 0);
  const ours = { gemm: [], gemv: [] }, numpy = { gemm: [], gemv: [] };
  for (let round = 0; round < 9; round++) {
    let t0 = cpuMs();
    for (let i = 0; i < reps; i++) wasm.gemmBias(W, M, D, X, T, b, zx);
    ours.gemm.push((cpuMs() - t0) / reps);
    t0 = cpuMs();
    for (let i = 0; i < reps; i++) for (let t = 0; t < T; t++) wasm.gemvBias(R, M, H, h, 0, b, zh, 0);
    ours.gemv.push((cpuMs() - t0) / reps);
    if (!hasNumpy) continue;
    const r = spawnSync('python3', ['-c', NUMPY_PRODUCTS, String(G), String(H), String(D), String(T), String(reps)], { env, encoding: 'utf8' });
    const [gemm, gemv] = r.stdout.trim().split(' ').map(Number);
    numpy.gemm.push(gemm);
    numpy.gemv.push(gemv);
  }
  const gflops = (flop, ms) => +(flop / ms / 1e6).toFixed(1);
  const row = (what, flop, a, n) => ({
    case: `${cell} H=${H}`, product: what, oursMs: +median(a).toFixed(2), oursGflops: gflops(flop, median(a)),
    ...(n.length ? { numpyMs: +median(n).toFixed(2), numpyGflops: gflops(flop, median(n)), numpyTimeOverOurs: +(median(n) / median(a)).toFixed(2) } : {}),
  });
  big.push(row(`x·Wᵀ+b, ${M}×${D}, ${T} steps`, 2 * M * D * T, ours.gemm, numpy.gemm));
  big.push(row(`${T} × (h·Rᵀ+b), ${M}×${H} (${((M * H * 8) / 2 ** 20).toFixed(0)} MB)`, 2 * M * H * T, ours.gemv, numpy.gemv));
}
console.log(`\nThe products of a pass at H = 512 (${wasm.name}${hasNumpy ? ' against NumPy float64, one thread' : '; python3 with numpy not found'}), CPU time, median of 9 alternating rounds; load ${loadavg().map((v) => v.toFixed(2)).join(', ')}`);
console.table(big);
