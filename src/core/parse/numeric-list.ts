// Reads one bracketed numeric literal — a nested list or tuple of numbers, with or without commas — into a shape
// and a flat row-major Float64Array, in one forward pass with explicit stacks (no recursion on input depth).
//
// Accepted: Python/JSON lists and tuples (`[[0.1, -2e-3], [3, 4,]]`, `((1, 2), (3, 4))`), NumPy's comma-less
// print form (`[[ 0.1 -0.2]\n [ 0.3  0.4]]`), `#` comments, nan/inf spellings (`nan`, `-inf`, `np.nan`,
// `float('nan')`, `Infinity`), NumPy 2 scalar reprs (`np.float32(0.5)`), and `...` (a truncated print: reported, not
// read). Anything else inside the brackets (a name, a string, a dict) makes the literal "not numeric": the caller
// then treats the brackets as an ordinary container.

import { createDecimalRunReader, type DecimalRunReader } from './decimal-runs';
import { lastNumber, NOT_PLAIN, READ_FROM_TEXT, readNumber, scanDecimalBytes, scanNumber, scanNumberBytes } from './number';
import type { PrintedDecimals, SourceRange } from './types';
import { phrase, type Phrase } from '../messages';
import { PARSE_TEMPLATES as P } from './messages';

export interface NonFiniteSite {
  /** Flat row-major index of the value. */
  readonly index: number;
  readonly range: SourceRange;
}

export interface NumericArray {
  readonly shape: number[];
  readonly values: Float64Array;
  readonly range: SourceRange;
  /** Non-finite values of this array (at most MAX_NON_FINITE_SITES listed) and their total count. */
  readonly nonFinite: readonly NonFiniteSite[];
  readonly nonFiniteCount: number;
  /** How many decimals its numbers are printed with (counted while they are read); absent for short literals and a list's children. */
  readonly printed?: PrintedDecimals;
}

export type ListOutcome =
  | {
      readonly kind: 'array';
      readonly array: NumericArray;
      /** Values separated by spaces only, as NumPy's print() writes them. */
      readonly commaless: boolean;
      /** The outermost bracket is a tuple `(`. */
      readonly tuple: boolean;
      readonly allIntegers: boolean;
    }
  | {
      /** The outer list holds arrays of different shapes: a list of arrays, e.g. get_weights() as JSON. */
      readonly kind: 'list';
      readonly children: NumericArray[];
      readonly range: SourceRange;
      readonly commaless: boolean;
    }
  | {
      readonly kind: 'not-numeric';
      /** Numbers separated by commas in some places and by spaces in others: a numeric literal missing a comma. */
      readonly mixedSeparators?: boolean;
      /** The first token that is not part of a numeric literal. */
      readonly at: SourceRange;
      /** Opening brackets still open at that token (outermost first): none of them can be numeric. */
      readonly openPositions: number[];
      readonly detail: Phrase;
    }
  | {
      readonly kind: 'error';
      readonly code: 'ragged-rows' | 'truncated-print' | 'too-deep' | 'unterminated';
      readonly detail: Phrase;
      readonly range: SourceRange;
      /** Where reading may resume: after the literal's closing bracket, or the end of the text. */
      readonly end: number;
    };

export interface ListLimits {
  readonly maxDepth: number;
  /** Called every few thousand values; throws to cancel. */
  readonly checkpoint: () => void;
}

export const MAX_NON_FINITE_SITES = 1000;
const NO_SITES: NonFiniteSite[] = [];
const scratchChildStart: number[] = [];
const scratchChildEnd: number[] = [];
const scratchChildValueStart: number[] = [];

// Scratch buffers shared by every call (the extractor is single-threaded); results are copied out.
/**
 * The values of the literal being read, in fixed-size chunks: a big literal adds chunks instead of doubling one
 * buffer and copying it (a 13 MB array touched 31 MB of fresh scratch that way, one page fault per 4 KiB); its
 * values are copied once, into the result.
 */
const CHUNK_SHIFT = 16;
const CHUNK = 1 << CHUNK_SHIFT;
/** Chunks kept between extractions (8 MB); more are dropped after each, so a long-lived worker does not keep them. */
const RETAINED_CHUNKS = 16;
const chunks: Float64Array[] = [new Float64Array(CHUNK)];
/** The chunk being filled, and the index (among the literal's values) of its first value. */
let valueBuffer = chunks[0];
let chunkBase = 0;
let depthCapacity = 0;
let openAt = new Int32Array(0);
let closeCode = new Int32Array(0);
let countAt = new Int32Array(0);
/** 0: nothing yet, 1: holds numbers, 2: holds brackets. */
let contentAt = new Int8Array(0);
/** Length every bracket at this depth must have (depth ≥ 2, per child of the outer bracket); -1 unknown. */
let expectedAt = new Int32Array(0);

