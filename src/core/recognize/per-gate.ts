// One matrix per gate under the user's own names, over concat[x, h] (TF1 style: `u_w`, `r_w`, `c_w` of shape
// (D+H, H)) or split in an input and a state part (`W_xi`, `W_hi`), read from the text's own code: which gate line
// uses which array, where the reset gate acts, and which update convention the code writes (z or 1 − z). A layer is
// built only when the code shows all of it; it runs as the equivalent Keras layer (kernel = the gates' input rows,
// recurrent_kernel = their state rows, columns z, r, h or i, f, c, o). Otherwise a diagnostic says what is missing.

import type { ExtractedArray, SourceRange } from '../parse/types';
import { activationCall, concatParts, exprText, matmulOperands, oneMinus, plainName, productFactors, readAssignments, sumTerms, type Assignment, type Expr } from '../hints/gate-code';
import type { FromNativeOptions } from '../convert';
import type { LayerCandidate } from './layers';
import type { PositionOf } from './completeness';
import { RECOGNISER_TEMPLATES as MSG, ROLE_TEMPLATES as ROLE, templated } from './messages';
import { argText, phrase, type MessageArg, type Phrase } from '../messages';
import type { ArrayRole, Evidence } from './types';

/** Indices of the assembled Keras arrays: past every real array and every stand-in (shapes.ts uses 2^30 + …). */
const ASSEMBLED_OFFSET = 2 ** 30 + 2 ** 29 + 2 ** 28;

export interface PerGateInfo {
  readonly options: FromNativeOptions;
  /** Each array of the text with the gate it holds, for hovers and `inspect`. */
  readonly roles: ReadonlyArray<{ readonly array: ExtractedArray; readonly role: string; readonly note: string }>;
}

export interface PerGateOutcome {
  readonly candidates: Array<LayerCandidate & { perGate: PerGateInfo }>;
  /** Arrays that are a per-gate layer's, or whose combination the code does not show (never read otherwise). */
  readonly consumed: ReadonlySet<number>;
  readonly diagnostics: Array<{ severity: 'warning'; code: string; range: SourceRange } & Evidence>;
}

type Part = { readonly name: string; readonly reset?: string };
interface Term {
  readonly weight: ExtractedArray;
  /** true: `operand @ W` (W is (in, H)); false: `W @ operand` (W is (H, in)). */
  readonly right: boolean;
  readonly parts: readonly Part[];
  /** Reset after the matmul: `r * (h @ U + b)`. */
  readonly gatedBy?: string;
}
interface GateLine {
  readonly target: string;
  readonly activation: string;
  readonly terms: readonly Term[];
  readonly biases: ReadonlyArray<{ readonly array: ExtractedArray; readonly gatedBy?: string }>;
  readonly statement: Assignment;
}

/** Names that say "a gate's matrix" (u_w, W_z, Wf, w_i, W_xi, W_hr, weight_reset, Uz). */
const GATE_MATRIX = /^(?:(?:w|W|U|weight|kernel)_?(?:[xhXH]_?)?(?:r|u|z|c|n|h|i|f|o|g|reset|update|forget|input|output|cand|candidate))$|^(?:r|u|z|c|n|h|i|f|o|g)_?(?:w|W|weight|kernel)$/;

export function perGateLayers(arrays: readonly ExtractedArray[], code: string, at: PositionOf): PerGateOutcome {
  const none: PerGateOutcome = { candidates: [], consumed: new Set(), diagnostics: [] };
  const byName = new Map<string, ExtractedArray>();
  for (const a of arrays) {
    if (a.name === undefined || a.list || a.path || a.embedded || !a.values.length || Number.isNaN(a.values[0])) continue;
    byName.set(plainName(a.name), a);
  }
  const gateLike = [...byName.entries()].filter(([n, a]) => a.shape.length === 2 && GATE_MATRIX.test(n));
  if (gateLike.length < 3) return none;
  const assignments = /sigmoid|tanh/.test(code) ? readAssignments(code) : [];
  const gates = gateLines(assignments, byName);
  const result = buildLayer(gates, assignments);
  if ('layer' in result) {
    const consumed = new Set(result.layer.perGate.roles.map((r) => r.array.index));
    return { candidates: [result.layer], consumed, diagnostics: [] };
  }
  // Held back only when they are concat-style: one shape shared by every gate's matrix, and not Keras 1's W_i / U_i
  // pairs or an input/state split (W_xi, W_hi), which other readers know.
  const sameShape = gateLike.filter(([, a]) => a.shape.join() === gateLike[0][1].shape.join());
  const otherForm = gateLike.some(([n]) => /^U_?[a-z]+$|^W_?[xh]_?[a-z]+$/.test(n));
  if (sameShape.length !== gateLike.length || otherForm) return none;
  const names = gateLike.map(([n]) => n);
  const shapes = [...new Set(gateLike.map(([, a]) => `(${a.shape.join(', ')})`))].join(', ');
  const first = gateLike[0][1];
  const range = { start: Math.min(...gateLike.map(([, a]) => (a.nameRange ?? a.range).start)), end: Math.max(...gateLike.map(([, a]) => a.range.end)) };
  const diagnostic = { severity: 'warning' as const, range, ...templated('per-gate-combination-unknown', MSG.perGateUnknown, names.join(', '), shapes, at(first.range.start), phrase(result.missing, ...result.args)) };
  return { candidates: [], consumed: new Set(gateLike.map(([, a]) => a.index)), diagnostics: [diagnostic] };
}

