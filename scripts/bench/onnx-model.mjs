// A minimal protobuf writer for the part of onnx.proto the benchmark needs (ModelProto with one LSTM/GRU node and
// its initializers), so no .onnx file is committed and no protobuf package is needed. Field numbers are those of
// onnx/onnx.proto: ModelProto{ir_version=1, graph=7, opset_import=8}, GraphProto{node=1, name=2, initializer=5,
// input=11, output=12}, NodeProto{input=1, output=2, name=3, op_type=4, attribute=5}, AttributeProto{name=1, i=3,
// s=4, type=20 (INT=2, STRING=3)}, TensorProto{dims=1, data_type=2 (FLOAT=1), name=8, raw_data=9},
// ValueInfoProto{name=1, type=2}, TypeProto{tensor_type=1}, TypeProto.Tensor{elem_type=1, shape=2},
// TensorShapeProto{dim=1}, Dimension{dim_value=1}, OperatorSetIdProto{domain=1, version=2}.

class Writer {
  constructor() { this.parts = []; this.length = 0; }
  bytes(b) { this.parts.push(b); this.length += b.length; }
  varint(n) {
    const out = [];
    let v = BigInt(n);
    if (v < 0n) v += 1n << 64n;
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.bytes(Uint8Array.from(out));
  }
  tag(field, wire) { this.varint((field << 3) | wire); }
  int(field, n) { this.tag(field, 0); this.varint(n); }
  lengthDelimited(field, b) { this.tag(field, 2); this.varint(b.length); this.bytes(b); }
  string(field, s) { this.lengthDelimited(field, new TextEncoder().encode(s)); }
  message(field, build) { const w = new Writer(); build(w); this.lengthDelimited(field, w.finish()); }
  finish() {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

function tensor(w, field, name, dims, data) {
  w.message(field, (t) => {
    for (const d of dims) t.int(1, d);
    t.int(2, 1); // FLOAT
    t.string(8, name);
    const f = Float32Array.from(data);
    t.lengthDelimited(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength)); // little-endian, as ONNX requires
  });
}

function valueInfo(w, field, name, dims) {
  w.message(field, (v) => {
    v.string(1, name);
    v.message(2, (type) => type.message(1, (tt) => {
      tt.int(1, 1); // FLOAT
      tt.message(2, (shape) => { for (const d of dims) shape.message(1, (dim) => dim.int(1, d)); });
    }));
  });
}

/**
 * ONNX model of one single-direction LSTM or GRU over X [T, 1, D] with initial states as inputs (so the same model
 * serves whole sequences and streaming) and Y, Y_h (, Y_c) as outputs. Weights are in ONNX layout already:
 * W [1, G·H, D], R [1, G·H, H], B [1, 2·G·H] (LSTM gates i, o, f, c; GRU z, r, h).
 */
export function recurrentModel({ cell, H, D, T, W, R, B, linearBeforeReset }) {
  const G = cell === 'lstm' ? 4 : 3;
  const op = cell === 'lstm' ? 'LSTM' : 'GRU';
  const w = new Writer();
  w.int(1, 8); // ir_version 8
  w.message(7, (g) => {
    g.message(1, (n) => {
      for (const i of ['X', 'W', 'R', 'B', '', 'initial_h', ...(cell === 'lstm' ? ['initial_c'] : [])]) n.string(1, i);
      for (const o of ['Y', 'Y_h', ...(cell === 'lstm' ? ['Y_c'] : [])]) n.string(2, o);
      n.string(3, 'rnn');
      n.string(4, op);
      n.message(5, (a) => { a.string(1, 'hidden_size'); a.int(3, H); a.int(20, 2); });
      if (cell === 'gru') n.message(5, (a) => { a.string(1, 'linear_before_reset'); a.int(3, linearBeforeReset ? 1 : 0); a.int(20, 2); });
    });
    g.string(2, `${op.toLowerCase()}_bench`);
    tensor(g, 5, 'W', [1, G * H, D], W);
    tensor(g, 5, 'R', [1, G * H, H], R);
    tensor(g, 5, 'B', [1, 2 * G * H], B);
    valueInfo(g, 11, 'X', [T, 1, D]);
    valueInfo(g, 11, 'initial_h', [1, 1, H]);
    if (cell === 'lstm') valueInfo(g, 11, 'initial_c', [1, 1, H]);
    valueInfo(g, 12, 'Y', [T, 1, 1, H]);
    valueInfo(g, 12, 'Y_h', [1, 1, H]);
    if (cell === 'lstm') valueInfo(g, 12, 'Y_c', [1, 1, H]);
  });
  w.message(8, (o) => { o.string(1, ''); o.int(2, 17); });
  return w.finish();
}
