// Messages between the extension host and the parse/run worker. Both sides import this file; the payloads are
// structured-cloned (typed arrays survive), so the recognised layers arrive ready for the forward pass.

import type { ConventionId } from '../core/conventions';
import type { InitialState, LayerResult, RecurrentLayer, Sequence } from '../core/model';
import type { ParseResult } from '../core/parse/types';
import type { Recognition } from '../core/recognize/types';

export interface AnalyzeOptions {
  /** The user's choice for this document (Choose Convention); wins over everything the recogniser infers. */
  readonly conventionOverride?: ConventionId;
  /** gateLens.defaultConvention, used only when the arrays fit several conventions equally well. */
  readonly defaultConvention?: ConventionId;
  /** gateLens.kerasVersion: which hard_sigmoid a Keras layer that names it uses. */
  readonly kerasVersion?: '2' | '3';
  /** The document's language id (python, plaintext, markdown, json, ...): decides what `#` and quotes mean. */
  readonly languageId?: string;
}

export interface Analysis {
  readonly parse: ParseResult;
  readonly recognition: Recognition;
}

export interface RunJob {
  readonly layer: RecurrentLayer;
  readonly input: Sequence;
  readonly initialStates?: readonly InitialState[];
}

/**
 * Why a worker job failed, for the host to act on (it never matches on the message, which is for people): the
 * core's own GateLensError codes ('unknown-activation' …) pass through; these are the worker's.
 */
export const WORKER_ERRORS = {
  /** Anything the core did not name: a bug, or memory. */
  internal: 'internal',
  /** The worker thread stopped on its own (crash, out of memory). */
  exited: 'worker-exited',
  /** The host cannot start workers at all (some web hosts): the caller runs the job on its own thread. */
  unavailable: 'workers-unavailable',
} as const;

export type WorkerErrorCode = string;

/** The error response for a failed job: the core's code when it gave one, else 'internal'. */
export function errorResponse(id: number, error: unknown): WorkerResponse {
  const named = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  const code = typeof named === 'string' ? named : WORKER_ERRORS.internal;
  return { id, kind: 'error', code, message: error instanceof Error ? error.message : String(error) };
}

export type WorkerRequest =
  /** The text travels as UTF-8 bytes in a transferred buffer: posting a 20 MB string would copy it on the host thread. */
  | { readonly id: number; readonly kind: 'analyze'; readonly utf8: Uint8Array; readonly options: AnalyzeOptions }
  | { readonly id: number; readonly kind: 'run'; readonly job: RunJob };

export type WorkerResponse =
  | { readonly id: number; readonly kind: 'analyze'; readonly analysis: Analysis }
  | { readonly id: number; readonly kind: 'run'; readonly result: LayerResult }
  | { readonly id: number; readonly kind: 'progress'; readonly fraction: number }
  | { readonly id: number; readonly kind: 'error'; readonly code: WorkerErrorCode; readonly message: string };

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
