// The document with the bodies of its numeric literals cut out, so that searches for code (constructor calls,
// assignments, imports, slices, strings and comments) look at the few kilobytes of code around megabytes of pasted
// numbers instead of rescanning the numbers once per search. The extractor has already read every body it cuts: a
// body holds numbers, separators, brackets and nan/inf spellings, none of which any code search looks for.
//
// Searches run on `code`; `original` maps a match back to a document offset, and the caller keeps reading the
// document itself from there (brackets, arguments), so every offset it reports is a document offset as before.

import type { SourceRange } from '../parse/types';

/** Bodies shorter than this are left in: cutting them saves nothing. */
const MIN_CUT = 256;
/** How far from a literal's start its opening bracket may be (`np.array(`, `torch.tensor(`, `array(`). */
const OPENING_WINDOW = 64;
/** How far from a literal's end its closing bracket may be (`, dtype=np.float32)`, `, requires_grad=True)`). */
const CLOSING_WINDOW = 256;

export class CodeView {
  /** The document without the cut bodies (each cut leaves its brackets: `np.array([])`). */
  readonly code: string;
  /** Per piece of `code`, in order: where it starts in `code` and in the document. */
  private readonly codeStarts: number[];
  private readonly documentStarts: number[];

  constructor(readonly text: string, literals: readonly SourceRange[] = []) {
    const cuts = bodies(text, literals);
    if (!cuts.length) {
      this.code = text;
      this.codeStarts = [0];
      this.documentStarts = [0];
      return;
    }
    const parts: string[] = [];
    this.codeStarts = [];
    this.documentStarts = [];
    let from = 0;
    let length = 0;
    for (const [start, end] of cuts) {
      parts.push(text.slice(from, start));
      this.codeStarts.push(length);
      this.documentStarts.push(from);
      length += start - from;
      from = end;
    }
    parts.push(text.slice(from));
    this.codeStarts.push(length);
    this.documentStarts.push(from);
    this.code = parts.join('');
  }

  /** Whether anything was cut (when not, `code` is the document and offsets are the same). */
  get cut(): boolean {
    return this.codeStarts.length > 1;
  }

  /** The document offset of `code` offset `at`. */
  original(at: number): number {
    const k = lastAtOrBefore(this.codeStarts, at);
    return this.documentStarts[k] + (at - this.codeStarts[k]);
  }

  /** The `code` offset of document offset `at`; an offset inside a cut body maps to the first code after it. */
  codeOffset(at: number): number {
    const k = lastAtOrBefore(this.documentStarts, at);
    const pieceEnd = k + 1 < this.codeStarts.length ? this.codeStarts[k + 1] : this.code.length;
    return Math.min(this.codeStarts[k] + (at - this.documentStarts[k]), pieceEnd);
  }

  /**
   * Every match of the global regular expression `pattern` in the code, with its document offset, in order. The
   * callback may return a `code` offset to resume the search from (default: after the match).
   */
  forEachMatch(pattern: RegExp, visit: (match: RegExpExecArray, documentOffset: number) => number | void): void {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(this.code); m; m = pattern.exec(this.code)) {
      const resume = visit(m, this.original(m.index));
      if (resume !== undefined) pattern.lastIndex = resume;
      else if (m[0].length === 0) pattern.lastIndex++;
    }
  }

  /** Whether the pattern (no g flag needed) matches anywhere in the code. */
  test(pattern: RegExp): boolean {
    pattern.lastIndex = 0;
    return pattern.test(this.code);
  }
}

/**
 * [start, end) of each body to cut, sorted and disjoint: between a long literal's outer brackets. A body with a `#`
 * in it is kept: a comment there may say what the layer is, and code searches read comments.
 */
function bodies(text: string, literals: readonly SourceRange[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const r of literals) {
    if (r.end - r.start < MIN_CUT || r.start < 0 || r.end > text.length) continue;
    const open = firstSquareBracket(text, r.start, Math.min(r.end, r.start + OPENING_WINDOW));
    if (open < 0) continue;
    const close = lastSquareBracket(text, Math.max(open + 1, r.end - CLOSING_WINDOW), r.end);
    if (close < 0 || close - open - 1 < MIN_CUT) continue;
    found.push([open + 1, close]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: Array<[number, number]> = [];
  // The next `#` at or after the current body: searched forward only, so all bodies together cost one pass.
  let hash = -1;
  for (const cut of found) {
    const last = out[out.length - 1];
    // Nested literals (a list's children inside it): the outer body already covers them.
    if (last && cut[0] < last[1]) continue;
    if (hash !== Infinity && hash < cut[0]) {
      hash = text.indexOf('#', cut[0]);
      if (hash < 0) hash = Infinity;
    }
    if (hash < cut[1]) continue;
    out.push(cut);
  }
  return out;
}

/** The first `[` in [from, to). */
function firstSquareBracket(text: string, from: number, to: number): number {
  const square = text.slice(from, to).indexOf('[');
  return square >= 0 ? from + square : -1;
}

/** The last `]` in [from, to). */
function lastSquareBracket(text: string, from: number, to: number): number {
  const square = text.slice(from, to).lastIndexOf(']');
  return square >= 0 ? from + square : -1;
}

function lastAtOrBefore(sorted: readonly number[], at: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
