// PyTorch checkpoints: the zip format (torch >= 1.6: <archive>/data.pkl + <archive>/data/<key> storages) and the
// legacy format (a run of pickles: magic number, protocol version, sys info, the object, storage keys, then each
// storage as int64 element count + raw data), per torch/serialization.py _save/_legacy_save. The object is read by
// the allow-listed unpickler (pickle.ts): state_dicts and whole modules, whose attributes (hidden_size, num_layers,
// bidirectional, proj_size, batch_first) become layer config. Nothing from the file is ever executed.

import { decodeElements, dtypeBytes, elementCount } from '../tensor/dtype';
import { openZip, type ZipArchive } from '../tensor/zip';
import { ModelFileError, type ByteSource, type LayerConfig, type ModelFile, type ReadDiagnostic, type ReadLimits, type Tensor } from '../tensor/types';
import {
  describe, globalName, isDict, isGlobal, isObject, isRefused, isTensorRef, isTuple, itemsOf, unpickle, type PyDict, type PyObject, type PyTensorRef, type PyValue,
} from './pickle';

const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', LongStorage: 'int64', IntStorage: 'int32',
  ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};

const MODULE_CONFIG_KEYS = ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'bidirectional', 'proj_size', 'nonlinearity', 'mode', 'in_features', 'out_features', 'dropout'];
const RECURRENT_MODULES = new Set(['LSTM', 'GRU', 'RNN']);

export function refusedMessage(target: string): string {
  return `this file asks to run \`${target}\`; Gate Lens never runs code from a file (the call was skipped, the tensors are still read where possible)`;
}

interface StorageInfo { readonly key: string; readonly dtype: string; readonly numel?: number }

function storageInfo(storage: PyValue, where: string): StorageInfo {
  const id = storage && typeof storage === 'object' && (storage as { kind?: string }).kind === 'persistent' ? (storage as { id: PyValue }).id : undefined;
  const items = id !== undefined ? itemsOf(id) : undefined;
  if (!items || items[0] !== 'storage' || !isGlobal(items[1]) || (typeof items[2] !== 'string' && typeof items[2] !== 'number')) {
    throw new ModelFileError('bad-pickle', `${where}: its storage reference is ${describe(id ?? storage)}, not ('storage', type, key, location, size)`);
  }
  const typeName = items[1].name;
  const dtype = STORAGE_DTYPES[typeName];
  if (!dtype) throw new ModelFileError('unsupported-dtype', `${where}: storage type ${globalName(items[1])} is not one Gate Lens reads`);
  return { key: String(items[2]), dtype, ...(typeof items[4] === 'number' ? { numel: items[4] } : {}) };
}

type StorageReader = (info: StorageInfo, byteOffset: number, byteLength: number, where: string) => Promise<Uint8Array>;

function tensorFrom(ref: PyTensorRef, name: string, read: StorageReader, origin: Tensor['origin']): Tensor {
  const info = storageInfo(ref.storage, `tensor "${name}"`);
  const count = elementCount(ref.shape, `tensor "${name}"`);
  const es = dtypeBytes(info.dtype);
  // The storage span this view touches: contiguous views read exactly their bytes; strided ones their hull.
  let last = ref.offset;
  for (let k = 0; k < ref.shape.length; k++) {
    if (ref.shape[k] > 0) {
      if (!Number.isSafeInteger(ref.stride[k]) || ref.stride[k] < 0) throw new ModelFileError('bad-pickle', `tensor "${name}": stride ${ref.stride[k]} is not a non-negative integer`);
      last += (ref.shape[k] - 1) * ref.stride[k];
    }
  }
  const span = count === 0 ? 0 : last - ref.offset + 1;
  let contiguous = true;
  for (let k = ref.shape.length - 1, expected = 1; k >= 0; k--) {
    if (ref.shape[k] !== 1 && ref.stride[k] !== expected) contiguous = false;
    expected *= ref.shape[k];
  }
  return {
    name, shape: ref.shape, dtype: info.dtype, origin,
    values: async () => {
      const bytes = await read(info, ref.offset * es, span * es, `tensor "${name}"`);
      const flat = decodeElements(bytes, info.dtype, span);
      if (contiguous) return flat.subarray(0, count);
      const out = new Float64Array(count);
      const idx = new Array<number>(ref.shape.length).fill(0);
      for (let k = 0; k < count; k++) {
        let at = 0;
        for (let a = 0; a < idx.length; a++) at += idx[a] * ref.stride[a];
        out[k] = flat[at];
        for (let a = idx.length - 1; a >= 0; a--) { if (++idx[a] < ref.shape[a]) break; idx[a] = 0; }
      }
      return out;
    },
  };
}

interface Collected { tensors: Tensor[]; layers: LayerConfig[]; diagnostics: ReadDiagnostic[] }

