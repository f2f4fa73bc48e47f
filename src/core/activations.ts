// Every elementwise activation that Keras, PyTorch and ONNX offer for recurrent layers (and for a Dense head), by
// the name each framework uses, with its parameters and the framework's own defaults. The forward pass resolves a
// name once, then applies it to a range of a Float64Array inside the step loop, so no closure is called per element.
//
// Sources of each definition and default:
//   Keras 3   keras/src/activations/activations.py (names, parameters; gelu approximate=False, leaky_relu 0.2)
//             keras/src/backend/{numpy,tensorflow}/nn.py (hard_sigmoid = relu6(x+3)/6, hard_silu = x·hard_sigmoid,
//             selu constants, elu uses expm1, softplus = logaddexp(x, 0), log_sigmoid = −softplus(−x))
//   Keras 2   tf_keras/backend.py hard_sigmoid: clip(0.2·x + 0.5, 0, 1)
//   PyTorch   torch/nn/modules/rnn.py: nonlinearity 'tanh' | 'relu'
//   ONNX      docs/Operators.md (RNN, GRU, LSTM "Activation functions"): Affine αx+β, LeakyRelu (x ≥ 0 ? x : αx),
//             ThresholdedRelu (x ≥ α ? x : 0), ScaledTanh α·tanh(βx), HardSigmoid min(max(αx+β,0),1), Elu, Softsign,
//             Softplus; defaults are the ONNX operators' own (LeakyRelu 0.01, ThresholdedRelu 1, HardSigmoid 0.2/0.5,
//             Elu 1) and, for the contrib-only Affine/ScaledTanh, onnxruntime's (α=1, β=0 / α=1, β=1).

import type { Activation } from './model';
import { GateLensError } from './model';

/** Numeric code per formula; the step loop switches on it once per gate block. */
export const enum ActCode {
  Tanh, Sigmoid, HardSigmoid, Relu, Linear, Affine, Elu, Selu, Softsign, Softplus, Exponential, Silu, Gelu, GeluTanh,
  Relu6, LeakyRelu, HardSilu, Mish, LogSigmoid, ThresholdedRelu, ScaledTanh, Relu6Shift,
}

export interface ResolvedActivation {
  /** The name as registered (canonical spelling). */
  readonly name: string;
  readonly code: ActCode;
  readonly alpha: number;
  readonly beta: number;
  /** Human formula with the parameters filled in, for labels and the trace view. */
  readonly formula: string;
}

interface ActivationDef {
  readonly name: string;
  readonly code: ActCode;
  readonly alpha?: number;
  readonly beta?: number;
  readonly formula: (a: number, b: number) => string;
  readonly framework: 'keras' | 'pytorch' | 'onnx' | 'keras+pytorch';
  /** Parameters this activation accepts (others are rejected so a typo does not silently do nothing). */
  readonly params?: readonly ('alpha' | 'beta')[];
}

// keras/src/backend/numpy/nn.py selu: alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946,
// written here as the doubles they round to.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_SQRT_HALF = Math.fround(0.7071067811865476);
const GELU_COEFF = Math.fround(0.044715);

