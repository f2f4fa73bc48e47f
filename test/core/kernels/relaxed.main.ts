// Run by relaxed.test.ts in a child Node with relaxed-simd enabled (Node 20 ships it behind a flag): checks that the
// fused-multiply-add build is the one picked and that it agrees with the plain kernels. Prints one JSON object.
import { prepareFast32 } from '../../../src/core/fast32';
import { runLayer } from '../../../src/core/forward';
import { jsKernels } from '../../../src/core/kernels/js';
import { getKernels } from '../../../src/core/kernels/index';
import { createWasmKernels, KERNEL_MODULES, WasmRuntime, type KernelExports } from '../../../src/core/kernels/wasm';
import type { RecurrentLayer } from '../../../src/core/model';
import { mulberry32Signed } from '../../../src/core/random';

const next = mulberry32Signed(11);
const rand = (n: number) => Float64Array.from({ length: n }, next);
const exports = new WebAssembly.Instance(new WebAssembly.Module(KERNEL_MODULES['relaxed-simd']), {}).exports as unknown as KernelExports;
const relaxed = createWasmKernels(new WasmRuntime(exports, {}, 'relaxed-simd'));

let worstKernel = 0;
for (const M of [1, 3, 7, 64, 129]) {
  for (const K of [1, 3, 7, 64, 129]) {
    for (const T of [1, 2, 5]) {
      const A = rand(M * K), X = rand(T * K), b = rand(M);
      const got = new Float64Array(T * M), want = new Float64Array(T * M);
      relaxed.gemmBias(A, M, K, X, T, b, got);
      jsKernels.gemmBias(A, M, K, X, T, b, want);
      for (let t = 0; t < T; t++) {
        for (let m = 0; m < M; m++) {
          let scale = Math.abs(b[m]);
          for (let k = 0; k < K; k++) scale += Math.abs(A[m * K + k] * X[t * K + k]);
          worstKernel = Math.max(worstKernel, Math.abs(got[t * M + m] - want[t * M + m]) / Math.max(1, scale));
        }
      }
    }
  }
}

const H = 64, D = 32, T = 50;
const layer: RecurrentLayer = {
  kind: 'recurrent', cell: 'lstm', units: H, inputSize: D,
  activations: { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } },
  directions: [{ W: rand(4 * H * D).map((v) => v / 4), R: rand(4 * H * H).map((v) => v / 6), bW: rand(4 * H), bR: rand(4 * H) }],
};
const x = rand(T * D);
const exact = runLayer(layer, { data: x, batch: 1, steps: T, features: D }, { kernels: jsKernels }).output.data;
const fused = runLayer(layer, { data: x, batch: 1, steps: T, features: D }).output.data;
const runner = prepareFast32(layer);
const fast = runner.run(x, T);
let worstForward = 0, worstFast32 = 0;
for (let i = 0; i < exact.length; i++) {
  worstForward = Math.max(worstForward, Math.abs(fused[i] - exact[i]));
  worstFast32 = Math.max(worstFast32, Math.abs(fast[i] - exact[i]));
}
// The activations of the fused-multiply-add build must still equal Math.exp / Math.tanh bit for bit (they use no FMA).
const n = 1 << 14, at = exports.memory.buffer.byteLength;
exports.memory.grow(Math.ceil((16 * n) / 65536) + 1);
const mem = new Float64Array(exports.memory.buffer);
for (let i = 0; i < n; i++) mem[at / 8 + i] = 30 * next();
let activationMismatches = 0;
for (const [kind, f] of [[0, Math.exp], [1, (v: number) => 1 / (1 + Math.exp(-v))], [2, Math.tanh]] as const) {
  exports.activate64(kind, at, n, at + 8 * n);
  for (let i = 0; i < n; i++) if (!Object.is(mem[at / 8 + n + i], f(mem[at / 8 + i]))) activationMismatches++;
}
console.log(JSON.stringify({ kernels: getKernels().name, fast32: runner.engine, worstKernel, worstForward, worstFast32, activationMismatches }));
