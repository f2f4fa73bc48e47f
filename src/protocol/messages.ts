// The one message protocol between the extension host and the Gate Lens webviews (panel and side-bar view).
// Both bundles import this file; nothing else defines message shapes. Large numeric payloads travel as
// ArrayBuffers (Float64 little-endian) so they can be transferred rather than serialised element by element.

import type { CellKind, ConventionId } from '../core/conventions';
import type { GateSlot, Evidence } from '../core/recognize/types';
import { isEnvelope, type Envelope } from './channel';
import { isRunRequest } from './validate';

export const PROTOCOL_VERSION = 1;

/** A recognised layer, as the webview lists it. */
export interface LayerSummary {
  readonly id: string;
  readonly name: string;
  readonly cell: CellKind;
  readonly convention: ConventionId;
  readonly units: number;
  readonly inputSize: number;
  readonly directions: 1 | 2;
  readonly gates: readonly GateSlot[];
  readonly evidence: readonly Evidence[];
  readonly warnings: readonly Evidence[];
}

export type InputSource =
  | { readonly kind: 'array'; readonly arrayIndex: number }
  | { readonly kind: 'values'; readonly steps: number; readonly features: number; readonly data: readonly number[] }
  | { readonly kind: 'zeros'; readonly steps: number }
  | { readonly kind: 'random'; readonly steps: number; readonly seed: number };

export interface RunRequest {
  readonly layerId: string;
  readonly input: InputSource;
  /** Initial h/c: zeros, values, or a seeded random draw. */
  readonly initialState?: { readonly kind: 'zeros' } | { readonly kind: 'values'; readonly h?: readonly number[]; readonly c?: readonly number[] } | { readonly kind: 'random'; readonly seed: number };
}

/** One direction's trace of one layer, batch item 0. Buffers hold Float64 values in canonical gate order. */
export interface TracePayload {
  readonly runId: number;
  readonly layerId: string;
  readonly cell: CellKind;
  /** The convention the weights came from; the webview can relabel in any other. */
  readonly convention: ConventionId;
  readonly units: number;
  readonly inputSize: number;
  readonly steps: number;
  readonly direction: number;
  readonly resetAfter?: boolean;
  /** steps × inputSize */
  readonly x: ArrayBuffer;
  /** steps × G·H each, canonical order */
  readonly zx: ArrayBuffer;
  readonly zh: ArrayBuffer;
  readonly z: ArrayBuffer;
  readonly a: ArrayBuffer;
  /** steps × H */
  readonly c?: ArrayBuffer;
  /** steps × Hr */
  readonly h: ArrayBuffer;
  /** Time index of the input consumed at each processing step. */
  readonly timeIndex: ArrayBuffer; // Int32
  /** Canonical G·H bias split (bW, bR), so z can be shown as x·W + h·U + b. */
  readonly bW: ArrayBuffer;
  readonly bR: ArrayBuffer;
  /** Optional initial state (Hr and H values) so the webview can show c = f⊙c₋₁ + i⊙g and h₋₁ at step 0 exactly. */
  readonly h0?: ArrayBuffer;
  readonly c0?: ArrayBuffer;
  /** Optional layer name, for headings and the NumPy copy comment. */
  readonly layerName?: string;
}

/** An array of the document that can serve as the input sequence of a run (steps × features after squeezing). */
export interface InputCandidate {
  readonly arrayIndex: number;
  readonly name: string;
  readonly shape: readonly number[];
}

export type HostToWebview =
  | { readonly type: 'init'; readonly protocol: number; readonly locale: string; readonly strings: Readonly<Record<string, string>> }
  | { readonly type: 'document'; readonly uri: string; readonly fileName: string; readonly version: number; readonly layers: readonly LayerSummary[]; readonly selectedLayerId?: string; readonly inputs?: readonly InputCandidate[] }
  | { readonly type: 'progress'; readonly runId: number; readonly message: string; readonly fraction?: number }
  /** `request` is what produced the trace, so the run form can show (and repeat) exactly that input. */
  | { readonly type: 'trace'; readonly trace: TracePayload; readonly request?: RunRequest }
  | { readonly type: 'setConvention'; readonly convention: ConventionId }
  | { readonly type: 'goToStep'; readonly step: number }
  /** A run the host started failed; `code` says why for programs (WORKER_ERRORS, the core's codes), `message` for people. */
  | { readonly type: 'error'; readonly runId?: number; readonly code?: string; readonly message: string };

/**
 * The first messages of a page, written into its HTML (src/extension/webview/html.ts) so its first frame needs no
 * round trip: the strings, and the document when one is shown. Plain JSON, applied as if they had been posted.
 */
export type BootMessage = Extract<HostToWebview, { readonly type: 'init' | 'document' }>;

export type WebviewToHost =
  | { readonly type: 'ready'; readonly protocol: number }
  | { readonly type: 'selectLayer'; readonly layerId: string }
  | { readonly type: 'conventionChanged'; readonly convention: ConventionId }
  | { readonly type: 'copy'; readonly text: string; readonly what: string }
  | { readonly type: 'revealArray'; readonly arrayIndex: number }
  /** Copy the NumPy forward pass of the layer shown, on the input of the run shown. */
  | { readonly type: 'copyForwardPass' }
  /** Gate Lens: Convert Layer To… for the layer shown (the command asks the target and the format). */
  | { readonly type: 'convertLayer' };

/**
 * What the webview asks of the host over the typed channel (src/protocol/channel.ts): answered once, with a result
 * or an error {code, message}. The traces themselves arrive as `trace` messages, as for runs the host starts.
 */
export interface WebviewMethods {
  /** Runs the request on the document shown; answers with its run id once its traces are posted (null: superseded or cancelled). */
  readonly run: { readonly params: RunRequest; readonly result: { readonly runId: number } | null };
  /** Stops a run (one the webview asked for, or one a command started) by the id its progress messages carry. */
  readonly cancelRun: { readonly params: { readonly runId: number }; readonly result: void };
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return t === 'ready' || t === 'selectLayer' || t === 'conventionChanged' || t === 'copy' || t === 'revealArray' || t === 'copyForwardPass' || t === 'convertLayer';
}

/** A channel envelope from the webview whose params are exactly what its method takes (a run request is checked whole). */
export function isWebviewEnvelope(value: unknown): value is Envelope {
  if (!isEnvelope(value)) return false;
  if (value.rpc === 'cancel') return true;
  if (value.rpc !== 'request') return false;
  if (value.method === 'run') return isRunRequest(value.params);
  if (value.method === 'cancelRun') {
    const runId = (value.params as { runId?: unknown } | null)?.runId;
    return typeof runId === 'number' && Number.isSafeInteger(runId);
  }
  return false;
}