function lastBefore(assignments: readonly Assignment[], name: string, offset: number): Assignment | undefined {
  let found: Assignment | undefined;
  for (const s of assignments) if (s.target === name && s.offset < offset) found = s;
  return found;
}

function gateLines(assignments: readonly Assignment[], byName: ReadonlyMap<string, ExtractedArray>): GateLine[] {
  const out: GateLine[] = [];
  for (const s of assignments) {
    const act = activationCall(s.value);
    if (!act) continue;
    let arg = act.arg;
    if (arg.k === 'name' && !byName.has(arg.id)) arg = lastBefore(assignments, arg.id, s.offset)?.value ?? arg;
    const read = linear(arg, byName, assignments, s.offset);
    if (read && read.terms.length) out.push({ target: s.target, activation: act.name, ...read, statement: s });
  }
  return out;
}

function weightOf(e: Expr, byName: ReadonlyMap<string, ExtractedArray>): { array: ExtractedArray; transposed: boolean } | undefined {
  if (e.k !== 'name') return undefined;
  const t = /^(.*)\.T$/.exec(e.id);
  const array = byName.get(t ? t[1] : e.id);
  return array ? { array, transposed: !!t } : undefined;
}

/** `concat([x, h]) @ W + b`, `x @ W_x + h @ W_h + b`, `W @ concat + b`, `r * (h @ U + b_h)`: the terms and biases. */
function linear(e: Expr, byName: ReadonlyMap<string, ExtractedArray>, assignments: readonly Assignment[], offset: number, gatedBy?: string): Pick<GateLine, 'terms' | 'biases'> | undefined {
  const terms: Term[] = [];
  const biases: Array<{ array: ExtractedArray; gatedBy?: string }> = [];
  for (const t of sumTerms(e)) {
    const bias = weightOf(t, byName);
    if (bias) { biases.push({ array: bias.array, ...(gatedBy ? { gatedBy } : {}) }); continue; }
    const mm = matmulOperands(t);
    if (mm) {
      const [p, q] = mm;
      const wq = weightOf(q, byName), wp = weightOf(p, byName);
      const w = wq ?? wp;
      if (!w) return undefined;
      const parts = operandParts(wq ? p : q, assignments, offset);
      if (!parts) return undefined;
      terms.push({ weight: w.array, right: wq ? !w.transposed : w.transposed, parts, ...(gatedBy ? { gatedBy } : {}) });
      continue;
    }
    const factors = productFactors(t);
    if (!gatedBy && factors.length === 2 && factors[0].k === 'name' && !byName.has(factors[0].id)) {
      const inner = linear(factors[1], byName, assignments, offset, factors[0].id);
      if (!inner) return undefined;
      terms.push(...inner.terms);
      biases.push(...inner.biases);
      continue;
    }
    return undefined;
  }
  return { terms, biases };
}

function operandParts(e: Expr, assignments: readonly Assignment[], offset: number): Part[] | undefined {
  let parts = concatParts(e);
  if (!parts && e.k === 'name') {
    const def = lastBefore(assignments, e.id, offset);
    if (def) parts = concatParts(def.value);
  }
  const list = parts ?? [e];
  const out: Part[] = [];
  for (const p of list) {
    const part = partOf(p, assignments, offset);
    if (!part) return undefined;
    out.push(part);
  }
  return out;
}

