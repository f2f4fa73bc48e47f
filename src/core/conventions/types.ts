// The types every convention adapter shares: the registry row (ConventionSpec), the native arrays it reads and
// writes, the conversion options, and the adapter interface itself (ConventionAdapter). Pure types.

import type { Activation, DirectionWeights, LayerActivations, MergeMode, RecurrentLayer } from '../model';
import type { FrameworkId } from '../forward';
import type { NumpyLayout, NumpyLayoutInput } from '../codegen/numpy-arrays';
import type { ConventionId } from './index';

export type { ConventionId } from './index';

export type CellKind = 'lstm' | 'gru' | 'simple_rnn';

/**
 * Canonical gate identities. Canonical order: LSTM i,f,c,o; GRU z,r,n; SimpleRNN h.
 * `c` is the LSTM cell candidate (PyTorch calls it g, TF1 calls it j); `n` the GRU candidate (Keras/ONNX call it h).
 */
export type CanonicalGate = 'i' | 'f' | 'c' | 'o' | 'z' | 'r' | 'n' | 'h';

export interface GateSpec {
  /** Canonical identity, shared by every convention. */
  readonly gate: CanonicalGate;
  /** The letter this framework's own docs and code use for it (PyTorch LSTM candidate: "g"). */
  readonly label: string;
  /** Human name in English, e.g. "forget gate". */
  readonly name: string;
}

/** Symbolic tensor dimension: I input size, H units, P projection size, D directions, or a literal. */
export type Dim = 'I' | 'H' | 'P' | 'D' | 'I+H' | number | { readonly times: number; readonly of: 'H' };

export interface TensorSpec {
  /** Role name as the framework names the array (Keras kernel, PyTorch weight_ih, ONNX W ...). */
  readonly role: string;
  readonly shape: readonly Dim[];
  readonly optional?: boolean;
  readonly note?: string;
}

/** columns: (in, G·H), z = x·K; rows: (G·H, in), z = W·x; per_gate: one array per gate (no packed axis). */
export type PackedAxis = 'columns' | 'rows' | 'per_gate';

export type BiasLayout =
  | 'single' // one bias of G·H (Keras LSTM, Keras GRU reset_after=False, Keras SimpleRNN, TF1)
  | 'keras_gru_2xGH' // Keras GRU reset_after=True: (2, 3H), row 0 input bias, row 1 recurrent bias
  | 'ih_plus_hh' // PyTorch: bias_ih + bias_hh, both G·H
  | 'onnx_wb_rb' // ONNX: B [D, 2·G·H] = [Wb, Rb]
  | 'cudnn_2xGH' // Keras 2 CuDNNLSTM/CuDNNGRU: (2·G·H,) = [input biases, recurrent biases]
  | 'per_gate' // one bias vector per gate, on the side the framework puts it (see the spec's notes)
  | 'per_gate_w_r' // an input and a recurrent bias vector per gate (TensorRT, raw cuDNN)
  | 'single_plus_rn' // one bias of G·H plus the candidate's recurrent bias (H) inside r ⊙ (·) (OpenVINO, oneDNN, MLX)
  | 'matlab_gru'; // MATLAB gruLayer: (3H, 1), or (6H, 1) = [input; recurrent] with ResetGateMode recurrent-bias-after-multiplication

export interface ConventionSpec {
  readonly id: ConventionId;
  readonly cell: CellKind;
  /** Display name, e.g. "Keras", "PyTorch", "ONNX", "TF1 LSTMCell", "Keras 2 CuDNNLSTM". */
  readonly framework: string;
  /** Gates along the packed axis, in this convention's storage order. */
  readonly gateOrder: readonly GateSpec[];
  /** columns: matrices are (in, G·H) and z = x·K; rows: matrices are (G·H, in) and z = W·x. */
  readonly packedAxis: PackedAxis;
  readonly tensors: readonly TensorSpec[];
  readonly bias: BiasLayout;
  /** Order of the recurrent state as the framework returns it. */
  readonly stateOrder: readonly ('h' | 'c')[];
  /** GRU only: where the reset gate is applied by default (after = r⊙(U_n·h + b_n)). */
  readonly defaultResetAfter?: boolean;
  /** Default activations: gate (recurrent_activation), candidate/cell activation, output activation for h. */
  readonly defaultActivations: { readonly gate?: string; readonly candidate: string; readonly output?: string };
  readonly notes?: readonly string[];
}

