// The numeric hot spots of the forward pass, behind one interface so that a WebAssembly SIMD implementation and the
// plain JavaScript fallback are interchangeable and tested against each other.

export interface Kernels {
  readonly name: string;
  /**
   * Batched input projection: for every row t < T of X (T × K), out[t·M + m] = bias[m] + Σ_k A[m·K + k]·X[t·K + k].
   * A is (M × K) row-major. `bias` may be undefined (zeros).
   */
  gemmBias(A: Float64Array, M: number, K: number, X: Float64Array, T: number, bias: Float64Array | undefined, out: Float64Array): void;
  /**
   * One matrix–vector product: out[outOffset + m] = bias[m] + Σ_k A[m·K + k]·x[xOffset + k].
   */
  gemvBias(A: Float64Array, M: number, K: number, x: Float64Array, xOffset: number, bias: Float64Array | undefined, out: Float64Array, outOffset: number): void;
}
