// The block permutations between a convention's storage and the canonical rows form are exact copies: every value
// lands where the straightforward definition puts it, whatever the row count (a multiple of the transpose's row
// block or not), the starting row and the gate order.
import * as assert from 'node:assert/strict';
import { columnsFromCanonical, columnsToCanonical } from '../../../src/core/conventions/layout';
import { fromNative, type NativeTensors } from '../../../src/core/convert';
import { runLayer } from '../../../src/core/forward';
import { transposeColumnBlocks } from '../../../src/core/kernels/wasm';
import type { RecurrentLayer } from '../../../src/core/model';

/** The definition: canonical row (k·H + m) is source column perm[k]·H + m, rows rowOff … rowOff + nRows − 1. */
function reference(src: ArrayLike<number>, totalCols: number, rowOff: number, nRows: number, perm: readonly number[], H: number): Float64Array {
  const out = new Float64Array(perm.length * H * nRows);
  for (let k = 0; k < perm.length; k++) {
    for (let m = 0; m < H; m++) {
      for (let j = 0; j < nRows; j++) out[(k * H + m) * nRows + j] = src[(rowOff + j) * totalCols + perm[k] * H + m];
    }
  }
  return out;
}

describe('conventions/layout: columnsToCanonical', () => {
  const cases: Array<{ rows: number; rowOff: number; nRows: number; H: number; perm: number[] }> = [
    { rows: 1, rowOff: 0, nRows: 1, H: 1, perm: [0] },
    { rows: 7, rowOff: 0, nRows: 7, H: 3, perm: [0, 2, 1, 3] },
    { rows: 8, rowOff: 0, nRows: 8, H: 5, perm: [3, 2, 1, 0] },
    { rows: 17, rowOff: 0, nRows: 17, H: 4, perm: [1, 0, 2] },
    { rows: 30, rowOff: 9, nRows: 13, H: 6, perm: [0, 1, 3, 2] },
    { rows: 64, rowOff: 0, nRows: 64, H: 16, perm: [2, 0, 1, 3] },
    // From 16,384 values on, in the WebAssembly module (the plain-array read below stays in JavaScript).
    { rows: 300, rowOff: 44, nRows: 203, H: 37, perm: [3, 1, 0, 2] },
    { rows: 192, rowOff: 0, nRows: 192, H: 192, perm: [0, 1, 2, 3] },
  ];
  for (const { rows, rowOff, nRows, H, perm } of cases) {
    it(`equals the definition for ${rows} rows (from row ${rowOff}, ${nRows} used), ${perm.length} gates of ${H}, order ${perm.join('')}`, () => {
      const totalCols = perm.length * H;
      // Distinct values, so a value in the wrong place cannot pass.
      const src = Float64Array.from({ length: rows * totalCols }, (_, i) => i + 0.25);
      const got = columnsToCanonical(src, totalCols, rowOff, nRows, perm, H);
      assert.deepEqual(got, reference(src, totalCols, rowOff, nRows, perm, H));
      // Plain arrays (a JSON input) read the same.
      assert.deepEqual(columnsToCanonical(Array.from(src), totalCols, rowOff, nRows, perm, H), got);
      // And back: columnsFromCanonical restores the rows it came from.
      const back = new Float64Array(rows * totalCols).fill(-1);
      columnsFromCanonical(got, perm, H, nRows, back, totalCols, rowOff);
      for (let j = 0; j < rows; j++) {
        for (let c = 0; c < totalCols; c++) {
          const used = j >= rowOff && j < rowOff + nRows;
          assert.equal(back[j * totalCols + c], used ? src[j * totalCols + c] : -1);
        }
      }
    });
  }
});

