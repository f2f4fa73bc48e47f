// The recogniser: arrays extracted from a document → recurrent layers (with the evidence for every decision and the
// doubts as warnings), Dense heads, runnable stacks, and the user's own gate slices checked against the layout.

import { adapter, convention as conventionSpec, gateRanges, type ConventionId } from '../conventions';
import { fromNative, type FromNativeOptions, type NativeTensors } from '../convert';
import { readHints, type Hints, type LayerHint } from '../hints/constructors';
import { analyseSlices } from '../hints/slices';
import type { DenseLayer, Layer, MergeMode, RecurrentLayer } from '../model';
import type { ExtractedArray, ParseResult, SourceRange } from '../parse/types';
import { CodeView } from '../text/code-view';
import { applyHints, matchHints } from './apply-hints';
import { embeddedEvidence, withoutCoveredEmbedded } from './embedded';
import { bindNames, derivedCopies, isAttributeAssignment } from './bindings';
import { nameOnlySkeletons } from './name-skeleton';
import { onnxDimsListings } from './onnx-dims';
import { cutValuesByName, fullPrintAdvice, impliedByConstructor, impliedByConstructorEvidence, impliedEvidence, impliedPytorchArrays, isShapeOnlyDense, shapeOnlyMissing, shapeStandIns, unprintedBiases } from './shapes';
import {
  analyseDense, analyseKeras, analyseOnnx, analysePytorch, analyseTf1, analyseTf1Gru, cellTitle, isRejection, rejection, shapeText,
  type Candidate, type DenseCandidate, type DirectionTensors, type Family, type LayerCandidate, type Rejection,
} from './layers';
import { classifyName, classifyNames, fullName, type NameInfo } from './names';
import { outputWidth, recognizeSequence, type SequenceContext } from './sequence';
import { RECOGNISER_TEMPLATES as MSG, REJECTION_TEMPLATES as REJ, ROLE_TEMPLATES as ROLE, templated } from './messages';
import { argText, asPhrase, errorPhrase, joined, localized, phrase, type MessageArg, type Phrase } from '../messages';
import { cannotRun, fillPlaceholders, groupKey, lineColumn, poisonMissing, missingFromDiagnostic, placeholderArray, roleShape, unreadableArrays, type PositionOf, type UnreadableArray } from './completeness';
import type { ArrayRole, Evidence, GateSlot, Recognition, RecognizedDense, RecognizedLayer } from './types';
import { distractorKind, templatedUnrelated, unrelatedDiagnostics, UNRELATED_TEMPLATES, type UnrelatedArray } from './unrelated';
import { printedPrecision } from './precision';
import { twoConventionEvidence } from './two-conventions';
import { SHARED_NAME_TEMPLATES, sharedNameFramework, signalledConventions } from './shared-names';
import { findPrintedRun, kerasVersionFromPrintedRun, legacyDefaultGateActivation, legacyNumpyPrint, printedOutputLabel } from './keras-era';
import { perGateArrayRoles, perGateLayers, type PerGateInfo } from './per-gate';

export type { Recognition, RecognizedLayer, RecognizedDense, SliceAnnotation, Evidence, GateSlot, ArrayRole, MissingArray, MissingReason } from './types';
export type { UnrelatedArray, UnrelatedKind } from './unrelated';
export type { PrintPrecision } from './precision';
export { precisionMessage, rampInput, roundingEffect, TORCH_FULL_PRINT, NUMPY_FULL_PRINT } from './precision';
export { cannotRunMessage, placeholderArray } from './completeness';

export interface RecognizeOptions {
  /** Used where the arrays fit two conventions and nothing in the file decides (unnamed rows-packed matrices). */
  readonly defaultConvention?: ConventionId;
  /** Read every layer in this convention when its shapes allow it (the user said so). */
  readonly conventionOverride?: ConventionId;
  /** Per layer, by layer id (`layer-<k>-<name>`): the convention the user chose for it; wins over conventionOverride. */
  readonly layerConventions?: Readonly<Record<string, ConventionId>>;
  /** Keras major version for `hard_sigmoid` when the file does not pin it (a user setting). */
  readonly kerasVersion?: 2 | 3 | '2' | '3';
  /** How messages name a position (a notebook names the cell); line:column of `text` when absent. */
  readonly positionOf?: PositionOf;
}

type Diagnostic = Recognition['diagnostics'][number];

interface Group {
  readonly info: NameInfo;
  readonly members: Array<{ info: NameInfo; array: ExtractedArray }>;
}

const FAMILY_TITLE: Record<Family, string> = { keras: 'Keras', pytorch: 'PyTorch', onnx: 'ONNX', tf1: 'TF1' };

interface GroupedArrays {
  groups: Group[];
  pool: ExtractedArray[];
  data: Array<{ info: NameInfo; array: ExtractedArray }>;
  distractors: UnrelatedArray[];
  /** Unnamed arrays printed as a prediction or a computed value (`model.predict:`, `bias + X @ W:`). */
  outputs: Array<{ array: ExtractedArray; label: string }>;
  /** A parameter printed (or assigned) and later assigned again: the earlier array, replaced by the later one. */
  replaced: Array<{ earlier: ExtractedArray; later: ExtractedArray }>;
  /** A parameter shown again with the same values: the repeat, and where it was first. */
  repeated: Array<{ first: ExtractedArray; again: ExtractedArray }>;
}

/** An RNNCell's `rnn.weight_ih` superseded by an RNN's `rnn.weight_ih_l0` after `rnn` is bound again: both names are said. */
function laterAssignmentEvidence(earlier: ExtractedArray, later: ExtractedArray, at: PositionOf): Evidence {
  const earlierName = earlier.name!.replace(/\.data$/, '');
  const laterName = later.name!.replace(/\.data$/, '');
  const earlierAt = at((earlier.nameRange ?? earlier.range).start);
  if (earlierName === laterName) return templated('later-assignment', MSG.laterAssignment, laterName, earlierAt, at(later.range.start));
  return templated('later-assignment', MSG.laterAssignmentRenamed, earlierName, earlierAt, laterName, at(later.range.start));
}

const isShapeOnly = (a: ExtractedArray): boolean => a.values.length > 0 && a.values.every(Number.isNaN);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, k) => n === b[k]);
const sameValues = (a: ExtractedArray, b: ExtractedArray): boolean =>
  sameShape(a.shape, b.shape) && !isShapeOnly(a) && a.values.length === b.values.length && a.values.every((v, k) => v === b.values[k]);

