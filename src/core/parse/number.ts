// Decimal number reading with a result bit-identical to parseFloat of the same text.
//
// Fast path (Clinger's): when the decimal significand has at most 15 digits it is an exact integer below 2^53, and
// every power of ten up to 1e22 is an exact double, so one IEEE multiplication or division rounds the exact
// decimal value once, correctly, exactly as a correct strtod does.
// Second path, for 16–18 significant digits divided by 10^0…10^22 (float64 weights as json.dumps/repr print them:
// 0.12345678901234567): the quotient of the rounded significand is a candidate; the residual of the exact
// significand, computed with error-free transformations (Dekker's product, Knuth's two-sum) to a known bound, moves
// it by at most one ulp; only within that bound of a rounding midpoint does Shewchuk's exact expansion sum decide —
// the same answer a correct strtod gives, without building a string.
// Anything else (19+ digits, larger exponents, digit separators) falls back to parseFloat on the token's text;
// V8's parseFloat is correctly rounded.

/** 1e0 … 1e22: the powers of ten that are exact doubles (5^22 < 2^53). */
const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const MAX_FAST_DIGITS = 15;
const MAX_EXACT_DIGITS = 18;

/** What the last readNumber call saw, besides its value (a shared object: no allocation per number). */
export const lastNumber = {
  /** Index after the token, or -1 when there was no number. */
  end: -1,
  /** No fraction and no exponent: an integer literal. */
  isInteger: false,
  /** Digits after the point when digits stand before it (`0.1250` → 4, `5.` → 0); -1 otherwise (`.5`, `3`, `1e-3`). */
  decimals: -1,
  /** An exponent was read (`1.5e-3`). */
  exponent: false,
};

/**
 * Reads `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5`, `5.`, and Python's `1_000`) at `pos`.
 * Sets lastNumber; returns NaN with lastNumber.end = -1 when no number starts at `pos`.
 * A trailing `e` without exponent digits is left unread (the caller decides whether that is an error).
 */
export function readNumber(text: string, pos: number): number {
  const end = scanNumber(text, pos, scalar, 0);
  lastNumber.end = end;
  return end < 0 ? NaN : scalar[0];
}

const scalar = new Float64Array(1);

/**
 * readNumber for hot loops: writes the value to `out[at]` and returns the index after the token (-1 when no
 * number starts at `pos`; `out[at]` is then unspecified). Sets lastNumber's other fields. A double returned from a
 * call that is not inlined is boxed on the heap; written to a typed array it is not (1.7 million numbers in a
 * 21 MB text were 27 MB of garbage).
 */
export function scanNumber(text: string, pos: number, out: Float64Array, at: number): number {
  // The common shapes ([-]digits[.digits][e±digits], at most 18 significant digits) in tight loops; everything
  // else (more digits, digit separators) goes to readNumberGeneral.
  let i = pos;
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === 45 /* - */) {
    negative = true;
    c = text.charCodeAt(++i);
  } else if (c === 43 /* + */) {
    c = text.charCodeAt(++i);
  }
  const integerStart = i;
  while (c === 48) c = text.charCodeAt(++i);
  // Significant digits in two int32 chains (see storeDecimal): the first 9 in `high`, the next 9 in `low`.
  let high = 0;
  let low = 0;
  let digits = 0;
  while (c >= 48 && c <= 57 && digits < 9) {
    high = (high * 10 + c - 48) | 0;
    digits++;
    c = text.charCodeAt(++i);
  }
  while (c >= 48 && c <= 57 && digits < 18) {
    low = (low * 10 + c - 48) | 0;
    digits++;
    c = text.charCodeAt(++i);
  }
  if (c >= 48 && c <= 57) return scanGeneral(text, pos, out, at);
  let anyDigit = i > integerStart;
  let exponent = 0;
  let integer = true;
  let decimals = -1;
  if (c === 46 /* . */ && text.charCodeAt(i + 1) !== 46) {
    integer = false;
    c = text.charCodeAt(++i);
    const fractionStart = i;
    if (digits === 0) while (c === 48) c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57 && digits < 9) {
      high = (high * 10 + c - 48) | 0;
      digits++;
      c = text.charCodeAt(++i);
    }
    while (c >= 48 && c <= 57 && digits < 18) {
      low = (low * 10 + c - 48) | 0;
      digits++;
      c = text.charCodeAt(++i);
    }
    if (c >= 48 && c <= 57) return scanGeneral(text, pos, out, at);
    exponent = fractionStart - i;
    if (anyDigit) decimals = i - fractionStart;
    if (i > fractionStart) anyDigit = true;
  }
  if (c === 95 /* _ */) return scanGeneral(text, pos, out, at);
  if (!anyDigit) return -1;
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
      lastNumber.exponent = true;
      let e = 0;
      while (d >= 48 && d <= 57) {
        if (e < 100000) e = e * 10 + (d - 48);
        d = text.charCodeAt(++j);
      }
      exponent += expNegative ? -e : e;
      i = j;
    } else lastNumber.exponent = false;
  } else lastNumber.exponent = false;
  lastNumber.isInteger = integer;
  lastNumber.decimals = decimals;
  if (!storeDecimal(high, low, digits, exponent, negative, out, at)) out[at] = slowNumber(text, pos, i, false);
  return i;
}

