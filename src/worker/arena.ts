// The worker's result memory, kept from run to run. A traced run writes into the memory of the same layer's previous
// run (runLayer's `reuse`), and the answer leaving the worker is a copy whose every array has a buffer of its own,
// exactly as long as the array. Why: the answer is transferred to the host, so memory sent away cannot be written
// again, and before, every run allocated its result afresh — first writes into fresh memory cost a page fault per
// 4 KiB and make V8 collect for the external memory (a 512-unit LSTM's 100-step trace is 7.8 MB) — and then the host
// sliced each trace array into a fresh buffer for the webview: two fresh copies per run. Now the forward pass writes
// warm memory and the one fresh copy is the answer, which the host can post as it is.
// Pure (no vscode, no Node) so the unit tests drive it directly.

import type { DirectionTrace, LayerResult, RecurrentLayer, Sequence } from '../core/model';

/** Results kept for reuse at most, across all sources (the most recently run layers). */
export const ARENAS_KEPT = 4;
/** Bytes kept at most across those results; a run whose result alone is larger is not kept (a very long trace). */
export const ARENA_BYTES_KEPT = 128 * 1024 * 1024;

interface Entry {
  readonly owner: string;
  readonly layer: RecurrentLayer;
  readonly result: LayerResult;
  readonly bytes: number;
}

/** The memory of each layer's last run, for the next run of that layer. */
export class ResultArena {
  private entries: Entry[] = [];

  constructor(private readonly maxEntries = ARENAS_KEPT, private readonly maxBytes = ARENA_BYTES_KEPT) {}

  /** Bytes held. */
  get bytes(): number {
    return this.entries.reduce((n, e) => n + e.bytes, 0);
  }

  /**
   * Removes and returns the last result of `layer`, to be passed as runLayer's `reuse`: once taken, nobody reads
   * it again (a run that fails midway leaves it half-written, so it is put back only by the next success).
   */
  take(layer: RecurrentLayer): LayerResult | undefined {
    const k = this.entries.findIndex((e) => e.layer === layer);
    if (k < 0) return undefined;
    return this.entries.splice(k, 1)[0].result;
  }

  /** Keeps `result` (which the caller never hands out) for the next run of `layer`; `owner` names its source. */
  keep(owner: string, layer: RecurrentLayer, result: LayerResult): void {
    this.take(layer);
    const bytes = resultBytes(result);
    if (bytes > this.maxBytes) return;
    this.entries.push({ owner, layer, result, bytes });
    let total = this.bytes;
    while (this.entries.length > this.maxEntries || total > this.maxBytes) total -= (this.entries.shift() as Entry).bytes;
  }

  /** Drops what is kept for a source's layers (the source was replaced, forgotten or evicted). */
  drop(owner: string): void {
    this.entries = this.entries.filter((e) => e.owner !== owner);
  }
}

type NumberArray = Float64Array | Int32Array;

function arraysOf(result: LayerResult): NumberArray[] {
  const arrays: NumberArray[] = [result.output.data, ...result.directionOutputs.map((s) => s.data)];
  for (const s of result.finalStates) arrays.push(...(s.c ? [s.h, s.c] : [s.h]));
  for (const t of result.trace ?? []) arrays.push(t.timeIndex, t.zx, t.zh, t.z, t.a, t.h, ...(t.c ? [t.c] : []));
  return arrays;
}

/** Bytes of the distinct buffers under `result`. */
export function resultBytes(result: LayerResult): number {
  const buffers = new Set<ArrayBufferLike>(arraysOf(result).map((a) => a.buffer));
  let n = 0;
  for (const b of buffers) n += b.byteLength;
  return n;
}

/**
 * A copy of `result` whose every array has a buffer of its own, exactly as long as the array (an array that
 * appears twice, like a one-direction layer's output, is copied once and appears twice).
 */
export function ownedCopy(result: LayerResult): LayerResult {
  const copies = new Map<NumberArray, NumberArray>();
  const own = <A extends NumberArray>(a: A): A => {
    let c = copies.get(a);
    if (!c) copies.set(a, (c = a.slice()));
    return c as A;
  };
  const sequence = (s: Sequence): Sequence => ({ ...s, data: own(s.data) });
  const trace = (t: DirectionTrace): DirectionTrace => ({
    ...t, timeIndex: own(t.timeIndex), zx: own(t.zx), zh: own(t.zh), z: own(t.z), a: own(t.a), h: own(t.h), ...(t.c ? { c: own(t.c) } : {}),
  });
  return {
    output: sequence(result.output),
    directionOutputs: result.directionOutputs.map(sequence),
    finalStates: result.finalStates.map((s) => (s.c ? { h: own(s.h), c: own(s.c) } : { h: own(s.h) })),
    ...(result.trace ? { trace: result.trace.map(trace) } : {}),
  };
}
