import * as assert from 'node:assert/strict';
import { linesContaining, matchBracket, matchLines, nonCodeSpans, skipString } from '../../../src/core/hints/python';
import { readHints } from '../../../src/core/hints/constructors';
import { analyseSlices } from '../../../src/core/hints/slices';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

// The definitions the fast readers must keep: a character-by-character scan (the readers' first version).
function referenceSkipString(text: string, start: number): number {
  const q = text[start];
  const triple = text.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  while (i < text.length) {
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text.startsWith(close, i)) return i + close.length;
    if (!triple && text[i] === '\n') return i;
    i++;
  }
  return text.length;
}

function referenceSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = referenceSkipString(text, i);
      spans.push([i, end]);
      i = end - 1;
    } else if (ch === '#') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      spans.push([i, end]);
      i = end - 1;
    }
  }
  return spans;
}

/** Texts built from the pieces that matter to the scanner, seeded so a failure reproduces. */
function randomTexts(count: number): string[] {
  const pieces = ['"', "'", '"""', "'''", '#', '\\', '\n', 'a', ' ', '[1.5, 2]', 'x = ', '(', ')', "don't", '\\"', "\\'", '中'];
  let s = 12345;
  const next = () => (s = (s * 48271) % 2147483647);
  return Array.from({ length: count }, () => Array.from({ length: 1 + (next() % 40) }, () => pieces[next() % pieces.length]).join(''));
}

describe('Python text readers (src/core/hints/python)', () => {
  it('nonCodeSpans and skipString give exactly what a character-by-character scan gives', () => {
    const fixed = [
      "x = 'a' # c\ny = \"b\\\"c\" '''t\n'x' ''' z",
      "s = '''never closed\n# not a comment\n",
      "t = \"\"\"a\\\"\"\"\" + 'b' # end",
      "p = 'unterminated\nq = 2 # tail",
      "w = 'ends with backslash\\",
      "'''\\'''' + \"\\\n\"",
      '',
    ];
    for (const text of [...fixed, ...randomTexts(3000)]) {
      assert.deepEqual(nonCodeSpans(text), referenceSpans(text), JSON.stringify(text));
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '"' || text[i] === "'") assert.equal(skipString(text, i), referenceSkipString(text, i), `${JSON.stringify(text)} at ${i}`);
      }
    }
  });

  it('matchLines finds what a multiline ^ regex finds, trying only the lines that hold the needle', () => {
    const pattern = '^[ \\t]*([A-Za-z_]\\w*)[ \\t]*=(?!=)[ \\t]*([^\\n#]*)';
    const texts = [...randomTexts(500).map((t) => t.replace(/a/g, 'a = 3')), 'x = 1\r\ny == 2\n  z=4 # c\n= 5\nw = 6', '=', '', 'a = 1\n'];
    for (const text of texts) {
      const expected = [...text.matchAll(new RegExp(pattern, 'gm'))].map((m) => [m.index, m[0]]);
      assert.deepEqual(matchLines(text, '=', new RegExp(pattern)).map((m) => [m.index, m.match[0]]), expected, JSON.stringify(text));
    }
    assert.deepEqual(linesContaining('ab\nb\n\nxb', 'b'), [[0, 2], [3, 4], [6, 8]]);
  });

  it('the slice reader uses the string/comment spans readHints computed, never a second scan of the text', () => {
    const text = [
      'kernel = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]])',
      'recurrent_kernel = np.array([' + Array.from({ length: 3 }, (_, r) => `[${Array.from({ length: 12 }, (_, c) => ((r * 12 + c) / 50).toFixed(2)).join(', ')}]`).join(', ') + '])',
      'z = x @ kernel + h @ recurrent_kernel',
      'f = z[:, 3:6]',
    ].join('\n');
    const parse = extractArrays(text);
    const layers = recognize(parse, text).layers;
    const hints = readHints(text);
    assert.equal(analyseSlices(text, parse.arrays, layers, hints).length, 1);
    // Declare the slice's line a comment in the shared spans: a reader that rescanned the text would still see it.
    const at = text.indexOf('f = z');
    assert.equal(analyseSlices(text, parse.arrays, layers, { ...hints, nonCode: [...hints.nonCode, [at, text.length]] }).length, 0);
  });

  it('keeps matchBracket skipping strings and comments', () => {
    const text = "f(a, ')', \"]\", # )\n b)";
    assert.equal(matchBracket(text, 1), text.length);
  });

  it('finds no span inside megabytes of numbers, and shares the spans it computed through readHints', () => {
    const rows = Array.from({ length: 2000 }, (_, r) => `[${Array.from({ length: 50 }, (_, c) => ((r * 50 + c) / 7).toFixed(8)).join(', ')}]`);
    const text = `import numpy as np  # weights\nkernel = np.array([${rows.join(',\n ')}])\nname = 'lstm'\n`;
    const spans = nonCodeSpans(text);
    assert.deepEqual(spans.map(([s, e]) => text.slice(s, e)), ['# weights', "'lstm'"]);
    assert.deepEqual(readHints(text).nonCode, spans);
  });
});