/** What scanNumberBytes returns when the token needs the text (digit separators, 19+ digits, a far exponent). */
export const READ_FROM_TEXT = -2;

/**
 * scanNumber on ASCII bytes (a window of the text, see numeric-list.ts), kept in step with it: the same shapes, the
 * same lastNumber fields, the same values (the tests read every token both ways). Returns the index after the token,
 * -1 when no number starts at `pos`, or READ_FROM_TEXT for any shape it leaves to scanNumber. Fraction digits are
 * taken four at a time (one 32-bit load, a digit test and a multiply-add for all four); `view` is a DataView of
 * `bytes`' buffer, readable at least 4 bytes past the token's end.
 */
export function scanNumberBytes(bytes: Uint8Array, view: DataView, pos: number, out: Float64Array, at: number): number {
  let i = pos;
  let c = bytes[i];
  let negative = false;
  if (c === 45 /* - */) {
    negative = true;
    c = bytes[++i];
  } else if (c === 43 /* + */) {
    c = bytes[++i];
  }
  const integerStart = i;
  while (c === 48) c = bytes[++i];
  let high = 0;
  let low = 0;
  let digits = 0;
  while (c >= 48 && c <= 57 && digits < 9) {
    high = (high * 10 + c - 48) | 0;
    digits++;
    c = bytes[++i];
  }
  while (c >= 48 && c <= 57 && digits < 18) {
    low = (low * 10 + c - 48) | 0;
    digits++;
    c = bytes[++i];
  }
  if (c >= 48 && c <= 57) return READ_FROM_TEXT;
  let anyDigit = i > integerStart;
  let exponent = 0;
  let integer = true;
  let decimals = -1;
  if (c === 46 /* . */ && bytes[i + 1] !== 46) {
    integer = false;
    const fractionStart = ++i;
    if (digits === 0) while (bytes[i] === 48) i++;
    // Four digits per step while they fit the chain: `high` up to 9 digits, then `low` up to 9.
    while (digits <= 5) {
      const four = view.getUint32(i, true);
      if (!isFourDigits(four)) break;
      high = (high * 10000 + fourDigits(four)) | 0;
      digits += 4;
      i += 4;
    }
    c = bytes[i];
    while (c >= 48 && c <= 57 && digits < 9) {
      high = (high * 10 + c - 48) | 0;
      digits++;
      c = bytes[++i];
    }
    while (digits >= 9 && digits <= 14) {
      const four = view.getUint32(i, true);
      if (!isFourDigits(four)) break;
      low = (low * 10000 + fourDigits(four)) | 0;
      digits += 4;
      i += 4;
    }
    c = bytes[i];
    while (c >= 48 && c <= 57 && digits < 18) {
      low = (low * 10 + c - 48) | 0;
      digits++;
      c = bytes[++i];
    }
    if (c >= 48 && c <= 57) return READ_FROM_TEXT;
    exponent = fractionStart - i;
    if (anyDigit) decimals = i - fractionStart;
    if (i > fractionStart) anyDigit = true;
  }
  if (c === 95 /* _ */) return READ_FROM_TEXT;
  if (!anyDigit) return -1;
  if (c === 101 /* e */ || c === 69 /* E */) {
    let j = i + 1;
    let d = bytes[j];
    let expNegative = false;
    if (d === 45) {
      expNegative = true;
      d = bytes[++j];
    } else if (d === 43) {
      d = bytes[++j];
    }
    if (d >= 48 && d <= 57) {
      integer = false;
      lastNumber.exponent = true;
      let e = 0;
      while (d >= 48 && d <= 57) {
        if (e < 100000) e = e * 10 + (d - 48);
        d = bytes[++j];
      }
      exponent += expNegative ? -e : e;
      i = j;
    } else lastNumber.exponent = false;
  } else lastNumber.exponent = false;
  lastNumber.isInteger = integer;
  lastNumber.decimals = decimals;
  return storeDecimal(high, low, digits, exponent, negative, out, at) ? i : READ_FROM_TEXT;
}

