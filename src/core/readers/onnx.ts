// ONNX models: every LSTM / GRU / RNN node (also inside If/Loop/Scan subgraphs) with the initializers or Constant
// outputs feeding W, R, B, P and its attributes. Field numbers: onnx/onnx.proto (ModelProto.graph = 7;
// GraphProto node = 1, initializer = 5; NodeProto input = 1, output = 2, name = 3, op_type = 4, attribute = 5,
// domain = 7; AttributeProto name = 1, f = 2, i = 3, s = 4, t = 5, g = 6, floats = 7, ints = 8, strings = 9,
// graphs = 11; TensorProto dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8,
// raw_data = 9, double_data = 10, uint64_data = 11, external_data = 13 (StringStringEntryProto key = 1, value = 2),
// data_location = 14).
//
// External data (onnx.save_model(..., save_as_external_data=True)): an initializer with data_location = EXTERNAL names
// a file beside the model (`location`, relative to the model's folder) and the byte range in it (`offset`, `length`).
// That file is opened through the host (ReadContext.openSibling) only when the tensor's values are read, and only the
// range is read; a location that leaves the model's folder is refused (sidePath.ts).

import { decodeElements, dtypeBytes, elementCount } from '../tensor/dtype';
import { ModelFileError, type ByteSource, type LayerConfig, type ModelFile, type ReadDiagnostic, type ReadLimits, type Tensor } from '../tensor/types';
import { bytesOf, fields, floatsOf, intOf, intsOf, readVarint, text, type Field } from './protobuf';
import type { ReadContext } from './registry';
import { sidePathSegments } from './sidePath';

const DATA_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};
const RECURRENT_OPS: Record<string, readonly string[]> = {
  LSTM: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h', 'initial_c', 'P'],
  GRU: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
  RNN: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
};

/** An ONNX file is a ModelProto: it starts with ir_version (field 1, varint) and holds a graph (field 7). */
export function isOnnx(head: Uint8Array, name: string): boolean {
  if (/\.onnx$/i.test(name)) return true;
  if (head.length < 4 || head[0] !== 0x08) return false;
  try {
    const v = readVarint(head, 1, head.length);
    return v.value > 0n && v.value < 20n && (head[v.next] === 0x12 || head[v.next] === 0x1a || head[v.next] === 0x3a || head[v.next] === 0x42);
  } catch {
    return false;
  }
}

interface Ctx {
  readonly tensors: Tensor[];
  readonly byName: Map<string, Tensor>;
  readonly layers: LayerConfig[];
  readonly diagnostics: ReadDiagnostic[];
  readonly limits: ReadLimits;
  nodeCount: number;
  /** Opens an external data file (once per file per read) by its checked path below the model's folder. */
  readonly openExternal: (path: string, label: string) => Promise<ByteSource>;
}

function externalOpener(modelName: string, context: ReadContext): Ctx['openExternal'] {
  const opened = new Map<string, Promise<ByteSource>>();
  return (path, label) => {
    let file = opened.get(path);
    if (!file) {
      const openSibling = context.openSibling;
      file = openSibling
        ? Promise.resolve().then(() => openSibling(path)).catch((e: unknown) => {
            throw new ModelFileError('external-data', `${label} keeps its values in "${path}" beside ${modelName}, which could not be opened: ${e instanceof Error ? e.message : String(e)}`);
          })
        : Promise.reject(new ModelFileError('no-siblings', `${label} keeps its values in "${path}" beside ${modelName}, and this host cannot open files beside it (save the model with save_as_external_data=False)`));
      opened.set(path, file);
    }
    return file;
  };
}

const DECIMAL = /^\d{1,16}$/;

