// Pure binary writers for arrays: .npy, .npz (an uncompressed zip of .npy files, as numpy.savez writes) and
// .safetensors. Deterministic to the byte (fixed zip timestamps, fixed key order) so CI can compare the artifacts
// the generator proved in the real frameworks with what this code writes today.

import { fflate } from '../fflate';
import type { ExportDtype, NamedArray } from './plan';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Little-endian float32 / float64 bytes of row-major values. */
export function floatBytes(data: ArrayLike<number>, dtype: ExportDtype): Uint8Array {
  const size = dtype === 'float64' ? 8 : 4;
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  for (let k = 0; k < data.length; k++) {
    if (dtype === 'float64') view.setFloat64(k * 8, data[k], true);
    else view.setFloat32(k * 4, data[k], true);
  }
  return out;
}

function pythonShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** NPY format 1.0 (numpy/lib/format.py): magic, header dict padded with spaces to a 64-byte boundary, data. */
export function encodeNpy(shape: readonly number[], data: ArrayLike<number>, dtype: ExportDtype): Uint8Array {
  const dict = `{'descr': '${dtype === 'float64' ? '<f8' : '<f4'}', 'fortran_order': False, 'shape': ${pythonShape(shape)}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(head.buffer).setUint16(8, header.length, true);
  head.set(utf8(header), 10);
  const body = floatBytes(data, dtype);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/**
 * numpy.savez layout: one `<name>.npy` member per array, stored (no compression), in the given order
 * (np.load(...).files keeps it). The DOS timestamp is 1980-01-01 00:00 in any time zone, so the bytes never vary.
 */
export function encodeNpz(arrays: readonly NamedArray[], dtype: ExportDtype): Uint8Array {
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const members: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const a of arrays) {
    const key = `${a.name}.npy`;
    if (members[key]) throw new Error(`internal: two arrays named ${a.name}`);
    members[key] = [encodeNpy(a.tensor.shape, a.tensor.data, dtype), { level: 0, mtime }];
  }
  return fflate().zipSync(members);
}

/**
 * safetensors (huggingface/safetensors format): u64 little-endian header size, a JSON header
 * {name: {dtype, shape, data_offsets}} padded with spaces to 8 bytes, then the tensors back to back.
 */
export function encodeSafetensors(arrays: readonly NamedArray[], dtype: ExportDtype, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header['__metadata__'] = metadata;
  const bodies: Uint8Array[] = [];
  let offset = 0;
  for (const a of arrays) {
    const bytes = floatBytes(a.tensor.data, dtype);
    header[a.name] = { dtype: dtype === 'float64' ? 'F64' : 'F32', shape: [...a.tensor.shape], data_offsets: [offset, offset + bytes.length] };
    bodies.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (utf8(json).length % 8)) % 8);
  const head = utf8(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const b of bodies) { out.set(b, at); at += b.length; }
  return out;
}
