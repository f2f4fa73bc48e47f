// Finds every weight array in a text document: Python literals and constructor calls, NumPy and PyTorch reprs and
// prints, and JSON. One forward scan with an explicit container stack; numeric literals are handed to
// readNumericList. Nothing recurses on the input's nesting, and no character is read more than a small, fixed
// number of times, so any input finishes in time linear in its length.

import { readNumber, lastNumber } from './number';
import { readNumericList, releaseScratch, skipBalanced, type ListLimits, type ListOutcome, type NumericArray } from './numeric-list';
import { arithmeticOnNames, listRepetition, lookalikeHint, meantAsNumber } from './lookalikes';
import { localized, phrase, type Localizable, type Phrase } from '../messages';
import { PARSE_TEMPLATES as P } from './messages';
import type { ArrayForm, DiagnosticSeverity, ExtractedArray, ParseDiagnostic, ParseResult, ShapeOnlyArray, SourceRange } from './types';

/**
 * What kind of file the text comes from. In Python, `#` starts a comment and quotes make strings, and output pasted
 * into comments and triple-quoted strings is read as embedded data; in plain text, Markdown and logs quotes and `#`
 * mean nothing (a Markdown fence marked python/pycon reads as Python); JSON is JSON.
 */
export type FileKind = 'python' | 'text' | 'markdown' | 'json';

/** The file kind for a VS Code language id or a file name: python/.py, json/.json(c), markdown/.md, else text. */
export function fileKindOf(languageIdOrFileName: string): FileKind {
  const id = languageIdOrFileName.toLowerCase();
  if (id === 'python' || /\.(py|pyw|pyi)$/.test(id)) return 'python';
  if (id === 'json' || id === 'jsonc' || /\.(json|jsonc)$/.test(id)) return 'json';
  if (id === 'markdown' || /\.(md|markdown)$/.test(id)) return 'markdown';
  return 'text';
}

export interface ExtractOptions {
  /** The kind of file (default: from `languageId` when given, else 'python', the reading before file kinds existed). */
  readonly fileKind?: FileKind;
  /** A VS Code language id or file name, mapped by fileKindOf when `fileKind` is not given. */
  readonly languageId?: string;
  /** Texts longer than this (UTF-16 code units, ≈ bytes for weight text) get one `too-large` diagnostic. Default 50 MB. */
  readonly maxBytes?: number;
  /** Deepest bracket nesting read. Default 64. */
  readonly maxDepth?: number;
  /** Cancels the scan; the result is then empty apart from one `cancelled` diagnostic. */
  readonly signal?: { readonly aborted: boolean };
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;
/** Diagnostics listed per text; the rest are counted in one `more-diagnostics` entry. */
export const MAX_DIAGNOSTICS = 1000;

/** Constructor names (the last dotted segment) whose first argument is an array literal. */
const CONSTRUCTORS = new Set([
  'array', 'asarray', 'tensor', 'Tensor', 'as_tensor', 'constant', 'Variable', 'convert_to_tensor', 'FloatTensor', 'DoubleTensor',
  // JAX reprs: Array([...], dtype=float32), and DeviceArray before jax 0.4.
  'Array', 'DeviceArray',
]);
/** An attribute that holds a recurrent weight: `rnn.weight_ih_l0`, `layer.kernel`, `cell.recurrent_kernel`. */
const WEIGHT_ATTRIBUTE = /\.(?:(?:weight|bias)_(?:ih|hh)_l\d+(?:_reverse)?|weight_hr_l\d+(?:_reverse)?|kernel|recurrent_kernel|bias)(?:\.data)?$/;
/** Constructors that take a shape, not a value, when given bare numbers (torch.Tensor(3, 4) is uninitialised). */
const SHAPE_TAKING = new Set(['Tensor', 'FloatTensor', 'DoubleTensor']);
/** Keys whose value is the array of the enclosing {"name": ..., <key>: [...]} record. */
const VALUE_KEYS = new Set(['values', 'value', 'data', 'numpy', 'array', 'tensor']);
const PYTHON_KEYWORDS = new Set([
  'if', 'else', 'elif', 'try', 'except', 'finally', 'for', 'while', 'with', 'def', 'class', 'return', 'pass', 'break',
  'continue', 'import', 'from', 'lambda', 'yield', 'raise', 'assert', 'del', 'global', 'nonlocal', 'in', 'not', 'and', 'or',
  'is', 'None', 'True', 'False', 'print', 'async', 'await',
]);
const PRINTED_NAME = /^[A-Za-z_][\w./:-]*$/;

const enum Tok {
  Ident = 1,
  String,
  Number,
  Punct,
  Assign,
  Open,
  Close,
}

const enum Kind {
  List = 1,
  Tuple,
  Dict,
  Call,
  Subscript,
}

interface Container {
  readonly kind: Kind;
  readonly open: number;
  readonly closeCode: number;
  /** The name this container was given (assignment, dict key, tuple pair), if any. */
  name?: string;
  /** The name came from a dict key or a ('name', value) pair: it chains into the names of arrays inside. */
  keyed: boolean;
  elementIndex: number;
  listId: number;
  /** A ('name', value) tuple. */
  pair: boolean;
  /** Dict: the string value of its "name" key. */
  nameField?: string;
  // Subscripts: the expression they index, and their key when the brackets hold exactly one string.
  subscriptBase?: string;
  subscriptKeys?: string[];
  tokensInside: number;
  key?: string;
  keyRange?: SourceRange;
  /** Dict: the array under its "data"/"values" key and the key, and its "shape" list ({"data": [flat], "shape": [..]}). */
  dataIndex?: number;
  dataKey?: string;
  shapeDims?: number[];
}

interface SubscriptInfo {
  readonly base?: string;
  readonly keys: string[];
  readonly keyRange?: SourceRange;
}

/** How a literal sits in the document, decided from the tokens before it. */
interface Context {
  /** named: assigned or keyed; printed: a top-level print output; list: an element of a list; none: code. */
  readonly role: 'named' | 'printed' | 'list' | 'none';
  readonly name?: string;
  readonly nameRange?: SourceRange;
  readonly path: string[];
  readonly list?: Container;
  /** Name taken from the enclosing call (wrappers such as nn.Parameter(...)); used for constructors only. */
  readonly inherited?: boolean;
  /** The dict key or pair string alone (`name` joins it to the enclosing keys). */
  readonly key?: string;
  /** The shape a variable header gave for the values after it. */
  readonly headerShape?: readonly number[];
}

const CANCELLED = Symbol('cancelled');
const STRING_ESCAPED = 1;
const STRING_OPAQUE = 2;
/** On a Close token: the end of an array constructor (`array([...], dtype=float32)`). */
const ARRAY_END = 4;

export function extractArrays(text: string, options: ExtractOptions = {}): ParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = Math.max(1, Math.floor(options.maxDepth ?? DEFAULT_MAX_DEPTH));
  if (text.length > maxBytes) {
    return {
      arrays: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'too-large',
          ...localized(P.tooLarge, formatSize(text.length), formatSize(maxBytes)),
          range: { start: 0, end: 0 },
        },
      ],
    };
  }
  const signal = options.signal;
  if (signal?.aborted) return cancelledResult();
  try {
    const kind = options.fileKind ?? (options.languageId !== undefined ? fileKindOf(options.languageId) : 'python');
    return new Extractor(text, maxDepth, signal, kind).run();
  } catch (error) {
    if (error === CANCELLED) return cancelledResult();
    throw error;
  } finally {
    releaseScratch();
  }
}

/**
 * One limits object for every extraction, set per call (an extraction runs to its end before the next starts): with
 * a fresh object per call, V8 discarded the list reader's optimized code after every call ('weak objects' in
 * --trace-deopt) and compiled it again, up to a tenth of a 21 MB extraction's CPU time.
 */
const LIMITS = {
  maxDepth: DEFAULT_MAX_DEPTH,
  signal: undefined as { readonly aborted: boolean } | undefined,
  checkpoint(): void {
    if (LIMITS.signal?.aborted) throw CANCELLED;
  },
};

function cancelledResult(): ParseResult {
  return { arrays: [], diagnostics: [{ severity: 'info', code: 'cancelled', ...localized(P.cancelled), range: { start: 0, end: 0 } }] };
}

function formatSize(units: number): Phrase {
  return units >= 1024 * 1024 ? phrase(P.sizeMegabytes, (units / (1024 * 1024)).toFixed(1)) : phrase(P.sizeCharacters, units);
}

/** How a diagnostic names its array: the quoted name, else `unnamed` ("This array"). */
function quoted(name: string | undefined, unnamed: Phrase = phrase(P.thisArray)): Phrase {
  return name !== undefined ? phrase(P.quotedName, name) : unnamed;
}

const RING = 8;