describe('conventions/layout: the transpose in the WebAssembly module', () => {
  it('is installed with the kernels, and equals the definition on its own', () => {
    const [rows, rowOff, nRows, H, perm] = [300, 44, 203, 37, [3, 1, 0, 2]] as const;
    const totalCols = perm.length * H;
    const src = Float64Array.from({ length: rows * totalCols }, (_, i) => i + 0.25);
    const got = transposeColumnBlocks(src, totalCols, rowOff, nRows, perm, H);
    assert.ok(got, 'the module loads in Node');
    assert.deepEqual(got, reference(src, totalCols, rowOff, nRows, perm, H));
  });

  it('leaves a matrix whose two copies would pass 64 MB to JavaScript (the module\'s memory never shrinks)', () => {
    const H = 1050;
    const src = new Float64Array(1000 * 4 * H); // 33.6 MB, and as much again for the result
    assert.equal(transposeColumnBlocks(src, 4 * H, 0, 1000, [0, 1, 2, 3], H), undefined);
    assert.ok(transposeColumnBlocks(src, 4 * H, 0, 900, [0, 1, 2, 3], H), '2 × 30.2 MB still fits');
  });
});

describe('conventions/layout: canonical W and R built when first read', () => {
  const H = 3, I = 2, G = 4;
  const values = (n: number, base: number) => Float64Array.from({ length: n }, (_, k) => base + k / 64);
  const tensors = {
    keras: { kernel: { shape: [I, G * H], data: values(I * G * H, 1) }, recurrent_kernel: { shape: [H, G * H], data: values(H * G * H, 2) }, bias: { shape: [G * H], data: values(G * H, 3) } },
    pytorch: { weight_ih_l0: { shape: [G * H, I], data: values(G * H * I, 1) }, weight_hh_l0: { shape: [G * H, H], data: values(G * H * H, 2) }, bias_ih_l0: { shape: [G * H], data: values(G * H, 3) }, bias_hh_l0: { shape: [G * H], data: values(G * H, 4) } },
    onnx: { W: { shape: [1, G * H, I], data: values(G * H * I, 1) }, R: { shape: [1, G * H, H], data: values(G * H * H, 2) }, B: { shape: [1, 2 * G * H], data: values(2 * G * H, 3) } },
  } as const;
  const isDeferred = (o: object, key: string) => typeof Object.getOwnPropertyDescriptor(o, key)?.get === 'function';

  for (const conv of ['keras', 'pytorch', 'onnx'] as const) {
    it(`${conv}: no matrix is built by fromNative; the first read builds it once, as an eager copy would be`, () => {
      const layer = fromNative(conv, 'lstm', tensors[conv] as unknown as NativeTensors);
      const d = layer.directions[0];
      assert.ok(isDeferred(d, 'W') && isDeferred(d, 'R'), 'W and R are not built yet');
      assert.deepEqual(Object.keys(d).slice(0, 4), ['W', 'R', 'bW', 'bR']);
      const W = d.W;
      assert.ok(!isDeferred(d, 'W') && isDeferred(d, 'R'), 'reading W builds W only');
      assert.equal(d.W, W, 'the same array on every read');
      assert.equal(W.length, G * H * I);
      // A copy the way every other consumer sees it (spread, structured clone) holds the arrays themselves.
      const copy = structuredClone(d);
      assert.deepEqual(copy.R, d.R);
      assert.deepEqual({ ...d }, { W: d.W, R: d.R, bW: d.bW, bR: d.bR });
      // The forward pass of the deferred layer equals the one of a layer built from the same arrays again and read at once.
      const eager = fromNative(conv, 'lstm', tensors[conv] as unknown as NativeTensors);
      const plain: RecurrentLayer = { ...eager, directions: eager.directions.map((x) => ({ ...x })) };
      const x = { data: values(5 * I, -0.5), batch: 1, steps: 5, features: I };
      assert.deepEqual(runLayer(layer, x).output.data, runLayer(plain, x).output.data);
    });
  }

  it('an assignment before the first read replaces the array, as on a plain object', () => {
    const layer = fromNative('keras', 'lstm', tensors.keras as unknown as NativeTensors);
    const d = layer.directions[0] as { W: Float64Array };
    const mine = new Float64Array(G * H * I);
    d.W = mine;
    assert.equal(d.W, mine);
  });
});
