// NumPy .npy (format 1–3) and .npz (a zip of .npy files named by their keys). The header is a Python dict literal,
// read with regular expressions and never evaluated. Format: numpy/lib/format.py.

import { decodeElements, dtypeBytes, elementCount } from '../tensor/dtype';
import { openZip, type ZipArchive } from '../tensor/zip';
import { ModelFileError, type ByteSource, type ModelFile, type ReadLimits, type Tensor, type TensorOrigin } from '../tensor/types';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function isNpy(head: Uint8Array): boolean {
  return head.length >= 6 && NPY_MAGIC.every((b, k) => head[k] === b);
}

const KIND: Record<string, string> = { f2: 'float16', f4: 'float32', f8: 'float64', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64', b1: 'bool' };

interface NpyHeader { readonly shape: number[]; readonly dtype: string; readonly littleEndian: boolean; readonly fortran: boolean; readonly dataStart: number }

async function readHeader(source: ByteSource, what: string): Promise<NpyHeader> {
  if (source.size < 10) throw new ModelFileError('truncated', `${what}: too short for a .npy header`);
  const pre = await source.read(0, Math.min(12, source.size));
  if (!isNpy(pre)) throw new ModelFileError('bad-npy', `${what}: not a .npy array (the magic string \\x93NUMPY is missing)`);
  const major = pre[6];
  const v = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  let length: number;
  let start: number;
  if (major === 1) { length = v.getUint16(8, true); start = 10; }
  else if ((major === 2 || major === 3) && pre.length >= 12) { length = v.getUint32(8, true); start = 12; }
  else throw new ModelFileError('bad-npy', `${what}: .npy format version ${major} is not one NumPy writes (1, 2, 3)`);
  if (length > 1 << 20 || start + length > source.size) throw new ModelFileError('truncated', `${what}: the .npy header (${length} bytes) runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(await source.read(start, length));
  const descr = /['"]descr['"]\s*:\s*['"]([<>|=]?)([a-zA-Z])(\d+)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeMatch) throw new ModelFileError('bad-npy', `${what}: cannot read the .npy header ${JSON.stringify(header.trim().slice(0, 120))} (structured or object arrays are not weights)`);
  const dtype = KIND[`${descr[2]}${descr[3]}`];
  if (!dtype) throw new ModelFileError('unsupported-dtype', `${what}: .npy dtype ${descr[1]}${descr[2]}${descr[3]} is not a number type Gate Lens reads`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  elementCount(shape, what);
  return { shape, dtype, littleEndian: descr[1] !== '>', fortran: fortran[1] === 'True', dataStart: start + length };
}

function fromFortran(values: Float64Array, shape: readonly number[]): Float64Array {
  if (shape.length < 2) return values;
  const out = new Float64Array(values.length);
  const n = shape.length;
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < values.length; k++) {
    // k walks C order; the Fortran offset strides the first axis fastest.
    let f = 0;
    let stride = 1;
    for (let a = 0; a < n; a++) { f += idx[a] * stride; stride *= shape[a]; }
    out[k] = values[f];
    for (let a = n - 1; a >= 0; a--) { if (++idx[a] < shape[a]) break; idx[a] = 0; }
  }
  return out;
}

async function npyTensor(source: ByteSource, name: string, origin: TensorOrigin, limits: ReadLimits): Promise<Tensor> {
  const h = await readHeader(source, name);
  const count = elementCount(h.shape, name);
  const bytes = count * dtypeBytes(h.dtype);
  if (bytes > limits.maxEntryBytes) throw new ModelFileError('too-large', `${name}: ${bytes} bytes of data, more than the ${limits.maxEntryBytes}-byte limit`);
  if (h.dataStart + bytes > source.size) throw new ModelFileError('truncated', `${name}: shape (${h.shape.join(', ')}) needs ${bytes} bytes of ${h.dtype}, the file holds ${source.size - h.dataStart}`);
  return {
    name, shape: h.shape, dtype: h.dtype, origin,
    values: async () => {
      const v = decodeElements(await source.read(h.dataStart, bytes), h.dtype, count, h.littleEndian);
      return h.fortran ? fromFortran(v, h.shape) : v;
    },
  };
}

export async function readNpyFile(source: ByteSource, name: string, limits: ReadLimits): Promise<ModelFile> {
  const key = name.replace(/^.*[\\/]/, '').replace(/\.npy$/i, '');
  const t = await npyTensor(source, key, { kind: 'file', format: 'npy', path: key }, limits);
  return { format: 'npy', name, tensors: [t], layers: [], diagnostics: [] };
}

export function looksLikeNpz(zip: ZipArchive): boolean {
  return zip.entries.length > 0 && zip.entries.every((e) => e.name.endsWith('.npy') || e.name.endsWith('/'));
}

export async function readNpzFile(source: ByteSource, name: string, limits: ReadLimits, zip?: ZipArchive): Promise<ModelFile> {
  const archive = zip ?? await openZip(source, limits);
  const tensors: Tensor[] = [];
  for (const entry of archive.entries) {
    if (!entry.name.endsWith('.npy')) continue;
    const key = entry.name.slice(0, -4);
    // Open lazily: a deflated entry is inflated on the first read of its values only.
    const headerSource = await archive.open(entry);
    tensors.push(await npyTensor(headerSource, key, { kind: 'file', format: 'npz', path: key, entry: entry.name }, limits));
  }
  return { format: 'npz', name, tensors, layers: [], diagnostics: [] };
}
