// The two jobs the worker does — parse + recognise a document, and run a layer with a trace — as plain functions,
// so the host can also call them inline for small documents and the unit tests can call them directly.

import { extractArrays } from '../core/parse';
import { recognize } from '../core/recognize';
import { runLayer } from '../core/forward';
import { notebookPositionOf } from '../core/text/notebook';
import type { InitialState, LayerResult, DirectionTrace, Sequence } from '../core/model';
import { CHANNEL_ERRORS, ChannelError } from '../protocol/channel';
import type { Analysis, AnalyzeOptions, RunJob } from './protocol';

export function analyzeText(text: string, options: AnalyzeOptions): Analysis {
  const parse = extractArrays(text, options.languageId !== undefined ? { languageId: options.languageId } : {});
  const segments = options.notebookSegments;
  // Options travel to the worker as data; the notebook's position labels are rebuilt here from its segments.
  const recognition = recognize(parse, text, segments ? { ...options, positionOf: notebookPositionOf({ text, segments }) } : options);
  return { parse, recognition };
}

/**
 * Sequences longer than this run in chunks, carrying the state across, so the worker can report progress between
 * chunks. Below it the whole run takes well under a frame and one call is simplest.
 */
const CHUNK_STEPS = 2048;

/**
 * Runs one layer with a full trace, one chunk per step of the generator (so callers can report progress or stop
 * between chunks); short or bidirectional sequences are one chunk.
 */
/** Whether a run goes in chunks: one direction read forwards, batch 1, longer than CHUNK_STEPS. */
export function runsInChunks({ layer, input }: Pick<RunJob, 'layer' | 'input'>): boolean {
  return layer.directions.length === 1 && !layer.goBackwards && !layer.reverse && input.batch === 1 && input.steps > CHUNK_STEPS;
}

function* tracedChunks(job: RunJob, onProgress?: (fraction: number) => void): Generator<void, LayerResult> {
  const { layer, input } = job;
  // A chunked run concatenates its chunks into new arrays anyway, so only a one-call run reuses memory.
  if (!runsInChunks(job)) return runLayer(layer, input, { trace: true, initialStates: job.initialStates, reuse: job.reuse });
  const parts: LayerResult[] = [];
  let state: InitialState | undefined = job.initialStates?.[0];
  for (let start = 0; start < input.steps; start += CHUNK_STEPS) {
    if (start > 0) yield;
    const steps = Math.min(CHUNK_STEPS, input.steps - start);
    const chunk: Sequence = { data: input.data.subarray(start * input.features, (start + steps) * input.features), batch: 1, steps, features: input.features };
    const part = runLayer(layer, chunk, { trace: true, initialStates: state ? [state] : undefined });
    parts.push(part);
    state = part.finalStates[0];
    onProgress?.((start + steps) / input.steps);
  }
  return concatResults(parts);
}

/** Runs one layer with a full trace on this thread; reports progress between chunks on long sequences. */
export function runTraced(job: RunJob, onProgress?: (fraction: number) => void): LayerResult {
  const chunks = tracedChunks(job, onProgress);
  for (;;) {
    const next = chunks.next();
    if (next.done) return next.value;
  }
}

/**
 * The same, letting other messages in between chunks (a macrotask each), so a cancel message can arrive: when
 * `cancelled()` turns true the run stops with a 'cancelled' error and the worker is free for the next job.
 */
export async function runTracedCancellable(job: RunJob, cancelled: () => boolean, onProgress?: (fraction: number) => void): Promise<LayerResult> {
  const chunks = tracedChunks(job, onProgress);
  for (;;) {
    const next = chunks.next();
    if (next.done) return next.value;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (cancelled()) throw new ChannelError(CHANNEL_ERRORS.cancelled, 'Cancelled');
  }
}

function concatSequences(parts: readonly Sequence[]): Sequence {
  const steps = parts.reduce((n, p) => n + p.steps, 0);
  const data = new Float64Array(parts.reduce((n, p) => n + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { data, batch: 1, steps, features: parts[0].features };
}

function concatF64(parts: readonly (Float64Array | undefined)[]): Float64Array | undefined {
  if (parts.some((p) => p === undefined)) return undefined;
  const out = new Float64Array(parts.reduce((n, p) => n + (p as Float64Array).length, 0));
  let offset = 0;
  for (const p of parts as Float64Array[]) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function concatTraces(traces: readonly DirectionTrace[]): DirectionTrace {
  let stepOffset = 0;
  const timeIndex = new Int32Array(traces.reduce((n, t) => n + t.steps, 0));
  for (const t of traces) {
    for (let s = 0; s < t.steps; s++) timeIndex[stepOffset + s] = t.timeIndex[s] + stepOffset;
    stepOffset += t.steps;
  }
  const first = traces[0];
  return {
    direction: first.direction,
    batchIndex: first.batchIndex,
    steps: stepOffset,
    units: first.units,
    gates: first.gates,
    timeIndex,
    zx: concatF64(traces.map((t) => t.zx)) as Float64Array,
    zh: concatF64(traces.map((t) => t.zh)) as Float64Array,
    z: concatF64(traces.map((t) => t.z)) as Float64Array,
    a: concatF64(traces.map((t) => t.a)) as Float64Array,
    c: concatF64(traces.map((t) => t.c)),
    h: concatF64(traces.map((t) => t.h)) as Float64Array,
  };
}

function concatResults(parts: readonly LayerResult[]): LayerResult {
  const traced = parts.every((p) => p.trace && p.trace.length > 0);
  return {
    output: concatSequences(parts.map((p) => p.output)),
    directionOutputs: [concatSequences(parts.map((p) => p.directionOutputs[0]))],
    finalStates: parts[parts.length - 1].finalStates,
    trace: traced ? [concatTraces(parts.map((p) => (p.trace as readonly DirectionTrace[])[0]))] : undefined,
  };
}
