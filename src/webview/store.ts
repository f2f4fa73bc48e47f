// The step view's one state store: everything the page shows is a function of a PanelState, and every change —
// a host message, a click, a restore after reload — is an action through `reduce`. Pure (no DOM), so the
// transitions are tested in Node: what a new layer, a new trace or a restore resets is decided here only.

import type { CellKind, ConventionId } from '../core/conventions/types';
import { isConventionId, convention as conventionSpec } from './conventions';
import type { InputCandidate, InputSource, LayerSummary, RunRequest } from '../protocol/messages';
import type { StringKey } from './strings';
import { conventionChoices, type TraceData } from './trace';

export type SourceKind = 'zeros' | 'random' | 'array' | 'values';
export type InitialKind = 'zeros' | 'values';

/** The run form as the user sees it; it mirrors the request behind the trace shown until the user edits it. */
export interface RunForm {
  readonly source: SourceKind;
  readonly steps: number;
  readonly seed: number;
  readonly arrayIndex?: number;
  /** x typed by the user (or the values of the run shown): one step per line, features separated by commas. */
  readonly values: string;
  readonly initial: InitialKind;
  readonly h0: string;
  readonly c0: string;
}

export interface ViewOptions {
  readonly split: boolean;
  readonly unitOffset: number;
  readonly speed: number;
  /** Every number at full float64 precision instead of 4 decimals. */
  readonly fullPrecision: boolean;
}

/** The what-if naming, bound to the layer it was chosen on: another layer starts in its own convention. */
export interface Naming {
  readonly layerKey: string;
  readonly convention: ConventionId;
}

export interface RunStatus {
  readonly running: boolean;
  readonly runId?: number;
  readonly message: string;
  readonly fraction?: number;
  readonly error?: string;
}

export interface PanelState {
  readonly uri?: string;
  readonly fileName: string;
  readonly layers: readonly LayerSummary[];
  readonly inputs: readonly InputCandidate[];
  readonly layerId?: string;
  readonly naming?: Naming;
  readonly form: RunForm;
  /** The directions of the run shown (one or two), each a decoded trace. */
  readonly traces: readonly TraceData[];
  /** The request behind the traces shown, when the host said it: re-run after a reload, and the form mirrors it. */
  readonly request?: RunRequest;
  /** The direction the user prefers to look at (0 forward, 1 backward). */
  readonly direction: number;
  readonly step: number;
  /** Step to open the next run at: a restored step after a reload, or the host's goToStep before its trace. */
  readonly pendingStep?: number;
  readonly view: ViewOptions;
  readonly run: RunStatus;
  readonly playing: boolean;
  /** Bumped when the host sends its translations, so every renderer re-applies its text. */
  readonly stringsVersion: number;
}

/** Units per page of the step tables: the view shows a window of at most this many units. */
export const UNIT_PAGE = 16;
/** A typed input longer than this is not kept across reloads (the state store is meant to stay small). */
const PERSIST_MAX_VALUES = 100_000;

export const DEFAULT_FORM: RunForm = { source: 'random', steps: 10, seed: 0, values: '', initial: 'zeros', h0: '', c0: '' };
export const DEFAULT_VIEW: ViewOptions = { split: false, unitOffset: 0, speed: 8, fullPrecision: false };

export const INITIAL_STATE: PanelState = {
  fileName: '', layers: [], inputs: [], form: DEFAULT_FORM, traces: [], direction: 0, step: 0, view: DEFAULT_VIEW,
  run: { running: false, message: '' }, playing: false, stringsVersion: 0,
};

export type Action =
  | { readonly type: 'restore'; readonly saved: unknown }
  | { readonly type: 'strings' }
  | { readonly type: 'document'; readonly uri: string; readonly fileName: string; readonly layers: readonly LayerSummary[]; readonly inputs: readonly InputCandidate[]; readonly selectedLayerId?: string }
  | { readonly type: 'selectLayer'; readonly layerId: string }
  | { readonly type: 'setConvention'; readonly convention: ConventionId }
  | { readonly type: 'editForm'; readonly patch: Partial<RunForm> }
  | { readonly type: 'runStarted'; readonly message: string }
  | { readonly type: 'progress'; readonly runId: number; readonly message: string; readonly fraction?: number }
  | { readonly type: 'trace'; readonly trace: TraceData; readonly request?: RunRequest; readonly message: string }
  | { readonly type: 'runFailed'; readonly message: string }
  | { readonly type: 'cancel' }
  | { readonly type: 'goToStep'; readonly step: number }
  | { readonly type: 'setDirection'; readonly direction: number }
  | { readonly type: 'setView'; readonly patch: Partial<Omit<ViewOptions, 'unitOffset'>> }
  | { readonly type: 'pageUnits'; readonly delta: number }
  | { readonly type: 'play'; readonly on: boolean };