/** An initializer whose bytes live in another file: checked now, read (that range only) when its values are asked. */
function externalTensor(name: string, dims: number[], dtype: string, count: number, entries: ReadonlyMap<string, string>, ctx: Ctx, where: string): Tensor {
  const label = `${where} "${name}"`;
  const need = count * dtypeBytes(dtype);
  const location = entries.get('location');
  const offsetText = entries.get('offset') ?? '0';
  const lengthText = entries.get('length') ?? String(need);
  const offset = Number(offsetText);
  const length = Number(lengthText);
  let problem: ModelFileError | undefined;
  let path = '';
  try {
    if (location === undefined) throw new ModelFileError('bad-onnx', `${label} is marked as external data but names no location`);
    path = sidePathSegments(location, `${label}'s external data`).join('/');
    if (!DECIMAL.test(offsetText) || !Number.isSafeInteger(offset)) throw new ModelFileError('bad-onnx', `${label}: external data offset "${offsetText}" is not a byte offset`);
    if (!DECIMAL.test(lengthText) || length !== need) throw new ModelFileError('bad-onnx', `${label}: shape (${dims.join(', ')}) of ${dtype} needs ${need} bytes, its external data length is "${lengthText}"`);
  } catch (e) {
    if (!(e instanceof ModelFileError)) throw e;
    problem = e;
  }
  return {
    name, shape: dims, dtype,
    origin: { kind: 'file', format: 'onnx', path: name, ...(location !== undefined ? { entry: location } : {}), ...(problem ? {} : { offset, length }) },
    values: async () => {
      if (problem) throw problem;
      const file = await ctx.openExternal(path, label);
      if (offset + length > file.size) throw new ModelFileError('external-data', `${label} needs bytes ${offset}–${offset + length} of "${path}", which has ${file.size} bytes (truncated, or not the data file saved with this model)`);
      return decodeElements(await file.read(offset, length), dtype, count);
    },
  };
}

function tensorProto(bytes: Uint8Array, base: number, fallbackName: string, ctx: Ctx, where: string): Tensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = fallbackName;
  let raw: Field | undefined;
  const typed: Record<number, Field[]> = {};
  const externalEntries = new Map<string, string>();
  let external = false;
  for (const f of fields(bytes, 0, bytes.length, base)) {
    if (f.number === 1) { for (const d of intsOf(f)) dims.push(d); if (dims.length > 64) throw new ModelFileError('bad-onnx', `${where} "${name}" has more than 64 dimensions`); }
    else if (f.number === 2) dataType = intOf(f);
    else if (f.number === 8) name = text(f);
    else if (f.number === 9) raw = f;
    else if (f.number === 14) external = intOf(f) === 1;
    else if (f.number === 13) externalEntry(f, externalEntries);
    else if (f.number === 4 || f.number === 5 || f.number === 7 || f.number === 10 || f.number === 11) (typed[f.number] ??= []).push(f);
  }
  const dtype = DATA_TYPES[dataType];
  if (!dtype) throw new ModelFileError('unsupported-dtype', `${where} "${name}": ONNX data_type ${dataType} is not a number type Gate Lens reads`);
  const count = elementCount(dims, `${where} "${name}"`);
  if (external) return externalTensor(name, dims, dtype, count, externalEntries, ctx, where);
  let values: () => Promise<Float64Array>;
  if (raw) {
    const need = count * dtypeBytes(dtype);
    if (bytesOf(raw).length !== need) throw new ModelFileError('bad-onnx', `${where} "${name}": shape (${dims.join(', ')}) of ${dtype} needs ${need} bytes, raw_data has ${bytesOf(raw).length}`);
    const b = bytesOf(raw);
    values = () => Promise.resolve(decodeElements(b, dtype, count));
  } else {
    // Typed fields: float_data (4) for float32; double_data (10); int32_data (5, also float16/bool bit patterns); int64_data (7).
    const list = typed[4] ?? typed[10] ?? typed[5] ?? typed[7] ?? typed[11] ?? [];
    const decoded: number[] = [];
    for (const f of list) {
      if (decoded.length > count) break;
      for (const v of f.number === 4 ? floatsOf(f) : f.number === 10 ? doublesOf(f) : intsOf(f)) decoded.push(v);
    }
    if (decoded.length !== count) throw new ModelFileError('bad-onnx', `${where} "${name}": shape (${dims.join(', ')}) needs ${count} values, the tensor holds ${decoded.length}`);
    const v = dtype === 'float16' || dtype === 'bfloat16'
      ? decodeElements(new Uint8Array(Uint16Array.from(decoded).buffer), dtype, count)
      : Float64Array.from(decoded);
    values = () => Promise.resolve(v);
  }
  return { name, shape: dims, dtype, origin: { kind: 'file', format: 'onnx', path: name, ...(raw ? { offset: raw.offset!, length: bytesOf(raw).length } : {}) }, values };
}

