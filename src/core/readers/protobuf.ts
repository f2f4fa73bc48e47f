// A minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit) over a Uint8Array. Fields are
// visited in order; length-delimited values are subarray views (no copies), so a tensor's raw_data stays a window
// onto the file. Every length is checked against the enclosing message, so a damaged or hostile file fails with
// the field it broke in rather than reading out of bounds. Wire format: protobuf.dev/programming-guides/encoding.

import { ModelFileError } from '../tensor/types';

export interface Field {
  readonly number: number;
  readonly wireType: number;
  /** varint / fixed values (as a Number when safe; BigInt otherwise). */
  readonly int?: number | bigint;
  readonly bytes?: Uint8Array;
  /** Byte offset of `bytes` within the buffer the reader was created on. */
  readonly offset?: number;
  readonly fixed32?: number;
  readonly fixed64?: DataView;
}

const bad = (what: string): never => { throw new ModelFileError('bad-protobuf', what); };

export function readVarint(buf: Uint8Array, p: number, end: number): { value: bigint; next: number } {
  let v = 0n;
  let shift = 0n;
  for (let k = 0; k < 10; k++) {
    if (p >= end) bad(`a varint runs past its message at byte ${p}`);
    const b = buf[p++];
    v |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return { value: v, next: p };
    shift += 7n;
  }
  return bad(`a varint longer than 10 bytes at byte ${p}`);
}

const asNumber = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

/** Visits every field of the message in buf[start, end). `base` is buf's offset within the file. */
export function* fields(buf: Uint8Array, start = 0, end = buf.length, base = 0): Generator<Field> {
  let p = start;
  while (p < end) {
    const key = readVarint(buf, p, end);
    p = key.next;
    const number = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    if (number === 0) bad(`field number 0 at byte ${base + p}`);
    switch (wireType) {
      case 0: { const v = readVarint(buf, p, end); p = v.next; yield { number, wireType, int: asNumber(v.value) }; break; }
      case 1: { if (p + 8 > end) bad(`a 64-bit field runs past its message at byte ${base + p}`); yield { number, wireType, fixed64: new DataView(buf.buffer, buf.byteOffset + p, 8) }; p += 8; break; }
      case 2: {
        const n = readVarint(buf, p, end);
        p = n.next;
        if (n.value > BigInt(end - p)) bad(`field ${number} declares ${n.value} bytes at byte ${base + p}; only ${end - p} remain in its message (truncated or damaged file)`);
        const len = Number(n.value);
        yield { number, wireType, bytes: buf.subarray(p, p + len), offset: base + p };
        p += len;
        break;
      }
      case 5: { if (p + 4 > end) bad(`a 32-bit field runs past its message at byte ${base + p}`); yield { number, wireType, fixed32: new DataView(buf.buffer, buf.byteOffset + p, 4).getFloat32(0, true) }; p += 4; break; }
      default: bad(`wire type ${wireType} (field ${number}) at byte ${base + p} is not one protobuf writes today`);
    }
  }
}

/** A length-delimited field's bytes; any other wire type in its place is a damaged file. */
export function bytesOf(f: Field): Uint8Array {
  if (f.wireType !== 2 || !f.bytes) bad(`field ${f.number} should be length-delimited, it has wire type ${f.wireType}`);
  return f.bytes!;
}

export const text = (f: Field): string => new TextDecoder('utf-8').decode(f.bytes ?? new Uint8Array(0));

export function intOf(f: Field): number {
  if (f.int === undefined) bad(`field ${f.number} should be an integer`);
  // int64 fields hold negatives as 2^64 − |v|.
  const v = typeof f.int === 'bigint' ? BigInt.asIntN(64, f.int) : f.int!;
  return Number(v);
}

/** Repeated int64 / int32, packed (wire type 2) or not. */
export function intsOf(f: Field): number[] {
  if (f.wireType === 0) return [intOf(f)];
  const out: number[] = [];
  const b = f.bytes ?? bad(`field ${f.number} should be packed integers`);
  for (let p = 0; p < b!.length;) {
    const v = readVarint(b!, p, b!.length);
    out.push(Number(BigInt.asIntN(64, v.value)));
    p = v.next;
  }
  return out;
}

/** Repeated float, packed or not. */
export function floatsOf(f: Field): number[] {
  if (f.wireType === 5) return [f.fixed32!];
  const b = f.bytes ?? bad(`field ${f.number} should be packed floats`);
  if (b!.length % 4) bad(`packed floats of ${b!.length} bytes`);
  const v = new DataView(b!.buffer, b!.byteOffset, b!.length);
  return Array.from({ length: b!.length / 4 }, (_, k) => v.getFloat32(4 * k, true));
}
