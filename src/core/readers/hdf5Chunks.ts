// Chunked HDF5 datasets written with the 1.10+ file format (h5py `libver='latest'` or `('v110', …)`): their data
// layout message is version 4, which indexes chunks with a single-chunk record, an implicit array, a fixed array,
// an extensible array or a version-2 B-tree. jsfive 0.4.2 reads only the version-1 B-tree of older files, so this
// module reads the layout-4 indexes of fixed-size datasets (single chunk, implicit, fixed array, paged or not) and
// undoes the shuffle, deflate and Fletcher-32 filters; jsfive still reads everything else (superblock, object
// headers, links, attributes, datatypes). Resizable datasets (maxshape) use the extensible array or the v2 B-tree:
// those are refused with that reason. Spec: HDF5 File Format Specification 3.0, IV.A.2.i (Data Layout Message v4),
// VII (Fixed Array index), IV.A.2.l (Filter Pipeline); Fletcher-32 as H5_checksum_fletcher32 (H5checksum.c).

import { decodeElements, dtypeBytes } from '../tensor/dtype';
import { ModelFileError } from '../tensor/types';
import { inflateSync } from 'fflate';

export interface ChunkFilter {
  readonly id: number;
  readonly clientData: readonly number[];
}

export interface ChunkedDataset {
  /** The whole HDF5 file (jsfive holds it in memory). */
  readonly file: Uint8Array;
  /** Byte offset of the data layout message's body. */
  readonly layoutOffset: number;
  readonly shape: readonly number[];
  /** Our dtype name (float64, float32, ...) and the file's byte order. */
  readonly dtype: string;
  readonly littleEndian: boolean;
  readonly filters: readonly ChunkFilter[];
  /** The dataset's path, for messages. */
  readonly path: string;
}

const INDEX_NAMES: Record<number, string> = { 1: 'single chunk', 2: 'implicit', 3: 'fixed array', 4: 'extensible array', 5: 'version 2 B-tree' };
const FILTER_NAMES: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scaleoffset', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32015: 'zstd' };

/** True when the layout message at `offset` is version 4 with chunked storage (class 2): this module's case. */
export function isLayoutV4Chunked(file: Uint8Array, offset: number): boolean {
  return offset >= 0 && offset + 2 <= file.length && file[offset] === 4 && file[offset + 1] === 2;
}

class Cursor {
  constructor(private readonly file: Uint8Array, private readonly path: string) {}

  bad(what: string): never {
    throw new ModelFileError('bad-hdf5', `HDF5 dataset ${this.path}: ${what}`);
  }

  need(at: number, length: number, what: string): void {
    if (!Number.isSafeInteger(at) || at < 0 || length < 0 || at + length > this.file.length) this.bad(`${what} (bytes ${at}–${at + length}) lies outside the ${this.file.length}-byte file`);
  }

  /** A little-endian unsigned integer of `size` bytes; undefined for the all-ones "undefined address". */
  uint(at: number, size: number, what: string): number | undefined {
    this.need(at, size, what);
    let value = 0;
    let allOnes = true;
    for (let k = size - 1; k >= 0; k--) {
      const b = this.file[at + k];
      if (b !== 0xff) allOnes = false;
      value = value * 256 + b;
    }
    if (allOnes && size === 8) return undefined;
    // Past 2^53 the sum is inexact, but stays past 2^53: refused either way.
    if (!Number.isSafeInteger(value)) this.bad(`${what} is beyond any file`);
    return value;
  }

  defined(at: number, size: number, what: string): number {
    const v = this.uint(at, size, what);
    if (v === undefined) this.bad(`${what} is undefined`);
    return v!;
  }

  signature(at: number, expected: string, what: string): void {
    this.need(at, 4, what);
    const got = String.fromCharCode(...this.file.subarray(at, at + 4));
    if (got !== expected) this.bad(`${what} at byte ${at} should start with "${expected}", it starts with ${JSON.stringify(got)}`);
  }
}

interface ChunkRecord { readonly address: number | undefined; readonly size: number; readonly mask: number }

