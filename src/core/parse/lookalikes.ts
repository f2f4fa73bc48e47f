// Tokens that were meant as numbers but are not ones we read: typographic minus signs, full-width punctuation from
// CJK input methods, Fortran exponents. They are reported (never guessed at) with what to write instead, because
// reading them "sensibly" would be a guess about data that decides the numbers.

const LOOKALIKES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\u2212/, "U+2212 '−' is a typographic minus sign; write '-'"],
  [/[\u2012\u2013\u2014\uFE63\uFF0D]/, "a dash that is not '-' stands where a minus sign belongs; write '-'"],
  [/[\uFF0C\u3001\uFE50]/, "a full-width comma (from a CJK input method) separates the values; write ','"],
  [/[\uFF0E\u3002]/, "a full-width full stop stands where a decimal point belongs; write '.'"],
  [/[\uFF10-\uFF19]/, "full-width digits; write the ASCII digits 0-9"],
  [/\d[dDqQ][+-]?\d/, "a Fortran-style exponent ('D'); write 'e' (1.0D+00 → 1.0e+00)"],
  [/^\d+(\.\d*)?,\d/, "a decimal comma; write '.'"],
];

/** Why `token` is not a number we read, when it is a known look-alike; undefined otherwise. */
export function lookalikeHint(token: string): string | undefined {
  for (const [pattern, hint] of LOOKALIKES) if (pattern.test(token)) return hint;
  return undefined;
}

/**
 * True when a token that stopped a numeric literal was itself meant as a number (it starts like one, or is a known
 * look-alike): the literal is then a weight array that cannot be read, not ordinary code such as `[0.5, h_prev]`.
 */
export function meantAsNumber(token: string): boolean {
  return /^[\s]*[-+.\d\u2212\u2012\u2013\u2014\uFE63\uFF0D\uFF10-\uFF19]/.test(token) || lookalikeHint(token) !== undefined;
}
