// The reader registry, Netron-style: each reader says whether a file is its own from the name and the first bytes
// (`match`), and reads it (`read`). Zip-based formats (PyTorch, .keras, .npz) share the PK magic, so they are told
// apart by the archive's entries. Magic bytes win over the extension: a .bin that is a zip reads as PyTorch, a .pt
// that is really safetensors reads as safetensors.

import { openZip, isZip, type ZipArchive } from '../tensor/zip';
import { DEFAULT_LIMITS, ModelFileError, type ByteSource, type ModelFile, type ReadLimits } from '../tensor/types';
import { isHdf5, looksLikeKeras, readHdf5File, readKerasFile } from './keras';
import { isNpy, looksLikeNpz, readNpyFile, readNpzFile } from './npy';
import { isOnnx, readOnnxFile } from './onnx';
import { isLegacyPytorch, looksLikePytorchZip, readPytorchLegacy, readPytorchZip } from './pytorch';
import { isSafetensors, readSafetensorsFile, readSafetensorsIndex } from './safetensors';
import { sidePathSegments } from './sidePath';

/** What a host offers beyond the file itself: the files beside it (sharded safetensors). */
export interface ReadContext {
  /**
   * Opens a file the model names beside itself (safetensors shards, ONNX external data) by a path below the model's
   * folder, already checked by sidePathSegments (hosts check it again); absent where the host cannot (an untitled buffer).
   */
  readonly openSibling?: (name: string) => Promise<ByteSource>;
}

export interface ModelReader {
  readonly id: string;
  readonly extensions: readonly string[];
  /** True when the head bytes (and name) say this reader's format. */
  match(name: string, head: Uint8Array): boolean;
  read(source: ByteSource, name: string, limits: ReadLimits, context: ReadContext): Promise<ModelFile>;
}

interface ZipReader {
  readonly id: string;
  matchZip(zip: ZipArchive): boolean;
  read(source: ByteSource, name: string, limits: ReadLimits, zip: ZipArchive): Promise<ModelFile>;
}

const zipReaders: ZipReader[] = [
  { id: 'pytorch', matchZip: looksLikePytorchZip, read: readPytorchZip },
  { id: 'keras', matchZip: looksLikeKeras, read: readKerasFile },
  { id: 'npz', matchZip: looksLikeNpz, read: readNpzFile },
];

export const READERS: readonly ModelReader[] = [
  { id: 'npy', extensions: ['.npy'], match: (_n, h) => isNpy(h), read: readNpyFile },
  { id: 'safetensors', extensions: ['.safetensors'], match: (_n, h) => isSafetensors(h), read: readSafetensorsFile },
  { id: 'safetensors-index', extensions: ['.safetensors.index.json'], match: (n, h) => /\.safetensors\.index\.json$/i.test(n) && h[0] === 0x7b, read: readShardedSafetensors },
  { id: 'pytorch-legacy', extensions: ['.pt', '.pth', '.bin', '.pkl'], match: (_n, h) => isLegacyPytorch(h), read: readPytorchLegacy },
  { id: 'hdf5', extensions: ['.h5', '.hdf5', '.weights.h5', '.keras'], match: (_n, h) => isHdf5(h), read: readHdf5File },
  {
    id: 'zip', extensions: ['.pt', '.pth', '.bin', '.keras', '.npz', '.zip'], match: (_n, h) => isZip(h),
    read: async (source, name, limits) => {
      const zip = await openZip(source, limits);
      const reader = zipReaders.find((r) => r.matchZip(zip));
      if (!reader) throw new ModelFileError('unknown-archive', `${name} is a zip archive but not a PyTorch checkpoint (no data.pkl), a Keras 3 .keras file (no config.json + model.weights.h5) or an .npz (entries other than .npy): ${zip.entries.slice(0, 5).map((e) => e.name).join(', ')}`);
      return reader.read(source, name, limits, zip);
    },
  },
  // Last: ONNX has no magic number, only the protobuf shape of a ModelProto (or the .onnx extension).
  { id: 'onnx', extensions: ['.onnx'], match: (n, h) => isOnnx(h, n), read: readOnnxFile },
];

export const MODEL_EXTENSIONS: readonly string[] = [...new Set(READERS.flatMap((r) => r.extensions))];

export const HEAD_BYTES = 64;

/** The reader for these bytes, or undefined when none claims them (a text file, most likely). */
export function findReader(name: string, head: Uint8Array): ModelReader | undefined {
  return READERS.find((r) => r.match(name, head));
}

export async function readModelFile(source: ByteSource, name: string, limits: ReadLimits = DEFAULT_LIMITS, context: ReadContext = {}): Promise<ModelFile> {
  const head = await source.read(0, Math.min(HEAD_BYTES, source.size));
  const reader = findReader(name, head);
  if (!reader) throw new ModelFileError('unknown-format', `${name} is not a model file Gate Lens reads (npy, npz, safetensors, PyTorch, ONNX, Keras/HDF5)`);
  return reader.read(source, name, limits, context);
}

async function readShardedSafetensors(source: ByteSource, name: string, limits: ReadLimits, context: ReadContext): Promise<ModelFile> {
  if (source.size > 64 << 20) throw new ModelFileError('too-large', `the safetensors index is ${source.size} bytes; an index is far smaller`);
  const shards = readSafetensorsIndex(new TextDecoder('utf-8').decode(await source.read(0, source.size)));
  if (!context.openSibling) throw new ModelFileError('no-siblings', `${name} lists ${shards.size} shard files, which this host cannot open beside it`);
  const tensors: ModelFile['tensors'][number][] = [];
  for (const [file, listed] of shards) {
    const shard = await readSafetensorsFile(await context.openSibling(sidePathSegments(file, `${name}'s shard list`).join('/')), file, limits);
    const held = new Map(shard.tensors.map((t) => [t.name, t]));
    for (const key of listed) {
      const t = held.get(key);
      if (!t) throw new ModelFileError('missing-array', `the index puts "${key}" in ${file}, which does not hold it`);
      tensors.push({ ...t, origin: t.origin.kind === 'file' ? { ...t.origin, entry: file } : t.origin });
    }
  }
  return { format: 'safetensors', name, tensors, layers: [], diagnostics: [] };
}
