// One matrix per gate under the user's own names, over concat[x, h] (TF1 style: `u_w`, `r_w`, `c_w` of shape
// (D+H, H)) or split in an input and a state part (`W_xi`, `W_hi`), read from the text's own code: which gate line
// uses which array, where the reset gate acts, and which update convention the code writes (z or 1 − z). A layer is
// built only when the code shows all of it; it runs as the equivalent Keras layer (kernel = the gates' input rows,
// recurrent_kernel = their state rows, columns z, r, h or i, f, c, o; an LSTM with peepholes as TF1's
// LSTMCell(use_peepholes=True)), with the gate and candidate functions the code applies. Otherwise — a function, term,
// second cell or slice order it cannot read — a diagnostic says what is missing, and no other reader runs the arrays.

import type { ExtractedArray, SourceRange } from '../parse/types';
import {
  concatParts, exprText, gateFunction, matmulOperands, oneMinus, plainName, productFactors, readAssignments, readFunctions, readSliceAssignments, sumTerms,
  type Assignment, type Expr, type FunctionDef, type GateFunction, type SliceAssignment,
} from '../hints/gate-code';
import type { CodeView } from '../text/code-view';
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

/** A concatenated part; `rows` when a slice assignment gives its size as a number (`concat[:2] = h`). */
type Part = { readonly name: string; readonly reset?: string; readonly rows?: number };
interface Term {
  readonly weight: ExtractedArray;
  /** true: `operand @ W` (W is (in, H)); false: `W @ operand` (W is (H, in)). */
  readonly right: boolean;
  readonly parts: readonly Part[];
  /** Reset after the matmul: `r * (h @ U + b)`. */
  readonly gatedBy?: string;
}
/** `c_prev * w_peep`: an array times a state that is not an array (a peephole, for an LSTM). */
interface Peephole { readonly array: ExtractedArray; readonly cell: string; readonly text: string }
interface GateLine {
  readonly target: string;
  /** The engine's name of the line's function, or `?` + the function as written when it is not modelled. */
  readonly activation: string;
  readonly fn: GateFunction;
  readonly terms: readonly Term[];
  readonly biases: ReadonlyArray<{ readonly array: ExtractedArray; readonly gatedBy?: string }>;
  readonly peepholes: readonly Peephole[];
  readonly statement: Assignment;
}

/** What the reader needs from the text: its arrays by name, its statements, its functions, and where to report. */
interface Ctx {
  readonly byName: ReadonlyMap<string, ExtractedArray>;
  readonly assignments: readonly Assignment[];
  readonly slices: readonly SliceAssignment[];
  readonly functions: ReadonlyMap<string, FunctionDef>;
  /** `line:column` of an offset in the code. */
  readonly where: (codeOffset: number) => MessageArg;
  /** Concatenations the code fills by slices in an order that could not be read (the first such is reported). */
  readonly unreadConcat: Array<{ name: string; text: string }>;
  readonly code: string;
  readonly keras3Shown: boolean;
}

/** Names that say "a gate's matrix" (u_w, W_z, Wf, w_i, W_xi, W_hr, weight_reset, Uz). */
const GATE_MATRIX = /^(?:(?:w|W|U|weight|kernel)_?(?:[xhXH]_?)?(?:r|u|z|c|n|h|i|f|o|g|reset|update|forget|input|output|cand|candidate))$|^(?:r|u|z|c|n|h|i|f|o|g)_?(?:w|W|weight|kernel)$/;

const DIRECTION_SUFFIX = /_?(?:fw|bw|fwd|bwd|forward|backward|l2r|r2l|rev|reverse)$/i;