const DEFS: readonly ActivationDef[] = [
  // Keras names (PyTorch's 'tanh' and 'relu' are the same functions).
  { name: 'tanh', code: ActCode.Tanh, framework: 'keras+pytorch', formula: () => 'tanh(x)' },
  { name: 'sigmoid', code: ActCode.Sigmoid, framework: 'keras', formula: () => '1/(1+e^−x)' },
  { name: 'hard_sigmoid_keras2', code: ActCode.HardSigmoid, alpha: 0.2, beta: 0.5, framework: 'keras', formula: () => 'clip(0.2x+0.5, 0, 1)' },
  // Keras 3 computes relu6(x+3)/6 (keras/src/backend/tensorflow/nn.py; jax.nn.hard_sigmoid), the same function as
  // x/6+0.5 clipped but rounded differently, so that form is kept for bit-level agreement.
  { name: 'hard_sigmoid_keras3', code: ActCode.Relu6Shift, framework: 'keras', formula: () => 'clip(x/6+0.5, 0, 1)' },
  { name: 'relu', code: ActCode.Relu, framework: 'keras+pytorch', formula: () => 'max(x, 0)' },
  { name: 'linear', code: ActCode.Linear, framework: 'keras', formula: () => 'x' },
  { name: 'elu', code: ActCode.Elu, alpha: 1, framework: 'keras', params: ['alpha'], formula: (a) => `x ≥ 0 ? x : ${a}·(e^x−1)` },
  { name: 'selu', code: ActCode.Selu, alpha: SELU_ALPHA, beta: SELU_SCALE, framework: 'keras', formula: () => '1.0507·(x ≥ 0 ? x : 1.6733·(e^x−1))' },
  { name: 'softsign', code: ActCode.Softsign, framework: 'keras', formula: () => 'x/(1+|x|)' },
  { name: 'softplus', code: ActCode.Softplus, framework: 'keras', formula: () => 'log(1+e^x)' },
  { name: 'exponential', code: ActCode.Exponential, framework: 'keras', formula: () => 'e^x' },
  { name: 'silu', code: ActCode.Silu, framework: 'keras', formula: () => 'x·σ(x)' },
  { name: 'swish', code: ActCode.Silu, framework: 'keras', formula: () => 'x·σ(x)' },
  { name: 'gelu', code: ActCode.Gelu, framework: 'keras', formula: () => 'x·Φ(x) (exact, erf)' },
  { name: 'gelu_tanh', code: ActCode.GeluTanh, framework: 'keras', formula: () => '0.5x·(1+tanh(√(2/π)(x+0.044715x³)))' },
  { name: 'relu6', code: ActCode.Relu6, framework: 'keras', formula: () => 'min(max(x, 0), 6)' },
  // The default slope is the float32 nearest 0.2: TensorFlow's LeakyRelu op stores alpha as a 32-bit attribute, so
  // Keras on TensorFlow multiplies by 0.20000000298023224 even in float64.
  { name: 'leaky_relu', code: ActCode.LeakyRelu, alpha: Math.fround(0.2), framework: 'keras', params: ['alpha'], formula: (a) => `max(x, ${a}·x)` },
  { name: 'hard_silu', code: ActCode.HardSilu, framework: 'keras', formula: () => 'x·clip(x/6+0.5, 0, 1)' },
  { name: 'hard_swish', code: ActCode.HardSilu, framework: 'keras', formula: () => 'x·clip(x/6+0.5, 0, 1)' },
  { name: 'mish', code: ActCode.Mish, framework: 'keras', formula: () => 'x·tanh(softplus(x))' },
  { name: 'log_sigmoid', code: ActCode.LogSigmoid, framework: 'keras', formula: () => '−softplus(−x)' },
  // ONNX names (activations attribute of RNN/GRU/LSTM).
  { name: 'Relu', code: ActCode.Relu, framework: 'onnx', formula: () => 'max(0, x)' },
  { name: 'Tanh', code: ActCode.Tanh, framework: 'onnx', formula: () => 'tanh(x)' },
  { name: 'Sigmoid', code: ActCode.Sigmoid, framework: 'onnx', formula: () => '1/(1+e^−x)' },
  { name: 'Affine', code: ActCode.Affine, alpha: 1, beta: 0, framework: 'onnx', params: ['alpha', 'beta'], formula: (a, b) => `${a}·x + ${b}` },
  { name: 'LeakyRelu', code: ActCode.LeakyRelu, alpha: 0.01, framework: 'onnx', params: ['alpha'], formula: (a) => `x ≥ 0 ? x : ${a}·x` },
  { name: 'ThresholdedRelu', code: ActCode.ThresholdedRelu, alpha: 1, framework: 'onnx', params: ['alpha'], formula: (a) => `x ≥ ${a} ? x : 0` },
  { name: 'ScaledTanh', code: ActCode.ScaledTanh, alpha: 1, beta: 1, framework: 'onnx', params: ['alpha', 'beta'], formula: (a, b) => `${a}·tanh(${b}·x)` },
  { name: 'HardSigmoid', code: ActCode.HardSigmoid, alpha: 0.2, beta: 0.5, framework: 'onnx', params: ['alpha', 'beta'], formula: (a, b) => `min(max(${a}·x + ${b}, 0), 1)` },
  { name: 'Elu', code: ActCode.Elu, alpha: 1, framework: 'onnx', params: ['alpha'], formula: (a) => `x ≥ 0 ? x : ${a}·(e^x−1)` },
  { name: 'Softsign', code: ActCode.Softsign, framework: 'onnx', formula: () => 'x/(1+|x|)' },
  { name: 'Softplus', code: ActCode.Softplus, framework: 'onnx', formula: () => 'log(1+e^x)' },
];

