// Tokens that were meant as numbers but are not ones we read: typographic minus signs, full-width punctuation from
// CJK input methods, Fortran exponents. They are reported (never guessed at) with what to write instead, because
// reading them "sensibly" would be a guess about data that decides the numbers.

import { phrase, type Phrase } from '../messages';
import { LOOKALIKE_TEMPLATES as L } from './messages';

const LOOKALIKES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\u2212/, L.minusSign],
  [/[\u2012\u2013\u2014\uFE63\uFF0D]/, L.dash],
  [/[\uFF0C\u3001\uFE50]/, L.fullWidthComma],
  [/[\uFF0E\u3002]/, L.fullWidthStop],
  [/[\uFF10-\uFF19]/, L.fullWidthDigits],
  [/\d[dDqQ][+-]?\d/, L.fortranExponent],
  [/^\d+(\.\d*)?,\d/, L.decimalComma],
];

/** Why `token` is not a number we read, when it is a known look-alike (a LOOKALIKE_TEMPLATES phrase); undefined otherwise. */
export function lookalikeHint(token: string): Phrase | undefined {
  for (const [pattern, hint] of LOOKALIKES) if (pattern.test(token)) return phrase(hint);
  return undefined;
}

/**
 * True when a token that stopped a numeric literal was itself meant as a number (it starts like one, or is a known
 * look-alike): the literal is then a weight array that cannot be read, not ordinary code such as `[0.5, h_prev]`.
 */
export function meantAsNumber(token: string): boolean {
  return /^[\s]*[-+.\d\u2212\u2012\u2013\u2014\uFE63\uFF0D\uFF10-\uFF19]/.test(token) || lookalikeHint(token) !== undefined;
}

const NOT_A_NAME = /^(?:nan|inf|infinity)$/i;

/**
 * True when the token that stopped a literal is arithmetic on a name — `(1 - z) * h`, `(1-z)`, `(1 + np.exp(-x))` —
 * a line of code, not a weight array: an operator (after an optional number) followed by an identifier other than
 * nan / inf. `[0.1, - 0.2]` and `[0.1, −0.2]` stay weight arrays that cannot be read.
 */
export function arithmeticOnNames(text: string, at: number): boolean {
  const m = /^\s*(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*)?[-+*/]\s*([A-Za-z_]\w*)/.exec(text.slice(at, at + 80));
  return m !== null && !NOT_A_NAME.test(m[1]);
}

/**
 * True when the token that stopped a literal is Python's list repetition — `[1.0]*5`, `[0.0] * n` — a line of code
 * building a list, not a weight array missing a comma: `*` (not `**`) right after a closing bracket, then a count.
 */
export function listRepetition(text: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && (text[before] === ' ' || text[before] === '\t')) before--;
  if (text[before] !== ']' && text[before] !== ')') return false;
  return /^\s*\*(?!\*)\s*(?:\d+\b|[A-Za-z_]\w*)/.test(text.slice(at, at + 80));
}
