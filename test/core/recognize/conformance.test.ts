// Recognition end to end on every conformance fixture (real Keras/TensorFlow, PyTorch and onnxruntime outputs):
// the fixture's native arrays are given the names the framework itself writes, the layer options are written as the
// constructor call a user would have next to them, and only then does the recogniser decide the cell, convention,
// units, directions and options. Its runnable stack must reproduce the framework's outputs.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runModel, toFrameworkLayout, type FrameworkId, type LaidOutArray } from '../../../src/core/forward';
import type { InitialState, Layer, Model, RecurrentLayer } from '../../../src/core/model';
import { recognize } from '../../../src/core/recognize';
import { adapter, type ConventionId } from '../../../src/core/conventions';
import { parsed, type ArraySpec } from './helpers';

interface JsonArray { shape: number[]; data: number[] }
interface FixtureLayer { type: string; config: Record<string, unknown>; weights: Record<string, JsonArray> }
interface FixtureCase {
  id: string; framework: string; dtype: 'float64' | 'float32'; convention: string;
  layers: FixtureLayer[]; input: JsonArray; mask?: JsonArray; sequenceLengths?: number[];
  initialState?: { h?: JsonArray; c?: JsonArray };
  expected: { output?: JsonArray; outputs?: JsonArray[]; h?: JsonArray; c?: JsonArray };
}

const DIR = join(process.cwd(), 'test', 'fixtures', 'conformance');
const cases: FixtureCase[] = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .flatMap((f) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { cases: FixtureCase[] }).cases);

const py = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : JSON.stringify(v));
const KERAS_CLASS: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'SimpleRNN' };
const TORCH_CLASS: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' };
const ONNX_OP: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' };

