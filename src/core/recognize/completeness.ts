// The layer completeness model: which arrays a recognised layer needs but cannot have (a literal that is there but
// unreadable, a summarised print, ragged rows, only a shape), and why. A layer with any such array is shown — the
// shapes still say what it is — but it never runs: stand-ins are NaN (so nothing can pass them off as weights) and
// the canonical layer carries `incomplete`, which the forward pass refuses (forward.ts validateRecurrent).
//
// API (for readers that find layers the values of which are not all in the text, e.g. shapes-only listings):
//   placeholderArray(index, shape, range)   a NaN stand-in ExtractedArray for a candidate's tensors
//   missingArray(role, direction, reason, layerName, at, detail)   one MissingArray with its message
//   cannotRunMessage(layerName, missing)    the sentence the CLI, the worker and the editor show
// A LayerCandidate with `missing` entries comes out of recognize() with complete: false.

import type { ExtractedArray, ParseDiagnostic, ParseResult, SourceRange } from '../parse/types';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';
import { asPhrase, joined, localized, phrase, type Localizable, type MessageArg } from '../messages';
import { classifyName, type NameInfo } from './names';
import type { Evidence, MissingArray, MissingReason } from './types';
import type { LayerCandidate } from './layers';
import type { DirectionWeights, RecurrentLayer } from '../model';

/** Parse diagnostics that mean "an array is here but its values cannot be read", and the reason each gives. */
const REASON_OF_CODE: Readonly<Record<string, MissingReason>> = {
  'truncated-print': 'truncated',
  'non-numeric': 'unreadable',
  unterminated: 'unreadable',
  'ragged-rows': 'ragged',
};

/** An array the text holds but the reader could not read, with what its name says about it (when it has one). */
export interface UnreadableArray {
  readonly diagnostic: ParseDiagnostic;
  readonly reason: MissingReason;
  /** Layer key (same as the recogniser's name groups) when the name places the array in a layer. */
  readonly key?: string;
  readonly role?: string;
  readonly direction: number;
}

/** The recogniser's key for the layer a named array belongs to ("pytorch|#l0", "keras|lstm_1"). */
export function groupKey(info: NameInfo): string {
  return `${info.family === 'tf1' ? 'keras' : info.family === 'adapter' ? `adapter:${info.convention}` : info.family}|${info.group}`;
}

export function unreadableArrays(parse: ParseResult): UnreadableArray[] {
  const out: UnreadableArray[] = [];
  for (const d of parse.diagnostics) {
    const reason = REASON_OF_CODE[d.code];
    if (!reason || d.severity !== 'error') continue;
    const info = d.name !== undefined ? classifyName({ index: -1, name: d.name, shape: [], values: new Float64Array(0), range: d.range, form: 'python_literal' }) : undefined;
    if (info && info.family !== 'data') out.push({ diagnostic: d, reason, key: groupKey(info), role: info.role, direction: info.direction });
    else if (!info) out.push({ diagnostic: d, reason, direction: 0 });
  }
  return out;
}

/** A stand-in for an array whose values are not in the text: NaN everywhere, an index past the parse result. */
export function placeholderArray(index: number, shape: readonly number[], range: SourceRange, name?: string): ExtractedArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return { index, shape, values: new Float64Array(n).fill(NaN), range, form: 'python_literal', ...(name !== undefined ? { name } : {}) };
}

/** How a message names a position of the text: "3:5", or "cell 3, line 2:5" in a notebook (core/text/notebook). */
export type PositionOf = (offset: number) => MessageArg;

export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    last = k;
  }
  return `${line}:${offset - last}`;
}