function partOf(e: Expr, assignments: readonly Assignment[], offset: number, depth = 0): Part | undefined {
  const factors = productFactors(e);
  if (factors.length === 2 && factors.every((f) => f.k === 'name')) {
    const [a, b] = factors as Array<{ k: 'name'; id: string }>;
    return { name: b.id, reset: a.id };
  }
  if (e.k !== 'name') return undefined;
  const def = depth === 0 ? lastBefore(assignments, e.id, offset) : undefined;
  if (def) {
    const f = productFactors(def.value);
    if (f.length === 2 && f.every((x) => x.k === 'name')) return partOf(def.value, assignments, offset, 1);
  }
  return { name: e.id };
}

type Built = { layer: LayerCandidate & { perGate: PerGateInfo } } | { missing: string; args: Array<string | number | Phrase> };

const need = (missing: string, ...args: Array<string | number | Phrase>): Built => ({ missing, args });

/** A two-term update `A * B + C * D`: the factor pairs. */
function pairs(e: Expr): Array<[Expr, Expr]> | undefined {
  const terms = sumTerms(e);
  if (terms.length !== 2) return undefined;
  const out: Array<[Expr, Expr]> = [];
  for (const t of terms) {
    const f = productFactors(t);
    if (f.length !== 2) return undefined;
    out.push([f[0], f[1]]);
  }
  return out;
}

function buildLayer(gates: readonly GateLine[], assignments: readonly Assignment[]): Built {
  if (!gates.length) return need(MSG.perGateNoGateLines);
  const byTarget = new Map(gates.map((g) => [g.target, g]));
  for (const s of assignments) {
    const lstm = lstmUpdate(s, byTarget, assignments);
    if (lstm) return lstm;
  }
  for (const s of assignments) {
    const gru = gruUpdate(s, byTarget);
    if (gru) return gru;
  }
  return need(MSG.perGateNoUpdate, gates.map((g) => g.target).join(', '));
}

/** `h_new = u * h + (1 - u) * c` (or `(1 - z) * h + z * c`, in any order): the GRU, when the gate lines fit. */
function gruUpdate(s: Assignment, byTarget: ReadonlyMap<string, GateLine>): Built | undefined {
  const p = pairs(s.value);
  if (!p) return undefined;
  const minusAt = p.findIndex(([a, b]) => oneMinus(a) !== undefined || oneMinus(b) !== undefined);
  if (minusAt < 0) return undefined;
  const [ma, mb] = p[minusAt];
  const gate = oneMinus(ma) ?? oneMinus(mb)!;
  const withMinus = oneMinus(ma) !== undefined ? mb : ma;
  const [pa, pb] = p[1 - minusAt];
  const withGate = pa.k === 'name' && pa.id === gate ? pb : pb.k === 'name' && pb.id === gate ? pa : undefined;
  if (!withGate || withGate.k !== 'name' || withMinus.k !== 'name') return undefined;
  const update = byTarget.get(gate);
  const isCandidate = (n: string) => byTarget.has(n) && byTarget.get(n)!.activation !== 'sigmoid';
  const candName = isCandidate(withGate.id) ? withGate.id : isCandidate(withMinus.id) ? withMinus.id : undefined;
  const cand = candName !== undefined ? byTarget.get(candName) : undefined;
  if (!update || !cand) return need(MSG.perGateGruLines, `\`${clip(s.text)}\``);
  const state = candName === withGate.id ? withMinus.id : withGate.id;
  const keptByGate = state === withGate.id;
  // The reset gate: the gate that multiplies the state in the candidate's line (before or after its matmul).
  const resets = new Set<string>();
  for (const t of cand.terms) {
    for (const part of t.parts) {
      if (part.reset === undefined) continue;
      if (part.name === state) resets.add(part.reset);
      else if (part.reset === state) resets.add(part.name);
    }
    if (t.gatedBy) resets.add(t.gatedBy);
  }
  const resetName = [...resets][0];
  const reset = resetName !== undefined ? byTarget.get(resetName) : undefined;
  if (resets.size !== 1 || !reset || reset === update) return need(MSG.perGateNoReset, `\`${clip(cand.statement.text)}\``, state);
  const resetAfter = cand.terms.some((t) => t.gatedBy === resetName);
  return assemble('gru', [
    { letter: 'z', title: 'update gate', line: update, negate: !keptByGate },
    { letter: 'r', title: 'reset gate', line: reset },
    { letter: 'h', title: 'candidate', line: cand },
  ], state, s, resetAfter, resetName, keptByGate);
}

