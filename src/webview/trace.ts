// The step view's model of one trace: typed views on the payload buffers, the gate blocks in the order the user
// stored them, names under any convention, and the per-unit decompositions the page prints. Pure: no DOM, so the
// logic is tested in Node.

import { CANONICAL_GATES, gateCount } from '../core/conventions/gates';
import type { CanonicalGate, CellKind, ConventionId } from '../core/conventions/types';
import { conventionsFor, convention, type ConventionNames } from './conventions';
import type { TracePayload } from '../protocol/messages';

export interface TraceData {
  readonly runId: number;
  readonly layerId: string;
  readonly layerName?: string;
  readonly cell: CellKind;
  readonly convention: ConventionId;
  readonly units: number;
  /** Width of h (the projection size when the LSTM projects, else units). */
  readonly hiddenSize: number;
  readonly inputSize: number;
  readonly steps: number;
  readonly direction: number;
  readonly resetAfter: boolean;
  /** G = gates per unit; zx, zh, z and a are steps × G·units in canonical order. */
  readonly gates: number;
  readonly x: Float64Array;
  readonly zx: Float64Array;
  readonly zh: Float64Array;
  readonly z: Float64Array;
  readonly a: Float64Array;
  readonly c?: Float64Array;
  readonly h: Float64Array;
  readonly timeIndex: Int32Array;
  readonly bW: Float64Array;
  readonly bR: Float64Array;
  readonly h0?: Float64Array;
  readonly c0?: Float64Array;
}

function f64(buf: ArrayBuffer | undefined, expected: number | undefined, what: string): Float64Array {
  if (!buf) throw new Error(`The trace has no ${what}.`);
  const arr = new Float64Array(buf);
  if (expected !== undefined && arr.length !== expected) throw new Error(`The trace's ${what} holds ${arr.length} values, expected ${expected}.`);
  return arr;
}

/** Wrap the payload's buffers without copying; throws with a readable message when sizes disagree. */
export function decodeTrace(p: TracePayload): TraceData {
  const G = gateCount(p.cell);
  const GH = G * p.units;
  const steps = p.steps;
  const h = f64(p.h, undefined, 'h');
  const hiddenSize = steps > 0 ? h.length / steps : p.units;
  if (!Number.isInteger(hiddenSize)) throw new Error(`The trace's h holds ${h.length} values, not a multiple of ${steps} steps.`);
  const timeIndex = new Int32Array(p.timeIndex);
  if (timeIndex.length !== steps) throw new Error(`The trace's time index holds ${timeIndex.length} values, expected ${steps}.`);
  return {
    runId: p.runId,
    layerId: p.layerId,
    layerName: p.layerName,
    cell: p.cell,
    convention: p.convention,
    units: p.units,
    hiddenSize,
    inputSize: p.inputSize,
    steps,
    direction: p.direction,
    resetAfter: p.resetAfter ?? (p.cell === 'gru' ? convention(p.convention, 'gru').defaultResetAfter ?? true : false),
    gates: G,
    x: f64(p.x, steps * p.inputSize, 'x'),
    zx: f64(p.zx, steps * GH, 'x·W'),
    zh: f64(p.zh, steps * GH, 'h·U'),
    z: f64(p.z, steps * GH, 'z'),
    a: f64(p.a, steps * GH, 'gate activations'),
    c: p.cell === 'lstm' && p.c ? f64(p.c, steps * p.units, 'c') : undefined,
    h,
    timeIndex,
    bW: f64(p.bW, GH, 'bW'),
    bR: f64(p.bR, GH, 'bR'),
    h0: p.h0 ? f64(p.h0, hiddenSize, 'h0') : undefined,
    c0: p.c0 ? f64(p.c0, p.units, 'c0') : undefined,
  };
}