function ensureDepth(maxDepth: number): void {
  const need = maxDepth + 2;
  if (depthCapacity >= need) return;
  depthCapacity = need;
  openAt = new Int32Array(need);
  closeCode = new Int32Array(need);
  countAt = new Int32Array(need);
  contentAt = new Int8Array(need);
  expectedAt = new Int32Array(need);
}

/** Drops the scratch chunks a huge array added beyond RETAINED_CHUNKS, so a long-lived worker does not keep them. */
export function releaseScratch(): void {
  if (chunks.length > RETAINED_CHUNKS) chunks.length = RETAINED_CHUNKS;
  firstChunk();
  windowText = undefined;
}

function firstChunk(): void {
  valueBuffer = chunks[0];
  chunkBase = 0;
}

/** The full chunk is followed by the next (reused, or new). */
function nextChunk(): void {
  const index = (chunkBase >>> CHUNK_SHIFT) + 1;
  if (index === chunks.length) chunks.push(new Float64Array(CHUNK));
  valueBuffer = chunks[index];
  chunkBase = index << CHUNK_SHIFT;
}

/** Values [from, to) of the literal as a new array of exactly that length. */
function copyValues(from: number, to: number): Float64Array {
  const first = from >>> CHUNK_SHIFT;
  const offset = from & (CHUNK - 1);
  if (to - from <= CHUNK - offset) return chunks[first].slice(offset, offset + to - from);
  const values = new Float64Array(to - from);
  for (let k = from; k < to; ) {
    const chunk = chunks[k >>> CHUNK_SHIFT];
    const start = k & (CHUNK - 1);
    const count = Math.min(to - k, CHUNK - start);
    values.set(start === 0 && count === CHUNK ? chunk : chunk.subarray(start, start + count), k - from);
    k += count;
  }
  return values;
}

// An ASCII copy of part of the text for the number runs: typed-array loads cost less than charCodeAt (which checks
// the string's representation on every call), and they let scanNumberBytes test four digits at once. The copy is
// [windowStart, windowEnd) of windowText, followed by zero bytes; it stops before the first non-ASCII character.
const WINDOW = 1 << 15;
/** Characters a number run wants ahead of it before the window moves (a longer token meets the 0 byte and is read from the text). */
const LOOKAHEAD = 64;
/**
 * The WebAssembly reader of plain decimal runs, whose memory holds the window (created with the first window; null
 * until then, undefined where WebAssembly cannot run: readRun then reads every number itself).
 */
let decimalReader: DecimalRunReader | undefined | null = null;
let windowBytes: Uint8Array = new Uint8Array(0);
let windowView: DataView = new DataView(windowBytes.buffer);
const encoder = new TextEncoder();
let windowText: string | undefined;
let windowStart = 0;
let windowEnd = 0;
/** Past this position the run refills the window; never when the window ends at the text's end or at a non-ASCII character. */
let windowRefillAt = -1;
/** Characters asked for: fewer after a fill cut short by non-ASCII text, so text full of it costs no 32 K copy per run. */
let windowRequest = WINDOW;

/** A literal's values before this one are read in JavaScript (see readRun). */
const READER_FROM_VALUE = 8;

/** Tests: read plain decimals in WebAssembly (the default where it runs) or in JavaScript only. */
export function readDecimalRunsInWebAssembly(enabled: boolean): void {
  setUpWindow(enabled);
  windowText = undefined;
}

function setUpWindow(withWebAssembly = true): void {
  decimalReader = withWebAssembly ? createDecimalRunReader(WINDOW) : undefined;
  windowBytes = decimalReader?.bytes ?? new Uint8Array(WINDOW + 8);
  windowView = decimalReader?.view ?? new DataView(windowBytes.buffer);
}

function fillWindow(text: string, from: number): void {
  if (decimalReader === null) setUpWindow();
  const to = Math.min(text.length, from + windowRequest);
  const { read, written } = encoder.encodeInto(text.slice(from, to), windowBytes.subarray(0, windowRequest));
  let length = written;
  if (read !== written) {
    // A non-ASCII character took more than one byte (all of them ≥ 0x80): keep the ASCII prefix.
    length = 0;
    while (windowBytes[length] < 128) length++;
  }
  windowBytes.fill(0, length, length + 8);
  windowText = text;
  windowStart = from;
  windowEnd = from + length;
  const cut = from + length < to;
  windowRefillAt = cut || windowEnd === text.length ? windowEnd : windowEnd - LOOKAHEAD;
  windowRequest = cut ? 1024 : Math.min(WINDOW, windowRequest * 2);
}

const CHECK_EVERY = 1 << 16;
/**
 * The first checkpoint of a literal comes after this many values, the next ones every CHECK_EVERY: so the checkpoint
 * calls in the loops have run (and have type feedback) before V8 optimizes them (see primeReaders).
 */
const FIRST_CHECK = 16;