/** Reads a layout-4 chunked dataset into float64, row-major. */
export function readLayoutV4Chunked(d: ChunkedDataset): Float64Array {
  const c = new Cursor(d.file, d.path);
  const p0 = d.layoutOffset;
  c.need(p0, 5, 'the data layout message');
  const flags = d.file[p0 + 2];
  const rank = d.file[p0 + 3];
  const encoded = d.file[p0 + 4];
  if (rank !== d.shape.length + 1) c.bad(`the chunk has ${rank - 1} dimensions, the dataset ${d.shape.length}`);
  if (encoded < 1 || encoded > 8) c.bad(`chunk dimensions encoded in ${encoded} bytes`);
  let p = p0 + 5;
  const dims: number[] = [];
  for (let k = 0; k < rank; k++, p += encoded) dims.push(c.defined(p, encoded, 'a chunk dimension'));
  const chunk = dims.slice(0, -1);
  const itemSize = dims[rank - 1];
  if (itemSize !== dtypeBytes(d.dtype)) c.bad(`chunks hold ${itemSize}-byte elements, ${d.dtype} has ${dtypeBytes(d.dtype)}`);
  if (chunk.some((n) => n < 1)) c.bad(`a chunk dimension of 0 in (${chunk.join(', ')})`);
  const count = d.shape.reduce((a, b) => a * b, 1);
  const grid = d.shape.map((n, k) => Math.ceil(n / chunk[k]));
  const chunks = grid.reduce((a, b) => a * b, 1);
  const chunkCount = chunk.reduce((a, b) => a * b, 1);
  // Chunks larger than the data are legal (one chunk over a small dataset), but not a billion-element chunk over a
  // handful of values: the work and memory stay within a small multiple of the dataset itself.
  if (chunks * chunkCount > 8 * count + (1 << 20)) c.bad(`${chunks} chunks of (${chunk.join(', ')}) for a (${d.shape.join(', ')}) dataset; refused as out of proportion`);
  const chunkBytes = chunkCount * itemSize;
  const indexType = d.file[p];
  c.need(p, 1, 'the chunk index type');
  p += 1;
  let records: ChunkRecord[];
  switch (indexType) {
    case 1: {
      let size = chunkBytes;
      let mask = 0;
      if (flags & 2) {
        size = c.defined(p, 8, 'the filtered chunk size');
        mask = c.defined(p + 8, 4, 'the chunk filter mask');
        p += 12;
      }
      records = [{ address: c.uint(p, 8, 'the chunk address'), size, mask }];
      break;
    }
    case 2: {
      if (d.filters.length) c.bad('an implicit chunk index with filters, which HDF5 never writes');
      const start = c.uint(p, 8, 'the chunk array address');
      records = Array.from({ length: chunks }, (_, k) => ({ address: start === undefined ? undefined : start + k * chunkBytes, size: chunkBytes, mask: 0 }));
      break;
    }
    case 3:
      records = fixedArray(c, d.file, c.defined(p + 1, 8, 'the fixed array header address'), chunks, chunkBytes);
      break;
    default:
      throw new ModelFileError('hdf5-unsupported', `HDF5 dataset ${d.path} indexes its chunks with the ${INDEX_NAMES[indexType] ?? `type ${indexType}`} index (a resizable dataset, maxshape, in the HDF5 1.10+ format), which Gate Lens does not read; write it without maxshape, or with libver='earliest'`);
  }
  const out = new Float64Array(count);
  const edgeFlag = (flags & 1) !== 0;
  records.forEach((r, k) => {
    if (r.address === undefined) c.bad(`chunk ${k} was never written (no storage); its values would be the fill value, not weights`);
    const origin = chunkOrigin(k, grid, chunk);
    const partial = origin.some((o, dim) => o + chunk[dim] > d.shape[dim]);
    c.need(r.address!, r.size, `chunk ${k}`);
    const raw = d.file.subarray(r.address!, r.address! + r.size);
    const bytes = partial && edgeFlag ? raw : unfilter(raw, r.mask, d.filters, chunkBytes, itemSize, `HDF5 dataset ${d.path} chunk ${k}`);
    if (bytes.length !== chunkBytes) c.bad(`chunk ${k} holds ${bytes.length} bytes after its filters; a chunk of (${chunk.join(', ')}) needs ${chunkBytes}`);
    scatter(decodeElements(bytes, d.dtype, chunkCount, d.littleEndian), out, origin, chunk, d.shape);
  });
  return out;
}

