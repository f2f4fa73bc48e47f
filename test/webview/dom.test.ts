// setText on a stand-in node (the unit tests have no DOM; the preview's Chromium check drives the real one).
import * as assert from 'node:assert/strict';
import { setText } from '../../src/webview/dom';

/** Just what setText reads and writes of a DOM node: one optional text child, and textContent. */
function element(initial?: string) {
  const textNode = initial === undefined ? null : { nodeType: 3, data: initial };
  const node = {
    firstChild: textNode as { nodeType: number; data: string } | null,
    get lastChild() {
      return this.firstChild;
    },
    replaced: 0,
    get textContent(): string {
      return this.firstChild?.data ?? '';
    },
    set textContent(value: string) {
      this.replaced++;
      this.firstChild = { nodeType: 3, data: value };
    },
  };
  return node;
}

describe('webview setText', () => {
  it('changes the data of the one text node in place instead of replacing the node', () => {
    const cell = element('0.1234');
    const text = cell.firstChild;
    setText(cell as unknown as Node, '−0.5000');
    assert.equal(cell.textContent, '−0.5000');
    assert.equal(cell.firstChild, text, 'the same text node');
    assert.equal(cell.replaced, 0);
  });

  it('fills an empty node through textContent, and leaves an unchanged one alone', () => {
    const cell = element();
    setText(cell as unknown as Node, '1.0000');
    assert.equal(cell.textContent, '1.0000');
    assert.equal(cell.replaced, 1);
    const text = cell.firstChild;
    setText(cell as unknown as Node, '1.0000');
    assert.equal(cell.firstChild, text);
    assert.equal(cell.firstChild?.data, '1.0000');
  });
});
