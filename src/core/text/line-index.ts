// Offsets → 1-based line and column through one index of line starts, built in one pass over the text, so turning
// n ranges into positions costs O(text + n log lines) rather than a rescan from the start for every range.

export interface LinePosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units (what the document offsets count). */
  readonly column: number;
}

export class LineIndex {
  /** Offset of the first character of each line; lineStarts[0] = 0. */
  private readonly lineStarts: Uint32Array;
  /** Lookups answered so far: lets tests show the work is a lookup per range, never a rescan. */
  lookups = 0;

  constructor(readonly text: string) {
    let count = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
    const starts = new Uint32Array(count);
    let k = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[k++] = at + 1;
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line and column of `offset` (clamped to the text). */
  position(offset: number): LinePosition {
    this.lookups++;
    const at = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo] + 1 };
  }
}
