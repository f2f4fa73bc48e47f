// The block permutations between a convention's storage and the canonical rows form are exact copies: every value
// lands where the straightforward definition puts it, whatever the row count (a multiple of the transpose's row
// block or not), the starting row and the gate order.
import * as assert from 'node:assert/strict';
import { columnsFromCanonical, columnsToCanonical } from '../../../src/core/conventions/layout';

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