// Character classes of the ASCII range, so the hot loop dispatches on one table load.
const OTHER = 0;
const SPACE = 1;
const COMMA = 2;
const OPEN = 3;
const CLOSE = 4;
const NUMBER = 5;
const CHAR_CLASS = new Uint8Array(128);
for (const c of [32, 9, 10, 11, 12, 13]) CHAR_CLASS[c] = SPACE;
CHAR_CLASS[44] = COMMA;
CHAR_CLASS[91] = OPEN;
CHAR_CLASS[40] = OPEN;
CHAR_CLASS[93] = CLOSE;
CHAR_CLASS[41] = CLOSE;
for (let c = 48; c <= 57; c++) CHAR_CLASS[c] = NUMBER;
CHAR_CLASS[43] = NUMBER; // +
CHAR_CLASS[45] = NUMBER; // -
CHAR_CLASS[46] = NUMBER; // .
/** Characters that may follow a number: separators, brackets, whitespace, comments. */
const ENDS_NUMBER = new Uint8Array(128);
for (const c of [44, 93, 41, 91, 40, 32, 9, 10, 11, 12, 13, 35]) ENDS_NUMBER[c] = 1;

/**
 * Reads the literal whose opening `[` or `(` is at `start`. Never throws on any input (except through
 * limits.checkpoint), never recurses, and reads each character once.
 */
