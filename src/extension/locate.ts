// Finding things of an analysis at a document position, and turning source offsets into editor ranges.

import * as vscode from 'vscode';
import type { ExtractedArray, SourceRange } from '../core/parse/types';
import type { ArrayRole, RecognizedDense, RecognizedLayer, SliceAnnotation } from '../core/recognize/types';
import { isInCell } from '../core/text/notebook-cell-view';
import type { Analysis } from '../worker/protocol';

export function toRange(document: vscode.TextDocument, range: SourceRange): vscode.Range {
  return new vscode.Range(document.positionAt(range.start), document.positionAt(range.end));
}

/** Whether a range of the analysis lies in this document (a notebook cell's view also holds other cells' ranges). */
export function isShown(analysis: Analysis, range: SourceRange): boolean {
  return !analysis.cell || isInCell(range, analysis.cell);
}

function contains(range: SourceRange | undefined, offset: number): boolean {
  return range !== undefined && offset >= range.start && offset <= range.end;
}

export interface ArrayHit {
  readonly array: ExtractedArray;
  /** The recurrent layer (or Dense head) the array belongs to, with its role there. */
  readonly layer?: RecognizedLayer;
  readonly dense?: RecognizedDense;
  readonly role?: ArrayRole;
}

/** The array under the cursor: on its name or anywhere in its literal. The innermost one wins when nested. */
export function arrayAt(analysis: Analysis, offset: number): ArrayHit | undefined {
  let best: ExtractedArray | undefined;
  for (const array of analysis.parse.arrays) {
    if (!contains(array.range, offset) && !contains(array.nameRange, offset)) continue;
    if (!best || array.range.end - array.range.start < best.range.end - best.range.start) best = array;
  }
  return best ? describeArray(analysis, best) : undefined;
}

export function describeArray(analysis: Analysis, array: ExtractedArray): ArrayHit {
  for (const layer of analysis.recognition.layers) {
    const role = layer.arrays.find((r) => r.arrayIndex === array.index);
    if (role) return { array, layer, role };
  }
  for (const dense of analysis.recognition.dense) {
    const role = dense.arrays.find((r) => r.arrayIndex === array.index);
    if (role) return { array, dense, role };
  }
  return { array };
}

export function sliceAt(analysis: Analysis, offset: number): SliceAnnotation | undefined {
  return analysis.recognition.slices.find((s) => contains(s.range, offset) || contains(s.targetRange, offset));
}

/** The layer the cursor is in (its arrays' span, or a slice that uses it), else the first layer. */
export function layerAt(analysis: Analysis, offset: number | undefined): RecognizedLayer | undefined {
  const layers = analysis.recognition.layers;
  if (offset !== undefined) {
    const inside = layers.find((l) => contains(l.range, offset) || l.arrays.some((r) => contains(analysis.parse.arrays[r.arrayIndex]?.range, offset)));
    if (inside) return inside;
    const slice = sliceAt(analysis, offset);
    const viaSlice = slice && layers.find((l) => l.id === slice.layerId);
    if (viaSlice) return viaSlice;
  }
  return layers[0];
}

export function layerById(analysis: Analysis, id: string | undefined): RecognizedLayer | undefined {
  return id === undefined ? undefined : analysis.recognition.layers.find((l) => l.id === id);
}

/** Indices of every array that is a weight of some layer (they cannot be inputs). */
export function weightIndices(analysis: Analysis): Set<number> {
  const out = new Set<number>();
  for (const l of analysis.recognition.layers) for (const r of l.arrays) out.add(r.arrayIndex);
  for (const d of analysis.recognition.dense) for (const r of d.arrays) out.add(r.arrayIndex);
  return out;
}

export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