/** `c = f * c + i * g` with `h = o * tanh(c)`: the LSTM, when the gate lines fit. */
function lstmUpdate(s: Assignment, byTarget: ReadonlyMap<string, GateLine>, assignments: readonly Assignment[]): Built | undefined {
  const p = pairs(s.value);
  if (!p) return undefined;
  const names = p.map(([a, b]) => (a.k === 'name' && b.k === 'name' ? [a.id, b.id] : undefined));
  if (names.some((n) => !n)) return undefined;
  // One pair is (input gate, candidate): both gate lines; the other (forget gate, old cell state).
  const both = names.findIndex((n) => byTarget.has(n![0]) && byTarget.has(n![1]) && n!.some((x) => byTarget.get(x)!.activation !== 'sigmoid'));
  if (both < 0) return undefined;
  const [a, b] = names[both]!;
  const candidate = byTarget.get(byTarget.get(a)!.activation !== 'sigmoid' ? a : b)!;
  const input = byTarget.get(candidate.target === a ? b : a)!;
  const [fa, fb] = names[1 - both]!;
  const forget = byTarget.get(byTarget.has(fa) ? fa : fb);
  if (!forget) return undefined;
  const out = assignments.find((h) => h.offset > s.offset && productFactors(h.value).length === 2 && productFactors(h.value).some((f) => activationCall(f)?.arg.k === 'name' && (activationCall(f)!.arg as { id: string }).id === s.target));
  if (!out) return need(MSG.perGateNoLstmOutput, `\`${s.text}\``, s.target);
  const f = productFactors(out.value);
  const squash = f.map(activationCall).find((x) => x !== undefined)!;
  const outGate = f.find((x) => x.k === 'name');
  const output = outGate?.k === 'name' ? byTarget.get(outGate.id) : undefined;
  if (!output) return need(MSG.perGateNoLstmOutput, `\`${s.text}\``, s.target);
  if (squash.name !== candidate.activation) return need(MSG.perGateLstmActivations, candidate.activation, squash.name);
  const state = stateOf([input, forget, candidate, output], out.target);
  if (!state) return need(MSG.perGateNoState, [input, forget, candidate, output].map((g) => g.target).join(', '));
  return assemble('lstm', [
    { letter: 'i', title: 'input gate', line: input },
    { letter: 'f', title: 'forget gate', line: forget },
    { letter: 'c', title: 'cell candidate', line: candidate },
    { letter: 'o', title: 'output gate', line: output },
  ], state, s, false, undefined, true, out);
}

const STATE_NAMES = /^(?:h|a|s|hx|state|hidden|h_?prev|a_?prev|s_?prev|prev_?h|prev_?state|h_?tm1|h_?t_?1|h_?old|h_?last|h_?t_?minus_?1|hidden_?state)$/i;

/**
 * The state operand of an LSTM's gate lines: of the two parts every line shares, the one the output line writes
 * back (`h = o * tanh(c)` over `concat([x, h])`), else the one named as a state (h_prev, a_prev, state).
 */
function stateOf(lines: readonly GateLine[], written: string): string | undefined {
  const counts = new Map<string, number>();
  for (const l of lines) for (const n of new Set(l.terms.flatMap((t) => t.parts.map((p) => p.name)))) counts.set(n, (counts.get(n) ?? 0) + 1);
  const shared = [...counts.entries()].filter(([, c]) => c === lines.length).map(([n]) => n);
  if (shared.length !== 2) return undefined;
  if (shared.includes(written)) return written;
  const named = shared.filter((n) => STATE_NAMES.test(n));
  return named.length === 1 ? named[0] : undefined;
}

interface GateSpec { letter: string; title: string; line: GateLine; negate?: boolean }