/** A registry row as an adapter writes it: the id is the adapter's own. */
export type CellSpec = Omit<ConventionSpec, 'id'>;

/** A native array as the framework stores it: shape plus row-major values. */
export interface NativeTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export type NativeTensors = Record<string, NativeTensor>;

export interface OnnxActivationList {
  /** The node's `activations` attribute: per direction f, g, h (LSTM), f, g (GRU), f (RNN). */
  readonly names: readonly string[];
  readonly alpha?: readonly number[];
  readonly beta?: readonly number[];
}

export interface FromNativeOptions {
  /** Units H; inferred from the arrays when absent, checked against them when given. */
  readonly units?: number;
  readonly inputSize?: number;
  readonly name?: string;
  /** Keras `activation` / PyTorch `nonlinearity`: the candidate activation, and for an LSTM also the output one. */
  readonly activation?: string | Activation;
  /** Keras `recurrent_activation`: the gate activation. */
  readonly recurrentActivation?: string | Activation;
  /** Full override, one entry or one per direction. */
  readonly activations?: LayerActivations | readonly LayerActivations[];
  /** ONNX `activations` / `activation_alpha` / `activation_beta`. */
  readonly onnxActivations?: OnnxActivationList;
  /** Keras major version, to resolve the plain name "hard_sigmoid" (0.2x+0.5 in Keras 2, x/6+0.5 in Keras 3). */
  readonly kerasVersion?: 2 | 3;
  /** GRU: Keras reset_after (inferred from the bias shape when a bias is given), ONNX linear_before_reset. */
  readonly resetAfter?: boolean;
  /** Keras Bidirectional / PyTorch bidirectional=True (ONNX: from the D axis or `direction`). */
  readonly bidirectional?: boolean;
  readonly merge?: MergeMode;
  /** ONNX direction attribute. */
  readonly direction?: 'forward' | 'reverse' | 'bidirectional';
  readonly goBackwards?: boolean;
  readonly returnSequences?: boolean;
  readonly clip?: number;
  readonly inputForget?: boolean;
  /** TF1 forget_bias; default 1.0 for the tf1 convention. */
  readonly forgetBias?: number;
  /** TF1 cell_clip. */
  readonly cellClip?: number;
  /** ONNX layout attribute: 1 = batch-major X, Y, Y_h, Y_c. */
  readonly onnxLayout?: 0 | 1;
  /** TF1 LSTMCell proj_clip (with num_proj): the projected h is clipped to ±projClip. */
  readonly projClip?: number;
  /** PyTorch layer index k of the `_l{k}` suffix (default 0; bare cell names are accepted for k = 0). */
  readonly layerIndex?: number;
}

export interface ToNativeOptions {
  /** PyTorch layer index for the `_l{k}` suffix; `null` writes bare cell names (weight_ih, ...). Default 0. */
  readonly layerIndex?: number | null;
}

/** The sizes a layer's arrays are checked against. */
export interface Dims { readonly I: number; readonly H: number; readonly P: number; readonly D: number }

/** What an adapter's fromNative hands back to convert.ts, which assembles the RecurrentLayer. */
export interface Built {
  directions: DirectionWeights[];
  dims: Dims;
  resetAfter?: boolean;
  useBias: boolean;
  /** Run-time constants the convention implies (TF1 forget_bias default 1.0, Core ML's ±50 gate and cell clips). */
  extras?: Partial<Pick<RecurrentLayer, 'forgetBias' | 'clip' | 'cellClip' | 'inputFromForget'>>;
}

