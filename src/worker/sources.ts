// What the worker keeps between jobs: the analysis of each source, by URI, at one revision. A run names the source
// and a layer id, and reaches the same RecurrentLayer object every time, so the forward pass's caches (plan and
// validation per layer, packed weights per array, all keyed by identity) are built once per analysis, not per run.
// Pure (no vscode, no Node) so the unit tests drive it directly.

import { GateLensError, type LayerResult } from '../core/model';
import { analyzeText, runsInChunks, runTracedCancellable } from './analysis';
import { ownedCopy, ResultArena } from './arena';
import { buildInitialStates, buildSequence } from './inputs';
import { WORKER_ERRORS, type Analysis, type AnalyzeOptions, type SourceId, type SourceRun } from './protocol';

/** Sources kept at most; the least recently used goes first (each holds its parsed arrays, up to ~20 MB of doubles). */
export const MAX_SOURCES = 6;

export class SourceStore {
  private readonly entries = new Map<string, { readonly revision: string; readonly analysis: Analysis }>();
  /** The memory of recent runs, written again by the next run of the same layer. */
  private readonly arena = new ResultArena();

  constructor(private readonly capacity = MAX_SOURCES) {}

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of run memory kept for the next runs (arena.ts). */
  get keptBytes(): number {
    return this.arena.bytes;
  }

  /** Analyses `text` and keeps the result as the source's current revision (replacing any older one). */
  analyze(source: SourceId, text: string, options: AnalyzeOptions): Analysis {
    const analysis = analyzeText(text, options);
    this.put(source, analysis);
    return analysis;
  }

  put(source: SourceId, analysis: Analysis): void {
    this.forget(source.uri);
    this.entries.set(source.uri, { revision: source.revision, analysis });
    while (this.entries.size > this.capacity) this.forget(this.entries.keys().next().value as string);
  }

  /** The analysis of exactly this revision; 'source-missing' when the store has another revision or none. */
  get(source: SourceId): Analysis {
    const entry = this.entries.get(source.uri);
    if (!entry || entry.revision !== source.revision) throw new GateLensError(WORKER_ERRORS.sourceMissing, `The worker does not hold ${source.uri} at revision ${source.revision}.`);
    // Most recently used last, so eviction drops the source untouched longest.
    this.entries.delete(source.uri);
    this.entries.set(source.uri, entry);
    return entry.analysis;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
    this.arena.drop(uri);
  }

  /**
   * Runs a layer of a held source with a full trace; stops between chunks once `cancelled()` is true. The answer
   * is the caller's to keep or transfer (its arrays have buffers of their own); the store keeps the memory the run
   * wrote for the layer's next run (arena.ts).
   */
  run(job: SourceRun, cancelled: () => boolean = () => false, onProgress?: (fraction: number) => void): Promise<LayerResult> {
    const analysis = this.get(job.source);
    const recognized = analysis.recognition.layers.find((l) => l.id === job.request.layerId);
    if (!recognized) throw new GateLensError(WORKER_ERRORS.layerMissing, `There is no layer ${job.request.layerId} in ${job.source.uri}.`);
    // Both throw 'bad-input' with the reason when the request does not fit the layer.
    const input = buildSequence(job.request.input, recognized.inputSize, analysis.parse.arrays);
    const initialStates = buildInitialStates(job.request.initialState, recognized);
    const layer = recognized.layer;
    // A chunked run's result is concatenated from its chunks: new arrays, not memory to keep for the next run.
    if (runsInChunks({ layer, input })) return runTracedCancellable({ layer, input, initialStates }, cancelled, onProgress);
    const reuse = this.arena.take(layer);
    return runTracedCancellable({ layer, input, initialStates, reuse }, cancelled, onProgress).then((result) => {
      this.arena.keep(job.source.uri, layer, result);
      return ownedCopy(result);
    });
  }
}