/** Each gate's input rows (D × H) and state rows (H × H), from concat or split terms. */
function gateMatrices(line: GateLine, state: string, H: number): { D: number; input: string; Wx: Float64Array; Wh: Float64Array; notes: string[] } | string {
  let D = -1, input = '';
  const Wx: Array<{ t: Term; offset: number; rows: number }> = [], Wh: Array<{ t: Term; offset: number }> = [];
  for (const t of line.terms) {
    const [r, c] = t.weight.shape;
    const width = t.right ? r : c;
    const units = t.right ? c : r;
    if (units !== H) return `${t.weight.name} ${shapeOf(t.weight)}`;
    let offset = 0;
    for (const p of t.parts) {
      if (p.name === state || p.reset === state) { Wh.push({ t, offset }); offset += H; continue; }
      const rows = t.parts.length === 1 ? width : width - H * (t.parts.length - 1);
      if (input && input !== p.name) return `${p.name} / ${input}`;
      input = p.name;
      D = rows;
      Wx.push({ t, offset, rows });
      offset += rows;
    }
    if (offset !== width) return `${t.weight.name} ${shapeOf(t.weight)}`;
  }
  if (Wx.length !== 1 || Wh.length !== 1 || D <= 0) return line.statement.text;
  const take = (t: Term, offset: number, rows: number): Float64Array => {
    const out = new Float64Array(rows * H);
    const [, cols] = t.weight.shape;
    for (let j = 0; j < rows; j++) for (let m = 0; m < H; m++) out[j * H + m] = t.right ? t.weight.values[(offset + j) * cols + m] : t.weight.values[m * cols + offset + j];
    return out;
  };
  const notes = line.terms.map((t) => `${t.weight.name} ${shapeOf(t.weight)}${t.right ? '' : ' (W @ [·])'}`);
  return { D, input, Wx: take(Wx[0].t, Wx[0].offset, D), Wh: take(Wh[0].t, Wh[0].offset, H), notes };
}

