// A Jupyter notebook (.ipynb, nbformat 4) read as one document: every cell's source and every text output
// (execute_result / display_data `text/plain`, `stream` text) joined in order, so weights printed by one cell, the
// constructor in another and the slicing code in a third are read together. Each piece keeps where it came from, so a
// range in the joined text maps back to (cell, source or output, offset inside it). Nothing in the notebook is run.

import { phrase, type MessageArg } from '../messages';
import { LineIndex, type LinePosition } from './line-index';

export type NotebookPart = 'source' | 'output';

export interface NotebookSegment {
  /** 0-based index of the cell in the notebook. */
  readonly cell: number;
  readonly cellType: string;
  /** The cell's execution count, the `[n]` of `In [n]:` that Jupyter and VS Code show beside it, when it has run. */
  readonly executionCount?: number;
  readonly part: NotebookPart;
  /** For outputs: 0-based index in the cell's outputs. */
  readonly output?: number;
  /** Where the piece sits in the joined text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface NotebookDocument {
  readonly text: string;
  readonly segments: readonly NotebookSegment[];
  /** The Python kernel's language when the notebook says one (metadata.kernelspec / language_info). */
  readonly language?: string;
}

export interface NotebookLocation {
  readonly cell: number;
  readonly executionCount?: number;
  readonly part: NotebookPart;
  readonly output?: number;
  /** Offset inside that cell source or output text. */
  readonly offset: number;
  /** 1-based line and column inside it. */
  readonly line: number;
  readonly column: number;
}

export class NotebookError extends Error {}

/** Between pieces: a blank line, so a bracket left open in one cell never swallows the next. */
const SEPARATOR = '\n\n';

const joinLines = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]).join('') : undefined;

/** The text an output shows: text/plain of a result or display, the text of a stream. */
export function outputText(output: unknown): string | undefined {
  if (!output || typeof output !== 'object') return undefined;
  const o = output as Record<string, unknown>;
  if (o['output_type'] === 'stream') return joinLines(o['text']);
  if (o['output_type'] === 'execute_result' || o['output_type'] === 'display_data') {
    const data = o['data'];
    return data && typeof data === 'object' ? joinLines((data as Record<string, unknown>)['text/plain']) : undefined;
  }
  return undefined;
}

/** One cell as text: what the .ipynb holds, or what an editor's notebook model holds. */
export interface NotebookCellText {
  /** 'code', 'markdown' or 'raw' (raw cells are not read: they are for other tools). */
  readonly cellType: string;
  readonly source: string;
  /** The text each output shows, in the cell's output order (undefined for outputs without text). */
  readonly outputs: readonly (string | undefined)[];
  /** The `[n]` the cell shows (nbformat `execution_count`, VS Code `executionSummary.executionOrder`). */
  readonly executionCount?: number;
}

/** An execution count as nbformat allows it (a non-negative integer; null or anything else: the cell has not run). */
export function executionCountOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * How messages name a cell: its position in the notebook (1-based) and, when it has run, the `[In n]` the user sees
 * beside it — "3 [In 7]" — since after re-runs and reordering the two differ and the user finds a cell by either.
 */
export function cellReference(cell: number, executionCount?: number): string {
  return executionCount === undefined ? String(cell) : `${cell} [In ${executionCount}]`;
}

/**
 * The cells joined in order into one document: each cell's source then its text outputs, a blank line between
 * pieces. The CLI (from the .ipynb) and the editor (from its notebook model) both join through here, so both read
 * the same text and report the same positions.
 */
export function joinNotebookCells(cells: readonly NotebookCellText[], language?: string): NotebookDocument {
  const pieces: string[] = [];
  const segments: NotebookSegment[] = [];
  let at = 0;
  const add = (text: string, segment: Omit<NotebookSegment, 'start' | 'end'>): void => {
    if (!text) return;
    if (pieces.length) {
      pieces.push(SEPARATOR);
      at += SEPARATOR.length;
    }
    pieces.push(text);
    segments.push({ ...segment, start: at, end: at + text.length });
    at += text.length;
  };
  cells.forEach((c, index) => {
    if (c.cellType === 'raw') return;
    const count = c.cellType === 'code' ? executionCountOf(c.executionCount) : undefined;
    const cell = { cell: index, cellType: c.cellType, ...(count !== undefined ? { executionCount: count } : {}) };
    add(c.source, { ...cell, part: 'source' });
    c.outputs.forEach((o, k) => add(o ?? '', { ...cell, part: 'output', output: k }));
  });
  return { text: pieces.join(''), segments, ...(language !== undefined ? { language } : {}) };
}

