// The methods of the parse/run worker, typed for both sides of the channel (src/protocol/channel.ts). The worker is
// stateful: it keeps each source's analysis, so a run names a source and a layer id instead of cloning the layer,
// and the forward pass's caches (plan, validation, packed weights — keyed by the layer's identity) hit from the
// second run on.

import type { ConventionId } from '../core/conventions';
import type { InitialState, LayerResult, RecurrentLayer, Sequence } from '../core/model';
import type { ParseResult } from '../core/parse/types';
import type { Recognition } from '../core/recognize/types';
import type { CellSpan } from '../core/text/notebook-cell-view';
import type { NotebookSegment } from '../core/text/notebook';
import { CHANNEL_ERRORS } from '../protocol/channel';
import type { RunRequest } from '../protocol/messages';

export interface AnalyzeOptions {
  /** The user's choice for this document (Choose Convention); wins over everything the recogniser infers. */
  readonly conventionOverride?: ConventionId;
  /** Model files: the convention the user chose per layer id in the Gate Lens Model editor (wins over the above). */
  readonly layerConventions?: Readonly<Record<string, ConventionId>>;
  /** gateLens.defaultConvention, used only when the arrays fit several conventions equally well. */
  readonly defaultConvention?: ConventionId;
  /** gateLens.kerasVersion: which hard_sigmoid a Keras layer that names it uses. */
  readonly kerasVersion?: '2' | '3';
  /** The document's language id (python, plaintext, markdown, json, ...): decides what `#` and quotes mean. */
  readonly languageId?: string;
  /** The text is a notebook's cells joined (core/text/notebook.ts): messages then name cells, not joined lines. */
  readonly notebookSegments?: readonly NotebookSegment[];
}

export interface Analysis {
  readonly parse: ParseResult;
  readonly recognition: Recognition;
  /**
   * Set when this is one notebook cell's view of its notebook's analysis (core/text/notebook-cell-view.ts): ranges
   * are in the cell's offsets, and those outside [0, cell length] belong to other cells or to outputs.
   */
  readonly cell?: CellSpan;
}

export interface RunJob {
  readonly layer: RecurrentLayer;
  readonly input: Sequence;
  readonly initialStates?: readonly InitialState[];
  /** An earlier result of this layer the caller is done with: the run writes into its memory (runLayer's `reuse`). */
  readonly reuse?: LayerResult;
}

/**
 * What the worker keeps an analysis under. `uri` names the source (a text document's URI; model files later), and
 * `revision` says which content and options it was made from (for a text document: its version and the analysis
 * options), so a run can never use the analysis of another version.
 */
export interface SourceId {
  readonly uri: string;
  readonly revision: string;
}

/** A run of one layer of a source the worker holds: the layer travels as its id, the input as its description. */
export interface SourceRun {
  readonly source: SourceId;
  readonly request: RunRequest;
}

/**
 * Why a worker job failed, for the host to act on (it never matches on the message, which is for people): the
 * core's own GateLensError codes ('unknown-activation' …) and the channel's (CHANNEL_ERRORS) pass through; these
 * are the worker's.
 */
export const WORKER_ERRORS = {
  /** Anything the core did not name: a bug, or memory. */
  internal: CHANNEL_ERRORS.internal,
  /** The worker thread stopped on its own (crash, out of memory). */
  exited: 'worker-exited',
  /** The host cannot start workers at all (some web hosts): the caller runs the job on its own thread. */
  unavailable: 'workers-unavailable',
  /** The worker does not hold this source (never sent, evicted, or the worker was restarted): send it again. */
  sourceMissing: 'source-missing',
  /** The source has no layer with this id. */
  layerMissing: 'layer-missing',
  /** The input or initial state of a run does not fit the layer (the message says how). */
  badInput: 'bad-input',
} as const;

export type WorkerErrorCode = string;

/** The worker's methods, typed for both sides of the channel. */
export interface WorkerMethods {
  /** Parses and recognises a text, keeps the analysis under `source` and answers a copy of it. */
  readonly analyze: { readonly params: { readonly source: SourceId; readonly text: string; readonly options: AnalyzeOptions }; readonly result: Analysis };
  /** Runs a layer of a source the worker holds, with a full trace. */
  readonly run: { readonly params: SourceRun; readonly result: LayerResult; readonly progress: number };
  /** Drops what the worker holds for a URI (the document was closed). */
  readonly forget: { readonly params: { readonly uri: string }; readonly result: void };
}

/**
 * Every ArrayBuffer under `value` (typed arrays in parse results, layers and traces), each once, for the transfer
 * list: moved buffers are not copied by postMessage, so the receiving thread does not pay for the numbers twice.
 * One walk with an explicit stack (a deep result cannot overflow the call stack); the found set is copied once.
 */
export function transferables(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    if (ArrayBuffer.isView(item)) {
      if (item.buffer instanceof ArrayBuffer) found.add(item.buffer);
    } else if (item instanceof ArrayBuffer) {
      found.add(item);
    } else {
      const children = Array.isArray(item) ? item : Object.values(item);
      // Pushed in reverse so that buffers come out in document order (first array first).
      for (let k = children.length - 1; k >= 0; k--) pending.push(children[k]);
    }
  }
  return Array.from(found);
}
