import * as assert from 'node:assert/strict';
import { lastNumber, NOT_PLAIN, READ_FROM_TEXT, readNumber, scanDecimalBytes, scanNumber, scanNumberBytes } from '../../../src/core/parse/number';
import { mulberry32 } from '../../../src/core/random';

function same(token: string): void {
  const value = readNumber(token, 0);
  assert.equal(lastNumber.end, token.length, `${token}: read to ${lastNumber.end}`);
  assert.ok(Object.is(value, parseFloat(token)), `${token}: ${value} vs parseFloat ${parseFloat(token)}`);
}

describe('readNumber', () => {
  it('reads the token shapes and reports where it stopped and whether it was an integer', () => {
    assert.equal(readNumber('12,', 0), 12);
    assert.equal(lastNumber.end, 2);
    assert.equal(lastNumber.isInteger, true);
    assert.equal(readNumber('x=-1.5e-3]', 2), -0.0015);
    assert.equal(lastNumber.end, 9);
    assert.equal(lastNumber.isInteger, false);
    assert.equal(readNumber('5.]', 0), 5);
    assert.equal(lastNumber.end, 2);
    assert.equal(readNumber('1e', 0), 1); // the 'e' is left for the caller to reject
    assert.equal(lastNumber.end, 1);
    assert.ok(Number.isNaN(readNumber('-x', 0)));
    assert.equal(lastNumber.end, -1);
    assert.ok(Number.isNaN(readNumber('...', 0)));
    assert.equal(lastNumber.end, -1);
    assert.equal(readNumber('1...', 0), 1);
    assert.equal(lastNumber.end, 1);
  });

  it('equals parseFloat on 16–19 significant digits at every decimal exponent down to -22', () => {
    let seed = 99;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let k = 0; k < 40000; k++) {
      const digits = 16 + Math.floor(random() * 4);
      let mantissa = String(1 + Math.floor(random() * 9));
      for (let d = 1; d < digits; d++) mantissa += Math.floor(random() * 10);
      const point = Math.floor(random() * (digits + 1));
      let token = point === 0 ? `0.${'0'.repeat(Math.floor(random() * 4))}${mantissa}` : `${mantissa.slice(0, point)}.${mantissa.slice(point)}`;
      if (random() < 0.3) token += `e-${Math.floor(random() * 8)}`;
      if (random() < 0.5) token = `-${token}`;
      same(token);
    }
  });

  it('rounds exact ties between doubles to even, as parseFloat does (integers above 2^53)', () => {
    for (let bit = 53n; bit <= 63n; bit++) {
      for (let k = 0n; k < 300n; k++) {
        const n = (1n << bit) + k * 3n + 1n;
        const text = n.toString();
        if (text.length > 19) continue;
        same(text);
        same(`${text.slice(0, -1)}.${text.slice(-1)}`);
        same(`${text}e-20`);
      }
    }
  });

  it('equals parseFloat on doubles printed shortest (the JSON and repr form) at many scales', () => {
    let seed = 5;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let k = 0; k < 10000; k++) same(String((random() - 0.5) * 10 ** (Math.floor(random() * 40) - 20)));
  });
});

/** Seeded doubles from random bit patterns: every exponent and fraction, subnormals and signs included. */
function randomDoubles(count: number, seed: number): number[] {
  const next = mulberry32(seed);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const out: number[] = [];
  while (out.length < count) {
    words[0] = Math.floor(next() * 2 ** 32);
    words[1] = Math.floor(next() * 2 ** 32);
    if (Number.isFinite(bits[0])) out.push(bits[0]);
  }
  return out;
}

/** The shortest decimal that reads back as the same float32 (what NumPy prints for float32 weights). */
function float32Shortest(value: number): string {
  const f = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(parseFloat(text)) === f) return text;
  }
  return f.toPrecision(9);
}

