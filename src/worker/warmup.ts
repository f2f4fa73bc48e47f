// Warms the forward pass up while the worker is idle, so a user's first Step Through run gets optimised code
// (src/core/forward-warmup.ts says why that needs a warm-up). Off the user's path: a slice runs only after the worker
// has neither received nor sent a message for IDLE_MS, and every message postpones the rest; one slice is one small
// traced run (under a millisecond once compiled), so a request that arrives meanwhile waits at most that long.
// Pure (no vscode, no Node) so the unit tests drive it with their own timers.

/** Quiet time before a slice: the host's first request (the document's analysis) and its answer go first. */
export const IDLE_MS = 250;

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const globalTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class IdleWarmup {
  private slices: Array<() => void>;
  private next = 0;
  private timer: unknown;
  /** The error that stopped the warm-up, if one did (it would be a bug in the core; the runs still work). */
  failure: unknown;

  constructor(slices: Array<() => void>, private readonly idleMs = IDLE_MS, private readonly timers: Timers = globalTimers) {
    this.slices = slices;
  }

  get done(): boolean {
    return this.next >= this.slices.length;
  }

  /** The worker received or sent a message: wait for IDLE_MS of quiet again before the next slice. */
  activity(): void {
    if (this.done) return;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.runSlice(), this.idleMs);
  }

  private runSlice(): void {
    this.timer = undefined;
    try {
      this.slices[this.next++]();
    } catch (error) {
      // A warm-up that fails costs only speed: stop it rather than take the worker down with an uncaught error.
      this.failure = error;
      this.next = this.slices.length;
    }
    if (this.done) {
      this.slices = []; // the warm-up layers and their last results can be collected
      return;
    }
    // Activity during the slice has already postponed the rest.
    if (this.timer !== undefined) return;
    // The next slice as its own task, so a message that arrived during this one is handled first (and postpones it).
    this.timer = this.timers.set(() => this.runSlice(), 0);
  }
}
