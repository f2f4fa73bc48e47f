// The exact float64 forward pass of the canonical model (model.ts), with an optional per-step trace.
//
// Equations (canonical gate order; z = x·Wᵀ + bW + h·Rᵀ + bR unless stated):
//   LSTM  i = σ(z_i + p_i⊙c), f = σ(z_f + forget_bias + p_f⊙c) or 1 − i (ONNX input_forget), g = act(z_c),
//         c' = f⊙c + i⊙g (clipped to ±cell_clip in TF1), o = σ(z_o + p_o⊙c'), h' = o⊙act_out(c') (· projᵀ if any).
//         TFLite: i = 1 − f (CIFG), projection bias, and layer-norm gates LN(z without bias)⊙γ + b (layer-norm.ts).
//         Keras keras/src/layers/rnn/lstm.py; PyTorch torch/nn/modules/rnn.py LSTM docstring; ONNX Operators.md
//         LSTM; TF1 rnn_cell_impl.py LSTMCell.call. ONNX clip bounds every gate pre-activation, not c
//         (onnxruntime deep_cpu_lstm: clip after adding peephole and bias).
//   GRU   z = σ(z_z), r = σ(z_r); reset after: n = act(zx_n + r⊙(R_n·h + bR_n)) (Keras reset_after=True, PyTorch,
//         ONNX linear_before_reset=1); reset before: n = act(zx_n + R_n·(r⊙h) + bR_n) (Keras reset_after=False,
//         ONNX default); h' = z⊙h + (1 − z)⊙n everywhere (keras/src/layers/rnn/gru.py; torch rnn.py GRU).
//   RNN   h' = act(z).
// Masks follow Keras (keras/src/backend/tensorflow/rnn.py): a masked step keeps the state and outputs the previous
// output (zeros with zero_output_for_mask, which Keras Bidirectional forces to return_sequences). Sequence lengths
// follow PyTorch packed sequences and onnxruntime sequence_lens: zeros past the length, the reverse direction starts
// at len − 1, final state = state after the last valid step.

import { ActCode, applyActivation, resolveActivation, softmaxInPlace } from './activations';
import type { ResolvedActivation } from './activations';
import { CANONICAL_GATES, gateCount } from './conventions';
import { getKernels } from './kernels/index';
import type { Kernels } from './kernels/types';
import type {
  DenseLayer, DirectionTrace, InitialState, LayerActivations, LayerResult, Model, ModelResult, RecurrentLayer, RunOptions, Sequence,
} from './model';
import { GateLensError } from './model';
import { FORWARD_TEMPLATES as FWD } from './forward-messages';
import { layerNormGates } from './layer-norm';
import { asMessage, localized, phrase, type Phrase } from './messages';

export interface LayerRunOptions extends RunOptions {
  /**
   * Keras zero_output_for_mask: a masked step outputs zeros instead of repeating the previous output. Default: true
   * for a two-direction Keras layer returning sequences (Keras Bidirectional forces it), false otherwise.
   */
  readonly zeroOutputForMask?: boolean;
  /** Matrix kernels to use; default getKernels(). */
  readonly kernels?: Kernels;
  /**
   * A result of an earlier call that the caller is done with: its memory is written again instead of fresh memory
   * (a 100-step trace at 128 units is 1.9 MB; first writes into fresh pages cost more than the forward pass on a
   * loaded machine). The earlier result, its trace and final states must not be used afterwards. Buffers that do
   * not fit, were transferred, or hold this call's input or initial states are left alone.
   */
  readonly reuse?: LayerResult;
}

export interface ModelRunOptions extends LayerRunOptions {
  /** Initial states per model layer index (recurrent layers only); `initialStates` applies to the first recurrent layer. */
  readonly layerInitialStates?: readonly (readonly InitialState[] | undefined)[];
}

const layerLabel = (layer: { name?: string; kind: string }): Phrase =>
  (layer.name ? phrase(FWD.namedLayer, layer.name) : phrase(layer.kind === 'dense' ? FWD.thisDenseLayer : FWD.thisRecurrentLayer));

/** "layer "lstm" direction 0 (forward) W": an array of a layer, named for a message. */
const arrayOf = (owner: Phrase, array: string | Phrase): Phrase => phrase(FWD.arrayOf, owner, array);

function checkFinite(arr: Float64Array, what: Phrase, cols: number): void {
  scanFinite(arr, what, cols);
}

/**
 * Weight arrays found finite once. Weights are immutable after a run (the WebAssembly kernels' packed copies rely on
 * the same contract, kernels/wasm.ts PackedCache), so a layer object rebuilt around the same arrays skips the scan.
 */
const finiteWeights = new WeakSet<Float64Array>();

function checkFiniteWeights(arr: Float64Array, what: Phrase, cols: number): void {
  if (finiteWeights.has(arr)) return;
  scanFinite(arr, what, cols);
  finiteWeights.add(arr);
}

function scanFinite(arr: Float64Array, what: Phrase, cols: number): void {
  for (let k = 0; k < arr.length; k++) {
    const v = arr[k];
    if (v - v !== 0) {
      throw new GateLensError('non-finite', cols > 1 ? localized(FWD.nonFiniteAt, what, k, Math.floor(k / cols), k % cols, String(v)) : localized(FWD.nonFinite, what, k, String(v)));
    }
  }
}

function checkLength(arr: Float64Array | undefined, n: number, what: Phrase, shape: string): void {
  if (arr && arr.length !== n) throw new GateLensError('shape-mismatch', localized(FWD.lengthMismatch, what, arr.length, shape, n));
}

const validated = new WeakSet<object>();