const shapeOf = (a: ExtractedArray): string => `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;

function assemble(
  cell: 'gru' | 'lstm', specs: readonly GateSpec[], state: string, update: Assignment, resetAfter: boolean, resetName: string | undefined, keptByGate: boolean, output?: Assignment,
): Built {
  const first = specs[0].line.terms[0].weight;
  const H = first.shape[specs[0].line.terms[0].right ? 1 : 0];
  const G = specs.length;
  const sigmoids = specs.filter((s) => s.letter !== 'h' && s.letter !== 'c');
  const odd = sigmoids.find((s) => s.line.activation !== 'sigmoid');
  if (odd) return need(MSG.perGateGateActivation, odd.line.target, odd.line.activation);
  const read = specs.map((s) => gateMatrices(s.line, state, H));
  const bad = read.findIndex((r) => typeof r === 'string');
  if (bad >= 0) return need(MSG.perGateShapes, specs[bad].line.target, read[bad] as string, H);
  const mats = read as Array<Exclude<typeof read[number], string>>;
  const D = mats[0].D;
  if (mats.some((m) => m.D !== D || m.input !== mats[0].input)) return need(MSG.perGateShapes, specs[mats.findIndex((m) => m.D !== D)]?.line.target ?? '?', `${D}`, H);
  const kernel = new Float64Array(D * G * H), recurrent = new Float64Array(H * G * H);
  const bias = new Float64Array((resetAfter ? 2 : 1) * G * H);
  specs.forEach((s, k) => {
    const sign = s.negate ? -1 : 1;
    for (let j = 0; j < D; j++) for (let m = 0; m < H; m++) kernel[j * G * H + k * H + m] = sign * mats[k].Wx[j * H + m];
    for (let j = 0; j < H; j++) for (let m = 0; m < H; m++) recurrent[j * G * H + k * H + m] = sign * mats[k].Wh[j * H + m];
    for (const b of s.line.biases) {
      if (b.array.values.length !== H) continue;
      const row = b.gatedBy !== undefined ? 1 : 0;
      for (let m = 0; m < H; m++) bias[row * G * H + k * H + m] += sign * b.array.values[m];
    }
  });
  const badBias = specs.flatMap((s) => s.line.biases).find((b) => b.array.values.length !== H);
  if (badBias) return need(MSG.perGateShapes, badBias.array.name ?? '?', shapeOf(badBias.array), H);
  const sources = specs.flatMap((s) => [...s.line.terms.map((t) => t.weight), ...s.line.biases.map((b) => b.array)]);
  const range = { start: Math.min(...sources.map((a) => a.range.start)), end: Math.max(...sources.map((a) => a.range.end)) };
  const synthetic = (k: number, shape: number[], values: Float64Array, name: string): ExtractedArray => ({ index: ASSEMBLED_OFFSET + k, shape, values, range, form: 'python_literal', name });
  const tensors = {
    kernel: synthetic(0, [D, G * H], kernel, 'kernel'),
    recurrent_kernel: synthetic(1, [H, G * H], recurrent, 'recurrent_kernel'),
    bias: synthetic(2, resetAfter ? [2, G * H] : [G * H], bias, 'bias'),
  };
  const candidateAct = specs.find((s) => s.letter === 'h' || s.letter === 'c')!.line.activation;
  const mapping = specs.map((s) => `${s.line.terms.map((t) => t.weight.name).join(' + ')} → ${s.letter} (${s.title}${s.negate ? ', negated' : ''})`).join('; ');
  const evidence: Evidence[] = [
    templated('per-gate', MSG.perGateMapping, `${mats[0].input}, ${state}`, cell === 'gru' ? 'GRU' : 'LSTM', mapping, H, D),
    ...specs.map((s) => templated('per-gate-line', MSG.perGateLine, s.line.target, `\`${clip(s.line.statement.text)}\``, s.letter)),
  ];
  if (cell === 'gru') {
    evidence.push(templated('per-gate-update', keptByGate ? MSG.perGateUpdateZ : MSG.perGateUpdateOneMinusZ, `\`${clip(update.text)}\``, specs[0].line.target));
    evidence.push(templated('per-gate-reset', resetAfter ? MSG.perGateResetAfter : MSG.perGateResetBefore, resetName!, state));
  } else {
    evidence.push(templated('per-gate-update', MSG.perGateLstmUpdate, `\`${clip(update.text)}\``, `\`${clip(output!.text)}\``));
  }
  const noBias = specs.filter((s) => !s.line.biases.length).map((s) => s.line.target);
  if (noBias.length) evidence.push(templated('per-gate-no-bias', MSG.perGateNoBias, noBias.join(', ')));
  evidence.push(templated('per-gate-assembled', MSG.perGateAssembled, cell === 'gru' ? 'GRU' : 'LSTM', specs.map((s) => s.letter).join(', '), candidateAct));
  const roles = specs.flatMap((s) => [
    ...s.line.terms.map((t) => ({ array: t.weight, role: `${s.letter} (${s.title})`, note: layoutNote(t, state, mats[specs.indexOf(s)].input, H) })),
    ...s.line.biases.map((b) => ({ array: b.array, role: `${s.letter} bias`, note: b.gatedBy ? `inside ${b.gatedBy} ⊙ (·)` : 'bias' })),
  ]);
  const layer: LayerCandidate & { perGate: PerGateInfo } = {
    kind: 'recurrent', name: cell, module: cell, family: 'keras', convention: 'keras', cell, units: H, inputSize: D, directions: 1,
    tensors: [tensors], ...(cell === 'gru' ? { resetAfter } : {}), useBias: true, evidence, warnings: [], alternatives: [], named: false,
    perGate: { options: { activation: candidateAct, recurrentActivation: 'sigmoid', ...(cell === 'gru' ? { resetAfter } : {}) }, roles },
  };
  return { layer };
}

function layoutNote(t: Term, state: string, input: string, H: number): string {
  if (t.parts.length === 1) return `${t.right ? `${t.parts[0].name} @ W` : `W @ ${t.parts[0].name}`}`;
  let offset = 0;
  const spans = t.parts.map((p) => {
    const rows = p.name === state || p.reset === state ? H : (t.right ? t.weight.shape[0] : t.weight.shape[1]) - H * (t.parts.length - 1);
    const span = `${t.right ? 'rows' : 'columns'} ${offset}:${offset + rows} × ${p.reset ? `${p.reset} ⊙ ${p.name}` : p.name === input ? input : p.name}`;
    offset += rows;
    return span;
  });
  return spans.join(', ');
}

const clip = (s: string): string => (s.length > 90 ? `${s.slice(0, 87)}…` : s);

/** Hover roles for the user's own per-gate arrays. */
export function perGateArrayRoles(info: PerGateInfo, layerName: string, units: number, inputSize: number, cell: string): ArrayRole[] {
  return info.roles.map((r) => {
    const descriptionPhrase: Phrase = phrase(ROLE.perGate, r.role, layerName, cell === 'gru' ? 'GRU' : 'LSTM', units, inputSize, r.note);
    return { arrayIndex: r.array.index, role: r.role, direction: 0, description: argText(descriptionPhrase as MessageArg), descriptionPhrase };
  });
}

export { exprText };
