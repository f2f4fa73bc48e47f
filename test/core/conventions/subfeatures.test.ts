// Sub-features of the documented conventions that are modelled rather than refused: Core ML forgetBias, coupled
// input and forget gates and its default cell clip; TFLite CIFG, projection (with bias and proj_clip) and layer-norm
// LSTMs; PaddlePaddle / MindSpore / MXNet projections. Where the framework runs here (TFLite, through the TFLite
// interpreter of the installed tensorflow), its own outputs are the fixture; elsewhere real layers run by their
// framework (the conformance fixtures) are written in the documented layout, read back and run.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromLayer, fromNative, optionsFromConfig, toNative, type NativeTensors } from '../../../src/core/convert';
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
});
