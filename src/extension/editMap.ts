// Offsets of an older version of a document, carried through the edits made since, so a hover can answer from the
// last complete analysis while the next one runs. Pure (no vscode import): the unit tests drive it directly.

/** One content change as VS Code reports it: `length` characters at `offset` replaced by `insertedLength`. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly insertedLength: number;
}

/**
 * Edits in the order they were applied, each relative to the text left by the ones before it (the order of
 * `TextDocumentChangeEvent.contentChanges`, which the extension host applies one after another, event after event).
 */
export class EditLog {
  private readonly edits: TextEdit[] = [];

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.edits.length;
  }

  /** False once more edits came than the log keeps: the mapping is then unknown and must not be used. */
  get usable(): boolean {
    return this.edits.length <= this.capacity;
  }

  push(edit: TextEdit): void {
    // One past the capacity marks the log as unusable; further edits need not be kept.
    if (this.edits.length <= this.capacity) this.edits.push(edit);
  }

  /**
   * Where a boundary of the old text is now; undefined when an edit replaced the text on both sides of it. Text
   * inserted exactly at a range's start goes before the range, at its end after it (`side`).
   */
  toNew(offset: number, side: 'start' | 'end' = 'start'): number | undefined {
    let at = offset;
    for (const edit of this.edits) {
      if (at < edit.offset) continue;
      if (at === edit.offset) {
        if (edit.length === 0 && side === 'start') at += edit.insertedLength;
        continue;
      }
      if (at < edit.offset + edit.length) return undefined;
      at += edit.insertedLength - edit.length;
    }
    return at;
  }

  /** Where an offset of the current text was in the old one; undefined inside text inserted since. */
  toOld(offset: number): number | undefined {
    let at = offset;
    for (let i = this.edits.length - 1; i >= 0; i--) {
      const edit = this.edits[i];
      if (at < edit.offset) continue;
      if (at >= edit.offset + edit.insertedLength) at -= edit.insertedLength - edit.length;
      else return undefined;
    }
    return at;
  }

  /**
   * An old range in the current text; a range whose inside was edited still covers what became of it. Undefined
   * when an edit replaced one of its ends.
   */
  rangeToNew(start: number, end: number): { start: number; end: number } | undefined {
    const newStart = this.toNew(start, 'start');
    const newEnd = this.toNew(end, 'end');
    return newStart === undefined || newEnd === undefined || newEnd < newStart ? undefined : { start: newStart, end: newEnd };
  }
}
