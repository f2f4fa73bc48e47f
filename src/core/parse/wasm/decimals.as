// AssemblyScript source of the WebAssembly decimal-run reader, compiled by scripts/build-wasm.mjs into decimals.wasm,
// which esbuild embeds into every bundle (.as, not .ts, for the reason kernels.as gives).
//
// It reads the shape nearly every printed weight has — `[-]d.ddd…`, one integer digit, a point, at most 18
// significant digits, no exponent — in runs separated as numeric-list.ts's readRun separates them, and stops before
// anything else. It is a transcription of scanDecimalBytes, decimalTail, storeDecimal and exactQuotient
// (../number.ts): the same integer chains and the same IEEE double operations in the same order, so every value is
// bit-identical to theirs, i.e. to parseFloat's. Where exactQuotient would hand over to its exact expansion
// arithmetic (a token within the error bound of a rounding midpoint) this module stops before the token, and
// JavaScript reads it. Why WebAssembly: a one-shot CLI run read most of its numbers before V8 had optimized the
// JavaScript loop; this code runs compiled from its first number.
//
// The module owns no heap: the JavaScript side (../decimal-runs.ts) places the byte window and the value buffer in
// linear memory and passes byte offsets.

const POW10 = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
]);

// @ts-ignore: decorator
@inline function pow10(k: i32): f64 {
  return load<f64>(POW10 + (<usize>k << 3));
}

/** What readRun saw besides its values, read by the JavaScript side after each call. */
const RESULT = memory.data(16);

/** The end of the module's static data: the JavaScript side lays its buffers out from here. */
export function dataEnd(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  return c == 32 || c == 10 || c == 13 || c == 9;
}

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c - 48 <= 9;
}

/** Characters that may follow a number (numeric-list.ts's ENDS_NUMBER; the window holds ASCII only). */
// @ts-ignore: decorator
@inline function endsNumber(c: u32): bool {
  return c == 44 || c == 93 || c == 41 || c == 91 || c == 40 || c == 32 || c - 9 <= 4 || c == 35;
}

// @ts-ignore: decorator
@inline function isFourDigits(four: u32): bool {
  return ((four & 0xf0f0f0f0) | (((four + 0x06060606) & 0xf0f0f0f0) >>> 4)) == 0x33333333;
}

// @ts-ignore: decorator
@inline function fourDigits(four: u32): u32 {
  const d = four - 0x30303030;
  const pairs = d * 10 + (d >>> 8);
  return (pairs & 0xff) * 100 + ((pairs >>> 16) & 0xff);
}

const SPLITTER: f64 = 134217729; // 2^27 + 1

/** exactQuotient of ../number.ts for ±(high·10^(digits−9) + low) / 10^q, 16–18 digits, q ≤ 22; NaN: not settled. */
function exactQuotient(high: i32, low: i32, digits: i32, q: i32): f64 {
  const p = <f64>high * pow10(digits - 9);
  const s = p + <f64>low;
  const sError = <f64>low - (s - p);
  const divisor = pow10(q);
  const x = s / divisor;
  if (sError == 0) return x;
  const t1 = x * divisor;
  const c = SPLITTER * x;
  const xHigh = c - (c - x);
  const xLow = x - xHigh;
  const cd = SPLITTER * divisor;
  const divisorHigh = cd - (cd - divisor);
  const divisorLow = divisor - divisorHigh;
  const t2 = xHigh * divisorHigh - t1 + xHigh * divisorLow + xLow * divisorHigh + xLow * divisorLow;
  const d1 = s - t1;
  const residual = d1 - t2 + sError;
  const xBits = reinterpret<u64>(x);
  const highWord = <u32>(xBits >>> 32);
  // 2^(E − 1076) for the biased exponent E (x ≥ 1e-7 here, far from the subnormal range).
  const h = reinterpret<f64>(<u64>((highWord >>> 20) - 53) << 52);
  const midpoint = h * divisor;
  const slack = (abs<f64>(d1) + abs<f64>(t2) + abs<f64>(sError)) * 4.5e-16 + midpoint * 3.6e-15;
  const powerOfTwo = <u32>xBits == 0 && (highWord & 0xfffff) == 0;
  if (residual < midpoint - slack && residual > slack - (powerOfTwo ? 0.5 * midpoint : midpoint)) return x;
  if (residual > midpoint + slack && residual < 3 * midpoint - slack) return x + 2 * h;
  if (!powerOfTwo && residual < -midpoint - slack && residual > slack - 2.5 * midpoint) return x - 2 * h;
  return NaN;
}

