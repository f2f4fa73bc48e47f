// Shapes printed without values (parse `shapes`): stand-in arrays (NaN, never run) so the usual recognition builds
// the layer skeleton from them — cell, convention, units, input size, directions, gate ranges — and the arrays it
// needs are listed as missing ('shape-only'), with the print call that would give the values.

import type { ExtractedArray, ParseResult, SourceRange } from '../parse/types';
import { phrase } from '../messages';
import { missingArray, missingWith, placeholderArray, type PositionOf } from './completeness';
import type { Candidate, Family, LayerCandidate } from './layers';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';
import { fullName, type NameInfo } from './names';
import type { Evidence, MissingArray } from './types';
import type { Hints, LayerHint } from '../hints/constructors';

/** Stand-ins are allocated; a shape listing of a huge layer is still described without holding its values twice. */
const MAX_STAND_IN_VALUES = 1 << 24;
/** Indices far past any real array, so a stand-in is never taken for one (toRecognized lists only real indices). */
const INDEX_OFFSET = 2 ** 30;

/** One stand-in per printed shape whose values are nowhere in the text under the same name. */
export function shapeStandIns(parse: ParseResult): ExtractedArray[] {
  const shapes = parse.shapes ?? [];
  if (!shapes.length) return [];
  const withValues = new Set(parse.arrays.map((a) => fullName(a)).filter((n): n is string => n !== undefined));
  const seen = new Set<string>();
  const out: ExtractedArray[] = [];
  for (const s of shapes) {
    if (s.name !== undefined && (withValues.has(s.name) || seen.has(s.name))) continue;
    if (s.shape.reduce((p, d) => p * d, 1) > MAX_STAND_IN_VALUES) continue;
    if (s.name !== undefined) seen.add(s.name);
    const a = placeholderArray(parse.arrays.length + INDEX_OFFSET + out.length, s.shape, s.range, s.name);
    out.push({ ...a, ...(s.nameRange ? { nameRange: s.nameRange } : {}), ...(s.list ? { list: { id: 1_000_000 + s.list.id, position: s.list.position } } : {}) });
  }
  return out;
}

/**
 * The candidate's arrays that are shape stand-ins, as missing entries: 'shape-only', 'absent' when only implied, and
 * 'truncated' when the values printed after the shape are cut short (`weight_ih_l0 torch.Size([400, 160])
 * tensor([[ 0.0031, …` ending before its closing bracket): `cut` holds the unreadable values by their name.
 */
export function shapeOnlyMissing(
  c: Candidate, standIns: ReadonlySet<ExtractedArray>, at: PositionOf, implied: ReadonlySet<ExtractedArray> = new Set(),
  cut: ReadonlyMap<string, CutValues> = new Map(),
): MissingArray[] {
  if (c.kind !== 'recurrent' || !standIns.size) return [];
  const out: MissingArray[] = [];
  c.tensors.forEach((t, direction) => {
    for (const [role, a] of Object.entries(t)) {
      if (!a || !standIns.has(a)) continue;
      const values = a.name !== undefined ? cut.get(a.name) : undefined;
      out.push(implied.has(a)
        ? missingArray(role, direction, 'absent', c.name, at, { shape: a.shape })
        : values ? cutShort(role, direction, c.name, at, a, values)
          : missingArray(role, direction, 'shape-only', c.name, at, { ...(a.name !== undefined ? { name: a.name } : {}), range: a.range, shape: a.shape }));
    }
  });
  return out;
}