// ------------------------------------------------------------------------------------------------ selectors

export function selectedLayer(s: PanelState): LayerSummary | undefined {
  return s.layers.find((l) => l.id === s.layerId);
}

/** The trace on screen: the preferred direction when the run has it, else the first one. */
export function currentTrace(s: PanelState): TraceData | undefined {
  return s.traces.find((t) => t.direction === s.direction) ?? s.traces[0];
}

/** The cell and stored convention the naming select is about: the trace's when one is shown, else the layer's. */
export function currentCell(s: PanelState): { cell: CellKind; stored: ConventionId; layerId: string } | undefined {
  const tr = currentTrace(s);
  if (tr) return { cell: tr.cell, stored: tr.convention, layerId: tr.layerId };
  const l = selectedLayer(s);
  return l ? { cell: l.cell, stored: l.convention, layerId: l.id } : undefined;
}

/** Identity of a layer for the what-if choice: the same id in another file, or re-recognised, is another layer. */
export function layerKey(s: PanelState): string | undefined {
  const cc = currentCell(s);
  return cc ? `${s.uri ?? ''}\n${cc.layerId}\n${cc.cell}\n${cc.stored}` : undefined;
}

/** The convention the columns are named by: the user's what-if for this very layer, else the stored one. */
export function displayConvention(s: PanelState): ConventionId | undefined {
  const cc = currentCell(s);
  if (!cc) return undefined;
  const n = s.naming;
  if (n && n.layerKey === layerKey(s) && conventionChoices(cc.cell, cc.stored).some((c) => c.id === n.convention)) return n.convention;
  return cc.stored;
}

/** The doubts the recogniser stated about the selected layer (e.g. "PyTorch assumed, also fits ONNX"). */
export function layerDoubts(s: PanelState): readonly string[] {
  return selectedLayer(s)?.warnings.map((w) => w.message) ?? [];
}

export function sourceKinds(s: PanelState): SourceKind[] {
  const kinds: SourceKind[] = s.inputs.length > 0 ? ['array', 'random', 'zeros', 'values'] : ['random', 'zeros', 'values'];
  return kinds;
}

// ------------------------------------------------------------------------------------------------ the form

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A shortest round-trip decimal, so a value shown in the form is the very float64 that ran. */
function exact(v: number): string {
  return String(v);
}

export function formatRows(data: ArrayLike<number>, features: number): string {
  const rows: string[] = [];
  for (let k = 0; k < data.length; k += features) {
    const row: string[] = [];
    for (let f = 0; f < features && k + f < data.length; f++) row.push(exact(data[k + f]));
    rows.push(row.join(', '));
  }
  return rows.join('\n');
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StringKey; readonly args: readonly (string | number)[] };

/** Numbers separated by commas, spaces or semicolons; anything else is refused with the offending token. */
export function parseNumbers(text: string): Parsed<number[]> {
  const tokens = text.split(/[\s,;[\]]+/).filter((x) => x !== '');
  const values: number[] = [];
  for (const token of tokens) {
    if (!NUMBER.test(token)) return { ok: false, error: 'form.badNumber', args: [token] };
    values.push(Number(token));
  }
  return { ok: true, value: values };
}

/** x as typed: one step per line (or per [...] group), `features` values each; one line holds all steps when features is 1. */
export function parseSequence(text: string, features: number): Parsed<{ steps: number; data: number[] }> {
  const lines = text.replace(/\]\s*,?\s*\[/g, '\n').split(/\n/).map((l) => l.trim()).filter((l) => l !== '' && !/^[[\]\s,]*$/.test(l));
  const data: number[] = [];
  let steps = 0;
  for (const [k, line] of lines.entries()) {
    const parsed = parseNumbers(line);
    if (!parsed.ok) return parsed;
    if (parsed.value.length === features) { data.push(...parsed.value); steps++; continue; }
    if (lines.length === 1 && features === 1) { data.push(...parsed.value); steps = parsed.value.length; continue; }
    return { ok: false, error: 'form.badRow', args: [k + 1, parsed.value.length, features] };
  }
  if (steps === 0) return { ok: false, error: 'form.noValues', args: [] };
  return { ok: true, value: { steps, data } };
}

function clampInt(v: number, lo: number, hi: number, dflt: number): number {
  return Number.isFinite(v) ? Math.max(lo, Math.min(hi, Math.round(v))) : dflt;
}

