// Keras files: Keras 3 `.keras` (zip: config.json + metadata.json + model.weights.h5), `.weights.h5` (weights
// only, `layers/<name>/.../vars/<i>`), and the legacy HDF5 model (`model_config` attribute + `model_weights/<layer>/…`
// with `layer_names` / `weight_names`). HDF5 is read with jsfive (pure JavaScript, Node and browser; see
// docs/dependencies.md); the layer config comes from the file, so activations, reset_after, go_backwards,
// return_sequences, Bidirectional merge_mode and the Dense head's activation are read, not guessed.

import * as hdf5 from 'jsfive';
import { elementCount } from '../tensor/dtype';
import { dataspaceMaxShape, isChunkedLayout, readChunked, type ChunkedDataset } from './hdf5Chunks';
import type { ZipArchive } from '../tensor/zip';
import { ModelFileError, type ByteSource, type LayerConfig, type ModelFile, type ReadDiagnostic, type ReadLimits, type Tensor } from '../tensor/types';

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(head: Uint8Array): boolean {
  return head.length >= 8 && HDF5_MAGIC.every((b, k) => head[k] === b);
}

export function looksLikeKeras(zip: ZipArchive): boolean {
  return zip.byName.has('config.json') && zip.byName.has('model.weights.h5');
}

const DTYPES: Record<string, string> = { '<f8': 'float64', '<f4': 'float32', '<f2': 'float16', '>f8': 'float64', '>f4': 'float32', '<i8': 'int64', '<i4': 'int32', '<u1': 'uint8', '|u1': 'uint8', '|i1': 'int8' };

const KERAS_KEYS = ['units', 'activation', 'recurrent_activation', 'use_bias', 'reset_after', 'go_backwards', 'return_sequences'];
const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'CuDNNLSTM', 'CuDNNGRU']);