describe('readNumber property: bit-identical to parseFloat on many random doubles', function () {
  // 500,000 tokens; the limit only keeps a loaded machine from failing the run (this is no speed check).
  this.timeout(120000);
  it('shortest repr, 17 significant digits, 16 digits, float32 shortest, exponent forms, subnormals (400,000 tokens)', () => {
    const weights = mulberry32(11);
    // Weight-like magnitudes (the common case) and raw bit patterns (every exponent, subnormals).
    const values = [...Array.from({ length: 40000 }, () => (weights() * 2 - 1) * 10 ** Math.floor(weights() * 6 - 4)), ...randomDoubles(40000, 12)];
    const subnormals = Array.from({ length: 2000 }, () => weights() * 2 ** -1022 * (weights() < 0.5 ? 1 : 2 ** -30));
    for (const v of [...values, ...subnormals]) {
      same(String(v));
      same(v.toPrecision(17));
      same(v.toPrecision(16));
      same(v.toExponential(16));
      if (Number.isFinite(Math.fround(v))) same(float32Shortest(v));
    }
  });

  it('the float64 weights NumPy prints: 0.xxxxxxxxxxxxxxxxx with 16–19 digits after leading zeros, and e-notation', () => {
    const next = mulberry32(13);
    for (let k = 0; k < 50000; k++) {
      const v = (next() * 2 - 1) * (next() < 0.1 ? 3 : 0.6);
      same(String(v));
      same(v.toFixed(17 + Math.floor(next() * 3)));
      same(v.toExponential(15 + Math.floor(next() * 4)).replace('e-', 'e-0'));
    }
  });

  it('halfway cases, 17–20 digit mantissas, subnormals and exponents near ±308/±324 (about 100,000 tokens)', () => {
    const next = mulberry32(14);
    const fixed = [
      '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '-1.7976931348623157e+308', '1e308', '9.9e307',
      '2.4703282292062327e-324', '2.4703282292062328e-324', '4.9406564584124654e-324', '5e-324', '1e-324', '3e-324', '7.4e-324',
      '2.2250738585072011e-308', '2.2250738585072012e-308', '2.2250738585072014e-308', '4.4501477170144023e-308', '1e-308', '1e-323',
      '9007199254740993', '9007199254740992.5', '9007199254740993.0000000001', '0.30000000000000004', '123456789012345678901e-21',
    ];
    for (const token of fixed) same(token);
    const values = [
      ...Array.from({ length: 4000 }, () => (next() * 2 - 1) * 10 ** Math.floor(next() * 6 - 4)),
      ...randomDoubles(4000, 15),
      ...Array.from({ length: 1500 }, () => next() * 2 ** -1022 * (next() < 0.5 ? 1 : 2 ** -40)),
      ...Array.from({ length: 1500 }, () => (1 + next()) * 2 ** (1000 + Math.floor(next() * 23))),
    ];
    for (const v of values) {
      if (v === 0 || !Number.isFinite(v)) continue;
      // The exact decimal halfway to the next double up: ties to even, and the same digits cut to 17–20 significant
      // digits, and one unit in the last kept digit above (just past halfway).
      const mid = halfwayUp(Math.abs(v));
      if (mid === undefined) continue;
      same(mid.text);
      for (const digits of [17, 18, 19, 20]) {
        const cut = mid.digits.slice(0, digits);
        same(scientific(cut, mid.exponent));
        same(scientific((BigInt(cut) + 1n).toString(), mid.exponent + (String(BigInt(cut) + 1n).length - cut.length)));
      }
    }
    // 20-digit mantissas at every scale, exponents near the limits.
    for (let k = 0; k < 8000; k++) {
      let mantissa = String(1 + Math.floor(next() * 9));
      for (let d = 1; d < 20; d++) mantissa += Math.floor(next() * 10);
      const exponent = [Math.floor(next() * 60) - 30, 289 + Math.floor(next() * 20), -343 + Math.floor(next() * 40)][k % 3];
      same(`${next() < 0.5 ? '-' : ''}${mantissa}e${exponent}`);
      same(`0.${mantissa}e${exponent + 1}`);
    }
  });
});

describe('readNumber near powers of two (the gap below is half the gap above)', () => {
  it('16–18 digit tokens around 2^k, its neighbours and the midpoints next to them equal parseFloat', () => {
    const bits = new Float64Array(1);
    const words = new BigUint64Array(bits.buffer);
    for (let k = -23; k <= 59; k++) {
      for (const step of [-2n, -1n, 0n, 1n, 2n]) {
        bits[0] = 2 ** k;
        words[0] += step;
        const x = bits[0];
        for (const token of [String(x), x.toPrecision(16), x.toPrecision(17), x.toPrecision(18), `-${x.toPrecision(17)}`]) same(token);
        // The exact midpoint above x cut to 16–18 digits, and one unit in the last digit on either side of the cut.
        const mid = halfwayUp(x);
        if (mid === undefined) continue;
        for (const digits of [16, 17, 18]) {
          const cut = BigInt(mid.digits.slice(0, digits));
          for (const delta of [-1n, 0n, 1n]) {
            const text = (cut + delta).toString();
            const exponent = mid.exponent + (text.length - digits);
            same(scientific(text, exponent));
            same(positional(text, exponent));
          }
        }
      }
    }
  });
});

