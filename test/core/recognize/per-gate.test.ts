// One matrix per gate under the user's own names (TF1-style u_w, r_w, c_w over concat[x, h]; deeplearning.ai's Wf …
// over concatenate((a_prev, xt)); d2l's W_xz / W_hz split; a NumPy GRU keeping 1 − z of the old state): recognised
// from the text's own gate lines and state update, and run against TensorFlow's TF1 GRUCell / LSTMCell (also with
// peepholes) or Keras 3's GRU / LSTM with the code's activations, in float64 (test/fixtures/per-gate,
// scripts/fixtures/per_gate_fixtures.py). Without the code that combines them: no layer, and a diagnostic that says
// what is missing.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { runLayer } from '../../../src/core/forward';
import { runCli } from '../../cli/helpers';

const DIR = join(process.cwd(), 'test', 'fixtures', 'per-gate');

interface Expected { description: string; framework: string; cell: string; units: number; inputSize: number; input: number[][]; outputs: number[][]; h: number[]; c?: number[] }

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
    it(`${file}: ${expected.description} — equals ${expected.framework}`, () => {
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
      assert.ok(worst <= 1e-12, `max |gate-lens − framework| = ${worst}`);
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

// Each refusal below starts from a fixture's text (the user's names, comments, prints) changed the way real code
// differs; `run` must exit non-zero and name the function, term or line it cannot read, never run on a guess.
describe('per-gate code the reader cannot run says why (gate-lens run)', () => {
  const fixture = (name: string) => readFileSync(join(DIR, name), 'utf8');
  const INPUT = JSON.stringify({ x: [[0.5, -0.25, 0.1], [0.2, 0.4, -0.3]] });
  const run = (text: string) => runCli({ 'cell.py': text, 'x.json': INPUT }, 'run', 'cell.py', '--input', 'x.json');
  const refuses = (text: string, why: RegExp) => {
    const r = run(text);
    assert.notEqual(r.code, 0, r.stdout);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, why);
  };

  it('a gate function it does not model (tf.nn.softsign) is named with its line', () => {
    const text = fixture('tf1-gru-concat.py').replace('r = tf.sigmoid(', 'r = tf.nn.softsign(');
    refuses(text, /`r = tf\.nn\.softsign\(tf\.matmul\(x_h, r_w\) \+ r_b\)` \(at 3:5\) applies tf\.nn\.softsign, which is not a function Gate Lens models/);
  });

  it('Keras hard_sigmoid without a Keras version in sight is refused with both definitions', () => {
    const text = 'from keras import backend as K\n' + fixture('coursera-lstm-concat.py').replace(/= sigmoid\(/g, '= K.hard_sigmoid(');
    refuses(text, /applies K\.hard_sigmoid, whose definition depends on the Keras version \(Keras 2 and tf\.keras before TensorFlow 2\.16: clip\(0\.2x \+ 0\.5, 0, 1\); Keras 3: relu6\(x \+ 3\) \/ 6\)/);
  });

  it('keras.ops.hard_sigmoid is Keras 3\'s: the same run as F.hardsigmoid, which Keras 3 produced', () => {
    const text = fixture('torch-gru-hardsigmoid.py').replace(/(?:F|torch\.nn\.functional)\.hardsigmoid\(/g, 'keras.ops.hard_sigmoid(');
    const expected = JSON.parse(fixture('torch-gru-hardsigmoid.json')) as Expected;
    const [layer] = analyse(text).layers;
    assert.ok(layer?.complete, 'recognised');
    const x = expected.input;
    const result = runLayer(layer.layer, { data: Float64Array.from(x.flat()), batch: 1, steps: x.length, features: x[0].length });
    assert.ok(maxDiff(result.output.data, expected.outputs.flat()) <= 1e-12);
    assert.ok(layer.evidence.some((e) => /gate activation hard_sigmoid_keras3 \(the code's keras\.ops\.hard_sigmoid\)/.test(e.message)), JSON.stringify(layer.evidence));
  });

  it('the text\'s own activation that is not a sigmoid is named with its definition', () => {
    const text = 'def sigmoid(x):\n    return np.clip(0.2 * x + 0.5, 0, 1)  # fast approximation\n\n' + fixture('coursera-lstm-concat.py');
    refuses(text, /applies sigmoid, which the text defines as `def sigmoid\(x\):` \(at 1:1\): not sigmoid, tanh or relu/);
  });

  it('gates with different functions are refused (one recurrent_activation per Keras layer)', () => {
    const text = fixture('tf1-gru-concat.py').replace('u = tf.sigmoid(', 'u = tf.nn.relu(');
    refuses(text, /the gates use different functions \(u: tf\.nn\.relu, r: tf\.sigmoid\)/);
  });

  it('a peephole term in a GRU gate is refused, never read as a bias', () => {
    const text = fixture('tf1-gru-concat.py').replace('u = tf.sigmoid(tf.matmul(x_h, u_w) + u_b)', 'u = tf.sigmoid(tf.matmul(x_h, u_w) + u_b + h * u_p)')
      + 'u_p = np.array([0.25, -0.5])\n';
    refuses(text, /`u = tf\.sigmoid\(tf\.matmul\(x_h, u_w\) \+ u_b \+ h \* u_p\)` adds h \* u_p, a term no GRU gate has/);
  });

  it('an output-gate peephole on the old cell state, or one on the candidate, is refused', () => {
    const text = fixture('tf-lstm-peephole.py');
    const oLine = text.split('\n').find((l) => l.trimStart().startsWith('o = '))!;
    const early = text.replace(`${oLine}\n`, '').replace('    c = f * c + i * g\n', `${oLine}\n    c = f * c + i * g\n`);
    refuses(early, /the peephole c \* p_o in `o = tf\.sigmoid\(tf\.matmul\(xh, w_o\) \+ b_o \+ c \* p_o\)` reads c where it stands; .* the new one \(after the cell update\) in the output gate/);
    const onCandidate = text.replace('g = tf.tanh(tf.matmul(xh, w_g) + b_g)', 'g = tf.tanh(tf.matmul(xh, w_g) + b_g + c * p_f)');
    refuses(onCandidate, /the candidate line `g = tf\.tanh\(.*\)` adds c \* p_f; peepholes act only on the input, forget and output gates/);
  });

  it('two cells (a hand-written bidirectional GRU) are refused, not one of them run alone', () => {
    const gru = fixture('tf1-gru-concat.py');
    const cell = (suffix: string) => gru.replace(/\b([ruc]_[wb])\b/g, `$1_${suffix}`).replace('def gru_cell(', `def gru_cell_${suffix}(`);
    const text = `# forward and backward cells of my BiGRU\n${cell('fw')}\n${cell('bw')}`;
    refuses(text, /the code computes 2 cells \(`h = u \* h \+ \(1 - u\) \* c`, `h = u \* h \+ \(1 - u\) \* c`\): two directions or stacked layers are not read/);
  });

  it('a cell run over the reversed sequence is refused (a backward direction)', () => {
    const text = fixture('d2l-gru-split.py').replace('for X in inputs:', 'for X in reversed(inputs):  # backward pass');
    refuses(text, /the code reverses the sequence \(`reversed\(` at 1:10\): a backward direction is not read/);
  });

  it('a concatenation filled by slices it cannot order is refused, saying so', () => {
    const text = fixture('coursera-lstm-slice-concat.py').replace('concat[n_a :, :] = xt', 'concat[n_a : n_a + n_x, :] = xt');
    refuses(text, /concat is filled by slice assignments \(`concat\[: n_a, :\] = a_prev`\) whose concatenation order could not be read/);
  });
});
