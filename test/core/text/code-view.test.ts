// CodeView (src/core/text/code-view.ts): the text without its long numeric literals' bodies, so code searches skip
// the numbers. Every reader that searches it must find exactly what a search of the whole text finds.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { readHints } from '../../../src/core/hints/constructors';
import { integerAssignments } from '../../../src/core/hints/expr';
import { matchLines, nonCodeSpans } from '../../../src/core/hints/python';
import { recognize } from '../../../src/core/recognize';
import { sharedNameFramework, signalledConventions } from '../../../src/core/recognize/shared-names';
import { CodeView } from '../../../src/core/text/code-view';

function row(n: number, seed: number): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(String(Math.sin(seed * 977 + k) / 3));
  return `[${out.join(', ')}]`;
}

const H = 8;
const D = 3;
const rows = (r: number, c: number, seed: number) => Array.from({ length: r }, (_, k) => row(c, seed + k)).join(',\n     ');
// A Keras paste: code, a constructor in a comment, literals long enough to be cut, slices and strings after them.
const PASTE = `import numpy as np
from tensorflow import keras
units = ${H}
# model.add(keras.layers.LSTM(units, recurrent_activation="sigmoid"))
layer = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True), merge_mode='sum')
kernel = np.array([${rows(D, 4 * H, 1)}], dtype=np.float32)
recurrent_kernel = np.array([${rows(H, 4 * H, 10)}])
bias = np.array(${row(4 * H, 50)})
s = "a 'quoted' string # not a comment"
i_gate = kernel[:, :units]
f_gate = kernel[:, units:2 * units]
w_i, w_f, w_c, w_o = np.split(recurrent_kernel, 4, axis=1)
`;

describe('CodeView (src/core/text/code-view)', () => {
  const parse = extractArrays(PASTE, { fileKind: 'python' });
  const view = new CodeView(PASTE, parse.arrays.map((a) => a.range));

  it('cuts the long bodies and keeps their brackets', () => {
    assert.equal(parse.arrays.length, 3);
    assert.ok(view.cut);
    assert.ok(view.code.length < PASTE.length / 5, `${view.code.length} of ${PASTE.length}`);
    assert.match(view.code, /kernel = np\.array\(\[\], dtype=np\.float32\)/);
    assert.match(view.code, /bias = np\.array\(\[\]\)/);
  });

  it('maps every code offset back to the same character of the document, and document offsets forward', () => {
    for (let at = 0; at < view.code.length; at++) {
      const original = view.original(at);
      assert.equal(PASTE[original], view.code[at], `code offset ${at}`);
      assert.equal(view.codeOffset(original), at);
    }
    // An offset inside a cut body goes to the first code after it: the body's closing bracket.
    const inside = parse.arrays[1].range.start + 100;
    assert.equal(PASTE[view.original(view.codeOffset(inside))], ']');
  });

  it('leaves short literals and bodies with a # comment in', () => {
    const text = `a = [1, 2]\nb = [${Array.from({ length: 100 }, (_, k) => k / 7).join(', ')},  # LSTM(4) weights\n 0.5]\n`;
    const p = extractArrays(text, { fileKind: 'python' });
    const v = new CodeView(text, p.arrays.map((a) => a.range));
    assert.equal(v.cut, false);
    assert.equal(v.code, text);
  });

  it('gives readHints and nonCodeSpans exactly what a search of the whole text gives', () => {
    assert.deepEqual(readHints(PASTE, view), readHints(PASTE));
    assert.deepEqual(nonCodeSpans(PASTE, view), nonCodeSpans(PASTE));
    assert.ok(readHints(PASTE, view).layers.length >= 2);
  });

  it('gives the line readers (matchLines, integer assignments) exactly what a search of the whole text gives', () => {
    // Assignments on the lines where a cut body ends, and after it on the same line.
    const text = `${PASTE}w = np.array([${rows(3, 40, 70)}]); n = 3\nz = np.array([${rows(2, 40, 80)}])\nn = 5\nm = 2 * n\nimport os\n`;
    const p = extractArrays(text, { fileKind: 'python' });
    const v = new CodeView(text, p.arrays.map((a) => a.range));
    assert.ok(v.cut);
    const pattern = /^[ \t]*([A-Za-z_][\w.]*)[ \t]*(?:\+|-)?=(?!=)([^\n]*)/;
    const lines = (view?: CodeView) => matchLines(text, '=', pattern, view).map((m) => [m.index, m.match[0]]);
    assert.deepEqual(lines(v), lines());
    assert.ok(lines(v).length >= 8);
    assert.deepEqual(matchLines(text, 'import', /^[ \t]*import[ \t]+(\w+)/, v).map((m) => m.match[1]), ['numpy', 'os']);
    assert.deepEqual(integerAssignments(text, v), integerAssignments(text));
    assert.deepEqual(integerAssignments(text, v).map((a) => a.name), ['units', 'n', 'm']);
  });

  it('finds the framework signals exactly as a search of the whole text does, quoting the document', () => {
    // The import line runs on into a cut literal: the quote is the document's line, numbers included.
    const text = `# import openvino as ov\nfrom mlx.core import array; w = array([${rows(2, 40, 90)}])\n${PASTE}import paddle\n`;
    const p = extractArrays(text, { fileKind: 'python' });
    const v = new CodeView(text, p.arrays.map((a) => a.range));
    assert.ok(v.cut);
    const spans = nonCodeSpans(text, v);
    const signals = signalledConventions(text, spans, v);
    assert.deepEqual(signals, signalledConventions(text, spans));
    assert.deepEqual([...signals.keys()], ['mlx']);
    assert.match(signals.get('mlx')!, /^`from mlx\.core import array; w = array\(\[\[0\.\d/);
    assert.deepEqual(sharedNameFramework('pytorch', text, spans, v), sharedNameFramework('pytorch', text, spans));
    assert.equal(sharedNameFramework('pytorch', text, spans, v)?.id, 'paddle');
  });

  it('lets recognition read the constructor, the slices and the split around the cut literals', () => {
    const r = recognize(parse, PASTE);
    assert.equal(r.layers.length, 1);
    assert.equal(r.layers[0].units, H);
    assert.deepEqual(r.slices.map((s) => [s.target, s.start, s.end]).slice(0, 2), [['i_gate', 0, H], ['f_gate', H, 2 * H]]);
    assert.equal(r.slices.filter((s) => s.text.includes('split')).length, 4);
  });
});