/** Everything toNative has already worked out for the adapter. */
export interface ToNativeContext {
  /** perm[k] = storage index of canonical gate k. */
  readonly perm: readonly number[];
  readonly withBias: boolean;
  readonly layerIndex: number | null;
  /** Whether this layer's recurrent biases stay apart (else they fold into one bias; exact outside the reset gate). */
  readonly separateRecurrentBias: boolean;
}

/** One fact and where it comes from. */
export interface SourceLink {
  readonly fact: string;
  readonly url: string;
}

/**
 * What a convention can express beyond plain weights. toNative refuses a layer that needs something the target
 * lacks, with the reason; every flag defaults to false.
 */
export interface Capabilities {
  readonly inputForget?: boolean;
  readonly gateClip?: boolean;
  readonly cellClip?: boolean;
  /** TF1 proj_clip of the projected h. */
  readonly projClip?: boolean;
  readonly peepholes?: boolean;
  readonly projection?: boolean;
  /** A bias added after the projection (TFLite projection_bias). */
  readonly projectionBias?: boolean;
  /** Layer-norm LSTM gates (TFLite *_layer_norm_coefficients). */
  readonly layerNorm?: boolean;
  /** i = 1 − f with no input-gate weights (TFLite CIFG). */
  readonly inputFromForget?: boolean;
  readonly forgetBias?: boolean;
  /** ONNX direction="reverse": one reversed direction with time-aligned outputs. */
  readonly reverseDirection?: boolean;
  readonly goBackwards?: boolean;
  /** Bidirectional merge modes other than concat (Keras sum/mul/ave). */
  readonly mergeModes?: boolean;
  /** Different activations per direction. */
  readonly perDirectionActivations?: boolean;
  /** LSTM output activation separate from the candidate one. */
  readonly separateOutputActivation?: boolean;
  /** Activations the framework fixes for LSTM and GRU. */
  readonly fixedActivations?: { readonly gate: string; readonly candidate: string };
  /** Fixed gate activation (TF1 LSTM cells: sigmoid) with the reason. */
  readonly fixedGate?: { readonly name: string; readonly why: string };
  /** SimpleRNN: the only candidate activations the framework offers, with the reason. */
  readonly simpleRnnActivations?: { readonly names: readonly string[]; readonly why: string };
  /** GRU reset placement the convention cannot express, with the refusal text. */
  readonly refusesResetBefore?: string;
  readonly refusesResetAfter?: string;
}

/** A reader of one framework config: typed look-ups plus the refusal for a value that cannot be honoured. */
export interface ConfigReader {
  readonly config: Readonly<Record<string, unknown>>;
  num(key: string): number | undefined;
  str(key: string): string | undefined;
  unsupported(key: string, value: unknown, why: string): never;
}

/** The adapter's view of a recognised candidate's arrays: per direction, role → array. */
export type CandidateArrays = ReadonlyArray<Readonly<Record<string, { readonly shape: readonly number[]; readonly values: ArrayLike<number> } | undefined>>>;

/**
 * One convention: every fact and every piece of code that differs between frameworks lives in its adapter
 * (src/core/conventions/<id>.ts); convert.ts, the recogniser, the code generator and the editor ask the registry
 * (src/core/conventions/index.ts) instead of testing ids.
 */
