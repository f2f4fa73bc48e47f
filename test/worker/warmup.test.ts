// The worker's idle warm-up (src/worker/warmup.ts): slices run only after a quiet spell, every message postpones
// the rest, and a failing slice stops the warm-up instead of escaping as an uncaught error.
import * as assert from 'node:assert/strict';
import { IdleWarmup, type Timers } from '../../src/worker/warmup';

/** Timers driven by the test: `advance(ms)` fires what is due, in order. */
class FakeTimers implements Timers {
  now = 0;
  private pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
  }
}

describe('worker idle warm-up (src/worker/warmup)', () => {
  it('runs nothing until the worker has been quiet for the idle time, then every slice', () => {
    const timers = new FakeTimers();
    const ran: number[] = [];
    const warmup = new IdleWarmup([0, 1, 2].map((i) => () => ran.push(i)), 100, timers);
    warmup.activity();
    timers.advance(99);
    assert.deepEqual(ran, []);
    timers.advance(1);
    timers.advance(0);
    assert.deepEqual(ran, [0, 1, 2]);
    assert.equal(warmup.done, true);
  });

  it('postpones the remaining slices on every message', () => {
    const timers = new FakeTimers();
    const ran: number[] = [];
    const warmup = new IdleWarmup([0, 1, 2, 3].map((i) => () => {
      ran.push(i);
      if (i === 1) warmup.activity(); // a message handled right after this slice
    }), 100, timers);
    warmup.activity();
    timers.advance(60);
    warmup.activity();
    timers.advance(60);
    assert.deepEqual(ran, []);
    timers.advance(40);
    assert.deepEqual(ran, [0, 1]);
    timers.advance(99);
    assert.deepEqual(ran, [0, 1]);
    timers.advance(1);
    assert.deepEqual(ran, [0, 1, 2, 3]);
    warmup.activity(); // done: nothing is scheduled again
    timers.advance(1000);
    assert.deepEqual(ran, [0, 1, 2, 3]);
  });

  it('stops at a failing slice and keeps the error', () => {
    const timers = new FakeTimers();
    const ran: number[] = [];
    const warmup = new IdleWarmup([() => ran.push(0), () => { throw new Error('boom'); }, () => ran.push(2)], 10, timers);
    warmup.activity();
    timers.advance(100);
    assert.deepEqual(ran, [0]);
    assert.equal(warmup.done, true);
    assert.equal((warmup.failure as Error).message, 'boom');
  });
});