/** Fixed Array header (FAHD) and data block (FADB), paged when it has more than 2^pageBits entries. */
function fixedArray(c: Cursor, file: Uint8Array, header: number, chunks: number, chunkBytes: number): ChunkRecord[] {
  c.signature(header, 'FAHD', 'the fixed array header');
  c.need(header, 28, 'the fixed array header');
  const client = file[header + 5];
  const entrySize = file[header + 6];
  const pageBits = file[header + 7];
  const entries = c.defined(header + 8, 8, 'the fixed array size');
  const block = c.defined(header + 16, 8, 'the fixed array data block address');
  if (entries !== chunks) c.bad(`the fixed array lists ${entries} chunks, the dataset has ${chunks}`);
  if (client !== 0 && client !== 1) c.bad(`fixed array client ${client}`);
  const sizeBytes = entrySize - 12;
  if (client === 0 ? entrySize !== 8 : sizeBytes < 1 || sizeBytes > 8) c.bad(`fixed array entries of ${entrySize} bytes`);
  if (pageBits > 30) c.bad(`fixed array pages of 2^${pageBits} entries`);
  c.signature(block, 'FADB', 'the fixed array data block');
  const entry = (at: number): ChunkRecord => client === 0
    ? { address: c.uint(at, 8, 'a chunk address'), size: chunkBytes, mask: 0 }
    : { address: c.uint(at, 8, 'a chunk address'), size: c.defined(at + 8, sizeBytes, 'a chunk size'), mask: c.defined(at + 8 + sizeBytes, 4, 'a chunk filter mask') };
  const prefix = block + 4 + 1 + 1 + 8;
  const perPage = 2 ** pageBits;
  if (entries <= perPage) return Array.from({ length: entries }, (_, k) => entry(prefix + k * entrySize));
  const pages = Math.ceil(entries / perPage);
  const bitmap = prefix;
  let page = bitmap + Math.ceil(pages / 8) + 4;
  const out: ChunkRecord[] = [];
  for (let k = 0; k < pages; k++) {
    const n = Math.min(perPage, entries - k * perPage);
    c.need(bitmap + (k >> 3), 1, 'the fixed array page bitmap');
    const initialised = (file[bitmap + (k >> 3)] & (0x80 >> (k & 7))) !== 0;
    for (let j = 0; j < n; j++) out.push(initialised ? entry(page + j * entrySize) : { address: undefined, size: 0, mask: 0 });
    page += n * entrySize + 4;
  }
  return out;
}

function chunkOrigin(k: number, grid: readonly number[], chunk: readonly number[]): number[] {
  const origin = new Array<number>(grid.length);
  for (let d = grid.length - 1; d >= 0; d--) {
    origin[d] = (k % grid[d]) * chunk[d];
    k = Math.floor(k / grid[d]);
  }
  return origin;
}

/** Copies a chunk's row-major values into the dataset, dropping what lies past the dataset's edge. */
function scatter(values: Float64Array, out: Float64Array, origin: readonly number[], chunk: readonly number[], shape: readonly number[]): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
  const at = new Array<number>(rank).fill(0);
  for (let k = 0; k < values.length; k++) {
    let index = 0;
    let inside = true;
    for (let d = 0; d < rank; d++) {
      const x = origin[d] + at[d];
      if (x >= shape[d]) { inside = false; break; }
      index += x * strides[d];
    }
    if (inside) out[index] = values[k];
    for (let d = rank - 1; d >= 0; d--) {
      if (++at[d] < chunk[d]) break;
      at[d] = 0;
    }
  }
}