/** A printed shape whose values follow it but stop short: truncated, at the values, with the shape they should fill. */
function cutShort(role: string, direction: number, layer: string, at: PositionOf, a: ExtractedArray, values: CutValues): MissingArray {
  const label = a.name !== undefined && a.name !== role ? phrase(MSG.missingRoleNamed, role, a.name) : role;
  const shape = `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;
  const e = values.shown !== undefined
    ? templated('missing-array', MSG.missingFirstValues, label, layer, at(values.range.start), values.shown, a.shape.reduce((p, d) => p * d, 1), shape)
    : templated('missing-array', MSG.missingCutShort, label, layer, at(values.range.start), shape);
  return missingWith(role, direction, 'truncated', e, { ...(a.name !== undefined ? { name: a.name } : {}), range: values.range, shape: a.shape });
}

/** Values of a shape-printed array that the text starts but does not finish: where they are, and how many it shows. */
export interface CutValues {
  readonly range: SourceRange;
  /** Set when the text shows a complete print of only the first values (`(first few values): tensor([…5 values])`). */
  readonly shown?: number;
}

/**
 * Names of arrays whose values the reader could not finish, with where they start: cut with '...' or never closed
 * (parse diagnostics); a shape header whose own line goes on into values the parser could not take (`shape=(5, 512)
 * dtype=float32, numpy= array([[ 0.0055, ..., 0.0891,` cut at the line's end); or an unnamed print of fewer values
 * on the next line under the same name (`weight_ih_l0 weights (first few values): tensor([-0.2072, …])`).
 */
export function cutValuesByName(parse: ParseResult, text = ''): Map<string, CutValues> {
  const out = new Map<string, CutValues>();
  for (const d of parse.diagnostics) {
    if (d.severity === 'error' && d.name !== undefined && (d.code === 'unterminated' || d.code === 'truncated-print') && !out.has(d.name)) out.set(d.name, { range: d.range });
  }
  for (const s of parse.shapes ?? []) {
    if (s.name === undefined || out.has(s.name)) continue;
    const cut = valuesOnHeaderLine(s.range, text, parse.arrays) ?? firstValuesBelow(s.name, s.shape, s.range.end, text, parse.arrays);
    if (cut) out.set(s.name, cut);
  }
  return out;
}

const lineEnd = (text: string, from: number): number => {
  const k = text.indexOf('\n', from);
  return k < 0 ? text.length : k;
};

function valuesOnHeaderLine(header: SourceRange, text: string, arrays: ParseResult['arrays']): CutValues | undefined {
  const from = header.start;
  const end = lineEnd(text, Math.max(from, header.end - 1));
  const m = /\b(?:array|tensor)\(\s*\[+\s*[-+]?\d/.exec(text.slice(from, end));
  if (!m) return undefined;
  const start = from + m.index;
  if (arrays.some((a) => a.range.start <= start && start < a.range.end)) return undefined;
  return { range: { start, end } };
}

function firstValuesBelow(name: string, shape: readonly number[], from: number, text: string, arrays: ParseResult['arrays']): CutValues | undefined {
  const lineStart = lineEnd(text, from) + 1;
  if (lineStart >= text.length) return undefined;
  const next = lineEnd(text, lineStart);
  const total = shape.reduce((p, d) => p * d, 1);
  const a = arrays.find((x) => x.name === undefined && x.range.start >= lineStart && x.range.start < next);
  if (!a || a.values.length === 0 || a.values.length >= total) return undefined;
  const before = text.slice(lineStart, a.range.start);
  const at = before.indexOf(name);
  // The name as a whole token: `rnn.weight_ih_l0` must not match inside `rnn.weight_ih_l0_reverse`.
  if (at < 0 || /[\w.]/.test(before.charAt(at + name.length)) || (at > 0 && /[\w.]/.test(before.charAt(at - 1)))) return undefined;
  return { range: a.range, shown: a.values.length };
}

const BIAS_DEFAULT: Partial<Record<Family, { readonly roles: readonly string[]; readonly layer: string; readonly off: string }>> = {
  pytorch: { roles: ['bias_ih', 'bias_hh'], layer: 'nn.{0}', off: 'bias=False' },
  keras: { roles: ['bias'], layer: 'keras.layers.{0}', off: 'use_bias=False' },
};

/**
 * The biases a paste never shows. PyTorch and Keras layers have biases unless the constructor turns them off, so a
 * layer is not concluded to have none ("bias=False") when the text cannot run it anyway (a skeleton) or when the
 * text's own constructor for it leaves the biases on: they are listed as not in the text. Only a complete set of
 * weights with no constructor in sight is read as a layer without biases, and its evidence says so.
 */
export function unprintedBiases(c: LayerCandidate, constructor: { readonly useBias?: boolean } | undefined): MissingArray[] {
  const rule = BIAS_DEFAULT[c.family];
  if (!rule || c.convention === 'keras1' || c.useBias || constructor?.useBias === false) return [];
  if (!c.missing?.length && !constructor) return [];
  const layer = rule.layer.replace('{0}', cellTitleOf(c.cell).replace('RNN', c.family === 'keras' ? 'SimpleRNN' : 'RNN'));
  const out: MissingArray[] = [];
  c.tensors.forEach((t, direction) => {
    for (const role of rule.roles) {
      if (t[role] || c.missing?.some((m) => m.array === role && m.direction === direction)) continue;
      const e = templated('missing-array', MSG.missingBiasNotShown, role, c.name, layer, rule.off);
      out.push(missingWith(role, direction, 'absent', e));
    }
  });
  return out;
}

/** Evidence for a layer some of whose arrays are implied by the name and one shape (see impliedPytorchArrays). */
export function impliedEvidence(c: LayerCandidate, implied: ReadonlySet<ExtractedArray>): Evidence | undefined {
  const roles = c.tensors.flatMap((t) => Object.entries(t).filter(([, a]) => a && implied.has(a)).map(([role]) => role));
  if (!roles.length) return undefined;
  return templated('implied-arrays', MSG.impliedArrays, c.module, cellTitleOf(c.cell), c.units, [...new Set(roles)].join(', '));
}

const cellTitleOf = (cell: string): string => (cell === 'lstm' ? 'LSTM' : cell === 'gru' ? 'GRU' : 'RNN');

const TORCH_GATES: Record<string, number> = { lstm: 4, gru: 3, simple_rnn: 1 };
/** Stand-ins for implied arrays get indices past the shape stand-ins'. */
const IMPLIED_OFFSET = 2 ** 30 + 2 ** 29;

/**
 * A PyTorch parameter shown by its shape alone whose module name says the cell (`networks.158.lstm.weight_ih_l0
 * torch.Size([400, 160])`, cut before the other parameters): the layer's other arrays follow from that shape (weight_hh
 * (G·H, H), bias_ih and bias_hh (G·H,)), so they join as stand-ins the caller lists as absent. Only when every array
 * of the group is a shape stand-in already (a skeleton), so nothing that could run is ever completed by a guess.
 * A listing cut between bias_ih and bias_hh (`lstm.bias_ih_l2 torch.Size([1024])` as its last line) implies the other.
 */
export function impliedPytorchArrays(
  info: NameInfo, members: ReadonlyArray<{ info: NameInfo; array: ExtractedArray }>, standIns: ReadonlySet<ExtractedArray>, counter: { next: number },
): Array<{ info: NameInfo; array: ExtractedArray }> {
  const gates = info.kindHint ? TORCH_GATES[info.kindHint] : undefined;
  if (info.family !== 'pytorch' || gates === undefined || !members.every((m) => standIns.has(m.array))) return [];
  const out: Array<{ info: NameInfo; array: ExtractedArray }> = [];
  for (const direction of [0, 1] as const) {
    const own = members.filter((m) => m.info.direction === direction);
    const wih = own.find((m) => m.info.role === 'weight_ih');
    if (!wih || wih.array.shape.length !== 2 || wih.array.shape[0] % gates !== 0) continue;
    const packed = wih.array.shape[0];
    const units = packed / gates;
    const suffix = `_l${info.layerIndex ?? 0}${direction === 1 ? '_reverse' : ''}`;
    const has = (role: string) => own.some((m) => m.info.role === role);
    // With weight_hh printed, only a listing cut between the two biases implies the other: PyTorch has both or none.
    const shapes: Record<string, number[]> = !has('weight_hh') ? { weight_hh: [packed, units], bias_ih: [packed], bias_hh: [packed] }
      : has('bias_ih') !== has('bias_hh') ? { bias_ih: [packed], bias_hh: [packed] } : {};
    for (const [role, shape] of Object.entries(shapes)) {
      if (own.some((m) => m.info.role === role)) continue;
      const written = `${role}${suffix} (implied)`;
      const array = placeholderArray(IMPLIED_OFFSET + counter.next++, shape, wih.array.range);
      out.push({ info: { ...wih.info, role, written }, array });
    }
  }
  return out;
}

/**
 * A lone PyTorch weight_hh shape whose module name says nothing (`tmp.weight_hh_l0` → `torch.Size([36, 9])`) beside
 * the text's one constructor of that cell and size (`tmp = nn.LSTM(2, 9)`): the constructor gives the input size, so
 * weight_ih (G·H, I) and, unless it says bias=False, the biases are implied (stand-ins the caller lists as absent).
 * Only for a group that is all shape stand-ins, so nothing that could run is completed by a guess.
 */
export function impliedByConstructor(
  info: NameInfo, members: ReadonlyArray<{ info: NameInfo; array: ExtractedArray }>, standIns: ReadonlySet<ExtractedArray>,
  counter: { next: number }, hints: Hints,
): { arrays: Array<{ info: NameInfo; array: ExtractedArray }>; hint: LayerHint } | undefined {
  if (info.family !== 'pytorch' || info.kindHint !== undefined || !members.every((m) => standIns.has(m.array))) return undefined;
  if (members.some((m) => m.info.direction !== 0 || m.info.role === 'weight_ih')) return undefined;
  const whh = members.find((m) => m.info.role === 'weight_hh');
  if (!whh || whh.array.shape.length !== 2) return undefined;
  const [packed, units] = whh.array.shape;
  const cell = Object.entries(TORCH_GATES).find(([, g]) => packed === g * units)?.[0];
  const fits = hints.layers.filter((h) => h.framework === 'pytorch' && h.cell === cell && h.units === units && h.inputSize !== undefined);
  if (fits.length !== 1) return undefined;
  const hint = fits[0];
  const suffix = `_l${info.layerIndex ?? 0}`;
  const shapes: Record<string, number[]> = { weight_ih: [packed, hint.inputSize!], ...(hint.useBias === false ? {} : { bias_ih: [packed], bias_hh: [packed] }) };
  const arrays = Object.entries(shapes).filter(([role]) => !members.some((m) => m.info.role === role)).map(([role, shape]) => ({
    info: { ...whh.info, role, written: `${role}${suffix} (implied)` },
    array: placeholderArray(IMPLIED_OFFSET + counter.next++, shape, whh.array.range),
  }));
  return { arrays, hint };
}

/** Evidence for a layer whose other arrays its constructor implies (impliedByConstructor). */
export function impliedByConstructorEvidence(c: LayerCandidate, hint: LayerHint, implied: ReadonlySet<ExtractedArray>): Evidence {
  const roles = c.tensors.flatMap((t) => Object.entries(t).filter(([, a]) => a && implied.has(a)).map(([role]) => role));
  const code = `\`${hint.text.length > 70 ? `${hint.text.slice(0, 67)}…` : hint.text}\``;
  return templated('implied-arrays', MSG.impliedByConstructor, code, c.module, cellTitleOf(c.cell), c.inputSize, c.units, [...new Set(roles)].join(', '));
}

/** The call that prints every value of the layer, in the framework the shapes came from (`cut`: some values were printed). */
export function fullPrintAdvice(c: LayerCandidate, cut = false): Evidence {
  const call = c.family === 'pytorch'
    ? 'torch.set_printoptions(profile="full", precision=17); [print(n, p) for n, p in model.named_parameters()]'
    : c.family === 'onnx'
      ? '[print(t.name, onnx.numpy_helper.to_array(t).tolist()) for t in model.graph.initializer]'
      : 'np.set_printoptions(threshold=sys.maxsize, precision=17); [print(w.path if hasattr(w, "path") else w.name, w.numpy()) for w in layer.weights]';
  return templated('print-full-values', cut ? MSG.printFullValuesCut : MSG.printFullValues, call);
}

export function isShapeOnlyDense(c: Candidate, standIns: ReadonlySet<ExtractedArray>): boolean {
  return c.kind === 'dense' && (standIns.has(c.kernel) || (c.bias !== undefined && standIns.has(c.bias)));
}
