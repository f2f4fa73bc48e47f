import * as assert from 'node:assert/strict';
import { readDecimalRunsInWebAssembly, readNumericList, releaseScratch, type ListOutcome } from '../../../src/core/parse/numeric-list';
import { mulberry32 } from '../../../src/core/random';

const limits = { maxDepth: 64, checkpoint: (): void => {} };

function read(text: string, start = text.indexOf('[')): ListOutcome {
  try {
    return readNumericList(text, start, limits);
  } finally {
    releaseScratch();
  }
}

/** The literal's values equal parseFloat of `tokens`, bit for bit and in order. */
function assertValues(outcome: ListOutcome, tokens: readonly string[]): void {
  assert.equal(outcome.kind, 'array', JSON.stringify(outcome.kind === 'array' ? '' : outcome));
  if (outcome.kind !== 'array') return;
  const values = outcome.array.values;
  assert.equal(values.length, tokens.length);
  for (let k = 0; k < tokens.length; k++) {
    assert.ok(Object.is(values[k], parseFloat(tokens[k])), `value ${k}: ${tokens[k]} read as ${values[k]}`);
  }
}

/** Tokens of many shapes and lengths: float32 and float64 prints, exponents, integers, 18–30 digits, long zero runs. */
function mixedTokens(count: number, seed: number): string[] {
  const next = mulberry32(seed);
  const tokens: string[] = [];
  for (let k = 0; k < count; k++) {
    const v = (next() * 2 - 1) * 10 ** Math.floor(next() * 10 - 6);
    const shape = Math.floor(next() * 8);
    tokens.push(
      shape === 0 ? v.toFixed(8)
        : shape === 1 ? String(v)
          : shape === 2 ? v.toExponential(Math.floor(next() * 17))
            : shape === 3 ? String(Math.round(v * 1e6))
              : shape === 4 ? v.toPrecision(18)
                : shape === 5 ? `${v < 0 ? '-' : ''}0.${'0'.repeat(Math.floor(next() * 90))}${Math.floor(next() * 1e9)}`
                  : shape === 6 ? `${Math.floor(next() * 9) + 1}${String(Math.floor(next() * 1e15)).padStart(15, '0')}${Math.floor(next() * 1e9)}.5`
                    : v.toFixed(17),
    );
  }
  return tokens;
}