export function readNumericList(text: string, start: number, limits: ListLimits): ListOutcome {
  const n = text.length;
  const maxDepth = limits.maxDepth;
  ensureDepth(maxDepth);
  if (!primed && text.length >= PRIME_FROM_LENGTH) primeReaders(limits);
  let depth = -1;
  const t = tally;
  t.valueCount = 0;
  firstChunk();
  t.untilCheck = FIRST_CHECK;
  t.commaless = false;
  t.sawComma = false;
  t.allIntegers = true;
  let truncatedAt = -1;
  // Separator state between siblings: true right after an element (a separator must follow before the next one).
  let afterElement = false;
  let spaceSinceElement = false;
  let commaSinceElement = false;
  // Leaf depth inside the current child of the outer bracket (-1 unknown), and at the outer level.
  let childLeaf = -1;
  let maxDepthSeen = 0;
  let ragged: { detail: Phrase; range: SourceRange } | undefined;
  t.nonFinite = NO_SITES;
  t.nonFiniteCount = 0;
  t.pointed = 0;
  t.mostDecimals = -1;
  t.atMostDecimals = 0;
  t.anyExponent = false;
  // Children of the outer bracket, kept so a list of differently shaped arrays can be split.
  // Shared scratch (never returned), emptied per call.
  const childStart = scratchChildStart;
  const childEnd = scratchChildEnd;
  const childValueStart = scratchChildValueStart;
  childStart.length = 0;
  childEnd.length = 0;
  childValueStart.length = 0;
  let firstChildShape: number[] | undefined;
  let childShapes: number[][] | undefined; // only once the children's shapes diverge
  let i = start;

  while (true) {
    if (i >= n) {
      return { kind: 'error', code: 'unterminated', detail: phrase(P.openedNeverClosed, text[start]), range: { start, end: start + 1 }, end: n };
    }
    const c = text.charCodeAt(i);
    const charClass = c < 128 ? CHAR_CLASS[c] : c === 0xa0 || c === 0xfeff ? SPACE : OTHER;
    if (charClass === SPACE) {
      spaceSinceElement = true;
      i++;
      continue;
    }
    if (charClass === COMMA) {
      if (!afterElement || commaSinceElement) return notNumeric(depth, i, i + 1, phrase(P.emptyElement));
      commaSinceElement = true;
      t.sawComma = true;
      i++;
      continue;
    }
    if (charClass === OPEN) {
      if (depth >= 0) {
        const separated = checkSeparator(afterElement, commaSinceElement, spaceSinceElement);
        if (separated === 0) return notNumeric(depth, i, i + 1, phrase(P.noSeparator));
        if (separated === 2) t.commaless = true;
        if (contentAt[depth] === 1) ragged ??= raggedAt(phrase(P.mixesNumbersAndLists, describeRow(countAt, depth)), openAt[depth], i);
        contentAt[depth] = 2;
      }
      depth++;
      if (depth > maxDepth) {
        const end = skipBalanced(text, start);
        return {
          kind: 'error',
          code: 'too-deep',
          detail: phrase(P.nestsTooDeep, maxDepth),
          range: { start, end: start + 1 },
          end,
        };
      }
      if (depth === 1) {
        childLeaf = -1;
        for (let d = 2; d <= maxDepthSeen + 1 && d <= maxDepth; d++) expectedAt[d] = -1;
        childStart.push(i);
        childValueStart.push(t.valueCount);
      } else if (depth >= 2 && depth > maxDepthSeen) {
        expectedAt[depth] = -1;
      }
      if (depth > maxDepthSeen) maxDepthSeen = depth;
      openAt[depth] = i;
      closeCode[depth] = c === 91 ? 93 : 41;
      countAt[depth] = 0;
      contentAt[depth] = 0;
      afterElement = false;
      spaceSinceElement = false;
      commaSinceElement = false;
      i++;
      continue;
    }
    if (charClass === CLOSE) {
      if (depth < 0 || c !== closeCode[depth]) return notNumeric(depth, i, i + 1, phrase(P.unmatchedClose, text[i], text[openAt[Math.max(depth, 0)]]));
      const length = countAt[depth];
      if (length === 0 && depth > 0) {
        if (childLeaf === -1) childLeaf = depth;
        else if (childLeaf !== depth) ragged ??= raggedAt(phrase(P.mixesAtDepths, describeRow(countAt, 1)), openAt[1], i + 1);
      }
      if (truncatedAt < 0 && depth >= 2) {
        if (expectedAt[depth] === -1) expectedAt[depth] = length;
        else if (expectedAt[depth] !== length) {
          ragged ??= raggedAt(phrase(P.rowLength, describeRow(countAt, depth), values(length), expectedAt[depth]), openAt[depth], i + 1);
        }
      }
      if (depth === 1) {
        childEnd.push(i + 1);
        if (truncatedAt < 0 && !ragged) {
          const shape = [length];
          for (let d = 2; d <= childLeaf; d++) shape.push(expectedAt[d]);
          if (!firstChildShape) firstChildShape = shape;
          else if (childShapes) childShapes.push(shape);
          else if (!sameShape(shape, firstChildShape)) {
            childShapes = [];
            for (let k = 0; k < childEnd.length - 1; k++) childShapes.push(firstChildShape);
            childShapes.push(shape);
          }
        }
      }
      depth--;
      i++;
      if (depth < 0) break;
      countAt[depth]++;
      afterElement = true;
      spaceSinceElement = false;
      commaSinceElement = false;
      continue;
    }
    if (depth < 0) return notNumeric(depth, i, i + 1, phrase(P.textBeforeBracket));
    if (charClass === OTHER && c === 35 /* # */) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      spaceSinceElement = true;
      continue;
    }
    if (charClass === OTHER && c === 92 /* \ */ && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
      i++; // Python line continuation
      continue;
    }
    // An element: a number, a special value, or '...'.
    const separated = checkSeparator(afterElement, commaSinceElement, spaceSinceElement);
    if (separated === 0) return notNumeric(depth, i, i + 1, phrase(P.noSeparator));
    if (c === 46 && text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) === 46) {
      if (truncatedAt < 0) truncatedAt = i;
      countAt[depth]++;
      i += 3;
      afterElement = true;
      spaceSinceElement = false;
      commaSinceElement = false;
      continue;
    }
    const tokenStart = i;
    let value: number;
    if (charClass === NUMBER && (c >= 46 || !isLetter(text.charCodeAt(i + 1)))) {
      value = readElementNumber(text, i);
      if (lastNumber.end < 0) return notNumeric(depth, i, i + 1, phrase(P.notANumber, text[i]));
      if (!lastNumber.isInteger) t.allIntegers = false;
      i = lastNumber.end;
    } else {
      // A wrapped number (np.float32(0.5), float('0.5')) counts for the printed precision too; nan/inf do not.
      lastNumber.decimals = -1;
      value = readSpecialValue(text, i);
      if (specialEnd < 0) return notNumeric(depth, i, identifierEnd(text, i), phrase(P.notANumber, excerpt(text, i, identifierEnd(text, i))));
      t.allIntegers = false;
      i = specialEnd;
    }
    if (lastNumber.decimals >= 0) {
      t.pointed++;
      if (lastNumber.exponent) t.anyExponent = true;
      if (lastNumber.decimals > t.mostDecimals) {
        t.mostDecimals = lastNumber.decimals;
        t.atMostDecimals = 1;
      } else if (lastNumber.decimals === t.mostDecimals) t.atMostDecimals++;
    }
    // The token must end at a delimiter: `1j`, `0x1f`, `1e`, `2.5f` are not numbers we read.
    const d = i < n ? text.charCodeAt(i) : 32;
    if (!(d < 128 ? ENDS_NUMBER[d] === 1 : d === 0xa0 || d === 0xfeff)) {
      return notNumeric(depth, tokenStart, identifierEnd(text, i), phrase(P.notANumber, excerpt(text, tokenStart, identifierEnd(text, i))));
    }
    if (separated === 2) t.commaless = true;
    if (contentAt[depth] === 2) ragged ??= raggedAt(phrase(P.mixesNumbersAndLists, describeRow(countAt, depth)), openAt[depth], i);
    contentAt[depth] = 1;
    if (depth !== childLeaf && depth !== 0) {
      if (childLeaf === -1) childLeaf = depth;
      else ragged ??= raggedAt(phrase(P.mixesAtDepths, describeRow(countAt, 1)), openAt[1], i);
    }
    if (t.valueCount - chunkBase === CHUNK) nextChunk();
    valueBuffer[t.valueCount - chunkBase] = value;
    if (value - value !== 0) {
      if (t.nonFinite === NO_SITES) t.nonFinite = [];
      if (t.nonFinite.length < MAX_NON_FINITE_SITES) t.nonFinite.push({ index: t.valueCount, range: { start: tokenStart, end: i } });
      t.nonFiniteCount++;
    }
    t.valueCount++;
    countAt[depth]++;
    afterElement = true;
    spaceSinceElement = false;
    commaSinceElement = false;
    // ≤ 0: readRun stops when the count reaches 0 and leaves the checkpoint to this line.
    if (--t.untilCheck <= 0) {
      t.untilCheck = CHECK_EVERY;
      limits.checkpoint();
    }
    // The run of plain numbers that follows in the same bracket — nearly all of a weight literal.
    i = readRun(text, i, depth);
    spaceSinceElement = t.space;
    commaSinceElement = t.comma;
  }

  const range = { start, end: i };
  if (t.commaless && t.sawComma) {
    // Python needs commas; NumPy's print() has none. A literal with both is missing a comma somewhere.
    return { kind: 'not-numeric', mixedSeparators: true, at: { start, end: start + 1 }, openPositions: [start], detail: phrase(P.mixedSeparators) };
  }
  if (truncatedAt >= 0) {
    return {
      kind: 'error',
      code: 'truncated-print',
      detail: phrase(P.summarised),
      range: { start: truncatedAt, end: truncatedAt + 3 },
      end: i,
    };
  }
  if (ragged) return { kind: 'error', code: 'ragged-rows', detail: ragged.detail, range: ragged.range, end: i };

  const outerCount = countAt[0];
  if (contentAt[0] !== 2 || !childShapes) {
    const shape = [outerCount];
    if (contentAt[0] === 2 && firstChildShape) shape.push(...firstChildShape);
    return {
      kind: 'array',
      array: makeArray(shape, copyValues(0, t.valueCount), range, t.nonFinite, t.nonFiniteCount,
        // Short literals go without: reading them again costs nothing, and 10⁶ tiny arrays would each carry one more object.
        t.valueCount >= PRINTED_MIN_VALUES ? { pointed: t.pointed, mostDecimals: t.mostDecimals, atMostDecimals: t.atMostDecimals, exponent: t.anyExponent } : undefined),
      commaless: t.commaless,
      tuple: text.charCodeAt(start) === 40,
      allIntegers: t.allIntegers,
    };
  }
  // Children of different shapes. All 1-D: a matrix with a short or long row. Otherwise: a list of arrays.
  if (childShapes.every((s) => s.length === 1)) {
    const expected = childShapes[0][0];
    const row = childShapes.findIndex((s) => s[0] !== expected);
    return {
      kind: 'error',
      code: 'ragged-rows',
      detail: phrase(P.rowVersusFirst, row, values(childShapes[row][0]), expected),
      range: { start: childStart[row], end: childEnd[row] },
      end: i,
    };
  }
  const children: NumericArray[] = [];
  for (let k = 0; k < childShapes.length; k++) {
    const from = childValueStart[k];
    const to = k + 1 < childShapes.length ? childValueStart[k + 1] : t.valueCount;
    const sites = t.nonFinite.filter((s) => s.index >= from && s.index < to).map((s) => ({ index: s.index - from, range: s.range }));
    const values = copyValues(from, to);
    let count = 0;
    for (let v = 0; v < values.length; v++) if (values[v] - values[v] !== 0) count++;
    children.push(makeArray(childShapes[k], values, { start: childStart[k], end: childEnd[k] }, sites, count));
  }
  return { kind: 'list', children, range, commaless: t.commaless };
}