export function perGateLayers(arrays: readonly ExtractedArray[], view: CodeView, at: PositionOf, keras3Shown = false): PerGateOutcome {
  const code = view.code;
  const none: PerGateOutcome = { candidates: [], consumed: new Set(), diagnostics: [] };
  const byName = new Map<string, ExtractedArray>();
  for (const a of arrays) {
    if (a.name === undefined || a.list || a.path || a.embedded || !a.values.length || Number.isNaN(a.values[0])) continue;
    byName.set(plainName(a.name), a);
  }
  // A direction's suffix (u_w_fw, Wz_bwd) still names a gate's matrix: two such cells are read and then refused.
  const gateLike = [...byName.entries()].filter(([n, a]) => a.shape.length === 2 && GATE_MATRIX.test(n.replace(DIRECTION_SUFFIX, '')));
  if (gateLike.length < 3) return none;
  const assignments = readAssignments(code);
  const ctx: Ctx = {
    byName, assignments, slices: readSliceAssignments(code), functions: readFunctions(code), where: (offset) => at(view.original(offset)), unreadConcat: [], code, keras3Shown,
  };
  const gates = gateLines(ctx);
  let result = buildLayer(gates, ctx);
  if ('layer' in result) {
    const consumed = new Set(result.layer.perGate.roles.map((r) => r.array.index));
    return { candidates: [result.layer], consumed, diagnostics: [] };
  }
  const unread = ctx.unreadConcat[0];
  if (unread && (result.missing === MSG.perGateNoGateLines || result.missing === MSG.perGateNoUpdate)) result = need(MSG.perGateSliceOrder, unread.name, unread.text);
  // Held back only when they are concat-style: one shape shared by every gate's matrix, and not Keras 1's W_i / U_i
  // pairs or an input/state split (W_xi, W_hi), which other readers know.
  const sameShape = gateLike.filter(([, a]) => a.shape.join() === gateLike[0][1].shape.join());
  const otherForm = gateLike.some(([n]) => /^U_?[a-z]+$|^W_?[xh]_?[a-z]+$/.test(n));
  // Unless the code's own gate lines use them (then no other reader may run them on a guess).
  const shownByCode = result.missing !== MSG.perGateNoGateLines || ctx.unreadConcat.length > 0;
  if ((sameShape.length !== gateLike.length || otherForm) && !shownByCode) return none;
  const names = gateLike.map(([n]) => n);
  // The gate lines' biases and peepholes are this layer's too: held back with the matrices, never read alone.
  const gateNames = new Set(gateLike.map(([n]) => n));
  const used = assignments.flatMap((a) => {
    const named = namesIn(a.value).filter((n) => byName.has(n));
    return named.some((n) => gateNames.has(n)) ? named.map((n) => byName.get(n)!) : [];
  });
  const shapes = [...new Set(gateLike.map(([, a]) => `(${a.shape.join(', ')})`))].join(', ');
  const first = gateLike[0][1];
  const range = { start: Math.min(...gateLike.map(([, a]) => (a.nameRange ?? a.range).start)), end: Math.max(...gateLike.map(([, a]) => a.range.end)) };
  const diagnostic = { severity: 'warning' as const, range, ...templated('per-gate-combination-unknown', MSG.perGateUnknown, names.join(', '), shapes, at(first.range.start), phrase(result.missing, ...result.args)) };
  return { candidates: [], consumed: new Set([...gateLike.map(([, a]) => a.index), ...used.map((a) => a.index)]), diagnostics: [diagnostic] };
}

/** Every name an expression reads (`np.dot(Wf, concat) + bf` → Wf, concat, bf). */
function namesIn(e: Expr): string[] {
  switch (e.k) {
    case 'name': return [e.id.replace(/\.T$/, '')];
    case 'num': return [];
    case 'call': return e.args.flatMap(namesIn);
    case 'bin': return [...namesIn(e.a), ...namesIn(e.b)];
    case 'neg': return namesIn(e.a);
    case 'seq': return e.items.flatMap(namesIn);
  }
}

function lastBefore(assignments: readonly Assignment[], name: string, offset: number): Assignment | undefined {
  let found: Assignment | undefined;
  for (const s of assignments) if (s.target === name && s.offset < offset) found = s;
  return found;
}

function gateLines(ctx: Ctx): GateLine[] {
  const out: GateLine[] = [];
  for (const s of ctx.assignments) {
    const fn = gateFunction(s.value, ctx.functions, ctx.keras3Shown);
    if (!fn) continue;
    let arg = fn.arg;
    if (arg.k === 'name' && !ctx.byName.has(arg.id)) arg = lastBefore(ctx.assignments, arg.id, s.offset)?.value ?? arg;
    const read = linear(arg, ctx, s.offset);
    if (read && read.terms.length) out.push({ target: s.target, activation: fn.name ?? `?${fn.written}`, fn, ...read, statement: s });
  }
  return out;
}

