import * as assert from 'node:assert/strict';
import { playNext, stepKeyAction, unitWindow } from '../../src/webview/keys';

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
});
