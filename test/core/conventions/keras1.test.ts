// Keras 1 (documented, not run against Keras 1): per-gate arrays in stored order i, c, f, o; the mapping to the Keras 2
// kernel is tf_keras's legacy loader ("old: i, c, f, o / new: i, f, c, o"), so a real Keras 2/3 layer written as
// Keras 1 arrays and read back must compute the same outputs as Keras itself.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapter } from '../../../src/core/conventions';
import { fromNative, optionsFromConfig, toNative } from '../../../src/core/convert';
import type { NativeTensors } from '../../../src/core/convert';
import { runModel, toFrameworkLayout } from '../../../src/core/forward';
import type { RecurrentLayer } from '../../../src/core/model';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

interface JsonArray { shape: number[]; data: number[] }
interface Case { id: string; layers: { type: string; config: Record<string, unknown>; weights: Record<string, JsonArray> }[]; input: JsonArray; expected: { output?: JsonArray } }
const load = (f: string): Case[] => (JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'conformance', f), 'utf8')) as { cases: Case[] }).cases;
const native = (w: Record<string, JsonArray>): NativeTensors => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));

function run(layer: RecurrentLayer, c: Case): Float64Array {
  const [N, T, F] = c.input.shape;
  const r = runModel({ layers: [layer] }, { data: Float64Array.from(c.input.data), batch: N, steps: T, features: F });
  return toFrameworkLayout(r, 'keras', { layers: [layer] }).output!.data;
}

describe('Keras 1 adapter (src/core/conventions/keras1.ts, documented)', () => {
  it('is marked documented, with its sources', () => {
    assert.equal(adapter('keras1').verification, 'documented');
    assert.ok(adapter('keras1').sources.some((s) => /1\.2\.2\/keras\/layers\/recurrent\.py$/.test(s.url)));
  });

  it('writes a Keras LSTM as W_i … b_o with W_c = kernel[:, 2H:3H] (stored i, c, f, o) and reads it back to Keras\'s own outputs', () => {
    const c = load('keras_lstm.json').find((x) => x.layers.length === 1 && x.layers[0].type === 'lstm' && x.layers[0].config['return_sequences'] !== false && !x.layers[0].config['bidirectional'] && x.layers[0].config['recurrent_activation'] === 'sigmoid')!;
    const layer = fromNative('keras', 'lstm', native(c.layers[0].weights), optionsFromConfig('keras', c.layers[0].config));
    const k1 = toNative(layer, 'keras1');
    assert.deepEqual(Object.keys(k1).sort(), ['W_c', 'W_f', 'W_i', 'W_o', 'U_c', 'U_f', 'U_i', 'U_o', 'b_c', 'b_f', 'b_i', 'b_o'].sort());
    const kernel = c.layers[0].weights['kernel'];
    const [I, G4] = kernel.shape, H = G4 / 4;
    for (let i = 0; i < I; i++) for (let m = 0; m < H; m++) assert.equal(k1['W_c'].data[i * H + m], kernel.data[i * G4 + 2 * H + m]);
    const back = fromNative('keras1', 'lstm', k1, optionsFromConfig('keras1', { output_dim: H, inner_activation: 'sigmoid', activation: 'tanh' }));
    const got = run(back, c), want = c.expected.output!.data;
    for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-12, `output[${k}]`);
  });

  it('recognises lstm_1_W_i … names as a Keras 1 LSTM with hard_sigmoid (0.2x + 0.5) by default, and says it is documented only', () => {
    const H = 2, I = 3;
    const lines: string[] = [];
    for (const g of ['i', 'c', 'f', 'o']) {
      lines.push(`lstm_1_W_${g} = np.array(${JSON.stringify(Array.from({ length: I }, (_, r) => Array.from({ length: H }, (_, q) => ((r * 7 + q * 3 + g.charCodeAt(0)) % 11) / 20 - 0.25)))})`);
      lines.push(`lstm_1_U_${g} = np.array(${JSON.stringify(Array.from({ length: H }, (_, r) => Array.from({ length: H }, (_, q) => ((r * 5 + q + g.charCodeAt(0)) % 7) / 10 - 0.3)))})`);
      lines.push(`lstm_1_b_${g} = np.array(${JSON.stringify(Array.from({ length: H }, (_, q) => (q + 1) / 10))})`);
    }
    const text = lines.join('\n') + '\n';
    const r = recognize(extractArrays(text), text);
    assert.equal(r.layers.length, 1, JSON.stringify(r.unrelated));
    const l = r.layers[0];
    assert.equal(l.convention, 'keras1');
    assert.equal(l.cell, 'lstm');
    assert.equal(l.units, H);
    assert.equal(l.inputSize, I);
    const acts = Array.isArray(l.layer.activations) ? l.layer.activations[0] : l.layer.activations;
    assert.equal(acts.gate.name, 'hard_sigmoid_keras2');
  });

  it('reads a Keras 1 GRU with the reset gate before the matmul and refuses to write a reset-after GRU', () => {
    const c = load('keras_gru.json').find((x) => x.layers.length === 1 && x.layers[0].config['reset_after'] === false && !x.layers[0].config['bidirectional'] && x.layers[0].config['return_sequences'] !== false)!;
    const layer = fromNative('keras', 'gru', native(c.layers[0].weights), optionsFromConfig('keras', c.layers[0].config));
    const k1 = toNative(layer, 'keras1');
    const cfg = c.layers[0].config;
    const back = fromNative('keras1', 'gru', k1, optionsFromConfig('keras1', { output_dim: layer.units, inner_activation: String(cfg['recurrent_activation']), activation: String(cfg['activation']) }));
    assert.equal(back.resetAfter, false);
    const got = run({ ...back, activations: layer.activations }, c), want = c.expected.output!.data;
    for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-12, `output[${k}]`);
    const after = fromNative('keras', 'gru', native(load('keras_gru.json').find((x) => x.layers[0].config['reset_after'] === true)!.layers[0].weights));
    assert.throws(() => toNative(after, 'keras1'), /Keras 1 GRUs apply the reset gate before/);
  });
});