function validateRecurrent(layer: RecurrentLayer): void {
  // Never a number from a guessed array: a layer with a missing, unreadable or truncated array does not run.
  if (layer.incomplete !== undefined) throw new GateLensError('incomplete-layer', layer.incompletePhrase ? asMessage(layer.incompletePhrase) : layer.incomplete);
  if (validated.has(layer)) return;
  const G = gateCount(layer.cell), H = layer.units, Hr = layer.projSize ?? H, I = layer.inputSize, GH = G * H;
  const label = layerLabel(layer);
  if (!(Number.isInteger(H) && H > 0 && Number.isInteger(I) && I > 0)) {
    throw new GateLensError('shape-mismatch', localized(FWD.unitsInvalid, label, H, I));
  }
  if (layer.directions.length !== 1 && layer.directions.length !== 2) {
    throw new GateLensError('shape-mismatch', localized(FWD.directionsInvalid, label, layer.directions.length));
  }
  if (layer.projSize !== undefined && layer.cell !== 'lstm') throw new GateLensError('unsupported', localized(FWD.projectionNotLstm, label));
  if (layer.projClip !== undefined && (layer.projSize === undefined || !(layer.projClip >= 0))) {
    throw new GateLensError('unsupported', localized(FWD.projClipInvalid, label, layer.projClip));
  }
  if (layer.cell !== 'lstm' && (layer.inputFromForget || layer.directions.some((d) => d.layerNorm))) {
    throw new GateLensError('unsupported', localized(FWD.lstmOnly, label, phrase(layer.inputFromForget ? FWD.coupledInputGate : FWD.layerNormalisation)));
  }
  layer.directions.forEach((d, k) => {
    const w = phrase(k === 0 ? FWD.forwardDirection : FWD.backwardDirection, label, k);
    const peephole = arrayOf(w, phrase(FWD.peephole));
    const projection = arrayOf(w, phrase(FWD.projection));
    checkLength(d.W, GH * I, arrayOf(w, 'W'), `(G·H × I) = (${GH} × ${I})`);
    checkLength(d.R, GH * Hr, arrayOf(w, 'R'), `(G·H × ${layer.projSize ? 'P' : 'H'}) = (${GH} × ${Hr})`);
    checkLength(d.bW, GH, arrayOf(w, 'bW'), `(G·H) = (${GH})`);
    checkLength(d.bR, GH, arrayOf(w, 'bR'), `(G·H) = (${GH})`);
    checkLength(d.peephole, 3 * H, peephole, `(3·H) = (${3 * H})`);
    if (layer.projSize !== undefined && !d.proj) throw new GateLensError('missing-array', localized(FWD.projectionMissing, w, layer.projSize));
    checkLength(d.proj, Hr * H, projection, `(P × H) = (${Hr} × ${H})`);
    const projBias = arrayOf(w, phrase(FWD.projectionBias)), layerNorm = arrayOf(w, phrase(FWD.layerNormCoefficients));
    if (d.projBias && !d.proj) throw new GateLensError('missing-array', localized(FWD.projectionMissing, w, Hr));
    checkLength(d.projBias, Hr, projBias, `(P) = (${Hr})`);
    checkLength(d.layerNorm, GH, layerNorm, `(4·H) = (${GH})`);
    checkFiniteWeights(d.W, arrayOf(w, 'W'), I);
    checkFiniteWeights(d.R, arrayOf(w, 'R'), Hr);
    checkFiniteWeights(d.bW, arrayOf(w, 'bW'), 1);
    checkFiniteWeights(d.bR, arrayOf(w, 'bR'), 1);
    if (d.peephole) checkFiniteWeights(d.peephole, peephole, 1);
    if (d.proj) checkFiniteWeights(d.proj, projection, H);
    if (d.projBias) checkFiniteWeights(d.projBias, projBias, 1);
    if (d.layerNorm) checkFiniteWeights(d.layerNorm, layerNorm, 1);
  });
  validated.add(layer);
}

function validateInput(input: Sequence, features: number, label: Phrase): void {
  const { batch, steps } = input;
  if (!(Number.isInteger(batch) && batch > 0 && Number.isInteger(steps) && steps > 0)) {
    throw new GateLensError('input-shape', localized(FWD.inputBatchSteps, batch, steps));
  }
  if (input.features !== features) {
    throw new GateLensError('input-shape', localized(FWD.inputFeatures, input.features, label, features));
  }
  if (input.data.length !== batch * steps * features) {
    throw new GateLensError('input-shape', localized(FWD.inputLength, input.data.length, batch, steps, features, batch * steps * features));
  }
  checkFinite(input.data, phrase(FWD.input), features);
}

function resolveLayerActivations(layer: RecurrentLayer): { gate: ResolvedActivation; candidate: ResolvedActivation; output: ResolvedActivation }[] {
  const list: readonly LayerActivations[] = Array.isArray(layer.activations) ? layer.activations : [layer.activations as LayerActivations];
  if (list.length !== 1 && list.length !== layer.directions.length) {
    throw new GateLensError('activations', localized(FWD.activationSets, layerLabel(layer), list.length, layer.directions.length));
  }
  return layer.directions.map((_, d) => {
    const a = list[list.length === 1 ? 0 : d];
    return { gate: resolveActivation(a.gate), candidate: resolveActivation(a.candidate), output: resolveActivation(a.output) };
  });
}

function cancelled(): never {
  throw new GateLensError('cancelled', localized(FWD.cancelled));
}

/** Clamp v[off .. off+n) to ±limit. */
function clipRange(v: Float64Array, off: number, n: number, limit: number): void {
  for (let k = off; k < off + n; k++) {
    const x = v[k];
    v[k] = x > limit ? limit : x < -limit ? -limit : x;
  }
}

interface TraceBuffers {
  timeIndex: Int32Array; zx: Float64Array; zh: Float64Array; z: Float64Array; a: Float64Array; c?: Float64Array; h: Float64Array;
}

/** out (N × M) = X (N × K) · Aᵀ + bias: one gemv for a single sequence, one gemm for a batch. */
function rowsTimesMatrix(kernels: Kernels, A: Float64Array, M: number, K: number, X: Float64Array, N: number, bias: Float64Array | undefined, out: Float64Array): void {
  if (N === 1) kernels.gemvBias(A, M, K, X, 0, bias, out, 0);
  else kernels.gemmBias(A, M, K, X, N, bias, out);
}

type GateRanges = DirectionTrace['gates'];

/** The standard cells (σ gates, tanh candidate and output, no clip / peephole / input_forget) run one fused pass per step. */
type FusedCell = 'lstm' | 'gru' | 'rnn' | undefined;

/**
 * What runLayer derives from a layer alone, once per layer object (layers are immutable after a run, like their
 * weights): the resolved activations, which fused step applies, the gate ranges every trace shares.
 */
interface LayerPlan {
  readonly acts: readonly { gate: ResolvedActivation; candidate: ResolvedActivation; output: ResolvedActivation }[];
  readonly fused: readonly FusedCell[];
  readonly gates: GateRanges;
}

const plans = new WeakMap<RecurrentLayer, LayerPlan>();

function planFor(layer: RecurrentLayer): LayerPlan {
  const cached = plans.get(layer);
  if (cached) return cached;
  validateRecurrent(layer);
  const acts = resolveLayerActivations(layer);
  const H = layer.units, cell = layer.cell;
  const resetBefore = cell === 'gru' && layer.resetAfter === false;
  const fused = acts.map(({ gate, candidate, output }, k): FusedCell => {
    // The fused passes perform exactly the operations of the general path, in the same order, so the numbers are
    // bit-identical (test/core/forward.test.ts checks this against a no-op clip, which takes the general path).
    if (layer.clip !== undefined || candidate.code !== ActCode.Tanh) return undefined;
    if (cell === 'simple_rnn') return 'rnn';
    if (gate.code !== ActCode.Sigmoid) return undefined;
    if (cell === 'gru') return resetBefore ? undefined : 'gru';
    const dw = layer.directions[k];
    const plain = output.code === ActCode.Tanh && layer.cellClip === undefined && layer.inputForget !== true && layer.inputFromForget !== true && !dw.peephole && !dw.layerNorm && !dw.projBias;
    return plain ? 'lstm' : undefined;
  });
  // Shared by every trace of this layer, hence frozen.
  const gates: GateRanges = Object.freeze(CANONICAL_GATES[cell].map((gate, k) => Object.freeze({ gate, start: k * H, end: (k + 1) * H })));
  const plan: LayerPlan = { acts, fused, gates };
  plans.set(layer, plan);
  return plan;
}

