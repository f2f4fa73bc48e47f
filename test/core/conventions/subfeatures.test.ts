// Sub-features of the documented conventions that are modelled rather than refused: Core ML forgetBias, coupled
// input and forget gates and its default cell clip; TFLite CIFG, projection (with bias and proj_clip) and layer-norm
// LSTMs; PaddlePaddle / MindSpore / MXNet projections. Where the framework runs here (TFLite, through the TFLite
// interpreter of the installed tensorflow), its own outputs are the fixture; elsewhere real layers run by their
// framework (the conformance fixtures) are written in the documented layout, read back and run.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromLayer, fromNative, fromNativeStack, optionsFromConfig, toNative, type NativeTensors } from '../../../src/core/convert';
import { generateNumpy } from '../../../src/core/codegen/numpy';
import { planConversion } from '../../../src/core/export/plan';
import { runFast32 } from '../../../src/core/fast32';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import type { ConventionId } from '../../../src/core/conventions';
import { runLayer, runModel, toFrameworkLayout } from '../../../src/core/forward';
import type { RecurrentLayer } from '../../../src/core/model';

interface JsonArray { shape: number[]; data: number[] }
interface Case {
  id: string; dtype: string; layers: { type: 'lstm' | 'gru' | 'simple_rnn'; config: Record<string, unknown>; weights: Record<string, JsonArray> }[];
  input: JsonArray; initialState?: unknown; sequenceLengths?: unknown; expected: { output: JsonArray };
}
const load = (f: string): Case[] => (JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'conformance', f), 'utf8')) as { cases: Case[] }).cases;
const byId = (f: string, id: string): Case => load(f).find((c) => c.id === id)!;
const native = (w: Record<string, JsonArray>): NativeTensors => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));
const inputOf = (c: Case) => ({ data: Float64Array.from(c.input.data), batch: c.input.shape[0], steps: c.input.shape[1], features: c.input.shape[2] });

/** The layer written in `id`'s arrays and config, then read back from them alone. */
function port(layer: RecurrentLayer, id: ConventionId): { native: NativeTensors; config: Record<string, unknown>; back: RecurrentLayer } {
  const n = toNative(layer, id);
  const config = configFromLayer(layer, id);
  return { native: n, config, back: fromNative(id, layer.cell, n, { ...optionsFromConfig(id, config), inputSize: layer.inputSize }) };
}

function outputs(layers: RecurrentLayer[], c: Case, framework: 'pytorch' | 'keras' | 'onnx'): Float64Array {
  const r = runModel({ layers }, inputOf(c));
  return toFrameworkLayout(r, framework, { layers }).output!.data;
}

function sameTensors(a: NativeTensors, b: NativeTensors, what: string): void {
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `${what}: array names`);
  for (const k of Object.keys(a)) {
    assert.deepEqual([...b[k].shape], [...a[k].shape], `${what}: ${k} shape`);
    for (let e = 0; e < a[k].data.length; e++) assert.ok(Object.is(b[k].data[e], a[k].data[e]), `${what}: ${k}[${e}] ${b[k].data[e]} ≠ ${a[k].data[e]}`);
  }
}

