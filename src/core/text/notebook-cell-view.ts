// One cell's view of a notebook's analysis. A notebook is analysed as one joined document (notebook.ts), but an
// editor shows each cell as its own text document: this moves every range into the cell's own offsets, keeps the
// things that are placed in the text (diagnostics, slices) only where they lie in this cell, and leaves arrays and
// layers of other cells where the cell's text is not (below 0 or past its end), so lookups by offset never hit them
// and `isInCell` tells providers what to skip. Array indices and layer ids stay as they are: runs and links name them.
// A diagnostic about the cell's own text output (a truncated print, a layer that cannot run) has no text to sit on:
// it goes on the cell's first line, its message saying where in the output it is.

import { asPhrase, localized, type MessageArg } from '../messages';
import type { ExtractedArray, ParseResult, SourceRange } from '../parse/types';
import type { RecognizedDense, RecognizedLayer, Recognition } from '../recognize/types';
import { NOTEBOOK_TEMPLATES } from './notebook';

export interface CellSpan {
  /** Where the cell's source lies in the joined text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Where the cell's text outputs lie in the joined text (they are not in the cell's document). */
  readonly outputs?: readonly SourceRange[];
}

export interface CellView {
  readonly parse: ParseResult;
  readonly recognition: Recognition;
  /** The cell's span in the joined text: add `start` to a range of this view to get back to the joined text. */
  readonly cell: CellSpan;
}

/** Whether a range of a cell view lies in the cell's own text. */
export function isInCell(range: SourceRange, cell: CellSpan): boolean {
  return range.start >= 0 && range.end <= cell.end - cell.start;
}

function inside(range: SourceRange, cell: CellSpan): boolean {
  return range.start >= cell.start && range.end <= cell.end;
}

function insideOutput(range: SourceRange, cell: CellSpan): boolean {
  return (cell.outputs ?? []).some((o) => range.start >= o.start && range.end <= o.end);
}

interface Placed {
  readonly range: SourceRange;
  readonly message: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

/**
 * A diagnostic moved from the cell's output onto its first line: `fromOutput` is where it was, in the view's offsets
 * (outside the cell's text, like the output's arrays), for providers that look at what it is about (quick fixes).
 */
export type OutputDiagnostic<D extends Placed> = D & { readonly fromOutput?: SourceRange };

/**
 * The diagnostics a cell shows: those in its source, moved into its offsets, and — when `positionOf` names places
 * in the notebook — those in its text outputs, on its first line, prefixed with where in the output they are.
 */
function placedDiagnostics<D extends Placed>(items: readonly D[], cell: CellSpan, positionOf?: (offset: number) => MessageArg): OutputDiagnostic<D>[] {
  return items.flatMap((d): OutputDiagnostic<D>[] => {
    if (inside(d.range, cell)) return [{ ...d, range: shift(d.range, cell.start) }];
    if (!positionOf || !insideOutput(d.range, cell)) return [];
    const message = localized(NOTEBOOK_TEMPLATES.inOutput, positionOf(d.range.start), asPhrase(d));
    return [{ ...d, ...message, range: { start: 0, end: 0 }, fromOutput: shift(d.range, cell.start) }];
  });
}

function shift(range: SourceRange, by: number): SourceRange {
  return { start: range.start - by, end: range.end - by };
}

/** A layer's span, cut to the cell when it reaches into it (a layer whose arrays sit in several cells). */
function clipped(range: SourceRange, cell: CellSpan): SourceRange {
  if (range.end < cell.start || range.start > cell.end) return shift(range, cell.start);
  return shift({ start: Math.max(range.start, cell.start), end: Math.min(range.end, cell.end) }, cell.start);
}

function shiftArray(a: ExtractedArray, by: number): ExtractedArray {
  // Arrays read from model files carry {0, 0}: they have no place in any text, and a cell moves nothing of them.
  if (a.form === 'file') return a;
  return { ...a, range: shift(a.range, by), ...(a.nameRange ? { nameRange: shift(a.nameRange, by) } : {}) };
}

function shiftLayer(l: RecognizedLayer, cell: CellSpan): RecognizedLayer {
  return {
    ...l,
    range: clipped(l.range, cell),
    missing: l.missing.map((m) => (m.range ? { ...m, range: shift(m.range, cell.start) } : m)),
  };
}

function shiftDense(d: RecognizedDense, cell: CellSpan): RecognizedDense {
  return { ...d, range: clipped(d.range, cell) };
}

/**
 * The analysis of the joined notebook text as the cell whose source spans `cell` sees it. `positionOf` (the
 * notebook's notebookPositionOf) lets the diagnostics of the cell's outputs show on the cell.
 */
export function cellView(parse: ParseResult, recognition: Recognition, cell: CellSpan, positionOf?: (offset: number) => MessageArg): CellView {
  const by = cell.start;
  const local = <T extends { readonly range: SourceRange }>(items: readonly T[]): T[] => items.filter((d) => inside(d.range, cell));
  return {
    cell,
    parse: {
      ...parse,
      arrays: parse.arrays.map((a) => shiftArray(a, by)),
      diagnostics: placedDiagnostics(parse.diagnostics, cell, positionOf),
      ...(parse.shapes ? { shapes: parse.shapes.map((s) => ({ ...s, range: shift(s.range, by), ...(s.nameRange ? { nameRange: shift(s.nameRange, by) } : {}) })) } : {}),
    },
    recognition: {
      ...recognition,
      layers: recognition.layers.map((l) => shiftLayer(l, cell)),
      dense: recognition.dense.map((d) => shiftDense(d, cell)),
      slices: local(recognition.slices).map((s) => ({ ...s, range: shift(s.range, by), ...(s.targetRange ? { targetRange: shift(s.targetRange, by) } : {}) })),
      diagnostics: placedDiagnostics(recognition.diagnostics, cell, positionOf),
    },
  };
}

/** Whether a range of a cell view lies in one of the cell's own outputs. */
export function isInCellOutput(range: SourceRange, cell: CellSpan): boolean {
  const start = range.start + cell.start;
  const end = range.end + cell.start;
  return (cell.outputs ?? []).some((o) => start >= o.start && end <= o.end);
}

/** The layers with an array printed in this cell's outputs (what the cell's "weights in the output" lens names). */
export function layersInCellOutputs(view: Pick<CellView, 'parse' | 'recognition' | 'cell'>): RecognizedLayer[] {
  return view.recognition.layers.filter((l) => l.arrays.some((r) => {
    const a = view.parse.arrays[r.arrayIndex];
    return a !== undefined && a.form !== 'file' && isInCellOutput(a.range, view.cell);
  }));
}