/**
 * Work areas reused from call to call (runLayer never re-enters itself and no result ever aliases them): a
 * streaming caller makes thousands of one-step calls, and allocating a dozen typed arrays each time cost more than
 * the step.
 */
let scratchSteps = new Float64Array(0);
let scratchZx = new Float64Array(0);
/** Larger work areas (a long sequence's input projection) are allocated for the call only, not kept for the session. */
const SCRATCH_KEPT = 1 << 17;

function scratchArea(n: number): Float64Array {
  if (scratchSteps.length >= n) return scratchSteps;
  if (n > SCRATCH_KEPT) return new Float64Array(n);
  return (scratchSteps = new Float64Array(Math.min(SCRATCH_KEPT, Math.max(n, 2 * scratchSteps.length))));
}

function scratchInputProjection(n: number): Float64Array {
  if (scratchZx.length >= n) return scratchZx;
  if (n > SCRATCH_KEPT) return new Float64Array(n);
  return (scratchZx = new Float64Array(Math.min(SCRATCH_KEPT, Math.max(n, 2 * scratchZx.length))));
}

interface DirectionRun {
  readonly out: Float64Array;
  readonly final: { h: Float64Array; c?: Float64Array };
  readonly trace?: DirectionTrace;
}

/**
 * One sequence (batch 1, no mask) through a fused cell. Everything the caller keeps — output, final state, every
 * trace array — lives in one ArrayBuffer allocated per call, and each step writes its trace rows directly: the
 * recurrent product lands in the trace's zh row, z and the activations are stored by the step itself, the next step
 * reads h and c from the trace rows just written, and a forward direction's input projection is computed straight
 * into the trace's zx. Numbers are those of the general path: the same kernels on the same operands, the same
 * scalar expressions in the same order.
 */
// The standard cells (σ/tanh LSTM, reset-after GRU, tanh RNN) in one pass over the units. Both the one-sequence path and
// the batch path step through these, so the two stay bit-identical by construction. Rows hold G·H values in canonical
// gate order; each argument pair is an array and the offset of the row in it.
function fusedLstmStep(
  H: number, forgetBias: number, ZX: Float64Array, xo: number, ZH: Float64Array, zho: number, Z: Float64Array, zo: number,
  A: Float64Array, ao: number, cPrev: Float64Array, cpo: number, C: Float64Array, co: number, Hout: Float64Array, ho: number,
): void {
  const H2 = 2 * H, H3 = 3 * H;
  for (let m = 0; m < H; m++) {
    const zi = ZX[xo + m] + ZH[zho + m];
    let zf = ZX[xo + H + m] + ZH[zho + H + m];
    if (forgetBias !== 0) zf += forgetBias;
    const zg = ZX[xo + H2 + m] + ZH[zho + H2 + m];
    const zq = ZX[xo + H3 + m] + ZH[zho + H3 + m];
    const i = 1 / (1 + Math.exp(-zi)), f = 1 / (1 + Math.exp(-zf)), g = Math.tanh(zg), o = 1 / (1 + Math.exp(-zq));
    Z[zo + m] = zi; Z[zo + H + m] = zf; Z[zo + H2 + m] = zg; Z[zo + H3 + m] = zq;
    A[ao + m] = i; A[ao + H + m] = f; A[ao + H2 + m] = g; A[ao + H3 + m] = o;
    const c = f * cPrev[cpo + m] + i * g;
    C[co + m] = c;
    Hout[ho + m] = Math.tanh(c) * o;
  }
}

function fusedGruStep(
  H: number, ZX: Float64Array, xo: number, ZH: Float64Array, zho: number, Z: Float64Array, zo: number,
  A: Float64Array, ao: number, hPrev: Float64Array, hpo: number, Hout: Float64Array, ho: number,
): void {
  const H2 = 2 * H;
  for (let m = 0; m < H; m++) {
    const zz = ZX[xo + m] + ZH[zho + m];
    const zr = ZX[xo + H + m] + ZH[zho + H + m];
    const u = 1 / (1 + Math.exp(-zz)), r = 1 / (1 + Math.exp(-zr));
    const zn = ZX[xo + H2 + m] + r * ZH[zho + H2 + m];
    const n = Math.tanh(zn);
    Z[zo + m] = zz; Z[zo + H + m] = zr; Z[zo + H2 + m] = zn;
    A[ao + m] = u; A[ao + H + m] = r; A[ao + H2 + m] = n;
    Hout[ho + m] = u * hPrev[hpo + m] + (1 - u) * n;
  }
}

function fusedRnnStep(H: number, ZX: Float64Array, xo: number, ZH: Float64Array, zho: number, Z: Float64Array, zo: number, A: Float64Array, ao: number, Hout: Float64Array, ho: number): void {
  for (let m = 0; m < H; m++) {
    const z = ZX[xo + m] + ZH[zho + m];
    const v = Math.tanh(z);
    Z[zo + m] = z; A[ao + m] = v; Hout[ho + m] = v;
  }
}

/** The distinct, still attached buffers of a finished result, minus any that this call reads from. */
function reusableBuffers(result: LayerResult, input: Sequence, initial: readonly InitialState[] | undefined): ArrayBuffer[] {
  const found = new Set<ArrayBufferLike>();
  for (const s of result.directionOutputs) found.add(s.data.buffer);
  for (const t of result.trace ?? []) found.add(t.zx.buffer);
  found.delete(input.data.buffer);
  for (const s of initial ?? []) {
    if (s.h) found.delete(s.h.buffer);
    if (s.c) found.delete(s.c.buffer);
  }
  return [...found].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
}

/**
 * A buffer of `bytes`: one of `recycled` of exactly that size when there is one (`used`: it still holds the old
 * numbers), else fresh, zero-filled memory.
 */
function resultBuffer(bytes: number, recycled: ArrayBuffer[] | undefined): { buffer: ArrayBuffer; used: boolean } {
  const k = recycled ? recycled.findIndex((b) => b.byteLength === bytes) : -1;
  if (k < 0 || !recycled) return { buffer: new ArrayBuffer(bytes), used: false };
  return { buffer: recycled.splice(k, 1)[0], used: true };
}