/**
 * Reads plain decimals from window offset `start` (where the last element ended) while each is preceded by
 * whitespace or a comma and followed by a character that may end a number, at most `room` of them, never starting at
 * an offset past `refillAt`. Values go to `out` (f64). Returns how many; RESULT holds the offset after the last one,
 * the most decimals any had and how many had that many, and whether any came after a comma and any after
 * whitespace only. Stops before any other token, leaving it (and its separators) to readRun.
 */
export function readRun(window: usize, start: i32, refillAt: i32, room: i32, out: usize): i32 {
  let i = start;
  let count = 0;
  let mostDecimals = -1;
  let atMostDecimals = 0;
  let sawComma = 0;
  let commaless = 0;
  while (count < room && i <= refillAt) {
    let p = window + <usize>i;
    let e = <u32>load<u8>(p);
    let space = false;
    while (isSpace(e)) {
      space = true;
      e = <u32>load<u8>(++p);
    }
    let comma = false;
    if (e == 44) {
      comma = true;
      e = <u32>load<u8>(++p);
      while (isSpace(e)) e = <u32>load<u8>(++p);
    }
    if (!space && !comma) break;
    const negative = e == 45;
    if (negative) p++;
    let high = <i32>load<u8>(p) - 48;
    if (<u32>high > 9 || load<u8>(p + 1) != 46 || load<u8>(p + 2) == 46) break;
    p += 2;
    const fractionStart = p;
    let digits = 1;
    if (high == 0) {
      digits = 0;
      while (load<u8>(p) == 48) p++;
    }
    while (digits <= 5) {
      const four = load<u32>(p);
      if (!isFourDigits(four)) break;
      high = high * 10000 + <i32>fourDigits(four);
      digits += 4;
      p += 4;
    }
    let c = <u32>load<u8>(p);
    while (isDigit(c) && digits < 9) {
      high = high * 10 + <i32>(c - 48);
      digits++;
      c = <u32>load<u8>(++p);
    }
    let value: f64;
    if (isDigit(c)) {
      let low = 0;
      digits = 9;
      while (digits <= 14) {
        const four = load<u32>(p);
        if (!isFourDigits(four)) break;
        low = low * 10000 + <i32>fourDigits(four);
        digits += 4;
        p += 4;
      }
      c = <u32>load<u8>(p);
      while (isDigit(c) && digits < 18) {
        low = low * 10 + <i32>(c - 48);
        digits++;
        c = <u32>load<u8>(++p);
      }
      if (isDigit(c) || c == 101 || c == 69 || c == 95) break;
      const q = <i32>(p - fractionStart);
      if (q > 22) break;
      if (digits <= 15) {
        const mantissa = <f64>high * pow10(digits - 9) + <f64>low;
        value = mantissa == 0 || q == 0 ? mantissa : mantissa / pow10(q);
      } else {
        value = exactQuotient(high, low, digits, q);
        if (isNaN(value)) break;
      }
    } else {
      const q = <i32>(p - fractionStart);
      if (c == 101 || c == 69 || c == 95 || q > 22) break;
      value = <f64>high / pow10(q);
    }
    // A 0 byte (the window's end) is not a delimiter here: readRun asks the text what follows.
    if (!endsNumber(<u32>load<u8>(p))) break;
    store<f64>(out + (<usize>count << 3), negative ? -value : value);
    count++;
    const decimals = <i32>(p - fractionStart);
    if (decimals > mostDecimals) {
      mostDecimals = decimals;
      atMostDecimals = 1;
    } else if (decimals == mostDecimals) atMostDecimals++;
    if (comma) sawComma = 1;
    else commaless = 1;
    i = <i32>(p - window);
  }
  store<i32>(RESULT, i);
  store<i32>(RESULT, mostDecimals, 4);
  store<i32>(RESULT, atMostDecimals, 8);
  store<i32>(RESULT, sawComma | (commaless << 1), 12);
  return count;
}

export function result(): usize {
  return RESULT;
}
