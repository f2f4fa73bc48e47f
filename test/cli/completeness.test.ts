// Issue 8 item 1 / issue 7 item 2 in the CLI: an array a layer needs that is in the text but unreadable stops
// `run` (exit 5) with the array, its position and the cause; `inspect --json` marks the layer incomplete.
import * as assert from 'node:assert/strict';
import { runCli } from './helpers';

const KERAS = (bias: string) => `kernel = [[0.1, 0.2, 0.3, 0.4]]\nrecurrent_kernel = [[0.5, 0.6, 0.7, 0.8]]\nbias = ${bias}\n`;
const INPUT = JSON.stringify({ x: [[0.5], [-0.5]] });

describe('gate-lens: incomplete layers never run', () => {
  const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['a typographic minus', '[0.1, \u22120.2, 0.3, 0.4]', /the bias of lstm cannot be read: '\u22120\.2' at 3:14 is not a number \(U\+2212/],
    ['a full-width comma', '[0.1\uFF0C0.2, 0.3, 0.4]', /the bias of lstm cannot be read: '0\.1\uFF0C0\.2' at 3:9 is not a number \(a full-width comma/],
    ['a Fortran exponent', '[1.0D+00, 0.2, 0.3, 0.4]', /'1\.0D\+00' at 3:9 is not a number \(a Fortran-style exponent/],
    ['a summarised print', '[0.1, ..., 0.4]', /the bias of lstm at 3:\d+ was printed in summarised form/],
    ['ragged rows', '[[0.1, 0.2], [0.3]]', /the bias of lstm at 3:\d+ has rows of different lengths/],
  ];
  for (const [what, bias, message] of cases) {
    it(`run stops (exit 5) on a bias with ${what}, naming the array, its position and the cause; nothing on stdout`, () => {
      const r = runCli({ 'w.py': KERAS(bias), 'x.json': INPUT }, 'run', 'w.py', '--input', 'x.json');
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  it('inspect --json shows "complete": false with the missing arrays', () => {
    const r = runCli({ 'w.py': KERAS('[0.1, \u22120.2, 0.3, 0.4]') }, 'inspect', 'w.py', '--json');
    assert.equal(r.code, 0, r.stderr);
    const layer = JSON.parse(r.stdout).layers[0];
    assert.equal(layer.complete, false);
    assert.deepEqual(layer.missing.map((m: { array: string; reason: string }) => [m.array, m.reason]), [['bias', 'unreadable']]);
    const ok = JSON.parse(runCli({ 'w.py': KERAS('[0.1, 0.2, 0.3, 0.4]') }, 'inspect', 'w.py', '--json').stdout).layers[0];
    assert.equal(ok.complete, true);
    assert.deepEqual(ok.missing, []);
  });

  it('inspect (human) marks the layer INCOMPLETE and lists what is missing', () => {
    const r = runCli({ 'w.py': KERAS('[0.1, ..., 0.4]') }, 'inspect', 'w.py');
    assert.match(r.stdout, /INCOMPLETE/);
    assert.match(r.stdout, /✗ the bias of lstm/);
  });

  it('--layer on an incomplete layer stops too; a complete one next to it still runs', () => {
    const text = `${KERAS('[0.1, 0.2, 0.3, 0.4]')}\nlstm_2_kernel_0 = [[0.1, 0.2, 0.3, 0.4]]\nlstm_2_recurrent_kernel_0 = [[0.5, 0.6, 0.7, 0.8]]\nlstm_2_bias_0 = [0.1, \u22120.2, 0.3, 0.4]\n`;
    const files = { 'w.py': text, 'x.json': INPUT };
    const all = runCli(files, 'run', 'w.py', '--input', 'x.json');
    assert.equal(all.code, 5, 'the stack may go through the incomplete layer: nothing runs');
    assert.match(all.stderr, /--layer: lstm/);
    assert.equal(runCli(files, 'run', 'w.py', '--input', 'x.json', '--layer', 'lstm_2').code, 5);
    assert.equal(runCli(files, 'run', 'w.py', '--input', 'x.json', '--layer', 'lstm').code, 0);
  });
  it('reads ONNX initializer dims (print(t.name, t.dims)) as a bidirectional LSTM skeleton: inspect marks it incomplete, run stops with the print call', () => {
    const text = '>>> for init in model.graph.initializer:\n...     print(init.name, init.dims)\n...\nW [2, 256, 36]\nR [2, 256, 64]\nB [2, 512]\n';
    const inspect = runCli({ 'dims.txt': text }, 'inspect', 'dims.txt', '--json');
    const [layer] = JSON.parse(inspect.stdout).layers;
    assert.deepEqual([layer.cell, layer.convention, layer.units, layer.inputSize, layer.directions, layer.complete], ['lstm', 'onnx', 64, 36, 2, false]);
    assert.deepEqual(layer.missing.map((m: { array: string; reason: string }) => `${m.array} ${m.reason}`), ['W shape-only', 'R shape-only', 'B shape-only']);
    const human = runCli({ 'dims.txt': text }, 'inspect', 'dims.txt').stdout;
    assert.match(human, /onnx\.numpy_helper\.to_array\(t\)\.tolist\(\)/);
    const x = JSON.stringify({ x: [Array.from({ length: 36 }, () => 0.1)] });
    const r = runCli({ 'dims.txt': text, 'x.json': x }, 'run', 'dims.txt', '--input', 'x.json');
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /the W of lstm has only its shape \(2, 256, 36\) in the text/);
  });
});