function runSingleSequence(
  layer: RecurrentLayer, plan: LayerPlan, d: number, input: Sequence, len: number, init: InitialState | undefined,
  wantTrace: boolean, kernels: Kernels, signal: LayerRunOptions['signal'], recycled?: ArrayBuffer[],
): DirectionRun {
  const cell = layer.cell, fused = plan.fused[d];
  const T = input.steps, Din = input.features;
  const H = layer.units, Hr = layer.projSize ?? H, GH = gateCount(cell) * H;
  const lstm = cell === 'lstm';
  const dw = layer.directions[d];
  const W = dw.W, R = dw.R, bR = dw.bR, proj = dw.proj;
  const reverse = d === 1 || layer.goBackwards === true || layer.reverse === true;
  const processingOrder = layer.goBackwards === true && layer.directions.length === 1;
  const forgetBias = layer.forgetBias ?? 0;

  // Results, carved from one buffer (zero-filled: rows past the sequence length stay 0).
  const cN = lstm ? H : 0;
  const f64Count = T * Hr + Hr + cN + (wantTrace ? len * (4 * GH + Hr + cN) : 0);
  const { buffer, used } = resultBuffer(8 * f64Count + (wantTrace ? 4 * len : 0), recycled);
  let at = 0;
  const out = new Float64Array(buffer, at, T * Hr); at += 8 * T * Hr;
  const hFinal = new Float64Array(buffer, at, Hr); at += 8 * Hr;
  const cFinal = new Float64Array(buffer, at, cN); at += 8 * cN;
  let trZx = out, trZh = out, trZ = out, trA = out, trH = out, trC = out, timeIndex: Int32Array | undefined;
  if (wantTrace) {
    trZx = new Float64Array(buffer, at, len * GH); at += 8 * len * GH;
    trZh = new Float64Array(buffer, at, len * GH); at += 8 * len * GH;
    trZ = new Float64Array(buffer, at, len * GH); at += 8 * len * GH;
    trA = new Float64Array(buffer, at, len * GH); at += 8 * len * GH;
    trH = new Float64Array(buffer, at, len * Hr); at += 8 * len * Hr;
    trC = new Float64Array(buffer, at, len * cN); at += 8 * len * cN;
    timeIndex = new Int32Array(buffer, at, len);
  }

  if (fused !== undefined && !proj && kernels.runSequence) {
    const f64 = (view: Float64Array): number => view.byteOffset;
    const layout = {
      out: f64(out), hFinal: f64(hFinal), cFinal: f64(cFinal), zx: f64(trZx), zh: f64(trZh), z: f64(trZ), a: f64(trA), h: f64(trH), c: f64(trC),
      timeIndex: timeIndex ? timeIndex.byteOffset : 0,
    };
    const job = {
      cell: fused, units: H, features: Din, steps: T, len, reverse, processingOrder, forgetBias,
      W, bW: dw.bW, R, bR, x: input.data, h0: init?.h, c0: init?.c, trace: wantTrace, buffer, layout,
    };
    if (signal?.aborted) cancelled();
    // The sequence kernel writes every byte of the result (rows past the length as zeros).
    if (kernels.runSequence(job)) return finishSequence(plan, d, len, H, lstm, out, hFinal, cFinal, wantTrace, { timeIndex: timeIndex!, zx: trZx, zh: trZh, z: trZ, a: trA, h: trH, c: trC });
  }
  // The step loop below leaves rows past the sequence length alone: they must read as zeros.
  if (used) new Uint8Array(buffer).fill(0);

  // x·Wᵀ + bW for every step in one gemm; straight into the trace when its rows are in processing order.
  const zxInTrace = wantTrace && !reverse && len === T;
  const ZX = zxInTrace ? trZx : scratchInputProjection(T * GH);
  if (len > 0) kernels.gemmBias(W, GH, Din, input.data, T, dw.bW, ZX);

  // Scratch: zh, z, a of the current step and two alternating h / c rows when there is no trace to hold them;
  // the projection's input (o⊙act(c)); a zero row for a missing initial state.
  const S = scratchArea(3 * GH + 3 * Hr + 4 * H);
  const sZh = 0, sZ = GH, sA = 2 * GH, sH = 3 * GH, sC = sH + 2 * Hr, sTmp = sC + 2 * H, sZero = sTmp + H;
  S.fill(0, sZero, sZero + Math.max(Hr, H));
  let hPrev = init?.h ?? S, hPrevAt = init?.h ? 0 : sZero;
  let cPrev = init?.c ?? S, cPrevAt = init?.c ? 0 : sZero;
  const zhArr = wantTrace ? trZh : S, zArr = wantTrace ? trZ : S, aArr = wantTrace ? trA : S;
  const hArr = wantTrace ? trH : S, cArr = wantTrace ? trC : S;

  for (let s = 0; s < len; s++) {
    if (signal?.aborted) cancelled();
    const t = reverse ? len - 1 - s : s;
    const xo = t * GH;
    const go = wantTrace ? s * GH : 0;
    const zh = wantTrace ? go : sZh, zo = wantTrace ? go : sZ, ao = wantTrace ? go : sA;
    const ho = wantTrace ? s * Hr : sH + (s & 1) * Hr, co = wantTrace ? s * H : sC + (s & 1) * H;
    const oo = (processingOrder ? s : t) * Hr;
    kernels.gemvBias(R, GH, Hr, hPrev, hPrevAt, bR, zhArr, zh);
    if (wantTrace) {
      timeIndex![s] = t;
      if (!zxInTrace) for (let j = 0; j < GH; j++) trZx[go + j] = ZX[xo + j];
    }
    if (fused === 'lstm') {
      if (proj) fusedLstmStep(H, forgetBias, ZX, xo, zhArr, zh, zArr, zo, aArr, ao, cPrev, cPrevAt, cArr, co, S, sTmp);
      else {
        fusedLstmStep(H, forgetBias, ZX, xo, zhArr, zh, zArr, zo, aArr, ao, cPrev, cPrevAt, cArr, co, hArr, ho);
        for (let m = 0; m < H; m++) out[oo + m] = hArr[ho + m];
      }
      if (proj) {
        kernels.gemvBias(proj, Hr, H, S, sTmp, undefined, hArr, ho);
        if (layer.projClip !== undefined) clipRange(hArr, ho, Hr, layer.projClip);
        for (let m = 0; m < Hr; m++) out[oo + m] = hArr[ho + m];
      }
      cPrev = cArr; cPrevAt = co;
    } else if (fused === 'gru') {
      fusedGruStep(H, ZX, xo, zhArr, zh, zArr, zo, aArr, ao, hPrev, hPrevAt, hArr, ho);
      for (let m = 0; m < H; m++) out[oo + m] = hArr[ho + m];
    } else {
      fusedRnnStep(H, ZX, xo, zhArr, zh, zArr, zo, aArr, ao, hArr, ho);
      for (let m = 0; m < H; m++) out[oo + m] = hArr[ho + m];
    }
    hPrev = hArr; hPrevAt = ho;
  }
  for (let m = 0; m < Hr; m++) hFinal[m] = hPrev[hPrevAt + m];
  for (let m = 0; m < cN; m++) cFinal[m] = cPrev[cPrevAt + m];
  return finishSequence(plan, d, len, H, lstm, out, hFinal, cFinal, wantTrace, { timeIndex: timeIndex!, zx: trZx, zh: trZh, z: trZ, a: trA, h: trH, c: trC });
}

