// Float32 fast mode: a forward pass without trace, for raw speed (benchmarks, long sequences, "just give me the
// output"). It runs the canonical weights of model.ts in float32 with the f32x4 SIMD kernels of kernels/wasm, and
// in plain JavaScript (float64 arithmetic, float32 storage) where WebAssembly SIMD is missing. Results differ from
// the exact float64 engine (forward.ts) by float32 rounding, typically 1e-7 to 1e-6.
//
// Scope: one direction; LSTM (i, f, c, o), GRU (z, r, n; reset after or before), SimpleRNN; the default activations
// (σ gates, tanh candidate and output; SimpleRNN tanh or relu); forget_bias, go_backwards and ONNX reverse. Anything
// else (peepholes, projection, clip, cell clip, input_forget, other activations, two directions) is refused with a
// GateLensError, because the exact engine handles it and a silent approximation would be worse than none.

import { gateCount, type CellKind } from './conventions';
import { PANEL_ROWS_F32, PackedCache, wasmRuntime, type WasmRuntime } from './kernels/wasm';
import { GateLensError, type Activation, type LayerActivations, type RecurrentLayer, type Sequence } from './model';

/** Recurrent state carried between calls (streaming). Updated in place by `run`. */
export interface Fast32State {
  /** H entries. */
  readonly h: Float32Array;
  /** H entries, LSTM only. */
  readonly c?: Float32Array;
}

export interface Fast32Runner {
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  /** 'wasm-simd-f32', 'wasm-relaxed-simd-f32' (fused multiply-add) or 'js-f32' (no WebAssembly SIMD). */
  readonly engine: string;
  /**
   * Runs `steps` steps of one sequence x (steps × inputSize, row-major) and returns the outputs (steps × units) in
   * the layer's output order. With `state`, starts from it and leaves the final state in it; else starts from zeros.
   */
  run(x: ArrayLike<number>, steps: number, state?: Fast32State): Float32Array;
}

function activationName(a: Activation): string {
  if (a.alpha !== undefined || a.beta !== undefined) return `${a.name}(alpha=${a.alpha}, beta=${a.beta})`;
  return a.name.toLowerCase();
}

function unsupported(what: string): never {
  throw new GateLensError('fast32-unsupported', `The float32 fast mode does not support ${what}; use the exact float64 engine.`);
}

/** Checks the layer is in the fast mode's scope; returns whether the SimpleRNN candidate is relu. */
function checkScope(layer: RecurrentLayer): { relu: boolean } {
  if (layer.directions.length !== 1) unsupported('two directions (run each direction separately)');
  const d = layer.directions[0];
  if (layer.projSize !== undefined || d.proj) unsupported('an LSTM projection');
  if (d.peephole) unsupported('peepholes');
  if (layer.clip !== undefined) unsupported('clip');
  if (layer.cellClip !== undefined) unsupported('cell clip');
  if (layer.inputForget) unsupported('input_forget');
  if (layer.inputFromForget) unsupported('a coupled input gate (TFLite CIFG)');
  if (d.layerNorm) unsupported('layer normalisation');
  if (d.projBias) unsupported('a projection bias');
  if (layer.forgetBias && layer.cell !== 'lstm') unsupported('forget_bias on a non-LSTM cell');
  const acts = (Array.isArray(layer.activations) ? layer.activations[0] : layer.activations) as LayerActivations;
  const gate = activationName(acts.gate), cand = activationName(acts.candidate), out = activationName(acts.output);
  let relu = false;
  if (layer.cell === 'simple_rnn') {
    if (cand === 'relu') relu = true;
    else if (cand !== 'tanh') unsupported(`the SimpleRNN activation "${acts.candidate.name}" (only tanh and relu)`);
  } else {
    if (gate !== 'sigmoid') unsupported(`the gate activation "${acts.gate.name}" (only sigmoid)`);
    if (cand !== 'tanh') unsupported(`the candidate activation "${acts.candidate.name}" (only tanh)`);
    if (layer.cell === 'lstm' && out !== 'tanh') unsupported(`the output activation "${acts.output.name}" (only tanh)`);
  }
  const G = gateCount(layer.cell), H = layer.units, D = layer.inputSize;
  if (d.W.length < G * H * D || d.R.length < G * H * H || d.bW.length < G * H || d.bR.length < G * H) {
    throw new GateLensError('fast32-shape', `The weights are smaller than a ${layer.cell} with ${H} units and input size ${D} needs.`);
  }
  return { relu };
}