/** The run request the form describes for the selected layer, or the reason it describes none. */
export function requestFromForm(s: PanelState): Parsed<RunRequest> {
  const layer = selectedLayer(s);
  if (!layer) return { ok: false, error: 'app.noTrace', args: [] };
  const f = s.form;
  const steps = clampInt(f.steps, 1, 100000, DEFAULT_FORM.steps);
  let input: InputSource;
  switch (f.source) {
    case 'array':
      if (f.arrayIndex === undefined) return { ok: false, error: 'form.noArray', args: [] };
      input = { kind: 'array', arrayIndex: f.arrayIndex };
      break;
    case 'values': {
      const seq = parseSequence(f.values, layer.inputSize);
      if (!seq.ok) return seq;
      input = { kind: 'values', steps: seq.value.steps, features: layer.inputSize, data: seq.value.data };
      break;
    }
    case 'zeros':
      input = { kind: 'zeros', steps };
      break;
    case 'random':
      input = { kind: 'random', steps, seed: clampInt(f.seed, 0, 2 ** 31 - 1, 0) };
      break;
  }
  if (f.initial === 'zeros') return { ok: true, value: { layerId: layer.id, input } };
  const h = parseNumbers(f.h0);
  if (!h.ok) return h;
  const c = parseNumbers(f.c0);
  if (!c.ok) return c;
  const tr = s.traces.find((t) => t.layerId === layer.id);
  const hWidth = tr?.hiddenSize ?? layer.units;
  if (h.value.length > 0 && h.value.length !== hWidth) return { ok: false, error: 'form.badState', args: ['h₀', hWidth, h.value.length] };
  if (layer.cell === 'lstm' && c.value.length > 0 && c.value.length !== layer.units) return { ok: false, error: 'form.badState', args: ['c₀', layer.units, c.value.length] };
  const initialState = { kind: 'values' as const, ...(h.value.length ? { h: h.value } : {}), ...(layer.cell === 'lstm' && c.value.length ? { c: c.value } : {}) };
  return { ok: true, value: { layerId: layer.id, input, initialState } };
}

/** The form that re-runs `request` exactly: the form shows the trace's input as it was given. */
export function formFromRequest(request: RunRequest, trace: TraceData | undefined, previous: RunForm): RunForm {
  const input = request.input;
  let form: RunForm;
  switch (input.kind) {
    case 'array': form = { ...previous, source: 'array', arrayIndex: input.arrayIndex }; break;
    case 'values': form = { ...previous, source: 'values', steps: input.steps, values: formatRows(input.data, input.features) }; break;
    case 'zeros': form = { ...previous, source: 'zeros', steps: input.steps }; break;
    case 'random': form = { ...previous, source: 'random', steps: input.steps, seed: input.seed }; break;
  }
  const init = request.initialState;
  if (!init || init.kind === 'zeros') return { ...form, initial: 'zeros', h0: '', c0: '' };
  // A seeded initial state is shown as the values it drew (the trace carries them), so Run repeats it exactly.
  const h = init.kind === 'values' ? init.h : trace?.h0;
  const c = init.kind === 'values' ? init.c : trace?.c0;
  return { ...form, initial: 'values', h0: h ? formatRows(h, h.length) : '', c0: c ? formatRows(c, c.length) : '' };
}

/**
 * The form kept valid for the document's inputs; for a layer seen first (`fresh`) the source is the default: the
 * file's input when one is offered, else a seeded random draw, and no initial state carried over from another layer.
 */
function formForLayer(s: PanelState, fresh = false): RunForm {
  const f = fresh ? { ...s.form, initial: 'zeros' as const, h0: '', c0: '' } : s.form;
  const kinds = sourceKinds(s);
  const arrayIndex = f.arrayIndex !== undefined && s.inputs.some((a) => a.arrayIndex === f.arrayIndex) ? f.arrayIndex : s.inputs[0]?.arrayIndex;
  const source = !fresh && kinds.includes(f.source) && (f.source !== 'array' || arrayIndex !== undefined) ? f.source : kinds[0];
  return { ...f, source, arrayIndex };
}

// ------------------------------------------------------------------------------------------------ persistence

/** What survives a reload (vscode.getState): small and JSON-safe; the traces are re-run, not stored. */
export interface Persisted {
  readonly uri?: string;
  readonly layerId?: string;
  readonly naming?: Naming;
  readonly form: RunForm;
  readonly request?: RunRequest;
  readonly direction: number;
  readonly step: number;
  readonly view: ViewOptions;
}

