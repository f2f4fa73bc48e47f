// The model editor's heatmaps, answered from the read the host holds: a matrix at the size the webview draws it
// (webview/model/grid.ts) and exact values one at a time. Only what is drawn crosses to the webview.

import type { HeatmapGridMessage } from '../../protocol/modelMessages';
import { heatmapGrid, matrixGeometry, type MatrixGeometry } from '../../webview/model/grid';
import type { ModelRead } from './modelFiles';

interface MatrixValues {
  readonly values: Float64Array;
  readonly geometry: MatrixGeometry;
}

/** Matrix `matrix` (the index of its array role) of layer `layerId`, or undefined when the read has no such thing. */
function matrixOf(read: ModelRead, layerId: string, matrix: number): MatrixValues | undefined {
  const { analysis } = read.result;
  const role = analysis.recognition.layers.find((l) => l.id === layerId)?.arrays[matrix];
  const array = role && analysis.parse.arrays[role.arrayIndex];
  const geometry = array && matrixGeometry(array.shape, role.direction, role.packedAxis);
  if (!array || !geometry || geometry.offset + geometry.rows * geometry.cols > array.values.length) return undefined;
  return { values: array.values, geometry };
}

export function heatmapMessage(read: ModelRead, layerId: string, matrix: number, maxRows: number, maxCols: number): HeatmapGridMessage | undefined {
  const found = matrixOf(read, layerId, matrix);
  if (!found) return undefined;
  const grid = heatmapGrid(found.values, found.geometry, maxRows, maxCols);
  return { rows: grid.rows, cols: grid.cols, gridRows: grid.gridRows, gridCols: grid.gridCols, lo: grid.lo, hi: grid.hi, values: grid.values.buffer as ArrayBuffer };
}

/** The exact value at (row, col) as one float64 (JSON would lose NaN and ±Infinity), or undefined when out of range. */
export function cellValue(read: ModelRead, layerId: string, matrix: number, row: number, col: number): ArrayBuffer | undefined {
  const found = matrixOf(read, layerId, matrix);
  if (!found || row >= found.geometry.rows || col >= found.geometry.cols) return undefined;
  return Float64Array.of(found.values[found.geometry.offset + row * found.geometry.cols + col]).buffer;
}
