// Decimal number reading with a result bit-identical to parseFloat of the same text.
//
// Fast path (Clinger's): when the decimal significand has at most 15 digits it is an exact integer below 2^53, and
// every power of ten up to 1e22 is an exact double, so one IEEE multiplication or division rounds the exact
// decimal value once, correctly, exactly as a correct strtod does. Anything else (16+ significant digits, larger
// exponents, digit separators) falls back to parseFloat on the token's text; V8's parseFloat is correctly rounded.

/** 1e0 … 1e22: the powers of ten that are exact doubles (5^22 < 2^53). */
const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const MAX_FAST_DIGITS = 15;

/** What the last readNumber call saw, besides its value (a shared object: no allocation per number). */
export const lastNumber = {
  /** Index after the token, or -1 when there was no number. */
  end: -1,
  /** No fraction and no exponent: an integer literal. */
  isInteger: false,
};

/**
 * Reads `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5`, `5.`, and Python's `1_000`) at `pos`.
 * Sets lastNumber; returns NaN with lastNumber.end = -1 when no number starts at `pos`.
 * A trailing `e` without exponent digits is left unread (the caller decides whether that is an error).
 */
export function readNumber(text: string, pos: number): number {
  let i = pos;
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === 45 /* - */) {
    negative = true;
    c = text.charCodeAt(++i);
  } else if (c === 43 /* + */) {
    c = text.charCodeAt(++i);
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let anyDigit = false;
  let exact = true;
  let underscore = false;
  let integer = true;
  while (true) {
    if (c >= 48 && c <= 57) {
      anyDigit = true;
      if (mantissa !== 0 || c !== 48) {
        if (significant < MAX_FAST_DIGITS) {
          mantissa = mantissa * 10 + (c - 48);
          significant++;
        } else {
          exact = false;
        }
      }
      c = text.charCodeAt(++i);
    } else if (c === 95 /* _ */ && anyDigit && isDigit(text.charCodeAt(i + 1))) {
      underscore = true;
      exact = false;
      c = text.charCodeAt(++i);
    } else break;
  }
  // A '.' followed by another '.' starts an ellipsis, not a fraction.
  if (c === 46 /* . */ && text.charCodeAt(i + 1) !== 46) {
    integer = false;
    c = text.charCodeAt(++i);
    while (true) {
      if (c >= 48 && c <= 57) {
        anyDigit = true;
        if (mantissa !== 0 || c !== 48) {
          if (significant < MAX_FAST_DIGITS) {
            mantissa = mantissa * 10 + (c - 48);
            significant++;
            exponent--;
          } else {
            exact = false;
          }
        } else {
          exponent--;
        }
        c = text.charCodeAt(++i);
      } else if (c === 95 && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) {
        underscore = true;
        exact = false;
        c = text.charCodeAt(++i);
      } else break;
    }
  }
  if (!anyDigit) {
    lastNumber.end = -1;
    return NaN;
  }
  if (c === 101 /* e */ || c === 69 /* E */) {
    let j = i + 1;
    let d = text.charCodeAt(j);
    let expNegative = false;
    if (d === 45) {
      expNegative = true;
      d = text.charCodeAt(++j);
    } else if (d === 43) {
      d = text.charCodeAt(++j);
    }
    if (d >= 48 && d <= 57) {
      integer = false;
      let e = 0;
      while (d >= 48 && d <= 57) {
        // Saturate: anything this large is decided by parseFloat anyway.
        if (e < 100000) e = e * 10 + (d - 48);
        d = text.charCodeAt(++j);
      }
      exponent += expNegative ? -e : e;
      i = j;
    }
  }
  lastNumber.end = i;
  lastNumber.isInteger = integer;
  if (exact) {
    if (mantissa === 0) return negative ? -0 : 0;
    let value: number;
    if (exponent === 0) value = mantissa;
    else if (exponent > 0 && exponent <= 22) value = mantissa * POW10[exponent];
    else if (exponent < 0 && exponent >= -22) value = mantissa / POW10[-exponent];
    else return slowNumber(text, pos, i, false);
    return negative ? -value : value;
  }
  return slowNumber(text, pos, i, underscore);
}

function slowNumber(text: string, start: number, end: number, underscore: boolean): number {
  const token = text.slice(start, end);
  return parseFloat(underscore ? token.replace(/_/g, '') : token);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