export function persisted(s: PanelState): Persisted {
  const big = s.request?.input.kind === 'values' && s.request.input.data.length > PERSIST_MAX_VALUES;
  const form = s.form.values.length > PERSIST_MAX_VALUES ? { ...s.form, values: '' } : s.form;
  return {
    uri: s.uri, layerId: s.layerId, naming: s.naming, form, request: big ? undefined : s.request, direction: s.direction,
    step: currentTrace(s) ? s.step : s.pendingStep ?? s.step, view: s.view,
  };
}

const SOURCES: readonly string[] = ['zeros', 'random', 'array', 'values'];

function int(v: unknown, lo: number, hi: number, dflt: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : dflt;
}
const str = (v: unknown, max = 1_000_000): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const finiteList = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined);

/** A stored request, checked field by field: the state may come from an older view, and the host re-runs it. */
export function validRequest(raw: unknown): RunRequest | undefined {
  const r = rec(raw);
  const layerId = str(r.layerId, 1000);
  const i = rec(r.input);
  if (!layerId) return undefined;
  let input: InputSource | undefined;
  const steps = int(i.steps, 1, 1_000_000, 0);
  if (i.kind === 'array' && int(i.arrayIndex, 0, 1e9, -1) >= 0) input = { kind: 'array', arrayIndex: i.arrayIndex as number };
  else if (i.kind === 'zeros' && steps) input = { kind: 'zeros', steps };
  else if (i.kind === 'random' && steps) input = { kind: 'random', steps, seed: int(i.seed, 0, 2 ** 31 - 1, 0) };
  else if (i.kind === 'values' && steps) {
    const data = finiteList(i.data);
    const features = int(i.features, 1, 1e6, 0);
    if (data && features && data.length === steps * features) input = { kind: 'values', steps, features, data };
  }
  if (!input) return undefined;
  const st = rec(r.initialState);
  if (st.kind === 'values') {
    const h = finiteList(st.h), c = finiteList(st.c);
    return { layerId, input, initialState: { kind: 'values', ...(h ? { h } : {}), ...(c ? { c } : {}) } };
  }
  if (st.kind === 'random') return { layerId, input, initialState: { kind: 'random', seed: int(st.seed, 0, 2 ** 31 - 1, 0) } };
  return { layerId, input };
}

export function restorePersisted(raw: unknown): Persisted {
  const r = rec(raw);
  // A state saved by the view before the store kept form and view options at the top level: read those too.
  const f = rec(r.form ?? r), v = rec(r.view ?? r), n = rec(r.naming);
  const form: RunForm = {
    source: SOURCES.includes(f.source as string) ? (f.source as SourceKind) : DEFAULT_FORM.source,
    steps: int(f.steps, 1, 1_000_000, DEFAULT_FORM.steps),
    seed: int(f.seed, 0, 2 ** 31 - 1, 0),
    ...(int(f.arrayIndex, 0, 1e9, -1) >= 0 ? { arrayIndex: f.arrayIndex as number } : {}),
    values: str(f.values) ?? '',
    initial: f.initial === 'values' ? 'values' : 'zeros',
    h0: str(f.h0, 100_000) ?? '',
    c0: str(f.c0, 100_000) ?? '',
  };
  const view: ViewOptions = {
    split: v.split === true,
    unitOffset: int(v.unitOffset, 0, 1e9, 0),
    speed: int(v.speed, 1, 120, DEFAULT_VIEW.speed),
    fullPrecision: v.fullPrecision === true,
  };
  const naming = typeof n.layerKey === 'string' && isConventionId(n.convention) ? { layerKey: n.layerKey, convention: n.convention as ConventionId } : undefined;
  return {
    uri: str(r.uri, 10_000), layerId: str(r.layerId, 1000), naming, form, request: validRequest(r.request),
    direction: int(r.direction, 0, 1, 0), step: int(r.step, 0, 1e9, 0), view,
  };
}

// ------------------------------------------------------------------------------------------------ transitions

function withoutTraces(s: PanelState): PanelState {
  return s.traces.length === 0 ? s : { ...s, traces: [], step: 0, playing: false };
}

function clampStep(step: number, tr: TraceData | undefined): number {
  if (!tr) return 0;
  return Math.max(0, Math.min(tr.steps - 1, Math.round(step) || 0));
}

