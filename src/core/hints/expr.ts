// A tiny integer-expression reader for slice bounds and constructor arguments written in Python ("2*H", "H:2*H",
// "units * 3", "(k+1)*n"). It never executes user code: it only understands integers, names looked up in a table,
// + - * // % and parentheses. Anything else yields undefined so the caller can say it could not resolve the bound.

import { matchLines } from './python';
import type { CodeView } from '../text/code-view';

export type NameLookup = (name: string) => number | undefined;

interface Cursor {
  readonly text: string;
  pos: number;
}

function skipSpace(c: Cursor): void {
  while (c.pos < c.text.length && /\s/.test(c.text[c.pos])) c.pos++;
}

function parseAtom(c: Cursor, lookup: NameLookup): number | undefined {
  skipSpace(c);
  const ch = c.text[c.pos];
  if (ch === '(') {
    c.pos++;
    const v = parseSum(c, lookup);
    skipSpace(c);
    if (c.text[c.pos] !== ')') return undefined;
    c.pos++;
    return v;
  }
  if (ch === '-' || ch === '+') {
    c.pos++;
    const v = parseAtom(c, lookup);
    return v === undefined ? undefined : ch === '-' ? -v : v;
  }
  const num = /^\d+/.exec(c.text.slice(c.pos));
  if (num) {
    c.pos += num[0].length;
    return Number(num[0]);
  }
  const name = /^[A-Za-z_][\w.]*/.exec(c.text.slice(c.pos));
  if (name) {
    c.pos += name[0].length;
    return lookup(name[0]);
  }
  return undefined;
}

function parseProduct(c: Cursor, lookup: NameLookup): number | undefined {
  let left = parseAtom(c, lookup);
  for (;;) {
    skipSpace(c);
    const rest = c.text.slice(c.pos);
    let op: string | undefined;
    if (rest.startsWith('//')) op = '//';
    else if (rest[0] === '*' && rest[1] !== '*') op = '*';
    else if (rest[0] === '%') op = '%';
    else if (rest[0] === '/') op = '/';
    if (!op) return left;
    c.pos += op.length;
    const right = parseAtom(c, lookup);
    if (left === undefined || right === undefined) return undefined;
    if (op === '*') left = left * right;
    else if (right === 0) return undefined;
    else if (op === '//') left = Math.floor(left / right);
    else if (op === '%') left = left - right * Math.floor(left / right);
    else {
      // True division only yields an index when it is exact.
      if (left % right !== 0) return undefined;
      left = left / right;
    }
  }
}

function parseSum(c: Cursor, lookup: NameLookup): number | undefined {
  let left = parseProduct(c, lookup);
  for (;;) {
    skipSpace(c);
    const ch = c.text[c.pos];
    if (ch !== '+' && ch !== '-') return left;
    c.pos++;
    const right = parseProduct(c, lookup);
    if (left === undefined || right === undefined) return undefined;
    left = ch === '+' ? left + right : left - right;
  }
}

/** The integer value of `text`, or undefined when it is not a closed integer expression over known names. */
export function evaluateInteger(text: string, lookup: NameLookup): number | undefined {
  const c: Cursor = { text, pos: 0 };
  const v = parseSum(c, lookup);
  skipSpace(c);
  if (c.pos !== text.length || v === undefined || !Number.isFinite(v) || !Number.isInteger(v)) return undefined;
  return v;
}

/**
 * Integer constants assigned at top level in Python-like text (`H = 3`, `units = 2 * H`), each with the offset of
 * its assignment so a later use sees the value in force at that point.
 */
export interface IntegerAssignment {
  readonly name: string;
  readonly value: number;
  readonly offset: number;
}

export function integerAssignments(text: string, view?: CodeView): IntegerAssignment[] {
  const out: IntegerAssignment[] = [];
  for (const { match: m, index } of matchLines(text, '=', /^[ \t]*([A-Za-z_]\w*)[ \t]*=(?!=)[ \t]*([^\n#]*)/, view)) {
    const rhs = m[2].trim();
    if (!rhs || rhs.length > 80) continue;
    const v = evaluateInteger(rhs, (n) => latestBefore(out, n, index));
    if (v !== undefined) out.push({ name: m[1], value: v, offset: index });
  }
  return out;
}

export function latestBefore(assignments: readonly IntegerAssignment[], name: string, offset: number): number | undefined {
  let found: number | undefined;
  for (const a of assignments) {
    if (a.offset >= offset) break;
    if (a.name === name) found = a.value;
  }
  return found;
}