function externalEntry(f: Field, into: Map<string, string>): void {
  let key = '';
  let value = '';
  for (const x of fields(bytesOf(f), 0, bytesOf(f).length, f.offset!)) {
    if (x.number === 1) key = text(x);
    else if (x.number === 2) value = text(x);
  }
  if (into.size >= 16) throw new ModelFileError('bad-onnx', 'a tensor has more than 16 external_data entries');
  into.set(key, value);
}

function doublesOf(f: Field): number[] {
  if (f.wireType === 1) return [f.fixed64!.getFloat64(0, true)];
  const b = bytesOf(f);
  if (b.length % 8) throw new ModelFileError('bad-onnx', `packed doubles of ${b.length} bytes`);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  return Array.from({ length: b.length / 8 }, (_, k) => v.getFloat64(8 * k, true));
}

interface Attribute { readonly name: string; value: unknown; graphs: Field[] }

function attribute(f: Field, ctx: Ctx): Attribute {
  const a: Attribute = { name: '', value: undefined, graphs: [] };
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  let type = 0;
  for (const x of fields(bytesOf(f), 0, bytesOf(f).length, f.offset!)) {
    switch (x.number) {
      case 1: (a as { name: string }).name = text(x); break;
      case 20: type = intOf(x); break;
      case 2: a.value = x.fixed32; break;
      case 3: a.value = intOf(x); break;
      case 4: a.value = text(x); break;
      case 5: a.value = tensorProto(bytesOf(x), x.offset!, '', ctx, 'attribute tensor'); break;
      case 6: a.graphs.push(x); break;
      case 7: for (const v of floatsOf(x)) floats.push(v); break;
      case 8: for (const v of intsOf(x)) ints.push(v); break;
      case 9: strings.push(text(x)); break;
      case 11: a.graphs.push(x); break;
    }
  }
  if (type === 6 || floats.length) a.value = floats;
  if (type === 7 || ints.length) a.value = ints;
  if (type === 8 || strings.length) a.value = strings;
  return a;
}

