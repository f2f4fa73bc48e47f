import * as assert from 'node:assert/strict';
import { createDecimalRunReader, type DecimalRunReader } from '../../../src/core/parse/decimal-runs';
import { mulberry32 } from '../../../src/core/random';

const WINDOW = 1 << 15;

function readerOrFail(): DecimalRunReader {
  const reader = createDecimalRunReader(WINDOW);
  // Node has WebAssembly: a missing reader here would leave every test below reading nothing.
  assert.ok(reader, 'the WebAssembly decimal reader loads in Node');
  return reader;
}

/** Writes `text` into the window (0-terminated, as fillWindow does) and reads from offset `start`. */
function readText(reader: DecimalRunReader, text: string, start = 0, room = 1 << 20, refillAt = text.length): { count: number; values: number[] } {
  const bytes = new TextEncoder().encode(text);
  reader.bytes.set(bytes);
  reader.bytes.fill(0, bytes.length, bytes.length + 8);
  const count = reader.read(start, refillAt, room);
  return { count, values: Array.from(reader.values.subarray(0, count)) };
}

/**
 * Reads `tokens` (space-separated, a thousand per window) checking each value against parseFloat; a token the reader
 * stops before is one within the error bound of a rounding midpoint, left to JavaScript: it goes on after it. Returns
 * how many were left.
 */
function readAllChecked(reader: DecimalRunReader, tokens: readonly string[], separator: string): number {
  let skipped = 0;
  for (let from = 0; from < tokens.length; from += 1000) {
    const part = tokens.slice(from, from + 1000);
    const text = ` ${part.join(separator)}]`;
    let at = 0;
    for (let k = 0; k < part.length; ) {
      const { count, values } = readText(reader, text, at);
      for (let j = 0; j < count; j++) assert.ok(Object.is(values[j], parseFloat(part[k + j])), `${part[k + j]} read as ${values[j]}`);
      k += count;
      at = reader.last.end;
      if (k < part.length) {
        skipped++;
        at = text.indexOf(part[k], at) + part[k].length;
        k++;
      }
    }
  }
  return skipped;
}

/** Plain decimals `[-]d.ddd…` of 1–18 significant digits, with leading zeros in the fraction, as printed weights are. */
function plainTokens(count: number, seed: number): string[] {
  const next = mulberry32(seed);
  const tokens: string[] = [];
  for (let k = 0; k < count; k++) {
    const digits = 1 + Math.floor(next() * 18);
    const lead = Math.floor(next() * 10);
    // After a nonzero integer digit the fraction's zeros are significant digits too.
    const zeros = Math.min(Math.floor(next() * 6), lead ? 18 - digits : 5);
    let fraction = '0'.repeat(zeros);
    for (let d = 1; d < digits; d++) fraction += Math.floor(next() * 10);
    tokens.push(`${next() < 0.5 ? '-' : ''}${lead}.${fraction}`);
  }
  return tokens;
}

describe('the WebAssembly decimal-run reader', () => {
  it('reads plain decimals bit-identical to parseFloat: 1–18 digits, leading zeros, -0.0, `5.`', () => {
    const reader = readerOrFail();
    const tokens = [...plainTokens(60000, 11), '-0.0', '0.0', '5.', '-9.', '0.0000000000000000000001', '9.99999999999999999'];
    const skipped = readAllChecked(reader, tokens, ', ');
    assert.ok(skipped < 10, `${skipped} of ${tokens.length} left to JavaScript`);
  });

  it('equals parseFloat on 16–18 significant digits, where the rounding is decided by the error bound', () => {
    const reader = readerOrFail();
    const next = mulberry32(12);
    const tokens: string[] = [];
    // Uniformly random digits: every distance from a rounding midpoint is as likely.
    for (let k = 0; k < 40000; k++) {
      let digits = String(1 + Math.floor(next() * 9));
      for (let d = 1; d < 16 + (k % 3); d++) digits += Math.floor(next() * 10);
      const zeros = Math.floor(next() * 4);
      tokens.push(zeros ? `0.${'0'.repeat(zeros - 1)}${digits}` : `${digits[0]}.${digits.slice(1)}`);
    }
    const skipped = readAllChecked(reader, tokens, ' ');
    assert.ok(skipped < 40, `${skipped} of ${tokens.length} left to JavaScript`);
  });

  it('stops before any other token, and says where the last one it read ended', () => {
    const reader = readerOrFail();
    for (const other of ['1e-3', '0.5e2', '12.5', '.5', '+0.5', '0...', '1', 'nan', '0.1_2', '0.1234567890123456789', '1.5x', '0.00000000000000000000001']) {
      const text = ` 0.5, 0.25, ${other}, 0.75]`;
      const { count, values } = readText(reader, text);
      assert.equal(count, 2, other);
      assert.deepEqual(values, [0.5, 0.25]);
      assert.equal(reader.last.end, text.indexOf(', 0.25') + ', 0.25'.length, other);
    }
  });

  it('reads only numbers preceded by whitespace or a comma and followed by a delimiter, as readRun does', () => {
    const reader = readerOrFail();
    assert.equal(readText(reader, '0.5, 0.25]').count, 0, 'the first element is not the reader’s: it starts after one');
    assert.equal(readText(reader, ' 0.5-0.25]').count, 0, 'no separator after it: not a delimiter');
    const commaless = readText(reader, ' 0.5  0.25\n -0.125]');
    assert.deepEqual(commaless.values, [0.5, 0.25, -0.125]);
    assert.equal(reader.last.commaless, true);
    assert.equal(reader.last.sawComma, false);
    const commas = readText(reader, ',0.5,\t0.25 ,0.125 # a comment');
    assert.deepEqual(commas.values, [0.5, 0.25, 0.125]);
    assert.equal(reader.last.sawComma, true);
    assert.equal(reader.last.commaless, false);
    // The window's 0 byte after a token: the text may go on, so readRun reads that token itself.
    assert.equal(readText(reader, ' 0.5, 0.25').count, 1);
  });

  it('counts the most decimals and how many tokens have that many', () => {
    const reader = readerOrFail();
    readText(reader, ' 0.5, 0.125, -0.250, 1.000, 0.75]');
    assert.equal(reader.last.mostDecimals, 3);
    assert.equal(reader.last.atMostDecimals, 3);
  });

  it('reads at most `room` values and starts none past `refillAt`', () => {
    const reader = readerOrFail();
    const text = ' 0.5, 0.25, 0.125, 0.0625]';
    assert.deepEqual(readText(reader, text, 0, 2).values, [0.5, 0.25]);
    assert.equal(reader.last.end, text.indexOf(', 0.125'));
    assert.deepEqual(readText(reader, text, 0, 99, text.indexOf(', 0.125')).values, [0.5, 0.25, 0.125]);
    assert.deepEqual(readText(reader, text, 0, 99, text.indexOf(', 0.125') - 1).values, [0.5, 0.25]);
    // More than fit its value buffer in one read: it stops at the capacity.
    const many = Array.from({ length: reader.capacity + 10 }, (_, k) => `0.${k + 1}`);
    assert.equal(readText(reader, ` ${many.join(', ')}]`).count, reader.capacity);
  });

  it('is absent where WebAssembly cannot compile, so readRun reads every number itself', () => {
    assert.equal(createDecimalRunReader(WINDOW, new Uint8Array([0, 97, 115, 109, 9, 9])), undefined);
  });
});
