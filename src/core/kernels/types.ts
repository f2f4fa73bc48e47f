// The numeric hot spots of the forward pass, behind one interface so that a WebAssembly SIMD implementation and the
// plain JavaScript fallback are interchangeable and tested against each other.

/** Byte offsets, in the caller's result buffer, of the arrays runSequence fills (forward.ts runSingleSequence's layout). */
export interface SequenceLayout {
  readonly out: number; readonly hFinal: number; readonly cFinal: number;
  /** Trace arrays (only with `trace`): rows of G·H (zx, zh, z, a), of H (h, c), and an Int32 time index per step. */
  readonly zx: number; readonly zh: number; readonly z: number; readonly a: number; readonly h: number; readonly c: number; readonly timeIndex: number;
}

/**
 * One sequence through a standard cell (σ/tanh LSTM without projection, reset-after GRU, tanh RNN), described for a
 * kernel set that runs the whole step loop itself. The results must be bit-identical to forward.ts' own step loop
 * over the same kernels' gemmBias/gemvBias.
 */
export interface SequenceJob {
  readonly cell: 'lstm' | 'gru' | 'rnn';
  readonly units: number;
  readonly features: number;
  readonly steps: number;
  /** Steps actually run (a sequence length ≤ steps); rows past it stay zero. */
  readonly len: number;
  readonly reverse: boolean;
  /** Output row s for step s (Keras go_backwards with one direction) instead of row t. */
  readonly processingOrder: boolean;
  readonly forgetBias: number;
  readonly W: Float64Array; readonly bW: Float64Array; readonly R: Float64Array; readonly bR: Float64Array;
  readonly x: Float64Array;
  readonly h0?: Float64Array; readonly c0?: Float64Array;
  readonly trace: boolean;
  /** Result buffer, fresh or holding an earlier result's numbers: the kernel writes every byte of it (rows past `len` as zeros). */
  readonly buffer: ArrayBuffer;
  readonly layout: SequenceLayout;
}

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
  /**
   * Optional: runs a whole standard-cell sequence (input projection, every step, the trace written in place) and
   * returns true, or returns false when it does not take this job (the caller then steps through it itself).
   */
  runSequence?(job: SequenceJob): boolean;
}
