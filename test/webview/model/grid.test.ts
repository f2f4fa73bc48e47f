// Heatmap grids: a matrix reduced to the size it is drawn, one value per pixel block (the block's value of largest
// magnitude, NaN where the block has one), the color scale from the whole matrix, and the identity below pixel size.
import * as assert from 'node:assert/strict';
import { blockStart, heatmapGrid, isExact, matrixGeometry } from '../../../src/webview/model/grid';

describe('model editor heatmap grids', () => {
  it('is the matrix itself when it fits the pixels (the webview then answers hovers alone)', () => {
    const values = Float64Array.from({ length: 24 }, (_, k) => k - 10);
    const grid = heatmapGrid(values, matrixGeometry([8, 3], 0, 0)!, 320, 480);
    assert.deepEqual([grid.rows, grid.cols, grid.gridRows, grid.gridCols, grid.lo, grid.hi], [8, 3, 8, 3, -10, 13]);
    assert.deepEqual([...grid.values], [...values]);
    assert.ok(isExact(grid));
  });

  it('keeps each block’s value of largest magnitude, with its sign, and the whole matrix’s range', () => {
    // 6 × 4 into 2 × 2 blocks of 3 × 2: one outlier per block.
    const values = new Float64Array(24).fill(0.1);
    values[1 * 4 + 0] = -7; // block (0, 0)
    values[2 * 4 + 3] = 5; // block (0, 1)
    values[4 * 4 + 1] = 0.5; // block (1, 0)
    values[5 * 4 + 2] = -0.25; // block (1, 1): 0.1 values are smaller, -0.25 wins by magnitude
    const grid = heatmapGrid(values, matrixGeometry([6, 4], 0)!, 2, 2);
    assert.deepEqual([...grid.values], [-7, 5, 0.5, -0.25]);
    assert.deepEqual([grid.lo, grid.hi], [-7, 5]);
    assert.ok(!isExact(grid));
  });

  it('shows a NaN wherever a block holds one, and leaves it out of the scale', () => {
    const values = Float64Array.from({ length: 16 }, (_, k) => k);
    values[15] = NaN;
    const grid = heatmapGrid(values, matrixGeometry([4, 4], 0)!, 2, 2);
    assert.ok(Number.isNaN(grid.values[3]));
    assert.deepEqual([...grid.values.subarray(0, 3)], [5, 7, 13]);
    assert.deepEqual([grid.lo, grid.hi], [0, 14]);
  });

  it('reads one direction’s slice of an ONNX (D, G·H, I) array', () => {
    const values = Float64Array.from({ length: 2 * 4 * 3 }, (_, k) => k);
    const g = matrixGeometry([2, 4, 3], 1, 1)!;
    const grid = heatmapGrid(values, g, 100, 100);
    assert.deepEqual([grid.gridRows, grid.gridCols, grid.values[0], grid.lo, grid.hi], [4, 3, 12, 12, 23]);
  });

  it('blocks cover every row once, in order, for sizes that do not divide', () => {
    for (const [n, blocks] of [[2048, 320], [7, 3], [512, 480], [10, 10]]) {
      const starts = Array.from({ length: blocks + 1 }, (_, k) => blockStart(k, blocks, n));
      assert.equal(starts[0], 0);
      assert.equal(starts[blocks], n);
      for (let k = 0; k < blocks; k++) assert.ok(starts[k + 1] > starts[k], `${n}/${blocks}: block ${k} is empty`);
    }
    const big = heatmapGrid(new Float64Array(2048 * 512).fill(1), matrixGeometry([2048, 512], 0, 0)!, 320, 480);
    assert.deepEqual([big.gridRows, big.gridCols, big.values.length], [320, 480, 320 * 480]);
  });
});