function finishSequence(
  plan: LayerPlan, d: number, len: number, H: number, lstm: boolean, out: Float64Array, hFinal: Float64Array, cFinal: Float64Array, wantTrace: boolean,
  rows: TraceBuffers & { c: Float64Array },
): DirectionRun {
  const final = lstm ? { h: hFinal, c: cFinal } : { h: hFinal };
  if (!wantTrace) return { out, final };
  const { timeIndex, zx, zh, z, a, h, c } = rows;
  const trace: DirectionTrace = { direction: d, batchIndex: 0, steps: len, units: H, gates: plan.gates, timeIndex, zx, zh, z, a, h, ...(lstm ? { c } : {}) };
  return { out, final, trace };
}

/** Runs one recurrent layer on a batch. */
export function runLayer(layer: RecurrentLayer, input: Sequence, options: LayerRunOptions = {}): LayerResult {
  const plan = planFor(layer);
  validateInput(input, layer.inputSize, layerLabel(layer));
  const kernels = options.kernels ?? getKernels();
  const N = input.batch, T = input.steps, Din = input.features;
  const cell = layer.cell;
  const G = gateCount(cell), H = layer.units, Hr = layer.projSize ?? H, GH = G * H;
  const D = layer.directions.length;
  const acts = plan.acts;
  const { mask, sequenceLengths: lens, signal } = options;
  if (mask && mask.length !== N * T) {
    throw new GateLensError('mask-shape', localized(FWD.maskShape, mask.length, N, T, N * T));
  }
  if (lens) {
    if (lens.length !== N) throw new GateLensError('lengths-shape', localized(FWD.lengthsCount, lens.length, N));
    for (let b = 0; b < N; b++) {
      if (!(lens[b] >= 0 && lens[b] <= T)) throw new GateLensError('lengths-shape', localized(FWD.lengthOutside, b, String(lens[b]), T));
    }
  }
  const initial = options.initialStates;
  if (initial && initial.length !== D) {
    throw new GateLensError('state-shape', localized(FWD.statesCount, initial.length, layerLabel(layer), D));
  }
  initial?.forEach((s, d) => {
    checkLength(s.h, N * Hr, phrase(FWD.initialH, d), `batch × ${layer.projSize ? 'P' : 'H'} = ${N} × ${Hr}`);
    checkLength(s.c, N * H, phrase(FWD.initialC, d), `batch × H = ${N} × ${H}`);
    if (s.c && cell !== 'lstm') throw new GateLensError('state-shape', localized(FWD.cStateNotLstm));
    if (s.h) checkFinite(s.h, phrase(FWD.initialH, d), Hr);
    if (s.c) checkFinite(s.c, phrase(FWD.initialC, d), H);
  });
  const zeroOutputForMask = options.zeroOutputForMask ?? (D === 2 && layer.source === 'keras' && layer.returnSequences !== false);
  const wantTrace = options.trace === true;

  if (N === 1 && mask === undefined && plan.fused.every((f) => f !== undefined)) {
    const len = lens ? lens[0] : T;
    const recycled = options.reuse ? reusableBuffers(options.reuse, input, initial) : undefined;
    const directionOutputs: Sequence[] = [];
    const finalStates: { h: Float64Array; c?: Float64Array }[] = [];
    const traces: DirectionTrace[] = [];
    for (let d = 0; d < D; d++) {
      const r = runSingleSequence(layer, plan, d, input, len, initial?.[d], wantTrace, kernels, signal, recycled);
      directionOutputs.push({ data: r.out, batch: 1, steps: T, features: Hr });
      finalStates.push(r.final);
      if (r.trace) traces.push(r.trace);
    }
    const output = mergeOutputs(layer, directionOutputs);
    return { output, directionOutputs, finalStates, ...(wantTrace ? { trace: traces } : {}) };
  }

  const gateRanges = plan.gates;

  // Working buffers, shared by the directions. The N sequences advance side by side, so each step's recurrent
  // product is one matrix–matrix call over the batch (R is read once per step, not once per sequence).
  const ZX = new Float64Array(N * T * GH);
  const hAll = new Float64Array(N * Hr), cAll = new Float64Array(N * H);
  const zhAll = new Float64Array(N * GH), zAll = new Float64Array(N * GH), aAll = new Float64Array(N * GH);
  const hNewAll = new Float64Array(N * Hr), cNewAll = new Float64Array(N * H), tmpAll = new Float64Array(N * H);
  const resetBefore = cell === 'gru' && layer.resetAfter === false;
  // GRU reset-before: z and r need h·R_zrᵀ first; the n block needs (r⊙h)·R_nᵀ, a second product after r is known.
  const zrAll = resetBefore ? new Float64Array(N * 2 * H) : zhAll;
  const znAll = resetBefore ? new Float64Array(N * H) : zhAll;
  const lengths = new Int32Array(N);
  let maxLen = 0;
  for (let b = 0; b < N; b++) { lengths[b] = lens ? lens[b] : T; if (lengths[b] > maxLen) maxLen = lengths[b]; }

  const directionOutputs: Sequence[] = [];
  const finalStates: { h: Float64Array; c?: Float64Array }[] = [];
  const traces: DirectionTrace[] = [];
  const forgetBias = layer.forgetBias ?? 0;
  const clip = layer.clip;
  const cellClip = layer.cellClip;
  const inputForget = layer.inputForget === true;
  const inputFromForget = layer.inputFromForget === true;

  for (let d = 0; d < D; d++) {
    const dw = layer.directions[d];
    const { gate: gateAct, candidate: candAct, output: outAct } = acts[d];
    const reverse = d === 1 || layer.goBackwards === true || layer.reverse === true;
    const processingOrder = layer.goBackwards === true && D === 1;
    const R = dw.R, bR = dw.bR, peep = dw.peephole, proj = dw.proj, ln = dw.layerNorm;
    const Rn = resetBefore ? R.subarray(2 * H * H) : R;
    const bRn = resetBefore ? bR.subarray(2 * H) : bR;
    // LSTM without projection: h' = o⊙act(c') is tmpAll itself.
    const hSrc = cell === 'lstm' && !proj ? tmpAll : hNewAll;
    const fastLstm = plan.fused[d] === 'lstm', fastGru = plan.fused[d] === 'gru', fastRnn = plan.fused[d] === 'rnn';

    // A layer-norm LSTM adds its biases after the normalisation, not in the products.
    kernels.gemmBias(dw.W, GH, Din, input.data, N * T, ln ? undefined : dw.bW, ZX);

    const out = new Float64Array(N * T * Hr);
    const init = initial?.[d];
    if (init?.h) hAll.set(init.h); else hAll.fill(0);
    if (init?.c) cAll.set(init.c); else cAll.fill(0);
    const tr: TraceBuffers[] = [];
    if (wantTrace) {
      // One buffer per sequence's trace rather than seven arrays (each typed array costs an allocation of its own).
      const cN = cell === 'lstm' ? H : 0;
      for (let b = 0; b < N; b++) {
        const len = lengths[b];
        const buffer = new ArrayBuffer(8 * len * (4 * GH + Hr + cN) + 4 * len);
        let at = 0;
        const view = (n: number): Float64Array => { const v = new Float64Array(buffer, at, n); at += 8 * n; return v; };
        const zx = view(len * GH), zh = view(len * GH), z = view(len * GH), a = view(len * GH), h = view(len * Hr), c = view(len * cN);
        const timeIndex = new Int32Array(buffer, at, len);
        tr.push(cell === 'lstm' ? { timeIndex, zx, zh, z, a, h, c } : { timeIndex, zx, zh, z, a, h });
      }
    }

    for (let s = 0; s < maxLen; s++) {
      if (signal?.aborted) cancelled();
      if (resetBefore) rowsTimesMatrix(kernels, R, 2 * H, H, hAll, N, bR, zrAll);
      else rowsTimesMatrix(kernels, R, GH, Hr, hAll, N, ln ? undefined : bR, zhAll);

      for (let b = 0; b < N; b++) {
        const len = lengths[b];
        if (s >= len) continue;
        const t = reverse ? len - 1 - s : s;
        const zx = (b * T + t) * GH, zo = b * GH, co = b * H, ho = b * Hr;
        if (fastLstm) fusedLstmStep(H, forgetBias, ZX, zx, zhAll, zo, zAll, zo, aAll, zo, cAll, co, cNewAll, co, tmpAll, co);
        else if (fastGru) fusedGruStep(H, ZX, zx, zhAll, zo, zAll, zo, aAll, zo, hAll, ho, hNewAll, ho);
        else if (fastRnn) fusedRnnStep(H, ZX, zx, zhAll, zo, zAll, zo, aAll, zo, hNewAll, ho);
        else if (cell === 'lstm') {
          for (let j = 0; j < GH; j++) zAll[zo + j] = ZX[zx + j] + zhAll[zo + j];
          if (forgetBias !== 0) for (let m = H; m < 2 * H; m++) zAll[zo + m] += forgetBias;
          if (peep) for (let m = 0; m < H; m++) { zAll[zo + m] += peep[m] * cAll[co + m]; zAll[zo + H + m] += peep[H + m] * cAll[co + m]; }
          if (ln) layerNormGates(zAll, zo, H, ln, dw.bW, bR, inputFromForget ? 1 : 0, 3);
          if (clip !== undefined) clipRange(zAll, zo, 3 * H, clip);
          if (inputFromForget) {
            applyActivation(gateAct, zAll, zo + H, aAll, zo + H, H);
            for (let m = 0; m < H; m++) aAll[zo + m] = 1 - aAll[zo + H + m];
          } else {
            applyActivation(gateAct, zAll, zo, aAll, zo, H);
            if (inputForget) for (let m = 0; m < H; m++) aAll[zo + H + m] = 1 - aAll[zo + m];
            else applyActivation(gateAct, zAll, zo + H, aAll, zo + H, H);
          }
          applyActivation(candAct, zAll, zo + 2 * H, aAll, zo + 2 * H, H);
          for (let m = 0; m < H; m++) cNewAll[co + m] = aAll[zo + H + m] * cAll[co + m] + aAll[zo + m] * aAll[zo + 2 * H + m];
          if (cellClip !== undefined) clipRange(cNewAll, co, H, cellClip);
          if (peep) for (let m = 0; m < H; m++) zAll[zo + 3 * H + m] += peep[2 * H + m] * cNewAll[co + m];
          if (ln) layerNormGates(zAll, zo, H, ln, dw.bW, bR, 3, 4);
          if (clip !== undefined) clipRange(zAll, zo + 3 * H, H, clip);
          applyActivation(gateAct, zAll, zo + 3 * H, aAll, zo + 3 * H, H);
          applyActivation(outAct, cNewAll, co, tmpAll, co, H);
          for (let m = 0; m < H; m++) tmpAll[co + m] *= aAll[zo + 3 * H + m];
        } else if (cell === 'gru') {
          const zr = resetBefore ? b * 2 * H : zo;
          for (let j = 0; j < 2 * H; j++) zAll[zo + j] = ZX[zx + j] + zrAll[zr + j];
          if (clip !== undefined) clipRange(zAll, zo, 2 * H, clip);
          applyActivation(gateAct, zAll, zo, aAll, zo, 2 * H);
          if (resetBefore) {
            for (let m = 0; m < H; m++) tmpAll[co + m] = aAll[zo + H + m] * hAll[ho + m];
            continue; // n waits for the batched (r⊙h)·R_nᵀ below
          }
          for (let m = 0; m < H; m++) zAll[zo + 2 * H + m] = ZX[zx + 2 * H + m] + aAll[zo + H + m] * zhAll[zo + 2 * H + m];
          if (clip !== undefined) clipRange(zAll, zo + 2 * H, H, clip);
          applyActivation(candAct, zAll, zo + 2 * H, aAll, zo + 2 * H, H);
          for (let m = 0; m < H; m++) hNewAll[ho + m] = aAll[zo + m] * hAll[ho + m] + (1 - aAll[zo + m]) * aAll[zo + 2 * H + m];
        } else {
          for (let m = 0; m < H; m++) zAll[zo + m] = ZX[zx + m] + zhAll[zo + m];
          if (clip !== undefined) clipRange(zAll, zo, H, clip);
          applyActivation(candAct, zAll, zo, hNewAll, ho, H);
          for (let m = 0; m < H; m++) aAll[zo + m] = hNewAll[ho + m];
        }
      }

      if (proj) {
        rowsTimesMatrix(kernels, proj, Hr, H, tmpAll, N, dw.projBias, hNewAll);
        if (layer.projClip !== undefined) clipRange(hNewAll, 0, N * Hr, layer.projClip);
      }
      if (resetBefore) {
        rowsTimesMatrix(kernels, Rn, H, H, tmpAll, N, bRn, znAll);
        for (let b = 0; b < N; b++) {
          const len = lengths[b];
          if (s >= len) continue;
          const t = reverse ? len - 1 - s : s;
          const zx = (b * T + t) * GH, zo = b * GH, ho = b * H;
          for (let m = 0; m < H; m++) zAll[zo + 2 * H + m] = ZX[zx + 2 * H + m] + znAll[ho + m];
          if (clip !== undefined) clipRange(zAll, zo + 2 * H, H, clip);
          applyActivation(candAct, zAll, zo + 2 * H, aAll, zo + 2 * H, H);
          for (let m = 0; m < H; m++) hNewAll[ho + m] = aAll[zo + m] * hAll[ho + m] + (1 - aAll[zo + m]) * aAll[zo + 2 * H + m];
        }
      }

      for (let b = 0; b < N; b++) {
        const len = lengths[b];
        if (s >= len) continue;
        const t = reverse ? len - 1 - s : s;
        const ho = b * Hr, co = b * H;
        const outOff = (b * T + (processingOrder ? s : t)) * Hr;
        if (mask !== undefined && mask[b * T + t] === 0) {
          if (zeroOutputForMask) for (let m = 0; m < Hr; m++) out[outOff + m] = 0;
          else for (let m = 0; m < Hr; m++) out[outOff + m] = hAll[ho + m];
        } else {
          for (let m = 0; m < Hr; m++) { const v = hSrc[ho + m]; hAll[ho + m] = v; out[outOff + m] = v; }
          if (cell === 'lstm') for (let m = 0; m < H; m++) cAll[co + m] = cNewAll[co + m];
        }
        if (wantTrace) {
          const x = tr[b], o = s * GH, zx = (b * T + t) * GH, zo = b * GH;
          x.timeIndex[s] = t;
          for (let j = 0; j < GH; j++) { x.zx[o + j] = ZX[zx + j]; x.z[o + j] = zAll[zo + j]; x.a[o + j] = aAll[zo + j]; }
          if (resetBefore) {
            for (let j = 0; j < 2 * H; j++) x.zh[o + j] = zrAll[b * 2 * H + j];
            for (let m = 0; m < H; m++) x.zh[o + 2 * H + m] = znAll[co + m];
          } else for (let j = 0; j < GH; j++) x.zh[o + j] = zhAll[zo + j];
          for (let m = 0; m < Hr; m++) x.h[s * Hr + m] = hAll[ho + m];
          if (x.c) for (let m = 0; m < H; m++) x.c[s * H + m] = cAll[co + m];
        }
      }
    }
    for (let b = 0; b < N && wantTrace; b++) traces.push({ direction: d, batchIndex: b, steps: lengths[b], units: H, gates: gateRanges, ...tr[b] });
    directionOutputs.push({ data: out, batch: N, steps: T, features: Hr });
    finalStates.push(cell === 'lstm' ? { h: hAll.slice(), c: cAll.slice() } : { h: hAll.slice() });
  }

  const output = mergeOutputs(layer, directionOutputs);
  return { output, directionOutputs, finalStates, ...(wantTrace ? { trace: traces } : {}) };
}