function stateOf(o: PyObject): PyDict | undefined {
  const s = o.state;
  if (isDict(s)) return s;
  // (state, slotstate) from __reduce_ex__ with __slots__.
  const items = s !== undefined ? itemsOf(s) : undefined;
  return items && isDict(items[0]) ? items[0] : undefined;
}

function collect(root: PyValue, read: StorageReader, format: 'pytorch' | 'pytorch-legacy', limits: ReadLimits): Collected {
  const out: Collected = { tensors: [], layers: [], diagnostics: [] };
  const seen = new Set<object>();
  const seenTensors = new Map<PyTensorRef, string>();
  const walk = (v: PyValue, path: readonly string[], depth: number): void => {
    if (depth > limits.maxDepth) throw new ModelFileError('too-deep', `the pickle nests deeper than ${limits.maxDepth} levels at ${path.join('.')}`);
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    if (seen.has(v)) return;
    seen.add(v);
    const name = path.join('.');
    if (isTensorRef(v)) {
      if (out.tensors.length >= limits.maxTensors) throw new ModelFileError('too-many-entries', `more than ${limits.maxTensors} tensors`);
      seenTensors.set(v, name);
      out.tensors.push(tensorFrom(v, name, read, { kind: 'file', format, path: name }));
      return;
    }
    if (isDict(v)) {
      for (const [k, x] of v.entries) if (typeof k === 'string' || typeof k === 'number') walk(x, [...path, String(k)], depth + 1);
      return;
    }
    if (isRefused(v)) {
      // A call Gate Lens refused: what it was given and any state after it may still hold tensors.
      walk(v.args, [...path], depth + 1);
      if (v.state !== undefined) walk(v.state, [...path], depth + 1);
      return;
    }
    if (isObject(v)) {
      const state = stateOf(v);
      if (!state) return;
      const params = state.entries.get('_parameters');
      const modules = state.entries.get('_modules');
      const buffers = state.entries.get('_buffers');
      if (isDict(params) || isDict(modules)) {
        const cls = v.cls.name;
        const config: Record<string, unknown> = {};
        for (const key of MODULE_CONFIG_KEYS) {
          const x = state.entries.get(key);
          if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') config[key] = x;
        }
        const before = out.tensors.length;
        if (isDict(params)) for (const [k, x] of params.entries) if (typeof k === 'string') walk(x, [...path, k], depth + 1);
        if (isDict(buffers)) for (const [k, x] of buffers.entries) if (typeof k === 'string') walk(x, [...path, k], depth + 1);
        const own = out.tensors.slice(before).map((t) => t.name!);
        if (RECURRENT_MODULES.has(cls) || cls === 'Linear') {
          out.layers.push({ layerClass: cls, name: name || cls.toLowerCase(), framework: 'pytorch', config, tensorNames: own });
        }
        if (isDict(modules)) for (const [k, x] of modules.entries) if (typeof k === 'string') walk(x, [...path, k], depth + 1);
        return;
      }
      for (const [k, x] of state.entries) if (typeof k === 'string') walk(x, [...path, k], depth + 1);
      return;
    }
    const items = Array.isArray(v) ? v : isTuple(v) ? v.items : undefined;
    if (items) items.forEach((x, k) => walk(x, [...path, String(k)], depth + 1));
  };
  walk(root, [], 0);
  return out;
}

export function looksLikePytorchZip(zip: ZipArchive): boolean {
  return zip.entries.some((e) => /(^|\/)data\.pkl$/.test(e.name));
}

export async function readPytorchZip(source: ByteSource, name: string, limits: ReadLimits, zip?: ZipArchive): Promise<ModelFile> {
  const archive = zip ?? await openZip(source, limits);
  const pkl = archive.entries.find((e) => /(^|\/)data\.pkl$/.test(e.name));
  if (!pkl) throw new ModelFileError('bad-pytorch', 'a zip without data.pkl is not a PyTorch checkpoint');
  const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
  const bytes = await (await archive.open(pkl)).read(0, pkl.size);
  const refused: string[] = [];
  const { value } = unpickle(bytes, 0, { maxOps: limits.maxPickleOps, maxDepth: limits.maxDepth, onRefused: (t) => refused.push(t) });
  const storages = new Map<string, ByteSource>();
  const read: StorageReader = async (info, offset, length, where) => {
    let s = storages.get(info.key);
    if (!s) {
      const entry = archive.byName.get(`${prefix}data/${info.key}`);
      if (!entry) throw new ModelFileError('missing-storage', `${where}: its storage ${prefix}data/${info.key} is not in the archive`);
      s = await archive.open(entry);
      storages.set(info.key, s);
    }
    if (offset + length > s.size) throw new ModelFileError('out-of-range', `${where}: bytes ${offset}–${offset + length} lie outside its ${s.size}-byte storage ${info.key}`);
    return s.read(offset, length);
  };
  const c = collect(value, read, 'pytorch', limits);
  return { format: 'pytorch', name, tensors: c.tensors, layers: c.layers, diagnostics: [...refused.map((t) => ({ severity: 'warning' as const, code: 'refused-call', message: refusedMessage(t) })), ...c.diagnostics] };
}

