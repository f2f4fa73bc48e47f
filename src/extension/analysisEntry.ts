// The bookkeeping every cached analysis shares, for documents and notebooks alike: once its promise ends the entry
// holds the value, a failed entry leaves the cache (the next request starts again), and a cancel reads as "none".

import type { Analysis } from '../worker/protocol';
import { CancelledError } from './workerClient';

export interface SettlingEntry {
  readonly promise: Promise<Analysis | undefined>;
  value?: Analysis;
  settled: boolean;
}

/** Makes `entry.promise` the tracked form of `start` and returns it. */
export function trackAnalysis<E extends SettlingEntry>(entries: Map<string, E>, key: string, entry: E, start: Promise<Analysis | undefined>): Promise<Analysis | undefined> {
  const promise = start.then(
    (analysis) => {
      entry.value = analysis;
      entry.settled = true;
      return analysis;
    },
    (error: unknown) => {
      entry.settled = true;
      if (entries.get(key) === entry) entries.delete(key);
      if (error instanceof CancelledError) return undefined;
      throw error;
    },
  );
  (entry as { promise: Promise<Analysis | undefined> }).promise = promise;
  return promise;
}