class Extractor {
  private readonly n: number;
  private readonly arrays: ExtractedArray[] = [];
  private readonly diagnostics: ParseDiagnostic[] = [];
  private readonly stack: Container[] = [];
  private readonly noRetry = new Set<number>();
  private readonly documentIsJson: boolean;
  listCounter = 0;
  private readonly shapes: ShapeOnlyArray[] = [];
  private inFence = false;
  private tooDeepReported = false;
  private untilCheck = 1 << 14;
  // The last RING significant tokens, newest at `head`.
  private readonly tokKind = new Int8Array(RING);
  private readonly tokStart = new Int32Array(RING);
  private readonly tokEnd = new Int32Array(RING);
  /** Token text values, computed on first use (most identifiers and strings are never looked at). */
  private readonly tokValue: (string | undefined)[] = new Array(RING).fill(undefined);
  private readonly tokFlags = new Uint8Array(RING);
  private readonly tokExtra: (Container | SubscriptInfo | undefined)[] = new Array(RING).fill(undefined);
  private head = 0;
  private tokCount = 0;
  // <tf.Variable 'name:0' shape=... numpy=array(...)>: the name waiting for its numpy= value.
  private expectVariableName = false;
  private variableName?: { value: string; range: SourceRange };
  /**
   * A variable header with no value in it (TF1 `<tf.Variable 'rnn/kernel:0' shape=(5, 1) dtype=float32_ref>`, Keras 3
   * `<KerasVariable shape=(2, 12), dtype=float32, path=lstm/kernel>`): its name and shape belong to the values
   * printed on the lines after it.
   */
  private pendingHeader?: { value: string; range: SourceRange; lineEnd: number; shape?: number[] };
  /** Where the last `<…Variable` header not yet closed by its `>` began, and its name: values opened after it belong to it. */
  private lastHeaderAt = -1;
  private lastHeaderName?: string;
  private callContext?: { at: number; context: Context };
  private tokenSinceNewline = false;
  /** `#` comments and triple-quoted strings are Python syntax here (Python and JSON files, python fences in Markdown). */
  private pythonSyntax: boolean;
  private suppressedDiagnostics = 0;
  private noDoubleQuoteBefore = 0;
  private noSingleQuoteBefore = 0;
  private readonly limits: ListLimits;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly signal: { readonly aborted: boolean } | undefined,
    private readonly kind: FileKind = 'python',
  ) {
    this.n = text.length;
    this.pythonSyntax = kind !== 'text' && kind !== 'markdown';
    LIMITS.maxDepth = maxDepth;
    LIMITS.signal = signal;
    this.limits = LIMITS;
    let first = 0;
    while (first < this.n && isSpace(text.charCodeAt(first))) first++;
    const c = text.charCodeAt(first);
    this.documentIsJson = c === 123 || c === 91;
  }

  run(): ParseResult {
    const text = this.text;
    const n = this.n;
    let i = 0;
    while (i < n) {
      if (--this.untilCheck === 0) {
        this.untilCheck = 1 << 14;
        this.limits.checkpoint();
      }
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        if (c === 10) {
          if (!this.tokenSinceNewline) this.blankLine();
          this.tokenSinceNewline = false;
        }
        i++;
        continue;
      }
      // Notebook and console prompts (In [6]:, Out[6]:, >>>, ...) are never data: skipped like whitespace, so a
      // line holding only a prompt ends open parentheses as a blank line does.
      if (!this.tokenSinceNewline) {
        const afterPrompt = promptEnd(text, i);
        if (afterPrompt > i) {
          i = afterPrompt;
          continue;
        }
      }
      if (this.kind === 'markdown' && !this.tokenSinceNewline && (c === 96 || c === 126) && isFence(text, i)) {
        i = this.fence(i);
        continue;
      }
      // Only '#' comments: in Python '//' is floor division, and JSON has no comments.
      if (c === 35 /* # */ && this.pythonSyntax) {
        i = this.comment(i);
        continue;
      }
      if ((c === 34 /* " */ || c === 39) /* ' */ && !this.pythonSyntax && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) {
        // Plain text: a triple quote is just punctuation; what it wraps is read like the rest.
        this.pushToken(Tok.Punct, i, i + 3);
        i += 3;
        continue;
      }
      if (c === 34 /* " */ || c === 39 /* ' */) {
        i = this.scanString(i);
        continue;
      }
      if (isIdentStart(c)) {
        i = this.scanIdentifier(i);
        continue;
      }
      if ((c >= 48 && c <= 57) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
        let j = i + 1;
        while (j < n && isNumberChar(text.charCodeAt(j), text.charCodeAt(j - 1))) j++;
        this.pushToken(Tok.Number, i, j);
        i = j;
        continue;
      }
      if (c === 91 /* [ */ || c === 40 /* ( */) {
        i = this.openBracket(i, c);
        continue;
      }
      if (c === 123 /* { */) {
        i = this.openContainer(i, Kind.Dict, 125, this.context(i));
        continue;
      }
      if (c === 93 || c === 41 || c === 125) {
        this.closeBracket(i, c);
        i++;
        continue;
      }
      if (c === 44 /* , */) {
        const top = this.top();
        if (top) top.elementIndex++;
        this.pushToken(Tok.Punct, i, i + 1);
        i++;
        continue;
      }
      if (c === 61 /* = */) {
        const prev = text.charCodeAt(i - 1);
        const next = text.charCodeAt(i + 1);
        if (next === 61) {
          this.pushToken(Tok.Punct, i, i + 2);
          i += 2;
          continue;
        }
        const compound = prev === 61 || prev === 33 || prev === 60 || prev === 62 || prev === 43 || prev === 45 || prev === 42 || prev === 47 || prev === 37 || prev === 38 || prev === 124 || prev === 94 || prev === 64 || prev === 58 || prev === 126;
        this.pushToken(compound ? Tok.Punct : Tok.Assign, i, i + 1);
        i++;
        continue;
      }
      if (c === 62 /* > */) this.endVariableHeader();
      this.pushToken(Tok.Punct, i, i + 1);
      i++;
    }
    for (const container of this.stack) {
      if (container.kind === Kind.List || container.kind === Kind.Dict) {
        this.diagnose('warning', 'unterminated', localized(P.neverClosed, text[container.open]), { start: container.open, end: container.open + 1 });
      }
    }
    if (this.suppressedDiagnostics > 0) {
      this.diagnostics.push({
        severity: 'info',
        code: 'more-diagnostics',
        ...localized(this.suppressedDiagnostics === 1 ? P.moreProblem : P.moreProblems, this.suppressedDiagnostics, MAX_DIAGNOSTICS),
        range: { start: 0, end: 0 },
      });
    }
    if (this.kind !== 'json') this.shapeLines();
    return { arrays: this.arrays, diagnostics: this.diagnostics, ...(this.shapes.length ? { shapes: this.shapes } : {}) };
  }

  // ---- tokens ----

  /** flags: STRING_ESCAPED (decode on use), STRING_OPAQUE (triple-quoted or unterminated: never a key). */
  private pushToken(kind: Tok, start: number, end: number, value?: string, extra?: Container | SubscriptInfo, flags = 0): void {
    this.tokenSinceNewline = true;
    const head = (this.head + 1) % RING;
    this.head = head;
    this.tokKind[head] = kind;
    this.tokStart[head] = start;
    this.tokEnd[head] = end;
    this.tokValue[head] = value;
    this.tokFlags[head] = flags;
    this.tokExtra[head] = extra;
    if (this.tokCount < RING) this.tokCount++;
    const stack = this.stack;
    const top = stack.length ? stack[stack.length - 1] : undefined;
    if (top && top.kind === Kind.Subscript) {
      top.tokensInside++;
      if (kind === Tok.String && top.tokensInside === 1) {
        top.key = this.valueOf(head);
        top.keyRange = { start: start + 1, end: end - 1 };
      }
    }
  }

  /** The text value of the token in `slot`: an identifier as written, a string's decoded content. */
  private valueOf(slot: number): string | undefined {
    const cached = this.tokValue[slot];
    if (cached !== undefined) return cached;
    const kind = this.tokKind[slot];
    let value: string | undefined;
    if (kind === Tok.Ident || kind === Tok.Number) value = this.text.slice(this.tokStart[slot], this.tokEnd[slot]);
    else if (kind === Tok.String) {
      const flags = this.tokFlags[slot];
      if (flags & STRING_OPAQUE) return undefined;
      const raw = this.text.slice(this.tokStart[slot] + 1, this.tokEnd[slot] - 1);
      value = flags & STRING_ESCAPED ? unescape(raw) : raw;
    }
    this.tokValue[slot] = value;
    return value;
  }

  /** The k-th most recent token (1 = newest): its slot, or -1. */
  private tok(k: number): number {
    if (k > this.tokCount) return -1;
    return (this.head - (k - 1) + RING * 2) % RING;
  }

  private kindOf(k: number): number {
    const slot = this.tok(k);
    return slot < 0 ? 0 : this.tokKind[slot];
  }

  private punctOf(k: number): number {
    const slot = this.tok(k);
    return slot < 0 || this.tokKind[slot] !== Tok.Punct ? -1 : this.text.charCodeAt(this.tokStart[slot]);
  }

  /**
   * A blank line ends a paragraph: parentheses still open from prose ("(see below", ":(") or a call cut short by
   * the paste are closed, so a printed array after them is read at the top level again. Lists and dicts stay open.
   */
  private blankLine(): void {
    const stack = this.stack;
    while (stack.length) {
      const kind = stack[stack.length - 1].kind;
      if (kind !== Kind.Tuple && kind !== Kind.Call && kind !== Kind.Subscript) break;
      stack.pop();
    }
  }

  private top(): Container | undefined {
    return this.stack.length ? this.stack[this.stack.length - 1] : undefined;
  }

  private scanString(i: number): number {
    const text = this.text;
    const quote = text.charCodeAt(i);
    // Once a quote of this kind found no partner on its line, the rest of that line has none either (up to escape
    // alignment): treating them at once as apostrophes keeps a line of `\"\"\"…` linear instead of quadratic.
    if (i < (quote === 34 ? this.noDoubleQuoteBefore : this.noSingleQuoteBefore)) {
      this.pushToken(Tok.Punct, i, i + 1);
      return i + 1;
    }
    const triple = text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote;
    let j = triple ? i + 3 : i + 1;
    let escaped = false;
    while (j < this.n) {
      const c = text.charCodeAt(j);
      if (c === 92) {
        escaped = true;
        j += 2;
        continue;
      }
      if (c === quote) {
        if (!triple) break;
        if (text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote) break;
      }
      // A one-line string ends at the line's end even when its quote is missing (prose apostrophes).
      if (!triple && (c === 10 || c === 13)) break;
      j++;
    }
    const contentStart = triple ? i + 3 : i + 1;
    const contentEnd = Math.min(j, this.n);
    const closed = j < this.n && text.charCodeAt(j) === quote;
    const end = closed ? (triple ? j + 3 : j + 1) : contentEnd;
    if (!triple && closed) {
      let value: string | undefined;
      if (contentEnd - contentStart < 4096) {
        if (escaped || this.expectVariableName) value = escaped ? unescape(text.slice(contentStart, contentEnd)) : text.slice(contentStart, contentEnd);
        this.pushToken(Tok.String, i, end, value, undefined, escaped ? STRING_ESCAPED : 0);
      } else {
        this.pushToken(Tok.Punct, i, end);
      }
      if (this.expectVariableName) {
        this.expectVariableName = false;
        if (value !== undefined) this.startVariableHeader(value, { start: contentStart, end: contentEnd });
      }
      this.noteNameField();
    } else if (!triple) {
      // A quote with no partner on its line is an apostrophe ("Here's W: [[1, 2]]"), not a string.
      if (quote === 34) this.noDoubleQuoteBefore = contentEnd;
      else this.noSingleQuoteBefore = contentEnd;
      this.pushToken(Tok.Punct, i, i + 1);
      return i + 1;
    } else {
      this.pushToken(Tok.String, i, end, undefined, undefined, STRING_OPAQUE);
      if (triple && this.kind !== 'json') this.readEmbedded(contentStart, contentEnd, 'string', text.slice(contentStart, contentEnd));
    }
    return end;
  }

  /** {"name": "lstm", ...}: remember the record's name for its values. */
  private noteNameField(): void {
    const top = this.top();
    if (!top || top.kind !== Kind.Dict) return;
    // The string just pushed is token 1; the ':' is token 2 and the key token 3.
    if (this.punctOf(2) !== 58) return;
    const keySlot = this.tok(3);
    if (keySlot < 0 || this.tokKind[keySlot] !== Tok.String || this.tokEnd[keySlot] - this.tokStart[keySlot] !== 6) return;
    if (this.valueOf(keySlot) !== 'name') return;
    const value = this.valueOf(this.head);
    if (value !== undefined) top.nameField = value;
  }

  private scanIdentifier(i: number): number {
    const text = this.text;
    let j = i + 1;
    let segment = i;
    while (j < this.n) {
      const c = text.charCodeAt(j);
      if (isIdentPart(c)) j++;
      else if (c === 46 && isIdentStart(text.charCodeAt(j + 1))) {
        segment = j + 1;
        j += 2;
      } else break;
    }
    // Constructor names start with one of a, t, T, c, V, F, D, A and are 5–17 long; most words are rejected unsliced.
    const first = text.charCodeAt(segment);
    const length = j - segment;
    if (length >= 5 && length <= 17 && (first === 97 || first === 116 || first === 84 || first === 99 || first === 86 || first === 70 || first === 68 || first === 65)) {
      const last = text.slice(segment, j);
      if (CONSTRUCTORS.has(last)) {
        let k = j;
        while (k < this.n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        if (text.charCodeAt(k) === 40) return this.constructorCall(i, j, k, text.slice(i, j), last);
      }
    }
    if (j - i >= 8 && text.startsWith('Variable', j - 8) && (this.punctOf(1) === 60 /* < */ || isQuoteAfterSpace(text, j))) {
      this.expectVariableName = true;
      this.abandonCutValues(i);
    }
    // "Parameter containing:" (PyTorch's parameter repr) says nothing about names: skip it like whitespace.
    if (j - i === 9 && text.startsWith('Parameter containing:', i)) return i + 21;
    // Keras 3: <Variable path=sequential/lstm/lstm_cell/kernel, shape=(2, 8), dtype=float32, value=[[...]]>.
    if (this.expectVariableName && j - i === 4 && text.startsWith('path=', i)) {
      let end = j + 1;
      while (end < this.n && end - j < 512) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 62 || isSpace(c)) break;
        end++;
      }
      this.expectVariableName = false;
      if (end > j + 1) this.startVariableHeader(text.slice(j + 1, end), { start: j + 1, end });
      this.pushToken(Tok.Ident, i, end);
      return end;
    }
    // `w = nn.Parameter(torch.tensor(...))`: the call carries the name to the constructor inside it.
    if (text.charCodeAt(j) === 40 && this.kindOf(1) === Tok.Assign) {
      const context = this.context(i);
      if (context.role === 'named') this.callContext = { at: j, context };
    }
    this.pushToken(Tok.Ident, i, j);
    return j;
  }

  // ---- shapes without values ----

  /** `[(10, 512), (128, 512), (512,), (128, 1), (1,)]` / `((5, 480),(120, 480),(480,))`: a listing of shapes. */
  private shapeListing(start: number, end: number): boolean {
    if (end - start > 4096) return false;
    const literal = this.text.slice(start, end);
    if (!/^[[(]\s*(?:\(\s*\d+\s*(?:,\s*\d+\s*)*,?\s*\)\s*,?\s*){2,}[\])]$/.test(literal)) return false;
    const tuples = [...literal.matchAll(/\(([\d,\s]*)\)/g)];
    const shapes = tuples.map((m) => m[1].split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number));
    // Equal-length tuples with no (n,) among them could be data ([(1, 2), (3, 4)]); a listing has a 1-D shape or ragged ones.
    if (!shapes.some((d) => d.length === 1) && shapes.every((d) => d.length === shapes[0].length)) return false;
    const id = this.listCounter++;
    tuples.forEach((m, position) => {
      const at = start + m.index!;
      this.shapes.push({ shape: shapes[position], range: { start: at, end: at + m[0].length }, list: { id, position } });
    });
    return true;
  }

  /**
   * Lines that print a shape next to a name: `weight_ih_l0 cpu torch.Size([400, 512]) 204800`,
   * `PyTorch: rnn.weight_hh_l0 weights shape: torch.Size([512, 128])`, a bare `torch.Size([20, 2])`,
   * `W_xh shape:  (5, 2)`. Recognition drops the ones whose values are in the text too.
   */
  private shapeLines(): void {
    const text = this.text;
    let sizeList = -1;
    let sizePosition = 0;
    let lastSizeLine = -2;
    let line = 0;
    let lineAt = 0;
    for (let at = text.indexOf('torch.Size(', 0); at >= 0; at = text.indexOf('torch.Size(', at + 11)) {
      const bounds = shortLine(text, at, 300);
      if (!bounds) continue;
      const { start, end } = bounds;
      const dims = /^torch\.Size\(\[?\s*([\d,\s]*?)\s*\]?\)/.exec(text.slice(at, Math.min(end, at + 200)));
      if (!dims) continue;
      const shape = dims[1].split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
      if (!shape.length || shape.some((d) => !(d > 0))) continue;
      const before = text.slice(promptEnd(text, skipBlanks(text, start, at)), at).trim();
      const range = { start: at, end: at + dims[0].length };
      // Line breaks lost (a wiki or a chat joined the printed lines): `torch.Size(20, 2) # a note torch.Size(20, 5)`
      // continues the same listing, whatever prose sits between the sizes.
      if (sizeList >= 0 && lastSizeLine === line && start === lineAt && /\btorch\.Size\(/.test(before)) {
        this.shapes.push({ shape, range, list: { id: sizeList, position: sizePosition++ } });
        continue;
      }
      const sizeOf = before === '' ? this.sizeCallBefore(start) : undefined;
      if (sizeOf) {
        // `print(tmp.weight_hh_l0.size())` on the line above names the size it printed (whatever the call's spelling).
        this.shapes.push({ name: sizeOf.name, nameRange: sizeOf.range, shape, range });
        continue;
      }
      if (before === '') {
        // Unnamed sizes one per line (for p in rnn.parameters(): print(p.shape)) are a listing in order.
        for (let k = lineAt; k < start; k++) if (text.charCodeAt(k) === 10) line++;
        lineAt = start;
        if (sizeList < 0 || line - lastSizeLine > 2) {
          sizeList = this.listCounter++;
          sizePosition = 0;
        }
        lastSizeLine = line;
        this.shapes.push({ shape, range, list: { id: sizeList, position: sizePosition++ } });
        continue;
      }
      const words = before.split(/\s+/).filter((w) => PRINTED_NAME.test(w.replace(/:$/, '')) && !/^(cpu|cuda(:\d+)?|mps|weights?|shape|size|grad|param|parameter)$/i.test(w.replace(/:$/, '')));
      const written = (words.find((w) => /[./]/.test(w) && !/:$/.test(w)) ?? words[0])?.replace(/:$/, '');
      if (!written || PYTHON_KEYWORDS.has(written)) continue;
      const nameAt = start + text.slice(start, at).indexOf(written);
      this.shapes.push({ name: written, nameRange: { start: nameAt, end: nameAt + written.length }, shape, range });
    }
    // onnx.helper.printable_graph: `%W[FLOAT, 2x256x36]` in the inputs and initializers of a graph (numeric dims only).
    for (let at = text.indexOf('%', 0); at >= 0; at = text.indexOf('%', at + 1)) {
      const m = /^%([A-Za-z_][\w./:-]*)\[(?:FLOAT16|BFLOAT16|FLOAT|DOUBLE), (\d+(?:x\d+)*)\]/.exec(text.slice(at, at + 200));
      if (!m) continue;
      const nameAt = at + 1;
      this.shapes.push({ name: m[1], nameRange: { start: nameAt, end: nameAt + m[1].length }, shape: m[2].split('x').map(Number), range: { start: at, end: at + m[0].length } });
      at += m[0].length - 1;
    }
    for (let at = text.indexOf('shape', 0); at >= 0; at = text.indexOf('shape', at + 5)) {
      const bounds = shortLine(text, at, 200);
      if (!bounds) continue;
      const { start, end } = bounds;
      const m = /^\s*([A-Za-z_][\w./]*)(?:\.shape|\s+shape)\s*[:=]?\s*\((\s*\d+\s*(?:,\s*\d+\s*)*,?)\)\s*$/.exec(text.slice(start, end));
      if (!m || PYTHON_KEYWORDS.has(m[1])) continue;
      const shape = m[2].split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
      const nameAt = start + text.slice(start, end).indexOf(m[1]);
      this.shapes.push({ name: m[1], nameRange: { start: nameAt, end: nameAt + m[1].length }, shape, range: { start: nameAt, end } });
      at = end;
    }
  }

  /** `print(lstm.weight_hh_l0.size())` / `>>> print(rnn.weight_ih_l0.shape)` alone on the line before `lineStart`. */
  private sizeCallBefore(lineStart: number): { name: string; range: SourceRange } | undefined {
    const text = this.text;
    const end = lineStart - 1;
    if (end <= 0) return undefined;
    let start = end;
    while (start > 0 && end - start < 200 && text.charCodeAt(start - 1) !== 10) start--;
    const from = promptEnd(text, skipBlanks(text, start, end));
    const m = /^[A-Za-z_]\w*\(\s*([A-Za-z_][\w.]*)\.(?:size\(\)|shape)\s*\)\s*$/.exec(text.slice(from, end));
    if (!m || !/\./.test(m[1])) return undefined;
    const at = from + text.slice(from, end).indexOf(m[1]);
    return { name: m[1], range: { start: at, end: at + m[1].length } };
  }

  // ---- embedded output: comments and strings in Python, fences in Markdown ----

  /**
   * A `#` comment, with the comment lines right below it: output pasted as comments (`# tensor([[0.1, ...` over
   * several lines) is read as embedded data, the `#`s and the code before them blanked so offsets stay exact.
   */
  private comment(i: number): number {
    const text = this.text;
    this.tokenSinceNewline = true;
    let end = lineEnd(text, i);
    if (this.kind === 'json') return end;
    let masked = ' ' + text.slice(i + 1, end);
    // Following lines that hold only a comment belong to the same block.
    while (end < this.n) {
      let k = end + 1;
      while (k < this.n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
      if (text.charCodeAt(k) !== 35) break;
      const next = lineEnd(text, k);
      masked += '\n' + ' '.repeat(k - end) + text.slice(k + 1, next);
      end = next;
    }
    this.readEmbedded(i, end, 'comment', masked);
    return end;
  }

  /** Reads `masked` (the document's [start, end) with syntax blanked, same length) in plain-text mode. */
  private readEmbedded(start: number, end: number, where: 'string' | 'comment', masked: string): void {
    if (end - start < 3 || !/\d/.test(masked) || !/[[(]/.test(masked)) return;
    const sub = new Extractor(masked, this.maxDepth, this.signal, 'text');
    const result = sub.run();
    const shift = (r: SourceRange): SourceRange => ({ start: r.start + start, end: r.end + start });
    const listBase = this.listCounter;
    for (const a of result.arrays) {
      const moved: { -readonly [K in keyof ExtractedArray]: ExtractedArray[K] } = { ...a, index: this.arrays.length, range: shift(a.range), embedded: where };
      if (a.nameRange) moved.nameRange = shift(a.nameRange);
      if (a.list) moved.list = { id: listBase + a.list.id, position: a.list.position };
      this.arrays.push(moved);
    }
    // Shapes printed without values (variable headers, torch.Size lines) in the comment or string are shapes too.
    for (const sh of result.shapes ?? []) {
      this.shapes.push({
        ...sh, range: shift(sh.range), ...(sh.nameRange ? { nameRange: shift(sh.nameRange) } : {}),
        ...(sh.list ? { list: { id: listBase + sh.list.id, position: sh.list.position } } : {}),
      });
    }
    this.listCounter += sub.listCounter;
    // In a comment or a string only what concerns the data read there is worth a word (not prose brackets).
    for (const d of result.diagnostics) {
      if (d.code === 'truncated-print' || d.code === 'header-shape' || d.code === 'nan-values') this.diagnose(d.severity, d.code, d, shift(d.range), d.name);
    }
  }

  /** A Markdown fence line: ends open parentheses like a blank line; the fence's language decides the syntax inside. */
  private fence(i: number): number {
    const text = this.text;
    const end = lineEnd(text, i);
    const info = text.slice(i, end).replace(/^[`~]+/, '').trim().toLowerCase();
    const opening = !this.inFence;
    this.inFence = opening;
    this.pythonSyntax = opening && /^(python|py|python3|ipython|ipython3)\b/.test(info);
    this.blankLine();
    this.pendingHeader = undefined;
    return end;
  }

  /**
   * A new variable header while the previous header's values are still open: those values were cut
   * (`numpy= array([[ 0.0055, ...,` and then the next variable). Their brackets end here, so the next header is not
   * read as an element inside them; the cut array is reported as unterminated under its name.
   */
  private abandonCutValues(headerAt: number): void {
    const previous = this.lastHeaderAt;
    this.lastHeaderAt = headerAt;
    if (previous < 0) return;
    const stack = this.stack;
    let cut: Container | undefined;
    while (stack.length && stack[stack.length - 1].open > previous) cut = stack.pop();
    if (cut) {
      const name = this.variableName?.value ?? this.lastHeaderName;
      this.diagnose('warning', 'unterminated', localized(P.cutByHeader, quoted(name || undefined, phrase(P.thisVariable))), { start: cut.open, end: cut.open + 1 }, name);
    }
  }

  private startVariableHeader(value: string, range: SourceRange): void {
    this.lastHeaderName = value;
    this.variableName = { value, range };
    const text = this.text;
    let lineStart = range.start;
    while (lineStart > 0 && range.start - lineStart < 512 && text.charCodeAt(lineStart - 1) !== 10) lineStart--;
    const end = lineEnd(text, range.end);
    // Several headers on one line (`[<tf.Variable 'lstm/kernel:0' shape=(7, 8) …>, <tf.Variable … shape=(2, 8) …>]`):
    // the shape is the one inside this header's own < … >.
    const open = text.lastIndexOf('<', range.start);
    const close = text.indexOf('>', range.end);
    const own = open >= lineStart && close >= 0 && close < end;
    const shape = /\bshape=\(([\d,\s]*)\)/.exec(own ? text.slice(open, close) : text.slice(lineStart, Math.min(end, lineStart + 1024)));
    const dims = shape ? shape[1].split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number) : undefined;
    this.pendingHeader = { value, range, lineEnd: end, ...(dims ? { shape: dims } : {}) };
    // Recognition keeps this only when no values under the same name follow (a header alone is a shape listing).
    if (dims && dims.every((d) => Number.isInteger(d) && d > 0)) this.shapes.push({ name: value, nameRange: range, shape: dims, range: { start: range.start, end: end } });
  }

  /** The '>' of a variable header: a value inside it has been read by now; a header without one waits for the next lines. */
  private endVariableHeader(): void {
    this.variableName = undefined;
    // The header closed: its values (if any) were whole.
    this.lastHeaderAt = -1;
  }

  /** The pending header, when the literal at `pos` is the first thing printed after the header's line. */
  private headerFor(pos: number): { value: string; range: SourceRange; shape?: number[] } | undefined {
    const header = this.pendingHeader;
    if (!header || (pos <= header.lineEnd && !this.afterHeaderColon(header, pos))) return undefined;
    const slot = this.tok(1);
    if (slot >= 0 && this.tokEnd[slot] > header.lineEnd) {
      this.pendingHeader = undefined;
      return undefined;
    }
    this.pendingHeader = undefined;
    this.variableName = undefined;
    return header;
  }

  /**
   * `print('Param', var.name... )`-style lines put the values on the header's own line after a colon:
   * `Param tf.Variable 'simple_rnn_1/kernel:0' shape=(5, 1) dtype=float32_ref:  [[ 0.328…]` — the header has no
   * `<…>` around it, so the literal right after its colon is its value.
   */
  private afterHeaderColon(header: { range: SourceRange }, pos: number): boolean {
    const between = this.text.slice(header.range.end, pos);
    return !/[<>\n]/.test(between) && between.trimEnd().endsWith(':');
  }

  // ---- containers ----

  private openBracket(i: number, c: number): number {
    const text = this.text;
    const previous = this.kindOf(1);
    const slot = this.tok(1);
    const adjacent = slot >= 0 && this.tokEnd[slot] === i;
    let operand = previous === Tok.Ident || previous === Tok.Close || (previous === Tok.String && c === 91);
    // At the top level a line break ends the statement: `('weight_hh_l0', ...)` on the line after another printed
    // tuple is a new tuple, not a call of the previous one.
    if (operand && !adjacent && this.stack.length === 0 && text.slice(this.tokEnd[slot], i).includes('\n')) operand = false;
    if (operand && (adjacent || this.stack.length > 0 || c === 40)) {
      const identWord = previous === Tok.Ident ? this.valueOf(slot) : undefined;
      if (identWord === undefined || !PYTHON_KEYWORDS.has(identWord) || adjacent) {
        if (c === 40) {
          const callContext = this.callContext?.at === i ? this.callContext.context : undefined;
          this.callContext = undefined;
          return this.openContainer(i, Kind.Call, 41, callContext);
        }
        const extra = this.tokExtra[slot];
        const info = previous === Tok.Close && extra && !('kind' in extra) ? extra : undefined;
        const container = this.pushContainer(i, Kind.Subscript, 93, undefined);
        if (!container) return skipBalanced(text, i);
        container.subscriptBase = previous === Tok.Ident ? identWord : info?.base;
        container.subscriptKeys = info ? info.keys : [];
        return i + 1;
      }
    }
    const context = this.context(i);
    const kind = c === 91 ? Kind.List : Kind.Tuple;
    const close = c === 91 ? 93 : 41;
    if (this.noRetry.has(i)) {
      this.noRetry.delete(i);
      return this.openContainer(i, kind, close, context);
    }
    const outcome = readNumericList(text, i, this.limits);
    return this.bareLiteral(i, kind, close, context, outcome);
  }

  private bareLiteral(i: number, kind: Kind, close: number, context: Context, outcome: ListOutcome): number {
    if (this.stack.length === 0 && outcome.kind !== 'not-numeric') {
      const end = outcome.kind === 'array' ? outcome.array.range.end : outcome.kind === 'list' ? outcome.range.end : outcome.end;
      if (this.shapeListing(i, end)) {
        this.pushToken(Tok.Close, i, end);
        return end;
      }
    }
    // A name inherited through a call (`x = foo([1, 2])`) belongs to the call's result, not to this list — except when
    // the call's result is assigned to a weight attribute (`lstm.weight_ih_l0 = to_parameter([[…]])`): a wrapper.
    const reportable = (context.role === 'named' && (!context.inherited || WEIGHT_ATTRIBUTE.test(context.name ?? ''))) || context.role === 'printed';
    switch (outcome.kind) {
      case 'array': {
        const array = outcome.array;
        const end = array.range.end;
        const top = this.top();
        // `[0.1] * 12` is the list the code builds, not the literal: read neither as that array.
        if (reportable && !this.looksLikeShape(context, outcome) && !listRepetition(this.text, end)) {
          if (array.values.length === 0) {
            // `x = []`, `"layers": []` are everyday code and config; only a printed [] is worth a word.
            if (context.role === 'printed') this.emptyArray(context.name, array.range);
          } else {
            const form: ArrayForm = outcome.commaless ? 'numpy_repr' : this.documentIsJson && !outcome.tuple ? 'json' : 'python_literal';
            this.addArray(array, context, form, undefined, undefined);
            if (top?.kind === Kind.Dict && context.key !== undefined && VALUE_KEYS.has(context.key)) {
              top.dataIndex = this.arrays.length - 1;
              top.dataKey = context.key;
            }
          }
        } else if (top?.kind === Kind.Dict && context.key === 'shape' && outcome.allIntegers && array.shape.length === 1) {
          top.shapeDims = Array.from(array.values);
        }
        this.pushToken(Tok.Close, i, end);
        return end;
      }
      case 'list': {
        if (reportable) {
          const listId = this.listCounter++;
          const path = context.name !== undefined ? [...context.path, context.name] : context.path;
          const form: ArrayForm = outcome.commaless ? 'numpy_repr' : this.documentIsJson ? 'json' : 'python_literal';
          outcome.children.forEach((child, position) => {
            if (child.values.length === 0) this.emptyArray(undefined, child.range);
            else this.addArray(child, { role: 'list', path }, form, undefined, { id: listId, position }, true);
          });
        }
        this.pushToken(Tok.Close, i, outcome.range.end);
        return outcome.range.end;
      }
      case 'not-numeric': {
        for (const position of outcome.openPositions) if (position !== i) this.noRetry.add(position);
        // `bias = [0.1, −0.2]` is a weight array that cannot be read, not code: say so, or its layer would run without it.
        if (reportable && (outcome.mixedSeparators || (meantAsNumber(this.text.slice(outcome.at.start, outcome.at.end)) && !arithmeticOnNames(this.text, outcome.at.start)))) {
          this.nonNumeric(quoted(context.name), outcome, context.name);
        }
        return this.openContainer(i, kind, close, context);
      }
      case 'error': {
        if (reportable || outcome.code === 'too-deep' || outcome.code === 'unterminated') this.listError(outcome, context.name);
        this.pushToken(Tok.Close, i, outcome.end);
        return outcome.end;
      }
    }
  }

  /** `shape = (3, 12)`, `"batch_input_shape": [null, 10, 1]`: one-dimensional integer tuples or *shape/*size lists. */
  private looksLikeShape(context: Context, outcome: ListOutcome & { kind: 'array' }): boolean {
    if (!outcome.allIntegers || outcome.array.shape.length !== 1) return false;
    if (outcome.tuple) return true;
    const name = context.name?.toLowerCase() ?? '';
    return /(shape|sizes?|dims?|strides?|axis|axes)$/.test(name);
  }

  private openContainer(i: number, kind: Kind, closeCode: number, context: Context | undefined): number {
    const container = this.pushContainer(i, kind, closeCode, context);
    if (!container) return skipBalanced(this.text, i);
    return i + 1;
  }

  private pushContainer(i: number, kind: Kind, closeCode: number, context: Context | undefined): Container | undefined {
    if (this.stack.length >= this.maxDepth) {
      if (!this.tooDeepReported) {
        this.tooDeepReported = true;
        this.diagnose('error', 'too-deep', localized(P.tooDeep, this.maxDepth), { start: i, end: i + 1 });
      }
      this.pushToken(Tok.Close, i, i + 1);
      return undefined;
    }
    const container: Container = {
      kind,
      open: i,
      closeCode,
      keyed: false,
      elementIndex: 0,
      listId: -1,
      pair: false,
      tokensInside: 0,
    };
    if (context && context.name !== undefined && (context.role === 'named' || context.role === 'printed')) {
      container.name = context.key ?? context.name;
      container.keyed = context.key !== undefined;
    }
    this.pushToken(Tok.Open, i, i + 1, undefined, container);
    this.stack.push(container);
    return container;
  }

  private closeBracket(i: number, c: number): void {
    const stack = this.stack;
    // Pop to the matching opener; a stray closer (prose "1)", a typo) is ignored rather than unwinding everything.
    let match = -1;
    for (let k = stack.length - 1; k >= 0 && k >= stack.length - 4; k--) {
      if (stack[k].closeCode === c) {
        match = k;
        break;
      }
    }
    if (match < 0) {
      this.pushToken(Tok.Punct, i, i + 1);
      return;
    }
    const closed = stack[match];
    while (stack.length > match) stack.pop();
    if (closed.kind === Kind.Dict && closed.dataIndex !== undefined) this.closeDataRecord(closed);
    if (closed.kind === Kind.Subscript) {
      const keys = closed.tokensInside === 1 && closed.key !== undefined ? [...(closed.subscriptKeys ?? []), closed.key] : [];
      const info: SubscriptInfo = { base: closed.subscriptBase, keys, keyRange: closed.keyRange };
      this.pushToken(Tok.Close, i, i + 1, undefined, keys.length ? info : undefined);
    } else {
      this.pushToken(Tok.Close, i, i + 1);
    }
  }

  /**
   * {"data": [flat values], "shape": [6, 4]} (keras-js, tfjs): one array, shaped by its record and named like the
   * record (`lstm/kernel`, not `lstm/kernel/data`); a record in a list is that list's element.
   */
  private closeDataRecord(record: Container): void {
    const index = record.dataIndex!;
    const array = this.arrays[index];
    const result: { -readonly [K in keyof ExtractedArray]: ExtractedArray[K] } = { ...array };
    const dims = record.shapeDims;
    if (dims) {
      const count = dims.reduce((p, d) => p * d, 1);
      if (count === array.values.length) result.shape = dims;
      else {
        this.diagnose('warning', 'header-shape', localized(P.recordShape, quoted(array.name), dims.join(', '), count, array.values.length), array.range, array.name);
      }
    }
    const suffix = `/${record.dataKey}`;
    if (array.name === record.dataKey) delete result.name;
    else if (array.name?.endsWith(suffix)) result.name = array.name.slice(0, -suffix.length);
    if (result.name === undefined) delete result.nameRange;
    const parent = this.top();
    if (parent && parent.kind === Kind.List && result.name === undefined) {
      result.list = { id: this.listIdOf(parent), position: parent.elementIndex };
    }
    this.arrays[index] = result;
  }

  // ---- naming ----

  private context(pos: number): Context {
    const top = this.top();
    const k1 = this.kindOf(1);
    const path = this.pathNames();
    if (k1 === Tok.Assign) {
      const k2 = this.kindOf(2);
      const s2 = this.tok(2);
      if (k2 === Tok.Ident) {
        let slot = s2;
        // `w: np.ndarray = ...`: the annotated name, not the annotation.
        if (this.punctOf(3) === 58 && this.kindOf(4) === Tok.Ident && top?.kind !== Kind.Dict && top?.kind !== Kind.Call) {
          const annotated = this.tok(4);
          if (!this.text.slice(this.tokEnd[annotated], this.tokStart[s2]).includes('\n')) slot = annotated;
        }
        const word = this.valueOf(slot) ?? '';
        if ((word === 'numpy' || word === 'value') && this.variableName) {
          // <tf.Variable 'lstm/kernel:0' ... numpy=array(...)>, Keras 3 <Variable path=..., value=[[...]]>.
          const named = this.variableName;
          this.variableName = undefined;
          this.pendingHeader = undefined;
          return { role: 'named', name: named.value, nameRange: named.range, path };
        }
        // <tf.Tensor: shape=(2,), dtype=float32, numpy=array(...)> has no name.
        if (word === 'numpy' && this.punctOf(3) === 44) return { role: 'printed', path };
        return { role: 'named', name: word, nameRange: { start: this.tokStart[slot], end: this.tokEnd[slot] }, path };
      }
      if (k2 === Tok.Close) {
        const extra = this.tokExtra[s2];
        if (extra && !('kind' in extra) && extra.keys.length) {
          return {
            role: 'named',
            name: extra.keys.join('/'),
            nameRange: extra.keyRange,
            path: extra.base !== undefined ? [...path, extra.base] : path,
          };
        }
      }
      return { role: 'none', path };
    }
    if (k1 === Tok.Punct && top) {
      const p1 = this.punctOf(1);
      const s2 = this.tok(2);
      const k2 = this.kindOf(2);
      if (p1 === 58 && top.kind === Kind.Dict && (k2 === Tok.String || k2 === Tok.Ident || k2 === Tok.Number)) {
        const key = this.valueOf(s2);
        if (key !== undefined) {
          const keyRange = k2 === Tok.String ? { start: this.tokStart[s2] + 1, end: this.tokEnd[s2] - 1 } : { start: this.tokStart[s2], end: this.tokEnd[s2] };
          if (VALUE_KEYS.has(key) && top.nameField !== undefined) {
            return this.keyedContext(this.stack.length - 2, top.nameField, undefined, undefined);
          }
          return this.keyedContext(this.stack.length - 1, key, keyRange, key);
        }
      }
      if (p1 === 44 && top.kind === Kind.Tuple && top.elementIndex === 1 && k2 === Tok.String && this.kindOf(3) === Tok.Open && this.tokExtra[this.tok(3)] === top) {
        const key = this.valueOf(s2);
        if (key !== undefined) {
          top.pair = true;
          return this.keyedContext(this.stack.length - 2, key, { start: this.tokStart[s2] + 1, end: this.tokEnd[s2] - 1 }, key);
        }
      }
    }
    if (top && top.kind === Kind.Call && k1 === Tok.Open && this.tokExtra[this.tok(1)] === top && top.name !== undefined) {
      return { role: 'named', name: top.name, path: path.slice(0, -1), inherited: true };
    }
    if (top && (top.kind === Kind.List || (top.kind === Kind.Tuple && !top.pair))) {
      if ((k1 === Tok.Open && this.tokExtra[this.tok(1)] === top) || (k1 === Tok.Punct && this.punctOf(1) === 44)) {
        return { role: 'list', path, list: top };
      }
      // print(np.array(model.get_weights())): NumPy prints an object array's elements with no comma between them.
      const s1 = this.tok(1);
      if (top.kind === Kind.List && k1 === Tok.Close && this.tokFlags[s1] & ARRAY_END && this.text.slice(this.tokEnd[s1], pos).includes('\n')) {
        top.elementIndex++;
        return { role: 'list', path, list: top };
      }
    }
    if (this.stack.length === 0) {
      const header = this.headerFor(pos);
      if (header) return { role: 'printed', name: header.value, nameRange: header.range, path, ...(header.shape ? { headerShape: header.shape } : {}) };
      const printed = this.printedName(pos);
      if (printed) {
        const shape = printed.name !== undefined ? this.shapeLineBefore(pos, printed.name) : undefined;
        return { role: 'printed', name: printed.name, nameRange: printed.range, path, ...(shape ? { headerShape: shape } : {}) };
      }
    }
    return { role: 'none', path };
  }

  /**
   * Names of the enclosing containers, outermost first, up to and including `last` (default: all). A keyed name
   * (`lstm/kernel`) already holds the keys of its chain, so its path stops below the chain: path + name never
   * repeats a key.
   */
  private pathNames(last = this.stack.length - 1): string[] {
    const names: string[] = [];
    for (let k = 0; k <= last; k++) {
      const container = this.stack[k];
      if (container.name !== undefined) names.push(container.name);
      else if (container.nameField !== undefined) names.push(container.nameField);
    }
    return names;
  }

  /** {"lstm": {"kernel": ...}} → "lstm/kernel": the keys of the keyed containers from `from` outward, then `key`. */
  private keyChainParts(from: number, key: string): { parts: string[]; outside: number } {
    const parts = [key];
    let k = from;
    for (; k >= 0; k--) {
      const container = this.stack[k];
      if (container.keyed && container.name !== undefined) parts.unshift(container.name);
      else if (container.kind === Kind.Dict && container.nameField !== undefined) parts.unshift(container.nameField);
      else if (container.kind === Kind.Tuple && container.pair) continue;
      else break;
    }
    return { parts, outside: k };
  }

  private keyedContext(from: number, key: string, nameRange: SourceRange | undefined, plainKey: string | undefined): Context {
    const chain = this.keyChainParts(from, key);
    const context: { -readonly [K in keyof Context]: Context[K] } = { role: 'named', name: chain.parts.join('/'), path: this.pathNames(chain.outside) };
    if (nameRange) context.nameRange = nameRange;
    if (plainKey !== undefined) context.key = plainKey;
    return context;
  }

  /**
   * A literal at the top level that starts its line, or follows a name on its line (`lstm/kernel:0 [[...]]`), is
   * printed output. With nothing before it, a name alone on the previous line (print(name); print(value)) names it.
   */
  private printedName(pos: number): { name?: string; range?: SourceRange } | undefined {
    const text = this.text;
    let lineStart = pos;
    const limit = Math.max(0, pos - 256);
    while (lineStart > limit && text.charCodeAt(lineStart - 1) !== 10) lineStart--;
    if (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) return undefined;
    lineStart = promptEnd(text, skipBlanks(text, lineStart, pos));
    const prefix = text.slice(lineStart, pos);
    let trimmed = prefix.trim();
    if (trimmed.length === 0) return this.previousLineName(lineStart);
    // print(name, p.shape, p) → "weight_ih_l0 torch.Size([12, 2]) tensor(...)": the shape between name and value.
    const shaped = /^(\S+)\s+(?:torch\.Size\(\[[\d,\s]*\]\)|\(\s*\d+\s*,[\d,\s]*\))$/.exec(trimmed);
    if (shaped) trimmed = shaped[1];
    const name = trimmed.endsWith(':') ? trimmed.slice(0, -1) : trimmed;
    if (PRINTED_NAME.test(name) && !PYTHON_KEYWORDS.has(name)) {
      const start = lineStart + prefix.indexOf(trimmed);
      return { name, range: { start, end: start + name.length } };
    }
    // Prose, then a colon: "Here's W: [[1, 2]]" — printed, named by the word before the colon.
    if (!trimmed.endsWith(':') || /\b(def|class|if|elif|else|for|while|with|try|except|lambda|case|match)\b|=/.test(prefix)) return undefined;
    const word = /([A-Za-z_][\w./-]*):$/.exec(trimmed);
    if (!word) return {};
    const start = lineStart + prefix.lastIndexOf(word[1] + ':');
    return { name: word[1], range: { start, end: start + word[1].length } };
  }

  /**
   * `W shape: (6, 16)` / `W.shape (6, 16)` on one of the three lines above the printed `W: [...]` (a flat list, as
   * keras-js notebooks print them): the shape of those values.
   */
  private shapeLineBefore(pos: number, name: string): number[] | undefined {
    const text = this.text;
    let end = pos;
    while (end > 0 && text.charCodeAt(end - 1) !== 10) end--;
    end--;
    for (let lines = 0; lines < 3 && end > 0; lines++) {
      let start = end;
      while (start > 0 && end - start < 200 && text.charCodeAt(start - 1) !== 10) start--;
      const line = text.slice(start, end).trim();
      if (line.startsWith(name)) {
        const rest = line.slice(name.length);
        const m = /^(?:\.shape|\s+shape)\s*[:=]?\s*(?:torch\.Size\(\[([\d,\s]*)\]\)|\(([\d,\s]*)\))$/.exec(rest);
        if (m) return (m[1] ?? m[2]).split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
      }
      end = start - 1;
    }
    return undefined;
  }

  private previousLineName(lineStart: number): { name?: string; range?: SourceRange } {
    const text = this.text;
    let end = lineStart - 1; // the '\n' ending the previous line
    for (let lines = 0; lines < 4 && end > 0; lines++) {
      let start = end;
      const limit = Math.max(0, end - 200);
      while (start > limit && text.charCodeAt(start - 1) !== 10) start--;
      if (start > 0 && text.charCodeAt(start - 1) !== 10) return {};
      const lineStart = start;
      start = promptEnd(text, skipBlanks(text, start, end));
      const line = text.slice(start, end);
      let trimmed = line.trim();
      // >>> print(lstm.weight_ih_l0)
      const printCall = /^print\(\s*([^(),\s]+)\s*\)$/.exec(trimmed);
      if (printCall) trimmed = printCall[1];
      if (trimmed === '' || trimmed === 'Parameter containing:') {
        end = lineStart - 1;
        continue;
      }
      // for name, p in model.named_parameters(): print(name, p) → "rnn.weight_ih_l0 Parameter containing:".
      const parameter = /^(\S+)\s+Parameter containing:$/.exec(trimmed);
      // print('Param %s:\n%s' % (w, v)) → "Param lstm_3_W_i:": one label word, then a structured name and a colon.
      const labelled = parameter ? undefined : /^[A-Za-z]+\s+([A-Za-z_]\w*[_/.][\w./:-]*):$/.exec(trimmed);
      const written = parameter ? parameter[1] : labelled ? labelled[1] : trimmed;
      const name = written.endsWith(':') ? written.slice(0, -1) : written;
      if (!PRINTED_NAME.test(name) || PYTHON_KEYWORDS.has(name)) return {};
      const at = start + line.indexOf(trimmed);
      return { name, range: { start: at, end: at + name.length } };
    }
    return {};
  }

  // ---- constructor calls: np.array([...], dtype=...), tensor([...], requires_grad=True), ... ----

  private constructorCall(identStart: number, identEnd: number, paren: number, callee: string, last: string): number {
    const text = this.text;
    const context = this.context(identStart);
    const form: ArrayForm = callee === 'array' ? 'numpy_repr' : callee === 'tensor' ? 'torch_repr' : 'python_literal';
    const j = skipSpaceAndComments(text, paren + 1);
    const c = text.charCodeAt(j);
    let outcome: ListOutcome | undefined;
    if ((c === 91 || c === 40) && !this.noRetry.has(j)) {
      outcome = readNumericList(text, j, this.limits);
    } else if (!SHAPE_TAKING.has(last) && startsScalar(text, j)) {
      outcome = readScalar(text, j);
    }
    if (!outcome) {
      // np.array(x), tensor(data): not a literal. Read on as an ordinary call.
      this.pushToken(Tok.Ident, identStart, identEnd, callee);
      const callContext: Context | undefined = context.role === 'named' ? context : undefined;
      return this.openContainer(paren, Kind.Call, 41, callContext);
    }
    const label = quoted(context.name, phrase(P.call, callee));
    switch (outcome.kind) {
      case 'not-numeric': {
        if (!listRepetition(text, outcome.at.start)) this.nonNumeric(label, outcome, context.name);
        for (const position of outcome.openPositions) this.noRetry.add(position);
        this.pushToken(Tok.Ident, identStart, identEnd, callee);
        return this.openContainer(paren, Kind.Call, 41, context.role === 'named' ? context : undefined);
      }
      case 'error': {
        this.listError(outcome, context.name, callee);
        if (outcome.end >= this.n) return this.n;
        const tail = scanArguments(text, outcome.end);
        this.pushToken(Tok.Close, identStart, tail.end);
        return tail.end;
      }
      case 'list': {
        const shapes = outcome.children.map((child) => `[${child.shape.join(', ')}]`);
        this.diagnose(
          'error',
          'ragged-rows',
          localized(P.rowsOfDifferentShapes, label, `${shapes.slice(0, 4).join(', ')}${shapes.length > 4 ? ', …' : ''}`),
          outcome.range,
          context.name,
        );
        const tail = scanArguments(text, outcome.range.end);
        this.pushToken(Tok.Close, identStart, tail.end);
        return tail.end;
      }
      case 'array': {
        if (listRepetition(text, outcome.array.range.end)) {
          // np.array([0.0] * n): the call's argument is an expression on the literal; read on as ordinary code.
          this.noRetry.add(j);
          this.pushToken(Tok.Ident, identStart, identEnd, callee);
          return this.openContainer(paren, Kind.Call, 41, context.role === 'named' ? context : undefined);
        }
        const tail = scanArguments(text, outcome.array.range.end);
        if (!tail.closed) {
          this.diagnose('error', 'unterminated', localized(P.callNotClosed, callee), { start: paren, end: paren + 1 }, context.name);
        }
        const range = { start: identStart, end: tail.end };
        let named = context;
        if (named.name === undefined && tail.name !== undefined) named = { ...named, role: 'named', name: tail.name, nameRange: tail.nameRange };
        const list = context.role === 'list' && context.list ? context.list : undefined;
        if (outcome.array.values.length === 0) {
          this.emptyArray(named.name, range);
        } else {
          const arrayForm = form === 'python_literal' && outcome.commaless ? 'numpy_repr' : form;
          const listInfo = list ? { id: this.listIdOf(list), position: list.elementIndex } : undefined;
          this.addArray({ ...outcome.array, range }, named, arrayForm, tail.dtype, listInfo);
        }
        this.pushToken(Tok.Close, identStart, tail.end, undefined, undefined, ARRAY_END);
        return tail.end;
      }
    }
  }

  private listIdOf(list: Container): number {
    if (list.listId < 0) list.listId = this.listCounter++;
    return list.listId;
  }

  // ---- results ----

  private addArray(
    array: NumericArray,
    context: Context,
    form: ArrayForm,
    dtype: string | undefined,
    list: { id: number; position: number } | undefined,
    unnamed = false,
  ): void {
    const index = this.arrays.length;
    const name = unnamed ? undefined : context.name;
    if (context.headerShape) array = this.fitHeaderShape(array, context.headerShape, name);
    const result: {
      -readonly [K in keyof ExtractedArray]: ExtractedArray[K];
    } = { index, shape: array.shape, values: array.values, range: array.range, form };
    if (name !== undefined) result.name = name;
    if (name !== undefined && context.nameRange) result.nameRange = context.nameRange;
    if (dtype !== undefined) result.dtype = dtype;
    if (list) result.list = list;
    if (context.path.length) result.path = context.path;
    if (array.printed) result.printedDecimals = array.printed;
    this.arrays.push(result);
    if (array.nonFiniteCount > 0) {
      const first = array.nonFinite[0];
      const value = array.values[first.index];
      const what = Number.isNaN(value) ? 'NaN' : value > 0 ? 'inf' : '-inf';
      const label = quoted(name, phrase(P.arrayNumber, index));
      const count = array.nonFiniteCount;
      const at = formatIndex(first.index, array.shape);
      this.diagnose(
        'warning',
        'nan-values',
        count === 1 ? localized(P.nonFiniteOne, label, what, at) : localized(P.nonFiniteMany, label, count, what, at),
        first.range,
        name,
      );
    }
  }

  /** Values printed under a header take the header's shape when the count agrees; a disagreement is reported. */
  private fitHeaderShape(array: NumericArray, shape: readonly number[], name: string | undefined): NumericArray {
    const same = shape.length === array.shape.length && shape.every((d, k) => d === array.shape[k]);
    if (same) return array;
    const count = shape.reduce((p, d) => p * d, 1);
    if (count === array.values.length) return { ...array, shape: [...shape] };
    this.diagnose(
      'warning',
      'header-shape',
      localized(P.headerShape, quoted(name), `${shape.join(', ')}${shape.length === 1 ? ',' : ''}`, count, array.values.length),
      array.range,
      name,
    );
    return array;
  }

  private emptyArray(name: string | undefined, range: SourceRange): void {
    this.diagnose('warning', 'empty-array', localized(P.empty, quoted(name)), range, name);
  }

  private listError(outcome: ListOutcome & { kind: 'error' }, name: string | undefined, callee?: string): void {
    const label = quoted(name, callee !== undefined ? phrase(P.thisCall, callee) : phrase(P.thisArray));
    const template = outcome.code === 'unterminated' ? P.unterminated : outcome.code === 'too-deep' ? P.tooDeepDetail : outcome.code === 'truncated-print' ? P.truncated : P.ragged;
    this.diagnose('error', outcome.code, localized(template, label, outcome.detail), outcome.range, name);
  }

  /** A literal meant as numbers with a token that is not one: the detail, and what to write instead for a look-alike. */
  private nonNumeric(label: Phrase, outcome: ListOutcome & { kind: 'not-numeric' }, name: string | undefined): void {
    const hint = lookalikeHint(this.text.slice(outcome.at.start, outcome.at.end));
    const detail = hint ? phrase(P.withHint, outcome.detail, hint) : outcome.detail;
    this.diagnose('error', 'non-numeric', localized(P.nonNumeric, label, detail), outcome.at, name, hint);
  }

  private diagnose(severity: DiagnosticSeverity, code: string, text: Localizable, range: SourceRange, name?: string, hint?: Phrase): void {
    // An editor cannot show a million squiggles usefully: keep the first MAX_DIAGNOSTICS, count the rest.
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      this.suppressedDiagnostics++;
      return;
    }
    const clamped = { start: clamp(range.start, 0, this.n), end: clamp(range.end, 0, this.n) };
    if (clamped.end < clamped.start) clamped.end = clamped.start;
    const diagnostic: { -readonly [K in keyof ParseDiagnostic]: ParseDiagnostic[K] } = { severity, code, message: text.message, range: clamped };
    if (text.template !== undefined) {
      diagnostic.template = text.template;
      diagnostic.args = text.args ?? [];
    }
    if (name !== undefined) diagnostic.name = name;
    if (hint !== undefined) diagnostic.hint = hint;
    else if ('hint' in text && text.hint !== undefined) diagnostic.hint = text.hint as Phrase;
    this.diagnostics.push(diagnostic);
  }
}

// ---- helpers ----

/**
 * After the literal: `, dtype=float32)`, `, requires_grad=True)`, `, name='kernel')`, positional arguments, up to
 * the call's ')'. Each argument must follow a comma; anything else where a ',' or ')' belongs means the call was
 * cut short, and reading resumes right after the literal (so a missing ')' does not swallow the rest of the text).
 */
function scanArguments(text: string, from: number): { end: number; closed: boolean; dtype?: string; name?: string; nameRange?: SourceRange } {
  const n = text.length;
  let i = from;
  let dtype: string | undefined;
  let name: string | undefined;
  let nameRange: SourceRange | undefined;
  while (true) {
    i = skipSpaceAndComments(text, i);
    const c = text.charCodeAt(i);
    if (c === 41 /* ) */) return { end: i + 1, closed: true, dtype, name, nameRange };
    if (c !== 44 /* , */) return { end: from, closed: false, dtype, name, nameRange };
    i = skipSpaceAndComments(text, i + 1);
    if (text.charCodeAt(i) === 41) return { end: i + 1, closed: true, dtype, name, nameRange };
    // keyword= or a positional value
    let keyword: string | undefined;
    let k = i;
    while (k < n && isIdentPart(text.charCodeAt(k))) k++;
    if (k > i) {
      let e = k;
      while (e < n && (text.charCodeAt(e) === 32 || text.charCodeAt(e) === 9)) e++;
      if (text.charCodeAt(e) === 61 && text.charCodeAt(e + 1) !== 61) {
        keyword = text.slice(i, k);
        i = e + 1;
      }
    }
    // The value: balanced brackets and strings, up to ',' or ')' at its own level, or a line end at that level.
    const valueStart = i;
    let level = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 34 || d === 39) {
        i = stringEnd(text, i);
        continue;
      }
      if (isIdentStart(d)) {
        // The next array constructor starts a new literal: this call was cut short. Stopping here also keeps
        // repeated unclosed calls linear (each argument scan ends where the next call begins).
        const start = i;
        let segment = i;
        while (i < n && (isIdentPart(text.charCodeAt(i)) || (text.charCodeAt(i) === 46 && isIdentStart(text.charCodeAt(i + 1))))) {
          if (text.charCodeAt(i) === 46) segment = i + 1;
          i++;
        }
        if (CONSTRUCTORS.has(text.slice(segment, i)) && text.charCodeAt(skipSpaceAndComments(text, i)) === 40 && i - start < 64) {
          return { end: from, closed: false, dtype, name, nameRange };
        }
        continue;
      }
      if (d === 91 || d === 40 || d === 123) level++;
      else if (d === 93 || d === 125 || d === 41) {
        if (level === 0) break;
        level--;
      } else if (level === 0 && (d === 44 || d === 10 || d === 35)) break;
      i++;
    }
    if (level > 0) return { end: from, closed: false, dtype, name, nameRange };
    const raw = text.slice(valueStart, i).trim();
    const unquoted = raw.replace(/^(['"])(.*)\1$/s, '$2');
    if (keyword === 'dtype') dtype = unquoted;
    else if (keyword === 'name' && unquoted !== raw) {
      name = unquoted;
      const at = valueStart + text.slice(valueStart, i).indexOf(raw) + 1;
      nameRange = { start: at, end: at + unquoted.length };
    }
  }
}

/**
 * End of a notebook or console prompt at `i` (the first non-blank character of a line): `In [6]:`, `In [ ]:`,
 * `Out[6]:`, `>>>`, `...` (followed by a space or the line's end). `i` itself when there is none.
 */
export function promptEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 62 /* > */ || c === 46 /* . */) {
    if (text.charCodeAt(i + 1) !== c || text.charCodeAt(i + 2) !== c) return i;
    const after = text.charCodeAt(i + 3);
    if (after === 32 || after === 9) return i + 4;
    if (after === 10 || after === 13 || Number.isNaN(after)) return i + 3;
    return i;
  }
  if (c !== 73 /* I */ && c !== 79 /* O */) return i;
  const prompt = /^(?:In ?|Out)\[[\d\s*]*\]:[ \t]?/.exec(text.slice(i, i + 16));
  return prompt ? i + prompt[0].length : i;
}

/** `tf.Variable 'name'`: the identifier at `j` is followed, on its line, by a quote. */
function isQuoteAfterSpace(text: string, j: number): boolean {
  let k = j;
  while (text.charCodeAt(k) === 32) k++;
  const c = text.charCodeAt(k);
  return k > j && (c === 39 || c === 34);
}

/** Start and end of the line holding `i`, or undefined when the line is longer than `limit` either side. */
function shortLine(text: string, i: number, limit: number): { start: number; end: number } | undefined {
  let start = i;
  while (start > 0 && text.charCodeAt(start - 1) !== 10) if (i - --start > limit) return undefined;
  let end = i;
  while (end < text.length && text.charCodeAt(end) !== 10) if (++end - i > limit) return undefined;
  return { start, end };
}

/** ``` or ~~~ (three or more) at a line start. */
function isFence(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

function stringEnd(text: string, i: number): number {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j += 2;
      continue;
    }
    if (c === quote) return j + 1;
    if (c === 10) return j;
    j++;
  }
  return text.length;
}

function startsScalar(text: string, j: number): boolean {
  const c = text.charCodeAt(j);
  if ((c >= 48 && c <= 57) || c === 46) return true;
  if (c === 45 || c === 43) return true;
  return text.startsWith('nan', j) || text.startsWith('inf', j) || text.startsWith('np.nan', j) || text.startsWith('float(', j);
}

/** tensor(0.5), np.array(3.0): a 0-d array. The value must be followed by ',' or ')'. */
function readScalar(text: string, j: number): ListOutcome | undefined {
  let value: number;
  let end: number;
  const c = text.charCodeAt(j);
  if ((c >= 48 && c <= 57) || c === 46 || ((c === 45 || c === 43) && (isDigit(text.charCodeAt(j + 1)) || text.charCodeAt(j + 1) === 46))) {
    value = readNumber(text, j);
    if (lastNumber.end < 0) return undefined;
    end = lastNumber.end;
  } else {
    const word = /^[+-]?(?:np\.|numpy\.|math\.)?(nan|inf)\b/.exec(text.slice(j, j + 16));
    if (!word) return undefined;
    value = word[1] === 'nan' ? NaN : word[0].startsWith('-') ? -Infinity : Infinity;
    end = j + word[0].length;
  }
  const after = skipSpaceAndComments(text, end);
  const d = text.charCodeAt(after);
  if (d !== 44 && d !== 41) return undefined;
  const nonFinite = value - value !== 0 ? [{ index: 0, range: { start: j, end } }] : [];
  return {
    kind: 'array',
    array: { shape: [], values: Float64Array.of(value), range: { start: j, end }, nonFinite, nonFiniteCount: nonFinite.length },
    commaless: false,
    tuple: false,
    allIntegers: false,
  };
}

function skipSpaceAndComments(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) i++;
    else if (c === 35) i = lineEnd(text, i);
    else break;
  }
  return i;
}

function lineEnd(text: string, i: number): number {
  const newline = text.indexOf('\n', i);
  return newline < 0 ? text.length : newline;
}

function formatIndex(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return 'the only position';
  const index: number[] = new Array(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] || 1;
    index[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  return `[${index.join(', ')}]`;
}

function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_match, escape: string) => {
    if (escape.length > 1) return String.fromCharCode(parseInt(escape.slice(1), 16));
    switch (escape) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      default:
        return escape;
    }
  });
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || (c > 127 && !isSpace(c) && !(c >= 0xd800 && c <= 0xdfff));
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isNumberChar(c: number, previous: number): boolean {
  if ((c >= 48 && c <= 57) || c === 46 || c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  return (c === 45 || c === 43) && (previous === 101 || previous === 69);
}
