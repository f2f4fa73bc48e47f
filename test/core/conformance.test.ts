// Conformance: every case in test/fixtures/conformance/*.json (real Keras/TensorFlow, PyTorch and onnxruntime
// outputs, see FORMAT.md) is rebuilt from its native weights through the conversion, run, laid out in the
// framework's own layout, and compared. A config option the core does not understand fails the case.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapter, ADAPTERS, type CellKind, type ConventionId } from '../../src/core/conventions';
import { fromNative, fromNativeStack, optionsFromConfig, toNative } from '../../src/core/convert';
import type { NativeTensor, NativeTensors } from '../../src/core/convert';
import { runModel, toFrameworkLayout } from '../../src/core/forward';
import { getKernels, jsKernels } from '../../src/core/kernels/index';
import type { Kernels } from '../../src/core/kernels/types';
import type { FrameworkId, LaidOutArray } from '../../src/core/forward';
import type { DenseLayer, InitialState, Layer, Model, RecurrentLayer } from '../../src/core/model';

interface JsonArray { shape: number[]; data: number[] }
interface FixtureLayer { type: string; config: Record<string, unknown>; weights: Record<string, JsonArray> }
interface FixtureCase {
  id: string; framework: string; dtype: 'float64' | 'float32'; convention: ConventionId; description?: string;
  layers: FixtureLayer[]; input: JsonArray; mask?: JsonArray; sequenceLengths?: number[];
  initialState?: { h?: JsonArray; c?: JsonArray };
  convertedWeights?: Record<string, JsonArray>;
  expected: { output?: JsonArray; outputs?: JsonArray[]; h?: JsonArray; c?: JsonArray };
}

const FIXTURE_DIR = join(process.cwd(), 'test', 'fixtures', 'conformance');

function loadCases(): { file: string; c: FixtureCase }[] {
  const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json')).sort();
  return files.flatMap((file) => (JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as { cases: FixtureCase[] }).cases.map((c) => ({ file, c })));
}

const f64 = (a: JsonArray): Float64Array => Float64Array.from(a.data);
const native = (w: Record<string, JsonArray>): NativeTensors => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, data: v.data } as NativeTensor]));

const cellOf = (type: string): CellKind => {
  if (type === 'lstm' || type === 'gru' || type === 'simple_rnn') return type;
  throw new Error(`unsupported layer type ${type}`);
};

function denseFromKeras(l: FixtureLayer): DenseLayer {
  for (const k of Object.keys(l.config)) {
    if (!['units', 'activation', 'use_bias', 'time_distributed'].includes(k)) throw new Error(`Dense option ${k} is not supported`);
  }
  const k = l.weights['kernel'];
  const [inputSize, units] = k.shape;
  const W = new Float64Array(units * inputSize);
  for (let i = 0; i < inputSize; i++) for (let u = 0; u < units; u++) W[u * inputSize + i] = k.data[i * units + u];
  return {
    kind: 'dense', inputSize, units, W, ...(l.weights['bias'] ? { b: f64(l.weights['bias']) } : {}),
    activation: { name: String(l.config['activation'] ?? 'linear') },
  };
}

/** The case's layers through the core's own config reader (optionsFromConfig) and conversion (fromNative). */
function buildModel(c: FixtureCase): Model {
  const layers: Layer[] = [];
  for (const l of c.layers) {
    if (l.type === 'dense') { layers.push(denseFromKeras(l)); continue; }
    const cfg = l.config;
    const options = optionsFromConfig(c.convention, cfg);
    if (c.convention === 'pytorch') {
      const stack = fromNativeStack('pytorch', cellOf(l.type), native(l.weights), options);
      assert.equal(stack.length, (cfg['num_layers'] as number | undefined) ?? 1, 'num_layers');
      if (cfg['proj_size']) for (const s of stack) assert.equal(s.projSize, cfg['proj_size']);
      assert.equal(stack[0].useBias !== false, cfg['bias'] !== false, 'bias');
      layers.push(...stack);
      continue;
    }
    const layer = fromNative(c.convention, cellOf(l.type), native(l.weights), options);
    if (cfg['use_bias'] === false) assert.equal(layer.useBias, false, 'use_bias=False must give a layer without bias');
    if (c.convention === 'tf1') {
      assert.equal(layer.directions[0].peephole !== undefined, cfg['use_peephole'] === true || cfg['use_peepholes'] === true, 'use_peephole(s) vs arrays');
      assert.equal(layer.projSize, cfg['num_proj'] ?? undefined, 'num_proj vs projection/kernel');
      assert.equal(layer.projClip, cfg['proj_clip'] ?? undefined, 'proj_clip');
    }
    layers.push(layer);
  }
  return { layers };
}

