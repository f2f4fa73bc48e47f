// Documented conventions whose names are too common to tell a framework by (Apple MLX Wx / Wh / bias, OpenVINO
// W / R / B, oneDNN's unnamed bias): read from text the way each framework prints or a user pastes it, only when the
// text's own code shows the framework, with the evidence quoting that code. Every layer is a real PyTorch layer (the
// conformance fixtures) written in the documented layout, printed, recognised, run, and held to PyTorch's outputs.
// TensorRT arrays are read from the set_weights_for_gate / set_bias_for_gate calls that pass them, raw cuDNN ones from
// linLayerID names beside cuDNN code. Also oneDNN's right-to-left and bidirectional_sum directions, run against
// PyTorch's bidirectional layers.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromLayer, fromNative, fromNativeStack, optionsFromConfig, toNative, type NativeTensors } from '../../../src/core/convert';
import { runModel, toFrameworkLayout } from '../../../src/core/forward';
import type { RecurrentLayer } from '../../../src/core/model';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import type { CellKind } from '../../../src/core/conventions';

interface JsonArray { shape: number[]; data: number[] }
interface Case { id: string; layers: { type: CellKind; config: Record<string, unknown>; weights: Record<string, JsonArray> }[]; input: JsonArray; expected: { output: JsonArray } }
const cases = (f: string): Case[] => (JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'conformance', f), 'utf8')) as { cases: Case[] }).cases;
const native = (w: Record<string, JsonArray>): NativeTensors => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));

interface Source { id: string; layer: RecurrentLayer; input: JsonArray; output: JsonArray }
function source(file: string, id: string): Source {
  const c = cases(file).find((x) => x.id === id)!;
  return { id, layer: fromNativeStack('pytorch', c.layers[0].type, native(c.layers[0].weights), optionsFromConfig('pytorch', c.layers[0].config))[0], input: c.input, output: c.expected.output };
}
const LSTM = source('pytorch_lstm.json', 'pytorch_lstm_basic');
const GRU = source('pytorch_gru.json', 'pytorch_gru_basic');
const RNN = source('pytorch_rnn.json', 'pytorch_rnn_tanh');
const BIDIRECTIONAL = [source('pytorch_lstm.json', 'pytorch_lstm_bidirectional'), source('pytorch_gru.json', 'pytorch_gru_bidirectional'), source('pytorch_rnn.json', 'pytorch_rnn_bidirectional')];

function run(layers: RecurrentLayer[], s: Source): Float64Array {
  const [N, T, F] = s.input.shape;
  const r = runModel({ layers }, { data: Float64Array.from(s.input.data), batch: N, steps: T, features: F });
  return toFrameworkLayout(r, 'pytorch', { layers }).output!.data;
}
function near(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-12, `${what} output[${k}]: ${got[k]} vs ${want[k]}`);
}

/** NumPy's (and MLX's) repr: `array([[a, b],\n       [c, d]], dtype=float32)`, every value in full. */
function repr(t: { shape: readonly number[]; data: ArrayLike<number> }, indent = 6): string {
  const nest = (off: number, axis: number, pad: string): string => {
    if (axis === t.shape.length - 1) return `[${Array.from({ length: t.shape[axis] }, (_, j) => String(t.data[off + j])).join(', ')}]`;
    const step = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return `[${Array.from({ length: t.shape[axis] }, (_, j) => nest(off + j * step, axis + 1, `${pad} `)).join(`,\n${pad} `)}]`;
  };
  return `array(${nest(0, 0, ' '.repeat(indent))}, dtype=float32)`;
}
const literal = (t: { shape: readonly number[]; data: ArrayLike<number> }): string => {
  const nest = (off: number, axis: number): unknown => (axis === t.shape.length ? t.data[off]
    : Array.from({ length: t.shape[axis] }, (_, j) => nest(off + j * t.shape.slice(axis + 1).reduce((a, b) => a * b, 1), axis + 1)));
  return JSON.stringify(nest(0, 0));
};

function recognizeOne(text: string) {
  const r = recognize(extractArrays(text), text);
  assert.equal(r.layers.length, 1, JSON.stringify({ layers: r.layers.map((l) => l.name), unrelated: r.unrelated.map((u) => u.reason), diagnostics: r.diagnostics.map((d) => d.message) }));
  return r.layers[0];
}

