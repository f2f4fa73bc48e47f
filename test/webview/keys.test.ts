import * as assert from 'node:assert/strict';
import { playbackTick, playNext, stepKeyAction, unitWindow } from '../../src/webview/keys';

describe('webview keyboard step logic', () => {
  it('steps with arrows and clamps at both ends', () => {
    assert.deepEqual(stepKeyAction('ArrowRight', 3, 10), { kind: 'step', step: 4 });
    assert.deepEqual(stepKeyAction('ArrowRight', 9, 10), { kind: 'step', step: 9 });
    assert.deepEqual(stepKeyAction('ArrowLeft', 0, 10), { kind: 'step', step: 0 });
    assert.deepEqual(stepKeyAction('PageDown', 5, 10), { kind: 'step', step: 9 });
    assert.deepEqual(stepKeyAction('PageUp', 15, 1000), { kind: 'step', step: 5 });
  });

  it('jumps with Home and End, toggles play with Space', () => {
    assert.deepEqual(stepKeyAction('Home', 7, 10), { kind: 'step', step: 0 });
    assert.deepEqual(stepKeyAction('End', 0, 10), { kind: 'step', step: 9 });
    assert.deepEqual(stepKeyAction(' ', 0, 10), { kind: 'togglePlay' });
  });

  it('leaves modified keys, other keys and empty traces alone', () => {
    assert.deepEqual(stepKeyAction('ArrowRight', 1, 10, { ctrl: true }), { kind: 'none' });
    assert.deepEqual(stepKeyAction('a', 1, 10), { kind: 'none' });
    assert.deepEqual(stepKeyAction('ArrowRight', 0, 0), { kind: 'none' });
  });

  it('plays to the last step and stops there', () => {
    assert.deepEqual(playNext(0, 3), { step: 1, stop: false });
    assert.deepEqual(playNext(1, 3), { step: 2, stop: true });
    assert.deepEqual(playNext(2, 3), { step: 2, stop: true });
    assert.deepEqual(playNext(0, 1), { step: 0, stop: true });
  });

  it('windows units in pages and keeps the last page full', () => {
    assert.deepEqual(unitWindow(0, 16, 3), { start: 0, end: 3 });
    assert.deepEqual(unitWindow(16, 16, 512), { start: 16, end: 32 });
    assert.deepEqual(unitWindow(510, 16, 512), { start: 496, end: 512 });
  });

  it('plays on a fixed grid: 8 steps/s on a 60 Hz display is 8 steps per second, not one every 7 frames (8.6/s)', () => {
    const frame = 1000 / 60;
    let due = 125, steps = 0;
    for (let k = 1; k <= 600; k++) {
      const tick = playbackTick(k * frame, due, 125, frame);
      if (tick.step) steps++;
      due = tick.due;
    }
    assert.equal(steps, 80, '10 s of frames at 8 steps/s');
  });

  it('steps once per frame at 60 steps/s on 60 Hz even when frames come early or late by a few ms', () => {
    const frame = 1000 / 60;
    let due = frame, steps = 0;
    const jitter = [0, -3, 4, -6, 2, 7, -7, 1];
    for (let k = 1; k <= 120; k++) {
      const tick = playbackTick(k * frame + jitter[k % jitter.length], due, frame, frame);
      if (tick.step) steps++;
      due = tick.due;
    }
    assert.equal(steps, 120);
  });

  it('after a stall shows one step and restarts the grid instead of a burst of catch-up steps', () => {
    const frame = 1000 / 60;
    // A 300 ms stall at 15 steps/s: the next frame shows one step, the one after waits a full interval again.
    const late = playbackTick(400, 100, 1000 / 15, frame);
    assert.deepEqual(late, { step: true, due: 400 + 1000 / 15 });
    assert.equal(playbackTick(400 + frame, late.due, 1000 / 15, frame).step, false);
    // On a 120 Hz display the slack is half of its shorter period.
    assert.equal(playbackTick(1000 / 60 - 5, 1000 / 60, 1000 / 60, 1000 / 120).step, false);
  });
});