const BY_NAME = new Map(DEFS.map((d) => [d.name, d]));
// onnxruntime matches activation names case-insensitively (it lowercases them), so "sigmoid" in an ONNX list is
// Sigmoid. Keras names are matched exactly first, so only the ONNX spellings need this fallback.
const ONNX_BY_LOWER = new Map(DEFS.filter((d) => d.framework === 'onnx').map((d) => [d.name.toLowerCase(), d]));

/** Every name `resolveActivation` accepts, in registry order. */
export const ACTIVATION_NAMES: readonly string[] = DEFS.map((d) => d.name);

/**
 * Keras `hard_sigmoid` changed definition between Keras 2 (0.2x+0.5) and Keras 3 (x/6+0.5), so the plain name is
 * only meaningful with a version. Other Keras names pass through.
 */
export function kerasActivationName(name: string, kerasMajor: 2 | 3): string {
  if (name === 'hard_sigmoid') return kerasMajor === 2 ? 'hard_sigmoid_keras2' : 'hard_sigmoid_keras3';
  return name;
}

export function resolveActivation(act: Activation | string): ResolvedActivation {
  const spec: Activation = typeof act === 'string' ? { name: act } : act;
  const name = spec.name;
  if (name === 'hard_sigmoid') {
    throw new GateLensError('ambiguous-activation',
      '"hard_sigmoid" means clip(0.2x+0.5, 0, 1) in Keras 2 / tf.keras but clip(x/6+0.5, 0, 1) in Keras 3: ' +
      'say which with "hard_sigmoid_keras2" or "hard_sigmoid_keras3" (or ONNX "HardSigmoid" with alpha and beta).');
  }
  if (name === 'softmax' || name === 'log_softmax' || name === 'Softmax' || name === 'LogSoftmax') {
    throw new GateLensError('unsupported-activation',
      `"${name}" is not elementwise (each output depends on the whole vector), so it cannot be a gate or ` +
      'candidate activation of a recurrent layer; it is only allowed as the activation of a Dense layer.');
  }
  const def = BY_NAME.get(name) ?? ONNX_BY_LOWER.get(name.toLowerCase());
  if (!def) {
    throw new GateLensError('unknown-activation',
      `Unknown activation "${name}". Known activations: ${ACTIVATION_NAMES.join(', ')} ` +
      '(Keras "hard_sigmoid" needs a version: hard_sigmoid_keras2 or hard_sigmoid_keras3).');
  }
  const accepted = def.params ?? [];
  for (const p of ['alpha', 'beta'] as const) {
    const v = spec[p];
    if (v === undefined) continue;
    if (!accepted.includes(p)) {
      throw new GateLensError('activation-parameter', `Activation "${def.name}" takes no ${p} parameter (got ${p} = ${v}).`);
    }
    if (!Number.isFinite(v)) throw new GateLensError('activation-parameter', `Activation "${def.name}" has ${p} = ${v}; it must be a finite number.`);
  }
  const alpha = spec.alpha ?? def.alpha ?? 0;
  const beta = spec.beta ?? def.beta ?? 0;
  // Labels show 7 significant digits: a float32 attribute such as 0.20000000298 reads as 0.2.
  return { name: def.name, code: def.code, alpha, beta, formula: def.formula(+alpha.toPrecision(7), +beta.toPrecision(7)) };
}

/** Which of alpha/beta an activation takes, in ONNX consumption order (alpha list first, beta list second). */
export function activationParameters(name: string): readonly ('alpha' | 'beta')[] {
  const def = BY_NAME.get(name) ?? ONNX_BY_LOWER.get(name.toLowerCase());
  return def?.params ?? [];
}

/** Logistic 1/(1+e^−x): e^−x overflows to ∞ for x < −709 and the result is then exactly 0, never NaN. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(1 + e^x) without overflow: max(x, 0) + log1p(e^−|x|). */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

// erf to full double precision: for |x| < 2.5 the series 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1)), whose terms are
// all positive (no cancellation); beyond, erfc by its continued fraction (modified Lentz), which converges fast there.
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  const r = 1 - erfcLarge(ax);
  return x < 0 ? -r : r;
}

/** 1 − erf(x), accurate in relative terms for large positive x where 1 − erf(x) would cancel. */
export function erfc(x: number): number {
  if (x >= 2.5) return x > 27 ? 0 : erfcLarge(x);
  return 1 - erf(x);
}

