// The step view's arithmetic against real traces: framework fixtures (test/fixtures/conformance, computed by Keras
// itself) run through the core's conversion and forward pass, packed as the host packs them, then read back by the
// webview's model. The decompositions the page prints must reproduce the traced numbers, and the final state must
// be the one Keras returned.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellKind } from '../../src/core/conventions';
import { fromNative, optionsFromConfig, type NativeTensors } from '../../src/core/convert';
import { runLayer } from '../../src/core/forward';
import type { RecurrentLayer } from '../../src/core/model';
import type { TracePayload } from '../../src/protocol/messages';
import { stepAsNumpy } from '../../src/webview/copytext';
import {
  decodeTrace, gruHiddenAt, lstmCellAt, maxOtherAt, zSplitAt, type CellDecomposition, type GruDecomposition, type TraceData, type ZSplit,
} from '../../src/webview/trace';

interface JsonArray { shape: number[]; data: number[] }
interface FixtureCase {
  id: string; convention: 'keras'; layers: { type: CellKind; config: Record<string, unknown>; weights: Record<string, JsonArray> }[];
  input: JsonArray; expected: { h?: JsonArray; c?: JsonArray; output?: JsonArray };
}

function fixture(file: string, id: string): FixtureCase {
  const all = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'conformance', file), 'utf8')) as { cases: FixtureCase[] };
  const c = all.cases.find((x) => x.id === id);
  if (!c) throw new Error(`fixture ${id} missing from ${file}`);
  return c;
}

/** Batch item 0 of the case, run with a trace and packed like src/extension/runner.ts tracePayloads. */
function traced(c: FixtureCase): { tr: TraceData; layer: RecurrentLayer } {
  const l = c.layers[0];
  const tensors: NativeTensors = Object.fromEntries(Object.entries(l.weights).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));
  const layer = fromNative('keras', l.type, tensors, optionsFromConfig('keras', l.config));
  const [, T, D] = c.input.shape;
  const x = Float64Array.from(c.input.data.slice(0, T * D));
  const result = runLayer(layer, { data: x, batch: 1, steps: T, features: D }, { trace: true });
  const t = result.trace![0];
  const buf = (a: Float64Array | Int32Array) => a.slice().buffer as ArrayBuffer;
  const payload: TracePayload = {
    runId: 1, layerId: c.id, layerName: c.id, cell: layer.cell, convention: 'keras', units: layer.units, inputSize: D, steps: t.steps,
    direction: 0, resetAfter: layer.resetAfter, x: buf(x), zx: buf(t.zx), zh: buf(t.zh), z: buf(t.z), a: buf(t.a),
    ...(t.c ? { c: buf(t.c), c0: new Float64Array(layer.units).buffer } : {}), h: buf(t.h), timeIndex: buf(t.timeIndex),
    bW: buf(layer.directions[0].bW), bR: buf(layer.directions[0].bR), h0: new Float64Array(layer.units).buffer,
  };
  return { tr: decodeTrace(payload), layer };
}

const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * (1 + Math.abs(b));

function hLine(text: string): number[] {
  const m = /^h = np\.array\(\[([^\]]*)\]\)/m.exec(text);
  assert.ok(m, text);
  return m[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

describe('webview model on core traces of Keras fixtures', () => {
  it('LSTM (keras_lstm_batch4_t7): f⊙c₋₁ + i⊙g reproduces every traced c, and the copy ends on Keras\'s h', () => {
    const c = fixture('keras_lstm.json', 'keras_lstm_batch4_t7');
    const { tr } = traced(c);
    const d: CellDecomposition = { unit: 0, f: 0, cPrev: 0, i: 0, g: 0, forgetTerm: 0, inputTerm: 0, sum: 0, c: 0, derived: false };
    const s: ZSplit = { xw: 0, hu: 0, b: 0, other: 0, z: 0 };
    for (let t = 0; t < tr.steps; t++) {
      for (let u = 0; u < tr.units; u++) {
        lstmCellAt(tr, t, u, d);
        assert.ok(close(d.sum, d.c), `step ${t} unit ${u}: ${d.sum} vs ${d.c}`);
        assert.equal(d.derived, false);
      }
      // Plain Keras LSTM: nothing beyond x·W + h·U + b reaches the gates.
      assert.ok(maxOtherAt(tr, t) < 1e-12);
      for (let j = 0; j < 4 * tr.units; j++) {
        zSplitAt(tr, t, j, s);
        assert.ok(close(s.xw + s.hu + s.b + s.other, s.z));
      }
    }
    const H = tr.units;
    const wantH = c.expected.h!.data.slice(0, H);
    const wantC = c.expected.c!.data.slice(0, H);
    const last = tr.steps - 1;
    for (let u = 0; u < H; u++) {
      assert.ok(close(tr.c![last * H + u], wantC[u], 1e-9), `c[${u}]`);
    }
    const copied = hLine(stepAsNumpy(tr, last, 'forward'));
    assert.equal(copied.length, H);
    for (let u = 0; u < H; u++) assert.ok(close(copied[u], wantH[u], 1e-9), `h[${u}] ${copied[u]} vs ${wantH[u]}`);
  });

  for (const [id, resetAfter] of [['keras_gru_reset_after_seq', true], ['keras_gru_reset_before_seq', false]] as const) {
    it(`GRU (${id}): z⊙h₋₁ + (1 − z)⊙n reproduces every traced h; "other" only in n and only for reset_after`, () => {
      const c = fixture('keras_gru.json', id);
      const { tr } = traced(c);
      assert.equal(tr.resetAfter, resetAfter);
      const d: GruDecomposition = { unit: 0, z: 0, hPrev: 0, n: 0, keepTerm: 0, newTerm: 0, sum: 0, h: 0 };
      const H = tr.units;
      let nOther = 0;
      for (let t = 0; t < tr.steps; t++) {
        for (let u = 0; u < H; u++) {
          gruHiddenAt(tr, t, u, d);
          assert.ok(close(d.sum, d.h), `step ${t} unit ${u}: ${d.sum} vs ${d.h}`);
        }
        assert.ok(maxOtherAt(tr, t, 0, 2 * H) < 1e-12, 'z and r receive exactly x·W + h·U + b');
        nOther = Math.max(nOther, maxOtherAt(tr, t, 2 * H, 3 * H));
      }
      if (resetAfter) assert.ok(nOther > 1e-6, 'reset_after: n receives r ⊙ (h·U_n + b), not h·U_n + b');
      else assert.ok(nOther < 1e-12, 'reset_before: the traced h·U of n is already (r⊙h)·U_n');
      // return_sequences: Keras output (N, T, H), batch item 0 of the last step.
      const T = tr.steps;
      const want = c.expected.output!.data.slice((T - 1) * H, T * H);
      const copied = hLine(stepAsNumpy(tr, T - 1, 'forward'));
      for (let u = 0; u < H; u++) assert.ok(close(copied[u], want[u], 1e-9), `h[${u}] ${copied[u]} vs ${want[u]}`);
    });
  }
});