/** Legacy (pre-1.6) files start with a pickled magic number 0x1950a86a20f9469cfc6c. */
export function isLegacyPytorch(head: Uint8Array): boolean {
  // \x80\x02 \x8a\x0a + 10 little-endian bytes of the magic number.
  const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  return head.length >= magic.length && magic.every((b, k) => head[k] === b);
}

export async function readPytorchLegacy(source: ByteSource, name: string, limits: ReadLimits): Promise<ModelFile> {
  if (source.size > limits.maxEntryBytes) throw new ModelFileError('too-large', `the legacy checkpoint is ${source.size} bytes, more than the ${limits.maxEntryBytes}-byte limit for this format (it has no index to read lazily)`);
  const bytes = await source.read(0, source.size);
  const refused: string[] = [];
  // ('module', class, source file, source): the class as an inert reference; the source text is never compiled.
  const persistentLoad = (id: PyValue): PyValue | undefined => { const items = itemsOf(id); return items && items[0] === 'module' && isGlobal(items[1]) ? items[1] : undefined; };
  const opts = { maxOps: limits.maxPickleOps, maxDepth: limits.maxDepth, onRefused: (t: string) => refused.push(t), persistentLoad };
  let p = 0;
  const next = (): PyValue => { const r = unpickle(bytes, p, opts); p = r.end; return r.value; };
  const magic = next();
  if (magic !== 0x1950a86a20f9469cfc6cn) throw new ModelFileError('bad-pytorch', 'not a legacy PyTorch checkpoint (wrong magic number)');
  const protocol = next();
  if (protocol !== 1001) throw new ModelFileError('bad-pytorch', `legacy PyTorch protocol ${String(protocol)} is not 1001`);
  next(); // sys_info: endianness and type sizes; little-endian assumed and checked by the sizes below
  const root = next();
  const keys = itemsOf(next());
  if (!keys) throw new ModelFileError('bad-pytorch', 'the legacy checkpoint has no storage key list');
  // Storage dtypes come from the references in the object; the data follow in key order.
  const dtypes = new Map<string, string>();
  const gather = (v: PyValue, depth: number, seen: Set<object>): void => {
    if (depth > limits.maxDepth || v === null || typeof v !== 'object' || v instanceof Uint8Array || seen.has(v)) return;
    seen.add(v);
    if (isTensorRef(v)) { const info = storageInfo(v.storage, 'a tensor'); dtypes.set(info.key, info.dtype); return; }
    if (isDict(v)) { for (const x of v.entries.values()) gather(x, depth + 1, seen); return; }
    if (isObject(v) || isRefused(v)) { if (v.state !== undefined) gather(v.state, depth + 1, seen); if (isRefused(v)) gather(v.args, depth + 1, seen); return; }
    const items = itemsOf(v);
    if (items) for (const x of items) gather(x, depth + 1, seen);
  };
  gather(root, 0, new Set());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const located = new Map<string, { start: number; bytes: number }>();
  for (const k of keys) {
    const key = String(k);
    const dtype = dtypes.get(key);
    if (!dtype) throw new ModelFileError('bad-pytorch', `storage ${key} is listed but no tensor uses it; its element size is unknown`);
    if (p + 8 > bytes.length) throw new ModelFileError('truncated', `the legacy checkpoint ends before storage ${key}`);
    const numel = Number(view.getBigInt64(p, true));
    const length = numel * dtypeBytes(dtype);
    if (numel < 0 || p + 8 + length > bytes.length) throw new ModelFileError('truncated', `storage ${key} declares ${numel} elements; the file ends first`);
    located.set(key, { start: p + 8, bytes: length });
    p += 8 + length;
  }
  const read: StorageReader = async (info, offset, length, where) => {
    const s = located.get(info.key);
    if (!s) throw new ModelFileError('missing-storage', `${where}: storage ${info.key} is not in the file`);
    if (offset + length > s.bytes) throw new ModelFileError('out-of-range', `${where}: bytes ${offset}–${offset + length} lie outside its ${s.bytes}-byte storage ${info.key}`);
    return bytes.subarray(s.start + offset, s.start + offset + length);
  };
  const c = collect(root, read, 'pytorch-legacy', limits);
  return { format: 'pytorch-legacy', name, tensors: c.tensors, layers: c.layers, diagnostics: refused.map((t) => ({ severity: 'warning' as const, code: 'refused-call', message: refusedMessage(t) })) };
}


