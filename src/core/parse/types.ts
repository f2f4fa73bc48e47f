// What the text reader finds in a document. Offsets are UTF-16 code-unit offsets into the document text (what
// JavaScript string indices and VS Code's document.positionAt use), end exclusive.

import type { MessageArg, Phrase } from '../messages';
import type { TensorOrigin } from '../tensor/types';

export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

export type ArrayForm =
  | 'python_literal' // np.array([...]), torch.tensor([...]), tf.constant([...]), nested lists/tuples
  | 'numpy_repr' // array([...], dtype=float32) and the comma-less print() form
  | 'torch_repr' // tensor([...]), Parameter containing:, state_dict() prints
  | 'json'
  | 'file'; // a tensor read from a model file (npz, safetensors, PyTorch, ONNX, HDF5): see `origin`; `range` is then {0, 0}

/**
 * The decimals a literal's numbers are printed with, counted while the extractor reads them (what printed-precision
 * checks need, without reading the literal again). Only numbers with digits before a point count (`0.5`, `3.`).
 */
export interface PrintedDecimals {
  /** How many numbers have digits, a point, and maybe decimals. */
  readonly pointed: number;
  /** The most decimals any of them has (-1 when none), and how many have that many. */
  readonly mostDecimals: number;
  readonly atMostDecimals: number;
  /** Any of them has an exponent (`1.5e-3`). */
  readonly exponent: boolean;
}

export interface ExtractedArray {
  /** Index in ParseResult.arrays. */
  readonly index: number;
  /** The name as written: "lstm_1/kernel:0", "weight_ih_l0", "model.rnn.weight_ih_l0", "W"; absent when unnamed. */
  readonly name?: string;
  readonly nameRange?: SourceRange;
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly values: Float64Array;
  /** The literal itself (from the opening bracket or constructor to its close). */
  readonly range: SourceRange;
  readonly form: ArrayForm;
  /** dtype written next to the literal (float32, torch.float64, ...), when there is one. */
  readonly dtype?: string;
  /** For arrays that sit in an unnamed list (print(model.get_weights())): which list, and the position in it. */
  readonly list?: { readonly id: number; readonly position: number };
  /** Enclosing container names, outermost first (JSON object keys, dict names), when nested. */
  readonly path?: readonly string[];
  /** Read from output pasted into a Python `#` comment or a triple-quoted string, not from code. */
  readonly embedded?: 'comment' | 'string';
  /** Model files: where the tensor lives (archive entry, HDF5 path, ONNX initializer, pickle key). See core/tensor. */
  readonly origin?: TensorOrigin;
  /** Printed literals: the decimals their numbers carry, counted by the extractor. */
  readonly printedDecimals?: PrintedDecimals;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface ParseDiagnostic {
  readonly severity: DiagnosticSeverity;
  /** Stable code: truncated-print, ragged-rows, non-numeric, empty-array, too-deep, unterminated, too-large, nan-values ... */
  readonly code: string;
  /** English message that says what is wrong and what to do; `template`/`args` (PARSE_TEMPLATES) for translation. */
  readonly message: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
  /** For a token meant as a number: what to write instead (U+2212 → '-'), when it is a known look-alike. */
  readonly hint?: Phrase;
  readonly range: SourceRange;
  /** The array's name, when the problem belongs to a named array. */
  readonly name?: string;
}

/**
 * A shape printed without its values: `weight_ih_l0 torch.Size([400, 160])`, a `<tf.Variable 'lstm/kernel:0'
 * shape=(5, 12) ...>` header, `[(10, 512), (128, 512), (512,)]` (a get_weights() shape listing), `W_xh shape: (5, 2)`.
 * Recognition turns them into layer skeletons that say what is missing; they never carry values.
 */
export interface ShapeOnlyArray {
  readonly name?: string;
  readonly nameRange?: SourceRange;
  readonly shape: readonly number[];
  readonly range: SourceRange;
  /** For shapes in one listing: which listing, and the position in it. */
  readonly list?: { readonly id: number; readonly position: number };
}

export interface ParseResult {
  readonly arrays: readonly ExtractedArray[];
  readonly diagnostics: readonly ParseDiagnostic[];
  /** Shapes printed without values (absent when there are none). */
  readonly shapes?: readonly ShapeOnlyArray[];
}