/** Builds one MissingArray. `token` is the unreadable text (reason 'unreadable'), `hint` what to write instead. */
export function missingArray(
  role: string, direction: number, reason: MissingReason, layerName: string, at: PositionOf,
  detail: { readonly name?: string; readonly range?: SourceRange; readonly shape?: readonly number[]; readonly token?: string; readonly hint?: MessageArg } = {},
): MissingArray {
  const label: MessageArg = detail.name !== undefined && detail.name !== role ? phrase(MSG.missingRoleNamed, role, detail.name) : role;
  const where = detail.range ? at(detail.range.start) : '?';
  const shape = detail.shape ? `(${detail.shape.join(', ')}${detail.shape.length === 1 ? ',' : ''})` : '';
  const e = reason === 'unreadable' && detail.token !== undefined
    ? templated('missing-array', MSG.missingUnreadable, label, layerName, `'${detail.token}'`, where, detail.hint ? phrase(MSG.missingHint, detail.hint) : '')
    : reason === 'unreadable' ? templated('missing-array', MSG.missingUnreadableNoToken, label, layerName, where)
      : reason === 'truncated' ? templated('missing-array', MSG.missingTruncated, label, layerName, where)
        : reason === 'ragged' ? templated('missing-array', MSG.missingRagged, label, layerName, where)
          : reason === 'shape-only' ? templated('missing-array', MSG.missingShapeOnly, label, layerName, shape || '?', where)
            : templated('missing-array', MSG.missingAbsent, label, layerName);
  return missingWith(role, direction, reason, e, detail);
}

/** One MissingArray with its message already written (a reason whose wording depends on more than the reason). */
export function missingWith(
  role: string, direction: number, reason: MissingReason, e: Evidence,
  detail: { readonly name?: string; readonly range?: SourceRange; readonly shape?: readonly number[] } = {},
): MissingArray {
  return {
    array: role, direction, reason, message: e.message, template: e.template, args: e.args,
    ...(detail.name !== undefined ? { name: detail.name } : {}),
    ...(detail.range ? { range: detail.range } : {}),
    ...(detail.shape ? { shape: detail.shape } : {}),
  };
}

/** One MissingArray from a parse diagnostic about the array. */
export function missingFromDiagnostic(u: UnreadableArray, role: string, direction: number, layerName: string, text: string, at: PositionOf, shape?: readonly number[]): MissingArray {
  const d = u.diagnostic;
  const token = u.reason === 'unreadable' && d.code === 'non-numeric' ? text.slice(d.range.start, Math.min(d.range.end, d.range.start + 40)) : undefined;
  const hint = d.hint;
  return missingArray(role, direction, u.reason, layerName, at, {
    ...(d.name !== undefined ? { name: d.name } : {}), range: d.range, ...(shape ? { shape } : {}),
    ...(token !== undefined ? { token } : {}), ...(hint !== undefined ? { hint } : {}),
  });
}

/** "lstm cannot run: the bias of lstm cannot be read: …" — what every host says when asked to run the layer. */
export function cannotRunMessage(layerName: string, missing: readonly MissingArray[]): string {
  return cannotRun(layerName, missing).message;
}

/** cannotRunMessage with its template, for hosts that translate it (RecurrentLayer.incompleteMessage). */
export function cannotRun(layerName: string, missing: readonly MissingArray[]): Localizable {
  return localized(MSG.cannotRun, layerName, joined(missing.map(asPhrase)));
}

/**
 * The shape a role must have in this candidate, when the other arrays fix it (for NaN stand-ins, so the layer can
 * still be described). Undefined when they do not.
 */
export function roleShape(c: LayerCandidate, role: string): number[] | undefined {
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const H = c.units;
  const GH = G * H;
  const I = c.inputSize;
  const Hr = c.projSize ?? H;
  const D = c.directions;
  switch (c.family) {
    case 'pytorch':
      return ({ weight_ih: [GH, I], weight_hh: [GH, Hr], bias_ih: [GH], bias_hh: [GH], weight_hr: c.projSize !== undefined ? [c.projSize, H] : undefined } as Record<string, number[] | undefined>)[role];
    case 'onnx':
      if (c.tensors[0]?.W?.shape.length === 2) return ({ W: [GH, I], R: [GH, H], Wb: [GH], Rb: [GH] } as Record<string, number[] | undefined>)[role];
      return ({ W: [D, GH, I], R: [D, GH, H], B: [D, 2 * GH], P: c.cell === 'lstm' ? [D, 3 * H] : undefined } as Record<string, number[] | undefined>)[role];
    case 'keras':
      if (role === 'bias') return c.convention === 'keras_cudnn' ? [2 * GH] : c.cell === 'gru' && c.resetAfter ? [2, GH] : [GH];
      return ({ kernel: [I, GH], recurrent_kernel: [H, GH] } as Record<string, number[] | undefined>)[role];
    case 'tf1':
      if (c.cell === 'gru') return ({ 'gates/kernel': [I + H, 2 * H], 'gates/bias': [2 * H], 'candidate/kernel': [I + H, H], 'candidate/bias': [H] } as Record<string, number[] | undefined>)[role];
      return ({ kernel: [I + Hr, 4 * H], bias: [4 * H] } as Record<string, number[] | undefined>)[role];
  }
}

