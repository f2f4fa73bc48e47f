// Bytes of a weights or input file → text. UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order
// mark (what Windows tools such as PowerShell's `>` write) are decoded; anything else is refused with the byte offset
// of the first byte that is not UTF-8 and a hint about what the file probably is. Pure: no Node APIs.

export class DecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export interface Decoded {
  readonly text: string;
  readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
}

/**
 * A one-byte string of the bytes when every byte is ASCII, otherwise undefined. Node answers both with native code
 * (`buffer.isAscii`, a latin1 copy); the UTF-8 decoder with `fatal` goes through ICU and costs 80–120 ms on a 21.9 MB
 * paste where this costs about 25 ms, once page faults are not the larger cost (docs/benchmarks.md, session 8).
 */
export type AsciiText = (bytes: Uint8Array) => string | undefined;

export function decodeText(bytes: Uint8Array, asciiText?: AsciiText): Decoded {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe) {
    if (bytes[2] === 0 && bytes[3] === 0) throw new DecodeError('is UTF-32 (little-endian byte-order mark FF FE 00 00); save it as UTF-8', 0);
    return { text: utf16(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  }
  if (b0 === 0xfe && b1 === 0xff) return { text: utf16(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  if (b0 === 0 && b1 === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) throw new DecodeError('is UTF-32 (big-endian byte-order mark 00 00 FE FF); save it as UTF-8', 0);
  const body = b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  // The native decoder validates while it decodes (one pass); the byte-by-byte check only runs to say where it failed.
  let text = asciiText?.(body);
  if (text === undefined) {
    try {
      text = FATAL_UTF8.decode(body);
    } catch {
      text = undefined;
    }
  }
  const bad = text === undefined ? firstInvalidUtf8(body) : -1;
  if (bad >= 0) {
    const offset = bad + (body === bytes ? 0 : 3);
    throw new DecodeError(`is not UTF-8 text: byte 0x${bytes[offset].toString(16).toUpperCase().padStart(2, '0')} at byte offset ${offset} is not valid UTF-8; ${hint(bytes, offset)}`, offset);
  }
  // NUL is valid UTF-8 but never part of printed weights: UTF-16 without a byte-order mark, or a binary file.
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new DecodeError(`is not UTF-8 text: it holds a 0 byte at byte offset ${nul}; ${hint(bytes, nul)}`, nul);
  return { text: text ?? new TextDecoder('utf-8').decode(body), encoding: 'utf-8' };
}

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string {
  if (bytes.length % 2 !== 0) throw new DecodeError(`is ${encoding.toUpperCase()} (by its byte-order mark) but has an odd number of bytes: it is cut short or not UTF-16`, bytes.length + 1);
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new DecodeError(`is ${encoding.toUpperCase()} (by its byte-order mark) but holds an unpaired surrogate; save it as UTF-8`, 2);
  }
}

/** Index of the first byte that does not continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function hint(bytes: Uint8Array, offset: number): string {
  const sample = bytes.subarray(0, Math.min(bytes.length, 4096));
  let zeros = 0;
  let zerosAtOdd = 0;
  for (let k = 0; k < sample.length; k++) if (sample[k] === 0) { zeros++; if (k % 2 === 1) zerosAtOdd++; }
  if (zeros > sample.length / 4) {
    if (zerosAtOdd > zeros * 0.9 || zerosAtOdd < zeros * 0.1) return 'every other byte is 0, so it looks like UTF-16 without a byte-order mark: save it as UTF-8 (or as UTF-16 with a BOM)';
    return 'it holds many 0 bytes, so it looks like a binary file; gate-lens reads weights printed as text (print(...), json.dump, np.savetxt) and .npy inputs';
  }
  if (zeros > 0) return 'it holds 0 bytes, so it may be a binary file; gate-lens reads weights printed as text';
  if (bytes[offset] >= 0x80) {
    return 'it looks like a legacy 8-bit encoding (Latin-1 / Windows-1252 / GBK / Shift_JIS): save it as UTF-8, e.g. `iconv -f cp1252 -t utf-8 FILE > FILE.utf8` (use the encoding the file was written in)';
  }
  return 'save it as UTF-8';
}
