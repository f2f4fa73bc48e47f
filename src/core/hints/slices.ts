// The user's own slices and splits of a packed pre-activation (`f = z[0, 3:6]`, `i, f, g, o = gates.chunk(4, 1)`,
// `lstm_1_kernel_0[:, 3:6]`), mapped to gates under the recognised layer's convention. A slice whose target is named
// after one gate while its range holds another is the classic mistake (using TF1's i, c, f, o order on Keras
// weights, or Keras's i, f, c, o on ONNX ones), so it is reported with the range the named gate really has.

import type { CanonicalGate, CellKind } from '../conventions';
import type { ExtractedArray, SourceRange } from '../parse/types';
import type { GateSlot, RecognizedLayer, SliceAnnotation } from '../recognize/types';
import type { Hints } from './constructors';
import { RECOGNISER_TEMPLATES as MSG, templated } from '../recognize/messages';
import { evaluateInteger, latestBefore } from './expr';
import { insideSpans, matchBracket, matchLines, splitArguments } from './python';
import { CodeView } from '../text/code-view';

const GATE_WORDS: Record<CellKind, Record<string, CanonicalGate>> = {
  lstm: {
    i: 'i', input: 'i', input_gate: 'i', in_gate: 'i', ig: 'i', i_gate: 'i', igate: 'i', ingate: 'i',
    f: 'f', forget: 'f', forget_gate: 'f', fg: 'f', f_gate: 'f', fgate: 'f', forgetgate: 'f',
    o: 'o', output: 'o', output_gate: 'o', out_gate: 'o', og: 'o', o_gate: 'o', ogate: 'o', outgate: 'o',
    c: 'c', g: 'c', c_tilde: 'c', ctilde: 'c', c_hat: 'c', chat: 'c', c_bar: 'c', cbar: 'c', candidate: 'c', cand: 'c', cell: 'c',
    cell_gate: 'c', cell_input: 'c', cell_candidate: 'c', candidate_gate: 'c', g_gate: 'c', j: 'c', cellgate: 'c',
  },
  gru: {
    z: 'z', u: 'z', update: 'z', update_gate: 'z', z_gate: 'z', u_gate: 'z', updategate: 'z',
    r: 'r', reset: 'r', reset_gate: 'r', r_gate: 'r', resetgate: 'r',
    n: 'n', h_tilde: 'n', htilde: 'n', hh: 'n', h_hat: 'n', hhat: 'n', h_bar: 'n', candidate: 'n', cand: 'n', n_gate: 'n',
    new_gate: 'n', newgate: 'n', c_tilde: 'n', h_candidate: 'n',
  },
  simple_rnn: {},
};

const GATE_TITLES: Record<CanonicalGate, string> = {
  i: 'input gate', f: 'forget gate', c: 'cell candidate', o: 'output gate', z: 'update gate', r: 'reset gate', n: 'candidate', h: 'hidden pre-activation',
};

/** The gate a variable name refers to for this cell, if its name says one (f, f_t, forget_gate, W_f, z_f ...). */
export function gateFromName(name: string, cell: CellKind): CanonicalGate | undefined {
  const words = GATE_WORDS[cell];
  const lower = name.toLowerCase().replace(/^self\./, '');
  const tryWord = (w: string): CanonicalGate | undefined => (Object.prototype.hasOwnProperty.call(words, w) ? words[w] : undefined);
  const direct = tryWord(lower);
  if (direct) return direct;
  // f2, i_1: a numbered copy of a gate name.
  if (/\d$/.test(lower)) {
    const g = gateFromName(lower.replace(/_?\d+$/, ''), cell);
    if (g) return g;
  }
  const suffixes = ['_t', '_pre', '_preact', '_raw', '_lin', '_linear', '_slice', '_block', '_cols', '_rows', '_part', '_z', '_x', '_h', '_w', '_u', '_b', '_k',
    '_kernel', '_bias', '_weights', '_weight', '_act', '_in', '_tm1', '_prev', '_0', '_1', '_2'];
  const prefixes = ['z_', 'a_', 'pre_', 'w_', 'u_', 'b_', 'k_', 'rk_', 'kernel_', 'bias_', 'x_', 'h_', 'raw_', 'gate_', 'wx_', 'wh_', 'ux_', 'uh_'];
  for (let round = 0; round < 2; round++) {
    for (const s of suffixes) if (lower.endsWith(s) && lower.length > s.length) { const g = tryWord(lower.slice(0, -s.length)); if (g) return g; }
    for (const p of prefixes) if (lower.startsWith(p) && lower.length > p.length) { const g = tryWord(lower.slice(p.length)); if (g) return g; }
  }
  // ft, it, ot, zt, rt, nt, gt: the gate letter plus t.
  if (/^[a-z]t$/.test(lower)) return tryWord(lower[0]);
  return undefined;
}