/**
 * Puts NaN stand-ins in the candidate's tensors for every missing array whose shape the others fix, so the layer
 * converts (for its description) — and marks the bias as used, so "no bias → zeros" is never concluded from an
 * unreadable bias. `nextIndex` numbers the stand-ins past the parse result.
 */
export function fillPlaceholders(c: LayerCandidate, missing: readonly MissingArray[], nextIndex: () => number): void {
  for (const m of missing) {
    const tensors = c.tensors[m.direction] ?? c.tensors[0];
    if (tensors[m.array]) continue;
    const shape = m.shape ?? roleShape(c, m.array);
    if (!shape) continue;
    tensors[m.array] = placeholderArray(nextIndex(), shape, m.range ?? { start: 0, end: 0 }, m.name);
    // PyTorch stores both biases or neither: an unreadable one still means bias=True.
    if (c.family === 'pytorch' && (m.array === 'bias_ih' || m.array === 'bias_hh')) {
      const other = m.array === 'bias_ih' ? 'bias_hh' : 'bias_ih';
      if (!tensors[other]) tensors[other] = placeholderArray(nextIndex(), shape, m.range ?? { start: 0, end: 0 });
    }
  }
  if (missing.some((m) => /^(bias|bias_ih|bias_hh|B|Wb|Rb|gates\/bias|candidate\/bias)$/.test(m.array))) {
    c.useBias = true;
    // "no bias array → zeros" would be a wrong conclusion: the bias is there, only unreadable.
    const noBias = new Set<string>([MSG.keepsBiasNone, MSG.torchNoBias, MSG.resetPlacementUnknown]);
    c.evidence = c.evidence.filter((e) => !e.template || !noBias.has(e.template));
    c.warnings = c.warnings.filter((e) => !e.template || !noBias.has(e.template));
  }
}

/** Which canonical arrays each native role becomes (convert.ts), for poisonMissing. */
const CANONICAL_OF_ROLE: Readonly<Record<string, readonly (keyof DirectionWeights)[]>> = {
  kernel: ['W'], recurrent_kernel: ['R'], bias: ['bW', 'bR'], weight_ih: ['W'], weight_hh: ['R'], bias_ih: ['bW'], bias_hh: ['bR'],
  weight_hr: ['proj'], W: ['W'], R: ['R'], B: ['bW', 'bR'], Wb: ['bW'], Rb: ['bR'], P: ['peephole'],
  // A TF1 GRUCell kernel holds input and recurrent rows of its gates.
  'gates/kernel': ['W', 'R'], 'candidate/kernel': ['W', 'R'], 'gates/bias': ['bW'], 'candidate/bias': ['bW'],
};

/** Keras 1 keeps one array per gate (W_i, U_c, b_f …): any of them is part of the packed W, R or bias. */
function canonicalOfRole(role: string): readonly (keyof DirectionWeights)[] {
  const perGate = /^([WUb])_[a-z]$/.exec(role);
  if (perGate) return perGate[1] === 'W' ? ['W'] : perGate[1] === 'U' ? ['R'] : ['bW'];
  return CANONICAL_OF_ROLE[role] ?? [];
}

/**
 * The converted layer with NaN wherever a missing array went (in every direction when the array carries all of
 * them, as ONNX W/R/B do): whatever slips past the `incomplete` check computes NaN, never a plausible number.
 */
export function poisonMissing(layer: RecurrentLayer, missing: readonly MissingArray[]): RecurrentLayer {
  const directions = layer.directions.map((d, k) => {
    const out: { -readonly [K in keyof DirectionWeights]: DirectionWeights[K] } = { ...d };
    for (const m of missing) {
      if (m.direction !== k && !/^[WRBP]$/.test(m.array)) continue;
      for (const field of canonicalOfRole(m.array)) {
        const arr = out[field];
        if (arr) out[field] = new Float64Array(arr.length).fill(NaN);
      }
    }
    return out;
  });
  return { ...layer, directions };
}