describe('documented conventions read from pasted text when the code shows the framework (src/core/conventions: mlx, openvino, onednn, tensorrt, cudnn)', () => {
  describe('Apple MLX', () => {
    const dictPrint = (n: NativeTensors) => `{${Object.entries(n).map(([k, t]) => `'${k}': ${repr(t)}`).join(', ')}}`;

    it('reads `print(lstm.parameters())` of an mlx.nn.LSTM, says the import decided, and runs it to PyTorch\'s outputs', () => {
      const text = `import mlx.core as mx\nimport mlx.nn as nn\n\nlstm = nn.LSTM(input_size=3, hidden_size=4)\nprint(lstm.parameters())\n${dictPrint(toNative(LSTM.layer, 'mlx'))}\n`;
      const l = recognizeOne(text);
      assert.equal(l.convention, 'mlx');
      assert.equal(l.cell, 'lstm');
      assert.ok(l.evidence.some((e) => e.code === 'name-signal' && e.message.includes('`import mlx.core as mx`') && e.message.includes('Apple MLX')), JSON.stringify(l.evidence));
      near(run([l.layer], LSTM), LSTM.output.data, 'mlx lstm');
    });

    it('reads tree_flatten\'s (\'gru.Wx\', array(...)) pairs of an mlx.nn.GRU with b and bhn', () => {
      const n = toNative(GRU.layer, 'mlx');
      const text = `from mlx.utils import tree_flatten\nimport mlx.nn as nn\nprint(tree_flatten(model.parameters()))\n[${Object.entries(n).map(([k, t]) => `('gru.${k}', ${repr(t)})`).join(', ')}]\n`;
      const l = recognizeOne(text);
      assert.equal(l.convention, 'mlx');
      assert.equal(l.cell, 'gru');
      near(run([l.layer], GRU), GRU.output.data, 'mlx gru');
    });

    it('reads parameters set with mx.array(...) on an nn.RNN (Wxh, Whh, bias)', () => {
      const n = toNative(RNN.layer, 'mlx');
      const text = `import mlx.core as mx\nfrom mlx import nn\nrnn = nn.RNN(3, 3)\n${Object.entries(n).map(([k, t]) => `rnn.${k} = mx.array(${literal(t)})`).join('\n')}\n`;
      const l = recognizeOne(text);
      assert.equal(l.convention, 'mlx');
      assert.equal(l.cell, 'simple_rnn');
      near(run([l.layer], RNN), RNN.output.data, 'mlx rnn');
    });

    it('keeps an nn.Linear beside the LSTM a Dense layer with its own bias (a bias joins MLX only beside Wx / Wh)', () => {
      const text = `import mlx.core as mx\n${Object.entries(toNative(LSTM.layer, 'mlx')).map(([k, t]) => `lstm.${k} = mx.array(${literal(t)})`).join('\n')}\n` +
        'fc.weight = mx.array([[0.5, -0.25, 0.125, 1.0]])\nfc.bias = mx.array([0.75])\n';
      const r = recognize(extractArrays(text), text);
      assert.equal(r.layers.length, 1);
      assert.equal(r.layers[0].convention, 'mlx');
      assert.equal(r.dense.length, 1, JSON.stringify(r.unrelated));
      assert.deepEqual(Array.from(r.dense[0].layer.b ?? []), [0.75]);
    });

    it('does not read Wx / Wh / bias as MLX without MLX code (a NumPy-from-scratch LSTM uses the same names)', () => {
      const text = `import numpy as np\n${Object.entries(toNative(LSTM.layer, 'mlx')).map(([k, t]) => `${k} = np.array(${literal(t)})`).join('\n')}\n`;
      const r = recognize(extractArrays(text), text);
      assert.ok(r.layers.every((l) => l.convention !== 'mlx'));
      // `# import mlx.core as mx` is a comment, not code.
      const commented = recognize(extractArrays(`# import mlx.core as mx\n${text}`), `# import mlx.core as mx\n${text}`);
      assert.ok(commented.layers.every((l) => l.convention !== 'mlx'));
    });

    it('refuses the pre-2024 (input, G·H) layout with the reason instead of reading it transposed', () => {
      const t = (shape: number[]) => ({ shape, data: Array.from({ length: shape[0] * shape[1] }, (_, k) => k / 10) });
      const text = `import mlx.core as mx\nlstm.Wx = mx.array(${literal(t([3, 16]))})\nlstm.Wh = mx.array(${literal(t([4, 16]))})\n`;
      const r = recognize(extractArrays(text), text);
      assert.ok(r.layers.every((l) => l.convention !== 'mlx'));
      assert.ok(r.unrelated.some((u) => /releases before 2024/.test(u.reason)), JSON.stringify(r.unrelated));
    });
  });

  describe('OpenVINO', () => {
    const constants = (n: NativeTensors) => Object.entries(n).map(([k, t]) => `${k} = ops.constant(np.array(${literal(t)}, dtype=np.float32))`).join('\n');

    it('reads W, R, B built for ops.lstm_sequence as OpenVINO (gates f, i, c, o, one bias per gate) and runs them to PyTorch\'s outputs', () => {
      const text = `import numpy as np\nimport openvino.runtime.opset8 as ops\n\n${constants(toNative(LSTM.layer, 'openvino'))}\n` +
        'lstm = ops.lstm_sequence(X, H0, C0, seq_len, W, R, B, 4, "forward")\n';
      const l = recognizeOne(text);
      assert.equal(l.convention, 'openvino');
      assert.ok(l.evidence.some((e) => e.code === 'name-signal' && e.message.includes('OpenVINO')), JSON.stringify(l.evidence));
      near(run([l.layer], LSTM), LSTM.output.data, 'openvino lstm');
    });

    it('reads a GRUSequence with linear_before_reset (B [1, 4·H]) and a bidirectional LSTMSequence', () => {
      const gru = recognizeOne(`from openvino.runtime import opset8 as ops\nimport numpy as np\n${constants(toNative(GRU.layer, 'openvino'))}\ngru = ops.gru_sequence(X, H0, seq_len, W, R, B, 3, "forward", linear_before_reset=True)\n`);
      assert.equal(gru.convention, 'openvino');
      assert.equal(gru.layer.resetAfter, true);
      near(run([gru.layer], GRU), GRU.output.data, 'openvino gru');
      const bi = BIDIRECTIONAL[0];
      const l = recognizeOne(`import openvino as ov\nimport numpy as np\n${constants(toNative(bi.layer, 'openvino'))}\n`);
      assert.equal(l.convention, 'openvino');
      assert.equal(l.directions, 2);
      near(run([l.layer], bi), bi.output.data, 'openvino bidirectional');
    });

    it('reads the arrays passed to ops.lstm_sequence / gru_sequence as W, R, B whatever their names', () => {
      const named = (n: NativeTensors, names: Record<string, string>) => Object.entries(n).map(([k, t]) => `${names[k]} = np.array(${literal(t)}, dtype=np.float32)`).join('\n');
      const lstm = recognizeOne(`import numpy as np\nfrom openvino.runtime import opset8 as ops\n${named(toNative(LSTM.layer, 'openvino'), { W: 'w_ih', R: 'w_hh', B: 'bias' })}\n` +
        'lstm = ops.lstm_sequence(X, H0, C0, seq_len, ops.constant(w_ih), ops.constant(w_hh), ops.constant(bias), 4, "forward")\n');
      assert.equal(lstm.convention, 'openvino');
      assert.ok(lstm.evidence.some((e) => e.code === 'name-binding' && e.message.includes('w_ih → lstm/W')), JSON.stringify(lstm.evidence));
      near(run([lstm.layer], LSTM), LSTM.output.data, 'openvino lstm by call');
      const gru = recognizeOne(`import numpy as np\nimport openvino.runtime.opset8 as ops\n${named(toNative(GRU.layer, 'openvino'), { W: 'gw', R: 'gr', B: 'gb' })}\n` +
        'gru = ops.gru_sequence(X, H0, seq_len, gw, gr, gb, 3, "forward", linear_before_reset=True)\n');
      assert.equal(gru.convention, 'openvino');
      near(run([gru.layer], GRU), GRU.output.data, 'openvino gru by call');
    });

    it('reads W, R, B whose B is ONNX\'s [Wb, Rb] as ONNX even in an OpenVINO file, and says why', () => {
      const text = `import openvino as ov\nimport numpy as np\ncore = ov.Core()\n${Object.entries(toNative(LSTM.layer, 'onnx')).map(([k, t]) => `${k} = np.array(${literal(t)})`).join('\n')}\n`;
      const l = recognizeOne(text);
      assert.equal(l.convention, 'onnx');
      assert.ok(l.evidence.some((e) => e.code === 'name-signal' && /ONNX/.test(e.message) && /not OpenVINO's/.test(e.message)), JSON.stringify(l.evidence));
      near(run([l.layer], LSTM), LSTM.output.data, 'onnx in an openvino file');
    });

    it('reads the same W, R, B as ONNX when the file shows no OpenVINO code', () => {
      const text = `import numpy as np\n${Object.entries(toNative(LSTM.layer, 'onnx')).map(([k, t]) => `${k} = np.array(${literal(t)})`).join('\n')}\n`;
      assert.equal(recognizeOne(text).convention, 'onnx');
    });
  });

  describe('oneDNN', () => {
    const assigned = (n: NativeTensors, prefix: string, flatBias: boolean) => Object.entries(n).map(([k, t]) => {
      const name = `${prefix}${k.replace('weights_', 'wei_')}`;
      return k === 'bias' && flatBias ? `${name} = np.array(${literal({ shape: [t.data.length], data: t.data })}, dtype=np.float32)` : `${name} = np.array(${literal(t)}, dtype=np.float32)`;
    }).join('\n');
    const cpp = '// auto user_wei_layer_md = memory::desc({L, D, I, G, O}, dt::f32, tag::ldigo);\n' +
      'auto lstm_pd = dnnl::lstm_forward::primitive_desc(engine, prop_kind::forward_inference, rnn_direction::unidirectional_left2right,\n' +
      '    src_layer_md, src_iter_md, src_iter_c_md, user_wei_layer_md, user_wei_iter_md, user_bias_md, dst_layer_md, dst_iter_md, dst_iter_c_md);\n' +
      'lstm_args.insert({DNNL_ARG_BIAS, user_bias_mem});\n';

    it('reads user_wei_layer / user_wei_iter / a flat user_bias beside dnnl::lstm_forward code, and runs them to PyTorch\'s outputs', () => {
      const l = recognizeOne(`${cpp}\nimport numpy as np\n${assigned(toNative(LSTM.layer, 'onednn'), 'user_', true)}\n`);
      assert.equal(l.convention, 'onednn');
      assert.ok(l.evidence.some((e) => e.code === 'name-signal' && /`(?:tag::ldigo|dnnl::lstm_forward)`/.test(e.message) && e.message.includes('oneDNN')), JSON.stringify(l.evidence));
      near(run([l.layer], LSTM), LSTM.output.data, 'onednn lstm');
    });

    it('reads an lbr_gru bias of four gate blocks u, r, o, u\'', () => {
      const l = recognizeOne(`auto pd = dnnl::lbr_gru_forward::primitive_desc(engine, aprop, dir, a, b, c, d, e, f, g);\nimport numpy as np\n${assigned(toNative(GRU.layer, 'onednn'), '', false)}\n`);
      assert.equal(l.convention, 'onednn');
      assert.equal(l.layer.resetAfter, true);
      near(run([l.layer], GRU), GRU.output.data, 'onednn lbr gru');
    });

    it('still refuses a bias named only `bias` when the text shows no oneDNN code', () => {
      const text = `import numpy as np\n${assigned(toNative(LSTM.layer, 'onednn'), '', false)}\n`;
      const r = recognize(extractArrays(text), text);
      assert.ok(r.layers.every((l) => l.convention !== 'onednn'));
      assert.ok(r.unrelated.some((u) => /oneDNN's bias has no name of its own/.test(u.reason)), JSON.stringify(r.unrelated));
    });

    for (const bi of BIDIRECTIONAL) {
      it(`runs ${bi.id}'s backward direction as a unidirectional_right2left layer to PyTorch's backward half (≤ 1e-12)`, () => {
        const back: RecurrentLayer = { ...bi.layer, directions: [bi.layer.directions[1]], reverse: true };
        delete (back as { merge?: unknown }).merge;
        const cfg = configFromLayer(back, 'onednn');
        assert.equal(cfg['direction'], 'unidirectional_right2left');
        const read = fromNative('onednn', back.cell, toNative(back, 'onednn'), { ...optionsFromConfig('onednn', cfg), inputSize: back.inputSize });
        assert.equal(read.reverse, true);
        const [N, T] = bi.input.shape, H = bi.layer.units;
        const want = Float64Array.from({ length: N * T * H }, (_, k) => bi.output.data[Math.floor(k / H) * 2 * H + H + (k % H)]);
        near(run([read], bi), want, `${bi.id} right2left`);
      });

      it(`runs ${bi.id} as bidirectional_sum to the sum of PyTorch's two halves (≤ 1e-12)`, () => {
        const summed: RecurrentLayer = { ...bi.layer, merge: 'sum' };
        const cfg = configFromLayer(summed, 'onednn');
        assert.equal(cfg['direction'], 'bidirectional_sum');
        const read = fromNative('onednn', summed.cell, toNative(summed, 'onednn'), { ...optionsFromConfig('onednn', cfg), inputSize: summed.inputSize });
        const [N, T] = bi.input.shape, H = bi.layer.units;
        const want = Float64Array.from({ length: N * T * H }, (_, k) => { const row = Math.floor(k / H) * 2 * H, m = k % H; return bi.output.data[row + m] + bi.output.data[row + H + m]; });
        near(run([read], bi), want, `${bi.id} sum`);
      });
    }
  });
  describe('TensorRT', () => {
    const header = 'import numpy as np\nimport tensorrt as trt\n\nlogger = trt.Logger(trt.Logger.ERROR)\nbuilder = trt.Builder(logger)\n' +
      'network = builder.create_network(1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH))\ninputT0 = network.add_input("inputT0", trt.float32, (nB, nT, nI))\n';
    /** Arrays under the user's own names (wx_input, rh_cell, …), then one set_*_for_gate call per array. */
    function script(n: NativeTensors, op: string, opts: { flat?: boolean; wrap?: (v: string) => string; direction?: string } = {}): string {
      const userName = (k: string) => { const [, back, kind, gate] = /^(backward_)?(Wb|Rb|W|R)_(\w+)$/.exec(k)!; return `${kind === 'W' ? 'wx' : kind === 'R' ? 'wh' : kind === 'Wb' ? 'bx' : 'bh'}_${gate.toLowerCase()}${back ? '_bw' : ''}`; };
      const arrays = Object.entries(n).map(([k, t]) => `${userName(k)} = np.array(${literal(opts.flat ? { shape: [t.data.length], data: t.data } : t)}, dtype=np.float32)`).join('\n');
      const calls = Object.keys(n).map((k) => {
        const [, back, kind, gate] = /^(backward_)?(Wb|Rb|W|R)_(\w+)$/.exec(k)!;
        const fn = kind.endsWith('b') ? 'set_bias_for_gate' : 'set_weights_for_gate';
        return `rnn.${fn}(${back ? 1 : 0}, trt.RNNGateType.${gate}, ${kind.startsWith('W') ? 'True' : 'False'}, ${(opts.wrap ?? ((v) => `trt.Weights(${v})`))(userName(k))})`;
      }).join('\n');
      return `${header}${arrays}\nrnn = network.add_rnn_v2(inputT0, 1, nHidden, nT, trt.RNNOperation.${op})\n${opts.direction ? `rnn.direction = trt.RNNDirection.${opts.direction}\n` : ''}${calls}\n`;
    }

    it('reads the arrays each set_weights_for_gate / set_bias_for_gate call passes as that gate\'s W, R, Wb, Rb of a kLSTM layer', () => {
      const l = recognizeOne(script(toNative(LSTM.layer, 'tensorrt'), 'LSTM'));
      assert.equal(l.convention, 'tensorrt');
      assert.equal(l.cell, 'lstm');
      assert.ok(l.evidence.some((e) => e.code === 'name-binding' && e.message.includes('wx_forget → rnn/W_FORGET')), JSON.stringify(l.evidence));
      assert.ok(l.evidence.some((e) => /set_weights_for_gate \/ set_bias_for_gate give 4 gates/.test(e.message)), JSON.stringify(l.evidence));
      near(run([l.layer], LSTM), LSTM.output.data, 'tensorrt lstm');
    });

    it('reads flattened arrays (passed as np.ascontiguousarray(w.reshape(-1)), or printed flat) back to (H, input)', () => {
      const wrapped = recognizeOne(script(toNative(GRU.layer, 'tensorrt'), 'GRU', { wrap: (v) => `np.ascontiguousarray(${v}.reshape(-1))` }));
      assert.equal(wrapped.convention, 'tensorrt');
      near(run([wrapped.layer], GRU), GRU.output.data, 'tensorrt gru wrapped');
      const flat = recognizeOne(script(toNative(GRU.layer, 'tensorrt'), 'GRU', { flat: true }));
      assert.equal(flat.convention, 'tensorrt');
      near(run([flat.layer], GRU), GRU.output.data, 'tensorrt gru flat');
    });

    it('reads layer index 1 of a BIDIRECTION layer as the backward direction', () => {
      const bi = BIDIRECTIONAL[1];
      const l = recognizeOne(script(toNative(bi.layer, 'tensorrt'), 'GRU', { direction: 'BIDIRECTION' }));
      assert.equal(l.convention, 'tensorrt');
      assert.equal(l.directions, 2);
      near(run([l.layer], bi), bi.output.data, 'tensorrt bidirectional gru');
    });

    it('refuses a kRELU / kTANH layer from a paste, saying the activation is the RNNOperation', () => {
      const text = script(toNative(RNN.layer, 'tensorrt'), 'RELU');
      const r = recognize(extractArrays(text), text);
      assert.ok(r.layers.every((l) => l.convention !== 'tensorrt'));
      assert.ok(r.unrelated.some((u) => /activation is add_rnn_v2's RNNOperation/.test(u.reason)), JSON.stringify(r.unrelated));
    });
  });

  describe('raw cuDNN', () => {
    const cpp = 'for (int linLayerID = 0; linLayerID < 8; linLayerID++) {\n' +
      '    cudnnGetRNNWeightParams(handle, rnnDesc, 0, weightSpaceSize, weightSpace, linLayerID, mDesc, &mAddr, bDesc, &bAddr);\n}\n';
    const dump = (n: NativeTensors) => Object.entries(n).map(([k, t]) => {
      const [, back, id, kind] = /^(reverse_)?linLayer(\d)_(matrix|bias)$/.exec(k)!;
      return `${back ?? ''}lin_layer_id_${id}_${kind === 'matrix' ? 'mat' : 'bias'} = np.array(${literal({ shape: [t.data.length], data: t.data })})`;
    }).join('\n');

    it('reads flat per-linLayerID matrices and biases beside cudnnGetRNNWeightParams code as a CUDNN_LSTM, and runs them to PyTorch\'s outputs', () => {
      const l = recognizeOne(`${cpp}\nimport numpy as np\n${dump(toNative(LSTM.layer, 'cudnn'))}\n`);
      assert.equal(l.convention, 'cudnn');
      assert.ok(l.evidence.some((e) => e.code === 'name-signal' && e.message.includes('`cudnnGetRNNWeightParams`')), JSON.stringify(l.evidence));
      near(run([l.layer], LSTM), LSTM.output.data, 'cudnn lstm');
      const gru = recognizeOne(`// CUDNN_GRU\nint mode = CUDNN_GRU;\nimport numpy as np\n${dump(toNative(GRU.layer, 'cudnn'))}\n`);
      assert.equal(gru.convention, 'cudnn');
      near(run([gru.layer], GRU), GRU.output.data, 'cudnn gru');
    });

    it('does not read linLayerID names as cuDNN without cuDNN code, and refuses a CUDNN_RNN_TANH / _RELU layer from a paste', () => {
      const plain = `import numpy as np\n${dump(toNative(LSTM.layer, 'cudnn'))}\n`;
      assert.ok(recognize(extractArrays(plain), plain).layers.every((l) => l.convention !== 'cudnn'));
      const rnn = `int mode = CUDNN_RNN_RELU;\nimport numpy as np\n${dump(toNative(RNN.layer, 'cudnn'))}\n`;
      const r = recognize(extractArrays(rnn), rnn);
      assert.ok(r.layers.every((l) => l.convention !== 'cudnn'));
      assert.ok(r.unrelated.some((u) => /activation is the cell mode/.test(u.reason)), JSON.stringify(r.unrelated));
    });
  });
});
