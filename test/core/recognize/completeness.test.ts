// The layer completeness model: an array a layer needs that is in the text but cannot be read (a summarised print,
// a typographic minus, a full-width comma, a Fortran exponent, ragged rows) leaves the layer recognised but
// incomplete — `complete: false`, each missing array with its position and cause — and no run ever uses a stand-in.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { runLayer, runModel } from '../../../src/core/forward';
import { GateLensError } from '../../../src/core/model';
import { RECOGNISER_TEMPLATES } from '../../../src/core/recognize/messages';
import { runTraced } from '../../../src/worker/analysis';

const KERAS = (bias: string) => `kernel = [[0.1, 0.2, 0.3, 0.4]]\nrecurrent_kernel = [[0.5, 0.6, 0.7, 0.8]]\nbias = ${bias}\n`;
const TORCH = (bias: string) =>
  'weight_ih_l0 = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]]\nweight_hh_l0 = [[0.1], [0.2], [0.3], [0.4]]\n' +
  `bias_ih_l0 = ${bias}\nbias_hh_l0 = [0.1, 0.2, 0.3, 0.4]\n`;

const CASES: ReadonlyArray<readonly [string, string, string, RegExp]> = [
  ['a summarised print', '[0.1, ..., 0.4]', 'truncated', /summarised form/],
  ['a typographic minus (U+2212)', '[0.1, \u22120.2, 0.3, 0.4]', 'unreadable', /'\u22120\.2' at 3:\d+ is not a number \(U\+2212/],
  ['a full-width comma', '[0.1\uFF0C0.2, 0.3, 0.4]', 'unreadable', /full-width comma/],
  ['a Fortran exponent', '[1.0D+00, 0.2, 0.3, 0.4]', 'unreadable', /Fortran-style exponent/],
  ['ragged rows', '[[0.1, 0.2], [0.3]]', 'ragged', /rows of different lengths/],
];

function analyse(text: string) {
  return recognize(extractArrays(text), text);
}

describe('recognize: layer completeness', () => {
  for (const [what, bias, reason, message] of CASES) {
    it(`a Keras bias with ${what} → the layer is incomplete, names bias, its position and cause, and never runs`, () => {
      const text = KERAS(bias);
      const r = analyse(text);
      assert.equal(r.layers.length, 1, 'the layer is still recognised from the kernels');
      const l = r.layers[0];
      assert.equal(l.complete, false);
      assert.deepEqual(l.missing.map((m) => [m.array, m.reason, m.direction]), [['bias', reason, 0]]);
      assert.match(l.missing[0].message, message);
      assert.ok(l.missing[0].range && l.missing[0].range.start > text.indexOf('bias ='), 'the position is the bias literal');
      assert.equal(r.models.length, 0, 'an incomplete layer is never part of a runnable stack');
      assert.ok(!l.evidence.some((e) => /use_bias=False/.test(e.message)), 'no "no bias → zeros" conclusion from an unreadable bias');
      assert.ok(r.diagnostics.some((d) => d.code === 'incomplete-layer'), 'the layer carries a diagnostic');
      const x = { data: Float64Array.of(0.5, -0.5), batch: 1, steps: 2, features: 1 };
      assert.throws(() => runLayer(l.layer, x), (e: unknown) => e instanceof GateLensError && e.code === 'incomplete-layer' && /bias/.test(e.message));
      assert.throws(() => runModel({ layers: [l.layer] }, x), /cannot run/);
      // The editor's path (worker and inline runner) refuses it with the same message.
      assert.throws(() => runTraced({ layer: l.layer, input: x }), (e: unknown) => e instanceof Error && e.message === l.layer.incomplete);
      // Whatever slips past the check computes NaN, never a plausible number.
      assert.ok(l.layer.directions[0].bW.every(Number.isNaN));
    });

    it(`a PyTorch bias_ih with ${what} → l0 is recognised, incomplete, and names bias_ih_l0`, () => {
      const r = analyse(TORCH(bias));
      assert.equal(r.layers.length, 1);
      const l = r.layers[0];
      assert.equal(l.complete, false);
      assert.deepEqual(l.missing.map((m) => [m.array, m.name, m.reason]), [['bias_ih', 'bias_ih_l0', reason]]);
      assert.match(l.layer.incomplete ?? '', /bias_ih_l0/);
      assert.equal(r.models.length, 0);
    });
  }

  it('a complete layer says so', () => {
    const r = analyse(KERAS('[0.1, 0.2, 0.3, 0.4]'));
    assert.equal(r.layers[0].complete, true);
    assert.deepEqual(r.layers[0].missing, []);
    assert.equal(r.models.length, 1);
  });

  it('ordinary code next to the weights is not an unreadable array', () => {
    const text = `${KERAS('[0.1, 0.2, 0.3, 0.4]')}state = [0.5, h_prev]\n`;
    const r = analyse(text);
    assert.equal(r.layers[0].complete, true);
    assert.deepEqual(extractArrays(text).diagnostics, []);
  });

  it('a summarised print(model.get_weights()) lists the truncated arrays as missing, with their printed shapes', () => {
    const text = readFileSync('examples/truncated_print.txt', 'utf8');
    const l = analyse(text).layers[0];
    assert.equal(l.complete, false);
    assert.deepEqual(l.missing.map((m) => [m.array, m.reason, m.shape]), [['kernel', 'truncated', [32, 256]], ['recurrent_kernel', 'truncated', [64, 256]]]);
    assert.throws(() => runLayer(l.layer, { data: new Float64Array(32), batch: 1, steps: 1, features: 32 }), /cannot run/);
  });

  it('an unreadable unnamed array inside print(model.get_weights()) makes the layer it sits in incomplete', () => {
    const text = '[array([[0.1, 0.2, 0.3, 0.4]], dtype=float32), array([[0.5, 0.6, 0.7, 0.8]], dtype=float32), array([0.1, \u22120.2, 0.3, 0.4], dtype=float32)]\n';
    const r = analyse(text);
    assert.equal(r.layers.length, 1);
    assert.equal(r.layers[0].complete, false);
    assert.deepEqual(r.layers[0].missing.map((m) => [m.array, m.reason]), [['bias', 'unreadable']]);
    assert.equal(r.models.length, 0);
  });

  it('every completeness template has a zh-cn translation', () => {
    const bundle = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    const mine = Object.entries(RECOGNISER_TEMPLATES).filter(([k]) => /^missing|^layerIncomplete/.test(k)).map(([, v]) => v);
    assert.equal(mine.length, 12);
    assert.deepEqual(mine.filter((t) => typeof bundle[t] !== 'string'), []);
  });
});