/** The arrays under the framework's own names, and the code a user would have written around them. */
function document(c: FixtureCase): { specs: ArraySpec[]; text: string } {
  const specs: ArraySpec[] = [];
  const code: string[] = [];
  const add = (name: string, a: JsonArray) => specs.push({ name, shape: a.shape, data: a.data });
  const used = new Map<string, number>();
  const kerasName = (base: string) => {
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n ? `${base}_${n}` : base;
  };
  for (const l of c.layers) {
    const cfg = l.config;
    if (l.type === 'dense') {
      const name = kerasName('dense');
      add(`sequential/${name}/kernel`, l.weights['kernel']);
      if (l.weights['bias']) add(`sequential/${name}/bias`, l.weights['bias']);
      code.push(`    layers.Dense(${cfg['units']}, activation=${py(cfg['activation'] ?? 'linear')}),`);
      continue;
    }
    if (c.convention === 'keras' || c.convention === 'keras_cudnn') {
      const cudnn = c.convention === 'keras_cudnn';
      const cls = cudnn ? `CuDNN${KERAS_CLASS[l.type]}` : KERAS_CLASS[l.type];
      const args = [String(cfg['units'])];
      for (const k of ['activation', 'recurrent_activation', 'reset_after', 'go_backwards', 'use_bias']) if (cfg[k] !== undefined && !cudnn) args.push(`${k}=${py(cfg[k])}`);
      const bidi = cfg['bidirectional'] as { merge_mode: string | null } | undefined;
      const snake = cudnn ? `cu_dnn${l.type}` : l.type;
      if (bidi) {
        const wrapper = kerasName('bidirectional');
        for (const [dir, prefix] of [['forward', 'forward'], ['backward', 'backward']]) {
          for (const role of ['kernel', 'recurrent_kernel', 'bias']) {
            const w = l.weights[`${dir}/${role}`];
            if (w) add(`${wrapper}/${prefix}_${snake}/${snake}_cell/${role}:0`, w);
          }
        }
        code.push(`    layers.Bidirectional(layers.${cls}(${args.join(', ')}), merge_mode=${py(bidi.merge_mode)}),`);
      } else {
        const name = kerasName(snake);
        for (const role of ['kernel', 'recurrent_kernel', 'bias']) if (l.weights[role]) add(`${name}/${role}:0`, l.weights[role]);
        code.push(`    layers.${cls}(${args.join(', ')}),`);
      }
      const semantics = cfg['keras_version_semantics'] as { hard_sigmoid?: string } | undefined;
      if (semantics?.hard_sigmoid === 'keras2') code.unshift('from keras.layers import CuDNNLSTM  # Keras 2 (tf.keras 2.x)');
      if (semantics?.hard_sigmoid === 'keras3') code.unshift('import keras  # keras==3.15.1');
    } else if (c.convention === 'pytorch') {
      for (const [k, w] of Object.entries(l.weights)) add(`rnn.${k}`, w);
      const args = [String(cfg['input_size']), String(cfg['hidden_size'])];
      for (const k of ['num_layers', 'bias', 'bidirectional', 'proj_size', 'nonlinearity', 'batch_first']) if (cfg[k] !== undefined) args.push(`${k}=${py(cfg[k])}`);
      code.push(`self.rnn = nn.${TORCH_CLASS[l.type]}(${args.join(', ')})`);
    } else if (c.convention === 'onnx') {
      for (const [k, w] of Object.entries(l.weights)) add(k, w);
      const attrs = [`hidden_size=${cfg['hidden_size']}`];
      for (const k of ['direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'input_forget', 'linear_before_reset', 'layout']) if (cfg[k] !== undefined) attrs.push(`${k}=${py(cfg[k])}`);
      code.push(`node = helper.make_node("${ONNX_OP[l.type]}", ["X", "W", "R", "B"], ["Y", "Y_h"], ${attrs.join(', ')})`);
    } else if (c.convention === 'flax') {
      // The parameter tree as Flax writes it (nn.RNN(cell) → params/cell/<module>/<param>), and the constructor.
      for (const [k, w] of Object.entries(l.weights)) add(`params/rnn/cell/${k}`, w);
      const cls = String(cfg['cell']);
      const fn = (k: string) => (cfg[k] !== undefined ? `, ${k}=nn.${String(cfg[k])}` : '');
      code.push(cfg['api'] === 'nnx'
        ? `cell = nnx.${cls}(${c.input.shape[2]}, ${cfg['features']}${fn('gate_fn')}${fn('activation_fn')}, rngs=nnx.Rngs(0))`
        : `cell = nn.${cls}(features=${cfg['features']}${fn('gate_fn')}${fn('activation_fn')})`);
    } else if (c.convention === 'tf1') {
      // The variable names TF1 gives: rnn/lstm_cell/kernel, rnn/gru_cell/gates/kernel, bidirectional_rnn/fw/gru_cell/….
      const cellScope = l.type === 'gru' ? 'gru_cell' : 'lstm_cell';
      for (const [k, w] of Object.entries(l.weights)) {
        const dir = /^(fw|bw)\/(.+)$/.exec(k);
        add(dir ? `bidirectional_rnn/${dir[1]}/${cellScope}/${dir[2]}` : `rnn/${cellScope}/${k}`, w);
      }
      const args = [String(cfg['units'])];
      if (l.type === 'lstm') args.push(`forget_bias=${cfg['forget_bias'] ?? 1}`);
      if (typeof cfg['cell_clip'] === 'number' && cfg['cell_clip'] > 0) args.push(`cell_clip=${cfg['cell_clip']}`);
      if (cfg['use_peephole'] || cfg['use_peepholes']) args.push('use_peepholes=True');
      if (cfg['num_proj']) args.push(`num_proj=${cfg['num_proj']}`);
      if (cfg['proj_clip'] !== undefined) args.push(`proj_clip=${cfg['proj_clip']}`);
      if (cfg['activation'] !== undefined && cfg['activation'] !== 'tanh') args.push(`activation=tf.nn.${cfg['activation']}`);
      code.push(`cell = tf.compat.v1.nn.rnn_cell.${l.type === 'gru' ? 'GRUCell' : 'LSTMCell'}(${args.join(', ')})`);    } else if (c.convention === 'tflite') {
      // The tensor names of the op's inputs (lstm_shared.h) as a TFLite model lists them, e.g. sequential/lstm/projection_weights.
      for (const [k, w] of Object.entries(l.weights)) add(`sequential/lstm/${k}`, w);
    }
  }
  if (c.convention === 'keras' || c.convention === 'keras_cudnn') {
    code.unshift('model = keras.Sequential([');
    code.push('])');
  }
  return { specs, text: code.join('\n') + '\n' };
}

function withReturnSequences(c: FixtureCase, model: Model): Model {
  // return_sequences only shapes what Keras hands back, not the weights; it is taken from the case, not recognised.
  let k = 0;
  const layers: Layer[] = [];
  for (const l of model.layers) {
    if (l.kind === 'dense') { layers.push(l); continue; }
    const fixture = c.layers.filter((x) => x.type !== 'dense')[k];
    const rs = c.convention === 'keras' || c.convention === 'keras_cudnn' ? fixture?.config['return_sequences'] : undefined;
    // TFLite's cell_clip and proj_clip are options of the op, not arrays: taken from the case too.
    const clip = (k: string) => (c.convention === 'tflite' && typeof fixture?.config[k] === 'number' && (fixture.config[k] as number) > 0 ? fixture.config[k] as number : undefined);
    const cellClip = clip('cell_clip'), projClip = clip('proj_clip');
    layers.push(rs === false || cellClip !== undefined || projClip !== undefined
      ? { ...l, ...(rs === false ? { returnSequences: false } : {}), ...(cellClip !== undefined ? { cellClip } : {}), ...(projClip !== undefined ? { projClip } : {}) } : l);
    if (c.convention !== 'pytorch' || k + 1 < c.layers.length) k++;
  }
  return { layers };
}

function initialStates(c: FixtureCase, model: Model): { initialStates?: InitialState[]; layerInitialStates?: (InitialState[] | undefined)[] } {
  const s = c.initialState;
  if (!s) return {};
  const f64 = (a: number[]) => Float64Array.from(a);
  if (c.convention === 'pytorch' || c.convention === 'onnx') {
    const N = c.input.shape[0];
    const per: (InitialState[] | undefined)[] = [];
    let rec = 0;
    model.layers.forEach((layer, li) => {
      if (layer.kind !== 'recurrent') return;
      const D = layer.directions.length, Hr = layer.projSize ?? layer.units, H = layer.units;
      per[li] = layer.directions.map((_, d) => ({
        ...(s.h ? { h: f64(s.h.data.slice((rec * D + d) * N * Hr, (rec * D + d + 1) * N * Hr)) } : {}),
        ...(s.c ? { c: f64(s.c.data.slice((rec * D + d) * N * H, (rec * D + d + 1) * N * H)) } : {}),
      }));
      rec++;
    });
    return { layerInitialStates: per };
  }
  const first = model.layers[0] as RecurrentLayer;
  return { initialStates: first.directions.map(() => ({ ...(s.h ? { h: f64(s.h.data) } : {}), ...(s.c ? { c: f64(s.c.data) } : {}) })) };
}

function maxAbs(got: LaidOutArray, want: JsonArray, what: string): number {
  assert.deepEqual([...got.shape], want.shape, `${what} shape`);
  let m = 0;
  for (let k = 0; k < want.data.length; k++) m = Math.max(m, Math.abs(got.data[k] - want.data[k]));
  return m;
}

describe('recognition reproduces every conformance case from named arrays and constructor code', () => {
  it('has the fixtures', () => assert.ok(cases.length >= 100, `${cases.length} cases`));

  for (const c of cases) {
    it(`${c.id} (${c.convention}, ${c.dtype})`, () => {
      const { specs, text } = document(c);
      const r = recognize(parsed(specs), text);
      const recurrent = c.layers.filter((l) => l.type !== 'dense');
      assert.equal(r.diagnostics.filter((d) => d.code === 'unrecognized-array').length, 0, JSON.stringify(r.diagnostics));
      assert.equal(r.models.length, 1, `one stack: ${r.models.map((m) => m.layerIds.join('+')).join(' | ')}`);
      for (const l of r.layers) {
        assert.equal(l.convention, c.convention);
        assert.equal(l.cell, recurrent[0].type);
      }
      const model = withReturnSequences(c, r.models[0].model);
      const [N, T, F] = c.input.shape;
      const result = runModel(model, { data: Float64Array.from(c.input.data), batch: N, steps: T, features: F }, {
        ...(c.mask ? { mask: Uint8Array.from(c.mask.data) } : {}),
        ...(c.sequenceLengths ? { sequenceLengths: Int32Array.from(c.sequenceLengths) } : {}),
        ...initialStates(c, model),
      });
      const layout: FrameworkId = adapter(c.convention as ConventionId).outputLayout;
      const laid = toFrameworkLayout(result, layout, model);
      const tol = c.dtype === 'float64' ? 1e-9 : 1e-5;
      const e = c.expected;
      if (e.output) assert.ok(maxAbs(laid.output!, e.output, 'output') <= tol, `output differs by ${maxAbs(laid.output!, e.output, 'output')}`);
      if (e.outputs) e.outputs.forEach((o, k) => assert.ok(maxAbs(laid.outputs![k], o, `outputs[${k}]`) <= tol));
      if (e.h) assert.ok(maxAbs(laid.h!, e.h, 'h') <= tol, `h differs by ${maxAbs(laid.h!, e.h, 'h')}`);
      if (e.c) assert.ok(maxAbs(laid.c!, e.c, 'c') <= tol, `c differs by ${maxAbs(laid.c!, e.c, 'c')}`);
    });
  }
});