function initialStates(c: FixtureCase, model: Model): { initialStates?: InitialState[]; layerInitialStates?: (InitialState[] | undefined)[] } {
  const s = c.initialState;
  if (!s) return {};
  const first = model.layers[0] as RecurrentLayer;
  if (c.convention === 'pytorch' || c.convention === 'onnx') {
    // (D·L, N, H): entry layer·D + direction.
    const per: (InitialState[] | undefined)[] = [];
    const N = c.input.shape[0];
    model.layers.forEach((layer, li) => {
      if (layer.kind !== 'recurrent') return;
      const D = layer.directions.length, Hr = layer.projSize ?? layer.units, H = layer.units;
      per[li] = layer.directions.map((_, d) => ({
        ...(s.h ? { h: Float64Array.from(s.h.data.slice((li * D + d) * N * Hr, (li * D + d + 1) * N * Hr)) } : {}),
        ...(s.c ? { c: Float64Array.from(s.c.data.slice((li * D + d) * N * H, (li * D + d + 1) * N * H)) } : {}),
      }));
    });
    return { layerInitialStates: per };
  }
  return { initialStates: first.directions.map(() => ({ ...(s.h ? { h: f64(s.h) } : {}), ...(s.c ? { c: f64(s.c) } : {}) })) };
}

function maxAbsDiff(got: LaidOutArray, want: JsonArray, what: string): number {
  assert.deepEqual([...got.shape], want.shape, `${what} shape`);
  let m = 0;
  for (let k = 0; k < want.data.length; k++) m = Math.max(m, Math.abs(got.data[k] - want.data[k]));
  return m;
}

function layoutFor(c: FixtureCase): FrameworkId {
  return adapter(c.convention).outputLayout;
}

interface Row { file: string; id: string; convention: string; framework: string; dtype: string; kernels: string; error: number; ok: boolean }
const rows: Row[] = [];

function runCase(c: FixtureCase, kernels: Kernels): number {
  const model = buildModel(c);
  const [N, T, F] = c.input.shape;
  const result = runModel(model, { data: f64(c.input), batch: N, steps: T, features: F }, {
    kernels,
    ...(c.mask ? { mask: Uint8Array.from(c.mask.data) } : {}),
    ...(c.sequenceLengths ? { sequenceLengths: Int32Array.from(c.sequenceLengths) } : {}),
    ...initialStates(c, model),
  });
  const laid = toFrameworkLayout(result, layoutFor(c), model);
  let err = 0;
  const exp = c.expected;
  if (exp.output) { assert.ok(laid.output, 'output'); err = Math.max(err, maxAbsDiff(laid.output, exp.output, 'output')); }
  if (exp.outputs) {
    assert.ok(laid.outputs, 'outputs');
    assert.equal(laid.outputs.length, exp.outputs.length);
    exp.outputs.forEach((o, k) => { err = Math.max(err, maxAbsDiff(laid.outputs![k], o, `outputs[${k}]`)); });
  }
  if (exp.h) { assert.ok(laid.h, 'h'); err = Math.max(err, maxAbsDiff(laid.h, exp.h, 'h')); }
  if (exp.c) { assert.ok(laid.c, 'c'); err = Math.max(err, maxAbsDiff(laid.c, exp.c, 'c')); }
  if (c.convertedWeights) {
    // The CuDNN → Keras conversion of tf_keras hdf5_format._convert_rnn_weights, reproduced exactly.
    const converted = toNative(model.layers[0] as RecurrentLayer, 'keras');
    for (const [k, v] of Object.entries(c.convertedWeights)) {
      assert.deepEqual([...converted[k].shape], v.shape, `converted ${k} shape`);
      assert.deepEqual(Array.from(converted[k].data), v.data, `converted ${k} equals the framework's conversion`);
    }
  }
  return err;
}