describe('scanNumberBytes', () => {
  it('reads ASCII bytes exactly as scanNumber reads the text, or leaves the token to it', function () {
    this.timeout(60000); // a loaded machine, not a speed check
    const next = mulberry32(21);
    const bytes = new Uint8Array(256);
    const view = new DataView(bytes.buffer);
    const fromBytes = new Float64Array(1);
    const fromText = new Float64Array(1);
    const tokens: string[] = ['0', '-0', '5.', '.5', '-.5', '1e', '1e+', '1..', '0.0', '00012.5000', '1_000', '-', '.', '+3', '1E5', '9'.repeat(19), '0.' + '0'.repeat(40) + '1'];
    for (let k = 0; k < 10000; k++) {
      const v = (next() * 2 - 1) * 10 ** Math.floor(next() * 14 - 8);
      tokens.push(String(v), v.toFixed(8), v.toFixed(17 + (k % 3)), v.toPrecision(16), v.toExponential(k % 18), float32Shortest(v));
    }
    let decidedByBytes = 0;
    for (const token of tokens) {
      for (const after of [',', ']', ' ', '']) {
        const text = `${token}${after}`;
        bytes.fill(0);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
        const end = scanNumberBytes(bytes, view, 0, fromBytes, 0);
        const seen = { ...lastNumber };
        const expectedEnd = scanNumber(text, 0, fromText, 0);
        if (end === READ_FROM_TEXT) continue;
        decidedByBytes++;
        assert.equal(end, expectedEnd, text);
        if (end < 0) continue;
        assert.ok(Object.is(fromBytes[0], fromText[0]), `${text}: ${fromBytes[0]} vs ${fromText[0]}`);
        assert.equal(seen.isInteger, lastNumber.isInteger, text);
        assert.equal(seen.decimals, lastNumber.decimals, text);
        assert.equal(seen.exponent, lastNumber.exponent, text);
      }
    }
    assert.ok(decidedByBytes > tokens.length * 3, `bytes decided only ${decidedByBytes}`);
  });
});

