// Flax (linen and nnx) through the adapter: recognised from the parameter names of the real Flax fixtures, run,
// and compared with Flax's own outputs; converted to and from the other frameworks losslessly; refused where
// Flax cannot express the layer.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromNative, optionsFromConfig, toNative } from '../../../src/core/convert';
import type { NativeTensors } from '../../../src/core/convert';
import { runModel, toFrameworkLayout } from '../../../src/core/forward';
import { GateLensError, type RecurrentLayer } from '../../../src/core/model';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import type { CellKind } from '../../../src/core/conventions';

interface JsonArray { shape: number[]; data: number[] }
interface FlaxCase {
  id: string; layers: { type: CellKind; config: Record<string, unknown>; weights: Record<string, JsonArray> }[];
  input: JsonArray; initialState?: { h?: JsonArray; c?: JsonArray }; expected: { output: JsonArray; h: JsonArray; c?: JsonArray };
}

const cases: FlaxCase[] = ['flax_lstm', 'flax_gru', 'flax_simple_rnn'].flatMap((f) =>
  (JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'conformance', `${f}.json`), 'utf8')) as { cases: FlaxCase[] }).cases);

const native = (w: Record<string, JsonArray>): NativeTensors => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));

/** The case's parameters as a Flax params tree printed to JSON: {"params": {"rnn": {"cell": {"ii": {"kernel": [[...]]}}}}}. */
function paramsJson(c: FlaxCase): string {
  const nested = (a: JsonArray): unknown => {
    const walk = (off: number, axis: number): unknown => {
      if (axis === a.shape.length) return a.data[off];
      const stride = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
      return Array.from({ length: a.shape[axis] }, (_, k) => walk(off + k * stride, axis + 1));
    };
    return walk(0, 0);
  };
  const cell: Record<string, Record<string, unknown>> = {};
  for (const [key, v] of Object.entries(c.layers[0].weights)) {
    const [module, param] = key.split('/');
    (cell[module] ??= {})[param] = nested(v);
  }
  return JSON.stringify({ params: { rnn: { cell } } }, null, 1);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

function runAgainstFlax(layer: RecurrentLayer, c: FlaxCase): number {
  const [N, T, F] = c.input.shape;
  const s = c.initialState;
  const result = runModel({ layers: [layer] }, { data: Float64Array.from(c.input.data), batch: N, steps: T, features: F }, {
    ...(s ? { initialStates: [{ ...(s.h ? { h: Float64Array.from(s.h.data) } : {}), ...(s.c ? { c: Float64Array.from(s.c.data) } : {}) }] } : {}),
  });
  const laid = toFrameworkLayout(result, 'keras', { layers: [layer] });
  let err = maxDiff(laid.output!.data, c.expected.output.data);
  err = Math.max(err, maxDiff(laid.h!.data, c.expected.h.data));
  if (c.expected.c) err = Math.max(err, maxDiff(laid.c!.data, c.expected.c.data));
  return err;
}

describe('Flax adapter (src/core/conventions/flax.ts)', () => {
  it('has the real Flax fixtures: linen and nnx, every cell', () => {
    assert.equal(cases.length, 12);
    for (const id of ['flax_linen_lstm', 'flax_linen_optimized_lstm', 'flax_nnx_lstm', 'flax_nnx_optimized_lstm', 'flax_linen_gru', 'flax_nnx_gru', 'flax_linen_simple', 'flax_nnx_simple']) {
      assert.ok(cases.some((c) => c.id === id), id);
    }
  });

  for (const c of cases) {
    it(`${c.id}: recognised from its parameter names and run equal to Flax (≤ 1e-12)`, () => {
      const text = paramsJson(c);
      const r = recognize(extractArrays(text), text);
      assert.equal(r.layers.length, 1, JSON.stringify(r.unrelated));
      const l = r.layers[0];
      assert.equal(l.convention, 'flax');
      assert.equal(l.cell, c.layers[0].type);
      assert.equal(l.units, c.layers[0].config['features']);
      assert.ok(l.evidence.some((e) => /→ Flax/.test(e.message)), 'name evidence names Flax');
      const cfg = c.layers[0].config;
      // The activations are in the config, not in the names: run with them, as a constructor hint would give.
      const layer = cfg['gate_fn'] || cfg['activation_fn'] ? fromNative('flax', l.cell, native(c.layers[0].weights), optionsFromConfig('flax', cfg)) : l.layer;
      const err = runAgainstFlax(layer, c);
      assert.ok(err <= 1e-12, `max |ours − Flax| = ${err}`);
    });
  }

  it('converts losslessly to PyTorch and ONNX and back, and writes the linen tree', () => {
    for (const c of cases) {
      const layer = fromNative('flax', c.layers[0].type, native(c.layers[0].weights), optionsFromConfig('flax', c.layers[0].config));
      for (const target of ['pytorch', 'onnx', 'keras'] as const) {
        if (target === 'pytorch' && c.layers[0].config['gate_fn'] === 'hard_sigmoid') {
          assert.throws(() => toNative(layer, target), /PyTorch has no activation equal to clip\(x\/6\+0\.5, 0, 1\)/);
          continue;
        }
        const back = fromNative(target, layer.cell, toNative(layer, target), { resetAfter: layer.resetAfter });
        assert.ok(runAgainstFlax({ ...back, activations: layer.activations }, c) <= 1e-12, `${c.id} via ${target}`);
      }
      const linen = toNative(layer, 'flax');
      const again = fromNative('flax', layer.cell, linen);
      assert.ok(runAgainstFlax({ ...again, activations: layer.activations }, c) <= 1e-12, `${c.id} linen round trip`);
      if (c.id === 'flax_linen_lstm') assert.deepEqual(Object.keys(linen).sort(), Object.keys(c.layers[0].weights).sort(), 'the linen tree Flax itself writes');
    }
  });

  it('refuses what Flax cannot express: a reset-before GRU, SimpleCell(residual=True)', () => {
    const keras = fromNative('keras', 'gru', {
      kernel: { shape: [2, 9], data: new Array(18).fill(0.1) }, recurrent_kernel: { shape: [3, 9], data: new Array(27).fill(0.2) }, bias: { shape: [9], data: new Array(9).fill(0.3) },
    });
    assert.equal(keras.resetAfter, false);
    assert.throws(() => toNative(keras, 'flax'), (e: unknown) => e instanceof GateLensError && /applies the reset gate after/.test(e.message));
    assert.throws(() => optionsFromConfig('flax', { features: 3, residual: true }), /residual/);
  });

  it('names a missing gate array instead of guessing zeros', () => {
    const c = cases.find((x) => x.id === 'flax_linen_lstm')!;
    const w = { ...c.layers[0].weights };
    delete w['hf/bias'];
    assert.throws(() => fromNative('flax', 'lstm', native(w)), /needs hf\/bias/);
  });
});
