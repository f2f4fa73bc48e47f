// One matrix per gate under the user's own names (TF1-style u_w, r_w, c_w over concat[x, h]; deeplearning.ai's Wf …
// over concatenate((a_prev, xt)); d2l's W_xz / W_hz split; a NumPy GRU keeping 1 − z of the old state): recognised
// from the text's own gate lines and state update, and run against TensorFlow's TF1 GRUCell / LSTMCell in float64
// (test/fixtures/per-gate, scripts/fixtures/per_gate_fixtures.py). Without the code that combines them: no layer, and
// a diagnostic that says what is missing.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { runLayer } from '../../../src/core/forward';

const DIR = join(process.cwd(), 'test', 'fixtures', 'per-gate');

interface Expected { description: string; cell: string; units: number; inputSize: number; input: number[][]; outputs: number[][]; h: number[]; c?: number[] }

function analyse(text: string) {
  return recognize(extractArrays(text, { fileKind: 'python' }), text);
}

function maxDiff(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length);
  let worst = 0;
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
  return worst;
}

describe('recognise: per-gate matrices under the user\'s own names', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.py')).sort()) {
    const expected = JSON.parse(readFileSync(join(DIR, file.replace(/\.py$/, '.json')), 'utf8')) as Expected;
    it(`${file}: ${expected.description} — equals TF1's cell in float64`, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const r = analyse(text);
      assert.equal(r.layers.length, 1, JSON.stringify(r.diagnostics.map((d) => d.message)));
      const [layer] = r.layers;
      assert.deepEqual([layer.cell, layer.units, layer.inputSize, layer.complete], [expected.cell, expected.units, expected.inputSize, true]);
      assert.ok(layer.evidence.some((e) => e.code === 'per-gate'), 'the per-gate mapping is stated');
      const x = expected.input;
      const result = runLayer(layer.layer, { data: Float64Array.from(x.flat()), batch: 1, steps: x.length, features: x[0].length });
      const worst = Math.max(maxDiff(result.output.data, expected.outputs.flat()), maxDiff(result.finalStates[0].h, expected.h),
        ...(expected.c ? [maxDiff(result.finalStates[0].c!, expected.c)] : []));
      assert.ok(worst <= 1e-12, `max |gate-lens − TF1| = ${worst}`);
      // Every per-gate array of the text is labelled with its gate (hover, inspect).
      const named = new Set(layer.arrays.map((a) => r.layers[0].arrays.indexOf(a) >= 0 && a.role));
      assert.ok(named.size >= 3, JSON.stringify(layer.arrays));
    });
  }

  it('labels each user array with its gate and rows (tf1-gru-concat)', () => {
    const text = readFileSync(join(DIR, 'tf1-gru-concat.py'), 'utf8');
    const parse = extractArrays(text, { fileKind: 'python' });
    const [layer] = recognize(parse, text).layers;
    const byName = Object.fromEntries(layer.arrays.map((a) => [parse.arrays[a.arrayIndex].name, a]));
    assert.equal(byName.u_w.role, 'z (update gate)');
    assert.equal(byName.r_w.role, 'r (reset gate)');
    assert.equal(byName.c_w.role, 'h (candidate)');
    assert.match(byName.c_w.description, /rows 0:3 × x, rows 3:5 × r ⊙ h/);
    assert.equal(byName.u_b.role, 'z bias');
    assert.ok(layer.evidence.some((e) => /keeps u of the old state/.test(e.message)));
    assert.ok(layer.evidence.some((e) => /reset gate r multiplies h before the candidate's matmul/.test(e.message)));
  });

  it('reads the update convention from the code: (1 - z) * h + z * h_tilde negates z', () => {
    const [layer] = analyse(readFileSync(join(DIR, 'numpy-gru-one-minus-z.py'), 'utf8')).layers;
    assert.ok(layer.evidence.some((e) => e.code === 'per-gate-update' && /keeps 1 − z of the old state/.test(e.message)), JSON.stringify(layer.evidence));
  });

  it('reads the update line as code: no "is not a number" diagnostic for (1 - z) * h', () => {
    const text = readFileSync(join(DIR, 'numpy-gru-one-minus-z.py'), 'utf8');
    const parse = extractArrays(text, { fileKind: 'python' });
    const r = recognize(parse, text);
    assert.equal(r.layers.length, 1);
    const shown = [...parse.diagnostics, ...r.diagnostics].filter((d) => d.code === 'non-numeric');
    assert.deepEqual(shown.map((d) => d.message), []);
  });

  it('runs nothing and says what is missing when the code never combines the gates', () => {
    const full = readFileSync(join(DIR, 'tf1-gru-concat.py'), 'utf8');
    const noUpdate = full.replace('    h = u * h + (1 - u) * c\n', '');
    const r = analyse(noUpdate);
    assert.equal(r.layers.length, 0, 'no layer on a guess');
    const d = r.diagnostics.find((x) => x.code === 'per-gate-combination-unknown');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.match(d.message, /^u_w, r_w, c_w \(5, 2\) .*look like one matrix per gate over concat\[x, h\], but the text's code does not show how they combine: the gate lines \(r, u, c\) are there, but no line computes the new state/);

    const noCode = full.slice(full.indexOf('# trained values'));
    const bare = analyse(noCode);
    assert.equal(bare.layers.length, 0);
    assert.match(bare.diagnostics.find((x) => x.code === 'per-gate-combination-unknown')!.message, /no line computes a gate from them/);

    const noReset = full.replace('tf.concat([x, r * h], 1)', 'tf.concat([x, h], 1)');
    const nr = analyse(noReset);
    assert.equal(nr.layers.length, 0);
    assert.match(nr.diagnostics.find((x) => x.code === 'per-gate-combination-unknown')!.message, /does not show one reset gate multiplying h/);
  });
});
