// EditLog: offsets of an analysed version carried through later edits, checked against the edited text itself.
import * as assert from 'node:assert/strict';
import { EditLog, type TextEdit } from '../../src/extension/editMap';

/** Applies the edits to `text` as VS Code does (one after another), logging them. */
function edited(text: string, edits: readonly (TextEdit & { readonly insert: string })[]): { text: string; log: EditLog } {
  const log = new EditLog();
  let out = text;
  for (const edit of edits) {
    assert.equal(edit.insert.length, edit.insertedLength);
    out = out.slice(0, edit.offset) + edit.insert + out.slice(edit.offset + edit.length);
    log.push(edit);
  }
  return { text: out, log };
}

describe('EditLog', () => {
  const old = 'kernel = np.array([[1, 2], [3, 4]])\nbias = np.array([5, 6])\n';

  it('maps a range before, after and around edits to the same text in the edited document', () => {
    const { text, log } = edited(old, [
      { offset: 0, length: 0, insertedLength: 2, insert: '# ' }, // before everything
      { offset: 2 + old.indexOf('3'), length: 1, insertedLength: 3, insert: '3.5' }, // inside the kernel literal
      { offset: old.length + 4, length: 0, insertedLength: 1, insert: '\n' }, // at the end (after the first two edits)
    ]);
    const bias = { start: old.indexOf('bias'), end: old.indexOf(')\n', old.indexOf('bias')) + 1 };
    const mapped = log.rangeToNew(bias.start, bias.end);
    assert.ok(mapped);
    assert.equal(text.slice(mapped.start, mapped.end), old.slice(bias.start, bias.end));
    // The kernel's literal was edited inside: its range still covers the whole (edited) literal.
    const kernel = { start: old.indexOf('[['), end: old.indexOf(']])') + 2 };
    const kernelNow = log.rangeToNew(kernel.start, kernel.end);
    assert.ok(kernelNow);
    assert.equal(text.slice(kernelNow.start, kernelNow.end), '[[1, 2], [3.5, 4]]');
  });

  it('maps offsets of the edited text back to the analysed text, and none inside inserted text', () => {
    const { text, log } = edited(old, [
      { offset: old.indexOf('bias'), length: 0, insertedLength: 8, insert: 'x = 1.0\n' },
      { offset: 0, length: 'kernel'.length, insertedLength: 1, insert: 'k' },
    ]);
    assert.equal(text.slice(0, 1), 'k');
    for (const needle of ['np.array([[', '[3, 4]', 'bias', '[5, 6]']) {
      const now = text.indexOf(needle);
      assert.equal(log.toOld(now), old.indexOf(needle), needle);
    }
    assert.equal(log.toOld(text.indexOf('x = 1.0')), undefined, 'text typed since has no analysed offset');
    assert.equal(log.toOld(0), undefined, 'the replacement of "kernel" is new text');
  });

  it('has no new place for a boundary inside replaced text, and keeps insertions at range ends outside the range', () => {
    const log = new EditLog();
    log.push({ offset: 10, length: 5, insertedLength: 2 });
    assert.equal(log.toNew(12), undefined);
    assert.equal(log.toNew(10), 10);
    assert.equal(log.toNew(15), 12);
    assert.equal(log.toNew(20), 17);
    assert.equal(log.rangeToNew(12, 30), undefined);
    const insert = new EditLog();
    insert.push({ offset: 10, length: 0, insertedLength: 4 });
    assert.deepEqual(insert.rangeToNew(10, 20), { start: 14, end: 24 }, 'typed just before the range: not part of it');
    assert.deepEqual(insert.rangeToNew(0, 10), { start: 0, end: 10 }, 'typed just after the range: not part of it');
  });

  it('becomes unusable after more edits than it keeps', () => {
    const log = new EditLog(3);
    for (let i = 0; i < 3; i++) log.push({ offset: i, length: 0, insertedLength: 1 });
    assert.equal(log.usable, true);
    log.push({ offset: 0, length: 0, insertedLength: 1 });
    assert.equal(log.usable, false);
  });
});