/** Undoes the filter pipeline, last filter first; a set bit in `mask` means that filter was skipped for the chunk. */
function unfilter(raw: Uint8Array, mask: number, filters: readonly ChunkFilter[], chunkBytes: number, itemSize: number, what: string): Uint8Array {
  let bytes = raw;
  for (let k = filters.length - 1; k >= 0; k--) {
    if (mask & (1 << k)) continue;
    const f = filters[k];
    if (f.id === 1) bytes = unzlib(bytes, inflatedSize(chunkBytes, filters.slice(0, k)), what);
    else if (f.id === 2) bytes = unshuffle(bytes, f.clientData[0] ?? itemSize);
    else if (f.id === 3) bytes = checkFletcher32(bytes, what);
    else throw new ModelFileError('hdf5-unsupported', `${what} is stored with the ${FILTER_NAMES[f.id] ?? `#${f.id}`} filter, which Gate Lens does not decode (it reads deflate/gzip, shuffle and fletcher32)`);
  }
  return bytes;
}

/** What deflate must produce: the chunk, plus 4 bytes for each Fletcher-32 applied before it. */
function inflatedSize(chunkBytes: number, earlier: readonly ChunkFilter[]): number {
  return chunkBytes + 4 * earlier.filter((f) => f.id === 3).length;
}

/** HDF5's deflate filter writes a zlib stream (RFC 1950): a 2-byte header, raw deflate, an Adler-32 trailer. */
function unzlib(bytes: Uint8Array, size: number, what: string): Uint8Array {
  if (bytes.length < 6 || (bytes[0] & 0x0f) !== 8 || ((bytes[0] << 8) | bytes[1]) % 31 !== 0 || bytes[1] & 0x20) {
    throw new ModelFileError('bad-hdf5', `${what} should be a zlib stream (deflate filter), its first bytes are ${Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  // One spare byte tells a stream that inflates past the chunk (fflate stops writing at the end of `out`).
  let out: Uint8Array;
  try {
    out = inflateSync(bytes.subarray(2, bytes.length - 4), { out: new Uint8Array(size + 1) });
  } catch (e) {
    throw new ModelFileError('bad-hdf5', `${what} does not inflate: ${(e as Error).message}`);
  }
  if (out.length !== size) throw new ModelFileError('bad-hdf5', `${what} inflates to ${out.length > size ? 'more than' : ''} ${Math.min(out.length, size)} bytes; the chunk needs ${size}`);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, false);
  if (adler32(out) !== stored) throw new ModelFileError('bad-hdf5', `${what}: the zlib checksum does not match the inflated data; the file is damaged`);
  return out;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let p = 0; p < data.length;) {
    const end = Math.min(data.length, p + 5552);
    for (; p < end; p++) { a += data[p]; b += a; }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function unshuffle(bytes: Uint8Array, itemSize: number): Uint8Array {
  if (itemSize <= 1) return bytes;
  const n = Math.floor(bytes.length / itemSize);
  const out = new Uint8Array(bytes.length);
  for (let b = 0; b < itemSize; b++) for (let i = 0; i < n; i++) out[i * itemSize + b] = bytes[b * n + i];
  // Bytes past the last whole element are left unshuffled by the writer.
  out.set(bytes.subarray(n * itemSize), n * itemSize);
  return out;
}

/** H5_checksum_fletcher32: 16-bit big-endian words, sums folded every 360 words; stored little-endian after the data. */
export function fletcher32(data: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  let p = 0;
  let words = data.length >> 1;
  while (words) {
    let block = words > 360 ? 360 : words;
    words -= block;
    do {
      sum1 += (data[p] << 8) | data[p + 1];
      p += 2;
      sum2 += sum1;
    } while (--block);
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (data.length & 1) {
    sum1 += data[p] << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

function checkFletcher32(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length < 4) throw new ModelFileError('bad-hdf5', `${what}: ${bytes.length} bytes cannot hold a Fletcher-32 checksum`);
  const data = bytes.subarray(0, bytes.length - 4);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + data.length, 4).getUint32(0, true);
  const sum = fletcher32(data);
  // HDF5 before 1.6.3 stored the checksum byte-swapped on little-endian machines; HDF5 itself accepts both.
  const swapped = ((sum & 0xff) << 24 | (sum & 0xff00) << 8 | (sum >>> 8) & 0xff00 | sum >>> 24) >>> 0;
  if (stored !== sum && stored !== swapped) throw new ModelFileError('bad-hdf5', `${what}: Fletcher-32 checksum ${stored.toString(16)} does not match the data (${sum.toString(16)}); the file is damaged`);
  return data;
}
