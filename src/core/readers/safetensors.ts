// safetensors: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}},
// then the data; offsets are relative to the end of the header (huggingface/safetensors README "Format").
// Sharded checkpoints: model.safetensors.index.json {"weight_map": {name: shard file}}; the host opens the shards.

import { dtypeBytes, decodeElements, elementCount } from '../tensor/dtype';
import { ModelFileError, type ByteSource, type ModelFile, type ReadLimits, type Tensor } from '../tensor/types';

const DTYPES: Record<string, string> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8',
  U64: 'uint64', U32: 'uint32', U16: 'uint16', U8: 'uint8', BOOL: 'bool',
};

const MAX_HEADER = 100_000_000; // the reference implementation's own limit

/** A safetensors file starts with a header length followed by '{'. */
export function isSafetensors(head: Uint8Array): boolean {
  if (head.length < 9) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = v.getBigUint64(0, true);
  return n > 1n && n < BigInt(MAX_HEADER) && head[8] === 0x7b;
}

export async function readSafetensorsFile(source: ByteSource, name: string, limits: ReadLimits): Promise<ModelFile> {
  if (source.size < 8) throw new ModelFileError('truncated', 'too short for a safetensors header');
  const lengthBytes = await source.read(0, 8);
  const n = Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
  if (!(n > 1 && n <= MAX_HEADER) || 8 + n > source.size) throw new ModelFileError('truncated', `the safetensors header declares ${n} bytes; the file has ${source.size - 8} after the length`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, n)));
  } catch (e) {
    throw new ModelFileError('bad-safetensors', `the safetensors header is not valid JSON: ${(e as Error).message}`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new ModelFileError('bad-safetensors', 'the safetensors header is not a JSON object');
  const dataStart = 8 + n;
  const dataSize = source.size - dataStart;
  const tensors: Tensor[] = [];
  for (const [key, entry] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') continue;
    if (tensors.length >= limits.maxTensors) throw new ModelFileError('too-many-entries', `more than ${limits.maxTensors} tensors`);
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof e?.dtype === 'string' ? DTYPES[e.dtype] : undefined;
    if (!dtype) throw new ModelFileError('unsupported-dtype', `tensor "${key}": dtype ${JSON.stringify(e?.dtype)} is not one Gate Lens reads`);
    if (!Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) throw new ModelFileError('bad-safetensors', `tensor "${key}" has no shape or data_offsets`);
    const shape = e.shape as number[];
    const count = elementCount(shape, `tensor "${key}"`);
    const [begin, end] = e.data_offsets as number[];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin || end > dataSize) {
      throw new ModelFileError('out-of-range', `tensor "${key}": data_offsets [${String(begin)}, ${String(end)}] lie outside the ${dataSize} data bytes (truncated or damaged file)`);
    }
    if (end - begin !== count * dtypeBytes(dtype)) throw new ModelFileError('bad-safetensors', `tensor "${key}": shape (${shape.join(', ')}) of ${dtype} needs ${count * dtypeBytes(dtype)} bytes, data_offsets give ${end - begin}`);
    tensors.push({
      name: key, shape, dtype, origin: { kind: 'file', format: 'safetensors', path: key, offset: dataStart + begin, length: end - begin },
      values: async () => decodeElements(await source.read(dataStart + begin, end - begin), dtype, count),
    });
  }
  return { format: 'safetensors', name, tensors, layers: [], diagnostics: [] };
}

/** The shard files a `*.safetensors.index.json` names, each with the tensors it holds. */
export function readSafetensorsIndex(text: string): Map<string, string[]> {
  let index: unknown;
  try { index = JSON.parse(text); } catch (e) { throw new ModelFileError('bad-safetensors', `the safetensors index is not valid JSON: ${(e as Error).message}`); }
  const map = (index as { weight_map?: unknown })?.weight_map;
  if (!map || typeof map !== 'object') throw new ModelFileError('bad-safetensors', 'the safetensors index has no "weight_map"');
  const shards = new Map<string, string[]>();
  for (const [tensor, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || /(^|[\\/])\.\.([\\/]|$)|^[\\/]/.test(file)) throw new ModelFileError('bad-safetensors', `the index maps "${tensor}" to ${JSON.stringify(file)}, not a file beside the index`);
    if (!shards.has(file)) shards.set(file, []);
    shards.get(file)!.push(tensor);
  }
  return shards;
}
