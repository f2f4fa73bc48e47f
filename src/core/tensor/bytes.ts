// ByteSource over memory, and a window onto part of another source (a zip entry stored without compression).

import { ModelFileError, type ByteSource } from './types';

export function checkRange(size: number, offset: number, length: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new ModelFileError('out-of-range', `${what}: bytes ${offset}–${offset + length} lie outside the file (${size} bytes); the file is truncated or damaged`);
  }
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => {
      checkRange(bytes.length, offset, length, 'read');
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}

export function sliceSource(source: ByteSource, start: number, size: number): ByteSource {
  checkRange(source.size, start, size, 'entry');
  return {
    size,
    read: (offset, length) => {
      checkRange(size, offset, length, 'read');
      return source.read(start + offset, length);
    },
  };
}

export async function readAll(source: ByteSource, limit: number, what: string): Promise<Uint8Array> {
  if (source.size > limit) throw new ModelFileError('too-large', `${what} is ${source.size} bytes, more than the ${limit}-byte limit`);
  return source.read(0, source.size);
}
