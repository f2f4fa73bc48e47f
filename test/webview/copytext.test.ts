import * as assert from 'node:assert/strict';
import { blockAsNumpy, stepAsNumpy } from '../../src/webview/copytext';
import { formatCell } from '../../src/webview/format';
import { decodeTrace, zBlocks } from '../../src/webview/trace';
import { pytorchGruPayload, seedLstmPayload, sigmoid } from './helpers';

function arrayLine(text: string, name: string): number[] {
  const m = new RegExp(`^${name} = np\\.array\\(\\[([^\\]]*)\\]\\)`, 'm').exec(text);
  assert.ok(m, `no ${name} line in:\n${text}`);
  return m[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

describe('webview NumPy copy', () => {
  it('copies one z block of the step at full precision, named in the view’s convention (issue 8 item 16)', () => {
    const tr = decodeTrace(pytorchGruPayload());
    const blocks = zBlocks(tr.cell, tr.convention, tr.convention, tr.units);
    const z = blocks.find((b) => b.label === 'z');
    assert.ok(z, blocks.map((b) => b.label).join());
    // A value the cells show rounded (4 decimals): the copy must carry every digit.
    tr.z[z.canonicalOffset] = 0.12345678901234566;
    const text = blockAsNumpy(tr, 0, z);
    assert.match(text, /^z_z = np\.array\(\[.*\]\) {2}# step 1, z \[\d+:\d+\]\n$/);
    const copied = arrayLine(text, 'z_z');
    const expected = Array.from({ length: tr.units }, (_, u) => tr.z[z.canonicalOffset + u]);
    // Every digit: the copied numbers are the trace's float64 values exactly, not the 4 decimals the cells show.
    assert.deepEqual(copied, expected);
    assert.equal(copied[0], 0.12345678901234566);
    assert.notEqual(Number(formatCell(copied[0]).replace('−', '-')), copied[0], 'the view shows it rounded');
  });

  it('writes the seed LSTM step in stored Keras order with exact values', () => {
    const text = stepAsNumpy(decodeTrace(seedLstmPayload()), 0, 'forward');
    assert.match(text, /^# Gate Lens: lstm \(Keras lstm\), step 1 of 2, input x\[0\], forward direction$/m);
    assert.match(text, /i \[0:3\], f \[3:6\], c \[6:9\], o \[9:12\]/);
    assert.match(text, /^import numpy as np$/m);
    assert.deepEqual(arrayLine(text, 'z'), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(arrayLine(text, 'c_prev'), [1, 1, 1]);
    assert.deepEqual(arrayLine(text, 'h_prev'), [0, 0, 0]);
    assert.deepEqual(arrayLine(text, 'a_f'), [sigmoid(1), sigmoid(1), sigmoid(1)]);
    const c = arrayLine(text, 'c');
    assert.ok(c.every((v) => Math.abs(v - 0.7310586) < 1e-7));
  });

  it('orders a PyTorch GRU as r, z, n, the way weight_ih stores it', () => {
    const text = stepAsNumpy(decodeTrace(pytorchGruPayload()), 0, 'forward');
    // Canonical zx is z0 z1 r0 r1 n0 n1 = 0.1 … 0.6; stored r, z, n puts 0.3, 0.4 first.
    assert.deepEqual(arrayLine(text, 'xW_plus_bW'), [0.3, 0.4, 0.1, 0.2, 0.5, 0.6]);
    assert.deepEqual(arrayLine(text, 'bW'), [0.003, 0.004, 0.001, 0.002, 0.005, 0.006]);
    assert.match(text, /reset gate applied after U·h \(reset_after=True\)/);
    assert.deepEqual(arrayLine(text, 'a_r'), [sigmoid(0.33), sigmoid(0.44)]);
    assert.ok(!/^c = /m.test(text));
  });

  it('omits h_prev at the first step when the host did not send h0', () => {
    const { h0: _h0, c0: _c0, ...rest } = seedLstmPayload();
    const text = stepAsNumpy(decodeTrace(rest), 0, 'forward');
    assert.ok(!/^h_prev/m.test(text));
    assert.ok(!/^c_prev/m.test(text));
    assert.match(stepAsNumpy(decodeTrace(rest), 1, 'forward'), /^c_prev = /m);
  });
});