/** Row (time index) of a direction's output that holds its last processed step. */
function lastRow(layer: RecurrentLayer, d: number, T: number): number {
  if (layer.goBackwards && layer.directions.length === 1) return T - 1; // processing order
  const reverse = d === 1 || layer.reverse === true;
  return reverse ? 0 : T - 1;
}

function mergeOutputs(layer: RecurrentLayer, outs: readonly Sequence[]): Sequence {
  const D = outs.length;
  const { batch: N, steps: T, features: F } = outs[0];
  const last = layer.returnSequences === false;
  const To = last ? 1 : T;
  const merge = D === 2 ? (layer.merge ?? 'concat') : 'none';
  // One direction, every step: the layer output is that direction's output (shared, not copied).
  if (merge === 'none' && !last) return outs[0];
  const Fo = merge === 'concat' ? 2 * F : F;
  const data = new Float64Array(N * To * Fo);
  for (let b = 0; b < N; b++) {
    for (let s = 0; s < To; s++) {
      const o = (b * To + s) * Fo;
      const r0 = (b * T + (last ? lastRow(layer, 0, T) : s)) * F;
      const x0 = outs[0].data;
      if (merge === 'none') { for (let m = 0; m < F; m++) data[o + m] = x0[r0 + m]; continue; }
      const r1 = (b * T + (last ? lastRow(layer, 1, T) : s)) * F;
      const x1 = outs[1].data;
      switch (merge) {
        case 'concat': for (let m = 0; m < F; m++) { data[o + m] = x0[r0 + m]; data[o + F + m] = x1[r1 + m]; } break;
        case 'sum': for (let m = 0; m < F; m++) data[o + m] = x0[r0 + m] + x1[r1 + m]; break;
        case 'mul': for (let m = 0; m < F; m++) data[o + m] = x0[r0 + m] * x1[r1 + m]; break;
        // Keras Bidirectional: (y + y_rev) / 2 (keras/src/layers/rnn/bidirectional.py).
        case 'ave': for (let m = 0; m < F; m++) data[o + m] = (x0[r0 + m] + x1[r1 + m]) / 2; break;
      }
    }
  }
  return { data, batch: N, steps: To, features: Fo };
}