describe('scanDecimalBytes', () => {
  /** Reads `text` with scanDecimalBytes and with scanNumber; when the former decides, both agree and equal parseFloat. */
  function agree(text: string, bytes: Uint8Array, view: DataView): boolean {
    const fromBytes = new Float64Array(1);
    const fromText = new Float64Array(1);
    bytes.fill(0);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    lastNumber.isInteger = true;
    lastNumber.decimals = -7;
    lastNumber.exponent = true;
    const end = scanDecimalBytes(bytes, view, 0, fromBytes, 0);
    if (end === NOT_PLAIN) return false;
    const seen = { ...lastNumber };
    const expectedEnd = scanNumber(text, 0, fromText, 0);
    assert.equal(end, expectedEnd, text);
    assert.ok(Object.is(fromBytes[0], fromText[0]), `${text}: ${fromBytes[0]} vs scanNumber ${fromText[0]}`);
    assert.ok(Object.is(fromBytes[0], parseFloat(text.slice(0, end))), `${text}: ${fromBytes[0]} vs parseFloat`);
    assert.equal(seen.isInteger, lastNumber.isInteger, text);
    assert.equal(seen.decimals, lastNumber.decimals, text);
    assert.equal(seen.exponent, lastNumber.exponent, text);
    return true;
  }

  it('reads [-]d.ddd… exactly as scanNumber and parseFloat, and leaves every other shape alone', function () {
    this.timeout(60000); // a loaded machine, not a speed check
    const bytes = new Uint8Array(256);
    const view = new DataView(bytes.buffer);
    // Other shapes: the fast path must decline them (scanNumberBytes / scanNumber read them).
    for (const token of ['12.5', '+1.5', '.5', '-.5', '5', '-0', '1e5', '1.5e-3', '1.5E3', '1.0_5', '0...', '5..', '-', '-x', '0.' + '0'.repeat(30) + '1', '1.' + '2'.repeat(18)]) {
      assert.equal(agree(token, bytes, view), false, token);
    }
    const next = mulberry32(31);
    let decided = 0;
    let total = 0;
    const digit = () => String(Math.floor(next() * 10));
    for (let k = 0; k < 60000; k++) {
      // One integer digit, 0–24 fraction digits (so 1–25 significant: every boundary of the 9/15/16/17/18-digit
      // paths), sometimes after leading fraction zeros (0.000123…), sometimes all zeros or ending in zeros.
      const integer = k % 3 === 0 ? '0' : digit();
      const zeros = k % 5 === 0 ? '0'.repeat(Math.floor(next() * 12)) : '';
      let fraction = zeros;
      const length = Math.floor(next() * 25);
      for (let d = 0; d < length; d++) fraction += k % 97 === 0 ? '0' : digit();
      if (k % 11 === 0) fraction += '0'.repeat(Math.floor(next() * 6));
      const token = `${k % 2 ? '-' : ''}${integer}.${fraction}`;
      // Its shape: decided whenever the significant digits fit the int32 chains and the exponent the exact range.
      const significant = (integer + fraction).replace(/^0+/, '').length;
      const expected = significant <= 18 && fraction.length <= 22;
      for (const after of [',', ']', ' ', '\n', '']) {
        assert.equal(agree(token + after, bytes, view), expected, token + after);
      }
    }
    // Weights as printed: float32 to 8 decimals, float64 shortest and to 16–19 digits.
    for (let k = 0; k < 20000; k++) {
      const v = (next() * 2 - 1) * (next() < 0.1 ? 3 : 0.6);
      for (const token of [v.toFixed(8), String(v), v.toFixed(15 + (k % 5)), float32Shortest(v)]) {
        total++;
        if (agree(`${token},`, bytes, view)) decided++;
      }
    }
    assert.ok(decided > total * 0.95, `decided only ${decided} of ${total}`);
  });

  it('equals parseFloat at the midpoints between doubles in [1, 10) and [0.1, 1), cut to 15–19 digits (ties included)', () => {
    const bytes = new Uint8Array(256);
    const view = new DataView(bytes.buffer);
    const next = mulberry32(32);
    let decided = 0;
    for (let k = 0; k < 6000; k++) {
      const x = k % 2 ? 1 + next() * 9 : 0.1 + next() * 0.9;
      const mid = halfwayUp(x);
      if (mid === undefined) continue;
      for (const digits of [15, 16, 17, 18, 19]) {
        const cut = BigInt(mid.digits.slice(0, digits));
        for (const delta of [-1n, 0n, 1n]) {
          const text = (cut + delta).toString();
          const exponent = mid.exponent + (text.length - digits);
          if (agree(`${positional(text, exponent)},`, bytes, view)) decided++;
        }
      }
    }
    assert.ok(decided > 40000, `decided only ${decided}`);
  });
});

/** `digits` (no point) written without an exponent, the first digit at decimal exponent `exponent`. */
function positional(digits: string, exponent: number): string {
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (exponent + 1 >= digits.length) return digits + '0'.repeat(exponent + 1 - digits.length);
  return `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** `digits` (no point) as d.ddd…e±x, with the first digit at decimal exponent `exponent`. */
function scientific(digits: string, exponent: number): string {
  return `${digits[0]}.${digits.slice(1) || '0'}e${exponent}`;
}

/** The exact decimal value halfway between positive finite x and the next double up, from its bits (BigInt). */
function halfwayUp(x: number): { text: string; digits: string; exponent: number } | undefined {
  const bits = new Float64Array([x]);
  const words = new BigUint64Array(bits.buffer);
  const raw = words[0];
  const biased = Number((raw >> 52n) & 0x7ffn);
  if (biased === 0x7ff || biased === 0x7fe) return undefined;
  const fraction = raw & ((1n << 52n) - 1n);
  const significand = biased === 0 ? fraction : fraction | (1n << 52n);
  // x = significand · 2^e; the midpoint is (2·significand + 1) · 2^(e−1).
  const e = (biased === 0 ? 1 : biased) - 1075 - 1;
  const m = 2n * significand + 1n;
  // m · 2^e: an integer when e ≥ 0, else m · 5^−e / 10^−e.
  const digits = e >= 0 ? (m << BigInt(e)).toString() : (m * 5n ** BigInt(-e)).toString();
  const exponent = digits.length - 1 + Math.min(e, 0);
  const trimmed = digits.replace(/0+$/, '');
  return { text: scientific(trimmed, exponent), digits: trimmed.padEnd(20, '0'), exponent };
}