/** Parses .ipynb JSON into the joined document; a precise NotebookError when it is not a notebook. */
export function readNotebook(json: string): NotebookDocument {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new NotebookError(`not a notebook: the .ipynb is not valid JSON (${(e as Error).message})`);
  }
  const cells = nb && typeof nb === 'object' ? (nb as Record<string, unknown>)['cells'] : undefined;
  if (!Array.isArray(cells)) {
    throw new NotebookError('not a notebook this reader knows: no "cells" list (nbformat 4 keeps cells at the top level)');
  }
  const texts = cells.map((cell: unknown): NotebookCellText => {
    // A cell that is not an object keeps its index (positions name cells as the notebook numbers them).
    if (!cell || typeof cell !== 'object') return { cellType: 'raw', source: '', outputs: [] };
    const c = cell as Record<string, unknown>;
    const cellType = typeof c['cell_type'] === 'string' ? (c['cell_type'] as string) : 'code';
    const outputs = Array.isArray(c['outputs']) ? (c['outputs'] as unknown[]) : [];
    const executionCount = executionCountOf(c['execution_count']);
    return { cellType, source: joinLines(c['source']) ?? '', outputs: outputs.map(outputText), ...(executionCount !== undefined ? { executionCount } : {}) };
  });
  const meta = (nb as Record<string, unknown>)['metadata'] as Record<string, Record<string, unknown> | undefined> | undefined;
  const language = meta?.['language_info']?.['name'] ?? meta?.['kernelspec']?.['language'];
  return joinNotebookCells(texts, typeof language === 'string' ? language : undefined);
}

/** Where an offset of the joined text lies in the notebook (undefined on a separator). */
export function locate(doc: NotebookDocument, offset: number): NotebookLocation | undefined {
  const segs = doc.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segs[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const s = segs[lo];
  if (!s || offset < s.start || offset > s.end) return undefined;
  const inside = offset - s.start;
  const before = doc.text.slice(s.start, offset);
  const lastBreak = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  return {
    cell: s.cell, ...(s.executionCount !== undefined ? { executionCount: s.executionCount } : {}), part: s.part,
    ...(s.output !== undefined ? { output: s.output } : {}), offset: inside, line, column: inside - lastBreak,
  };
}

/** A position in a notebook: the cell (1-based) with its execution count, source or output (1-based), line:column inside. */
export type NotebookPosition = LinePosition & { readonly cell?: number; readonly executionCount?: number; readonly part?: NotebookPart; readonly output?: number };

/** Line index over the joined text whose positions are inside each cell, with the cell they belong to. */
export class NotebookLineIndex extends LineIndex {
  constructor(readonly notebook: NotebookDocument) {
    super(notebook.text);
  }

  override position(offset: number): NotebookPosition {
    const joined = super.position(offset);
    const l = locate(this.notebook, offset);
    if (!l) return joined;
    return {
      line: l.line, column: l.column, cell: l.cell + 1, ...(l.executionCount !== undefined ? { executionCount: l.executionCount } : {}), part: l.part,
      ...(l.output !== undefined ? { output: l.output + 1 } : {}),
    };
  }
}

/** "cell 7 [In 12] output 3:5" for a notebook position, "3:5" for a plain one. */
export function positionLabel(p: NotebookPosition): string {
  if (p.cell === undefined) return `${p.line}:${p.column}`;
  return `cell ${cellReference(p.cell, p.executionCount)}${p.part === 'output' ? ` output${p.output !== undefined && p.output > 1 ? ` ${p.output}` : ''}` : ''} ${p.line}:${p.column}`;
}

/** How messages name a place in a notebook (translated by hosts like every core template; {0} is a cellReference). */
export const NOTEBOOK_TEMPLATES = {
  cellLine: 'cell {0}, line {1}',
  outputLine: 'cell {0} output, line {1}',
  nthOutputLine: 'cell {0} output {1}, line {2}',
  /** A diagnostic about a cell's output, shown on the cell: {0} is one of the above, {1} the diagnostic. */
  inOutput: 'in {0}: {1}',
} as const;

/**
 * A position in messages ("the bias of lstm at cell 3 [In 7], line 2:5 was printed in summarised form"): the cell as
 * the notebook numbers it from 1 with the `[In n]` it shows, the line:column inside its source or output, never an
 * offset of the joined text.
 */
export function notebookPositionOf(doc: NotebookDocument): (offset: number) => MessageArg {
  const lines = new NotebookLineIndex(doc);
  return (offset) => {
    const p = lines.position(offset);
    const lc = `${p.line}:${p.column}`;
    if (p.cell === undefined) return lc;
    const cell = cellReference(p.cell, p.executionCount);
    if (p.part !== 'output') return phrase(NOTEBOOK_TEMPLATES.cellLine, cell, lc);
    return p.output !== undefined && p.output > 1 ? phrase(NOTEBOOK_TEMPLATES.nthOutputLine, cell, p.output, lc) : phrase(NOTEBOOK_TEMPLATES.outputLine, cell, lc);
  };
}