/** Token shapes for PRIMER: each branch of the number readers, and each way a token can end. */
const PRIMER_TOKENS = [
  '0.5', '-0.25', '0.123456789', '-0.012345678901234567', '0.01566501333854928', '0.074434057554408278', '0.44723435923724637',
  '0.0567910521162704149', '0.0001234', '5.', '1.', '0', '-0.0', '0.50000000000000001', '9007199254740993.0', '1e-3', '1.5E-05',
  '-2.5e+10', '3', '-7', '12.5', '+2.5', '.5', '0.1234567890123456789012', '1_000.5', '1e999', '0.1234567890123e-5',
  '0.12345E-5', '0.1234_5', '0.1234567890123_4', 'nan', '-inf', 'np.float32(0.5)',
];
/**
 * Literals that take every branch of the readers below once: plain decimals of 1–18 significant digits, each
 * rounding case of exactQuotient (the nearer double, one up, one down, a midpoint, a power of two), exponents,
 * integers, signs, 19+ digits, digit separators and overflow (read from the text), nan/inf and scalar wrappers,
 * NumPy's comma-less rows, a non-ASCII space (the byte window cut short), a checkpoint, a list of arrays. Read once per
 * process before the first literal. V8 optimizes the hot loops after a few thousand numbers; a branch first taken
 * after that (the first exponent, the first rounding midpoint) has no type feedback, so the optimized code was thrown
 * away and compiled again while the loop ran unoptimized — on a 21.9 MB paste four times for readRun and twice for
 * each number reader.
 */
