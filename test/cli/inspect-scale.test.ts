import * as assert from 'node:assert/strict';
import { main, type Io } from '../../src/cli/main';
import { LineIndex } from '../../src/core/text/line-index';

// `inspect` on many arrays: every printed position comes from one line index per file (a lookup each, never a rescan
// of the text from the start), and arrays that form no layer produce one summary diagnostic, not one each.

function inspect(text: string, ...flags: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => { out += t; }, err: (t) => { err += t; }, readFile: () => new TextEncoder().encode(text) };
  const code = main(['inspect', 'many.py', ...flags], io);
  return { code, out, err };
}

function tinyArrays(n: number): string {
  const lines: string[] = [];
  for (let k = 0; k < n; k++) lines.push(`a${k} = [${(k % 7) / 10}, 0.5]`);
  return lines.join('\n') + '\n';
}

describe('gate-lens inspect at scale (src/cli/main)', () => {
  const original = LineIndex.prototype.position;
  const indices = new Set<LineIndex>();
  beforeEach(() => {
    indices.clear();
    LineIndex.prototype.position = function (this: LineIndex, offset: number) {
      indices.add(this);
      return original.call(this, offset);
    };
  });
  afterEach(() => {
    LineIndex.prototype.position = original;
  });

  it('--json: one line index for the file, one lookup per printed range, positions right', () => {
    const n = 2000;
    const text = tinyArrays(n);
    const r = inspect(text, '--json');
    assert.equal(r.code, 3, r.err);
    const json = JSON.parse(r.out) as { arrays: Array<{ range: { start: number; line: number; column: number } }>; diagnostics: Array<{ code: string; message: string }>; unrelated: Array<{ index: number; kind: string }> };
    assert.equal(json.arrays.length, n);
    assert.equal(indices.size, 1, 'every position comes from the same index');
    const [index] = indices;
    assert.equal(index.lookups, json.arrays.length + json.diagnostics.length);
    for (const k of [0, 1, 999, n - 1]) {
      assert.equal(json.arrays[k].range.line, k + 1);
      assert.equal(json.arrays[k].range.column, `a${k} = `.length + 1);
    }
    assert.equal(json.unrelated.length, n);
    assert.ok(json.unrelated.every((u) => u.kind === 'unmatched'));
  });

  it('summarises thousands of unrelated arrays in one diagnostic, in JSON and in the human output', () => {
    const n = 2000;
    const json = JSON.parse(inspect(tinyArrays(n), '--json').out) as { diagnostics: Array<{ code: string; message: string; severity: string }> };
    assert.equal(json.diagnostics.length, 1, JSON.stringify(json.diagnostics.slice(0, 3)));
    assert.equal(json.diagnostics[0].code, 'unrelated-arrays');
    assert.equal(json.diagnostics[0].severity, 'warning');
    assert.match(json.diagnostics[0].message, /^2000 arrays are not part of a recurrent layer \(2000 unmatched shape\)/);

    indices.clear();
    const human = inspect(tinyArrays(n)).out;
    const diagnosticLines = human.slice(human.indexOf('Diagnostics:')).split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l));
    assert.equal(diagnosticLines.length, 1);
    // The unrelated arrays are listed one per line up to a cap, then counted.
    assert.match(human, /Not part of a recurrent layer \(2000 arrays\):\n {2}1:1 {2}a0 \(2,\) {2}shape \(2,\) fits no recurrent layer/);
    assert.match(human, /… and 1900 more \(inspect --json lists every one\)/);
    assert.equal(indices.size, 1);
  });
});