function groupNamed(arrays: readonly ExtractedArray[], text: string, signalled: ReadonlySet<ConventionId>): GroupedArrays {
  const groups: Group[] = [];
  const open = new Map<string, Group>();
  const pool: ExtractedArray[] = [];
  const data: Array<{ info: NameInfo; array: ExtractedArray }> = [];
  const distractors: UnrelatedArray[] = [];
  const outputs: GroupedArrays['outputs'] = [];
  const replaced: GroupedArrays['replaced'] = [];
  const repeated: GroupedArrays['repeated'] = [];
  const names = classifyNames(arrays, signalled);
  for (const a of arrays) {
    const info = names.get(a);
    // Other layers' tensors named as such (attention, norms, embeddings, convolutions) never join a layer or the
    // pool of unnamed arrays, where their shapes could pass for recurrent weights.
    const kind = a.list ? undefined : distractorKind(fullName(a), info, a.shape);
    if (kind) {
      distractors.push(templatedUnrelated(a.index, kind, UNRELATED_TEMPLATES[kind]));
      continue;
    }
    if (!info) {
      const label = printedOutputLabel(a, text);
      if (label) outputs.push({ array: a, label });
      else pool.push(a);
      continue;
    }
    if (info.family === 'data') {
      data.push({ info, array: a });
      continue;
    }
    const key = groupKey(info);
    let g = open.get(key);
    // The same parameter assigned again (`rnn.weight_ih_l0.data = …` after its print): the later value wins, as in Python.
    const same = g?.members.findIndex((m) => m.info.role === info.role && m.info.direction === info.direction) ?? -1;
    if (g && same >= 0 && isAttributeAssignment(a)) {
      replaced.push({ earlier: g.members[same].array, later: a });
      g.members[same] = { info, array: a };
      continue;
    }
    // The shape of a parameter whose values the layer already has (`print(f"W_xh shape: {w_xh.shape}")`), or the
    // values of one it only had the shape of: one parameter, not a second layer.
    if (g && same >= 0 && sameShape(g.members[same].array.shape, a.shape) && isShapeOnly(a) !== isShapeOnly(g.members[same].array)) {
      if (isShapeOnly(g.members[same].array)) g.members[same] = { info, array: a };
      continue;
    }
    // A scoped parameter shown again with the same values (`w_xh = rnn.weight_ih_l0` displayed twice) is the one
    // parameter; bare names repeated (two pasted `kernel = …` blocks) still start a second layer.
    if (g && same >= 0 && /[./]/.test(a.name ?? '') && sameValues(g.members[same].array, a)) {
      repeated.push({ first: g.members[same].array, again: a });
      continue;
    }
    // The same role twice under one name starts a new layer (two pasted `kernel = ...` blocks).
    if (g && same >= 0) g = undefined;
    if (!g) {
      g = { info, members: [] };
      groups.push(g);
      open.set(key, g);
    }
    g.members.push({ info, array: a });
  }
  return { groups, pool, data, distractors, outputs, replaced, repeated };
}

function dirsOf(g: Group): DirectionTensors[] {
  const dirs: DirectionTensors[] = [{}];
  for (const m of g.members) {
    const d = m.info.direction;
    while (dirs.length <= d) dirs.push({});
    dirs[d][m.info.role] = m.array;
  }
  return dirs;
}