function graph(bytes: Uint8Array, base: number, ctx: Ctx, depth: number, scope: string): void {
  if (depth > 32) throw new ModelFileError('too-deep', 'ONNX subgraphs nest deeper than 32 levels');
  const nodes: Field[] = [];
  for (const f of fields(bytes, 0, bytes.length, base)) {
    if (f.number === 5) {
      if (ctx.tensors.length >= ctx.limits.maxTensors) throw new ModelFileError('too-many-entries', `more than ${ctx.limits.maxTensors} initializers`);
      const t = tensorProto(bytesOf(f), f.offset!, `initializer_${ctx.tensors.length}`, ctx, 'initializer');
      ctx.tensors.push(t);
      ctx.byName.set(t.name!, t);
    } else if (f.number === 1) nodes.push(f);
  }
  const aliases = new Map<string, string>();
  const parsed = nodes.map((f) => {
    if (++ctx.nodeCount > 1_000_000) throw new ModelFileError('too-many-entries', 'more than 1,000,000 ONNX nodes');
    const node = { inputs: [] as string[], outputs: [] as string[], name: '', op: '', domain: '', attributes: [] as Attribute[] };
    for (const x of fields(bytesOf(f), 0, bytesOf(f).length, f.offset!)) {
      if (x.number === 1) node.inputs.push(text(x));
      else if (x.number === 2) node.outputs.push(text(x));
      else if (x.number === 3) node.name = text(x);
      else if (x.number === 4) node.op = text(x);
      else if (x.number === 7) node.domain = text(x);
      else if (x.number === 5) node.attributes.push(attribute(x, ctx));
    }
    return node;
  });
  for (const node of parsed) {
    if (node.op === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx')) {
      const value = node.attributes.find((a) => a.name === 'value')?.value as Tensor | undefined;
      if (value && typeof value === 'object' && 'shape' in value && node.outputs[0]) {
        const t: Tensor = { ...value, name: node.outputs[0], origin: { kind: 'file', format: 'onnx', path: `${node.name || node.outputs[0]} (Constant)` } };
        ctx.tensors.push(t);
        ctx.byName.set(t.name!, t);
      }
    } else if (node.op === 'Identity' && node.inputs[0] && node.outputs[0]) {
      aliases.set(node.outputs[0], node.inputs[0]);
    }
    for (const a of node.attributes) for (const g of a.graphs) graph(bytesOf(g), g.offset!, ctx, depth + 1, `${scope}${node.name || node.op}/${a.name}/`);
  }
  const resolve = (name: string): string => { let n = name; for (let k = 0; k < 16 && aliases.has(n); k++) n = aliases.get(n)!; return n; };
  for (const node of parsed) {
    const slots = RECURRENT_OPS[node.op];
    if (!slots || !(node.domain === '' || node.domain === 'ai.onnx')) continue;
    const layerName = `${scope}${node.name || `${node.op}_${ctx.layers.length}`}`;
    const inputs: Record<string, string> = {};
    node.inputs.forEach((n, k) => { if (n && slots[k]) inputs[slots[k]] = resolve(n); });
    const config: Record<string, unknown> = {};
    for (const a of node.attributes) config[a.name] = a.value;
    const tensorNames = ['W', 'R', 'B', 'P'].map((s) => inputs[s]).filter((n): n is string => n !== undefined && ctx.byName.has(n));
    for (const slot of ['W', 'R']) {
      if (!inputs[slot] || !ctx.byName.has(inputs[slot])) {
        ctx.diagnostics.push({ severity: 'warning', code: 'computed-weights', message: `${node.op} node "${layerName}": its ${slot} input "${inputs[slot] ?? ''}" is computed in the graph, not stored; Gate Lens reads stored weights only` });
      }
    }
    ctx.layers.push({ layerClass: node.op, name: layerName, framework: 'onnx', config, tensorNames, inputs });
  }
}

export async function readOnnxFile(source: ByteSource, name: string, limits: ReadLimits, context: ReadContext = {}): Promise<ModelFile> {
  if (source.size > Math.min(limits.maxEntryBytes, 2 ** 31)) throw new ModelFileError('too-large', `the ONNX file is ${source.size} bytes, more than the ${Math.min(limits.maxEntryBytes, 2 ** 31)}-byte limit (protobuf has no index to read lazily)`);
  const bytes = await source.read(0, source.size);
  const ctx: Ctx = { tensors: [], byName: new Map(), layers: [], diagnostics: [], limits, nodeCount: 0, openExternal: externalOpener(name, context) };
  let graphField: Field | undefined;
  for (const f of fields(bytes)) if (f.number === 7 && f.wireType === 2) graphField = f;
  if (!graphField) throw new ModelFileError('bad-onnx', 'no graph in this ONNX file (ModelProto field 7 is missing)');
  graph(graphField.bytes!, graphField.offset!, ctx, 0, '');
  return { format: 'onnx', name, tensors: ctx.tensors, layers: ctx.layers, diagnostics: ctx.diagnostics };
}