function weightOf(e: Expr, byName: ReadonlyMap<string, ExtractedArray>): { array: ExtractedArray; transposed: boolean } | undefined {
  if (e.k !== 'name') return undefined;
  const t = /^(.*)\.T$/.exec(e.id);
  const array = byName.get(t ? t[1] : e.id);
  return array ? { array, transposed: !!t } : undefined;
}

/**
 * `concat([x, h]) @ W + b`, `x @ W_x + h @ W_h + b`, `W @ concat + b`, `r * (h @ U + b_h)`, `c_prev * w_peep`: the
 * terms, biases and peepholes.
 */
function linear(e: Expr, ctx: Ctx, offset: number, gatedBy?: string): Pick<GateLine, 'terms' | 'biases' | 'peepholes'> | undefined {
  const { byName } = ctx;
  const terms: Term[] = [];
  const biases: Array<{ array: ExtractedArray; gatedBy?: string }> = [];
  const peepholes: Peephole[] = [];
  for (const t of sumTerms(e)) {
    const bias = weightOf(t, byName);
    if (bias) { biases.push({ array: bias.array, ...(gatedBy ? { gatedBy } : {}) }); continue; }
    const mm = matmulOperands(t);
    if (mm) {
      const [p, q] = mm;
      const wq = weightOf(q, byName), wp = weightOf(p, byName);
      const w = wq ?? wp;
      if (!w) return undefined;
      const parts = operandParts(wq ? p : q, ctx, offset);
      if (!parts) return undefined;
      terms.push({ weight: w.array, right: wq ? !w.transposed : w.transposed, parts, ...(gatedBy ? { gatedBy } : {}) });
      continue;
    }
    const factors = productFactors(t);
    // An array times a name that is not one (`c_prev * w_peep`, `Wcf * c`): a peephole, never a bias.
    const peep = factors.length === 2 && factors.every((f) => f.k === 'name') ? factors.map((f) => weightOf(f, byName)) : undefined;
    if (!gatedBy && peep && !!peep[0] !== !!peep[1]) {
      const w = (peep[0] ?? peep[1])!;
      const other = factors[peep[0] ? 1 : 0] as { k: 'name'; id: string };
      peepholes.push({ array: w.array, cell: other.id, text: exprText(t) });
      continue;
    }
    if (!gatedBy && factors.length === 2 && factors[0].k === 'name' && !byName.has(factors[0].id)) {
      const inner = linear(factors[1], ctx, offset, factors[0].id);
      if (!inner || inner.peepholes.length) return undefined;
      terms.push(...inner.terms);
      biases.push(...inner.biases);
      continue;
    }
    return undefined;
  }
  return { terms, biases, peepholes };
}

function operandParts(e: Expr, ctx: Ctx, offset: number): Part[] | undefined {
  let parts = concatParts(e);
  let sizes: Array<number | undefined> = [];
  if (!parts && e.k === 'name') {
    const def = lastBefore(ctx.assignments, e.id, offset);
    if (def) parts = concatParts(def.value);
    if (def && !parts) {
      const filled = slicesFilling(e.id, def, offset, ctx);
      if (filled === 'unread') return undefined;
      if (filled) ({ parts, sizes } = filled);
    }
  }
  const list = parts ?? [e];
  const out: Part[] = [];
  for (const [k, p] of list.entries()) {
    const part = partOf(p, ctx.assignments, offset);
    if (!part) return undefined;
    out.push(sizes[k] !== undefined ? { ...part, rows: sizes[k] } : part);
  }
  return out;
}

/**
 * `concat = np.zeros((n_a + n_x, m)); concat[: n_a, :] = a_prev; concat[n_a :, :] = xt` (the deeplearning.ai form):
 * the parts in the order their slices give — exactly two, `[:k]` and `[k:]` of one bound k (a name, or a number that
 * must then be the first part's size). Any other filling is 'unread' and reported, never guessed.
 */