function analyseGroup(g: Group, signals: ReadonlyMap<ConventionId, string>): Candidate | Rejection {
  const { info } = g;
  const name = displayName(info);
  const all = g.members.map((m) => m.array);
  const nameEvidence = (c: Candidate): void => {
    const names = g.members.map((m) => m.info.written);
    c.evidence.unshift(templated('name-pattern', MSG.namesToFamily, `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`, FAMILY_TITLE[c.family]));
  };
  if (info.family === 'adapter' && info.convention) return analyseAdapterGroup(g, info.convention, signals);
  let result: Candidate | Rejection;
  const roles = new Set(g.members.map((m) => m.info.role));
  if (roles.has('dense_kernel') || roles.has('dense_weight')) {
    const k = g.members.find((m) => m.info.role === 'dense_kernel' || m.info.role === 'dense_weight')!.array;
    const b = g.members.find((m) => m.info.role === 'dense_bias')?.array;
    if (k.shape.length !== 2) {
      return rejection(all, REJ.notDenseMatrix, name, shapeText(k.shape));
    }
    if (/emb|embed|lookup|vocab|token/i.test(name)) {
      return rejection(all, REJ.embeddingTable, name, shapeText(k.shape));
    }
    result = analyseDense(name, info.family === 'pytorch' ? 'pytorch' : 'keras', k, b, true);
  } else if (roles.has('dense_bias')) {
    return rejection(all, REJ.biasAlone, name);
  } else if ([...roles].some((r) => /^(gates|candidate)\//.test(r))) {
    result = analyseTf1Gru(name, dirsOf(g), true);
  } else if (info.family === 'keras' || info.family === 'tf1') {
    const tf1 = info.family === 'tf1' || g.members.some((m) => m.info.family === 'tf1') ||
      (!roles.has('recurrent_kernel') && roles.has('kernel') && info.kindHint === 'lstm' && info.cellScope !== undefined);
    if (tf1 && !roles.has('recurrent_kernel')) {
      const dirs = dirsOf(g);
      result = analyseTf1(name, dirs[0], true);
      // bidirectional_dynamic_rnn's fw/bw cells: the backward arrays are checked by the conversion like the forward ones.
      if (!isRejection(result) && dirs.length === 2) {
        result.tensors = dirs;
        result.directions = 2;
      }
    } else if (!roles.has('recurrent_kernel') && roles.has('kernel') && (info.kindHint === 'dense' || info.kindHint === undefined)) {
      // A Keras-named group with only kernel + bias is a Dense layer unless the name says recurrent.
      const k = g.members.find((m) => m.info.role === 'kernel')!.array;
      const b = g.members.find((m) => m.info.role === 'bias')?.array;
      result = analyseDense(name, 'keras', k, b, true);
    } else {
      result = analyseKeras(name, dirsOf(g), true, info.kindHint);
    }
  } else if (info.family === 'pytorch') {
    result = analysePytorch(name, dirsOf(g), true, info.kindHint);
    if (!isRejection(result)) {
      result.module = info.module;
      result.layerIndex = info.layerIndex;
    }
  } else {
    result = analyseOnnx(name, dirsOf(g)[0], true, info.kindHint);
  }
  if (!isRejection(result)) {
    nameEvidence(result);
    // Bare W/R/B or kernel/recurrent_kernel/bias: name the layer after its cell, as Keras would.
    if (!info.group && result.kind === 'recurrent' && info.family !== 'pytorch') {
      result.name = result.cell;
      result.module = result.cell;
    }
  }
  return result;
}

/** A group named in a convention that brings its own name rules: its adapter reads the shapes. */
function analyseAdapterGroup(g: Group, id: ConventionId, signals: ReadonlyMap<ConventionId, string>): Candidate | Rejection {
  const all = g.members.map((m) => m.array);
  const conv = adapter(id);
  const dirs = dirsOf(g);
  const verdict = conv.analyseNamed?.(dirs.map((d) => Object.fromEntries(Object.entries(d).map(([role, a]) => [role, a?.shape]))));
  const signal = conv.nameSignal ? signals.get(id) : undefined;
  if (!verdict || 'reject' in verdict) {
    const why = verdict && 'reject' in verdict ? verdict.reject : { template: MSG.adapterNamesNoLayer, args: [conv.title] };
    // Names claimed only because the file shows the framework (OpenVINO's W, R, B): when the shapes are not that
    // framework's, the names are read as they would be in any other file (ONNX's W, R, B), and the evidence says so.
    if (signal !== undefined) {
      const plain = readWithout(g, id, signals);
      if (plain && !isRejection(plain)) {
        plain.evidence.push(templated('name-signal', SHARED_NAME_TEMPLATES.signalNotFit, signal, conv.title, asPhrase(localized(why.template, ...why.args))));
        return plain;
      }
    }
    return { arrays: all, ...localized(why.template, ...why.args) };
  }
  const names = g.members.map((m) => m.info.written);
  const name = g.info.group || verdict.cell;
  const written = `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`;
  return {
    kind: 'recurrent', name, module: name, family: 'keras', convention: id, cell: verdict.cell, units: verdict.units, inputSize: verdict.inputSize,
    directions: dirs.length === 2 ? 2 : 1, tensors: dirs, ...(verdict.resetAfter !== undefined ? { resetAfter: verdict.resetAfter } : {}), useBias: true,
    evidence: [
      signal !== undefined ? templated('name-signal', SHARED_NAME_TEMPLATES.signalNames, written, signal, conv.title) : templated('name-pattern', MSG.namesToFamily, written, conv.title),
      templated('shape', verdict.evidence.template, ...verdict.evidence.args),
    ],
    warnings: [], alternatives: [], named: true,
  };
}

/** The group's arrays read as if the file did not show `id`'s framework: one group again, or nothing. */
function readWithout(g: Group, id: ConventionId, signals: ReadonlyMap<ConventionId, string>): Candidate | Rejection | undefined {
  const others = new Set([...signals.keys()].filter((k) => k !== id));
  const members = g.members.map((m) => ({ info: classifyName(m.array, others), array: m.array }));
  const first = members[0]?.info;
  if (!first || members.some((m) => !m.info || groupKey(m.info) !== groupKey(first))) return undefined;
  return analyseGroup({ info: first, members: members as Group['members'] }, new Map([...signals].filter(([k]) => k !== id)));
}

const perGateOf = (c: LayerCandidate): PerGateInfo | undefined => (c as LayerCandidate & { perGate?: PerGateInfo }).perGate;

function displayName(info: NameInfo): string {
  if (info.family === 'pytorch') {
    const prefix = info.module;
    if (info.role.startsWith('dense')) return prefix;
    return prefix ? `${prefix}.l${info.layerIndex ?? 0}` : `l${info.layerIndex ?? 0}`;
  }
  return info.group || (info.kindHint && info.kindHint !== 'dense' ? info.kindHint : info.family === 'onnx' ? 'onnx' : 'layer');
}

function firstIndex(c: Candidate): number {
  const arrays = c.kind === 'dense' ? [c.kernel, ...(c.bias ? [c.bias] : [])] : c.tensors.flatMap((t) => Object.values(t).filter((a): a is ExtractedArray => !!a));
  return Math.min(...arrays.map((a) => a.index));
}

function arraysOf(c: Candidate): ExtractedArray[] {
  return c.kind === 'dense' ? [c.kernel, ...(c.bias ? [c.bias] : [])] : c.tensors.flatMap((t) => Object.values(t).filter((a): a is ExtractedArray => !!a));
}

function spanOf(arrays: readonly ExtractedArray[]): SourceRange {
  let start = Infinity;
  let end = -Infinity;
  for (const a of arrays) {
    const s = a.nameRange ? Math.min(a.nameRange.start, a.range.start) : a.range.start;
    start = Math.min(start, s);
    end = Math.max(end, a.range.end);
  }
  return { start, end };
}

function sequenceContext(hints: Hints, options: RecognizeOptions, view: CodeView): SequenceContext {
  const counts: Record<Family, number> = { keras: 0, pytorch: 0, onnx: 0, tf1: 0 };
  const reasons: Partial<Record<Family, string>> = {};
  for (const f of hints.frameworks) {
    if (f.framework === 'flax') continue;
    counts[f.framework]++;
    reasons[f.framework] ??= `\`${f.text}\``;
  }
  for (const h of hints.layers) {
    // Flax names are distinctive; the preference only settles unnamed Keras / PyTorch / ONNX arrays.
    if (h.framework === 'flax') continue;
    counts[h.framework] += 2;
    reasons[h.framework] ??= `\`${h.text.length > 50 ? `${h.text.slice(0, 47)}…` : h.text}\``;
  }
  let preferred: Family | undefined;
  let best = 0;
  for (const f of ['onnx', 'pytorch', 'keras'] as Family[]) {
    if (counts[f] > best) {
      best = counts[f];
      preferred = f;
    }
  }
  let preferredReason = preferred ? `${reasons[preferred]} in the file` : undefined;
  let preferredSource: SequenceContext['preferredSource'] = preferred ? { kind: 'file', code: reasons[preferred]! } : undefined;
  if (!preferred && options.defaultConvention) {
    const d = options.defaultConvention;
    // A rows-packed convention (W·x) settles unnamed matrices as PyTorch does; ONNX keeps its own reading.
    preferred = d === 'onnx' ? 'onnx' : adapter(d).cells[0].packedAxis === 'rows' ? 'pytorch' : 'keras';
    preferredReason = `the default convention setting (${d})`;
    preferredSource = { kind: 'setting', convention: d };
  }
  const bidirectionalHint = hints.layers.some((h) => h.bidirectional) || view.test(/\bBidirectional\b|bidirectional\s*=\s*True|direction\s*=\s*["']bidirectional/);
  return { preferred, preferredReason, ...(preferredSource ? { preferredSource } : {}), bidirectionalHint };
}

function applyOverride(c: LayerCandidate, override: ConventionId): Evidence | undefined {
  if (c.convention === override) return undefined;
  // The same arrays under the same names (PaddlePaddle and MindSpore store PyTorch's weight_ih_l0, …).
  const target = adapter(override);
  if ('sameArraysAs' in target && target.sameArraysAs?.convention === c.convention) {
    c.convention = override;
    return templated('override', MSG.overrideFamily, target.title);
  }
  const rows = (id: ConventionId) => id === 'pytorch' || id === 'onnx';
  const cols = (id: ConventionId) => id === 'keras' || id === 'keras_cudnn';
  // Only unnamed-style 2-D weights (with 1-D biases) can be re-read: a 3-D ONNX W or a projection has no twin.
  const rereadable = c.tensors.every((t) => !t.weight_hr && !t.P && Object.values(t).every((a) => !a || a.shape.length <= 2));
  if (rows(c.convention) && rows(override) && rereadable) {
    c.convention = override;
    c.family = override === 'onnx' ? 'onnx' : 'pytorch';
    c.tensors = c.tensors.map((t) => (override === 'onnx'
      ? { W: t.weight_ih ?? t.W, R: t.weight_hh ?? t.R, ...(t.bias_ih ?? t.Wb ? { Wb: t.bias_ih ?? t.Wb, Rb: t.bias_hh ?? t.Rb } : {}) }
      : { weight_ih: t.W ?? t.weight_ih, weight_hh: t.R ?? t.weight_hh, ...(t.Wb ?? t.bias_ih ? { bias_ih: t.Wb ?? t.bias_ih, bias_hh: t.Rb ?? t.bias_hh } : {}) }));
    c.resetAfter = c.cell === 'gru' ? override === 'pytorch' : undefined;
    return templated('override', MSG.overrideFamily, override === 'onnx' ? 'ONNX' : 'PyTorch');
  }
  if (cols(c.convention) && cols(override)) {
    const b = c.tensors[0].bias;
    const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
    if (override === 'keras_cudnn' && c.cell !== 'simple_rnn' && (!b || b.values.length === 2 * G * c.units)) {
      c.convention = 'keras_cudnn';
      return templated('override', MSG.overrideKerasCudnn);
    }
    if (override === 'keras' && (!b || b.values.length === G * c.units || (c.cell === 'gru' && b.values.length === 2 * G * c.units))) {
      c.convention = 'keras';
      return templated('override', MSG.overrideKeras);
    }
  }
  c.warnings.push(templated('override-does-not-fit', MSG.overrideDoesNotFit, override, FAMILY_TITLE[c.family], c.convention));
  return undefined;
}

// NaN stand-ins (completeness.ts) convert as zeros, only so the layer can be described; the converted layer is
// marked incomplete and its stand-in arrays are NaN again (poisonMissing), so no run can use them.
const T = (a: ExtractedArray, shape?: readonly number[]) => ({ shape: shape ?? a.shape, data: isStandIn(a) ? new Float64Array(a.values.length) : a.values });
const isStandIn = (a: ExtractedArray): boolean => a.values.length > 0 && Number.isNaN(a.values[0]) && a.values.every(Number.isNaN);

function nativeTensors(c: LayerCandidate): NativeTensors {
  return adapter(c.convention).candidateTensors(c.tensors.map((t) => Object.fromEntries(
    Object.entries(t).filter((e): e is [string, ExtractedArray] => !!e[1]).map(([role, a]) => [role, { shape: a.shape, values: T(a).data }]))));
}

/** The role's name by its convention (adapter roleTitles, translated as a phrase); a role it does not name stays as written. */
function roleName(role: string, c: LayerCandidate): MessageArg {
  const title = adapter(c.convention).roleTitles[role];
  return title !== undefined ? phrase(title) : role;
}

/**
 * "recurrent kernel of lstm_1 — Keras LSTM, 3 units, input size 1", with " (forward)"/" (backward)" when the layer
 * keeps one set of arrays per direction (Keras, PyTorch); ONNX's W, R and B hold both directions in one array.
 */
function roleDescription(role: string, direction: number, c: LayerCandidate): Phrase {
  const spec = conventionSpec(c.convention, c.cell);
  const described = phrase(ROLE.description, roleName(role, c), c.name, spec.framework, cellTitle(c.cell), c.units, c.inputSize);
  if (c.tensors.length !== 2) return described;
  return phrase(direction === 0 ? ROLE.forward : ROLE.backward, described);
}

function packedAxisOf(role: string, a: ExtractedArray, c: LayerCandidate): number | undefined {
  return adapter(c.convention).packedAxisOf(role, a.shape);
}

/**
 * Stand-ins for arrays the parser could not read because NumPy summarised them (`[...]` with `shape=(32, 256)`):
 * the printed shape, NaN for the lost values (the layer is shown, marked incomplete, never run), an index past the
 * parse result (they are never listed as array roles).
 */
function truncatedPlaceholders(parse: ParseResult, text: string): Array<ExtractedArray & { readonly diagnostic: ParseResult['diagnostics'][number] }> {
  const out: Array<ExtractedArray & { readonly diagnostic: ParseResult['diagnostics'][number] }> = [];
  const seen = new Set<number>();
  for (const d of parse.diagnostics) {
    if (d.code !== 'truncated-print') continue;
    const rest = text.slice(d.range.end);
    const next = rest.search(/\barray\(/);
    const window = next >= 0 ? rest.slice(0, next) : rest;
    const m = /shape\s*=\s*\(\s*(\d+(?:\s*,\s*\d+)*)\s*,?\s*\)/.exec(window);
    if (!m) continue;
    const at = d.range.end + m.index;
    if (seen.has(at)) continue;
    seen.add(at);
    const shape = m[1].split(',').map((x) => Number(x.trim()));
    const n = shape.reduce((a, b) => a * b, 1);
    if (!(n > 0 && n < 1e8)) continue;
    out.push({ ...placeholderArray(parse.arrays.length + out.length, shape, { start: d.range.start, end: at + m[0].length }), form: 'numpy_repr', diagnostic: d });
  }
  return out;
}

function toRecognized(c: LayerCandidate, layer: RecurrentLayer, id: string, stackIndex: number, arrayCount: number): RecognizedLayer {
  const spec = conventionSpec(c.convention, c.cell);
  const gates: GateSlot[] = gateRanges(spec, c.units).map((g) => ({ gate: g.gate, label: g.label, name: g.name, start: g.start, end: g.end }));
  const arrays: ArrayRole[] = [];
  c.tensors.forEach((t, d) => {
    for (const [role, a] of Object.entries(t)) {
      if (!a || a.index >= arrayCount) continue;
      const packedAxis = packedAxisOf(role, a, c);
      const descriptionPhrase = roleDescription(role, d, c);
      arrays.push({ arrayIndex: a.index, role, direction: d, description: argText(descriptionPhrase), descriptionPhrase, ...(packedAxis !== undefined ? { packedAxis } : {}) });
    }
  });
  return {
    id, name: c.name, cell: c.cell, convention: c.convention, units: c.units, inputSize: c.inputSize, directions: layer.directions.length === 2 ? 2 : 1,
    ...(c.projSize !== undefined ? { projSize: c.projSize } : {}),
    stackIndex, arrays, gates, evidence: c.evidence, warnings: c.warnings, alternatives: [...new Set(c.alternatives.filter((a) => a !== c.convention))],
    complete: !c.missing?.length, missing: c.missing ?? [],
    layer, range: spanOf(arraysOf(c)),
  };
}

function denseRole(arrayIndex: number, isKernel: boolean, c: DenseCandidate): ArrayRole {
  const what = isKernel ? (c.orientation === 'in_out' ? ROLE.denseKernel : ROLE.denseWeight) : ROLE.bias;
  const descriptionPhrase = phrase(ROLE.denseDescription, phrase(what), c.name, c.inputSize, c.units);
  return { arrayIndex, role: isKernel ? 'dense_kernel' : 'dense_bias', direction: 0, description: argText(descriptionPhrase), descriptionPhrase };
}

function denseLayer(c: DenseCandidate): DenseLayer {
  const { inputSize, units } = c;
  const W = new Float64Array(units * inputSize);
  const k = c.kernel.values;
  for (let m = 0; m < units; m++) {
    for (let j = 0; j < inputSize; j++) W[m * inputSize + j] = c.orientation === 'out_in' ? k[m * inputSize + j] : k[j * units + m];
  }
  return { kind: 'dense', name: c.name, inputSize, units, W, ...(c.bias ? { b: Float64Array.from(c.bias.values) } : {}), activation: { name: 'linear' } };
}

export function recognize(parse: ParseResult, text: string, options?: RecognizeOptions): Recognition;
export function recognize(parse: ParseResult, input: RecognizeOptions & { readonly text: string }): Recognition;
export function recognize(parse: ParseResult, textOrInput: string | (RecognizeOptions & { readonly text: string }), maybeOptions: RecognizeOptions = {}): Recognition {
  const text = typeof textOrInput === 'string' ? textOrInput : textOrInput.text;
  const options = typeof textOrInput === 'string' ? maybeOptions : textOrInput;
  // Every search for code below reads the text without the numbers the extractor has already read.
  const view = new CodeView(text, parse.arrays.filter((a) => !a.embedded && a.form !== 'file').map((a) => a.range));
  const hints = readHints(text, view);
  const at: PositionOf = options.positionOf ?? ((offset) => lineColumn(text, offset));
  const diagnostics: Diagnostic[] = [];
  // Shapes printed without values take part as NaN stand-ins: the layer they form is a skeleton that cannot run.
  // ONNX initializer dims printed as lists (`W [2, 256, 36]`) are shapes, not three-value arrays.
  const dims = onnxDimsListings(parse);
  const valueArrays = dims.replaced.size ? parse.arrays.filter((a) => !dims.replaced.has(a.index)) : parse.arrays;
  const standIns = shapeStandIns(dims.replaced.size ? { ...parse, arrays: valueArrays, shapes: [...(parse.shapes ?? []), ...dims.shapes] } : parse);
  const cutValues = cutValuesByName(parse, text);
  const isStandIn = new Set<ExtractedArray>(standIns);
  // Names the text's own code or Keras 1 letters give (W_xh = rnn.weight_ih_l0; W, U, b): recognition reads those.
  const bound = new Map<number, string>();
  // Frameworks whose names are too common to claim alone (MLX Wx, OpenVINO W): the file's code shows which apply.
  const signals = signalledConventions(text, hints.nonCode, view);
  const boundArrays = withoutCoveredEmbedded(bindNames(standIns.length ? [...valueArrays, ...standIns] : valueArrays, text, bound, view));
  // What the code computes from a parameter the text also holds (`b = np.array(np.split(bias_ih, 4))`) is no weight.
  const copies = derivedCopies(boundArrays, view.code);
  const readable = copies.size ? boundArrays.filter((a) => !copies.has(a)) : boundArrays;
  // One matrix per gate under the user's own names (u_w, r_w, c_w over concat[x, h]): read from the code, or held back.
  const perGate = perGateLayers(readable, view, at, hints.keras3.length > 0 && hints.keras2.length === 0);
  const { groups, pool, data, distractors, outputs, replaced, repeated } = groupNamed(perGate.consumed.size ? readable.filter((a) => !perGate.consumed.has(a.index)) : readable, text, new Set(signals.keys()));
  // Only arrays of the text are listed (a shape stand-in of an Embedding is not an array to point at).
  const unrelated: UnrelatedArray[] = distractors.filter((d) => d.arrayIndex < parse.arrays.length);
  for (const [a, d] of copies) if (a.index < parse.arrays.length) unrelated.push(templatedUnrelated(a.index, 'unmatched', UNRELATED_TEMPLATES.derivedCopy, d.source));
  const candidates: Candidate[] = [...perGate.candidates];
  diagnostics.push(...perGate.diagnostics);
  // The same reason for thousands of arrays is kept once, not once per array.
  const reasons = new Map<string, Omit<UnrelatedArray, 'arrayIndex'>>();
  const reject = (r: Rejection): void => {
    let reason = reasons.get(r.message);
    if (reason === undefined) reasons.set(r.message, (reason = { kind: 'unmatched', reason: r.message, template: UNRELATED_TEMPLATES.unmatched, args: [asPhrase(r)] }));
    for (const a of r.arrays) if (a.index < parse.arrays.length) unrelated.push({ arrayIndex: a.index, ...reason });
  };
  // Arrays the text holds but the reader could not read: by name they belong to a layer; unnamed ones by position.
  const unreadable = unreadableArrays(parse);
  const claimed = new Set<UnreadableArray>();
  const pending = new Map<LayerCandidate, Array<{ u: UnreadableArray; role: string; direction: number; shape?: readonly number[] }>>();
  const addPending = (c: LayerCandidate, u: UnreadableArray, role: string, direction: number, shape?: readonly number[]): void => {
    claimed.add(u);
    if (!pending.has(c)) pending.set(c, []);
    pending.get(c)!.push({ u, role, direction, ...(shape ? { shape } : {}) });
  };
  const placeholders = truncatedPlaceholders(parse, text);
  const placeholderOf = new Map(placeholders.map((p) => [p.diagnostic, p]));
  let nextIndex = parse.arrays.length + placeholders.length;
  // A skeleton named after its cell implies the arrays the text never reached (listed as absent, never run).
  const implied = new Set<ExtractedArray>();
  const impliedCounter = { next: 0 };
  // A lone weight_hh shape beside its constructor (tmp = nn.LSTM(2, 9)): the constructor implies the rest.
  const impliedBy = new Map<string, LayerHint>();
  for (const g of groups) {
    const byConstructor = impliedByConstructor(g.info, g.members, isStandIn, impliedCounter, hints);
    if (byConstructor) impliedBy.set(g.info.module, byConstructor.hint);
    const more = byConstructor?.arrays ?? impliedPytorchArrays(g.info, g.members, isStandIn, impliedCounter);
    for (const m of more) {
      g.members.push(m);
      implied.add(m.array);
      isStandIn.add(m.array);
    }
  }
  for (const g of groups) {
    const r = analyseGroup(g, signals);
    const key = groupKey(g.info);
    const lost = unreadable.filter((u) => u.key === key && !claimed.has(u) && !g.members.some((m) => m.info.role === u.role && m.info.direction === u.direction));
    if (isRejection(r)) {
      // Say which array could not be read: that, not "has no weight_ih", is what the user must fix.
      for (const u of lost) claimed.add(u);
      const unreadableMembers = lost.map((u) => phrase(REJ.unreadableMember, u.diagnostic.name ?? '?', at(u.diagnostic.range.start), u.diagnostic.code));
      reject(lost.length ? rejection(r.arrays, REJ.withUnreadable, asPhrase(r), joined(unreadableMembers)) : r);
      continue;
    }
    candidates.push(r);
    if (r.kind === 'recurrent') for (const u of lost) addPending(r, u, u.role!, u.direction, placeholderOf.get(u.diagnostic)?.shape);
  }

  // Named arrays none of whose values could be read (Keras 1 `lstm_3_W_i` cut to one value): a skeleton sized by the constructor.
  for (const s of nameOnlySkeletons(unreadable.filter((u) => !claimed.has(u)), hints, text, at, () => nextIndex++)) {
    for (const u of s.claims) claimed.add(u);
    candidates.push(s.candidate);
  }

  // Unnamed arrays: one run per printed list, then the loose ones in document order.
  const ctx = sequenceContext(hints, options, view);
  const runs = new Map<string, ExtractedArray[]>();
  for (const a of pool) {
    const key = a.list ? `list${a.list.id}` : 'loose';
    if (!runs.has(key)) runs.set(key, []);
    runs.get(key)!.push(a);
  }
  // Summarised prints (`...`) lose the values but keep `shape=(32, 256)`: the shapes still say what the layer is.
  for (const ph of placeholders) {
    if ([...claimed].some((u) => u.diagnostic === ph.diagnostic)) continue;
    let best: ExtractedArray[] | undefined;
    let bestDistance = Infinity;
    for (const run of runs.values()) {
      for (const a of run) {
        const d = Math.abs(a.range.start - ph.range.start);
        if (d < bestDistance) { bestDistance = d; best = run; }
      }
    }
    if (best) best.push(ph);
    else runs.set(`truncated${ph.index}`, [ph]);
  }
  const isPlaceholder = new Set<ExtractedArray>(placeholders);
  for (const run of runs.values()) {
    if (run.some((a) => isPlaceholder.has(a))) run.sort((x, y) => x.range.start - y.range.start);
    else run.sort((x, y) => (x.list && y.list ? x.list.position - y.list.position : x.index - y.index));
    const { candidates: found, rejected } = recognizeSequence(run, ctx);
    found.forEach((c) => {
      const lost = arraysOf(c).filter((a) => isPlaceholder.has(a));
      if (lost.length) {
        c.warnings.push(templated('truncated-values', lost.length === 1 ? MSG.truncatedOne : MSG.truncatedMany, lost.map((a) => shapeText(a.shape)).join(' and ')));
        if (c.kind === 'recurrent') {
          c.tensors.forEach((t, direction) => {
            for (const [role, a] of Object.entries(t)) {
              const ph = placeholders.find((p) => p === a);
              const u = ph && unreadable.find((x) => x.diagnostic === ph.diagnostic);
              if (u) addPending(c, u, role, direction, ph.shape);
            }
          });
        }
      }
      if (c.kind === 'recurrent') {
        const onnxName = run.find((a) => a.name)?.name;
        if (onnxName && /^onnx::/i.test(onnxName) && c.family === 'onnx') c.evidence.push(templated('name-pattern', MSG.onnxFromPytorchNames, onnxName));
      }
    });
    candidates.push(...found);
    rejected.forEach(reject);
  }
  for (const d of data) {
    diagnostics.push({ severity: 'info', range: d.array.range, ...templated('data-array', MSG.dataArray, d.info.written, shapeText(d.array.shape)) });
  }
  for (const r of replaced) {
    unrelated.push(templatedUnrelated(r.earlier.index, 'unmatched', UNRELATED_TEMPLATES.replacedLater, at(r.later.range.start)));
  }
  for (const r of repeated) {
    unrelated.push(templatedUnrelated(r.again.index, 'unmatched', UNRELATED_TEMPLATES.shownAgain, r.again.name!, at(r.first.range.start)));
  }
  for (const o of outputs) {
    diagnostics.push({ severity: 'info', range: o.array.range, ...templated('printed-output', MSG.printedOutput, shapeText(o.array.shape), o.label) });
  }

  if (isStandIn.size) {
    for (let k = candidates.length - 1; k >= 0; k--) {
      const c = candidates[k];
      if (!isShapeOnlyDense(c, isStandIn) || c.kind !== 'dense') continue;
      diagnostics.push({ severity: 'info', range: spanOf(arraysOf(c)), ...templated('shape-only-dense', MSG.denseShapeOnly, c.inputSize, c.units) });
      candidates.splice(k, 1);
    }
  }
  candidates.sort((a, b) => firstIndex(a) - firstIndex(b));
  for (const c of candidates) {
    const e = embeddedEvidence(arraysOf(c), text);
    if (e) c.evidence.push(e);
    for (const r of replaced) {
      if (!arraysOf(c).includes(r.later)) continue;
      c.evidence.push(laterAssignmentEvidence(r.earlier, r.later, at));
    }
    const renamed = arraysOf(c).map((a) => bound.get(a.index)).filter((b): b is string => b !== undefined);
    if (renamed.length) c.evidence.push(templated('name-binding', MSG.namesBound, renamed.join(', ')));
  }
  attributeUnnamed(unreadable.filter((u) => !claimed.has(u) && u.key === undefined), candidates, addPending);
  // Every layer gets a distinct name: unnamed ones after their kind, Keras-style (lstm, lstm_1, ...), and a name
  // used twice (two pasted `kernel = ...` blocks) gets the same kind of suffix.
  const taken = new Set<string>();
  const named = candidates.filter((c) => c.named);
  for (const c of [...named, ...candidates.filter((c) => !c.named)]) {
    const base = c.named ? c.name : c.kind === 'dense' ? 'dense' : c.cell;
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    if (name !== c.name) {
      c.name = name;
      if (c.kind === 'recurrent' && c.family !== 'pytorch') c.module = name;
    }
  }

  const recurrent = candidates.filter((c): c is LayerCandidate => c.kind === 'recurrent');
  const ids = new Map(candidates.map((c, k) => [c, `${c.kind === 'dense' ? 'dense' : 'layer'}-${k}-${c.name}`]));
  const chosen = (c: Candidate): ConventionId | undefined => options.layerConventions?.[ids.get(c)!] ?? options.conventionOverride;
  for (const c of recurrent) {
    const override = chosen(c);
    const e = override ? applyOverride(c, override) : undefined;
    if (e) c.evidence.push(e);
  }
  const matched = matchHints(recurrent, hints);
  const legacyPrint = legacyNumpyPrint(parse.arrays, text);
  const usedArrays = new Set(candidates.flatMap((c) => arraysOf(c).map((a) => a.index)));

  const layers: RecognizedLayer[] = [];
  const denses: RecognizedDense[] = [];
  const byCandidate = new Map<Candidate, { id: string; layer: Layer }>();
  const usedDenseHints = new Set<Hints['dense'][number]>();
  for (const c of candidates) {
    const id = ids.get(c)!;
    if (c.kind === 'dense') {
      const hint = hints.dense.find((h) => !usedDenseHints.has(h) && (h.units === undefined || h.units === c.units));
      let activation = 'linear';
      if (hint) {
        usedDenseHints.add(hint);
        if (hint.activation) activation = hint.activation;
        const code = `\`${hint.text.length > 70 ? `${hint.text.slice(0, 67)}…` : hint.text}\``;
        c.evidence.push(hint.activation ? templated('constructor-hint', MSG.denseConstructorActivation, code, hint.activation) : templated('constructor-hint', MSG.denseConstructor, code));
      }
      const layer = { ...denseLayer(c), activation: { name: activation } };
      byCandidate.set(c, { id, layer });
      denses.push({ name: c.name, arrays: arraysOf(c).map((a, k) => denseRole(a.index, k === 0, c)), layer, range: spanOf(arraysOf(c)), evidence: c.evidence });
      continue;
    }
    const own = perGateOf(c);
    // A per-gate layer's activations and reset placement come from its own code, not from a constructor elsewhere.
    const hint = own ? undefined : matched.get(c);
    const applied = own ? { options: own.options, evidence: [], warnings: [] } : applyHints(c, hint, hints, options.kerasVersion !== undefined ? (Number(options.kerasVersion) as 2 | 3) : undefined);
    if (applied.convention && !chosen(c)) c.convention = applied.convention;
    if (c.named && !chosen(c)) {
      const shared = sharedNameFramework(c.convention, text, hints.nonCode, view);
      if (shared) {
        c.convention = shared.id;
        c.evidence.push(templated('shared-names', SHARED_NAME_TEMPLATES.sharedNames, shared.title, shared.code));
      }
    }
    c.evidence.push(...applied.evidence);
    c.warnings.push(...applied.warnings);
    const era = kerasEra(c, hint, applied.options, legacyPrint);
    let opts: FromNativeOptions = {
      ...applied.options, ...era, name: c.name, units: c.units,
      ...(c.directions === 2 && c.family !== 'onnx' ? { bidirectional: true, merge: applied.merge ?? 'concat' } : {}),
      ...(c.family === 'pytorch' || c.family === 'onnx' ? {} : { bidirectional: c.directions === 2 }),
    };
    const lostHere = pending.get(c) ?? [];
    if (lostHere.length) {
      c.missing = [...(c.missing ?? []), ...lostHere.map((p) => missingFromDiagnostic(p.u, p.role, p.direction, c.name, text, at, p.shape))];
    }
    const listed = dims.shapes.filter((d) => arraysOf(c).some((a) => a.range.start === d.range.start && isStandIn.has(a)));
    if (listed.length) c.evidence.push(templated('shape', MSG.onnxDimsListed, listed.map((d) => `${d.name} [${d.shape.join(', ')}]`).join(', ')));
    const impliedHint = c.family === 'pytorch' ? impliedBy.get(c.module) : undefined;
    const impliedNote = impliedHint ? impliedByConstructorEvidence(c, impliedHint, implied) : impliedEvidence(c, implied);
    if (impliedNote) c.evidence.push(impliedNote);
    const shapeOnly = shapeOnlyMissing(c, isStandIn, at, implied, cutValues);
    if (shapeOnly.length) {
      c.missing = [...(c.missing ?? []), ...shapeOnly];
      c.warnings.push(fullPrintAdvice(c, shapeOnly.some((m) => m.reason === 'truncated')));
    }
    const unprinted = unprintedBiases(c, hint);
    if (unprinted.length) c.missing = [...(c.missing ?? []), ...unprinted];
    if (c.missing?.length) fillPlaceholders(c, c.missing, () => nextIndex++);
    const settled = c.missing?.length ? undefined : settleHardSigmoidByPrintedRun(c, opts, parse.arrays, usedArrays, text);
    if (settled) opts = { ...opts, kerasVersion: settled };
    let layer: RecurrentLayer;
    try {
      layer = fromNative(c.convention, c.cell, nativeTensors(c), opts);
    } catch (e) {
      const arrays = arraysOf(c).filter((a) => a.index < parse.arrays.length);
      const cause = errorPhrase(e);
      reject(c.missing?.length ? rejection(arrays, REJ.notConvertedMissing, cause, joined(c.missing.map(asPhrase))) : rejection(arrays, REJ.notConverted, cause));
      continue;
    }
    if (c.missing?.length) {
      const refusal = cannotRun(c.name, c.missing);
      layer = { ...poisonMissing(layer, c.missing), incomplete: refusal.message, ...(refusal.template ? { incompletePhrase: asPhrase(refusal) as Phrase } : {}) };
      diagnostics.push({ severity: 'warning', range: spanOf(arraysOf(c)), ...templated('incomplete-layer', MSG.layerIncomplete, c.name, c.missing.map((m) => m.array).join(', ')) });
    }
    byCandidate.set(c, { id, layer });
    const precision = c.missing?.length ? undefined : printedPrecision(arraysOf(c).filter((a) => a.index < parse.arrays.length), text);
    const recognized = toRecognized(c, layer, id, 0, parse.arrays.length);
    const arrays = own ? perGateArrayRoles(own, c.name, c.units, c.inputSize, c.cell) : recognized.arrays;
    layers.push({ ...recognized, arrays, ...(own ? { range: spanOf(own.roles.map((r) => r.array)) } : {}), ...(precision ? { printPrecision: precision } : {}) });
  }

  // Stacks: each layer's input size equals the previous output (PyTorch layer k > 0: D·Hout).
  const models: Array<{ name: string; layerIds: string[]; model: { layers: Layer[] } }> = [];
  let current: { name: string; layerIds: string[]; model: { layers: Layer[] } } | undefined;
  let previous: Candidate | undefined;
  const stackIndex = new Map<string, number>();
  for (const c of candidates) {
    const built = byCandidate.get(c);
    // An incomplete layer never joins a runnable stack (and a stack never runs past it).
    if (!built || (c.kind === 'recurrent' && c.missing?.length) || c.warnings.some((w) => w.code === 'truncated-values')) {
      current = undefined;
      previous = undefined;
      continue;
    }
    const width = previous ? outputWidthWithMerge(previous, byCandidate.get(previous)!.layer) : undefined;
    const chains = current !== undefined && width !== undefined && c.inputSize === width && !(previous?.kind === 'dense' && c.kind === 'recurrent');
    if (chains) {
      current!.layerIds.push(built.id);
      current!.model.layers.push(built.layer);
      if (c.kind === 'recurrent') {
        c.evidence.push(templated('stack', MSG.stackedOn, c.inputSize, previous!.name, describeWidth(previous!, byCandidate.get(previous!)!.layer)));
      }
    } else if (c.kind === 'recurrent') {
      if (c.family === 'pytorch' && (c.layerIndex ?? 0) > 0 && previous?.kind === 'recurrent' && previous.module === c.module) {
        c.warnings.push(templated('stack-mismatch', MSG.stackMismatch, c.layerIndex!, String(width), c.layerIndex! - 1, c.inputSize));
      }
      current = { name: c.name, layerIds: [built.id], model: { layers: [built.layer] } };
      models.push(current);
    } else {
      current = undefined;
    }
    if (current) stackIndex.set(built.id, current.layerIds.length - 1);
    previous = current ? c : undefined;
  }
  const finalLayers = layers.map((l) => ({ ...l, stackIndex: stackIndex.get(l.id) ?? 0 }));
  // The same layer in both conventions: each states the mapping onto the other.
  const twins = twoConventionEvidence(finalLayers);
  for (let k = 0; k < finalLayers.length; k++) {
    const twin = twins.get(finalLayers[k]);
    if (twin) finalLayers[k] = { ...finalLayers[k], evidence: [...finalLayers[k].evidence, twin] };
  }
  let slices: Recognition['slices'] = [];
  try {
    slices = analyseSlices(text, parse.arrays, finalLayers, hints, view);
  } catch (e) {
    // Slice checks are a reading of free-form code; a surprise there must not cost the user the layers.
    diagnostics.push({ severity: 'info', code: 'slice-analysis-failed', ...localized(MSG.sliceCheckStopped, errorPhrase(e)), range: { start: 0, end: 0 } });
  }
  // A Linear/Dense that heads no recurrent stack (a transformer's feed-forward, a classifier elsewhere) is listed too.
  const stacked = new Set(models.flatMap((m) => m.layerIds));
  for (const c of candidates) {
    const built = byCandidate.get(c);
    if (c.kind !== 'dense' || !built || stacked.has(built.id)) continue;
    for (const a of arraysOf(c)) unrelated.push(templatedUnrelated(a.index, 'linear', UNRELATED_TEMPLATES.linearAlone, c.inputSize, c.units));
  }
  unrelated.sort((x, y) => x.arrayIndex - y.arrayIndex);
  const unrelatedNotes = unrelatedDiagnostics(unrelated, parse.arrays, fullName, shapeText);
  return { layers: finalLayers, dense: denses, models, slices, unrelated, diagnostics: [...unrelatedNotes, ...diagnostics] };
}

/**
 * Keras ≤ 2.2 defaults for a paste that NumPy's print style dates before 2018: the gate activation the constructor
 * leaves out is hard_sigmoid, Keras 2's definition. Nothing changes when the code names the activation or the version.
 */
function kerasEra(c: LayerCandidate, hint: Hints['layers'][number] | undefined, options: FromNativeOptions, legacyPrint: string | undefined): Partial<FromNativeOptions> {
  if (!legacyPrint || (c.family !== 'keras' && c.family !== 'tf1') || c.cell === 'simple_rnn' || options.recurrentActivation !== undefined) return {};
  if (c.convention !== 'keras') return {};
  const evidence = legacyDefaultGateActivation(legacyPrint);
  if (hint) c.evidence.push(evidence);
  else c.warnings.push(evidence);
  return { recurrentActivation: 'hard_sigmoid', kerasVersion: 2 };
}

/**
 * hard_sigmoid whose Keras version nothing in the code pins: the layer's own output printed beside its input decides,
 * when only one definition reproduces it. Returns the version, with the evidence added and the doubt withdrawn.
 */
function settleHardSigmoidByPrintedRun(c: LayerCandidate, opts: FromNativeOptions, arrays: readonly ExtractedArray[], used: ReadonlySet<number>, text: string): 2 | 3 | undefined {
  if (!c.warnings.some((w) => w.code === 'keras-version-unknown')) return undefined;
  const run = findPrintedRun(arrays, used, c.inputSize, c.units * c.directions, text);
  if (!run) return undefined;
  let found: ReturnType<typeof kerasVersionFromPrintedRun>;
  try {
    found = kerasVersionFromPrintedRun((version) => fromNative(c.convention, c.cell, nativeTensors(c), { ...opts, kerasVersion: version }), run);
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  c.warnings = c.warnings.filter((w) => w.code !== 'keras-version-unknown');
  c.evidence.push(found.evidence);
  return found.version;
}

/**
 * Unnamed arrays that could not be read (a summarised or mistyped entry of print(model.get_weights())) belong to
 * the layer whose arrays surround them: the nearest unnamed recurrent layer before them, else the first after.
 * The role is a guess for the label only (nothing is computed from it): a layer without a bias is missing its bias.
 */
function attributeUnnamed(
  lost: readonly UnreadableArray[], candidates: readonly Candidate[],
  add: (c: LayerCandidate, u: UnreadableArray, role: string, direction: number, shape?: readonly number[]) => void,
): void {
  // A per-gate layer's arrays are all named and read: an unreadable literal elsewhere in its code is not one of them.
  const unnamed = candidates.filter((c): c is LayerCandidate => c.kind === 'recurrent' && !c.named && !perGateOf(c))
    .map((c) => ({ c, start: spanOf(arraysOf(c)).start }))
    .sort((a, b) => a.start - b.start);
  for (const u of lost) {
    const at = u.diagnostic.range.start;
    let owner: LayerCandidate | undefined;
    for (const x of unnamed) if (x.start <= at) owner = x.c;
    owner ??= unnamed.find((x) => x.start > at)?.c;
    if (!owner) continue;
    const t = owner.tensors[0];
    const biasRole = owner.family === 'pytorch' ? 'bias_ih' : owner.family === 'onnx' ? (t.W?.shape.length === 2 ? 'Wb' : 'B') : 'bias';
    add(owner, u, t[biasRole] ? 'array' : biasRole, 0, t[biasRole] ? undefined : roleShape(owner, biasRole));
  }
}

function outputWidthWithMerge(c: Candidate, layer: Layer): number {
  if (c.kind === 'dense' || layer.kind === 'dense') return outputWidth(c);
  const per = layer.projSize ?? layer.units;
  if (layer.directions.length === 2) {
    const m: MergeMode = layer.merge ?? 'concat';
    return m === 'concat' ? 2 * per : per;
  }
  return per;
}

function describeWidth(c: Candidate, layer: Layer): string {
  if (c.kind === 'dense' || layer.kind === 'dense') return `${outputWidth(c)} units`;
  const per = layer.projSize ?? layer.units;
  if (layer.directions.length === 2 && (layer.merge ?? 'concat') === 'concat') return `2 directions × ${per}`;
  return `${per} ${layer.projSize ? 'projected ' : ''}units`;
}

export { readHints } from '../hints/constructors';
