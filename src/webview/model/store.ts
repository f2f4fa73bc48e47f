// The Gate Lens Model webview's state and what it derives for drawing: the layer table (every tensor, grouped by
// layer), gate bands along a matrix's packed axis, and the exact value under the pointer. Pure: tested in Node.

import type { GateSlot } from '../../core/recognize/types';
import { MODEL_PROTOCOL_VERSION, type ModelHostToWebview, type ModelView } from '../../protocol/modelMessages';

export interface ModelState {
  readonly status: 'waiting' | 'loading' | 'ready' | 'error' | 'protocol';
  readonly strings: Readonly<Record<string, string>>;
  readonly fileName?: string;
  readonly size?: number;
  readonly model?: ModelView;
  readonly error?: { readonly code: string; readonly message: string };
}

export const INITIAL_STATE: ModelState = { status: 'waiting', strings: {} };

export function reduce(state: ModelState, message: ModelHostToWebview): ModelState {
  switch (message.type) {
    case 'init':
      if (message.protocol !== MODEL_PROTOCOL_VERSION) return { ...state, status: 'protocol', strings: message.strings };
      return { ...state, strings: message.strings };
    case 'loading':
      return { strings: state.strings, status: 'loading', fileName: message.fileName, ...(message.size !== undefined ? { size: message.size } : {}) };
    case 'model':
      return { strings: state.strings, status: 'ready', fileName: message.model.fileName, size: message.model.size, model: message.model };
    case 'error':
      return { strings: state.strings, status: 'error', fileName: message.fileName, error: { code: message.code, message: message.message } };
    default:
      // Heatmaps and cell values are drawn where they belong, without a new render.
      return state;
  }
}

export interface TensorRow {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** The recurrent layer or Dense head it belongs to, when recognised; or why it was not read. */
  readonly note?: { readonly kind: 'recurrent' | 'dense' | 'skipped' | 'read'; readonly text: string };
}

export interface LayerRow {
  readonly layer: string;
  /** The framework's class for it (from the file's config), when the file says. */
  readonly layerClass?: string;
  readonly tensors: readonly TensorRow[];
}

/** The module a tensor belongs to by its name: `rnn.weight_ih_l0` → `rnn`, `lstm/lstm_cell/kernel` → `lstm/lstm_cell`. */
export function parentName(name: string): string {
  const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('/'));
  return cut > 0 ? name.slice(0, cut) : '';
}

/**
 * Every tensor of the file, grouped into layers: by the file's own layer configs where it has them (Keras, ONNX
 * nodes, pickled modules), else by the module path in the tensor's name. Nothing is left out: a file without any
 * recurrent layer still reads as a table.
 */
export function layerRows(model: ModelView): LayerRow[] {
  const owner = new Map<string, { kind: 'recurrent' | 'dense'; name: string }>();
  for (const r of model.recurrent) for (const n of r.tensorNames) owner.set(n, { kind: 'recurrent', name: r.name });
  for (const d of model.dense) for (const n of d.tensorNames) if (!owner.has(n)) owner.set(n, { kind: 'dense', name: d.name });
  const rowOf = (t: ModelView['tensors'][number], index: number): TensorRow => {
    const name = t.name ?? `#${index}`;
    const by = owner.get(name);
    const note: TensorRow['note'] = by ? { kind: by.kind, text: by.name } : t.skipped ? { kind: 'skipped', text: t.skipped } : t.arrayIndex !== undefined ? { kind: 'read', text: '' } : undefined;
    return { name, shape: t.shape, dtype: t.dtype, ...(note ? { note } : {}) };
  };
  const rows: { layer: string; layerClass?: string; tensors: TensorRow[] }[] = [];
  const claimed = new Set<number>();
  const byName = new Map<string, number[]>();
  model.tensors.forEach((t, k) => {
    if (t.name === undefined) return;
    const list = byName.get(t.name) ?? [];
    list.push(k);
    byName.set(t.name, list);
  });
  for (const config of model.layerConfigs) {
    const indices = config.tensorNames.flatMap((n) => byName.get(n) ?? []).filter((k) => !claimed.has(k));
    for (const k of indices) claimed.add(k);
    rows.push({ layer: config.name, layerClass: config.layerClass, tensors: indices.map((k) => rowOf(model.tensors[k], k)) });
  }
  const groups = new Map<string, { layer: string; tensors: TensorRow[] }>();
  model.tensors.forEach((t, k) => {
    if (claimed.has(k)) return;
    const layer = parentName(t.name ?? '');
    let group = groups.get(layer);
    if (!group) {
      group = { layer, tensors: [] };
      groups.set(layer, group);
      rows.push(group);
    }
    group.tensors.push(rowOf(t, k));
  });
  return rows;
}

export interface Band {
  readonly label: string;
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The gate bands along a packed axis of `length`. The gate slots cover G·H; an axis k times as long (ONNX B holds
 * Wb then Rb, a Keras reset_after GRU bias is (2, 3H) and shows per row) repeats them k times.
 */
export function gateBands(gates: readonly GateSlot[], length: number): Band[] {
  const span = gates.reduce((m, g) => Math.max(m, g.end), 0);
  if (span <= 0 || length % span !== 0) return [];
  const bands: Band[] = [];
  for (let rep = 0; rep < length / span; rep++) for (const g of gates) bands.push({ label: g.label, name: g.name, start: rep * span + g.start, end: rep * span + g.end });
  return bands;
}

/** The gate whose band holds (row, col) of a matrix packed along `packedAxis`. */
export function gateAt(bands: readonly Band[], packedAxis: 0 | 1 | undefined, row: number, col: number): Band | undefined {
  const along = packedAxis === 0 ? row : packedAxis === 1 ? col : -1;
  return along >= 0 ? bands.find((b) => along >= b.start && along < b.end) : undefined;
}

/** Keyboard movement in a heatmap: arrows by one, Page keys by ten, Home/End to the row's ends. */
export function moveCell(key: string, row: number, col: number, rows: number, cols: number): { row: number; col: number } | undefined {
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  switch (key) {
    case 'ArrowUp': return { row: clamp(row - 1, rows), col };
    case 'ArrowDown': return { row: clamp(row + 1, rows), col };
    case 'ArrowLeft': return { row, col: clamp(col - 1, cols) };
    case 'ArrowRight': return { row, col: clamp(col + 1, cols) };
    case 'PageUp': return { row: clamp(row - 10, rows), col };
    case 'PageDown': return { row: clamp(row + 10, rows), col };
    case 'Home': return { row, col: 0 };
    case 'End': return { row, col: cols - 1 };
    default: return undefined;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
