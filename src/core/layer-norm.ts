// The layer normalisation of a layer-norm LSTM's gates, as TFLite computes it (tensorflow/lite/kernels/lstm_eval.cc
// LstmStepWithAuxInput; tensor_utils PortableMeanStddevNormalization): each gate's pre-activation without its bias
// (W·x + R·h, plus the peephole term for i, f, o) is normalised over the H units of one sequence,
//   mean = Σ z / H,  variance = Σ (z − mean)² / H,  z' = (z − mean) / √(variance + 1e-8),
// then scaled by that gate's coefficients and the gate bias is added: z'' = z' ⊙ γ + b. The activation follows.

/** TFLite's kNormalizationConstant. */
export const LAYER_NORM_EPSILON = 1e-8;

/**
 * Normalises z[zo + k·H … zo + (k+1)·H) for gates k in [from, to) in place, scales by gamma[k·H …] and adds bW and bR
 * of the same gate (bR is zero for TFLite, which stores one bias per gate).
 */
export function layerNormGates(
  z: Float64Array, zo: number, H: number, gamma: Float64Array, bW: Float64Array, bR: Float64Array, from: number, to: number,
): void {
  for (let k = from; k < to; k++) {
    const off = zo + k * H;
    let sum = 0;
    for (let m = 0; m < H; m++) sum += z[off + m];
    const mean = sum / H;
    let sq = 0;
    for (let m = 0; m < H; m++) { const d = z[off + m] - mean; sq += d * d; }
    const inv = 1 / Math.sqrt(sq / H + LAYER_NORM_EPSILON);
    for (let m = 0; m < H; m++) {
      const g = k * H + m;
      z[off + m] = (z[off + m] - mean) * inv * gamma[g] + bW[g] + bR[g];
    }
  }
}
