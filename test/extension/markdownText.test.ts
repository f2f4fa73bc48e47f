// The escaping helpers every document-derived string passes through before it reaches a trusted MarkdownString.
// Plain Node (no vscode import): runs in the extension host suite and with `npx mocha` on its own.
import * as assert from 'node:assert/strict';
import { escapeIcons, escapeMarkdown, markdownCode } from '../../src/extension/markdownText';

const LINK_KEY = 'w` [open](command:gateLens.copyNumpy?%5B%7B%22uri%22%3A%22file%3A%2F%2F%2Fetc%2Fpasswd%22%7D%5D)';

/** The text CommonMark shows for an escaped string: each backslash-escaped punctuation character as itself. */
function unescaped(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

describe('Markdown escaping of document text (src/extension/markdownText)', () => {
  it('escapes every character that could start a link, image, emphasis, HTML, table cell or icon', () => {
    const escaped = escapeMarkdown(LINK_KEY);
    assert.equal(escaped, 'w\\` \\[open\\]\\(command\\:gateLens\\.copyNumpy\\?' + '%5B%7B%22uri%22%3A%22file%3A%2F%2F%2Fetc%2Fpasswd%22%7D%5D'.replace(/%/g, '\\%') + '\\)');
    assert.equal(unescaped(escaped), LINK_KEY, 'it still reads as written');
    for (const syntax of ['![x](http://a/b.png)', '<img src=x onerror=alert(1)>', '*em* _em_ **b**', 'a | b', '$(zap)', '&lt;', 'https://evil.example', 'www.evil.example', 'a@b.example', '[x]: command:y', '# h', '> q', '~~s~~']) {
      const out = escapeMarkdown(syntax);
      assert.ok(!/(^|[^\\])[[\]()<>*_|$&:.@#~!`]/.test(out), `unescaped syntax left in ${JSON.stringify(out)}`);
      assert.equal(unescaped(out), syntax);
    }
  });

  it('keeps a string on one line (a newline would end a table row or start a block)', () => {
    assert.equal(escapeMarkdown('a\nb\r\nc\rd\u2028e'), 'a b c d e');
    assert.equal(markdownCode('x\n[y](command:z)'), '`x [y](command:z)`');
  });

  it('fences a code span one backtick longer than any run inside it', () => {
    assert.equal(markdownCode('lstm_1_kernel_0'), '`lstm_1_kernel_0`');
    assert.equal(markdownCode(LINK_KEY), '``' + LINK_KEY + '``');
    const span = markdownCode('a ``` b ` c');
    assert.equal(span, '````a ``` b ` c````');
    assert.equal(markdownCode('`start'), '`` `start ``');
    assert.equal(markdownCode('end`'), '`` end` ``');
    assert.equal(markdownCode(''), '`  `');
  });

  it('escapes theme-icon syntax in plain labels', () => {
    assert.equal(escapeIcons('layer $(zap) $(x'), 'layer \\$(zap) \\$(x');
    assert.equal(escapeIcons('no icons'), 'no icons');
  });
});
