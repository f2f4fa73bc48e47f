// Model-file methods of the parse/run worker channel (src/protocol/channel.ts), kept apart from the text/run methods
// (protocol.ts) they travel beside. The worker runs the readers; it has no file system of its own (a Web Worker in
// vscode.dev has none, and the host may be reading through vscode.workspace.fs from a remote), so it asks the host
// for each byte range a reader needs and the host answers from the file: only the ranges of the tensors read travel.

import type { ModelFormat, ReadDiagnostic, TensorOrigin } from '../core/tensor/types';
import type { RecognizedDense, RecognizedLayer, Recognition } from '../core/recognize/types';
import type { Analysis, AnalyzeOptions, SourceId } from './protocol';

/** One tensor of the file as the layer table lists it (values are not here: those read are in `analysis.parse`). */
export interface ModelTensorSummary {
  readonly name?: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly origin: TensorOrigin;
  /** Index into analysis.parse.arrays when the tensor was read for recognition. */
  readonly arrayIndex?: number;
  /** Why it was listed but not read. */
  readonly skipped?: string;
}

/** A layer as the file itself describes it (Keras config, PyTorch module, ONNX node): plain JSON values only. */
export interface ModelLayerConfigSummary {
  readonly name: string;
  readonly layerClass: string;
  readonly framework: 'keras' | 'pytorch' | 'onnx';
  readonly config: Readonly<Record<string, unknown>>;
  readonly tensorNames: readonly string[];
}

export interface ModelSummary {
  readonly format: ModelFormat;
  readonly name: string;
  readonly size: number;
  readonly tensors: readonly ModelTensorSummary[];
  readonly layerConfigs: readonly ModelLayerConfigSummary[];
  readonly diagnostics: readonly ReadDiagnostic[];
}

export interface ModelReadResult {
  readonly summary: ModelSummary;
  /** The same shape as a text document's analysis, so hovers' peers (step panel, runner, Open as Text) take it as is. */
  readonly analysis: Analysis;
  /** When (Date.now(), ms) the read started, the readers finished and recognition finished (for the benchmark). */
  readonly timings?: { readonly startedAt: number; readonly readAt: number; readonly analysedAt: number };
}

/**
 * What the model editor's layer table and gate tables need of a read, without a single weight value: the worker sends
 * it to the host as soon as recognition ends, before the full analysis (whose copy between threads costs about as
 * much per megabyte as reading it), so the table shows while the values travel.
 */
export interface ModelPreview {
  readonly summary: ModelSummary;
  /** The recognised recurrent layers without their canonical weights (`layer`) or source ranges. */
  readonly layers: readonly Omit<RecognizedLayer, 'layer' | 'range'>[];
  readonly dense: readonly (Pick<RecognizedDense, 'name' | 'arrays'> & { readonly inputSize: number; readonly units: number })[];
  readonly diagnostics: readonly Pick<Recognition['diagnostics'][number], 'severity' | 'code' | 'message' | 'template' | 'args'>[];
  /** Name and shape of each array read (analysis.parse.arrays, same indices). */
  readonly arrays: readonly { readonly name?: string; readonly shape: readonly number[] }[];
}

/** The worker's model-file method (beside WorkerMethods in protocol.ts): read, analyse and keep under `source`. */
export interface ModelWorkerMethods {
  readonly readModel: {
    readonly params: {
      readonly source: SourceId;
      readonly name: string;
      readonly size: number;
      /** False where the host cannot open files beside this one (an untitled or virtual document). */
      readonly canOpenSiblings: boolean;
      readonly options: AnalyzeOptions;
    };
    readonly result: ModelReadResult;
  };
}

/**
 * What the worker asks the host while it reads a model file (the same channel, the other way round): a file's size
 * and byte ranges (`file` absent: the file being read; else a file the model names beside itself — a shard, ONNX
 * external data — by its path below the model's folder), and the notes reader libraries print (jsfive), for the log.
 */
export interface HostFileMethods {
  readonly fileSize: { readonly params: { readonly file?: string }; readonly result: number };
  readonly fileRead: { readonly params: { readonly file?: string; readonly offset: number; readonly length: number }; readonly result: Uint8Array };
  readonly readerNote: { readonly params: { readonly message: string }; readonly result: void };
  /** The read's preview, sent before the read's answer (see ModelPreview). */
  readonly modelPreview: { readonly params: ModelPreview; readonly result: void };
}

/** The same requests as readModel() takes them (so the host can also read on its own thread, and tests from memory). */
export type FileAccessRequest =
  | { readonly op: 'size'; readonly file?: string }
  | { readonly op: 'read'; readonly file?: string; readonly offset: number; readonly length: number };

export interface FileAccessReply {
  readonly size?: number;
  readonly bytes?: Uint8Array;
}