/** What scanDecimalBytes returns for a token outside its shape: scanNumberBytes reads it. */
export const NOT_PLAIN = -3;

/**
 * The shape nearly every printed weight has — `[-]d.ddd…` (one integer digit, a point, up to 18 significant digits
 * in all, no exponent; also `5.`) — read from ASCII bytes like scanNumberBytes (same value, same lastNumber
 * fields). Up to 9 significant digits (float32 weights as NumPy prints them) it is small enough for V8 to inline
 * into the caller's loop; longer tokens go on in decimalTail. Returns the index after the token, or NOT_PLAIN for any
 * other shape (more integer digits, `+`, `.5`, an exponent, `_`, 19+ digits, a far exponent) without writing
 * anything. `view` as for scanNumberBytes.
 */
export function scanDecimalBytes(bytes: Uint8Array, view: DataView, pos: number, out: Float64Array, at: number): number {
  let i = pos;
  const negative = bytes[i] === 45;
  if (negative) i++;
  let high = bytes[i] - 48;
  // One digit, a point, and no second point (`0...` is a number before an ellipsis).
  if (high >>> 0 > 9 || bytes[i + 1] !== 46 || bytes[i + 2] === 46) return NOT_PLAIN;
  i += 2;
  const fractionStart = i;
  let digits = 1;
  if (high === 0) {
    digits = 0;
    while (bytes[i] === 48) i++;
  }
  while (digits <= 5) {
    const four = view.getUint32(i, true);
    if (!isFourDigits(four)) break;
    high = (high * 10000 + fourDigits(four)) | 0;
    digits += 4;
    i += 4;
  }
  let c = bytes[i];
  while (c >= 48 && c <= 57 && digits < 9) {
    high = (high * 10 + c - 48) | 0;
    digits++;
    c = bytes[++i];
  }
  if (c >= 48 && c <= 57) return decimalTail(bytes, view, i, high, fractionStart, negative, out, at);
  const exponent = i - fractionStart;
  if (c === 101 || c === 69 || c === 95 || exponent > 22) return NOT_PLAIN;
  // At most 9 digits: an exact integer divided by an exact power of ten, rounded once (Clinger, see storeDecimal).
  const value = high / POW10[exponent];
  out[at] = negative ? -value : value;
  lastNumber.isInteger = false;
  lastNumber.decimals = exponent;
  lastNumber.exponent = false;
  return i;
}

/** scanDecimalBytes from the 10th significant digit on (at `i`; the first 9 are in `high`). */
function decimalTail(bytes: Uint8Array, view: DataView, pos: number, high: number, fractionStart: number, negative: boolean, out: Float64Array, at: number): number {
  let i = pos;
  let low = 0;
  let digits = 9;
  while (digits <= 14) {
    const four = view.getUint32(i, true);
    if (!isFourDigits(four)) break;
    low = (low * 10000 + fourDigits(four)) | 0;
    digits += 4;
    i += 4;
  }
  let c = bytes[i];
  while (c >= 48 && c <= 57 && digits < 18) {
    low = (low * 10 + c - 48) | 0;
    digits++;
    c = bytes[++i];
  }
  if ((c >= 48 && c <= 57) || c === 101 || c === 69 || c === 95) return NOT_PLAIN;
  if (!storeDecimal(high, low, digits, fractionStart - i, negative, out, at)) return NOT_PLAIN;
  lastNumber.isInteger = false;
  lastNumber.decimals = i - fractionStart;
  lastNumber.exponent = false;
  return i;
}