const PRIMER: readonly string[] = [
  ...PRIMER_TOKENS.flatMap((t) => [`[${t}, ${t}]`, `[${t} ${t}\n ${t}]`, `(${t},)`]),
  `[${PRIMER_TOKENS.join(', ')}]`,
  '[[ 0.1 -0.2  3.0e-01]\n [ 0.3  0.4 -1.5e+00]\n [\u00a00.5 0.6 nan]]',
  '[[[1, 2]], [3, 4]]',
];
let primed = false;
/**
 * Texts from this length on prime the readers first (about 5 ms, once per process): a shorter one is read before V8
 * would optimize the loops at all.
 */
const PRIME_FROM_LENGTH = 1 << 18;

function primeReaders(limits: ListLimits): void {
  primed = true;
  for (const literal of PRIMER) readNumericList(literal, 0, limits);
}

/**
 * The per-number state of the literal being read: readNumericList keeps it here so that readRun can take it over
 * for a run (one shared object, no allocation).
 */
const tally = {
  valueCount: 0,
  untilCheck: CHECK_EVERY,
  commaless: false,
  sawComma: false,
  allIntegers: true,
  /** Allocated on the first NaN/Inf only: most literals have none. */
  nonFinite: NO_SITES,
  nonFiniteCount: 0,
  /** Printed precision (PrintedDecimals): numbers with digits before a point, their most decimals and how many have that many, and whether any has an exponent. */
  pointed: 0,
  mostDecimals: -1,
  atMostDecimals: 0,
  anyExponent: false,
  /** The separators readRun read after its last number (where readNumericList goes on). */
  space: false,
  comma: false,
};

/**
 * Reads the run of plain numbers after an element at `i` in the bracket at `depth`, with readNumericList's rules, from
 * the ASCII window (see fillWindow); stops before anything else (including the window's 0 byte) and returns where
 * readNumericList goes on. A function of its own so that it is optimized as one: inside readNumericList the loop
 * was compiled on-stack, and that code was thrown away again and again at the literal's end. It also stops before a
 * number when the value chunk is full or a checkpoint is due, and readNumericList reads that number and does both:
 * calls made once per 65,536 values were first made after V8 had optimized this loop, without type feedback, and
 * threw the optimized code away (see PRIMER).
 */
function readRun(text: string, start: number, depth: number): number {
  const t = tally;
  const n = text.length;
  let i = start;
  let valueCount = t.valueCount;
  let untilCheck = t.untilCheck;
  let allIntegers = t.allIntegers;
  let sawComma = t.sawComma;
  let commaless = t.commaless;
  let pointed = t.pointed;
  let mostDecimals = t.mostDecimals;
  let atMostDecimals = t.atMostDecimals;
  let anyExponent = t.anyExponent;
  const buffer = valueBuffer;
  const bufferBase = chunkBase;
  let space = false;
  let comma = false;
  if (windowText !== text || i < windowStart || i > windowRefillAt) fillWindow(text, i);
  const bytes = windowBytes;
  const reader = decimalReader;
  let base = windowStart;
  let justRead = false;
  while (true) {
    if (i > windowRefillAt) {
      fillWindow(text, i);
      base = windowStart;
    }
    // Plain decimals in bulk, in WebAssembly; it stops before anything else, and the lines below read that (the
    // reader is not asked again before them, nor for a literal's first few values: a call that reads one number or
    // none costs more than reading it here).
    const room = Math.min(CHUNK - (valueCount - bufferBase), untilCheck - 1);
    const ask = reader && !justRead && room > 0 && valueCount >= READER_FROM_VALUE;
    justRead = false;
    if (ask) {
      const count = reader.read(i - base, windowRefillAt - base, room);
      if (count > 0) {
        buffer.set(count === reader.capacity ? reader.values : reader.values.subarray(0, count), valueCount - bufferBase);
        const last = reader.last;
        allIntegers = false;
        pointed += count;
        if (last.mostDecimals > mostDecimals) {
          mostDecimals = last.mostDecimals;
          atMostDecimals = last.atMostDecimals;
        } else if (last.mostDecimals === mostDecimals) atMostDecimals += last.atMostDecimals;
        if (last.sawComma) sawComma = true;
        if (last.commaless) commaless = true;
        valueCount += count;
        untilCheck -= count;
        i = last.end + base;
        justRead = true;
        continue;
      }
    }
    let p = i - base;
    let e = bytes[p];
    space = false;
    while (e === 32 || e === 10 || e === 13 || e === 9) {
      space = true;
      e = bytes[++p];
    }
    comma = false;
    if (e === 44) {
      comma = true;
      e = bytes[++p];
      while (e === 32 || e === 10 || e === 13 || e === 9) e = bytes[++p];
    }
    i = p + base;
    // The window's end (a 0 byte) stops every loop here; readNumericList then goes on in the text.
    if (!((e >= 48 && e <= 57) || ((e === 45 || e === 46) && isDigitOrDot(bytes[p + 1])))) break;
    if (!space && !comma) break;
    const slot = valueCount - bufferBase;
    if (slot === CHUNK || untilCheck <= 1) break;
    const at = i;
    // The printed-weight shape inline (scanDecimalBytes is small enough to be), the byte reader for other shapes.
    let end = scanDecimalBytes(bytes, windowView, p, buffer, slot);
    if (end === NOT_PLAIN) end = scanNumberBytes(bytes, windowView, p, buffer, slot);
    if (end === READ_FROM_TEXT) end = scanNumber(text, i, buffer, slot);
    else if (end >= 0) end += base;
    if (end < 0) break;
    // At the window's end the byte is its 0 terminator: ask the text (a token cut there is not followed by a
    // delimiter, so it goes back to readNumericList whole).
    const after = end < windowEnd ? bytes[end - base] : text.charCodeAt(end);
    if (!(after < 128 ? ENDS_NUMBER[after] === 1 : after === 0xa0 || after === 0xfeff) && end < n) break;
    const v = buffer[slot];
    if (!lastNumber.isInteger) allIntegers = false;
    const decimals = lastNumber.decimals;
    if (decimals >= 0) {
      pointed++;
      if (lastNumber.exponent) anyExponent = true;
      if (decimals > mostDecimals) {
        mostDecimals = decimals;
        atMostDecimals = 1;
      } else if (decimals === mostDecimals) atMostDecimals++;
    }
    if (comma) sawComma = true;
    else commaless = true;
    i = end;
    if (v - v !== 0) {
      if (t.nonFinite === NO_SITES) t.nonFinite = [];
      if (t.nonFinite.length < MAX_NON_FINITE_SITES) t.nonFinite.push({ index: valueCount, range: { start: at, end: i } });
      t.nonFiniteCount++;
    }
    valueCount++;
    untilCheck--;
  }
  countAt[depth] += valueCount - t.valueCount;
  t.valueCount = valueCount;
  t.untilCheck = untilCheck;
  t.allIntegers = allIntegers;
  t.sawComma = sawComma;
  t.commaless = commaless;
  t.pointed = pointed;
  t.mostDecimals = mostDecimals;
  t.atMostDecimals = atMostDecimals;
  t.anyExponent = anyExponent;
  t.space = space || comma;
  t.comma = comma;
  return i;
}

