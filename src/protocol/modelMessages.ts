// The message protocol between the extension host and the Gate Lens Model editor's webview (a model file's layers,
// gates and heatmaps). Separate from messages.ts (the step panel's), which it does not change. The layer table comes
// first and without a single weight value; each heatmap is asked for when it scrolls into view, at its pixel size
// (webview/model/grid.ts), and exact values one at a time on hover. Values travel as ArrayBuffers of float64 (JSON
// would turn NaN and ±Infinity into null).

import { isConventionId, type ConventionId } from '../core/conventions';
import type { RecognizedLayer } from '../core/recognize/types';
import type { ReadDiagnostic } from '../core/tensor/types';
import type { ModelLayerConfigSummary, ModelTensorSummary } from '../worker/modelProtocol';

export const MODEL_PROTOCOL_VERSION = 2;

/** Largest heatmap grid side the webview may ask for (a 4K display's width). */
export const MAX_GRID_SIDE = 4096;

/** One weight array of a recurrent layer, for its heatmap (the values come on request: see 'heatmap'). */
export interface MatrixView {
  /** The convention's role: kernel, recurrent_kernel, weight_ih, W, R, B, ... */
  readonly role: string;
  readonly direction: number;
  /** The file's own name for the tensor. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The axis of `shape` the gates are packed along. */
  readonly packedAxis?: number;
}

/** A recognised layer as the model editor shows it: the recogniser's own fields, plus its arrays for the heatmaps. */
export interface RecurrentView extends Pick<RecognizedLayer, 'id' | 'name' | 'cell' | 'convention' | 'units' | 'inputSize' | 'directions' | 'projSize' | 'complete' | 'gates' | 'evidence' | 'warnings'> {
  /** Why the layer cannot run (missing arrays), one message each. */
  readonly missing: readonly string[];
  /** Tensor names (as the file spells them) of the layer's arrays. */
  readonly tensorNames: readonly string[];
  readonly matrices: readonly MatrixView[];
  /** Conventions with a layout for this cell, for the per-layer convention picker. */
  readonly conventionChoices: readonly { readonly id: ConventionId; readonly title: string }[];
  /** The convention the user chose for this layer; absent: as recognised. */
  readonly chosenConvention?: ConventionId;
}

export interface ModelView {
  readonly fileName: string;
  readonly format: string;
  readonly size: number;
  /** True when only byte ranges were read; false when the host read the whole file. */
  readonly ranged: boolean;
  readonly bytesRead: number;
  readonly tensors: readonly ModelTensorSummary[];
  readonly layerConfigs: readonly ModelLayerConfigSummary[];
  readonly diagnostics: readonly ReadDiagnostic[];
  readonly recurrent: readonly RecurrentView[];
  /** Dense heads recognised after a recurrent layer. */
  readonly dense: readonly { readonly name: string; readonly inputSize: number; readonly units: number; readonly tensorNames: readonly string[] }[];
}

export type ModelHostToWebview =
  | { readonly type: 'init'; readonly protocol: number; readonly locale: string; readonly strings: Readonly<Record<string, string>> }
  | { readonly type: 'loading'; readonly fileName: string; readonly size?: number }
  | { readonly type: 'model'; readonly model: ModelView }
  | { readonly type: 'error'; readonly fileName: string; readonly code: string; readonly message: string }
  /** A heatmap as asked for: `values` holds gridRows × gridCols float64 (see HeatmapGrid); or why there is none. */
  | { readonly type: 'heatmap'; readonly layerId: string; readonly matrix: number; readonly grid?: HeatmapGridMessage; readonly error?: string }
  /** The exact value at (row, col) of a matrix view: one float64 in `value`; absent when out of range. */
  | { readonly type: 'cellValue'; readonly layerId: string; readonly matrix: number; readonly row: number; readonly col: number; readonly value?: ArrayBuffer };

export interface HeatmapGridMessage {
  /** The matrix's own size. */
  readonly rows: number;
  readonly cols: number;
  /** The grid's size: at most the matrix's, one value per pixel block. */
  readonly gridRows: number;
  readonly gridCols: number;
  /** Smallest and largest value of the whole matrix, NaN left out (the color scale). */
  readonly lo: number;
  readonly hi: number;
  /** gridRows × gridCols float64, row-major. */
  readonly values: ArrayBuffer;
}

/** What the webview drew, reported back after each render (the extension-host tests read it). */
export interface RenderedReport {
  readonly tensorRows: number;
  readonly layerRows: number;
  readonly recurrent: readonly {
    readonly id: string; readonly gateLabels: readonly string[]; readonly heatmaps: number; readonly bands: number;
    /** The convention picker's value ('auto' or the chosen id) and how many conventions it offers. */
    readonly convention: string; readonly conventionChoices: number;
  }[];
  readonly error?: string;
  /**
   * When (Date.now(), ms) the webview's script started, the message it drew from arrived, and the drawing ended:
   * the model-editor benchmark lines them up with the host's phases (ModelEditorProvider.timings).
   */
  readonly timings?: { readonly scriptAt: number; readonly receivedAt: number; readonly drawnAt: number };
}

export type ModelWebviewToHost =
  | { readonly type: 'ready'; readonly protocol: number }
  | { readonly type: 'stepThrough'; readonly layerId: string }
  | { readonly type: 'openAsText'; readonly layerId: string }
  /** Read this layer in another convention ('auto': as recognised again). */
  | { readonly type: 'chooseConvention'; readonly layerId: string; readonly convention: ConventionId | 'auto' }
  | { readonly type: 'rendered'; readonly report: RenderedReport }
  /** Matrix `matrix` (index in the layer's `matrices`) at most maxRows × maxCols (its pixel size). */
  | { readonly type: 'heatmap'; readonly layerId: string; readonly matrix: number; readonly maxRows: number; readonly maxCols: number }
  | { readonly type: 'cellValue'; readonly layerId: string; readonly matrix: number; readonly row: number; readonly col: number }
  /** A heatmap was drawn (the extension-host tests and the benchmark wait for it). */
  | { readonly type: 'heatmapDrawn'; readonly layerId: string; readonly matrix: number; readonly gridRows: number; readonly gridCols: number; readonly exact: boolean };

export function isModelWebviewToHost(value: unknown): value is ModelWebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; layerId?: unknown; protocol?: unknown; report?: unknown; convention?: unknown; matrix?: unknown; maxRows?: unknown; maxCols?: unknown; row?: unknown; col?: unknown };
  const layerId = typeof m.layerId === 'string' && m.layerId.length <= 1000;
  const count = (v: unknown, max: number) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  switch (m.type) {
    case 'ready':
      return typeof m.protocol === 'number';
    case 'stepThrough':
    case 'openAsText':
      return typeof m.layerId === 'string' && m.layerId.length <= 1000;
    case 'chooseConvention':
      return typeof m.layerId === 'string' && m.layerId.length <= 1000 && (m.convention === 'auto' || isConventionId(m.convention));
    case 'rendered':
      return typeof m.report === 'object' && m.report !== null;
    case 'heatmap':
      return layerId && count(m.matrix, 1000) && count(m.maxRows, MAX_GRID_SIDE) && count(m.maxCols, MAX_GRID_SIDE) && (m.maxRows as number) > 0 && (m.maxCols as number) > 0;
    case 'cellValue':
      return layerId && count(m.matrix, 1000) && count(m.row, 2 ** 31) && count(m.col, 2 ** 31);
    case 'heatmapDrawn':
      return layerId && count(m.matrix, 1000);
    default:
      return false;
  }
}