/** Four bytes loaded little-endian are all ASCII digits: each high nibble is 3 and adding 6 carries out of none. */
function isFourDigits(four: number): boolean {
  return ((four & 0xf0f0f0f0) | (((four + 0x06060606) & 0xf0f0f0f0) >>> 4)) === 0x33333333;
}

/** The value of four ASCII digits loaded little-endian (the first digit in the low byte). */
function fourDigits(four: number): number {
  const d = (four - 0x30303030) | 0; // each byte 0…9
  const pairs = (d * 10 + (d >>> 8)) | 0; // byte 0: first two digits, byte 2: last two
  return (pairs & 0xff) * 100 + ((pairs >>> 16) & 0xff);
}

function scanGeneral(text: string, pos: number, out: Float64Array, at: number): number {
  out[at] = readNumberGeneral(text, pos);
  return lastNumber.end;
}

/**
 * Writes to `out[at]` the double nearest to the decimal ±(high·10^(digits−9) + low)·10^exponent, where `high`
 * holds the first min(digits, 9) significant digits and `low` the rest (digits ≤ 18); false, writing nothing, when
 * only parseFloat can tell (exponent outside the exact ranges). Two int32 chains instead of one float64 multiply-add
 * per digit: each digit costs an integer multiply-add, and the halves meet in one exact product (high < 2^30,
 * 10^k = 2^k·5^k with 5^9 < 2^21). The result goes to a typed array, not a return value (see scanNumber).
 */
function storeDecimal(high: number, low: number, digits: number, exponent: number, negative: boolean, out: Float64Array, at: number): boolean {
  if (digits <= MAX_FAST_DIGITS) {
    const mantissa = digits <= 9 ? high : high * POW10[digits - 9] + low;
    let value: number;
    if (mantissa === 0 || exponent === 0) value = mantissa;
    else if (exponent < 0 && exponent >= -22) value = mantissa / POW10[-exponent];
    else if (exponent > 0 && exponent <= 22) value = mantissa * POW10[exponent];
    else return false;
    out[at] = negative ? -value : value;
    return true;
  }
  if (exponent > 0 || exponent < -22) return false;
  return exactQuotient(high, low, digits, -exponent, negative, out, at);
}

/** readNumber for every shape: digit separators, 16–19 significant digits (exactQuotient), more (parseFloat). */
function readNumberGeneral(text: string, pos: number): number {
  let i = pos;
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === 45 /* - */) {
    negative = true;
    c = text.charCodeAt(++i);
  } else if (c === 43 /* + */) {
    c = text.charCodeAt(++i);
  }
  // The first 9 significant digits, the next up to 9 (as in readNumber), and how many there were.
  let high = 0;
  let low = 0;
  let significant = 0;
  let exponent = 0;
  let anyDigit = false;
  let exact = true;
  let underscore = false;
  let integer = true;
  let decimals = -1;
  while (true) {
    if (c >= 48 && c <= 57) {
      anyDigit = true;
      if (significant !== 0 || c !== 48) {
        if (significant < 9) high = high * 10 + (c - 48);
        else if (significant < MAX_EXACT_DIGITS) low = low * 10 + (c - 48);
        else exact = false;
        significant++;
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
    const digitsBefore = anyDigit;
    const fractionStart = i + 1;
    c = text.charCodeAt(++i);
    while (true) {
      if (c >= 48 && c <= 57) {
        anyDigit = true;
        if (significant !== 0 || c !== 48) {
          if (significant < 9) high = high * 10 + (c - 48);
          else if (significant < MAX_EXACT_DIGITS) low = low * 10 + (c - 48);
          else exact = false;
          significant++;
        }
        exponent--;
        c = text.charCodeAt(++i);
      } else if (c === 95 && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) {
        underscore = true;
        exact = false;
        c = text.charCodeAt(++i);
      } else break;
    }
    if (digitsBefore && !underscore) decimals = i - fractionStart;
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
      lastNumber.exponent = true;
      let e = 0;
      while (d >= 48 && d <= 57) {
        // Saturate: anything this large is decided by parseFloat anyway.
        if (e < 100000) e = e * 10 + (d - 48);
        d = text.charCodeAt(++j);
      }
      exponent += expNegative ? -e : e;
      i = j;
    } else lastNumber.exponent = false;
  } else lastNumber.exponent = false;
  lastNumber.end = i;
  lastNumber.isInteger = integer;
  lastNumber.decimals = underscore ? -1 : decimals;
  if (exact && storeDecimal(high, low, significant, exponent, negative, scalar, 0)) return scalar[0];
  return slowNumber(text, pos, i, underscore);
}

