// Small, non-executing readers for Python source text: balanced brackets, top-level argument lists, literal values
// and comment spans. They let the hint and slice readers look at code without ever running it.

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
  const triple = text.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  while (i < text.length) {
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text.startsWith(close, i)) return i + close.length;
    if (!triple && text[i] === '\n') return i;
    i++;
  }
  return text.length;
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

/** [start, end) spans of `#` comments and string literals, so code searches can skip them. */
export function nonCodeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = skipString(text, i);
      spans.push([i, end]);
      i = end - 1;
    } else if (ch === '#') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      spans.push([i, end]);
      i = end - 1;
    }
  }
  return spans;
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