export function reduce(s: PanelState, a: Action): PanelState {
  switch (a.type) {
    case 'restore': {
      const p = restorePersisted(a.saved);
      return { ...s, uri: p.uri, layerId: p.layerId, naming: p.naming, form: p.form, request: p.request, direction: p.direction, view: p.view, step: 0, pendingStep: p.step, traces: [] };
    }
    case 'strings':
      return { ...s, stringsVersion: s.stringsVersion + 1 };
    case 'document': {
      const sameFile = a.uri === s.uri;
      const want = a.selectedLayerId ?? s.layerId;
      const layerId = a.layers.some((l) => l.id === want) ? want : a.layers[0]?.id;
      let next: PanelState = { ...s, uri: a.uri, fileName: a.fileName, layers: a.layers, inputs: a.inputs, layerId };
      // A trace stays only while it is of the selected layer of the same file.
      const tr = currentTrace(next);
      if (tr && (!sameFile || tr.layerId !== layerId)) next = withoutTraces(next);
      const fresh = !sameFile || layerId !== s.layerId;
      if (fresh) next = { ...next, view: { ...next.view, unitOffset: 0 } };
      return { ...next, form: formForLayer(next, fresh) };
    }
    case 'selectLayer': {
      if (a.layerId === s.layerId || !s.layers.some((l) => l.id === a.layerId)) return s;
      const next = withoutTraces({ ...s, layerId: a.layerId, view: { ...s.view, unitOffset: 0 }, pendingStep: undefined });
      return { ...next, form: formForLayer(next, true) };
    }
    case 'setConvention': {
      const key = layerKey(s);
      const cc = currentCell(s);
      if (!key || !cc || !conventionChoices(cc.cell, cc.stored).some((c) => c.id === a.convention)) return s;
      return { ...s, naming: a.convention === cc.stored ? undefined : { layerKey: key, convention: a.convention } };
    }
    case 'editForm':
      return { ...s, form: { ...s.form, ...a.patch } };
    case 'runStarted':
      return { ...s, run: { running: true, runId: s.run.runId, message: a.message } };
    case 'progress':
      return { ...s, run: { running: true, runId: a.runId, message: a.message, fraction: a.fraction } };
    case 'trace': {
      const tr = a.trace;
      const layerId = s.layers.some((l) => l.id === tr.layerId) ? tr.layerId : s.layerId;
      const run: RunStatus = { running: false, runId: tr.runId, message: a.message };
      // The other direction of the run shown joins it; any other trace is a new run and opens at step 1 (or at
      // the step a restore or the host asked for).
      if (s.traces.length > 0 && s.traces.every((x) => x.runId === tr.runId && x.direction !== tr.direction && x.layerId === tr.layerId)) {
        return { ...s, traces: [...s.traces, tr].sort((x, y) => x.direction - y.direction), run };
      }
      const layerChanged = layerId !== s.layerId || s.traces[0]?.layerId !== tr.layerId;
      const next: PanelState = { ...s, layerId, traces: [tr], run, playing: false, pendingStep: undefined, request: a.request ?? s.request };
      const shown = currentTrace(next);
      const form = a.request ? formFromRequest(a.request, tr, next.form) : next.form;
      return {
        ...next,
        form: formForLayer({ ...next, form }),
        step: clampStep(s.pendingStep ?? 0, shown),
        view: layerChanged ? { ...s.view, unitOffset: 0 } : s.view,
      };
    }
    case 'runFailed':
      return { ...s, run: { running: false, runId: s.run.runId, message: '', error: a.message } };
    case 'cancel':
      return { ...s, run: { running: false, runId: s.run.runId, message: '' } };
    case 'goToStep': {
      const tr = currentTrace(s);
      if (!tr) return { ...s, pendingStep: Math.max(0, Math.round(a.step) || 0) };
      const step = clampStep(a.step, tr);
      return step === s.step ? s : { ...s, step };
    }
    case 'setDirection': {
      const next = { ...s, direction: a.direction === 1 ? 1 : 0, playing: false };
      return { ...next, step: clampStep(s.step, currentTrace(next)) };
    }
    case 'setView':
      return { ...s, view: { ...s.view, ...a.patch } };
    case 'pageUnits': {
      const tr = currentTrace(s);
      const width = tr ? Math.max(tr.units, tr.hiddenSize) : 0;
      const unitOffset = Math.max(0, Math.min(Math.max(0, width - UNIT_PAGE), s.view.unitOffset + a.delta));
      return unitOffset === s.view.unitOffset ? s : { ...s, view: { ...s.view, unitOffset } };
    }
    case 'play': {
      const tr = currentTrace(s);
      const on = a.on && !!tr && tr.steps > 1;
      // Play from the last step starts over.
      return { ...s, playing: on, step: on && !s.playing && tr && s.step >= tr.steps - 1 ? 0 : s.step };
    }
  }
}

/** The stored framework's name for the layer summary line. */
export function frameworkOf(layer: LayerSummary): string {
  return conventionSpec(layer.convention, layer.cell).framework;
}