describe('readNumericList: the ASCII window of the number runs', function () {
  this.timeout(60000); // a loaded machine, not a speed check
  it('reads a literal far longer than the window, tokens cut at every window end, bit-identical to parseFloat', () => {
    // ~1.5 MB: the 32 K window ends inside tokens, inside separators and between them many times.
    const tokens = mixedTokens(60000, 3);
    for (const separator of [', ', ' ', ',\n  ', '   ']) {
      assertValues(read(`x = [${tokens.join(separator)}]`), tokens);
    }
  });

  it('reads rows of a matrix the same through the window and with non-ASCII text between and after numbers', () => {
    const tokens = mixedTokens(4000, 4);
    const rows: string[] = [];
    for (let r = 0; r < 40; r++) rows.push(`[${tokens.slice(r * 100, r * 100 + 100).join(', ')}]`);
    const plain = read(`w = [${rows.join(',\n ')}]`);
    assertValues(plain, tokens);
    // A comment in Chinese after every row, NBSP and BOM as separators, non-ASCII right after the literal.
    const commented = read(`w = [${rows.join(', # 第 r 行 ✓\n ')}]  # 权重`);
    assertValues(commented, tokens);
    const nbsp = read(`w = [${tokens.slice(0, 300).join(',\u00a0')}]\u00e9`);
    assertValues(nbsp, tokens.slice(0, 300));
    const bom = read(`w = [${tokens.slice(0, 300).join('\ufeff')}]`);
    assertValues(bom, tokens.slice(0, 300));
  });

  it('reads literals longer than one value chunk (65,536), in runs and one value per bracket, again and again', () => {
    // 3.5 chunks of mixed tokens; then a shorter literal (the reused chunks must not leak old values), then again.
    const tokens = mixedTokens(230000, 5);
    const long = `x = [${tokens.join(', ')}]`;
    assertValues(read(long), tokens);
    const short = mixedTokens(70000, 6);
    assertValues(read(`x = [${short.join(' ')}]`), short);
    assertValues(read(long), tokens);
    // One value per bracket: every value written by the list reader itself, across chunk ends.
    const column = read(`x = [${tokens.slice(0, 140000).map((t) => `[${t}]`).join(', ')}]`);
    assert.equal(column.kind, 'array');
    if (column.kind !== 'array') return;
    assert.deepEqual(column.array.shape, [140000, 1]);
    for (let k = 0; k < 140000; k++) assert.ok(Object.is(column.array.values[k], parseFloat(tokens[k])), `value ${k}`);
  });

  it('calls the checkpoint after the first 16 values, then every 65,536 (also inside a run), and stops when it throws', () => {
    const tokens = mixedTokens(140000, 7);
    const text = `x = [${tokens.join(', ')}]`;
    // The first long text of a process primes the readers first (numeric-list.ts, PRIMER), calling the checkpoint too.
    assertValues(read(text), tokens);
    let calls = 0;
    const counting = { maxDepth: 64, checkpoint: (): void => void calls++ };
    try {
      assertValues(readNumericList(text, 4, counting), tokens);
    } finally {
      releaseScratch();
    }
    assert.equal(calls, 3, 'after values 16, 65,552 and 131,088');
    const cancel = new Error('cancelled');
    let seen = 0;
    const cancelling = {
      maxDepth: 64,
      checkpoint: (): void => {
        if (++seen === 2) throw cancel;
      },
    };
    assert.throws(() => {
      try {
        readNumericList(text, 4, cancelling);
      } finally {
        releaseScratch();
      }
    }, (e) => e === cancel);
  });

  it('splits a list of differently shaped arrays whose values cross chunk ends, counting each one\'s NaN/Inf', () => {
    const tokens = mixedTokens(300 * 250 + 70000, 7);
    // Child 0 (300 × 250) ends inside the second chunk with NaN/Inf in both chunks; child 1 (70,000) crosses the next end.
    const first = tokens.slice(0, 75000);
    first[10] = 'nan';
    first[70000] = '-inf';
    first[74999] = 'nan';
    const second = tokens.slice(75000);
    second[131072 - 75000 + 10] = 'inf';
    const rows: string[] = [];
    for (let r = 0; r < 300; r++) rows.push(`[${first.slice(r * 250, r * 250 + 250).join(', ')}]`);
    const outcome = read(`w = [[${rows.join(', ')}], [${second.join(', ')}]]`);
    assert.equal(outcome.kind, 'list', JSON.stringify(outcome.kind === 'list' ? '' : outcome));
    if (outcome.kind !== 'list') return;
    const [a, b] = outcome.children;
    assert.deepEqual(a.shape, [300, 250]);
    assert.deepEqual(b.shape, [70000]);
    assert.equal(a.nonFiniteCount, 3);
    assert.deepEqual(a.nonFinite.map((site) => site.index), [10, 70000, 74999]);
    assert.equal(b.nonFiniteCount, 1);
    assert.deepEqual(b.nonFinite.map((site) => site.index), [131072 - 75000 + 10]);
    const expected = [...first, ...second].map((t) => (t === 'nan' ? NaN : t === 'inf' ? Infinity : t === '-inf' ? -Infinity : parseFloat(t)));
    for (let k = 0; k < 75000; k++) assert.ok(Object.is(a.values[k], expected[k]), `child 0 value ${k}`);
    for (let k = 0; k < 70000; k++) assert.ok(Object.is(b.values[k], expected[75000 + k]), `child 1 value ${k}`);
  });

  it('reads across a run of whitespace longer than the window', () => {
    const text = `x = [0.5,${' '.repeat(70000)}0.25, -1e-3,${'\n'.repeat(40000)} 7]`;
    assertValues(read(text), ['0.5', '0.25', '-1e-3', '7']);
  });

  it('never reads one text through a window filled from another', () => {
    // Same offsets, different digits: without the window's text check the second read would see the first's bytes.
    const a = `x = [${Array.from({ length: 500 }, (_, k) => `0.${k + 100}`).join(', ')}]`;
    const b = a.replace(/0\.(\d)/g, '0.9$1');
    const tokensB = b.slice(5, -1).split(', ');
    assert.equal(readNumericList(a, 4, limits).kind, 'array');
    assertValues(readNumericList(b, 4, limits), tokensB);
    releaseScratch();
  });

  it('stops at the text end inside a run, and rejects tokens that only look complete at a window end', () => {
    const unterminated = read('x = [0.1, 0.2, 0.3');
    assert.equal(unterminated.kind, 'error');
    if (unterminated.kind === 'error') assert.equal(unterminated.code, 'unterminated');
    // `1e` and `0x1f` after a long run of numbers: not numbers, wherever the window ends.
    const many = Array.from({ length: 5000 }, (_, k) => `0.${k}`);
    for (const bad of ['1e', '0x1f', '2.5f', '1_']) {
      const outcome = read(`x = [${many.join(', ')}, ${bad}]`);
      assert.equal(outcome.kind, 'not-numeric', bad);
    }
    assertValues(read(`x = [${many.join(', ')}, 1_000]`), [...many, '1000']);
  });
});