function openHdf5(bytes: Uint8Array, name: string): hdf5.Group {
  try {
    // A copy into a fresh ArrayBuffer: jsfive reads the whole buffer, and a Node Buffer's .slice() would share its pool.
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : new Uint8Array(bytes).buffer;
    return new hdf5.File(buffer as ArrayBuffer, name);
  } catch (e) {
    throw new ModelFileError('bad-hdf5', `${name} is not a readable HDF5 file: ${errorText(e)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function guard<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError('bad-hdf5', `${what}: ${errorText(e)} (the HDF5 structure is damaged or uses a feature jsfive does not read)`);
  }
}

function datasetTensor(node: hdf5.Dataset, path: string, name: string, format: 'keras' | 'hdf5', entry?: string): Tensor | undefined {
  const shape = guard(`HDF5 dataset ${path}`, () => node.shape ?? []).map(Number);
  const dtypeText = guard(`HDF5 dataset ${path}`, () => node.dtype);
  const dtype = typeof dtypeText === 'string' ? DTYPES[dtypeText] : undefined;
  if (!dtype) return undefined; // strings, references, compound types: not weights
  const count = elementCount(shape, `HDF5 dataset ${path}`);
  return {
    name, shape, dtype, origin: { kind: 'file', format, path, ...(entry ? { entry } : {}) },
    values: () => new Promise((resolve, reject) => {
      try {
        const chunked = chunkedLayout(node, path, shape, dtype, String(dtypeText));
        if (chunked) { resolve(readChunked(chunked)); return; }
        const v = guard(`HDF5 dataset ${path}`, () => node.value);
        if (!v || v.length !== count) throw new ModelFileError('bad-hdf5', `HDF5 dataset ${path}: shape (${shape.join(', ')}) needs ${count} values, the file gave ${v?.length ?? 0}`);
        resolve(Float64Array.from(v));
      } catch (e) {
        reject(e);
      }
    }),
  };
}

/** The parts of jsfive's DataObjects (a Dataset's `_dataobjects`, not typed by jsfive) that locate the layout. */
interface JsfiveDataObjects {
  readonly fh: ArrayBuffer;
  find_msg_type(type: number): Map<string, unknown>[];
  readonly filter_pipeline: Map<string, unknown>[] | null;
}

const DATASPACE_MESSAGE = 0x0001;
const DATA_LAYOUT_MESSAGE = 0x0008;

/**
 * A chunked dataset (data layout message v3 or v4), read by hdf5Chunks.ts from the same bytes jsfive holds: jsfive
 * cannot index the 1.10+ chunk indexes, nor decode lzf, nor bound a chunk's inflated size. Undefined for contiguous
 * and compact data (jsfive reads those).
 */
function chunkedLayout(node: hdf5.Dataset, path: string, shape: number[], dtype: string, dtypeText: string): ChunkedDataset | undefined {
  const objects = (node as unknown as { _dataobjects?: JsfiveDataObjects })._dataobjects;
  if (!objects || !(objects.fh instanceof ArrayBuffer) || typeof objects.find_msg_type !== 'function') return undefined;
  const message = guard(`HDF5 dataset ${path}`, () => objects.find_msg_type(DATA_LAYOUT_MESSAGE)[0]);
  const offset = message?.get('offset_to_message');
  const file = new Uint8Array(objects.fh);
  if (typeof offset !== 'number' || !isChunkedLayout(file, offset)) return undefined;
  const pipeline = guard(`HDF5 dataset ${path} filters`, () => objects.filter_pipeline) ?? [];
  const filters = pipeline.map((f) => ({ id: Number(f.get('filter_id')), clientData: Array.from((f.get('client_data') as ArrayLike<number> | undefined) ?? [], Number) }));
  const space = guard(`HDF5 dataset ${path}`, () => objects.find_msg_type(DATASPACE_MESSAGE)[0])?.get('offset_to_message');
  const maxShape = typeof space === 'number' ? dataspaceMaxShape(file, space, path) : undefined;
  return { file, layoutOffset: offset, shape, ...(maxShape ? { maxShape } : {}), dtype, littleEndian: !dtypeText.startsWith('>'), filters, path };
}

function datasets(root: hdf5.Group, start: string, limits: ReadLimits, format: 'keras' | 'hdf5', entry?: string): Tensor[] {
  const out: Tensor[] = [];
  let visited = 0;
  const walk = (path: string, depth: number): void => {
    if (depth > 64) throw new ModelFileError('too-deep', `HDF5 groups nest deeper than 64 levels at ${path}`);
    if (++visited > limits.maxTensors) throw new ModelFileError('too-many-entries', `more than ${limits.maxTensors} HDF5 objects`);
    const node = guard(`HDF5 object ${path || '/'}`, () => (path ? root.get(path) : root));
    if (!node) return;
    if (node instanceof hdf5.Group) {
      const keys = guard(`HDF5 group ${path}`, () => node.keys);
      for (const k of keys) walk(path ? `${path}/${k}` : k, depth + 1);
      return;
    }
    const t = datasetTensor(node, path, path, format, entry);
    if (t) out.push(t);
  };
  walk(start, 0);
  return out;
}

const stringList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/**
 * Legacy HDF5 weights, in the file's own order (`layer_names`, then each layer's `weight_names`), named
 * `<layer>/<rest of the weight name from the layer on>`: model_weights/simple_rnn/sequential_2/simple_rnn/
 * simple_rnn_cell/kernel reads as simple_rnn/simple_rnn_cell/kernel, the name Keras 2 itself printed.
 */
function legacyWeights(root: hdf5.Group, limits: ReadLimits): Tensor[] | undefined {
  const group = guard('model_weights', () => root.get('model_weights'));
  if (!(group instanceof hdf5.Group)) return undefined;
  const layerNames = stringList(guard('model_weights attributes', () => group.attrs)['layer_names']);
  if (!layerNames) return undefined;
  const out: Tensor[] = [];
  for (const layer of layerNames) {
    const g = guard(`model_weights/${layer}`, () => group.get(layer));
    if (!(g instanceof hdf5.Group)) continue;
    const weightNames = stringList(guard(`model_weights/${layer} attributes`, () => g.attrs)['weight_names']) ?? [];
    for (const w of weightNames) {
      if (out.length >= limits.maxTensors) throw new ModelFileError('too-many-entries', `more than ${limits.maxTensors} weights`);
      const path = `model_weights/${layer}/${w}`;
      const node = guard(path, () => root.get(path));
      if (!(node instanceof hdf5.Dataset)) throw new ModelFileError('missing-array', `weight_names lists ${w} for layer ${layer}, but ${path} is not in the file`);
      const parts = w.split('/');
      const at = parts.indexOf(layer);
      const name = at >= 0 ? parts.slice(at).join('/') : `${layer}/${w}`;
      const t = datasetTensor(node, path, name, 'hdf5');
      if (t) out.push(t);
    }
  }
  return out;
}

interface KerasLayerJson { class_name?: unknown; config?: Record<string, unknown>; name?: unknown }

function pick(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KERAS_KEYS) if (config[k] !== undefined) out[k] = config[k];
  return out;
}

/** Every layer of a Sequential / Functional config, nested models flattened, Bidirectional kept with its inner layer. */
export function kerasLayers(modelConfig: unknown, kerasVersion: string | undefined, diagnostics: ReadDiagnostic[], depth = 0): LayerConfig[] {
  if (depth > 32) throw new ModelFileError('too-deep', 'Keras models nest deeper than 32 levels');
  const cfg = (modelConfig as KerasLayerJson)?.config;
  const layers = Array.isArray(cfg?.layers) ? (cfg!.layers as KerasLayerJson[]) : [];
  const out: LayerConfig[] = [];
  const version = kerasVersion !== undefined ? { keras_version: kerasVersion } : {};
  for (const l of layers) {
    const cls = typeof l?.class_name === 'string' ? l.class_name : '';
    const c = (l?.config ?? {}) as Record<string, unknown>;
    const name = typeof c.name === 'string' ? c.name : typeof l?.name === 'string' ? l.name : cls.toLowerCase();
    if (cls === 'Sequential' || cls === 'Functional' || cls === 'Model') { out.push(...kerasLayers(l, kerasVersion, diagnostics, depth + 1)); continue; }
    if (RECURRENT.has(cls)) out.push({ layerClass: cls, name, framework: 'keras', config: { ...pick(c), ...version }, tensorNames: [] });
    else if (cls === 'Bidirectional') {
      const inner = c.layer as KerasLayerJson | undefined;
      const innerCls = typeof inner?.class_name === 'string' ? inner.class_name : '';
      const merge = c.merge_mode === undefined ? 'concat' : c.merge_mode;
      const backward = (c.backward_layer as KerasLayerJson | undefined)?.config as Record<string, unknown> | undefined;
      const differs = backward && KERAS_KEYS.some((k) => k !== 'go_backwards' && JSON.stringify(backward[k]) !== JSON.stringify((inner?.config as Record<string, unknown> | undefined)?.[k]));
      if (differs) diagnostics.push({ severity: 'info', code: 'keras-backward-layer', message: `Bidirectional "${name}" has a backward_layer config that differs from its forward layer; Gate Lens applies the forward layer's config to both directions` });
      out.push({ layerClass: innerCls, name, framework: 'keras', config: { ...pick((inner?.config ?? {}) as Record<string, unknown>), bidirectional: { merge_mode: merge }, ...version }, tensorNames: [] });
    } else if (cls === 'Dense') out.push({ layerClass: 'Dense', name, framework: 'keras', config: { units: c.units, activation: c.activation, use_bias: c.use_bias }, tensorNames: [] });
    else if (cls === 'TimeDistributed' && (c.layer as KerasLayerJson)?.class_name === 'Dense') {
      const ic = ((c.layer as KerasLayerJson).config ?? {}) as Record<string, unknown>;
      out.push({ layerClass: 'Dense', name, framework: 'keras', config: { units: ic.units, activation: ic.activation, use_bias: ic.use_bias }, tensorNames: [] });
    }
  }
  return out;
}

