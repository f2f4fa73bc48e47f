import * as assert from 'node:assert/strict';
import { CANONICAL_GATES, CONVENTIONS, conventionsFor, type CellKind } from '../../src/core/conventions';
import {
  blockValues, conventionChoices, decodeTrace, gateLabelIn, inputRow, gruHiddenAt, lstmCellAt, maxOtherAt, prevCell, zBlocks, zSplitAt,
  type CellDecomposition, type GruDecomposition, type ZSplit,
} from '../../src/webview/trace';
import { pytorchGruPayload, seedLstmPayload, sigmoid } from './helpers';

const cellDec = (): CellDecomposition => ({ unit: 0, f: 0, cPrev: 0, i: 0, g: 0, forgetTerm: 0, inputTerm: 0, sum: 0, c: 0, derived: false });

describe('webview trace model', () => {
  describe('decodeTrace', () => {
    it('wraps the buffers with the sizes the payload announces', () => {
      const tr = decodeTrace(seedLstmPayload());
      assert.equal(tr.gates, 4);
      assert.equal(tr.hiddenSize, 3);
      assert.equal(tr.z.length, 2 * 12);
      assert.deepEqual(Array.from(tr.c0 ?? []), [1, 1, 1]);
      assert.equal(tr.resetAfter, false);
    });

    it('rejects a z buffer of the wrong length with a readable message', () => {
      const p = { ...seedLstmPayload(), z: new Float64Array(5).buffer };
      assert.throws(() => decodeTrace(p), /z holds 5 values, expected 24/);
    });

    it('takes the GRU reset placement from the convention when the payload omits it', () => {
      const p = pytorchGruPayload();
      const { resetAfter: _omit, ...rest } = p;
      assert.equal(decodeTrace(rest).resetAfter, true);
      assert.equal(decodeTrace({ ...rest, convention: 'onnx' }).resetAfter, false);
    });
  });

  describe('zBlocks relabelling', () => {
    for (const spec of CONVENTIONS) {
      it(`names the stored ${spec.framework} ${spec.cell} columns in its own order`, () => {
        const blocks = zBlocks(spec.cell, spec.id, spec.id, 5);
        assert.deepEqual(blocks.map((b) => b.label), spec.gateOrder.map((g) => g.label));
        assert.deepEqual(blocks.map((b) => [b.start, b.end]), spec.gateOrder.map((_, k) => [k * 5, k * 5 + 5]));
        assert.ok(blocks.every((b) => !b.mismatch));
        // The canonical offset points at the same gate in the canonical-order trace.
        for (const b of blocks) assert.equal(CANONICAL_GATES[spec.cell][b.canonicalOffset / 5], b.trueGate);
      });
    }

    it('what-if: Keras LSTM columns read in ONNX order call the forget block "o"', () => {
      const blocks = zBlocks('lstm', 'keras', 'onnx', 3);
      assert.deepEqual(blocks.map((b) => `${b.label}:${b.trueGate}:${b.start}`), ['i:i:0', 'o:f:3', 'f:c:6', 'c:o:9']);
      assert.deepEqual(blocks.map((b) => b.mismatch), [false, true, true, true]);
      assert.equal(blocks[1].trueName, 'forget gate');
    });

    it('what-if: PyTorch GRU columns (r, z, n) read in Keras order swap r and z', () => {
      const blocks = zBlocks('gru', 'pytorch', 'keras', 2);
      assert.deepEqual(blocks.map((b) => [b.label, b.trueGate, b.canonicalOffset]), [['z', 'r', 2], ['r', 'z', 0], ['h', 'n', 4]]);
      assert.deepEqual(blocks.map((b) => b.mismatch), [true, true, false]);
    });

    it('every pair of conventions of a cell keeps positions and true gates, changing only names', () => {
      for (const cell of ['lstm', 'gru', 'simple_rnn'] as CellKind[]) {
        for (const stored of conventionsFor(cell)) {
          for (const shown of conventionsFor(cell)) {
            const blocks = zBlocks(cell, stored.id, shown.id, 4);
            assert.deepEqual(blocks.map((b) => b.trueGate), stored.gateOrder.map((g) => g.gate));
            assert.deepEqual(blocks.map((b) => b.shownGate), shown.gateOrder.map((g) => g.gate));
          }
        }
      }
    });

    it('gives each convention its own letter for the candidate', () => {
      const letters = conventionsFor('lstm').map((s) => `${s.id}:${gateLabelIn(s, 'c').label}`);
      assert.deepEqual(letters.sort(), [
        'coreml:z', 'cudnn:c', 'flax:g', 'keras1:c', 'keras:c', 'keras_cudnn:c', 'matlab:g', 'mindspore:g', 'mlx:g', 'mxnet:g', 'onednn:c', 'onnx:c', 'openvino:c',
        'paddle:g', 'pytorch:g', 'tensorrt:c', 'tf1:j', 'tflite:c',
      ]);
    });

    it('offers the stored convention first', () => {
      assert.deepEqual(conventionChoices('gru', 'onnx').map((s) => s.id), [
        'onnx', 'keras', 'keras_cudnn', 'pytorch', 'tf1', 'flax', 'keras1', 'matlab', 'mxnet', 'paddle', 'mindspore', 'coreml', 'openvino', 'tensorrt', 'onednn', 'cudnn', 'mlx',
      ]);
    });
  });

  describe('z split', () => {
    it('x·W + h·U + b sums to z for an LSTM without peepholes', () => {
      const tr = decodeTrace(seedLstmPayload());
      const s: ZSplit = { xw: 0, hu: 0, b: 0, other: 0, z: 0 };
      zSplitAt(tr, 1, 4, s); // f block, unit 1
      assert.equal(s.xw, 0);
      assert.equal(s.hu, 0);
      assert.equal(s.b, 1);
      assert.equal(s.z, 1);
      assert.equal(s.other, 0);
      assert.equal(maxOtherAt(tr, 0), 0);
    });

    it('for a reset_after GRU, "other" of n is r⊙(U_n·h + b) − (U_n·h + b) and zero elsewhere', () => {
      const tr = decodeTrace(pytorchGruPayload());
      const s: ZSplit = { xw: 0, hu: 0, b: 0, other: 0, z: 0 };
      zSplitAt(tr, 0, 4, s); // canonical n, unit 0
      const r0 = sigmoid(0.3 + 0.03);
      assert.ok(Math.abs(s.other - (r0 * 0.05 - 0.05)) < 1e-15);
      assert.ok(Math.abs(s.xw - (0.5 - 0.005)) < 1e-15);
      assert.ok(Math.abs(s.hu - (0.05 - 0.0005)) < 1e-15);
      assert.ok(Math.abs(s.b - 0.0055) < 1e-15);
      zSplitAt(tr, 0, 2, s); // canonical r, unit 0
      assert.ok(Math.abs(s.other) < 1e-15);
      assert.ok(maxOtherAt(tr, 0) > 0.01);
    });
  });

  describe('c = f⊙c₋₁ + i⊙g', () => {
    it('matches the worked example: c = σ(1)·1 + σ(0)·tanh(0) = 0.731059 (Keras 0.7310586)', () => {
      const tr = decodeTrace(seedLstmPayload());
      const d = lstmCellAt(tr, 0, 2, cellDec());
      assert.equal(d.cPrev, 1);
      assert.equal(d.derived, false);
      assert.equal(d.f, sigmoid(1));
      assert.equal(d.i, 0.5);
      assert.equal(d.g, 0);
      assert.ok(Math.abs(d.c - 0.7310586) < 1e-7);
      assert.equal(d.sum, d.c);
      const h = tr.h[2];
      assert.ok(Math.abs(h - 0.3118563) < 1e-7);
    });

    it('reads c₋₁ of a later step from the trace itself', () => {
      const tr = decodeTrace(seedLstmPayload());
      const d = lstmCellAt(tr, 1, 0, cellDec());
      assert.equal(d.cPrev, tr.c![0]);
      assert.equal(d.forgetTerm + d.inputTerm, d.c);
    });

    it('derives c₋₁ at the first step when the host sent no c0, and says so', () => {
      const tr = decodeTrace(seedLstmPayload(false));
      const p = prevCell(tr, 0, 1);
      assert.equal(p.derived, true);
      assert.ok(Math.abs(p.value - 1) < 1e-15);
    });
  });

  describe('GRU h = z⊙h₋₁ + (1 − z)⊙n', () => {
    it('recomputes the host h from the trace activations', () => {
      const tr = decodeTrace(pytorchGruPayload());
      const d: GruDecomposition = { unit: 0, z: 0, hPrev: 0, n: 0, keepTerm: 0, newTerm: 0, sum: 0, h: 0 };
      for (const u of [0, 1]) {
        gruHiddenAt(tr, 0, u, d);
        assert.equal(d.hPrev, [0.5, -0.25][u]);
        assert.equal(d.z, sigmoid([0.11, 0.22][u]));
        assert.ok(Math.abs(d.sum - d.h) < 1e-15);
      }
    });
  });

  it('inputRow follows the time index, so a backward direction reads x from the end', () => {
    const p = seedLstmPayload();
    const back = decodeTrace({ ...p, direction: 1, x: Float64Array.from([10, 20]).buffer, timeIndex: Int32Array.from([1, 0]).buffer });
    assert.equal(inputRow(back, 0), 1);
    assert.equal(inputRow(back, 1), 0);
    const odd = decodeTrace({ ...p, timeIndex: Int32Array.from([-1, 9]).buffer });
    assert.equal(inputRow(odd, 0), 0);
    assert.equal(inputRow(odd, 1), 1);
  });

  it('blockValues copies one stored block of a step in unit order', () => {
    const tr = decodeTrace(pytorchGruPayload());
    const [rBlock] = zBlocks('gru', 'pytorch', 'pytorch', 2);
    assert.deepEqual(Array.from(blockValues(tr.zx, tr, 0, rBlock, new Float64Array(2))), [0.3, 0.4]);
  });
});
