// Chunked HDF5 datasets, read from the bytes jsfive holds. jsfive 0.4.2 indexes only the version-1 B-tree of
// layout-3 files and decodes only gzip/shuffle/fletcher32 (unbounded), so this module reads every chunk index h5py
// writes: the version-1 B-tree (data layout message v3, h5py's default libver) and, for the 1.10+ format (layout v4,
// `libver='latest'`), the single-chunk, implicit, fixed array (paged or not), extensible array (one unlimited
// dimension: `maxshape=(None, …)`) and version-2 B-tree (several unlimited dimensions) indexes; and it undoes the
// deflate (bounded, Adler-32 checked), shuffle, Fletcher-32 (checked) and lzf (h5py's filter 32000, bounded) filters.
// jsfive still reads everything else (superblock, object headers, links, attributes, datatypes). Spec: HDF5 File
// Format Specification 3.0: III.A.1 (v1 B-tree), III.A.2 (v2 B-tree, record types 10/11), IV.A.2.i (Data Layout
// v3/v4), VII (Fixed Array, Extensible Array), IV.A.2.l (Filter Pipeline); chunk numbering as H5Dfarray.c/H5Dearray.c
// (max-dimension strides, the unlimited dimension swizzled first); Fletcher-32 as H5checksum.c; lzf as liblzf lzf_d.c.

import { decodeElements, dtypeBytes } from '../tensor/dtype';
import { ModelFileError } from '../tensor/types';
import { fflate } from '../fflate';

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
  /** The dataspace's maximum dimensions (undefined entry: unlimited); absent: the same as `shape`. */
  readonly maxShape?: readonly (number | undefined)[];
  /** Our dtype name (float64, float32, ...) and the file's byte order. */
  readonly dtype: string;
  readonly littleEndian: boolean;
  readonly filters: readonly ChunkFilter[];
  /** The dataset's path, for messages. */
  readonly path: string;
}

const INDEX_NAMES: Record<number, string> = { 1: 'single chunk', 2: 'implicit', 3: 'fixed array', 4: 'extensible array', 5: 'version 2 B-tree' };
const FILTER_NAMES: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scaleoffset', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32013: 'zfp', 32015: 'zstd', 32017: 'sz' };
const RESAVE = 're-save it without that filter (`h5repack -f NONE in.h5 out.h5`, or copy each dataset in h5py with compression=\'gzip\')';

/** True when the layout message at `offset` is chunked storage (class 2) in version 3 or 4: this module's case. */
export function isChunkedLayout(file: Uint8Array, offset: number): boolean {
  return offset >= 0 && offset + 2 <= file.length && (file[offset] === 3 || file[offset] === 4) && file[offset + 1] === 2;
}

/** The maximum dimensions of the dataspace message at `offset` (undefined entry: unlimited); undefined when it has none. */
export function dataspaceMaxShape(file: Uint8Array, offset: number, path: string): (number | undefined)[] | undefined {
  const c = new Cursor(file, path);
  c.need(offset, 4, 'the dataspace message');
  const version = file[offset];
  const rank = file[offset + 1];
  if (!(file[offset + 2] & 1)) return undefined;
  const dims = offset + (version === 1 ? 8 : version === 2 ? 4 : c.bad(`dataspace message version ${version}`));
  return Array.from({ length: rank }, (_, k) => c.uint(dims + (rank + k) * 8, 8, 'a maximum dimension'));
}

class Cursor {
  constructor(private readonly file: Uint8Array, private readonly path: string) {}

  bad(what: string): never {
    throw new ModelFileError('bad-hdf5', `HDF5 dataset ${this.path}: ${what}`);
  }

  need(at: number, length: number, what: string): void {
    if (!Number.isSafeInteger(at) || at < 0 || length < 0 || at + length > this.file.length) this.bad(`${what} (bytes ${at}–${at + length}) lies outside the ${this.file.length}-byte file`);
  }