/** A Dense layer applied to every step (Keras Dense on a 3-D input, TimeDistributed(Dense), nn.Linear). */
export function runDense(layer: DenseLayer, input: Sequence, options: LayerRunOptions = {}): LayerResult {
  if (!validated.has(layer)) {
    checkLength(layer.W, layer.units * layer.inputSize, arrayOf(layerLabel(layer), 'W'), `(units × inputSize) = (${layer.units} × ${layer.inputSize})`);
    checkLength(layer.b, layer.units, arrayOf(layerLabel(layer), phrase(FWD.bias)), `(units) = (${layer.units})`);
    checkFiniteWeights(layer.W, arrayOf(layerLabel(layer), 'W'), layer.inputSize);
    if (layer.b) checkFiniteWeights(layer.b, arrayOf(layerLabel(layer), phrase(FWD.bias)), 1);
    validated.add(layer);
  }
  validateInput(input, layer.inputSize, layerLabel(layer));
  const kernels = options.kernels ?? getKernels();
  const rows = input.batch * input.steps, U = layer.units;
  const data = new Float64Array(rows * U);
  kernels.gemmBias(layer.W, U, layer.inputSize, input.data, rows, layer.b, data);
  const name = layer.activation.name;
  if (name === 'softmax' || name === 'Softmax') {
    for (let r = 0; r < rows; r++) softmaxInPlace(data, r * U, U);
  } else {
    applyActivation(resolveActivation(layer.activation), data, 0, data, 0, rows * U);
  }
  const output: Sequence = { data, batch: input.batch, steps: input.steps, features: U };
  return { output, directionOutputs: [output], finalStates: [] };
}

/** Runs the layers in order; masks and sequence lengths follow the sequence until a layer returns its last step only. */
export function runModel(model: Model, input: Sequence, options: ModelRunOptions = {}): ModelResult {
  const layers: LayerResult[] = [];
  let x = input;
  let mask = options.mask, lens = options.sequenceLengths;
  let firstRecurrent = true;
  model.layers.forEach((layer, k) => {
    if (options.signal?.aborted) cancelled();
    if (layer.kind === 'dense') {
      layers.push(runDense(layer, x, options));
    } else {
      const initialStates = options.layerInitialStates?.[k] ?? (firstRecurrent ? options.initialStates : undefined);
      firstRecurrent = false;
      const r = runLayer(layer, x, { ...options, mask, sequenceLengths: lens, initialStates });
      layers.push(r);
      if (layer.returnSequences === false) { mask = undefined; lens = undefined; }
    }
    x = layers[layers.length - 1].output;
  });
  return { output: x, layers };
}

// ---------------------------------------------------------------------------------------------------------------
// Framework output layouts

/** A laid-out result array: shape plus row-major values, like NativeTensor. */
export interface LaidOutArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/**
 * A model's outputs as the framework returns them:
 *   keras / tf1  output (N, T, F), or (N, F) after a layer with return_sequences=False; Bidirectional merge_mode
 *                None gives `outputs` [forward, backward]; h and c (N, Hr) / (N, H) of the last recurrent layer
 *                (single direction).
 *   pytorch      output (N, T, D·Hout) (batch_first); h (D·L, N, Hout) and c (D·L, N, H) over every recurrent layer,
 *                index layer·D + direction (torch/nn/modules/rnn.py).
 *   onnx         output = Y (T, D, N, H) with every direction in input-time order; h = Y_h (D, N, H); c = Y_c
 *                (onnx docs/Operators.md, layout = 0).
 */
