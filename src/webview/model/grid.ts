// A weight matrix's heatmap at the size it is drawn. The host keeps the values (a 2048 × 512 matrix is 8 MB of
// float64, and every megabyte copied to the webview costs about as much as reading it); the webview asks for the
// matrix at its pixel size and gets one value per pixel block: the block's value of largest magnitude (so a lone
// outlier stays visible), NaN where the block holds a NaN. Exact values come from the host on hover, except where
// the grid is the matrix itself. Pure: the host computes grids, the webview maps pointer positions; tested in Node.

import type { HeatmapGridMessage } from '../../protocol/modelMessages';

/** Where a matrix view sits in its array's values: rank 3 (ONNX) shows one direction's slice. */
export interface MatrixGeometry {
  readonly rows: number;
  readonly cols: number;
  /** Index of the first value of the view in the array's row-major values. */
  readonly offset: number;
  /** 0: gates packed along the rows; 1: along the columns; undefined: not packed. */
  readonly packedAxis?: 0 | 1;
}

/** The drawable 2-D view of an array of `shape` (rank 1–3), with `packedAxis` the axis of `shape` the gates lie along. */
export function matrixGeometry(shape: readonly number[], direction: number, packedAxis?: number): MatrixGeometry | undefined {
  if (shape.length === 1) return { rows: 1, cols: shape[0], offset: 0, ...(packedAxis === 0 ? { packedAxis: 1 as const } : {}) };
  if (shape.length === 2) return { rows: shape[0], cols: shape[1], offset: 0, ...(packedAxis === 0 || packedAxis === 1 ? { packedAxis } : {}) };
  if (shape.length === 3) {
    const slice = Math.max(0, Math.min(direction, shape[0] - 1));
    const axis = packedAxis === 1 ? 0 : packedAxis === 2 ? 1 : undefined;
    return { rows: shape[1], cols: shape[2], offset: slice * shape[1] * shape[2], ...(axis !== undefined ? { packedAxis: axis } : {}) };
  }
  return undefined;
}

/** A heatmap grid in memory: the fields of its message (HeatmapGridMessage), with the values as float64. */
export type HeatmapGrid = Omit<HeatmapGridMessage, 'values'> & { readonly values: Float64Array };

/** First matrix row (or column) of grid block `k` of `blocks` over `n`. */
export function blockStart(k: number, blocks: number, n: number): number {
  return Math.floor((k * n) / blocks);
}

/** `values` (the array's) seen through `g`, reduced to at most maxRows × maxCols blocks. */
export function heatmapGrid(values: Float64Array, g: MatrixGeometry, maxRows: number, maxCols: number): HeatmapGrid {
  const gridRows = Math.max(1, Math.min(g.rows, Math.floor(maxRows)));
  const gridCols = Math.max(1, Math.min(g.cols, Math.floor(maxCols)));
  const out = new Float64Array(gridRows * gridCols);
  let lo = Infinity, hi = -Infinity;
  const colStart = new Int32Array(gridCols + 1);
  for (let c = 0; c <= gridCols; c++) colStart[c] = blockStart(c, gridCols, g.cols);
  for (let br = 0; br < gridRows; br++) {
    const r0 = blockStart(br, gridRows, g.rows), r1 = blockStart(br + 1, gridRows, g.rows);
    for (let bc = 0; bc < gridCols; bc++) {
      let pick = 0, size = -1;
      for (let r = r0; r < r1 && size === size; r++) {
        const base = g.offset + r * g.cols;
        for (let c = colStart[bc]; c < colStart[bc + 1]; c++) {
          const v = values[base + c];
          if (v !== v) { pick = v; size = NaN; break; }
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          const a = Math.abs(v);
          if (a > size) { size = a; pick = v; }
        }
      }
      out[br * gridCols + bc] = pick;
    }
  }
  // A block cut short by a NaN skipped the rest of its values for lo/hi: scan the view once more for those.
  if (out.some((v) => v !== v)) {
    lo = Infinity; hi = -Infinity;
    for (let r = 0; r < g.rows; r++) {
      const base = g.offset + r * g.cols;
      for (let c = 0; c < g.cols; c++) { const v = values[base + c]; if (v < lo) lo = v; if (v > hi) hi = v; }
    }
  }
  return { rows: g.rows, cols: g.cols, gridRows, gridCols, lo, hi, values: out };
}

/** True when the grid holds every value of the matrix (the webview then answers hovers itself). */
export function isExact(grid: Pick<HeatmapGrid, 'rows' | 'cols' | 'gridRows' | 'gridCols'>): boolean {
  return grid.rows === grid.gridRows && grid.cols === grid.gridCols;
}