/** An outcome as text, each value by its bits (so -0, NaN payloads and every last bit count). */
function outcomeText(outcome: ListOutcome): string {
  return JSON.stringify(outcome, (_key, value: unknown) => (value instanceof Float64Array ? Array.from(new BigUint64Array(value.slice().buffer), String) : value));
}

describe('readNumericList: plain decimals read in WebAssembly or in JavaScript', function () {
  this.timeout(60000); // a loaded machine, not a speed check
  afterEach(() => readDecimalRunsInWebAssembly(true));

  /** Float32 and float64 weights as NumPy, repr and json print them, with the tokens the reader leaves to readRun. */
  function printedTokens(count: number, seed: number): string[] {
    const next = mulberry32(seed);
    return Array.from({ length: count }, (_, k) => {
      const v = (next() * 2 - 1) * 10 ** -Math.floor(next() * 3);
      const kind = k % 7;
      return kind === 0 ? v.toFixed(8) : kind === 1 ? String(Math.fround(v)) : kind === 2 ? v.toExponential(8) : kind === 3 ? String(Math.round(v * 100)) : String(v);
    });
  }

  it('gives the same outcome both ways: values bit for bit, shape, printed decimals, separators, integers', () => {
    const tokens = [...printedTokens(20000, 21), ...mixedTokens(20000, 22)];
    const rows: string[] = [];
    for (let r = 0; r < 400; r++) rows.push(`[${tokens.slice(r * 100, r * 100 + 100).join(r % 2 ? ', ' : '  ')}]`);
    const texts = [
      `w = [${tokens.join(', ')}]`,
      `w = [${rows.filter((_, r) => r % 2 === 0).join(',\n ')}]`,
      `w = [${rows.filter((_, r) => r % 2 === 1).join('\n ')}]`,
      `w = [${rows.join(', # 第 r 行\n ')}]`,
      `w = [${printedTokens(3000, 23).join(',\u00a0')}]`,
      `w = [[${printedTokens(300, 24).slice(0, 299).join(', ')}, nan, 0.5]]`,
      `w = [${printedTokens(300, 25).join(', ')}, 0.5 0.25]`,
      `w = (${printedTokens(300, 26).map((t) => `(${t}, 0.125, -0.0)`).join(', ')})`,
      `w = [${printedTokens(500, 27).join(', ')}, 0.1x]`,
    ];
    for (const text of texts) {
      readDecimalRunsInWebAssembly(true);
      const inWasm = outcomeText(read(text));
      readDecimalRunsInWebAssembly(false);
      const inJs = outcomeText(read(text));
      assert.equal(inWasm, inJs, text.slice(0, 60));
    }
  });

  it('reads the window tests above the same without WebAssembly', () => {
    readDecimalRunsInWebAssembly(false);
    const tokens = mixedTokens(60000, 3);
    for (const separator of [', ', ' ', ',\n  ']) assertValues(read(`x = [${tokens.join(separator)}]`), tokens);
    const plain = printedTokens(70000, 28);
    assertValues(read(`x = [${plain.join(', ')}]`), plain);
  });
});