const tolerance = (c: FixtureCase): number => (c.dtype === 'float64' ? 1e-12 : 2e-6);

describe('conformance with the frameworks (test/fixtures/conformance)', () => {
  const cases = loadCases();

  it('has fixture cases for every convention', () => {
    const conventions = new Set(cases.map((x) => x.c.convention));
    const verified = ADAPTERS.filter((a) => a.verification === 'verified').map((a) => a.id);
    assert.ok(verified.length >= 5, 'the registry lists the verified conventions');
    for (const conv of verified) assert.ok(conventions.has(conv), `no ${conv} case for a convention marked verified`);
  });

  it('Keras LSTM(3) seed example: kernel, unit-forget bias, x = 0.83467698, h0 = c0 = 0', () => {
    const kernel = [-0.40927699, -0.53539848, 0.40065038, -0.07722378, 0.30405849, 0.54959822, -0.23097005, 0.4720422, 0.05197877, -0.52746099, -0.5856396, -0.43691438];
    const layer = fromNative('keras', 'lstm', {
      kernel: { shape: [1, 12], data: kernel },
      recurrent_kernel: { shape: [3, 12], data: new Array(36).fill(0.123) },
      bias: { shape: [12], data: [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0] },
    }, { returnSequences: false });
    const r = runModel({ layers: [layer] }, { data: Float64Array.of(0.83467698), batch: 1, steps: 1, features: 1 });
    const want = [-0.03092078, 0.05519306, 0.01035437];
    // The brief's values are rounded to 8 decimals.
    want.forEach((w, k) => assert.ok(Math.abs(r.output.data[k] - w) < 1e-8, `h[${k}] = ${r.output.data[k]}, want ${w}`));
    const seed = cases.find((x) => x.c.id === 'keras_lstm_seed');
    assert.ok(seed, 'fixture keras_lstm_seed exists');
    const fx = seed.c.expected.output!.data;
    fx.forEach((w, k) => assert.ok(Math.abs(r.output.data[k] - w) <= 1e-12, `fixture h[${k}] = ${w}, ours ${r.output.data[k]}`));
  });

  // Every case runs with the default kernels and, when those are not the plain JavaScript ones, with those too.
  const kernelSets = getKernels() === jsKernels ? [jsKernels] : [getKernels(), jsKernels];
  for (const kernels of kernelSets) {
    for (const { file, c } of cases) {
      it(`${c.id} (${c.framework} ${c.dtype}, ${c.convention}, ${kernels.name})`, () => {
        const row: Row = { file, id: c.id, convention: c.convention, framework: c.framework, dtype: c.dtype, kernels: kernels.name, error: Infinity, ok: false };
        rows.push(row);
        const err = runCase(c, kernels);
        row.error = err;
        assert.ok(err <= tolerance(c), `max |ours − ${c.framework}| = ${err.toExponential(3)} > ${tolerance(c)}`);
        row.ok = true;
      });
    }
  }

  after(() => {
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      const key = `${r.convention}|${r.framework}|${r.dtype}|${r.kernels}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const lines = ['', 'Conformance summary (max |ours − framework| per case)', ''];
    lines.push('| convention | framework | dtype | kernels | cases | passed | max error | median error |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const [key, rs] of [...groups.entries()].sort()) {
      const [conv, fw, dt, kn] = key.split('|');
      const errs = rs.map((r) => r.error).sort((a, b) => a - b);
      const median = errs.length % 2 ? errs[(errs.length - 1) / 2] : (errs[errs.length / 2 - 1] + errs[errs.length / 2]) / 2;
      lines.push(`| ${conv} | ${fw} | ${dt} | ${kn} | ${rs.length} | ${rs.filter((r) => r.ok).length} | ${errs[errs.length - 1].toExponential(2)} | ${median.toExponential(2)} |`);
    }
    const failed = rows.filter((r) => !r.ok);
    if (failed.length) lines.push('', `Failed: ${failed.map((r) => `${r.id} (${r.kernels})`).join(', ')}`);
    console.log(lines.join('\n'));
  });
});