/** NumPy assignments of the arrays, as a user would paste them (`name = np.array([[...]])`). */
const pasted = (n: NativeTensors): string => Object.entries(n).map(([k, t]) => {
  const nest = (off: number, axis: number): unknown => (axis === t.shape.length ? t.data[off]
    : Array.from({ length: t.shape[axis] }, (_, j) => nest(off + j * t.shape.slice(axis + 1).reduce((a, b) => a * b, 1), axis + 1)));
  return `${k} = np.array(${JSON.stringify(nest(0, 0))})`;
}).join('\n') + '\n';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe('modelled sub-features of the documented conventions', () => {
  describe('Core ML LSTMParams', () => {
    it('forgetBias: a TF1 LSTM with forget_bias=1.0 is a Core ML LSTM with forgetBias=true and the same b_f, running to TensorFlow\'s outputs', () => {
      for (const id of ['tf1_lstm_block_basic', 'tf1_lstm_block_peephole']) {
        const c = byId('tf1_lstm.json', id);
        const tf1 = fromNative('tf1', 'lstm', native(c.layers[0].weights), optionsFromConfig('tf1', c.layers[0].config));
        assert.equal(tf1.forgetBias, 1);
        const p = port(tf1, 'coreml');
        assert.equal(p.config['forgetBias'], true);
        assert.equal(p.back.forgetBias, 1);
        assert.equal(p.back.cellClip, 50, 'cellClipThreshold 0 means 50');
        const got = outputs([p.back], c, 'keras');
        assert.ok(maxDiff(got, outputs([tf1], c, 'keras')) <= 1e-12, id);
        assert.ok(maxDiff(got, c.expected.output.data) <= 2e-6, `${id} vs TensorFlow (float32)`);
      }
    });

    it('coupledInputAndForgetGate is ONNX input_forget (c = c ⊙ (1 − i) + i ⊙ z), running to onnxruntime\'s outputs', () => {
      const c = byId('onnx_lstm.json', 'onnx_lstm_input_forget');
      const onnx = fromNative('onnx', 'lstm', native(c.layers[0].weights), optionsFromConfig('onnx', c.layers[0].config));
      assert.equal(onnx.inputForget, true);
      const p = port(onnx, 'coreml');
      assert.equal(p.config['coupledInputAndForgetGate'], true);
      assert.equal(p.back.inputForget, true);
      const got = outputs([p.back], c, 'onnx');
      assert.ok(maxDiff(got, outputs([onnx], c, 'onnx')) <= 1e-12);
      assert.ok(maxDiff(got, c.expected.output.data) <= 2e-6, 'vs onnxruntime (float32)');
    });

    it('refuses a forget bias Core ML cannot add (only 0 or 1), naming it', () => {
      const c = byId('tf1_lstm.json', 'tf1_lstm_cell_loop_peephole_initial');
      const tf1 = fromNative('tf1', 'lstm', native(c.layers[0].weights), optionsFromConfig('tf1', c.layers[0].config));
      assert.equal(tf1.forgetBias, 0.5);
      assert.throws(() => toNative(tf1, 'coreml'), /forgetBias adds exactly 1 to b_f, not 0\.5/);
    });

    it('clips c_t at the default cellClipThreshold 50 when the config leaves it 0, and at the threshold it gives', () => {
      // One unit whose gates saturate open: c grows by ≈ 1 per step, past 50 in 60 steps unless clipped.
      const one = (v: number) => ({ shape: [1, 1], data: [v] });
      const n: NativeTensors = {};
      for (const g of ['inputGate', 'forgetGate', 'blockInput', 'outputGate']) {
        n[`${g}WeightMatrix`] = one(0); n[`${g}RecursionMatrix`] = one(0); n[`${g}BiasVector`] = { shape: [1], data: [g === 'blockInput' ? 30 : 40] };
      }
      const input = { data: new Float64Array(60), batch: 1, steps: 60, features: 1 };
      for (const [cfg, want] of [[{}, 50], [{ cellClipThreshold: 0 }, 50], [{ cellClipThreshold: 7.5 }, 7.5]] as const) {
        const layer = fromNative('coreml', 'lstm', n, optionsFromConfig('coreml', cfg));
        assert.equal(layer.cellClip, want);
        assert.equal(runLayer(layer, input).finalStates[0].c![0], want);
      }
    });
  });

  describe('TFLite UNIDIRECTIONAL_SEQUENCE_LSTM: CIFG, projection, layer norm (fixtures from the TFLite interpreter)', () => {
    const cases = load('tflite_lstm.json');
    const read = (c: Case) => fromNative('tflite', 'lstm', native(c.layers[0].weights), optionsFromConfig('tflite', c.layers[0].config));

    it('reads every interpreter case (the conformance suite runs them ≤ 2e-6) and writes its tensors again bit for bit', () => {
      assert.ok(cases.length >= 9);
      for (const c of cases) {
        const layer = read(c);
        const w = c.layers[0].weights;
        assert.equal(layer.inputFromForget === true, !w['input_to_input_weights'], c.id);
        assert.equal(layer.directions[0].layerNorm !== undefined, w['forget_layer_norm_coefficients'] !== undefined, c.id);
        assert.equal(layer.directions[0].projBias !== undefined, w['projection_bias'] !== undefined, c.id);
        assert.equal(layer.projClip, (c.layers[0].config['proj_clip'] as number) > 0 ? c.layers[0].config['proj_clip'] : undefined, c.id);
        assert.ok(maxDiff(outputs([layer], c, 'keras'), c.expected.output.data) <= 2e-6, c.id);
        sameTensors(native(c.layers[0].weights), toNative(layer, 'tflite'), c.id);
        const back = port(layer, 'tflite').back;
        assert.ok(maxDiff(outputs([back], c, 'keras'), outputs([layer], c, 'keras')) === 0, `${c.id}: config round trip`);
      }
    });

    it('runs a PyTorch proj_size LSTM written as TFLite projection_weights to PyTorch\'s outputs (≤ 1e-12)', () => {
      const c = byId('pytorch_lstm.json', 'pytorch_lstm_proj');
      const [pt] = fromNativeStack('pytorch', 'lstm', native(c.layers[0].weights), optionsFromConfig('pytorch', c.layers[0].config));
      const p = port(pt, 'tflite');
      assert.deepEqual([...p.native['projection_weights'].shape], [2, 4]);
      assert.deepEqual([...p.native['recurrent_to_forget_weights'].shape], [4, 2]);
      assert.equal(p.native['projection_bias'], undefined);
      assert.ok(maxDiff(outputs([p.back], c, 'pytorch'), c.expected.output.data) <= 1e-12);
    });

    it('refuses a CIFG, layer-norm or projection-bias LSTM in every convention that cannot compute it, saying why', () => {
      const cifg = read(byId('tflite_lstm.json', 'tflite_lstm_cifg'));
      const ln = read(byId('tflite_lstm.json', 'tflite_lstm_layer_norm'));
      const pb = read(byId('tflite_lstm.json', 'tflite_lstm_projection_bias'));
      for (const target of ['onnx', 'keras', 'pytorch', 'coreml', 'tf1'] as const) {
        assert.throws(() => toNative(cifg, target), /input gate is 1 − f with no weights of its own \(TFLite CIFG\)/, target);
        assert.throws(() => toNative(ln, target), /layer-norm LSTM/, target);
      }
      assert.throws(() => toNative(pb, 'pytorch'), /projection adds a bias \(TFLite projection_bias\)/);
      assert.throws(() => planConversion([cifg], 'onnx'), /CIFG LSTM \(i = 1 − f, no input-gate weights\).*ONNX input_forget couples the other way/);
      assert.throws(() => planConversion([ln], 'pytorch'), /layer-norm LSTM/);
      assert.throws(() => planConversion([pb], 'pytorch'), /bias after its projection/);
      for (const layer of [cifg, ln, pb]) {
        assert.throws(() => generateNumpy({ layer, convention: 'tflite', name: 'lstm', cell: 'lstm' }), /NumPy code is not generated for/);
        assert.throws(() => runFast32(layer, inputOf(byId('tflite_lstm.json', 'tflite_lstm_basic'))), /float32 fast mode does not support/);
      }
    });

    it('refuses input-gate tensors without input_to_input_weights (neither CIFG nor complete), naming them', () => {
      const w = native(byId('tflite_lstm.json', 'tflite_lstm_basic').layers[0].weights);
      delete w['input_to_input_weights'];
      assert.throws(() => fromNative('tflite', 'lstm', w), /recurrent_to_input_weights is present but input_to_input_weights is not/);
      const ln = native(byId('tflite_lstm.json', 'tflite_lstm_layer_norm').layers[0].weights);
      delete ln['cell_layer_norm_coefficients'];
      assert.throws(() => fromNative('tflite', 'lstm', ln), /cell_layer_norm_coefficients missing while the other layer-norm coefficients are present/);
    });

    it('recognises pasted CIFG + layer-norm + projection tensors by their names and runs them to the interpreter\'s outputs', () => {
      const c = byId('tflite_lstm.json', 'tflite_lstm_layer_norm_cifg_peephole_projection');
      const text = `import numpy as np\n${pasted(native(c.layers[0].weights))}`;
      const r = recognize(extractArrays(text), text);
      assert.equal(r.layers.length, 1, JSON.stringify(r.diagnostics.map((d) => d.message)));
      const l = r.layers[0];
      assert.equal(l.convention, 'tflite');
      assert.equal(l.layer.inputFromForget, true);
      assert.ok(l.layer.directions[0].layerNorm && l.layer.directions[0].projBias);
      // The pasted arrays carry no config: the same layer without cell_clip / proj_clip.
      const want = read({ ...c, layers: [{ ...c.layers[0], config: {} }] });
      assert.ok(maxDiff(outputs([l.layer], c, 'keras'), outputs([want], c, 'keras')) === 0);
    });
  });

  describe('MXNet Gluon projection_size (LSTMP: h2r_weight)', () => {
    it('runs PyTorch proj_size LSTMs written as MXNet h2h_weight (4·H, P) + h2r_weight (P, H) to PyTorch\'s outputs (≤ 1e-12), bit-identical round trip', () => {
      for (const id of ['pytorch_lstm_proj', 'pytorch_lstm_proj_bidirectional_two_layers']) {
        const c = byId('pytorch_lstm.json', id);
        const stack = fromNativeStack('pytorch', 'lstm', native(c.layers[0].weights), optionsFromConfig('pytorch', c.layers[0].config));
        const ported = stack.map((l) => port(l, 'mxnet'));
        for (const p of ported) {
          assert.deepEqual([...p.native['l0_h2r_weight'].shape], [2, 4], id);
          assert.deepEqual([...p.native['l0_h2h_weight'].shape], [16, 2], id);
          assert.equal(p.config['projection_size'], 2);
          assert.equal(p.back.projSize, 2);
          sameTensors(p.native, toNative(p.back, 'mxnet'), id);
        }
        assert.ok(maxDiff(outputs(ported.map((p) => p.back), c, 'pytorch'), c.expected.output.data) <= 1e-12, id);
      }
    });
  });
});