function slowNumber(text: string, start: number, end: number, underscore: boolean): number {
  const token = text.slice(start, end);
  return parseFloat(underscore ? token.replace(/_/g, '') : token);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// ---- exact rounding of (high·10^lowDigits + low) / 10^q, for 16–19 significant digits ----

const SPLITTER = 134217729; // 2^27 + 1: Veltkamp's split for Dekker's exact product
let productLow = 0;

/** Veltkamp's split of each power of ten (high + low = 10^k, each half fits 26 bits), for Dekker's product. */
const POW10_HIGH = Float64Array.from(POW10, (v) => {
  const c = SPLITTER * v;
  return c - (c - v);
});
const POW10_LOW = Float64Array.from(POW10, (v, k) => v - POW10_HIGH[k]);


/** a·b = return value + productLow, exactly (no overflow or underflow in the ranges used here). */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  const ca = SPLITTER * a;
  const aHigh = ca - (ca - a);
  const aLow = a - aHigh;
  const cb = SPLITTER * b;
  const bHigh = cb - (cb - b);
  const bLow = b - bHigh;
  productLow = aHigh * bHigh - p + aHigh * bLow + aLow * bHigh + aLow * bLow;
  return p;
}

const expansion = new Float64Array(8);

/** The exact sign of a + b + c + d + e + f (Shewchuk's grow-expansion with zero elimination). */
function signOfSum(a: number, b: number, c: number, d: number, e: number, f: number): number {
  let length = 0;
  for (let t = 0; t < 6; t++) {
    let q = t === 0 ? a : t === 1 ? b : t === 2 ? c : t === 3 ? d : t === 4 ? e : f;
    let k = 0;
    for (let j = 0; j < length; j++) {
      const component = expansion[j];
      const sum = q + component;
      const virtual = sum - q;
      const error = q - (sum - virtual) + (component - virtual);
      if (error !== 0) expansion[k++] = error;
      q = sum;
    }
    if (q !== 0) expansion[k++] = q;
    length = k;
  }
  // In a nonoverlapping expansion the largest component carries the sign of the whole sum.
  return length === 0 ? 0 : expansion[length - 1] > 0 ? 1 : -1;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
bits[0] = 1;
const HIGH = words[1] === 0x3ff00000 ? 1 : 0;
const LOW = 1 - HIGH;

/** 2^(E − 1076) for each biased exponent E: half the gap between doubles in the binade [2^(E−1023), 2^(E−1022)). */
const HALF_ULP = Float64Array.from({ length: 2048 }, (_, biased) => 2 ** (biased - 1076));

function nextUp(x: number): number {
  bits[0] = x;
  if (words[LOW] === 0xffffffff) {
    words[LOW] = 0;
    words[HIGH]++;
  } else words[LOW]++;
  return bits[0];
}

function nextDown(x: number): number {
  bits[0] = x;
  if (words[LOW] === 0) {
    words[LOW] = 0xffffffff;
    words[HIGH]--;
  } else words[LOW]--;
  return bits[0];
}

/** Half the gap from x to the next double up (x positive and normal, far from the subnormal range). */
function halfUlp(x: number): number {
  bits[0] = x;
  return HALF_ULP[words[HIGH] >>> 20];
}

function isOdd(x: number): boolean {
  bits[0] = x;
  return (words[LOW] & 1) === 1;
}

/**
 * Writes to `out[at]` the double nearest to ±(high·10^(digits−9) + low) / 10^q (ties to even) for 16–18
 * significant digits and q ≤ 22; false when it does not settle (never expected). Small integers in, so that a call
 * that is not inlined boxes no double.
 */
function exactQuotient(high: number, low: number, digits: number, q: number, negative: boolean, out: Float64Array, at: number): boolean {
  // m = s + sError exactly: p is exact (see storeDecimal), and Dekker's fast two-sum suffices as p > low.
  const p = high * POW10[digits - 9];
  const s = p + low;
  const sError = low - (s - p);
  const divisor = POW10[q];
  const x = s / divisor;
  // Clinger: when the sum is exact (m < 2^53, as for most 16-digit tokens), one division rounds the exact quotient.
  if (sError === 0) {
    out[at] = negative ? -x : x;
    return true;
  }
  // m / divisor is within about one ulp of x. The residual m − x·divisor, computed to within `slack` (Dekker's
  // product gives x·divisor = t1 + t2 exactly; s − t1 is exact by Sterbenz; two roundings after that), tells on
  // which side of the midpoints x ± h it lies; only when it lies within the slack of one (or x is a power of two,
  // whose gap below is half the gap above) does the exact expansion arithmetic decide.
  const t1 = x * divisor;
  const c = SPLITTER * x;
  const xHigh = c - (c - x);
  const xLow = x - xHigh;
  const divisorHigh = POW10_HIGH[q], divisorLow = POW10_LOW[q];
  const t2 = xHigh * divisorHigh - t1 + xHigh * divisorLow + xLow * divisorHigh + xLow * divisorLow;
  const d1 = s - t1;
  const residual = d1 - t2 + sError;
  bits[0] = x;
  const highWord = words[HIGH];
  const h = HALF_ULP[highWord >>> 20];
  const midpoint = h * divisor;
  // 2^-51 of the summands bounds the two roundings of the residual; 2^-48 of the midpoint the roundings of the bounds.
  const slack = (Math.abs(d1) + Math.abs(t2) + Math.abs(sError)) * 4.5e-16 + midpoint * 3.6e-15;
  // Below a power of two the gap is half the gap above: its lower midpoint is x − h/2.
  const powerOfTwo = words[LOW] === 0 && (highWord & 0xfffff) === 0;
  let nearest: number;
  if (residual < midpoint - slack && residual > slack - (powerOfTwo ? 0.5 * midpoint : midpoint)) nearest = x;
  else if (residual > midpoint + slack && residual < 3 * midpoint - slack) nearest = x + 2 * h;
  // x − 2h may itself be a power of two, with its lower midpoint at x − 2.5h: the bound used for all.
  else if (!powerOfTwo && residual < -midpoint - slack && residual > slack - 2.5 * midpoint) nearest = x - 2 * h;
  else return nearestByExpansion(x, s, sError, divisor, negative, out, at);
  out[at] = negative ? -nearest : nearest;
  return true;
}

/** The exact decision of exactQuotient near a midpoint, written to out[at]; false when it does not settle. */
function nearestByExpansion(start: number, s: number, sError: number, divisor: number, negative: boolean, out: Float64Array, at: number): boolean {
  let x = start;
  for (let step = 0; step < 4; step++) {
    // Upper midpoint x + h: is m above, on or below (x + h)·divisor?
    const h = halfUlp(x);
    const upper = signOfSum(s, sError, 0, -twoProduct(x, divisor), -productLow, -h * divisor);
    if (upper > 0) {
      x = nextUp(x);
      continue;
    }
    if (upper === 0) {
      if (isOdd(x)) x = nextUp(x);
      out[at] = negative ? -x : x;
      return true;
    }
    const below = nextDown(x);
    const hb = halfUlp(below);
    const lower = signOfSum(s, sError, 0, -twoProduct(below, divisor), -productLow, -hb * divisor);
    if (lower < 0) {
      x = below;
      continue;
    }
    if (lower === 0 && isOdd(x)) x = below;
    out[at] = negative ? -x : x;
    return true;
  }
  return false;
}