/**
 * Prepares a layer for repeated float32 runs (weights are converted and packed once). `engine: 'js'` forces the
 * JavaScript path (tests; hosts where it is known to be faster).
 */
export function prepareFast32(layer: RecurrentLayer, options: { engine?: 'auto' | 'js' } = {}): Fast32Runner {
  if (layer.incomplete !== undefined) throw new GateLensError('incomplete-layer', layer.incomplete);
  const { relu } = checkScope(layer);
  const rt = options.engine === 'js' ? undefined : wasmRuntime();
  return rt ? new WasmRunner(layer, rt, relu) : new JsRunner(layer, relu);
}

const runners = new WeakMap<RecurrentLayer, Fast32Runner>();

/** Runs a batch through one layer in float32; returns batch × steps × units. Prepared weights are cached per layer. */
export function runFast32(layer: RecurrentLayer, input: Sequence): Float32Array {
  if (input.features !== layer.inputSize) {
    throw new GateLensError('input-shape', `The input has ${input.features} features per step but the layer expects ${layer.inputSize}.`);
  }
  let runner = runners.get(layer);
  if (!runner) runners.set(layer, (runner = prepareFast32(layer)));
  const { batch: N, steps: T, features: D } = input;
  const H = layer.units;
  const out = new Float32Array(N * T * H);
  for (let b = 0; b < N; b++) out.set(runner.run(input.data.subarray(b * T * D, (b + 1) * T * D), T), b * T * H);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

/** Bias of the input projection, with TF1 forget_bias folded into the f block (it is added at every step). */
function inputBias(layer: RecurrentLayer): Float64Array {
  const b = layer.directions[0].bW.slice(0, gateCount(layer.cell) * layer.units);
  const fb = layer.forgetBias ?? 0;
  if (fb !== 0) for (let m = layer.units; m < 2 * layer.units; m++) b[m] += fb;
  return b;
}

function checkState(state: Fast32State | undefined, layer: RecurrentLayer): void {
  if (!state) return;
  if (state.h.length !== layer.units) throw new GateLensError('state-shape', `state.h has ${state.h.length} entries; the layer has ${layer.units} units.`);
  if (layer.cell === 'lstm' && state.c && state.c.length !== layer.units) {
    throw new GateLensError('state-shape', `state.c has ${state.c.length} entries; the layer has ${layer.units} units.`);
  }
}

class WasmRunner implements Fast32Runner {
  readonly engine: string;
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  private readonly cache: PackedCache;
  private readonly biasX: Float64Array;
  private readonly resetBefore: boolean;
  private readonly R: Float64Array;
  private readonly Rn: Float64Array;
  private readonly bRn: Float64Array;
  private readonly backwards: boolean;
  private readonly alignToInput: boolean;
  private fallback: JsRunner | undefined;

  constructor(private readonly layer: RecurrentLayer, private readonly rt: WasmRuntime, private readonly relu: boolean) {
    this.engine = rt.variant === 'relaxed-simd' ? 'wasm-relaxed-simd-f32' : 'wasm-simd-f32';
    this.cell = layer.cell;
    this.units = layer.units;
    this.inputSize = layer.inputSize;
    this.cache = new PackedCache(rt, 'f32');
    this.biasX = inputBias(layer);
    const H = layer.units, d = layer.directions[0];
    this.resetBefore = layer.cell === 'gru' && layer.resetAfter === false;
    this.R = d.R;
    this.Rn = d.R.subarray(2 * H * H, 3 * H * H);
    this.bRn = d.bR.subarray(2 * H, 3 * H);
    this.backwards = layer.goBackwards === true || layer.reverse === true;
    // Keras go_backwards returns outputs in processing order; ONNX reverse aligns them to input time.
    this.alignToInput = layer.reverse === true;
  }

  run(x: ArrayLike<number>, steps: number, state?: Fast32State): Float32Array {
    const { layer, rt, cache } = this;
    const T = steps, D = this.inputSize, H = this.units, G = gateCount(this.cell), GH = G * H;
    if (x.length < T * D) throw new GateLensError('input-shape', `x has ${x.length} numbers; ${T} steps × ${D} features need ${T * D}.`);
    checkState(state, layer);
    const d = layer.directions[0];
    const Hp = Math.ceil(H / 4) * 4;
    const recurrentRows = this.resetBefore ? 2 * H : GH;
    const gPad = Math.ceil(GH / PANEL_ROWS_F32) * PANEL_ROWS_F32;
    const slack = 64;
    // Work area (bytes): X, zx (T rows of gPad), zh, zhn, h, c, r⊙h, z, out (T rows of Hp).
    const sizes = [4 * T * D, 4 * T * gPad + slack, 4 * gPad + slack, 4 * gPad + slack, 4 * Hp + slack, 4 * Hp + slack, 4 * Hp + slack, 4 * Hp + slack, 4 * T * Hp + slack];
    const aligned = sizes.map((s) => Math.ceil(s / 64) * 64);
    let W, R, Rn, bX, bR, bRn, work, epoch;
    try {
      do {
        epoch = rt.epoch;
        W = cache.matrix(d.W, GH, D);
        R = cache.matrix(this.R, recurrentRows, H);
        Rn = this.resetBefore ? cache.matrix(this.Rn, H, H) : undefined;
        bX = cache.vector(this.biasX, GH);
        bR = cache.vector(d.bR, recurrentRows);
        bRn = this.resetBefore ? cache.vector(this.bRn, H) : undefined;
        work = rt.scratch(aligned.reduce((a, b) => a + b, 0));
      } while (epoch !== rt.epoch);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // The host refused more linear memory: the JavaScript path needs none.
      this.fallback ??= new JsRunner(layer, this.relu);
      return this.fallback.run(x, steps, state);
    }
    const at: number[] = [];
    let p = work;
    for (const s of aligned) { at.push(p); p += s; }
    const [xAt, zxAt, zhAt, zhnAt, hAt, cAt, rhAt, zAt, outAt] = at;

    const f32 = rt.f32;
    const xBase = xAt / 4;
    for (let i = 0; i < T * D; i++) f32[xBase + i] = x[i];
    f32.fill(0, hAt / 4, hAt / 4 + Hp);
    f32.fill(0, cAt / 4, cAt / 4 + Hp);
    if (state) {
      f32.set(state.h, hAt / 4);
      if (state.c) f32.set(state.c, cAt / 4);
    }

    const ex = rt.exports;
    ex.gemm32(W.offset, W.panels, D, xAt, T, bX.offset, zxAt);
    const rowBytes = 4 * gPad;
    for (let s = 0; s < T; s++) {
      const t = this.backwards ? T - 1 - s : s;
      const zx = zxAt + t * rowBytes;
      if (this.cell === 'lstm') {
        ex.gemv32(R.offset, R.panels, H, hAt, bR.offset, zhAt);
        ex.lstmStep32(zx, zhAt, H, hAt, cAt);
      } else if (this.cell === 'gru') {
        ex.gemv32(R.offset, R.panels, H, hAt, bR.offset, zhAt);
        if (Rn && bRn) {
          ex.gruGates32(zx, zhAt, H, hAt, rhAt, zAt);
          ex.gemv32(Rn.offset, Rn.panels, H, rhAt, bRn.offset, zhnAt);
          ex.gruUpdate32(zx, zhnAt, H, zAt, hAt);
        } else {
          ex.gruStep32(zx, zhAt, H, hAt);
        }
      } else {
        ex.gemv32(R.offset, R.panels, H, hAt, bR.offset, zhAt);
        ex.rnnStep32(zx, zhAt, H, hAt, this.relu ? 1 : 0);
      }
      const row = this.alignToInput ? t : s;
      f32.copyWithin(outAt / 4 + row * Hp, hAt / 4, hAt / 4 + Hp);
    }

    const out = new Float32Array(T * H);
    const o = outAt / 4;
    if (Hp === H) out.set(f32.subarray(o, o + T * H));
    else for (let t = 0; t < T; t++) out.set(f32.subarray(o + t * Hp, o + t * Hp + H), t * H);
    if (state) {
      state.h.set(f32.subarray(hAt / 4, hAt / 4 + H));
      if (state.c) state.c.set(f32.subarray(cAt / 4, cAt / 4 + H));
    }
    return out;
  }
}

/** The same computation in plain JavaScript, for hosts without WebAssembly SIMD. */
class JsRunner implements Fast32Runner {
  readonly engine = 'js-f32';
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  private readonly W: Float32Array;
  private readonly R: Float32Array;
  private readonly bX: Float32Array;
  private readonly bR: Float32Array;

  constructor(private readonly layer: RecurrentLayer, private readonly relu: boolean) {
    this.cell = layer.cell;
    this.units = layer.units;
    this.inputSize = layer.inputSize;
    const G = gateCount(layer.cell), H = layer.units, D = layer.inputSize, d = layer.directions[0];
    this.W = Float32Array.from(d.W.subarray(0, G * H * D));
    this.R = Float32Array.from(d.R.subarray(0, G * H * H));
    this.bX = Float32Array.from(inputBias(layer));
    this.bR = Float32Array.from(d.bR.subarray(0, G * H));
  }

  run(x: ArrayLike<number>, steps: number, state?: Fast32State): Float32Array {
    const { layer, W, R, bX, bR } = this;
    const T = steps, D = this.inputSize, H = this.units, G = gateCount(this.cell), GH = G * H;
    if (x.length < T * D) throw new GateLensError('input-shape', `x has ${x.length} numbers; ${T} steps × ${D} features need ${T * D}.`);
    checkState(state, layer);
    const h = new Float32Array(H), c = new Float32Array(H), zx = new Float32Array(GH), zh = new Float32Array(GH), rh = new Float32Array(H);
    if (state) { h.set(state.h); if (state.c) c.set(state.c); }
    const out = new Float32Array(T * H);
    const backwards = layer.goBackwards === true || layer.reverse === true;
    const resetBefore = this.cell === 'gru' && layer.resetAfter === false;
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const matvec = (A: Float32Array, rowFrom: number, rows: number, K: number, v: ArrayLike<number>, vOff: number, b: Float32Array, dst: Float32Array) => {
      for (let m = rowFrom; m < rowFrom + rows; m++) {
        let s = b[m];
        for (let k = 0; k < K; k++) s += A[m * K + k] * v[vOff + k];
        dst[m] = s;
      }
    };
    for (let s = 0; s < T; s++) {
      const t = backwards ? T - 1 - s : s;
      matvec(W, 0, GH, D, x, t * D, bX, zx);
      matvec(R, 0, resetBefore ? 2 * H : GH, H, h, 0, bR, zh);
      for (let m = 0; m < H; m++) {
        if (this.cell === 'lstm') {
          const i = sig(zx[m] + zh[m]), f = sig(zx[H + m] + zh[H + m]);
          const g = Math.tanh(zx[2 * H + m] + zh[2 * H + m]), o = sig(zx[3 * H + m] + zh[3 * H + m]);
          c[m] = f * c[m] + i * g;
          h[m] = o * Math.tanh(c[m]);
        } else if (this.cell === 'simple_rnn') {
          const v = zx[m] + zh[m];
          h[m] = this.relu ? Math.max(v, 0) : Math.tanh(v);
        }
      }
      if (this.cell === 'gru') {
        const zg = new Float32Array(H);
        for (let m = 0; m < H; m++) {
          zg[m] = sig(zx[m] + zh[m]);
          const r = sig(zx[H + m] + zh[H + m]);
          if (resetBefore) rh[m] = r * h[m];
          else zh[2 * H + m] *= r;
        }
        if (resetBefore) {
          for (let m = 0; m < H; m++) {
            let v = bR[2 * H + m];
            for (let k = 0; k < H; k++) v += R[(2 * H + m) * H + k] * rh[k];
            zh[2 * H + m] = v;
          }
        }
        for (let m = 0; m < H; m++) {
          const n = Math.tanh(zx[2 * H + m] + zh[2 * H + m]);
          h[m] = n + zg[m] * (h[m] - n);
        }
      }
      out.set(h, (layer.reverse === true ? t : s) * H);
    }
    if (state) { state.h.set(h); if (state.c) state.c.set(c); }
    return out;
  }
}
