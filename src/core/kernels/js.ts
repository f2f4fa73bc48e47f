import type { Kernels } from './types';

// Row-major dot products with four independent accumulators: V8 keeps them in registers and the adds pipeline.
function dot(A: Float64Array, aOff: number, x: Float64Array, xOff: number, K: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < K; k += 4) {
    s0 += A[aOff + k] * x[xOff + k];
    s1 += A[aOff + k + 1] * x[xOff + k + 1];
    s2 += A[aOff + k + 2] * x[xOff + k + 2];
    s3 += A[aOff + k + 3] * x[xOff + k + 3];
  }
  for (; k < K; k++) s0 += A[aOff + k] * x[xOff + k];
  return (s0 + s1) + (s2 + s3);
}

export const jsKernels: Kernels = {
  name: 'js-f64',
  gemmBias(A, M, K, X, T, bias, out) {
    for (let t = 0; t < T; t++) {
      for (let m = 0; m < M; m++) out[t * M + m] = (bias ? bias[m] : 0) + dot(A, m * K, X, t * K, K);
    }
  },
  gemvBias(A, M, K, x, xOffset, bias, out, outOffset) {
    for (let m = 0; m < M; m++) out[outOffset + m] = (bias ? bias[m] : 0) + dot(A, m * K, x, xOffset, K);
  },
};