function parseJson(text: string, what: string): unknown {
  try { return JSON.parse(text); } catch (e) { throw new ModelFileError('bad-keras', `${what} is not valid JSON: ${errorText(e)}`); }
}

/** HDF5 lists groups alphabetically; the recogniser stacks layers in the order it meets them, so use the model's order. */
function inLayerOrder(tensors: Tensor[], layers: readonly LayerConfig[]): Tensor[] {
  const rank = (t: Tensor): number => {
    const parts = (t.name ?? '').split('/');
    const at = layers.findIndex((l) => parts.includes(l.name));
    return at < 0 ? layers.length : at;
  };
  return tensors.map((t, k) => ({ t, k, r: rank(t) })).sort((a, b) => a.r - b.r || a.k - b.k).map((x) => x.t);
}

export async function readKerasFile(source: ByteSource, name: string, limits: ReadLimits, zip?: ZipArchive): Promise<ModelFile> {
  if (!zip) throw new ModelFileError('bad-keras', 'a .keras file is a zip archive');
  const text = async (entry: string): Promise<string | undefined> => {
    const e = zip.byName.get(entry);
    if (!e) return undefined;
    if (e.size > 64 << 20) throw new ModelFileError('too-large', `${entry} is ${e.size} bytes; a Keras config is far smaller`);
    return new TextDecoder('utf-8').decode(await (await zip.open(e)).read(0, e.size));
  };
  const config = parseJson((await text('config.json'))!, 'config.json');
  const metadata = await text('metadata.json');
  const kerasVersion = metadata ? ((parseJson(metadata, 'metadata.json') as { keras_version?: unknown }).keras_version as string | undefined) : undefined;
  const diagnostics: ReadDiagnostic[] = [];
  const layers = kerasLayers(config, typeof kerasVersion === 'string' ? kerasVersion : undefined, diagnostics);
  const weights = zip.byName.get('model.weights.h5')!;
  const h5 = await zip.open(weights);
  const root = openHdf5(await h5.read(0, h5.size), 'model.weights.h5');
  const tensors = inLayerOrder(datasets(root, '', limits, 'keras', 'model.weights.h5'), layers);
  return { format: 'keras', name, tensors, layers, diagnostics };
}

export async function readHdf5File(source: ByteSource, name: string, limits: ReadLimits): Promise<ModelFile> {
  if (source.size > limits.maxEntryBytes) throw new ModelFileError('too-large', `the HDF5 file is ${source.size} bytes, more than the ${limits.maxEntryBytes}-byte limit (jsfive reads whole files)`);
  const root = openHdf5(await source.read(0, source.size), name);
  const attrs = guard('HDF5 root attributes', () => root.attrs);
  const diagnostics: ReadDiagnostic[] = [];
  const modelConfig = attrs['model_config'];
  if (typeof modelConfig === 'string') {
    const version = typeof attrs['keras_version'] === 'string' ? attrs['keras_version'] : undefined;
    const layers = kerasLayers(parseJson(modelConfig, 'the model_config attribute'), version, diagnostics);
    const hasWeights = guard('HDF5 root', () => root.keys).includes('model_weights');
    const tensors = (hasWeights ? legacyWeights(root, limits) : undefined) ?? datasets(root, hasWeights ? 'model_weights' : '', limits, 'hdf5');
    return { format: 'hdf5', name, tensors, layers, diagnostics };
  }
  return { format: 'hdf5', name, tensors: datasets(root, '', limits, 'hdf5'), layers: [], diagnostics };
}