  byte(at: number, what: string): number {
    this.need(at, 1, what);
    return this.file[at];
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

/** The chunk grid: current extent, and the maximum extent the index numbers chunks by. */
interface Geometry {
  readonly chunk: readonly number[];
  readonly grid: readonly number[];
  /** Chunks per dimension at the maximum extent; undefined: an unlimited dimension. */
  readonly maxGrid: readonly (number | undefined)[];
  readonly chunkBytes: number;
}

/** Finds the record of the chunk at scaled coordinates (chunk units); undefined: never written. */
type ChunkLookup = (scaled: readonly number[]) => ChunkRecord | undefined;

/** Deflate's best ratio (258-byte matches at 2 bits each, about 1032:1); lzf's is lower. */
const MAX_RATIO = 1032;

/** At most this many chunk-index nodes or records are visited per dataset (a cycle or a bloated index stops here). */
const MAX_INDEX_ITEMS = 1 << 20;

/** Reads a chunked dataset (layout v3 or v4) into float64, row-major. */
export function readChunked(d: ChunkedDataset): Float64Array {
  const c = new Cursor(d.file, d.path);
  const p0 = d.layoutOffset;
  c.need(p0, 3, 'the data layout message');
  const version = d.file[p0];
  let flags = 0;
  let rank: number;
  let encoded: number;
  let p: number;
  let btree1: number | undefined;
  if (version === 3) {
    rank = d.file[p0 + 2];
    btree1 = c.uint(p0 + 3, 8, 'the chunk B-tree address');
    encoded = 4;
    p = p0 + 11;
  } else {
    c.need(p0, 5, 'the data layout message');
    flags = d.file[p0 + 2];
    rank = d.file[p0 + 3];
    encoded = d.file[p0 + 4];
    p = p0 + 5;
  }
  if (rank !== d.shape.length + 1) c.bad(`the chunk has ${rank - 1} dimensions, the dataset ${d.shape.length}`);
  if (encoded < 1 || encoded > 8) c.bad(`chunk dimensions encoded in ${encoded} bytes`);
  const dims: number[] = [];
  for (let k = 0; k < rank; k++, p += encoded) dims.push(c.defined(p, encoded, 'a chunk dimension'));
  const chunk = dims.slice(0, -1);
  const itemSize = dims[rank - 1];
  if (itemSize !== dtypeBytes(d.dtype)) c.bad(`chunks hold ${itemSize}-byte elements, ${d.dtype} has ${dtypeBytes(d.dtype)}`);
  if (chunk.some((n) => n < 1)) c.bad(`a chunk dimension of 0 in (${chunk.join(', ')})`);
  const count = d.shape.reduce((a, b) => a * b, 1);
  // Every value comes from a chunk in the file, at best inflated 1032:1 (deflate's limit; lzf's is lower): a shape
  // past that is a damaged dataspace, refused before any memory is taken for it.
  if (count * itemSize > MAX_RATIO * d.file.length + (1 << 16)) c.bad(`a (${d.shape.join(', ')}) dataset needs ${count * itemSize} bytes, more than the ${d.file.length}-byte file can hold even compressed`);
  const grid = d.shape.map((n, k) => Math.ceil(n / chunk[k]));
  const chunks = grid.reduce((a, b) => a * b, 1);
  const chunkCount = chunk.reduce((a, b) => a * b, 1);
  // Chunks larger than the data are legal (one chunk over a small dataset), but not a billion-element chunk over a
  // handful of values: the work and memory stay within a small multiple of the dataset itself.
  if (chunks * chunkCount > 8 * count + (1 << 20)) c.bad(`${chunks} chunks of (${chunk.join(', ')}) for a (${d.shape.join(', ')}) dataset; refused as out of proportion`);
  const maxShape = d.maxShape ?? d.shape;
  if (maxShape.length !== d.shape.length) c.bad(`the dataspace lists ${maxShape.length} maximum dimensions for ${d.shape.length} dimensions`);
  const maxGrid = maxShape.map((n, k) => (n === undefined ? undefined : Math.max(grid[k], Math.ceil(n / chunk[k]))));
  const geo: Geometry = { chunk, grid, maxGrid, chunkBytes: chunkCount * itemSize };
  const lookup = version === 3 ? btreeV1(c, d.file, btree1, geo, rank) : layoutV4Index(c, d, p, geo, flags);
  const out = new Float64Array(count);
  const edgeFlag = (flags & 1) !== 0;
  for (let k = 0; k < chunks; k++) {
    const scaled = gridCoordinates(k, grid);
    const origin = scaled.map((s, dim) => s * chunk[dim]);
    const r = lookup(scaled);
    const address = r?.address;
    if (r === undefined || address === undefined) return c.bad(`the chunk at (${origin.join(', ')}) was never written (no storage); its values would be the fill value, not weights`);
    const partial = origin.some((o, dim) => o + chunk[dim] > d.shape[dim]);
    c.need(address, r.size, `chunk ${k}`);
    const raw = d.file.subarray(address, address + r.size);
    const bytes = partial && edgeFlag ? raw : unfilter(raw, r.mask, d.filters, geo.chunkBytes, itemSize, `HDF5 dataset ${d.path} chunk ${k}`);
    if (bytes.length !== geo.chunkBytes) c.bad(`chunk ${k} holds ${bytes.length} bytes after its filters; a chunk of (${chunk.join(', ')}) needs ${geo.chunkBytes}`);
    scatter(decodeElements(bytes, d.dtype, chunkCount, d.littleEndian), out, origin, chunk, d.shape);
  }
  return out;
}

/** The layout-4 index that starts at byte `p` of the layout message (its type byte). */
function layoutV4Index(c: Cursor, d: ChunkedDataset, p: number, geo: Geometry, flags: number): ChunkLookup {
  const indexType = c.byte(p, 'the chunk index type');
  p += 1;
  const finite = geo.maxGrid.every((n) => n !== undefined);
  const unlimited = geo.maxGrid.flatMap((n, k) => (n === undefined ? [k] : []));
  switch (indexType) {
    case 1: {
      let size = geo.chunkBytes;
      let mask = 0;
      if (flags & 2) {
        size = c.defined(p, 8, 'the filtered chunk size');
        mask = c.defined(p + 8, 4, 'the chunk filter mask');
        p += 12;
      }
      const only = { address: c.uint(p, 8, 'the chunk address'), size, mask };
      if (geo.grid.some((n) => n !== 1)) c.bad(`a single-chunk index over ${geo.grid.join(' × ')} chunks`);
      return () => only;
    }
    case 2: {
      if (d.filters.length) c.bad('an implicit chunk index with filters, which HDF5 never writes');
      if (!finite) c.bad('an implicit chunk index over an unlimited dimension, which HDF5 never writes');
      const start = c.uint(p, 8, 'the chunk array address');
      return (scaled) => ({ address: start === undefined ? undefined : start + linearIndex(scaled, geo.maxGrid, undefined) * geo.chunkBytes, size: geo.chunkBytes, mask: 0 });
    }
    case 3:
      if (!finite) c.bad('a fixed array chunk index over an unlimited dimension, which HDF5 never writes');
      return fixedArray(c, d.file, c.defined(p + 1, 8, 'the fixed array header address'), geo);
    case 4:
      if (unlimited.length !== 1) c.bad(`an extensible array chunk index with ${unlimited.length} unlimited dimensions (HDF5 writes it for exactly one)`);
      return extensibleArray(c, d.file, c.defined(p + 5, 8, 'the extensible array header address'), geo, unlimited[0]);
    case 5:
      return btreeV2(c, d.file, c.defined(p + 6, 8, 'the version 2 B-tree header address'), geo);
    default:
      throw new ModelFileError('hdf5-unsupported', `HDF5 dataset ${d.path} indexes its chunks with the ${INDEX_NAMES[indexType] ?? `type ${indexType}`} index, which no HDF5 version writes`);
  }
}

/**
 * The chunk number fixed, implicit and extensible array indexes use: row-major over the maximum extent's chunk grid,
 * with an unlimited dimension moved first (H5VM_swizzle_coords), whose own extent never enters the strides.
 */
function linearIndex(scaled: readonly number[], maxGrid: readonly (number | undefined)[], unlimitedDim: number | undefined): number {
  const order = maxGrid.map((_, k) => k);
  if (unlimitedDim !== undefined && unlimitedDim > 0) { order.splice(unlimitedDim, 1); order.unshift(unlimitedDim); }
  let index = 0;
  for (const dim of order) index = index * (dim === order[0] ? 1 : maxGrid[dim]!) + scaled[dim];
  return index;
}

/** A chunk entry of a fixed or extensible array: client 0 (unfiltered, an address) or 1 (address, size, filter mask). */
function arrayEntry(c: Cursor, client: number, entrySize: number, chunkBytes: number, at: number): ChunkRecord {
  if (client === 0) return { address: c.uint(at, 8, 'a chunk address'), size: chunkBytes, mask: 0 };
  const sizeBytes = entrySize - 12;
  return { address: c.uint(at, 8, 'a chunk address'), size: c.defined(at + 8, sizeBytes, 'a chunk size'), mask: c.defined(at + 8 + sizeBytes, 4, 'a chunk filter mask') };
}

function checkClient(c: Cursor, client: number, entrySize: number, what: string): void {
  if (client !== 0 && client !== 1) c.bad(`${what} client ${client}`);
  if (client === 0 ? entrySize !== 8 : entrySize - 12 < 1 || entrySize - 12 > 8) c.bad(`${what} entries of ${entrySize} bytes`);
}

/** Fixed Array header (FAHD) and data block (FADB), paged when it has more than 2^pageBits entries. */
function fixedArray(c: Cursor, file: Uint8Array, header: number, geo: Geometry): ChunkLookup {
  c.signature(header, 'FAHD', 'the fixed array header');
  c.need(header, 28, 'the fixed array header');
  const client = file[header + 5];
  const entrySize = file[header + 6];
  const pageBits = file[header + 7];
  const entries = c.defined(header + 8, 8, 'the fixed array size');
  const block = c.defined(header + 16, 8, 'the fixed array data block address');
  const maxChunks = geo.maxGrid.reduce<number>((a, b) => a * b!, 1);
  if (entries !== maxChunks) c.bad(`the fixed array lists ${entries} chunks, the dataset's maximum extent has ${maxChunks}`);
  checkClient(c, client, entrySize, 'fixed array');
  if (pageBits > 30) c.bad(`fixed array pages of 2^${pageBits} entries`);
  c.signature(block, 'FADB', 'the fixed array data block');
  const prefix = block + 4 + 1 + 1 + 8;
  const perPage = 2 ** pageBits;
  const pages = Math.ceil(entries / perPage);
  const paged = entries > perPage;
  const firstPage = prefix + Math.ceil(pages / 8) + 4;
  return (scaled) => {
    const k = linearIndex(scaled, geo.maxGrid, undefined);
    if (!paged) return arrayEntry(c, client, entrySize, geo.chunkBytes, prefix + k * entrySize);
    const page = Math.floor(k / perPage);
    // The bitmap says which pages were ever written; every page before the last is full.
    if (!(c.byte(prefix + (page >> 3), 'the fixed array page bitmap') & (0x80 >> (page & 7)))) return undefined;
    return arrayEntry(c, client, entrySize, geo.chunkBytes, firstPage + page * (perPage * entrySize + 4) + (k % perPage) * entrySize);
  };
}

/**
 * Extensible Array (H5EA): header EAHD, index block EAIB (the first elements, then data block and super block
 * addresses), super blocks EASB, data blocks EADB. Element i's place follows H5EA__hdr_init's super block table.
 */
function extensibleArray(c: Cursor, file: Uint8Array, header: number, geo: Geometry, unlimitedDim: number): ChunkLookup {
  c.signature(header, 'EAHD', 'the extensible array header');
  c.need(header, 12 + 6 * 8 + 8 + 4, 'the extensible array header');
  if (file[header + 4] !== 0) c.bad(`extensible array version ${file[header + 4]}`);
  const client = file[header + 5];
  const entrySize = file[header + 6];
  const maxBits = file[header + 7];
  const indexElements = file[header + 8];
  const blockMin = file[header + 9];
  const superMinPointers = file[header + 10];
  const pageBits = file[header + 11];
  checkClient(c, client, entrySize, 'extensible array');
  const log2 = (n: number): number => (n >= 1 && (n & (n - 1)) === 0 ? Math.log2(n) : c.bad(`extensible array parameter ${n} is not a power of two`));
  if (maxBits < 1 || maxBits > 64 || log2(blockMin) > maxBits) c.bad(`extensible array of 2^${maxBits} elements with data blocks of ${blockMin}`);
  const superBlocks = 1 + maxBits - log2(blockMin);
  const table: Array<{ blocks: number; elements: number; start: number; firstBlock: number }> = [];
  for (let u = 0, start = 0, firstBlock = 0; u < superBlocks; u++) {
    const blocks = 2 ** Math.floor(u / 2);
    const elements = 2 ** Math.floor((u + 1) / 2) * blockMin;
    table.push({ blocks, elements, start, firstBlock });
    start += blocks * elements;
    firstBlock += blocks;
  }
  const offsetBytes = Math.ceil(maxBits / 8);
  const iblock = c.defined(header + 12 + 6 * 8, 8, 'the extensible array index block address');
  c.signature(iblock, 'EAIB', 'the extensible array index block');
  const iblockSupers = 2 * log2(superMinPointers);
  const blockAddresses = iblock + 14 + indexElements * entrySize;
  const superAddresses = blockAddresses + 2 * (superMinPointers - 1) * 8;
  if (iblockSupers > superBlocks) c.bad(`the extensible array index block holds ${iblockSupers} of ${superBlocks} super blocks`);
  const dataBlockEntry = (block: number | undefined, element: number, elements: number): ChunkRecord | undefined => {
    if (block === undefined) return undefined;
    if (elements > 2 ** pageBits) throw new ModelFileError('hdf5-unsupported', `HDF5 dataset ${geo.chunk.length}-D: an extensible array data block of ${elements} chunks is paged, which Gate Lens does not read; re-save the dataset without maxshape`);
    c.signature(block, 'EADB', 'an extensible array data block');
    return arrayEntry(c, client, entrySize, geo.chunkBytes, block + 14 + offsetBytes + element * entrySize);
  };
  const maxElements = 2 ** maxBits;
  return (scaled) => {
    const i = linearIndex(scaled, geo.maxGrid, unlimitedDim);
    if (i >= maxElements) c.bad(`chunk number ${i} is beyond the extensible array's 2^${maxBits} elements`);
    if (i < indexElements) return arrayEntry(c, client, entrySize, geo.chunkBytes, iblock + 14 + i * entrySize);
    const rel = i - indexElements;
    const s = Math.floor(Math.log2(Math.floor(rel / blockMin) + 1));
    const info = table[s];
    if (!info) c.bad(`chunk number ${i} is beyond the extensible array's super blocks`);
    const within = rel - info.start;
    const block = Math.floor(within / info.elements);
    const element = within % info.elements;
    if (s < iblockSupers) return dataBlockEntry(c.uint(blockAddresses + (info.firstBlock + block) * 8, 8, 'an extensible array data block address'), element, info.elements);
    const sblock = c.uint(superAddresses + (s - iblockSupers) * 8, 8, 'an extensible array super block address');
    if (sblock === undefined) return undefined;
    c.signature(sblock, 'EASB', 'an extensible array super block');
    const pageInit = info.elements > 2 ** pageBits ? info.blocks * Math.ceil(info.elements / 2 ** pageBits / 8) : 0;
    return dataBlockEntry(c.uint(sblock + 14 + offsetBytes + pageInit + block * 8, 8, 'an extensible array data block address'), element, info.elements);
  };
}

/** Bytes that hold any count up to `n` (H5VM_limit_enc_size). */
function limitBytes(n: number): number {
  return Math.floor(Math.floor(Math.log2(Math.max(1, n))) / 8) + 1;
}

/** Version-2 B-tree of chunk records (type 10: unfiltered, 11: filtered), records in leaves and internal nodes alike. */
function btreeV2(c: Cursor, file: Uint8Array, header: number, geo: Geometry): ChunkLookup {
  c.signature(header, 'BTHD', 'the version 2 B-tree header');
  c.need(header, 38, 'the version 2 B-tree header');
  const view = new DataView(file.buffer, file.byteOffset + header);
  const type = file[header + 5];
  const nodeSize = view.getUint32(6, true);
  const recordSize = view.getUint16(10, true);
  const depth = view.getUint16(12, true);
  const root = c.uint(header + 16, 8, 'the B-tree root node address');
  const rootRecords = view.getUint16(24, true);
  const rank = geo.chunk.length;
  if (type !== 10 && type !== 11) c.bad(`a version 2 B-tree of record type ${type} indexes the chunks (10 or 11 expected)`);
  const sizeBytes = recordSize - 12 - 8 * rank;
  if (type === 10 ? recordSize !== 8 + 8 * rank : sizeBytes < 1 || sizeBytes > 8) c.bad(`B-tree records of ${recordSize} bytes for ${rank} dimensions`);
  if (depth > 16 || nodeSize < 16 || nodeSize > 1 << 24) c.bad(`a version 2 B-tree of depth ${depth} and ${nodeSize}-byte nodes`);
  // H5B2__hdr_init: per depth, the most records a node holds and the bytes its child counts take.
  const leafMax = Math.floor((nodeSize - 10) / recordSize);
  const countBytes = limitBytes(leafMax);
  const cumBytes: number[] = [0];
  const cumMax: number[] = [leafMax];
  for (let u = 1; u <= depth; u++) {
    const pointer = 8 + countBytes + (u > 1 ? cumBytes[u - 1] : 0);
    const max = Math.floor((nodeSize - 10 - pointer) / (recordSize + pointer));
    if (max < 1) c.bad(`version 2 B-tree nodes of ${nodeSize} bytes hold no records at depth ${u}`);
    cumMax.push((max + 1) * cumMax[u - 1] + max);
    cumBytes.push(limitBytes(cumMax[u]));
  }
  const records = new Map<string, ChunkRecord>();
  const seen = new Set<number>();
  let items = 0;
  const readRecord = (at: number): void => {
    if (++items > MAX_INDEX_ITEMS) c.bad(`the chunk B-tree holds more than ${MAX_INDEX_ITEMS} records`);
    const address = c.uint(at, 8, 'a chunk address');
    let q = at + 8;
    let size = geo.chunkBytes;
    let mask = 0;
    if (type === 11) { size = c.defined(q, sizeBytes, 'a chunk size'); mask = c.defined(q + sizeBytes, 4, 'a chunk filter mask'); q += sizeBytes + 4; }
    const scaled = Array.from({ length: rank }, (_, k) => c.defined(q + 8 * k, 8, 'a chunk offset'));
    records.set(scaled.join(','), { address, size, mask });
  };
  const visit = (node: number, count: number, level: number): void => {
    if (seen.has(node)) c.bad(`the chunk B-tree visits node ${node} twice`);
    seen.add(node);
    c.signature(node, level ? 'BTIN' : 'BTLF', `a version 2 B-tree ${level ? 'internal' : 'leaf'} node`);
    if (count > cumMax[0] * (level + 1) * 64) c.bad(`a B-tree node claims ${count} records`);
    const first = node + 6;
    c.need(first, count * recordSize, 'the B-tree node records');
    for (let k = 0; k < count; k++) readRecord(first + k * recordSize);
    if (!level) return;
    const pointerSize = 8 + countBytes + (level > 1 ? cumBytes[level - 1] : 0);
    for (let k = 0, at = first + count * recordSize; k <= count; k++, at += pointerSize) {
      visit(c.defined(at, 8, 'a B-tree child address'), c.defined(at + 8, countBytes, 'a B-tree child record count'), level - 1);
    }
  };
  if (root !== undefined) visit(root, rootRecords, depth);
  return (scaled) => records.get(scaled.join(','));
}

/** Version-1 B-tree of chunks (node type 1, layout v3): keys hold each chunk's size, filter mask and element offsets. */
function btreeV1(c: Cursor, file: Uint8Array, root: number | undefined, geo: Geometry, dimensionality: number): ChunkLookup {
  const records = new Map<string, ChunkRecord>();
  const keySize = 8 + 8 * dimensionality;
  const seen = new Set<number>();
  let items = 0;
  const visit = (node: number, expectedLevel: number | undefined, depth: number): void => {
    if (seen.has(node)) c.bad(`the chunk B-tree visits node ${node} twice`);
    if (depth > 32) c.bad('the chunk B-tree is deeper than 32 levels');
    seen.add(node);
    c.signature(node, 'TREE', 'a chunk B-tree node');
    c.need(node, 24, 'a chunk B-tree node');
    if (file[node + 4] !== 1) c.bad(`B-tree node type ${file[node + 4]} where chunks are indexed (type 1)`);
    const level = file[node + 5];
    if (expectedLevel !== undefined && level !== expectedLevel) c.bad(`a chunk B-tree node at level ${level} under level ${expectedLevel + 1}`);
    const entries = file[node + 6] | (file[node + 7] << 8);
    for (let k = 0, at = node + 24; k < entries; k++, at += keySize + 8) {
      if (++items > MAX_INDEX_ITEMS) c.bad(`the chunk B-tree holds more than ${MAX_INDEX_ITEMS} entries`);
      const child = c.defined(at + keySize, 8, 'a B-tree child address');
      if (level > 0) { visit(child, level - 1, depth + 1); continue; }
      const size = c.defined(at, 4, 'a chunk size');
      const mask = c.defined(at + 4, 4, 'a chunk filter mask');
      const offsets = Array.from({ length: dimensionality - 1 }, (_, d) => c.defined(at + 8 + 8 * d, 8, 'a chunk offset'));
      if (offsets.some((o, d) => o % geo.chunk[d] !== 0)) c.bad(`a chunk at (${offsets.join(', ')}) is not on the chunk grid (${geo.chunk.join(', ')})`);
      records.set(offsets.map((o, d) => o / geo.chunk[d]).join(','), { address: child, size, mask });
    }
  };
  if (root !== undefined) visit(root, undefined, 0);
  return (scaled) => records.get(scaled.join(','));
}

/** The grid coordinates of chunk number k in row-major order. */
function gridCoordinates(k: number, grid: readonly number[]): number[] {
  const at = new Array<number>(grid.length);
  for (let d = grid.length - 1; d >= 0; d--) {
    at[d] = k % grid[d];
    k = Math.floor(k / grid[d]);
  }
  return at;
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
    else if (f.id === 2) {
      // HDF5 stores the datatype's size as the shuffle filter's parameter; any other value is damage.
      const size = f.clientData[0] ?? itemSize;
      if (size !== itemSize) throw new ModelFileError('bad-hdf5', `${what}: the shuffle filter is set for ${size}-byte elements, the data has ${itemSize}-byte ones`);
      bytes = unshuffle(bytes, size);
    }
    else if (f.id === 3) bytes = checkFletcher32(bytes, what);
    else if (f.id === 32000) bytes = unlzf(bytes, inflatedSize(chunkBytes, filters.slice(0, k)), what);
    else throw new ModelFileError('hdf5-unsupported', `${what} is stored with the ${FILTER_NAMES[f.id] ?? `#${f.id}`} filter (HDF5 filter ${f.id}), which Gate Lens does not decode (it reads deflate/gzip, shuffle, fletcher32 and lzf); ${RESAVE}`);
  }
  return bytes;
}

/** What deflate or lzf must produce: the chunk, plus 4 bytes for each Fletcher-32 applied before it. */
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
    out = fflate().inflateSync(bytes.subarray(2, bytes.length - 4), { out: new Uint8Array(size + 1) });
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

/**
 * liblzf's decompressor (lzf_d.c), as h5py's lzf filter (32000) stores a chunk: the raw LZF stream, no header. Every
 * literal run and back reference is checked against both buffers; the output must fill exactly `size` bytes.
 */
export function unlzf(input: Uint8Array, size: number, what: string): Uint8Array {
  const out = new Uint8Array(size);
  const bad = (why: string): never => { throw new ModelFileError('bad-hdf5', `${what} is not a valid lzf stream: ${why}`); };
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (ip + run > input.length) bad(`a literal run of ${run} bytes at byte ${ip - 1} passes the end of the input`);
      if (op + run > size) bad(`it decompresses to more than the chunk's ${size} bytes`);
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let length = ctrl >> 5;
    if (ip >= input.length) bad(`a back reference at byte ${ip - 1} is cut off`);
    if (length === 7) {
      length += input[ip++];
      if (ip >= input.length) bad(`a back reference at byte ${ip - 2} is cut off`);
    }
    const from = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
    length += 2;
    if (op + length > size) bad(`it decompresses to more than the chunk's ${size} bytes`);
    if (from < 0) bad(`a back reference at byte ${ip - 2} points ${op - from} bytes back, before the start of the output`);
    // Byte by byte, in order: a reference may overlap the bytes it produces (a run); most are a few bytes long.
    for (let k = 0; k < length; k++) out[op + k] = out[from + k];
    op += length;
  }
  if (op !== size) bad(`it decompresses to ${op} bytes; the chunk needs ${size}`);
  return out;
}
