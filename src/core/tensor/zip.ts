// Zip archives read lazily: the central directory from the end of the file, then each entry's bytes only when asked.
// Stored entries (PyTorch, np.savez) are windows onto the file; deflated ones (np.savez_compressed, .keras) are
// inflated with fflate under two guards against zip bombs: the declared size must be within the limit and within
// the ratio limit of the compressed size, and inflation stops as soon as it passes the declared size.
// Format: PKWARE APPNOTE.TXT 4.3.6 (local header), 4.3.12 (central directory), 4.3.14–16 (ZIP64).

import { fflate } from '../fflate';
import { checkRange, sliceSource } from './bytes';
import { DEFAULT_LIMITS, ModelFileError, type ByteSource, type ReadLimits } from './types';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  readonly byName: ReadonlyMap<string, ZipEntry>;
  /** The entry's bytes as a ByteSource (a window for stored entries, inflated memory for deflated ones). */
  open(entry: ZipEntry): Promise<ByteSource>;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
}

const u16 = (v: DataView, o: number) => v.getUint16(o, true);
const u32 = (v: DataView, o: number) => v.getUint32(o, true);
const u64 = (v: DataView, o: number, what: string): number => {
  const n = v.getBigUint64(o, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelFileError('bad-zip', `${what} ${n} is beyond what a file can hold`);
  return Number(n);
};

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function findEnd(source: ByteSource): Promise<{ tail: Uint8Array; tailStart: number; at: number }> {
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  for (let k = tail.length - 22; k >= 0; k--) {
    if (tail[k] === 0x50 && tail[k + 1] === 0x4b && u32(view(tail), k) === EOCD) return { tail, tailStart, at: k };
  }
  throw new ModelFileError('bad-zip', 'not a complete zip archive: its end-of-central-directory record is missing (the file is truncated or not a zip)');
}

export async function openZip(source: ByteSource, limits: ReadLimits = DEFAULT_LIMITS): Promise<ZipArchive> {
  const { tail, tailStart, at } = await findEnd(source);
  const t = view(tail);
  let count = u16(t, at + 10);
  let cdSize = u32(t, at + 12);
  let cdOffset = u32(t, at + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && at >= 20 && u32(t, at - 20) === EOCD64_LOCATOR) {
    const eocd64At = u64(t, at - 20 + 8, 'ZIP64 end record offset');
    checkRange(source.size, eocd64At, 56, 'ZIP64 end record');
    const e = view(await source.read(eocd64At, 56));
    if (u32(e, 0) !== EOCD64) throw new ModelFileError('bad-zip', 'the ZIP64 end record is damaged');
    count = u64(e, 32, 'entry count');
    cdSize = u64(e, 40, 'central directory size');
    cdOffset = u64(e, 48, 'central directory offset');
  }
  if (count > limits.maxTensors) throw new ModelFileError('too-many-entries', `the archive lists ${count} entries, more than the ${limits.maxTensors} Gate Lens reads`);
  checkRange(source.size, cdOffset, cdSize, 'zip central directory');
  const cd = cdOffset >= tailStart ? tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize) : await source.read(cdOffset, cdSize);
  const v = view(cd);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || u32(v, p) !== CENTRAL) throw new ModelFileError('bad-zip', `zip central directory entry ${k + 1} of ${count} is damaged`);
    const method = u16(v, p + 10);
    let compressedSize = u32(v, p + 20);
    let size = u32(v, p + 24);
    const nameLength = u16(v, p + 28);
    const extraLength = u16(v, p + 30);
    const commentLength = u16(v, p + 32);
    let localHeaderOffset = u32(v, p + 42);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length) throw new ModelFileError('bad-zip', `zip central directory entry ${k + 1} runs past the directory`);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLength));
    // ZIP64 extended information (APPNOTE 4.5.3): only the fields whose 32-bit value is 0xffffffff, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = u16(v, e);
      const len = u16(v, e + 2);
      if (id === 1) {
        let q = e + 4;
        const take = (): number => { if (q + 8 > e + 4 + len) throw new ModelFileError('bad-zip', `ZIP64 field of "${name}" is short`); const n = u64(v, q, 'ZIP64 size'); q += 8; return n; };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  const byName = new Map(entries.map((x) => [x.name, x]));
  return { entries, byName, open: (entry) => openEntry(source, entry, limits) };
}

async function openEntry(source: ByteSource, entry: ZipEntry, limits: ReadLimits): Promise<ByteSource> {
  checkRange(source.size, entry.localHeaderOffset, 30, `local header of "${entry.name}"`);
  const h = view(await source.read(entry.localHeaderOffset, 30));
  if (u32(h, 0) !== LOCAL) throw new ModelFileError('bad-zip', `the local header of "${entry.name}" is damaged`);
  if (u16(h, 6) & 1) throw new ModelFileError('encrypted', `"${entry.name}" is encrypted; Gate Lens reads unencrypted archives only`);
  const dataStart = entry.localHeaderOffset + 30 + u16(h, 26) + u16(h, 28);
  checkRange(source.size, dataStart, entry.compressedSize, `data of "${entry.name}"`);
  if (entry.size > limits.maxEntryBytes) throw new ModelFileError('too-large', `"${entry.name}" declares ${entry.size} bytes, more than the ${limits.maxEntryBytes}-byte limit`);
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) throw new ModelFileError('bad-zip', `"${entry.name}" is stored uncompressed but declares ${entry.size} bytes for ${entry.compressedSize} stored`);
    return sliceSource(source, dataStart, entry.size);
  }
  if (entry.method !== 8) throw new ModelFileError('unsupported-compression', `"${entry.name}" uses zip compression method ${entry.method}; Gate Lens reads stored (0) and deflate (8)`);
  if (entry.size > Math.max(1024, entry.compressedSize * limits.maxCompressionRatio)) {
    throw new ModelFileError('zip-bomb', `"${entry.name}" declares ${entry.size} bytes from ${entry.compressedSize} compressed (ratio above ${limits.maxCompressionRatio}); refused as a possible zip bomb`);
  }
  const compressed = await source.read(dataStart, entry.compressedSize);
  const out = inflateBounded(compressed, entry.size, entry.name);
  return { size: out.length, read: (offset, length) => { checkRange(out.length, offset, length, `read in "${entry.name}"`); return Promise.resolve(out.subarray(offset, offset + length)); } };
}

function inflateBounded(compressed: Uint8Array, declared: number, name: string): Uint8Array {
  const out = new Uint8Array(declared);
  let written = 0;
  let ended = false;
  const inflater = new (fflate().Inflate)((chunk, final) => {
    if (written + chunk.length > declared) throw new ModelFileError('zip-bomb', `"${name}" inflates past its declared ${declared} bytes; refused`);
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  try {
    // Feed in slices so an over-long stream is caught after at most one chunk of excess output.
    const step = 1 << 16;
    for (let k = 0; k < compressed.length; k += step) inflater.push(compressed.subarray(k, Math.min(compressed.length, k + step)), k + step >= compressed.length);
    if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError('bad-zip', `"${name}" does not inflate: ${(e as Error).message}`);
  }
  if (!ended || written !== declared) throw new ModelFileError('bad-zip', `"${name}" inflates to ${written} bytes but declares ${declared}; the archive is damaged`);
  return out;
}
