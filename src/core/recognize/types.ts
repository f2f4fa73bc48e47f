// What the recogniser concludes from a document's arrays: the layers they form, why, and what stays ambiguous.

import type { CanonicalGate, CellKind, ConventionId } from '../conventions';
import type { Model, RecurrentLayer, DenseLayer } from '../model';
import type { SourceRange } from '../parse/types';
import type { UnrelatedArray } from './unrelated';

export interface ArrayRole {
  /** Index into ParseResult.arrays. */
  readonly arrayIndex: number;
  /** The convention's own role name: kernel, recurrent_kernel, bias, weight_ih, weight_hh, bias_ih, bias_hh, weight_hr, W, R, B, P, dense_kernel, dense_bias. */
  readonly role: string;
  /** 0 forward, 1 backward. */
  readonly direction: number;
  /** Human description: "recurrent kernel of lstm_1 — Keras LSTM, 3 units, input size 1". */
  readonly description: string;
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
  readonly args?: readonly string[];
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
  /** Canonical form, ready for the forward pass. */
  readonly layer: RecurrentLayer;
  /** Source range covering the layer's arrays (for outline and CodeLens). */
  readonly range: SourceRange;
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
  readonly mismatch?: { readonly namedGate: CanonicalGate; readonly correctStart: number; readonly correctEnd: number; readonly message: string; readonly template?: string; readonly args?: readonly string[] };
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
  readonly diagnostics: readonly { readonly severity: 'error' | 'warning' | 'info'; readonly code: string; readonly message: string; readonly range: SourceRange; readonly template?: string; readonly args?: readonly string[] }[];
}