/** One block of z as the page draws it: its position in the stored packed axis and the names it carries. */
export interface ZBlock {
  /** Block position along the stored packed axis (0-based) and its column range [start, end). */
  readonly position: number;
  readonly start: number;
  readonly end: number;
  /** The gate whose values really sit here (per the stored convention). */
  readonly trueGate: CanonicalGate;
  /** Offset of those values in the canonical-order trace rows. */
  readonly canonicalOffset: number;
  /** Name shown: the display convention's gate at this position. */
  readonly shownGate: CanonicalGate;
  readonly label: string;
  readonly name: string;
  /** The display convention names this position differently from what it holds (a what-if mismatch). */
  readonly mismatch: boolean;
  /** The true gate's own label and name under the stored convention (for "really f — forget gate"). */
  readonly trueLabel: string;
  readonly trueName: string;
}

/**
 * The z blocks in the order the user stored them. With `display` equal to the stored convention the names are the
 * truth; with another convention, the same columns are named as that framework would read them — the what-if view.
 */
export function zBlocks(cell: CellKind, stored: ConventionId, display: ConventionId, units: number): ZBlock[] {
  const storedSpec = convention(stored, cell);
  const displaySpec = convention(display, cell);
  const canonical = CANONICAL_GATES[cell];
  return storedSpec.gateOrder.map((gs, k) => {
    const shown = displaySpec.gateOrder[k];
    return {
      position: k,
      start: k * units,
      end: (k + 1) * units,
      trueGate: gs.gate,
      canonicalOffset: canonical.indexOf(gs.gate) * units,
      shownGate: shown.gate,
      label: shown.label,
      name: shown.name,
      mismatch: shown.gate !== gs.gate,
      trueLabel: gs.label,
      trueName: gs.name,
    };
  });
}

/** The letter and name a convention uses for a canonical gate (PyTorch: c → "g"; TF1: c → "j"). */
export function gateLabelIn(spec: ConventionNames, gate: CanonicalGate): { label: string; name: string } {
  const gs = spec.gateOrder.find((s) => s.gate === gate);
  return gs ? { label: gs.label, name: gs.name } : { label: gate, name: gate };
}

/** Conventions the select offers for this cell, the stored one first. */
export function conventionChoices(cell: CellKind, stored: ConventionId): ConventionNames[] {
  const all = conventionsFor(cell);
  return [...all.filter((c) => c.id === stored), ...all.filter((c) => c.id !== stored)];
}

/**
 * Row of x consumed at processing step t: the host sends x in input time order, and a backward direction reads
 * it from the end. Falls back to t if the time index is out of range.
 */
export function inputRow(tr: TraceData, t: number): number {
  const ti = tr.timeIndex[t];
  const rows = tr.inputSize > 0 ? tr.x.length / tr.inputSize : 0;
  return ti >= 0 && ti < rows ? ti : t;
}

/** The z split for one column j of step t: the three parts the user expects, plus what the gate receives beyond them. */
export interface ZSplit {
  xw: number;
  hu: number;
  b: number;
  other: number;
  z: number;
}

/** Fill `out` (no allocation) with the split of canonical column j at step t. */
export function zSplitAt(tr: TraceData, t: number, j: number, out: ZSplit): ZSplit {
  const GH = tr.gates * tr.units;
  const k = t * GH + j;
  const bw = tr.bW[j];
  const br = tr.bR[j];
  out.xw = tr.zx[k] - bw;
  out.hu = tr.zh[k] - br;
  out.b = bw + br;
  out.z = tr.z[k];
  out.other = out.z - (tr.zx[k] + tr.zh[k]);
  return out;
}

/** Largest |other| over a step's canonical columns [from, to), to decide whether the "other" row is worth showing. */
export function maxOtherAt(tr: TraceData, t: number, from = 0, to = tr.gates * tr.units): number {
  const GH = tr.gates * tr.units;
  let m = 0;
  for (let j = from; j < to; j++) {
    const k = t * GH + j;
    const d = Math.abs(tr.z[k] - (tr.zx[k] + tr.zh[k]));
    // Rounding in the host's sum is not a peephole: scale the tolerance with the magnitudes involved.
    const tol = 1e-12 * (1 + Math.abs(tr.zx[k]) + Math.abs(tr.zh[k]));
    if (d > tol && d > m) m = d;
  }
  return m;
}