export interface FrameworkOutputs {
  readonly output?: LaidOutArray;
  readonly outputs?: readonly LaidOutArray[];
  readonly h?: LaidOutArray;
  readonly c?: LaidOutArray;
  /** keras / tf1 with two directions: Bidirectional return_state order [h_fwd, c_fwd, h_bwd, c_bwd] (c only for an LSTM). */
  readonly states?: readonly LaidOutArray[];
}

export interface LayoutOptions {
  /** PyTorch batch_first (default true): output (N, T, ·); false gives (T, N, ·). h_n and c_n never change. */
  readonly batchFirst?: boolean;
}

export type FrameworkId = 'keras' | 'pytorch' | 'onnx' | 'tf1';

function stack(parts: readonly Float64Array[], shape: number[]): LaidOutArray {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  return { shape, data };
}

/** The outputs of one direction: (N, T, F), or its last processed step (N, F). */
function directionView(layer: RecurrentLayer, r: LayerResult, d: number): LaidOutArray {
  const s = r.directionOutputs[d];
  if (layer.returnSequences !== false) return { shape: [s.batch, s.steps, s.features], data: s.data };
  const row = lastRow(layer, d, s.steps);
  const data = new Float64Array(s.batch * s.features);
  for (let b = 0; b < s.batch; b++) data.set(s.data.subarray((b * s.steps + row) * s.features, (b * s.steps + row + 1) * s.features), b * s.features);
  return { shape: [s.batch, s.features], data };
}

/** Sequence (N, T, F) → (T, N, F). */
function timeMajor(s: Sequence): LaidOutArray {
  const { batch: N, steps: T, features: F } = s;
  const data = new Float64Array(N * T * F);
  for (let b = 0; b < N; b++) for (let t = 0; t < T; t++) data.set(s.data.subarray((b * T + t) * F, (b * T + t + 1) * F), (t * N + b) * F);
  return { shape: [T, N, F], data };
}

export function toFrameworkLayout(result: ModelResult | LayerResult, framework: FrameworkId, modelOrLayer: Model | RecurrentLayer, options: LayoutOptions = {}): FrameworkOutputs {
  const model: Model = 'layers' in modelOrLayer ? modelOrLayer : { layers: [modelOrLayer] };
  const layerResults: readonly LayerResult[] = 'layers' in result ? result.layers : [result];
  if (layerResults.length !== model.layers.length) {
    throw new GateLensError('layout', localized(FWD.layoutCount, layerResults.length, model.layers.length));
  }
  const recurrent = model.layers.map((l, k) => ({ l, r: layerResults[k] })).filter((x): x is { l: RecurrentLayer; r: LayerResult } => x.l.kind === 'recurrent');
  const last = model.layers[model.layers.length - 1];
  const lastResult = layerResults[layerResults.length - 1];
  const out = lastResult.output;
  const lastRec = recurrent[recurrent.length - 1];

  if (framework === 'keras' || framework === 'tf1') {
    const collapsed = model.layers.some((l) => l.kind === 'recurrent' && l.returnSequences === false);
    const res: { output?: LaidOutArray; outputs?: LaidOutArray[]; h?: LaidOutArray; c?: LaidOutArray; states?: LaidOutArray[] } = {};
    if (last.kind === 'recurrent' && last.directions.length === 2 && last.merge === 'none') {
      res.outputs = [directionView(last, lastResult, 0), directionView(last, lastResult, 1)];
    } else {
      res.output = collapsed ? { shape: [out.batch, out.features], data: out.data } : { shape: [out.batch, out.steps, out.features], data: out.data };
    }
    const N = out.batch;
    if (lastRec && lastRec.l.directions.length === 1) {
      const fs = lastRec.r.finalStates[0];
      res.h = { shape: [N, fs.h.length / N], data: fs.h };
      if (fs.c) res.c = { shape: [N, fs.c.length / N], data: fs.c };
    } else if (lastRec) {
      res.states = lastRec.r.finalStates.flatMap((fs) => [
        { shape: [N, fs.h.length / N], data: fs.h },
        ...(fs.c ? [{ shape: [N, fs.c.length / N], data: fs.c }] : []),
      ]);
    }
    return res;
  }

  if (!lastRec) throw new GateLensError('layout', localized(FWD.layoutNeedsRecurrent, framework));
  const N = out.batch;
  if (framework === 'pytorch') {
    const hs: Float64Array[] = [], cs: Float64Array[] = [];
    for (const { r } of recurrent) for (const fs of r.finalStates) { hs.push(fs.h); if (fs.c) cs.push(fs.c); }
    const Hr = hs[0].length / N;
    return {
      output: options.batchFirst === false ? timeMajor(out) : { shape: [N, out.steps, out.features], data: out.data },
      h: stack(hs, [hs.length, N, Hr]),
      ...(cs.length ? { c: stack(cs, [cs.length, N, cs[0].length / N]) } : {}),
    };
  }
  // ONNX: one node = one recurrent layer.
  const { l, r } = lastRec;
  const D = l.directions.length;
  const T = r.directionOutputs[0].steps, F = r.directionOutputs[0].features;
  const Y = new Float64Array(T * D * N * F);
  for (let d = 0; d < D; d++) {
    const src = r.directionOutputs[d].data;
    for (let b = 0; b < N; b++) {
      for (let t = 0; t < T; t++) Y.set(src.subarray((b * T + t) * F, (b * T + t + 1) * F), ((t * D + d) * N + b) * F);
    }
  }
  const hs = r.finalStates.map((fs) => fs.h), cs = r.finalStates.flatMap((fs) => (fs.c ? [fs.c] : []));
  if (l.onnxLayout === 1) {
    // layout=1: Y [N, T, D, F], Y_h and Y_c [N, D, ·] (onnx/reference/ops/op_lstm.py transposes the same way).
    const Yb = new Float64Array(Y.length);
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) for (let b = 0; b < N; b++) Yb.set(Y.subarray(((t * D + d) * N + b) * F, ((t * D + d) * N + b + 1) * F), ((b * T + t) * D + d) * F);
    const batchMajor = (parts: readonly Float64Array[], width: number): LaidOutArray => {
      const data = new Float64Array(N * D * width);
      parts.forEach((p, d) => { for (let b = 0; b < N; b++) data.set(p.subarray(b * width, (b + 1) * width), (b * D + d) * width); });
      return { shape: [N, D, width], data };
    };
    return { output: { shape: [N, T, D, F], data: Yb }, h: batchMajor(hs, F), ...(cs.length ? { c: batchMajor(cs, cs[0].length / N) } : {}) };
  }
  return {
    output: { shape: [T, D, N, F], data: Y },
    h: stack(hs, [D, N, F]),
    ...(cs.length ? { c: stack(cs, [D, N, cs[0].length / N]) } : {}),
  };
}
