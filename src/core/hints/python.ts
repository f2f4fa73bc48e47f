// Small, non-executing readers for Python source text: balanced brackets, top-level argument lists, literal values
// and comment spans. They let the hint and slice readers look at code without ever running it.

import type { CodeView } from '../text/code-view';

/** Index just past the bracket that closes the one at `open`, or -1. Strings and comments are skipped. */
export function matchBracket(text: string, open: number, limit = text.length): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < limit; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      i = skipString(text, i) - 1;
      continue;
    }
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl;
      continue;
    }
    if (pairs[ch]) stack.push(pairs[ch]);
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/** Index just past the string literal starting at `start` (a quote), handling triple quotes and escapes. */
export function skipString(text: string, start: number): number {
  const q = text[start];
  if (text.startsWith(q.repeat(3), start)) return skipTripleQuoted(text, start + 3, q.repeat(3));
  // A one-line string ends at its quote or at the line break (the break is not part of it); `\` escapes one character.
  const body = q === '"' ? DOUBLE_QUOTED_BODY : SINGLE_QUOTED_BODY;
  body.lastIndex = start + 1;
  body.test(text);
  const at = body.lastIndex;
  const c = text.charCodeAt(at);
  if (c === 10) return at;
  // Past the quote; at the end (or a lone `\` at the very end) the string runs to the end of the text.
  return c === text.charCodeAt(start) ? at + 1 : text.length;
}

// Sticky: they match from lastIndex only, in native code, and stop at the quote, the line break or the end.
const SINGLE_QUOTED_BODY = /(?:[^'\\\n]|\\[\s\S])*/y;
const DOUBLE_QUOTED_BODY = /(?:[^"\\\n]|\\[\s\S])*/y;

/** Past the closing triple quote (or the end): native searches for the close and for backslashes before it. */
function skipTripleQuoted(text: string, from: number, close: string): number {
  let i = from;
  for (;;) {
    const end = text.indexOf(close, i);
    if (end < 0) return text.length;
    // Backslashes are looked for before the close only, so many strings never cost a search to the end of the text.
    const escape = text.slice(i, end).indexOf('\\');
    if (escape < 0) return end + 3;
    i += escape + 2;
  }
}

export interface ArgumentText {
  /** Keyword name, when written `name=value`. */
  readonly keyword?: string;
  readonly value: string;
  /** Offset of `value` in the document. */
  readonly offset: number;
}

/** Splits the text between a call's parentheses at top-level commas. `offset` is the document offset of `inner`. */
export function splitArguments(inner: string, offset: number): ArgumentText[] {
  const out: ArgumentText[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number): void => {
    const raw = inner.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (!trimmed) return;
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(trimmed);
    if (kw) out.push({ keyword: kw[1], value: trimmed.slice(kw[0].length), offset: offset + start + lead + kw[0].length });
    else out.push({ value: trimmed, offset: offset + start + lead });
  };
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '"' || ch === "'") {
      i = skipString(inner, i) - 1;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(inner.length);
  return out;
}

export type PyValue = number | string | boolean | null | PyValue[];

/** A Python literal (number, string, True/False/None, list/tuple of those), or undefined. */
export function parseLiteral(text: string): PyValue | undefined {
  const t = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  const s = /^[rbuRBU]?(['"])(.*)\1$/s.exec(t);
  if (s) return s[2];
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('(') && t.endsWith(')'))) {
    const items = splitArguments(t.slice(1, -1), 0).map((a) => parseLiteral(a.value));
    if (items.some((v) => v === undefined)) return undefined;
    return items as PyValue[];
  }
  return undefined;
}

/**
 * [start, end) spans of `#` comments and string literals, so code searches can skip them. One pass that jumps from one
 * quote or `#` to the next with a native search: megabytes of pasted numbers hold neither and cost next to nothing.
 * Compute it once per text and share it (readHints returns it as `Hints.nonCode`). With a code view the search skips
 * the numeric literals' bodies (they hold no `#`; a quote there only in `float('nan')`), each span still ends where
 * the document says.
 */
export function nonCodeSpans(text: string, view?: CodeView): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const code = view?.cut ? view.code : text;
  const next = /["'#]/g;
  while (next.test(code)) {
    const at = code === text ? next.lastIndex - 1 : view!.original(next.lastIndex - 1);
    let end: number;
    if (text.charCodeAt(at) === 35) {
      end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
    } else {
      end = skipString(text, at);
    }
    spans.push([at, end]);
    next.lastIndex = code === text ? end : view!.codeOffset(end);
  }
  return spans;
}

/**
 * The [start, end) of every line that holds `needle`, once each, in order (end at the line break). Line-anchored
 * scans (`^import …`, `^name = …`) run on these lines only: a multiline `^` regex would try every position of
 * megabytes of numbers, where a native search for the needle skips them.
 */
export function linesContaining(text: string, needle: string): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let from = 0;
  for (let at = text.indexOf(needle, from); at >= 0; at = text.indexOf(needle, from)) {
    const start = text.lastIndexOf('\n', at - 1) + 1;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    lines.push([start, end]);
    from = end + 1;
  }
  return lines;
}

/**
 * Each match of the line-anchored `pattern` (written with a leading ^, no g/m flags) on the lines holding `needle`,
 * with document offsets. The pattern runs sticky at each such line's start: no copy of the line, no other position.
 * With `view` the needle is searched in the code without the numbers' bodies (a needle of code is never in them), so
 * megabytes of pasted numbers are not read once per search; the pattern still runs on the document's line.
 */
export function matchLines(text: string, needle: string, pattern: RegExp, view?: CodeView): Array<{ match: RegExpExecArray; index: number }> {
  const sticky = new RegExp(pattern.source.replace(/^\^/, ''), 'y');
  const out: Array<{ match: RegExpExecArray; index: number }> = [];
  const code = view?.cut ? view.code : text;
  let from = 0;
  for (let found = code.indexOf(needle, from); found >= 0; found = code.indexOf(needle, from)) {
    const at = code === text ? found : view!.original(found);
    const start = text.lastIndexOf('\n', at - 1) + 1;
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (match) out.push({ match, index: start });
    const end = text.indexOf('\n', at);
    if (end < 0) break;
    from = code === text ? end + 1 : view!.codeOffset(end + 1);
  }
  return out;
}

/** The span holding `offset`, if any (spans sorted and disjoint). */
export function spanAt(spans: ReadonlyArray<readonly [number, number]>, offset: number): readonly [number, number] | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = spans[mid];
    if (offset < s) hi = mid - 1;
    else if (offset >= e) lo = mid + 1;
    else return spans[mid];
  }
  return undefined;
}

export function insideSpans(spans: ReadonlyArray<readonly [number, number]>, offset: number): boolean {
  return spanAt(spans, offset) !== undefined;
}