/** Previous cell state for unit u at step t, and whether it was derived rather than sent. */
export function prevCell(tr: TraceData, t: number, u: number): { value: number; derived: boolean } {
  if (!tr.c) return { value: NaN, derived: false };
  if (t > 0) return { value: tr.c[(t - 1) * tr.units + u], derived: false };
  if (tr.c0) return { value: tr.c0[u], derived: false };
  // Without c0, invert c = f⊙c₋₁ + i⊙g (f > 0 for σ; hard σ can reach 0, then c₋₁ is unknowable).
  const H = tr.units;
  const i = tr.a[u], f = tr.a[H + u], g = tr.a[2 * H + u];
  const c = tr.c[u];
  return { value: f !== 0 ? (c - i * g) / f : NaN, derived: true };
}

/** Previous hidden state for unit u at step t (NaN when the step is the first and the host sent no h0). */
export function prevHidden(tr: TraceData, t: number, u: number): number {
  if (t > 0) return tr.h[(t - 1) * tr.hiddenSize + u];
  return tr.h0 ? tr.h0[u] : NaN;
}

export interface CellDecomposition {
  unit: number;
  f: number;
  cPrev: number;
  i: number;
  g: number;
  forgetTerm: number;
  inputTerm: number;
  /** f⊙c₋₁ + i⊙g recomputed here. */
  sum: number;
  /** The c the host computed. */
  c: number;
  derived: boolean;
}

/** LSTM: c = f⊙c₋₁ + i⊙g for unit u at step t, from the trace's own activations (canonical i, f, c, o). */
export function lstmCellAt(tr: TraceData, t: number, u: number, out: CellDecomposition): CellDecomposition {
  const H = tr.units;
  const row = t * 4 * H;
  const prev = prevCell(tr, t, u);
  out.unit = u;
  out.i = tr.a[row + u];
  out.f = tr.a[row + H + u];
  out.g = tr.a[row + 2 * H + u];
  out.cPrev = prev.value;
  out.derived = prev.derived;
  out.forgetTerm = out.f * out.cPrev;
  out.inputTerm = out.i * out.g;
  out.sum = out.forgetTerm + out.inputTerm;
  out.c = tr.c ? tr.c[t * H + u] : NaN;
  return out;
}

export interface GruDecomposition {
  unit: number;
  z: number;
  hPrev: number;
  n: number;
  keepTerm: number;
  newTerm: number;
  sum: number;
  h: number;
}

/** GRU: h = z⊙h₋₁ + (1 − z)⊙n for unit u at step t (canonical z, r, n). */
export function gruHiddenAt(tr: TraceData, t: number, u: number, out: GruDecomposition): GruDecomposition {
  const H = tr.units;
  const row = t * 3 * H;
  out.unit = u;
  out.z = tr.a[row + u];
  out.n = tr.a[row + 2 * H + u];
  out.hPrev = prevHidden(tr, t, u);
  out.keepTerm = out.z * out.hPrev;
  out.newTerm = (1 - out.z) * out.n;
  out.sum = out.keepTerm + out.newTerm;
  out.h = tr.h[t * tr.hiddenSize + u];
  return out;
}

/** Values of block `b` at step t, copied into `out` (length units) in unit order. */
export function blockValues(src: Float64Array, tr: TraceData, t: number, b: ZBlock, out: Float64Array): Float64Array {
  const base = t * tr.gates * tr.units + b.canonicalOffset;
  for (let u = 0; u < tr.units; u++) out[u] = src[base + u];
  return out;
}

/** Min and max over a buffer, ignoring NaN; [0, 0] when it is empty or all NaN. */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}