const elementValue = new Float64Array(1);

/**
 * readNumber for an element the list loop reads itself (the first in each bracket): the printed-weight shape from
 * the byte window, as readRun reads it, anything else from the text. Same values and lastNumber fields (the two
 * readers are kept in step). It keeps scanNumber, a large function, off the common path: its ~600 calls on a 4.6 MB
 * paste were enough for V8 to spend 14 ms of a 0.1 s run optimising it on a background thread.
 */
function readElementNumber(text: string, i: number): number {
  if (windowText !== text || i < windowStart || i > windowRefillAt) fillWindow(text, i);
  const end = scanDecimalBytes(windowBytes, windowView, i - windowStart, elementValue, 0);
  if (end < 0) return readNumber(text, i);
  lastNumber.end = end + windowStart;
  return elementValue[0];
}

function raggedAt(detail: Phrase, from: number, to: number): { detail: Phrase; range: SourceRange } {
  return { detail, range: { start: from, end: to } };
}

function notNumeric(depth: number, at: number, atEnd: number, detail: Phrase): ListOutcome {
  const openPositions: number[] = [];
  for (let d = 0; d <= depth; d++) openPositions.push(openAt[d]);
  return { kind: 'not-numeric', at: { start: at, end: Math.max(at, atEnd) }, openPositions, detail };
}

function values(count: number): Phrase {
  return count === 1 ? phrase(P.oneValue) : phrase(P.values, count);
}

/** Literals with at least this many values carry their PrintedDecimals. */
export const PRINTED_MIN_VALUES = 64;

function makeArray(shape: number[], values: Float64Array, range: SourceRange, nonFinite: readonly NonFiniteSite[], nonFiniteCount: number, printed?: PrintedDecimals): NumericArray {
  // Two literals, not a spread: a spread's object shape is only weakly held, and optimized code that embeds it is
  // thrown away (and compiled again) once the last such array is collected.
  return printed ? { shape, values, range, nonFinite, nonFiniteCount, printed } : { shape, values, range, nonFinite, nonFiniteCount };
}

