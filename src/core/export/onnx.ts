// A complete, runnable ONNX model for a converted stack, written with a minimal protobuf encoder (only the fields
// onnx/onnx.proto needs here). Input X [T, batch, I]; one LSTM/GRU/RNN node per layer (opset 14), with a
// Transpose + Reshape between layers that turns Y [T, D, batch, H] into the next X [T, batch, D·H]; outputs Y, Y_h
// (and Y_c for an LSTM) of the last layer.
//
// dtype: ONNX allows float and double for these ops, but ONNX Runtime 1.30's CPU kernels run float only
// ("LSTM operator does not support double yet"; no double RNN kernel), so float32 is the default.

import type { CellKind } from '../conventions';
import { floatBytes } from './binary';
import type { ConversionPlan, ExportDtype } from './plan';

// ---- protobuf wire format

class Writer {
  private readonly parts: number[] = [];
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) { this.parts.push(Number((x & 0x7fn) | 0x80n)); x >>= 7n; }
    this.parts.push(Number(x));
    return this;
  }
  tag(field: number, wire: 0 | 2 | 5): this { return this.varint((field << 3) | wire); }
  int(field: number, v: number): this { return this.tag(field, 0).varint(v); }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this { return this.bytes(field, new TextEncoder().encode(s)); }
  message(field: number, m: Writer): this { return this.bytes(field, m.finish()); }
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, 5);
    for (const x of b) this.parts.push(x);
    return this;
  }
  finish(): Uint8Array { return Uint8Array.from(this.parts); }
}

const TENSOR_FLOAT = 1, TENSOR_INT64 = 7, TENSOR_DOUBLE = 11;
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_FLOATS = 6, ATTR_INTS = 7, ATTR_STRINGS = 8;

function tensorProto(name: string, dims: readonly number[], elemType: number, raw: Uint8Array): Writer {
  const t = new Writer();
  for (const d of dims) t.int(1, d);
  t.int(2, elemType);
  t.string(8, name);
  t.bytes(9, raw);
  return t;
}

type AttrValue = number | string | readonly number[] | readonly string[];

function attribute(name: string, value: AttrValue, asFloat = false): Writer {
  const a = new Writer().string(1, name);
  if (typeof value === 'string') return a.bytes(4, new TextEncoder().encode(value)).int(20, ATTR_STRING);
  if (typeof value === 'number') return asFloat ? a.float(2, value).int(20, ATTR_FLOAT) : a.int(3, value).int(20, ATTR_INT);
  if (value.length && typeof value[0] === 'string') {
    for (const s of value as readonly string[]) a.bytes(9, new TextEncoder().encode(s));
    return a.int(20, ATTR_STRINGS);
  }
  if (asFloat) { for (const v of value as readonly number[]) a.float(7, v); return a.int(20, ATTR_FLOATS); }
  for (const v of value as readonly number[]) a.int(8, v);
  return a.int(20, ATTR_INTS);
}

function node(op: string, name: string, inputs: readonly string[], outputs: readonly string[], attrs: readonly Writer[]): Writer {
  const n = new Writer();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, name).string(4, op);
  for (const a of attrs) n.message(5, a);
  return n;
}

function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, elemType).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

const OP: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' };

/** Node attributes from the ONNX config of the layer (convert.ts configFromLayer('onnx')). */
function nodeAttributes(config: Readonly<Record<string, unknown>>): Writer[] {
  const attrs: Writer[] = [];
  for (const key of ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'input_forget', 'layout', 'linear_before_reset']) {
    const v = config[key];
    if (v === undefined) continue;
    if (key === 'clip' || key === 'activation_alpha' || key === 'activation_beta') attrs.push(attribute(key, v as number | number[], true));
    else attrs.push(attribute(key, v as AttrValue));
  }
  return attrs;
}

export function encodeOnnxModel(plan: ConversionPlan, dtype: ExportDtype, producerVersion: string): Uint8Array {
  if (plan.target !== 'onnx') throw new Error('internal: an .onnx model needs the onnx convention');
  const elem = dtype === 'float64' ? TENSOR_DOUBLE : TENSOR_FLOAT;
  const graph = new Writer();
  const initializers: Writer[] = [];
  const last = plan.layers.length - 1;
  let x = 'X';
  plan.layers.forEach((cl, k) => {
    const cell = cl.layer.cell;
    const byRole = new Map(cl.arrays.map((a) => [a.name.slice(cl.prefix.length), a]));
    const inputName = (role: string) => {
      const a = byRole.get(role);
      if (!a) return '';
      initializers.push(tensorProto(a.name, a.tensor.shape, elem, floatBytes(a.tensor.data, dtype)));
      return a.name;
    };
    const inputs = [x, inputName('W'), inputName('R'), inputName('B')];
    if (byRole.has('P')) inputs.push('', '', '', inputName('P'));
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const outName = (o: string) => (k === last ? o : `${cl.prefix}${o}`);
    const outputs = [outName('Y'), outName('Y_h'), ...(cell === 'lstm' ? [outName('Y_c')] : [])];
    graph.message(1, node(OP[cell], `${cl.prefix}${OP[cell]}`.replace(/\//g, '_'), inputs, outputs, nodeAttributes(cl.config)));
    if (k < last) {
      // Y [T, D, N, H] → [T, N, D, H] → [T, N, D·H], the next layer's X (D-major: forward then backward features).
      const t = `${cl.prefix}Y_transposed`, shape = `${cl.prefix}next_shape`;
      graph.message(1, node('Transpose', `${cl.prefix}Transpose`.replace(/\//g, '_'), [outName('Y')], [t], [attribute('perm', [0, 2, 1, 3])]));
      const shapeBytes = new Uint8Array(24);
      const view = new DataView(shapeBytes.buffer);
      view.setBigInt64(0, 0n, true); view.setBigInt64(8, 0n, true); view.setBigInt64(16, -1n, true);
      initializers.push(tensorProto(shape, [3], TENSOR_INT64, shapeBytes));
      x = `${cl.prefix}X_next`;
      graph.message(1, node('Reshape', `${cl.prefix}Reshape`.replace(/\//g, '_'), [t, shape], [x], []));
    }
  });
  graph.string(2, 'gate_lens_converted');
  for (const i of initializers) graph.message(5, i);
  const first = plan.layers[0].layer, lastLayer = plan.layers[last].layer;
  const D = lastLayer.directions.length, H = lastLayer.units;
  graph.message(11, valueInfo('X', elem, ['T', 'batch', first.inputSize]));
  graph.message(12, valueInfo('Y', elem, ['T', D, 'batch', H]));
  graph.message(12, valueInfo('Y_h', elem, [D, 'batch', H]));
  if (lastLayer.cell === 'lstm') graph.message(12, valueInfo('Y_c', elem, [D, 'batch', H]));
  const model = new Writer();
  model.int(1, 8); // ir_version 8: read by every onnxruntime since 1.14
  model.string(2, 'gate-lens').string(3, producerVersion);
  model.message(7, graph);
  model.message(8, new Writer().string(1, '').int(2, 14));
  return model.finish();
}