/** erfc(x) for x ≥ 2.5: e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  // Continued fraction K(a_n / b_n) with b = x, a_n = n/2, evaluated by Lentz's method.
  let f = x;
  let C = f;
  let D = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    D = x + a * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = x + a / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** One value; for tests, labels and the Dense head. The step loop uses `applyActivation`. */
export function activate(act: ResolvedActivation, x: number): number {
  const a = act.alpha, b = act.beta;
  switch (act.code) {
    case ActCode.Tanh: return Math.tanh(x);
    case ActCode.Sigmoid: return sigmoid(x);
    case ActCode.HardSigmoid: { const y = a * x + b; return y <= 0 ? 0 : y >= 1 ? 1 : y; }
    case ActCode.Relu6Shift: { const y = x + 3; return (y <= 0 ? 0 : y >= 6 ? 6 : y) / 6; }
    case ActCode.Relu: return x > 0 ? x : 0;
    case ActCode.Linear: return x;
    case ActCode.Affine: return a * x + b;
    case ActCode.Elu: return x >= 0 ? x : a * Math.expm1(x);
    case ActCode.Selu: return b * (x >= 0 ? x : a * Math.expm1(x));
    case ActCode.Softsign: return x / (1 + Math.abs(x));
    case ActCode.Softplus: return softplus(x);
    case ActCode.Exponential: return Math.exp(x);
    case ActCode.Silu: return x * sigmoid(x);
    // tf.nn.gelu (tensorflow/python/ops/nn_ops.py), which Keras on TensorFlow calls: 0.5·x·erfc(−x·√½), with √½ and
    // 0.044715 passed through `math_ops.cast` of a Python float, i.e. rounded to float32 first even for float64 input.
    case ActCode.Gelu: return 0.5 * x * erfc(-x * GELU_SQRT_HALF);
    case ActCode.GeluTanh: return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_COEFF * Math.pow(x, 3))));
    case ActCode.Relu6: return x <= 0 ? 0 : x >= 6 ? 6 : x;
    case ActCode.LeakyRelu: return x >= 0 ? x : a * x;
    case ActCode.HardSilu: { const y = x + 3; return (x * (y <= 0 ? 0 : y >= 6 ? 6 : y)) / 6; }
    case ActCode.Mish: return x * Math.tanh(softplus(x));
    case ActCode.LogSigmoid: return -softplus(-x);
    case ActCode.ThresholdedRelu: return x >= a ? x : 0;
    case ActCode.ScaledTanh: return a * Math.tanh(b * x);
  }
}

/** dst[dstOff + k] = act(src[srcOff + k]) for k < n. The common gate functions get their own loops. */
export function applyActivation(act: ResolvedActivation, src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, n: number): void {
  switch (act.code) {
    case ActCode.Tanh:
      for (let k = 0; k < n; k++) dst[dstOff + k] = Math.tanh(src[srcOff + k]);
      return;
    case ActCode.Sigmoid:
      // Branch-free on purpose: 1/(1+e^−x) is exact to an ulp over the whole range in float64 (e^−x = ∞ gives 0,
      // e^−x = 0 gives 1, never NaN), and a sign test per element costs mispredictions on random signs.
      for (let k = 0; k < n; k++) dst[dstOff + k] = 1 / (1 + Math.exp(-src[srcOff + k]));
      return;
    case ActCode.Relu:
      for (let k = 0; k < n; k++) { const x = src[srcOff + k]; dst[dstOff + k] = x > 0 ? x : 0; }
      return;
    case ActCode.Linear:
      for (let k = 0; k < n; k++) dst[dstOff + k] = src[srcOff + k];
      return;
    default:
      for (let k = 0; k < n; k++) dst[dstOff + k] = activate(act, src[srcOff + k]);
  }
}

/** Softmax over one vector (Dense heads only), shifted by the maximum so e^x never overflows. */
export function softmaxInPlace(v: Float64Array, off: number, n: number): void {
  let m = -Infinity;
  for (let k = 0; k < n; k++) if (v[off + k] > m) m = v[off + k];
  let s = 0;
  for (let k = 0; k < n; k++) { const e = Math.exp(v[off + k] - m); v[off + k] = e; s += e; }
  for (let k = 0; k < n; k++) v[off + k] /= s;
}
