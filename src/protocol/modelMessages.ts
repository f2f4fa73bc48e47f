// The message protocol between the extension host and the Gate Lens Model editor's webview (a model file's layers,
// gates and heatmaps). Separate from messages.ts (the step panel's), which it does not change. Matrices travel as
// ArrayBuffers of float64 values, row-major in the file's own layout.

import { isConventionId, type ConventionId } from '../core/conventions';
import type { RecognizedLayer } from '../core/recognize/types';
import type { ReadDiagnostic } from '../core/tensor/types';
import type { ModelLayerConfigSummary, ModelTensorSummary } from '../worker/modelProtocol';

export const MODEL_PROTOCOL_VERSION = 1;

/** One weight array of a recurrent layer, for its heatmap. */
export interface MatrixView {
  /** The convention's role: kernel, recurrent_kernel, weight_ih, W, R, B, ... */
  readonly role: string;
  readonly direction: number;
  /** The file's own name for the tensor. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The axis of `shape` the gates are packed along. */
  readonly packedAxis?: number;
  /** Float64 values, row-major; absent when too large to draw (then `omitted` says so). */
  readonly values?: ArrayBuffer;
  readonly omitted?: string;
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
  | { readonly type: 'error'; readonly fileName: string; readonly code: string; readonly message: string };

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
}

export type ModelWebviewToHost =
  | { readonly type: 'ready'; readonly protocol: number }
  | { readonly type: 'stepThrough'; readonly layerId: string }
  | { readonly type: 'openAsText'; readonly layerId: string }
  /** Read this layer in another convention ('auto': as recognised again). */
  | { readonly type: 'chooseConvention'; readonly layerId: string; readonly convention: ConventionId | 'auto' }
  | { readonly type: 'rendered'; readonly report: RenderedReport };

export function isModelWebviewToHost(value: unknown): value is ModelWebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; layerId?: unknown; protocol?: unknown; report?: unknown; convention?: unknown };
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
    default:
      return false;
  }
}
