// The canonical, convention-free form of a recurrent model that the forward pass runs. Every convention converts
// into it losslessly (see convert.ts) and back. Matrices are row-major Float64Array, laid out "rows = outputs":
// W is (G·H × D) so that z = W·x, as PyTorch and ONNX store it; gate blocks follow the canonical order of
// conventions.ts (LSTM i,f,c,o; GRU z,r,n).

import type { CanonicalGate, CellKind, ConventionId } from './conventions';
import type { Localizable, MessageArg, Phrase } from './messages';

/** Activation by name with its optional parameters (ONNX activation_alpha/beta, LeakyRelu slope, ...). */
export interface Activation {
  readonly name: string;
  readonly alpha?: number;
  readonly beta?: number;
}

export interface DirectionWeights {
  /** (G·H × D) input weights. */
  readonly W: Float64Array;
  /** (G·H × Hr) recurrent weights, Hr = projSize when projecting, else H. */
  readonly R: Float64Array;
  /** G·H bias added with x·W. */
  readonly bW: Float64Array;
  /** G·H bias added with h·R (for a GRU with resetAfter, the n block sits inside r⊙(…)). */
  readonly bR: Float64Array;
  /** LSTM peepholes, 3·H in canonical order i, f, o (ONNX stores i, o, f). */
  readonly peephole?: Float64Array;
  /** LSTM projection (P × H): h_out = proj · (o ⊙ act(c)). */
  readonly proj?: Float64Array;
  /** LSTM projection bias (P), added after the projection (TFLite projection_bias). */
  readonly projBias?: Float64Array;
  /**
   * Layer-norm LSTM (TFLite *_layer_norm_coefficients), 4·H in canonical order i, f, c, o: each gate's
   * W·x + R·h (+ peephole) is normalised over its H units, scaled by these coefficients, and only then are bW + bR
   * added (layer-norm.ts).
   */
  readonly layerNorm?: Float64Array;
}

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | 'none';

export interface RecurrentLayer {
  readonly kind: 'recurrent';
  readonly name?: string;
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  /** LSTM projection size (PyTorch proj_size, TF1 num_proj); the recurrent state h then has this width. */
  readonly projSize?: number;
  /** One entry per direction: [forward] or [forward, backward]. */
  readonly directions: readonly DirectionWeights[];
  /**
   * gate = recurrent_activation (σ); candidate = activation applied to the candidate (tanh);
   * output = activation applied to c before o⊙(·) in an LSTM (tanh). SimpleRNN uses `candidate` only.
   * Per direction when the list has two entries (ONNX bidirectional activation lists).
   */
  readonly activations: LayerActivations | readonly LayerActivations[];
  /** GRU: true = r⊙(R_n·h + bR_n) (Keras reset_after, PyTorch, ONNX linear_before_reset=1); false = (r⊙h)·R_n. */
  readonly resetAfter?: boolean;
  /** ONNX clip: every gate pre-activation is clipped to ±clip. */
  readonly clip?: number;
  /** ONNX input_forget: f = 1 − i. */
  readonly inputForget?: boolean;
  /** TFLite CIFG (no input-gate weights): i = 1 − f; the canonical input-gate rows are zeros and unused. */
  readonly inputFromForget?: boolean;
  /** TF1 forget_bias, added to the f pre-activation at run time. */
  readonly forgetBias?: number;
  /** Keras go_backwards (single direction): process x in reverse and return outputs in processing order. */
  readonly goBackwards?: boolean;
  /** How two directions are combined into the layer output. */
  readonly merge?: MergeMode;
  /** The convention the weights came from, for labels and for converting back. */
  readonly source?: ConventionId;
  /** ONNX direction="reverse" (single direction): process x from the last step to the first; outputs stay aligned to input time. */
  readonly reverse?: boolean;
  /** TF1 / LSTMBlockCell cell_clip: the cell state c itself is clipped to ±cellClip after each update (not the gates). */
  readonly cellClip?: number;
  /** ONNX layout=1: X, Y, Y_h, Y_c are batch-major ([N, T, ·], [N, D, ·]); the weights are the same as layout=0. */
  readonly onnxLayout?: 0 | 1;
  /** TF1 LSTMCell proj_clip: the projected h is clipped to ±projClip (needs a projection). */
  readonly projClip?: number;
  /** Keras return_sequences=false: the layer's output is its last output only (one step). Absent = all steps. */
  readonly returnSequences?: boolean;
  /** false when the source stored no bias (Keras use_bias=False, PyTorch bias=False): bW and bR are zeros. */
  readonly useBias?: boolean;
  /**
   * Set when an array this layer needs could not be read (recognize/types.ts MissingArray): the message names each
   * missing array, where it is and why. The forward pass refuses such a layer with this message.
   */
  readonly incomplete?: string;
  /** `incomplete` as a template with its arguments, for hosts that translate it. */
  readonly incompletePhrase?: Phrase;
}

