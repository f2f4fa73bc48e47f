import * as assert from 'node:assert/strict';
import { LineIndex } from '../../../src/core/text/line-index';

/** The definition: count the line breaks before the offset, the column from the last one. */
function rescan(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let k = 0; k < offset && k < text.length; k++) if (text.charCodeAt(k) === 10) { line++; last = k; }
  return { line, column: offset - last };
}

describe('LineIndex (src/core/text/line-index)', () => {
  it('gives the line and column of every offset exactly as a rescan from the start would', () => {
    const text = 'a = [1, 2]\r\n\n  b = [[3]]\n\tc\n\n中文 = [4]\nend';
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) assert.deepEqual(index.position(offset), rescan(text, offset), `offset ${offset}`);
    assert.equal(index.lineCount, text.split('\n').length);
  });

  it('handles text without line breaks, an empty text and a trailing break', () => {
    assert.deepEqual(new LineIndex('').position(0), { line: 1, column: 1 });
    assert.deepEqual(new LineIndex('abc').position(2), { line: 1, column: 3 });
    const trailing = new LineIndex('x\n');
    assert.deepEqual(trailing.position(2), { line: 2, column: 1 });
    assert.equal(trailing.lineCount, 2);
  });

  it('counts one lookup per position asked', () => {
    const index = new LineIndex('a\nb\nc');
    for (const offset of [0, 2, 4, 4]) index.position(offset);
    assert.equal(index.lookups, 4);
  });
});
