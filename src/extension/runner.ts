// Runs one recognised layer of a document on a chosen input — in the worker, with progress and cancellation —
// and packs the per-direction traces into protocol payloads (ArrayBuffers, so they travel without copying twice).

import * as vscode from 'vscode';
import type { InitialState, LayerResult, Sequence } from '../core/model';
import type { RecognizedLayer } from '../core/recognize/types';
import type { RunRequest, TracePayload } from '../protocol/messages';
import { runTraced } from '../worker/analysis';
import { buildInitialStates, buildSequence } from '../worker/inputs';
import { WORKER_ERRORS, type Analysis } from '../worker/protocol';
import type { WorkerSource } from './analyzer';
import { WorkerError, type WorkerClient } from './workerClient';

/** Runs longer than this many steps show a cancellable notification; shorter ones finish before it could render. */
export const PROGRESS_STEPS = 512;

export interface RunOutcome {
  readonly runId: number;
  readonly layer: RecognizedLayer;
  readonly input: Sequence;
  readonly result: LayerResult;
  readonly traces: TracePayload[];
}

let nextRunId = 1;

export function newRunId(): number {
  return nextRunId++;
}

function buffer(values: Float64Array | Int32Array): ArrayBuffer {
  // A fresh, exactly sized buffer: views into a larger shared buffer would send the whole of it.
  return values.slice().buffer as ArrayBuffer;
}

/**
 * A trace array's buffer when it is exactly the array — as in the worker's answers (src/worker/arena.ts), which
 * nothing else holds or writes — else a fresh copy. Saves a second fresh copy of the trace per run.
 */
function traceBuffer(values: Float64Array | Int32Array): ArrayBuffer {
  const own = values.buffer;
  if (own instanceof ArrayBuffer && values.byteOffset === 0 && values.byteLength === own.byteLength) return own;
  return buffer(values);
}

export function tracePayloads(runId: number, layer: RecognizedLayer, input: Sequence, result: LayerResult, initialStates: readonly InitialState[] | undefined): TracePayload[] {
  const payloads: TracePayload[] = [];
  for (const t of result.trace ?? []) {
    if (t.batchIndex !== 0) continue;
    const weights = layer.layer.directions[t.direction];
    const hWidth = layer.layer.projSize ?? layer.units;
    const state = initialStates?.[t.direction];
    payloads.push({
      runId,
      layerId: layer.id,
      layerName: layer.name,
      cell: layer.cell,
      convention: layer.convention,
      units: layer.units,
      inputSize: layer.inputSize,
      steps: t.steps,
      direction: t.direction,
      resetAfter: layer.layer.resetAfter,
      x: buffer(input.data.subarray(0, input.steps * input.features)),
      zx: traceBuffer(t.zx),
      zh: traceBuffer(t.zh),
      z: traceBuffer(t.z),
      a: traceBuffer(t.a),
      c: t.c ? traceBuffer(t.c) : undefined,
      h: traceBuffer(t.h),
      timeIndex: traceBuffer(t.timeIndex),
      bW: buffer(weights.bW),
      bR: buffer(weights.bR),
      h0: buffer(state?.h ?? new Float64Array(hWidth)),
      c0: layer.cell === 'lstm' ? buffer(state?.c ?? new Float64Array(layer.units)) : undefined,
    });
  }
  return payloads;
}

export interface RunContext {
  readonly worker: WorkerClient | undefined;
  /** The analysis as the worker holds it: with it the run sends the layer's id, not the layer. */
  readonly source?: WorkerSource;
  readonly onProgress?: (runId: number, fraction: number) => void;
}

/** Runs `request` on `layer`; throws CancelledError when the token fires, Error with a user-facing message otherwise. */
export async function runLayerRequest(ctx: RunContext, analysis: Analysis, layer: RecognizedLayer, request: RunRequest, token?: vscode.CancellationToken, runId = newRunId()): Promise<RunOutcome> {
  const input = buildSequence(request.input, layer.inputSize, analysis.parse.arrays);
  const initialStates = buildInitialStates(request.initialState, layer);
  const progress = (fraction: number) => ctx.onProgress?.(runId, fraction);
  const result = (ctx.worker && ctx.source && (await runInWorker(ctx.worker, ctx.source, request, token, progress))) || runTraced({ layer: layer.layer, input, initialStates }, progress);
  return { runId, layer, input, result, traces: tracePayloads(runId, layer, input, result, initialStates) };
}

/**
 * Runs in the worker on the analysis it holds; sends the document again when the worker does not hold it (a small
 * document analysed on this thread, a worker restarted after a cancel). Undefined when the host has no workers.
 */
async function runInWorker(worker: WorkerClient, source: WorkerSource, request: RunRequest, token: vscode.CancellationToken | undefined, progress: (fraction: number) => void): Promise<LayerResult | undefined> {
  const job = { source: source.id, request };
  try {
    try {
      return await worker.run(job, token, progress);
    } catch (error) {
      if (!(error instanceof WorkerError && error.code === WORKER_ERRORS.sourceMissing)) throw error;
      await source.load(token);
      return await worker.run(job, token, progress);
    }
  } catch (error) {
    if (error instanceof WorkerError && error.code === WORKER_ERRORS.unavailable) return undefined;
    throw error;
  }
}

/** The same, behind a cancellable notification when the sequence is long. */
export function runWithProgress(ctx: RunContext, analysis: Analysis, layer: RecognizedLayer, request: RunRequest, runId = newRunId(), token?: vscode.CancellationToken): Promise<RunOutcome> {
  const steps = request.input.kind === 'array' ? (analysis.parse.arrays[request.input.arrayIndex]?.values.length ?? 0) / Math.max(1, layer.inputSize) : request.input.steps;
  if (steps <= PROGRESS_STEPS) return runLayerRequest(ctx, analysis, layer, request, token, runId);
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Gate Lens: running {0} for {1} steps', layer.name, steps), cancellable: true },
      async (reporter, progressToken) => {
        let reported = 0;
        const linked = new vscode.CancellationTokenSource();
        const subs = [progressToken.onCancellationRequested(() => linked.cancel()), token?.onCancellationRequested(() => linked.cancel())];
        const inner: RunContext = {
          worker: ctx.worker,
          source: ctx.source,
          onProgress: (id, fraction) => {
            reporter.report({ increment: (fraction - reported) * 100 });
            reported = fraction;
            ctx.onProgress?.(id, fraction);
          },
        };
        try {
          return await runLayerRequest(inner, analysis, layer, request, linked.token, runId);
        } finally {
          for (const s of subs) s?.dispose();
          linked.dispose();
        }
      },
    ),
  );
}