export interface LayerActivations {
  readonly gate: Activation;
  readonly candidate: Activation;
  readonly output: Activation;
}

export interface DenseLayer {
  readonly kind: 'dense';
  readonly name?: string;
  readonly inputSize: number;
  readonly units: number;
  /** (units × inputSize) row-major. */
  readonly W: Float64Array;
  readonly b?: Float64Array;
  readonly activation: Activation;
}

export type Layer = RecurrentLayer | DenseLayer;

export interface Model {
  readonly layers: readonly Layer[];
}

/** A batch of sequences, [batch][steps][features] row-major. */
export interface Sequence {
  readonly data: Float64Array;
  readonly batch: number;
  readonly steps: number;
  readonly features: number;
}

export interface InitialState {
  /** batch × Hr */
  readonly h?: Float64Array;
  /** batch × H (LSTM) */
  readonly c?: Float64Array;
}

export interface RunOptions {
  /** One per direction. Zeros where absent. */
  readonly initialStates?: readonly InitialState[];
  /** Keras mask, batch × steps (1 = keep): a masked step carries the state and repeats the previous output. */
  readonly mask?: Uint8Array;
  /** ONNX sequence_lens / PyTorch packed lengths, one per batch item: zeros past the length. */
  readonly sequenceLengths?: Int32Array;
  /** Record a per-step trace (z, gate activations, c, h). */
  readonly trace?: boolean;
  /** Cooperative cancellation: checked between steps. */
  readonly signal?: { readonly aborted: boolean };
}

/** One direction of one layer for one batch item, every step in processing order's time index (t = 0..T-1). */
export interface DirectionTrace {
  readonly direction: number; // 0 forward, 1 backward
  readonly batchIndex: number;
  readonly steps: number;
  readonly units: number;
  /** Canonical gate ranges along the canonical packed axis (G·H). */
  readonly gates: readonly { gate: CanonicalGate; start: number; end: number }[];
  /** Time index of the input consumed at each processing step. */
  readonly timeIndex: Int32Array;
  /** steps × G·H: x·Wᵀ + bW. */
  readonly zx: Float64Array;
  /** steps × G·H: h·Rᵀ + bR (for a reset-before GRU the n block is (r⊙h)·R_nᵀ + bR_n). */
  readonly zh: Float64Array;
  /** steps × G·H: the pre-activation each gate actually receives (after peepholes, clip, forget_bias, reset). */
  readonly z: Float64Array;
  /** steps × G·H: each gate's activation. */
  readonly a: Float64Array;
  /** steps × H, LSTM cell state after the step. */
  readonly c?: Float64Array;
  /** steps × Hr, hidden state after the step. */
  readonly h: Float64Array;
}

export interface LayerResult {
  /** Merged layer output per the layer's merge mode; with merge 'none', the forward direction. */
  readonly output: Sequence;
  /** Per direction, outputs aligned to input time (t-th row follows x_t), except Keras goBackwards (processing order). */
  readonly directionOutputs: readonly Sequence[];
  /** Per direction, final states (batch × Hr, batch × H). */
  readonly finalStates: readonly { h: Float64Array; c?: Float64Array }[];
  readonly trace?: readonly DirectionTrace[];
}

export interface ModelResult {
  readonly output: Sequence;
  readonly layers: readonly LayerResult[];
}

/** Thrown for input the core cannot run: the message says what is wrong in terms the user can act on. */
export class GateLensError extends Error {
  /** The English template of `message` and its arguments (core/messages), for hosts that translate it. */
  readonly template?: string;
  readonly args?: readonly MessageArg[];
  constructor(readonly code: string, message: string | Localizable) {
    super(typeof message === 'string' ? message : message.message);
    this.name = 'GateLensError';
    if (typeof message !== 'string' && message.template !== undefined) {
      this.template = message.template;
      this.args = message.args ?? [];
    }
  }
}