function slicesFilling(name: string, def: Assignment, offset: number, ctx: Ctx): { parts: Expr[]; sizes: Array<number | undefined> } | 'unread' | undefined {
  const filler = def.value.k === 'call' && /^(?:zeros|empty|zeros_like|empty_like)$/.test(def.value.fn.slice(def.value.fn.lastIndexOf('.') + 1));
  if (!filler) return undefined;
  const writes = ctx.slices.filter((w) => w.target === name && w.offset > def.offset && w.offset < offset);
  if (!writes.length) return undefined;
  const head = writes.find((w) => (w.from === '' || w.from === '0') && w.to !== '');
  const tail = writes.find((w) => w.from !== '' && w.to === '');
  if (writes.length !== 2 || !head || !tail || head.to !== tail.from || head.value.k !== 'name' || tail.value.k !== 'name') {
    ctx.unreadConcat.push({ name, text: `\`${clip(writes.map((w) => w.text).join('; '))}\`` });
    return 'unread';
  }
  const bound = Number(head.to);
  return { parts: [head.value, tail.value], sizes: [Number.isInteger(bound) ? bound : undefined, undefined] };
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

type Refusal = { missing: string; args: Array<string | number | MessageArg> };
type Built = { layer: LayerCandidate & { perGate: PerGateInfo } } | Refusal;
type Cell = Built & { update: Assignment };
type Peepholes = { i?: ExtractedArray; f?: ExtractedArray; o?: ExtractedArray };

const need = (missing: string, ...args: Array<string | number | MessageArg>): Refusal => ({ missing, args });

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

function buildLayer(gates: readonly GateLine[], ctx: Ctx): Built {
  if (!gates.length) return need(MSG.perGateNoGateLines);
  // A name means the gate line that last assigned it before the line reading it (two cells may both write r, u, c).
  const built: Array<{ layer: LayerCandidate & { perGate: PerGateInfo }; update: Assignment }> = [];
  let refusal: Built | undefined;
  for (const s of ctx.assignments) {
    const before = linesBefore(gates, s.offset);
    const cell = lstmUpdate(s, before, gates, ctx) ?? gruUpdate(s, before, ctx);
    if (!cell) continue;
    if ('layer' in cell) {
      const arrays = (b: { layer: LayerCandidate & { perGate: PerGateInfo } }) => b.layer.perGate.roles.map((r) => r.array.index).sort().join();
      if (!built.some((b) => arrays(b) === arrays(cell))) built.push({ layer: cell.layer, update: cell.update });
    } else refusal ??= cell;
  }
  // Two cells (a bidirectional or stacked network written out by hand): running one of them alone is not the model.
  if (built.length > 1) return need(MSG.perGateManyCells, built.length, built.map((b) => `\`${clip(b.update.text)}\``).join(', '));
  if (built.length === 1) {
    const reversal = /\breversed\s*\(|\[\s*::\s*-\s*1\s*\]|\bflip(?:ud)?\s*\(|\bgo_backwards\b|\breverse\s*=\s*True\b/.exec(ctx.code);
    if (reversal) return need(MSG.perGateReversed, `\`${reversal[0]}\``, ctx.where(reversal.index));
    return { layer: built[0].layer };
  }
  return refusal ?? need(MSG.perGateNoUpdate, gates.map((g) => g.target).join(', '));
}

/** The gate lines by target as they stand at `offset`: each name's last gate line before it. */
function linesBefore(gates: readonly GateLine[], offset: number): Map<string, GateLine> {
  const out = new Map<string, GateLine>();
  for (const g of gates) if (g.statement.offset < offset) out.set(g.target, g);
  return out;
}

/** The activation of a gate line, or the refusal that names its function and line. */
function refusedFunction(line: GateLine, ctx: Ctx): Built | undefined {
  const fn = line.fn;
  if (fn.name !== undefined) return undefined;
  const code = `\`${clip(line.statement.text)}\``, where = ctx.where(line.statement.offset);
  if (fn.refused === 'keras-version') return need(MSG.perGateKerasHardSigmoid, code, where, fn.written);
  if (fn.def) return need(MSG.perGateOwnActivation, code, where, fn.written, `\`${clip(fn.def.text)}\``, ctx.where(fn.def.offset));
  return need(MSG.perGateUnknownActivation, code, where, fn.written);
}

/** The gates' one activation (Keras's recurrent_activation), or why there is none to read. */
function gateActivation(gates: readonly GateLine[], candidate: GateLine, ctx: Ctx): { name: string } | { refusal: Built } {
  for (const g of [...gates, candidate]) {
    const refused = refusedFunction(g, ctx);
    if (refused) return { refusal: refused };
  }
  const names = new Set(gates.map((g) => g.activation));
  if (names.size > 1) return { refusal: need(MSG.perGateMixedGates, gates.map((g) => `${g.target}: ${g.fn.written}`).join(', ')) };
  return { name: gates[0].activation };
}

const SIGMOID_LIKE = /^(?:sigmoid|hard_sigmoid_keras[23])$/;

/** `h_new = u * h + (1 - u) * c` (or `(1 - z) * h + z * c`, in any order): the GRU, when the gate lines fit. */
function gruUpdate(s: Assignment, byTarget: ReadonlyMap<string, GateLine>, ctx: Ctx): Cell | undefined {
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
  // The candidate is the other gate line of the update (the state is not a gate line); if both are, the one whose
  // function is not the update gate's.
  const lines = [withGate.id, withMinus.id].filter((n) => n !== gate && byTarget.has(n));
  const candName = lines.length === 1 ? lines[0] : lines.find((n) => byTarget.get(n)!.activation !== update?.activation);
  const cand = candName !== undefined ? byTarget.get(candName) : undefined;
  const at = (b: Built) => ({ ...b, update: s });
  if (!update || !cand) return at(need(MSG.perGateGruLines, `\`${clip(s.text)}\``));
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
  if (resets.size !== 1 || !reset || reset === update) return at(need(MSG.perGateNoReset, `\`${clip(cand.statement.text)}\``, state));
  const peeped = [update, reset, cand].find((g) => g.peepholes.length);
  if (peeped) return at(need(MSG.perGatePeepholeGru, `\`${clip(peeped.statement.text)}\``, peeped.peepholes[0].text));
  const acts = gateActivation([update, reset], cand, ctx);
  if ('refusal' in acts) return at(acts.refusal);
  const resetAfter = cand.terms.some((t) => t.gatedBy === resetName);
  return at(assemble('gru', [
    { letter: 'z', title: 'update gate', line: update, negate: !keptByGate },
    { letter: 'r', title: 'reset gate', line: reset },
    { letter: 'h', title: 'candidate', line: cand },
  ], state, s, resetAfter, resetName, keptByGate, acts.name));
}

/** `c = f * c + i * g` with `h = o * tanh(c)`: the LSTM, when the gate lines fit. */
function lstmUpdate(s: Assignment, byTarget: ReadonlyMap<string, GateLine>, gates: readonly GateLine[], ctx: Ctx): Cell | undefined {
  const p = pairs(s.value);
  if (!p) return undefined;
  const names = p.map(([a, b]) => (a.k === 'name' && b.k === 'name' ? [a.id, b.id] : undefined));
  if (names.some((n) => !n)) return undefined;
  // One pair is (input gate, candidate): both gate lines; the other (forget gate, old cell state).
  const both = names.findIndex((n) => byTarget.has(n![0]) && byTarget.has(n![1]));
  if (both < 0) return undefined;
  const [fa, fb] = names[1 - both]!;
  const forget = byTarget.get(byTarget.has(fa) ? fa : fb);
  if (!forget || (byTarget.has(fa) && byTarget.has(fb))) return undefined;
  const oldCell = forget.target === fa ? fb : fa;
  const at = (b: Built) => ({ ...b, update: s });
  const squashOf = (e: Expr) => { const fn = gateFunction(e, ctx.functions, ctx.keras3Shown); return fn?.arg.k === 'name' && fn.arg.id === s.target ? fn : undefined; };
  const out = ctx.assignments.find((h) => h.offset > s.offset && productFactors(h.value).length === 2 && productFactors(h.value).some((f) => squashOf(f)));
  if (!out) return at(need(MSG.perGateNoLstmOutput, `\`${s.text}\``, s.target));
  const f = productFactors(out.value);
  const squashFn = f.map(squashOf).find((x) => x !== undefined)!;
  const squash = { name: squashFn.name ?? `?${squashFn.written}` };
  const outGate = f.find((x) => x.k === 'name');
  const output = outGate?.k === 'name' ? linesBefore(gates, out.offset).get(outGate.id) : undefined;
  if (!output) return at(need(MSG.perGateNoLstmOutput, `\`${s.text}\``, s.target));
  // Input gate or candidate: the candidate's function is not a sigmoid, or is the one that squashes the cell.
  const [a, b] = names[both]!.map((n) => byTarget.get(n)!);
  const notSigmoid = [a, b].filter((g) => !SIGMOID_LIKE.test(g.activation));
  const squashing = [a, b].filter((g) => g.activation === squash.name);
  const candidate = notSigmoid.length === 1 ? notSigmoid[0] : squashing.length === 1 ? squashing[0] : undefined;
  if (!candidate) return at(need(MSG.perGateCandidateUnclear, `\`${clip(s.text)}\``, a.target, b.target));
  const input = candidate === a ? b : a;
  const acts = gateActivation([input, forget, output], candidate, ctx);
  if ('refusal' in acts) return at(acts.refusal);
  if (squash.name !== candidate.activation) return at(need(MSG.perGateLstmActivations, candidate.fn.written, squashFn.written));
  const state = stateOf([input, forget, candidate, output], out.target);
  if (!state) return at(need(MSG.perGateNoState, [input, forget, candidate, output].map((g) => g.target).join(', ')));
  const peep = peepholesOf({ input, forget, candidate, output }, s, oldCell, acts.name);
  if (peep && 'missing' in peep) return at(peep);
  return at(assemble('lstm', [
    { letter: 'i', title: 'input gate', line: input },
    { letter: 'f', title: 'forget gate', line: forget },
    { letter: 'c', title: 'cell candidate', line: candidate },
    { letter: 'o', title: 'output gate', line: output },
  ], state, s, false, undefined, true, acts.name, out, peep));
}

/**
 * The LSTM's peepholes as TF1's LSTMCell(use_peepholes=True) and ONNX compute them: i and f read the old cell state,
 * o the new one; at most one per gate, none on the candidate. Anything else is refused with what the code reads.
 */
function peepholesOf(
  g: { input: GateLine; forget: GateLine; candidate: GateLine; output: GateLine }, update: Assignment, oldCell: string, gateAct: string,
): Peepholes | Refusal | undefined {
  const lines = [g.input, g.forget, g.output];
  if (![...lines, g.candidate].some((l) => l.peepholes.length)) return undefined;
  const code = (l: GateLine) => `\`${clip(l.statement.text)}\``;
  if (g.candidate.peepholes.length) return need(MSG.perGatePeepholeCandidate, code(g.candidate), g.candidate.peepholes[0].text);
  if (gateAct !== 'sigmoid') return need(MSG.perGatePeepholeGates, gateAct);
  const out: Peepholes = {};
  for (const [key, line] of [['i', g.input], ['f', g.forget], ['o', g.output]] as const) {
    if (line.peepholes.length > 1) return need(MSG.perGatePeepholeTwice, line.peepholes.map((q) => q.text).join(', '), code(line));
    const q = line.peepholes[0];
    if (!q) continue;
    // Which cell state the name holds where the gate line reads it: the update's target after the update, else the old one.
    const readsNew = q.cell === update.target && line.statement.offset > update.offset;
    const readsOld = !readsNew && (q.cell === oldCell || q.cell === update.target);
    if (key === 'o' ? !readsNew : !readsOld) return need(MSG.perGatePeepholeWhich, q.text, code(line), q.cell);
    out[key] = q.array;
  }
  return out;
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
      if (p.rows !== undefined && p.rows !== (p.name === state || p.reset === state ? H : width - H * (t.parts.length - 1))) return `${t.weight.name} ${shapeOf(t.weight)}`;
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
  cell: 'gru' | 'lstm', specs: readonly GateSpec[], state: string, update: Assignment, resetAfter: boolean, resetName: string | undefined, keptByGate: boolean,
  gateAct: string, output?: Assignment, peep?: Peepholes,
): Built {
  const first = specs[0].line.terms[0].weight;
  const H = first.shape[specs[0].line.terms[0].right ? 1 : 0];
  const G = specs.length;
  // Only a GRU candidate's recurrent product may sit inside the reset gate (r ⊙ (h @ U + b)); elsewhere it fits no cell.
  const gated = specs.find((s) => (cell === 'lstm' || s.letter !== 'h') && (s.line.terms.some((t) => t.gatedBy) || s.line.biases.some((b) => b.gatedBy)));
  if (gated) return need(MSG.perGateGatedTerm, `\`${clip(gated.line.statement.text)}\``, (gated.line.terms.find((t) => t.gatedBy) ?? gated.line.biases.find((b) => b.gatedBy))!.gatedBy!);
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
  const peepArrays = peep ? (['i', 'f', 'o'] as const).map((k) => peep[k]) : [];
  const badPeep = peepArrays.find((a) => a && a.values.length !== H);
  if (badPeep) return need(MSG.perGateShapes, badPeep.name ?? '?', shapeOf(badPeep), H);
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
  const gateFns = [...new Set(specs.filter((s) => s.letter !== 'h' && s.letter !== 'c').map((s) => s.line.fn.written))].join(', ');
  const candidateFn = specs.find((s) => s.letter === 'h' || s.letter === 'c')!.line.fn.written;
  evidence.push(templated('per-gate-activations', MSG.perGateActivations, gateAct, gateFns, candidateAct, candidateFn));
  if (peep) {
    const read = (['i', 'f', 'o'] as const).map((k) => `w_${k}_diag = ${peep[k]?.name ?? '0'}`).join(', ');
    evidence.push(templated('per-gate-assembled', MSG.perGatePeepholeAssembled, candidateAct, read));
  } else {
    evidence.push(templated('per-gate-assembled', MSG.perGateAssembled, cell === 'gru' ? 'GRU' : 'LSTM', specs.map((s) => s.letter).join(', '), candidateAct));
  }
  const roles = specs.flatMap((s) => [
    ...s.line.terms.map((t) => ({ array: t.weight, role: `${s.letter} (${s.title})`, note: layoutNote(t, state, mats[specs.indexOf(s)].input, H) })),
    ...s.line.biases.map((b) => ({ array: b.array, role: `${s.letter} bias`, note: b.gatedBy ? `inside ${b.gatedBy} ⊙ (·)` : 'bias' })),
    ...s.line.peepholes.map((q) => ({ array: q.array, role: `${s.letter} peephole`, note: `${q.text} (w_${s.letter}_diag)` })),
  ]);
  const base = { kind: 'recurrent' as const, name: cell, module: cell, cell, units: H, inputSize: D, directions: 1 as const, useBias: true, evidence, warnings: [], alternatives: [], named: false };
  if (peep) {
    // TF1 LSTMCell(use_peepholes=True, forget_bias=0): kernel rows [x; h], columns i, j (candidate), f, o.
    const kernelTf1 = new Float64Array((D + H) * 4 * H), biasTf1 = new Float64Array(4 * H);
    const column = [0, 2, 1, 3]; // specs i, f, c, o → TF1 columns i, f → 2, c → 1, o → 3
    specs.forEach((_, k) => {
      const to = column[k] * H;
      for (let j = 0; j < D; j++) for (let m = 0; m < H; m++) kernelTf1[j * 4 * H + to + m] = kernel[j * G * H + k * H + m];
      for (let j = 0; j < H; j++) for (let m = 0; m < H; m++) kernelTf1[(D + j) * 4 * H + to + m] = recurrent[j * G * H + k * H + m];
      for (let m = 0; m < H; m++) biasTf1[to + m] = bias[k * H + m];
    });
    const diag = (k: number, a: ExtractedArray | undefined, role: string) => synthetic(3 + k, [H], a ? Float64Array.from(a.values) : new Float64Array(H), role);
    const layer: LayerCandidate & { perGate: PerGateInfo } = {
      ...base, family: 'tf1', convention: 'tf1',
      tensors: [{ kernel: synthetic(0, [D + H, 4 * H], kernelTf1, 'kernel'), bias: synthetic(2, [4 * H], biasTf1, 'bias'),
        w_i_diag: diag(0, peep.i, 'w_i_diag'), w_f_diag: diag(1, peep.f, 'w_f_diag'), w_o_diag: diag(2, peep.o, 'w_o_diag') }],
      perGate: { options: { activation: candidateAct, forgetBias: 0 }, roles },
    };
    return { layer };
  }
  const layer: LayerCandidate & { perGate: PerGateInfo } = {
    ...base, family: 'keras', convention: 'keras', tensors: [tensors], ...(cell === 'gru' ? { resetAfter } : {}),
    perGate: { options: { activation: candidateAct, recurrentActivation: gateAct, ...(cell === 'gru' ? { resetAfter } : {}) }, roles },
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