/** Names people give a packed pre-activation (z, gates, preact, z_t, xw ...). */
const PREACTIVATION_NAME = /^(z|zs|z_?t|z_?\d+|z_\w+|\w+_z|gates?|gates?_\w+|\w+_gates?|all_gates|pre|pre_?act\w*|\w+_pre|preact\w*|pre_?activation\w*|lin|linear|xw|wx|xh|x_?w|h_?u|ifco|ifgo|iofc|icfo|zrh|rzn)$/i;

interface ArrayInfo {
  readonly layer: RecognizedLayer;
  readonly role: string;
  readonly packedAxis?: number;
}

interface Statement {
  readonly targets: Array<{ name: string; range: SourceRange }>;
  /** RHS items split at top-level commas when the target is a tuple. */
  readonly items: Array<{ start: number; end: number }>;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The assignment the offset sits in, when its statement starts on the same line: `i, f = ...`. */
function statementAt(text: string, offset: number): Statement | undefined {
  const ls = lineStart(text, offset);
  const line = text.slice(ls, offset);
  const m = /^([ \t]*)((?:[A-Za-z_][\w.]*\s*,\s*)*[A-Za-z_][\w.]*)(\s*,)?\s*=(?!=)\s*/.exec(line);
  if (!m) {
    const paren = /^([ \t]*)\(\s*((?:[A-Za-z_][\w.]*\s*,\s*)*[A-Za-z_][\w.]*)\s*,?\s*\)\s*=(?!=)\s*/.exec(line);
    if (!paren) return undefined;
    return buildStatement(text, ls, paren[0], paren[2], ls + paren[0].indexOf(paren[2]));
  }
  return buildStatement(text, ls, m[0], m[2], ls + m[1].length);
}

function buildStatement(text: string, ls: number, head: string, lhs: string, lhsStart: number): Statement {
  const targets: Statement['targets'] = [];
  const re = /[A-Za-z_][\w.]*/g;
  for (let t = re.exec(lhs); t; t = re.exec(lhs)) {
    const start = lhsStart + t.index;
    targets.push({ name: t[0], range: { start, end: start + t[0].length } });
  }
  const rhsStart = ls + head.length;
  let rhsEnd = text.indexOf('\n', rhsStart);
  if (rhsEnd < 0) rhsEnd = text.length;
  // Keep the statement going across bracketed line breaks.
  let depth = 0;
  for (let i = rhsStart; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '\n' && depth <= 0) { rhsEnd = i; break; }
    if (i === text.length - 1) rhsEnd = text.length;
  }
  const rhs = text.slice(rhsStart, rhsEnd).replace(/#.*$/, '');
  const items = targets.length > 1
    ? splitArguments(rhs, rhsStart).map((a) => ({ start: a.offset, end: a.offset + a.value.length }))
    : [{ start: rhsStart, end: rhsEnd }];
  return { targets, items };
}

function packedWidth(layer: RecognizedLayer): number {
  return layer.gates.length * layer.units;
}

/** `view` (the text without its numeric literals' bodies) lets the searches skip the numbers; slices are never in them. */
export function analyseSlices(text: string, arrays: readonly ExtractedArray[], layers: readonly RecognizedLayer[], hints: Hints, view: CodeView = new CodeView(text)): SliceAnnotation[] {
  if (!layers.length) return [];
  const spans = [...hints.nonCode, ...arrays.map((a) => [a.range.start, a.range.end] as const)].sort((a, b) => a[0] - b[0]);
  // Merge overlapping spans so the binary search stays valid.
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  const byName = new Map<string, ArrayInfo>();
  for (const layer of layers) {
    for (const r of layer.arrays) {
      const a = arrays[r.arrayIndex];
      if (a?.name && /^[A-Za-z_]\w*$/.test(a.name)) byName.set(a.name, { layer, role: r.role, packedAxis: r.packedAxis });
    }
  }
  const out: SliceAnnotation[] = [];

  // Every `name = ...` / `name += ...` line once, in order (the right side cut short: only its names matter).
  const assignments = new Map<string, Array<{ index: number; rhs: string }>>();
  for (const { match: m, index } of matchLines(text, '=', /^[ \t]*([A-Za-z_][\w.]*)[ \t]*(?:\+|-)?=(?!=)([^\n]*)/, view)) {
    if (insideSpans(merged, index)) continue;
    const list = assignments.get(m[1]) ?? [];
    list.push({ index, rhs: m[2].slice(0, 2000) });
    assignments.set(m[1], list);
  }

  /** The layer a variable's values come from: the array itself, or the arrays its latest assignment uses. */
  const layerOfVariable = (name: string, offset: number, depth = 0): { layer: RecognizedLayer; why: string } | undefined => {
    const direct = byName.get(name);
    if (direct) return { layer: direct.layer, why: `${name} is the ${direct.role} of ${direct.layer.name}` };
    if (depth > 2) return undefined;
    let rhs: string | undefined;
    let at = -1;
    for (const a of assignments.get(name) ?? []) {
      if (a.index >= offset) break;
      rhs = a.rhs;
      at = a.index;
    }
    if (rhs === undefined) return undefined;
    const ids = rhs.match(/[A-Za-z_]\w*/g) ?? [];
    for (const id of ids) {
      const hit = byName.get(id);
      if (hit) return { layer: hit.layer, why: `${name} is computed from ${id} (${hit.layer.name})` };
    }
    for (const id of ids) {
      if (id === name) continue;
      const hit = layerOfVariable(id, at, depth + 1);
      if (hit) return { layer: hit.layer, why: `${name} is computed from ${id}, ${hit.why}` };
    }
    return undefined;
  };

  const pickLayer = (variable: string, offset: number, fits: (l: RecognizedLayer) => boolean): { layer: RecognizedLayer; why: string; linked: boolean } => {
    const known = layerOfVariable(variable, offset);
    if (known) return { ...known, linked: true };
    const fitting = layers.filter(fits);
    const layer = fitting[0] ?? layers[0];
    const why = fitting.length === 1 ? `${layer.name} is the only layer whose packed width (${packedWidth(layer)}) fits`
      : fitting.length > 1 ? `${layer.name} is the first of ${fitting.length} layers whose packed width fits`
        : `no layer's packed width fits; ${layer.name} used`;
    return { layer, why, linked: false };
  };

  const lookupFor = (offset: number, layer: RecognizedLayer | undefined) => (name: string): number | undefined => {
    const assigned = latestBefore(hints.integers, name, offset);
    if (assigned !== undefined) return assigned;
    if (!layer) return undefined;
    const bare = name.split('.').pop()!;
    if (/^(h|H|u|U|n_?units|num_units|units|hidden|hidden_size|hidden_dim|n_?hidden|n_h|nh|hs|hid)$/.test(bare)) return layer.units;
    return undefined;
  };

  const annotate = (range: SourceRange, start: number, end: number, layer: RecognizedLayer, why: string, target?: { name: string; range: SourceRange }, hasPair = false): void => {
    const width = packedWidth(layer);
    // Biases that hold two packed halves (ONNX B, Keras 2 CuDNN): the second half repeats the gate order.
    const half = start >= width && hasPair ? width : 0;
    const s = start - half;
    const e = end - half;
    const gates: GateSlot[] = layer.gates.filter((g) => g.start < e && s < g.end).map((g) => ({ ...g, start: g.start + half, end: g.end + half }));
    const named = target ? gateFromName(target.name, layer.cell) : undefined;
    let mismatch: SliceAnnotation['mismatch'];
    const spec = layer.gates.map((g) => g.label).join(', ');
    if (named) {
      const slot = layer.gates.find((g) => g.gate === named);
      if (slot && !(slot.start === s && slot.end === e)) {
        // Gate titles travel as arguments: they are convention gate names, which hosts translate on their own.
        const text = gates.length === 1 && gates[0].start === start && gates[0].end === end
          ? templated('wrong-gate', MSG.sliceMismatchOneGate, target!.name, GATE_TITLES[named], `${start}:${end}`, gates[0].name, gates[0].label,
            conventionTitle(layer), spec, `${slot.start + half}:${slot.end + half}`)
          : templated('wrong-gate', MSG.sliceMismatchParts, target!.name, GATE_TITLES[named], `${start}:${end}`,
            gates.length ? gates.map((g) => `${g.label} ${g.start}:${g.end}`).join(' and part of ').replace(/^/, 'parts of ') : 'no gate',
            conventionTitle(layer), spec, `${slot.start + half}:${slot.end + half}`);
        mismatch = {
          namedGate: named, correctStart: slot.start + half, correctEnd: slot.end + half,
          message: text.message, template: text.template!, args: text.args!,
        };
      }
    }
    out.push({
      range, text: text.slice(range.start, range.end),
      ...(target ? { target: target.name, targetRange: target.range } : {}),
      start, end, gates, ...(mismatch ? { mismatch } : {}), layerId: layer.id, layerReason: why,
    });
  };

  // ---- subscripts with a slice: z[0, 3:6], kernel[:, H:2*H], z[0][3:6]
  const code = view.code;
  const subRe = /([A-Za-z_][\w.]*)\s*\[/g;
  for (let m = subRe.exec(code); m; m = subRe.exec(code)) {
    const at = view.original(m.index);
    if (insideSpans(merged, at)) continue;
    if (at > 0 && /[\w.]/.test(text[at - 1])) continue;
    const base = m[1];
    let open = at + m[0].length - 1;
    let close = matchBracket(text, open);
    if (close < 0) continue;
    // Chained subscripts: the slice is in the last one.
    while (text[close] === '[') {
      const next = matchBracket(text, close);
      if (next < 0) break;
      open = close;
      close = next;
    }
    subRe.lastIndex = view.codeOffset(close);
    const indices = splitArguments(text.slice(open + 1, close - 1), open + 1);
    const info = byName.get(base);
    let slot = -1;
    if (info?.packedAxis !== undefined && indices.length > info.packedAxis && indices[info.packedAxis].value.includes(':')) slot = info.packedAxis;
    else if (info?.packedAxis !== undefined && indices.length === 1 && indices[0].value.includes(':')) slot = 0;
    else {
      for (let k = indices.length - 1; k >= 0; k--) {
        const v = indices[k].value.replace(/\s+/g, '');
        if (v.includes(':') && v !== ':' && v !== '::') { slot = k; break; }
      }
    }
    if (slot < 0) continue;
    const parts = indices[slot].value.split(':');
    if (parts.length > 3 || (parts.length === 3 && parts[2].trim() !== '' && parts[2].trim() !== '1')) continue;
    const offset = indices[slot].offset;
    // Resolve the bounds once without a layer (explicit numbers and assignments), then with the chosen layer's units.
    const bare = (p: string, layer?: RecognizedLayer) => (p.trim() === '' ? undefined : evaluateInteger(p.trim(), lookupFor(offset, layer)));
    const s0 = bare(parts[0]) ?? (parts[0].trim() === '' ? 0 : undefined);
    const e0 = bare(parts[1]);
    const { layer, why, linked } = info ? { layer: info.layer, why: `${base} is the ${info.role} of ${info.layer.name}`, linked: true }
      : pickLayer(base, at, (l) => e0 !== undefined && e0 <= packedWidth(l) && (s0 === undefined || s0 % l.units === 0));
    const start = parts[0].trim() === '' ? 0 : bare(parts[0], layer);
    const end = parts[1].trim() === '' ? packedWidth(layer) * (hasPairedHalves(info) ? 2 : 1) : bare(parts[1], layer);
    if (start === undefined || end === undefined || end <= start || start < 0) continue;
    const stmt = statementAt(text, at);
    let target: { name: string; range: SourceRange } | undefined;
    if (stmt) {
      const k = stmt.targets.length === 1 ? 0 : stmt.items.findIndex((it) => it.start <= at && close <= it.end);
      if (k >= 0 && k < stmt.targets.length) target = stmt.targets[k];
    }
    // A slice of something unrelated (x[:, 0:3], data[0:5]) is no gate slice: keep those tied to a layer's arrays,
    // named like a pre-activation, or assigned to a gate-named variable.
    const relevant = linked || PREACTIVATION_NAME.test(base) || (target !== undefined && gateFromName(target.name, layer.cell) !== undefined);
    const limit = packedWidth(layer) * (hasPairedHalves(info) ? 2 : 1);
    if (!relevant || end > limit) continue;
    annotate({ start: at, end: close }, start, end, layer, why, target, hasPairedHalves(info));
  }

  // ---- splits: np.split(z, 4, axis=1), torch.chunk(g, 4, 1), g.chunk(4, 1), tf.split(z, 4, axis=-1), z.split(H, 1)
  const splitRe = /((?:[A-Za-z_]\w*\.)*)(split|array_split|hsplit|chunk)\s*\(/g;
  for (let m = splitRe.exec(code); m; m = splitRe.exec(code)) {
    const at = view.original(m.index);
    if (insideSpans(merged, at)) continue;
    const open = at + m[0].length - 1;
    const close = matchBracket(text, open);
    if (close < 0) continue;
    const args = splitArguments(text.slice(open + 1, close - 1), open + 1).filter((a) => !a.keyword || /^(indices_or_sections|num_or_size_splits|chunks|split_size_or_sections|sections)$/.test(a.keyword));
    const qual = m[1].replace(/\.$/, '');
    const moduleCall = /^(np|numpy|jnp|tf|torch|ops|keras\.ops|K|tf\.experimental\.numpy)$/.test(qual);
    let variable: string;
    let countArg: string | undefined;
    if (moduleCall) {
      variable = args[0]?.value.trim() ?? '';
      countArg = args[1]?.value;
    } else {
      variable = qual;
      countArg = args[0]?.value;
    }
    if (!variable || !/^[A-Za-z_][\w.]*$/.test(variable) || countArg === undefined) continue;
    const torchSplit = m[2] === 'split' && (qual === 'torch' || (!moduleCall && !/^(np|tf)$/.test(qual)));
    const countText = countArg.trim();
    const intValue = (layer?: RecognizedLayer) => evaluateInteger(countText, lookupFor(at, layer));
    const n0 = intValue();
    const { layer, why, linked } = pickLayer(variable, at, (l) => (torchSplit ? n0 !== undefined && packedWidth(l) % n0 === 0 : n0 === l.gates.length));
    const width = packedWidth(layer);
    let bounds: Array<[number, number]> = [];
    if (countText.startsWith('[') || countText.startsWith('(')) {
      const items = splitArguments(countText.slice(1, -1), 0).map((a) => evaluateInteger(a.value, lookupFor(at, layer)));
      if (items.some((v) => v === undefined)) continue;
      const vals = items as number[];
      if (m[2] !== 'chunk' && (qual === 'np' || qual === 'numpy' || qual === 'jnp')) {
        const cuts = [0, ...vals, width];
        bounds = cuts.slice(0, -1).map((c, k) => [c, cuts[k + 1]]);
      } else {
        let acc = 0;
        bounds = vals.map((v) => [acc, (acc += v)]);
      }
    } else {
      const v = intValue(layer);
      if (v === undefined || v <= 0) continue;
      const size = torchSplit ? v : width / v;
      if (!Number.isInteger(size) || size <= 0) continue;
      for (let s = 0; s < width; s += size) bounds.push([s, Math.min(width, s + size)]);
    }
    const stmt = statementAt(text, at);
    const targets = stmt && stmt.targets.length === bounds.length ? stmt.targets : undefined;
    const relevant = linked || PREACTIVATION_NAME.test(variable) || (targets?.some((t) => gateFromName(t.name, layer.cell) !== undefined) ?? false);
    if (!relevant) continue;
    bounds.forEach(([s, e], k) => annotate({ start: at, end: close }, s, e, layer, why, targets?.[k]));
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}

function hasPairedHalves(info: ArrayInfo | undefined): boolean {
  if (!info) return false;
  return (info.layer.convention === 'onnx' && info.role === 'B') || (info.layer.convention === 'keras_cudnn' && info.role === 'bias');
}

function conventionTitle(layer: RecognizedLayer): string {
  const t: Record<string, string> = { keras: 'Keras', pytorch: 'PyTorch', onnx: 'ONNX', tf1: 'TF1', keras_cudnn: 'Keras 2 CuDNN' };
  return `${t[layer.convention]} ${layer.cell === 'lstm' ? 'LSTM' : layer.cell === 'gru' ? 'GRU' : 'SimpleRNN'}`;
}
