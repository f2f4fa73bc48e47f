// A small, safe reader for NumPy .npy files (format versions 1–3). The header is a Python dict literal; it is read
// with regular expressions, never evaluated. Only what an input sequence needs is accepted: little-endian float32,
// float64, int32 or int64, C order. Format: numpy/lib/format.py (magic, version, header length, header, data).

export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) throw new NpyError('not a .npy file (the magic string \\x93NUMPY is missing)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`unsupported .npy format version ${major}`);
  }
  if (headerStart + headerLength > bytes.length) throw new NpyError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /['"]descr['"]\s*:\s*['"]([<>|=]?)([a-zA-Z])(\d+)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeMatch) throw new NpyError(`cannot read the .npy header: ${header.trim()}`);
  const [, order, kind, sizeText] = descr;
  const size = Number(sizeText);
  if (order === '>') throw new NpyError('big-endian .npy data is not supported; save it little-endian (arr.astype("<f8"))');
  if (fortran[1] === 'True') throw new NpyError('Fortran-order .npy data is not supported; save np.ascontiguousarray(arr)');
  const supported = (kind === 'f' && (size === 4 || size === 8)) || (kind === 'i' && (size === 4 || size === 8));
  if (!supported) throw new NpyError(`.npy dtype ${order}${kind}${size} is not supported (float32, float64, int32, int64 only)`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new NpyError(`bad .npy shape (${shapeMatch[1]})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (dataStart + count * size > bytes.length) throw new NpyError(`the .npy file holds fewer values than its shape (${shape.join(', ')}) needs`);
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const at = dataStart + k * size;
    if (kind === 'f') data[k] = size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
    else data[k] = size === 4 ? view.getInt32(at, true) : Number(view.getBigInt64(at, true));
  }
  return { shape, data };
}

/** Writes a little-endian float64 C-order .npy (version 1.0), for tests and round trips. */
export function writeNpy(shape: readonly number[], data: ArrayLike<number>, dtype: '<f8' | '<f4' | '<i4' | '<i8' = '<f8'): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const size = Number(dtype.slice(2));
  const out = new Uint8Array(10 + header.length + data.length * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const start = 10 + header.length;
  for (let k = 0; k < data.length; k++) {
    const at = start + k * size;
    if (dtype === '<f8') view.setFloat64(at, data[k], true);
    else if (dtype === '<f4') view.setFloat32(at, data[k], true);
    else if (dtype === '<i4') view.setInt32(at, data[k], true);
    else view.setBigInt64(at, BigInt(data[k]), true);
  }
  return out;
}