export interface ConventionAdapter<Id extends string = string> {
  readonly id: Id;
  /** Short title for pickers, settings and tables: "Keras", "Keras 2 CuDNN", "Flax (linen / nnx)". */
  readonly title: string;
  /** One line for the settings enum and the convention picker. */
  readonly description: string;
  /** verified: fixtures from the real framework check it; documented: read from the framework's docs/source only. */
  readonly verification: 'verified' | 'documented';
  /** The framework's own source or docs for each fact, as links. */
  readonly sources: readonly SourceLink[];
  readonly cells: readonly CellSpec[];
  /** How the framework returns outputs and states (forward.ts toFrameworkLayout). */
  readonly outputLayout: FrameworkId;
  /** Config keys this framework's layer config may carry that change the numbers (others are refused). */
  readonly configKeys: readonly string[];
  readonly capabilities: Capabilities;
  /** Names of the framework's layers, for the docs table: "`LSTM`", "`nn.LSTM`". */
  readonly layerNames: Readonly<Partial<Record<CellKind, string>>>;
  /** Native arrays → canonical direction weights (convert.ts checks options and assembles the layer). */
  fromNative(spec: ConventionSpec, tensors: NativeTensors, opts: FromNativeOptions): Built;
  /** Canonical layer → native arrays (capabilities and activations already checked). */
  toNative(layer: RecurrentLayer, spec: ConventionSpec, ctx: ToNativeContext): NativeTensors;
  /** The framework's layer config → conversion options (unknown keys are refused by the caller). */
  optionsFromConfig(read: ConfigReader): FromNativeOptions;
  /** The config that goes with toNative; `plain` gives an activation's name in this framework. */
  configFromLayer(layer: RecurrentLayer, plain: (a: Activation) => string): Record<string, unknown>;
  /** The same activation under this framework's name, or undefined when it has none. */
  activationIn(a: Activation): Activation | undefined;
  /** NumPy code: the layer's arrays written in this framework's layout, and the step expressions over them. */
  numpyLayout(input: NumpyLayoutInput): NumpyLayout;
  /** Recognition: the candidate's arrays as this framework's native tensors. */
  candidateTensors(arrays: CandidateArrays): NativeTensors;
  /** Recognition: which axis of the array with this role holds the packed gates (undefined: none). */
  packedAxisOf(role: string, shape: readonly number[]): number | undefined;
  /** Recognition: human title of each role ("input kernel"). */
  readonly roleTitles: Readonly<Record<string, string>>;
  /**
   * Recognition by name, for conventions the built-in name rules do not know: the role a name path ends in and the
   * layer (group) it belongs to, or undefined when the name is not this framework's.
   */
  classifyName?(parts: readonly string[], signalShown: boolean): NamedArray | undefined;
  /**
   * Code that shows a file is this framework's (`import mlx.core as mx`), for names too common to tell it by (MLX Wx,
   * OpenVINO W / R / B, a oneDNN bias): classifyName hears whether it appears in the file's code, and the evidence
   * quotes it.
   */
  readonly nameSignal?: RegExp;
  /**
   * Names the framework's own calls give arrays (TensorRT `rnn.set_weights_for_gate(0, trt.RNNGateType.INPUT, True,
   * w)` makes `w` that gate's input weights): alias → the name classifyName reads. `code` is the text, numbers cut out.
   */
  bindsNames?(code: string): ReadonlyMap<string, string>;
  /** Recognition: a named group's array shapes per direction → the layer they make, or why they make none. */
  analyseNamed?(dirs: ReadonlyArray<Readonly<Record<string, readonly number[] | undefined>>>): NamedLayer | { readonly reject: TemplatedText };
  /**
   * Another convention whose arrays this one stores under the very same names and layout (PaddlePaddle and MindSpore
   * use PyTorch's weight_ih_l0, …), and the code that shows a file is this framework's (`import paddle`): the
   * recogniser reads such arrays as this convention when the file shows it, and a user override may switch to it.
   */
  readonly sameArraysAs?: { readonly convention: ConventionId; readonly signal: RegExp };
  /** The adapter's own message templates (English; hosts translate them like every core template). */
  readonly templates?: Readonly<Record<string, string>>;
}

/** A message as a template of the adapter's `templates` plus its arguments. */
export interface TemplatedText {
  readonly template: string;
  readonly args: readonly (string | number)[];
}

/** What classifyName makes of one name. */
export interface NamedArray {
  readonly group: string;
  readonly role: string;
  readonly direction: 0 | 1;
  /** A name too plain to claim alone (a bias called `bias`): it joins the group only beside one of its non-companions. */
  readonly companion?: boolean;
}

/** What analyseNamed concludes from the shapes. */
export interface NamedLayer {
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  readonly resetAfter?: boolean;
  /** The shape reasoning, for the evidence list. */
  readonly evidence: TemplatedText;
}

/** A writable copy of an options type, for adapters that build one up. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