/** 0: missing separator, 1: comma (or first element), 2: whitespace only. */
function checkSeparator(afterElement: boolean, comma: boolean, space: boolean): 0 | 1 | 2 {
  if (!afterElement) return 1;
  if (comma) return 1;
  return space ? 2 : 0;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** "row 3" at depth 1, "row [1][3]" deeper: the indices of the bracket open at `depth`. */
function describeRow(counts: Int32Array, depth: number): Phrase {
  if (depth <= 0) return phrase(P.theArray);
  if (depth === 1) return phrase(P.row, counts[0]);
  let path = '';
  for (let d = 0; d < depth; d++) path += `[${counts[d]}]`;
  return phrase(P.row, path);
}

function isDigitOrDot(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function identifierEnd(text: string, i: number): number {
  let j = i;
  const limit = Math.min(text.length, i + 40);
  while (j < limit) {
    const c = text.charCodeAt(j);
    if (c === 44 || c === 93 || c === 41 || c === 91 || c === 40 || c <= 32) break;
    j++;
  }
  return Math.max(j, Math.min(i + 1, text.length));
}

function excerpt(text: string, from: number, to: number): string {
  return text.slice(from, Math.min(to, from + 40));
}

/** Skips from the bracket at `start` to after its balancing close (any bracket kind), or to the end of the text. */
export function skipBalanced(text: string, start: number): number {
  let level = 0;
  const n = text.length;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 40 || c === 123) level++;
    else if (c === 93 || c === 41 || c === 125) {
      level--;
      if (level === 0) return i + 1;
    }
  }
  return n;
}

// ---- nan / inf spellings and scalar wrappers ----

let specialEnd = -1;

const NAN_NAMES = new Set(['nan', 'NaN', 'NAN']);
const INF_NAMES = new Set(['inf', 'Inf', 'INF', 'Infinity', 'infinity', 'infty']);
const MODULE_PREFIXES = new Set(['np', 'numpy', 'math', 'torch', 'jnp', 'tf', 'cmath']);
const SCALAR_WRAPPERS = new Set(['float', 'np.float16', 'np.float32', 'np.float64', 'numpy.float32', 'numpy.float64', 'np.double', 'np.single', 'np.half', 'float32', 'float64']);

/**
 * Reads nan/inf in their Python, NumPy, JSON5 and JavaScript spellings, optionally signed, and scalar wrappers
 * such as `np.float32(0.5)` or `float('-inf')`. Sets specialEnd (-1 when nothing matched).
 */
function readSpecialValue(text: string, pos: number): number {
  specialEnd = -1;
  let i = pos;
  let sign = 1;
  const first = text.charCodeAt(i);
  if (first === 45 || first === 43) {
    if (first === 45) sign = -1;
    i++;
  }
  let j = i;
  const limit = Math.min(text.length, i + 24);
  while (j < limit) {
    const c = text.charCodeAt(j);
    if (isLetter(c) || (c >= 48 && c <= 57 && j > i) || (c === 46 && j > i)) j++;
    else break;
  }
  const word = text.slice(i, j);
  const dot = word.lastIndexOf('.');
  const bare = dot >= 0 && MODULE_PREFIXES.has(word.slice(0, dot)) ? word.slice(dot + 1) : dot >= 0 ? '' : word;
  if (NAN_NAMES.has(bare)) {
    specialEnd = j;
    return NaN;
  }
  if (INF_NAMES.has(bare)) {
    specialEnd = j;
    return sign * Infinity;
  }
  if (bare === 'PINF' || bare === 'NINF') {
    specialEnd = j;
    return (bare === 'PINF' ? 1 : -1) * sign * Infinity;
  }
  if (SCALAR_WRAPPERS.has(word)) {
    let k = j;
    while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    if (text.charCodeAt(k) !== 40) return NaN;
    k++;
    while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const quote = text.charCodeAt(k);
    let inner: number;
    let innerEnd: number;
    if (quote === 39 || quote === 34) {
      // Bounded look-ahead: an unclosed quote must not send every `float('` to the end of the text.
      const close = text.slice(k + 1, k + 34).indexOf(text[k]);
      if (close < 0) return NaN;
      const literal = text.slice(k + 1, k + 1 + close).trim();
      const parsedLiteral = parseQuotedFloat(literal);
      if (parsedLiteral === undefined) return NaN;
      inner = parsedLiteral;
      innerEnd = k + 1 + close + 1;
    } else {
      const c = text.charCodeAt(k);
      if ((c >= 48 && c <= 57) || c === 46 || ((c === 45 || c === 43) && !isLetter(text.charCodeAt(k + 1)))) {
        inner = readNumber(text, k);
        if (lastNumber.end < 0) return NaN;
        innerEnd = lastNumber.end;
      } else {
        inner = readSpecialValue(text, k);
        if (specialEnd < 0) return NaN;
        innerEnd = specialEnd;
        specialEnd = -1;
      }
    }
    while (innerEnd < text.length && (text.charCodeAt(innerEnd) === 32 || text.charCodeAt(innerEnd) === 9)) innerEnd++;
    if (text.charCodeAt(innerEnd) !== 41) return NaN;
    specialEnd = innerEnd + 1;
    return sign * inner;
  }
  return NaN;
}

/** float('…') accepts nan, inf, infinity (any case, signed) and decimal literals. */
function parseQuotedFloat(literal: string): number | undefined {
  const lower = literal.toLowerCase();
  const unsigned = lower.replace(/^[+-]/, '');
  const negative = lower.startsWith('-');
  if (unsigned === 'nan') return NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return negative ? -Infinity : Infinity;
  const value = readNumber(literal, 0);
  if (lastNumber.end !== literal.length) return undefined;
  return value;
}
