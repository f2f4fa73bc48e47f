// What the recogniser concludes from a document's arrays: the layers they form, why, and what stays ambiguous.

import type { PrintPrecision } from './precision';
import type { CanonicalGate, CellKind, ConventionId } from '../conventions';
import type { Model, RecurrentLayer, DenseLayer } from '../model';
import type { SourceRange } from '../parse/types';
import type { UnrelatedArray } from './unrelated';
import type { MessageArg, Phrase } from '../messages';

export interface ArrayRole {
  /** Index into ParseResult.arrays. */
  readonly arrayIndex: number;
  /** The convention's own role name: kernel, recurrent_kernel, bias, weight_ih, weight_hh, bias_ih, bias_hh, weight_hr, W, R, B, P, dense_kernel, dense_bias. */
  readonly role: string;
  /** 0 forward, 1 backward. */
  readonly direction: number;
  /** Human description: "recurrent kernel of lstm_1 — Keras LSTM, 3 units, input size 1". */
  readonly description: string;
  /** `description` as a template with its arguments (ROLE_TEMPLATES), for hosts that translate it. */
  readonly descriptionPhrase: Phrase;
  /** Along which axis of this array the gates are packed (index into its shape), when it is packed. */
  readonly packedAxis?: number;
}

export interface GateSlot {
  readonly gate: CanonicalGate;
  /** The convention's own letter (PyTorch "g" for the LSTM candidate). */
  readonly label: string;
  readonly name: string;
  /** Half-open [start, end) along the packed axis, in the convention's own order. */
  readonly start: number;
  readonly end: number;
}

export interface Evidence {
  /** Stable code: name-pattern, shape, bias-forget-ones, constructor-hint, order, default ... */
  readonly code: string;
  readonly message: string;
  /** The English template `message` was formatted from ({0}, {1}, ... placeholders), for hosts that translate it. */
  readonly template?: string;
  /** The template's arguments: technical tokens (ranges, shapes, names) that stay as written. */
  readonly args?: readonly MessageArg[];
}

/**
 * Why an array a layer needs is not there to run with (the layer completeness model):
 *   absent      the text names or implies the array but holds no literal for it
 *   truncated   printed in summarised form (`...`): the values are not in the text
 *   unreadable  a literal is there but a token in it is not a number (U+2212 minus, full-width comma, `1.0D+00`,
 *               an unclosed bracket); `range` points at the token
 *   ragged      rows of different lengths: no array shape fits
 *   shape-only  only the shape was printed (`torch.Size([400, 160])`, `shape=(5, 1)` headers, ONNX dims)
 */
export type MissingReason = 'absent' | 'truncated' | 'unreadable' | 'ragged' | 'shape-only';

/** One array a layer needs that cannot be read. The forward pass is never given a stand-in for it. */
export interface MissingArray {
  /** The convention's role name (kernel, recurrent_kernel, bias, weight_ih, bias_hh, W, B, ...), as in ArrayRole.role. */
  readonly array: string;
  /** 0 forward, 1 backward. */
  readonly direction: number;
  readonly reason: MissingReason;
  /** The name as written in the text ("bias_ih_l0", "lstm/bias:0"), when there is one. */
  readonly name?: string;
  /** Where the cause is in the text: the unreadable token, the `...`, the shape header. */
  readonly range?: SourceRange;
  /** The shape, when the text states it (a summarised print's `shape=`, a shapes-only listing). */
  readonly shape?: readonly number[];
  /** English: the array, its position (line:column) and the cause; `template`/`args` for translation. */
  readonly message: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

export interface RecognizedLayer {
  readonly id: string;
  readonly name: string;
  readonly cell: CellKind;
  readonly convention: ConventionId;
  readonly units: number;
  readonly inputSize: number;
  readonly directions: 1 | 2;
  readonly projSize?: number;
  /** Position in its stack (0 = first layer). */
  readonly stackIndex: number;
  readonly arrays: readonly ArrayRole[];
  readonly gates: readonly GateSlot[];
  readonly evidence: readonly Evidence[];
  readonly warnings: readonly Evidence[];
  /** Conventions that fit the same arrays equally well (the doubt, stated). */
  readonly alternatives: readonly ConventionId[];
  /**
   * False when an array the layer needs is missing (see `missing`): the layer is recognised from what the shapes
   * say (cell, convention, units, gate ranges) but must not run. Its `layer.incomplete` then holds the reason and
   * the forward pass refuses it; incomplete layers are never part of `Recognition.models`.
   * To add a layer that is incomplete by nature (shapes only): give its candidate `missing` entries and stand-in
   * arrays from `placeholderArray` (completeness.ts); recognize() does the rest.
   */
  readonly complete: boolean;
  /** Every array the layer needs and cannot have, each with its position and cause; empty when complete. */
  readonly missing: readonly MissingArray[];
  /** Canonical form, ready for the forward pass (unless `complete` is false: then it only describes the shapes). */
  readonly layer: RecurrentLayer;
  /** Source range covering the layer's arrays (for outline and CodeLens). */
  readonly range: SourceRange;
  /** Printed with fewer digits than the dtype holds (torch's 4, NumPy's 8 decimals): how many, and the full print call. */
  readonly printPrecision?: PrintPrecision;
}

export interface RecognizedDense {
  readonly name: string;
  readonly arrays: readonly ArrayRole[];
  readonly layer: DenseLayer;
  readonly range: SourceRange;
  /** Why these arrays were read as a Dense layer (shapes, names, constructor). */
  readonly evidence?: readonly Evidence[];
}

/** A slice or split of a packed pre-activation in the user's own code, mapped to gates. */
export interface SliceAnnotation {
  readonly range: SourceRange;
  /** The code as written, e.g. "z[0, 3:6]" or "np.split(z, 4, axis=1)". */
  readonly text: string;
  /** The variable the slice is assigned to, when there is one ("f", "forget_gate", "i_t"). */
  readonly target?: string;
  readonly targetRange?: SourceRange;
  readonly start: number;
  readonly end: number;
  /** The gates the range covers (one when it lines up with a block). */
  readonly gates: readonly GateSlot[];
  /** Set when the target's name says one gate and the range holds another. */
  readonly mismatch?: { readonly namedGate: CanonicalGate; readonly correctStart: number; readonly correctEnd: number; readonly message: string; readonly template?: string; readonly args?: readonly MessageArg[] };
  /** The layer whose convention gave the mapping. */
  readonly layerId: string;
  /** Why that layer was chosen ("z is computed from lstm_1_kernel_0 (lstm_1)", "the only layer whose packed width fits"). */
  readonly layerReason?: string;
}

export interface Recognition {
  readonly layers: readonly RecognizedLayer[];
  readonly dense: readonly RecognizedDense[];
  /** Runnable stacks in order (recurrent layers then an optional Dense head). */
  readonly models: readonly { readonly name: string; readonly layerIds: readonly string[]; readonly model: Model }[];
  readonly slices: readonly SliceAnnotation[];
  /** Every array that is part of no recurrent layer nor Dense head, with its kind and reason, in document order. */
  readonly unrelated: readonly UnrelatedArray[];
  /** Arrays that belong to no layer (one summary when many), and other doubts, as diagnostics with source ranges. */
  readonly diagnostics: readonly { readonly severity: 'error' | 'warning' | 'info'; readonly code: string; readonly message: string; readonly range: SourceRange; readonly template?: string; readonly args?: readonly MessageArg[] }[];
}
