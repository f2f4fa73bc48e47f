// Decimal number reading with a result bit-identical to parseFloat of the same text.
//
// Fast path (Clinger's): when the decimal significand has at most 15 digits it is an exact integer below 2^53, and
// every power of ten up to 1e22 is an exact double, so one IEEE multiplication or division rounds the exact
// decimal value once, correctly, exactly as a correct strtod does.
// Second path, for 16–19 significant digits divided by 10^0…10^22 (float64 weights as json.dumps/repr print them:
// 0.12345678901234567): a candidate quotient is corrected by deciding exactly, with error-free transformations
// (Dekker's product, Knuth's two-sum, Shewchuk's expansion sum), on which side of each rounding midpoint the decimal
// value lies — the same answer a correct strtod gives, without building a string.
// Anything else (20+ digits, larger exponents, digit separators) falls back to parseFloat on the token's text;
// V8's parseFloat is correctly rounded.

/** 1e0 … 1e22: the powers of ten that are exact doubles (5^22 < 2^53). */
const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const MAX_FAST_DIGITS = 15;
const MAX_EXACT_DIGITS = 19;

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
  // The common shapes ([-]digits[.digits][e±digits], at most 15 significant digits) in tight loops; everything
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
  // The first 15 significant digits go to `mantissa` (exact below 2^53), the next 4 to `low`.
  let mantissa = 0;
  let low = 0;
  let significant = 0;
  while (c >= 48 && c <= 57) {
    if (significant < MAX_FAST_DIGITS) mantissa = mantissa * 10 + (c - 48);
    else low = low * 10 + (c - 48);
    significant++;
    c = text.charCodeAt(++i);
  }
  let anyDigit = i > integerStart;
  let exponent = 0;
  let integer = true;
  let decimals = -1;
  if (c === 46 /* . */ && text.charCodeAt(i + 1) !== 46) {
    integer = false;
    c = text.charCodeAt(++i);
    const fractionStart = i;
    if (significant === 0) while (c === 48) c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      if (significant < MAX_FAST_DIGITS) mantissa = mantissa * 10 + (c - 48);
      else low = low * 10 + (c - 48);
      significant++;
      c = text.charCodeAt(++i);
    }
    exponent = fractionStart - i;
    if (anyDigit) decimals = i - fractionStart;
    if (i > fractionStart) anyDigit = true;
  }
  if (c === 95 /* _ */ || significant > MAX_EXACT_DIGITS) return readNumberGeneral(text, pos);
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
        if (e < 100000) e = e * 10 + (d - 48);
        d = text.charCodeAt(++j);
      }
      exponent += expNegative ? -e : e;
      i = j;
    } else lastNumber.exponent = false;
  } else lastNumber.exponent = false;
  lastNumber.end = i;
  lastNumber.isInteger = integer;
  lastNumber.decimals = decimals;
  if (mantissa === 0) return negative ? -0 : 0;
  let value: number;
  if (significant > MAX_FAST_DIGITS) {
    if (exponent > 0 || exponent < -22) return slowNumber(text, pos, i, false);
    value = exactQuotient(mantissa, significant - MAX_FAST_DIGITS, low, -exponent);
    if (value !== value) return slowNumber(text, pos, i, false);
    return negative ? -value : value;
  }
  if (exponent === 0) value = mantissa;
  else if (exponent > 0 && exponent <= 22) value = mantissa * POW10[exponent];
  else if (exponent < 0 && exponent >= -22) value = mantissa / POW10[-exponent];
  else return slowNumber(text, pos, i, false);
  return negative ? -value : value;
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
  // The first 15 significant digits, the next up to 4, and how many there were.
  let mantissa = 0;
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
      if (mantissa !== 0 || c !== 48) {
        if (significant < MAX_FAST_DIGITS) mantissa = mantissa * 10 + (c - 48);
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
        if (mantissa !== 0 || c !== 48) {
          if (significant < MAX_FAST_DIGITS) mantissa = mantissa * 10 + (c - 48);
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
  if (exact) {
    if (mantissa === 0) return negative ? -0 : 0;
    let value: number;
    if (significant > MAX_FAST_DIGITS) {
      if (exponent > 0 || exponent < -22) return slowNumber(text, pos, i, false);
      value = exactQuotient(mantissa, significant - MAX_FAST_DIGITS, low, -exponent);
      if (value !== value) return slowNumber(text, pos, i, false);
      return negative ? -value : value;
    }
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
let mantissaIsZero = false;

/** Also sets mantissaIsZero: whether x is a power of two. */
function halfUlp(x: number): number {
  bits[0] = x;
  mantissaIsZero = words[LOW] === 0 && (words[HIGH] & 0xfffff) === 0;
  const biased = (words[HIGH] >>> 20) & 0x7ff;
  words[HIGH] = (biased - 53) << 20;
  words[LOW] = 0;
  return bits[0];
}

function isOdd(x: number): boolean {
  bits[0] = x;
  return (words[LOW] & 1) === 1;
}

/**
 * The double nearest to m / 10^q (ties to even), m = high·10^lowDigits + low with high < 10^15, lowDigits ≤ 4,
 * q ≤ 22; NaN when it does not settle (never expected; the caller then uses parseFloat).
 */
function exactQuotient(high: number, lowDigits: number, low: number, q: number): number {
  // m = s + sError + pError exactly: p + pError = high·10^lowDigits (Dekker's product with the power's split from
  // a table), then s + sError = p + low (Knuth's two-sum). All inline: this runs once per 16–19 digit number.
  const pow = POW10[lowDigits];
  const p = high * pow;
  let c = SPLITTER * high;
  const highHigh = c - (c - high);
  const highLow = high - highHigh;
  const powHigh = POW10_HIGH[lowDigits], powLow = POW10_LOW[lowDigits];
  const pError = highHigh * powHigh - p + highHigh * powLow + highLow * powHigh + highLow * powLow;
  const s = p + low;
  const virtual = s - p;
  const sError = p - (s - virtual) + (low - virtual);
  const divisor = POW10[q];
  let x = s / divisor;
  // Clinger: when the sum is exact (m < 2^53, as for most 16-digit tokens), one division rounds the exact quotient.
  if (sError === 0 && pError === 0) return x;
  // Quick acceptance: the residual m − x·divisor, computed to within `slack`, lies well inside (−h, h)·divisor,
  // so m / divisor rounds to x. Four roundings of at most 2^-53 of the running sum each bound the error; x must
  // not be a power of two, where the gap below is half the gap above.
  const t1 = x * divisor;
  c = SPLITTER * x;
  const xHigh = c - (c - x);
  const xLow = x - xHigh;
  const divisorHigh = POW10_HIGH[q], divisorLow = POW10_LOW[q];
  const t2 = xHigh * divisorHigh - t1 + xHigh * divisorLow + xLow * divisorHigh + xLow * divisorLow;
  const d1 = s - t1;
  const residual = d1 - t2 + sError + pError;
  const slack = (Math.abs(d1) + Math.abs(t2) + Math.abs(sError) + Math.abs(pError)) * 8.9e-16;
  const h0 = halfUlp(x);
  if (!mantissaIsZero && Math.abs(residual) + slack < h0 * divisor) return x;
  for (let step = 0; step < 4; step++) {
    // Upper midpoint x + h: is m above, on or below (x + h)·divisor?
    const h = halfUlp(x);
    const upper = signOfSum(s, sError, pError, -twoProduct(x, divisor), -productLow, -h * divisor);
    if (upper > 0) {
      x = nextUp(x);
      continue;
    }
    if (upper === 0) return isOdd(x) ? nextUp(x) : x;
    const below = nextDown(x);
    const hb = halfUlp(below);
    const lower = signOfSum(s, sError, pError, -twoProduct(below, divisor), -productLow, -hb * divisor);
    if (lower < 0) {
      x = below;
      continue;
    }
    if (lower === 0) return isOdd(x) ? below : x;
    return x;
  }
  return NaN;
}
