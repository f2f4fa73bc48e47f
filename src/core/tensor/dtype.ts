// Stored element types → float64. Little- or big-endian, the NumPy/PyTorch/ONNX/HDF5 spellings mapped to one name.

import { ModelFileError } from './types';

export interface DtypeInfo {
  readonly name: string;
  readonly bytes: number;
}

const SIZES: Record<string, number> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1,
};

export function dtypeBytes(dtype: string): number {
  const n = SIZES[dtype];
  if (n === undefined) throw new ModelFileError('unsupported-dtype', `element type ${dtype} is not one Gate Lens reads (float16/32/64, bfloat16, int8–64, uint8–64, bool)`);
  return n;
}

export function isFloatDtype(dtype: string): boolean {
  return dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float32' || dtype === 'float64';
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Decodes `count` elements; the caller has checked that bytes holds count · size bytes. */
export function decodeElements(bytes: Uint8Array, dtype: string, count: number, littleEndian = true): Float64Array {
  const size = dtypeBytes(dtype);
  if (bytes.length < count * size) throw new ModelFileError('truncated', `expected ${count * size} bytes of ${dtype} data, the file holds ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  const le = littleEndian;
  switch (dtype) {
    case 'float64': for (let k = 0; k < count; k++) out[k] = v.getFloat64(8 * k, le); break;
    case 'float32': for (let k = 0; k < count; k++) out[k] = v.getFloat32(4 * k, le); break;
    case 'float16': for (let k = 0; k < count; k++) out[k] = half(v.getUint16(2 * k, le)); break;
    case 'bfloat16': {
      const f = new DataView(new ArrayBuffer(4));
      for (let k = 0; k < count; k++) { f.setUint32(0, v.getUint16(2 * k, le) << 16); out[k] = f.getFloat32(0); }
      break;
    }
    case 'int8': for (let k = 0; k < count; k++) out[k] = v.getInt8(k); break;
    case 'uint8': case 'bool': for (let k = 0; k < count; k++) out[k] = v.getUint8(k); break;
    case 'int16': for (let k = 0; k < count; k++) out[k] = v.getInt16(2 * k, le); break;
    case 'uint16': for (let k = 0; k < count; k++) out[k] = v.getUint16(2 * k, le); break;
    case 'int32': for (let k = 0; k < count; k++) out[k] = v.getInt32(4 * k, le); break;
    case 'uint32': for (let k = 0; k < count; k++) out[k] = v.getUint32(4 * k, le); break;
    case 'int64': for (let k = 0; k < count; k++) out[k] = Number(v.getBigInt64(8 * k, le)); break;
    case 'uint64': for (let k = 0; k < count; k++) out[k] = Number(v.getBigUint64(8 * k, le)); break;
  }
  return out;
}

/** Product of the dimensions, refusing negative, fractional or absurd shapes. */
export function elementCount(shape: readonly number[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ModelFileError('bad-shape', `${what}: dimension ${String(d)} in shape (${shape.join(', ')}) is not a non-negative integer`);
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) throw new ModelFileError('bad-shape', `${what}: shape (${shape.join(', ')}) is too large`);
  }
  return n;
}
