// ONNX model files whose node says layout=1 (scripts/fixtures/models/generate.py): the reader passes `layout` into the
// layer, so the ONNX-laid-out outputs are the node's own batch-major Y [N, T, D, H], Y_h and Y_c [N, D, H], compared
// with onnx.reference (float64, ≤ 1e-12) or ONNX Runtime's layout=0 twin (float32, ≤ 2e-6); test/cli/cli.test.ts checks the CLI shows it.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runModel, toFrameworkLayout } from '../../../src/core/forward';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { MODEL_DIR, readFixture } from './helpers';

interface JsonArray { shape: number[]; data: number[] }
interface LayoutCase { id: string; file: string; dtype: 'float64' | 'float32'; input: JsonArray; expected: JsonArray; layoutOutputs?: Record<string, JsonArray> }

const all = (JSON.parse(readFileSync(join(MODEL_DIR, 'cases.json'), 'utf8')) as { cases: LayoutCase[] }).cases;
const cases = all.filter((c) => /layout1/.test(c.id));

function maxDiff(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length);
  let max = 0;
  for (let k = 0; k < want.length; k++) max = Math.max(max, Math.abs(got[k] - want[k]));
  return max;
}

describe('ONNX model files with layout=1: the attribute reaches the layer', () => {
  it('four fixtures, three with every output from onnx.reference', () => {
    assert.equal(cases.length, 4);
    assert.equal(cases.filter((c) => c.layoutOutputs).length, 3);
  });

  for (const c of cases) {
    it(`${c.id}: the layer runs with layout=1 and returns the node's batch-major outputs`, async () => {
      const a = await analyseModelFile(await readFixture(c.file));
      assert.equal(a.recognition.layers.length, 1);
      const layer = a.recognition.layers[0];
      assert.equal(layer.layer.onnxLayout, 1);
      assert.ok(layer.evidence.some((e) => e.code === 'file-config' && /layout=1/.test(e.message)));
      const model = a.recognition.models[0].model;
      const [N, T, I] = c.input.shape;
      const result = runModel(model, { data: Float64Array.from(c.input.data), batch: N, steps: T, features: I });
      const laid = toFrameworkLayout(result, 'onnx', model);
      assert.ok(laid.output);
      const D = layer.directions, H = layer.units;
      assert.deepEqual(laid.output.shape, [N, T, D, H]);
      assert.deepEqual(laid.h?.shape, [N, D, H]);
      const tol = c.dtype === 'float64' ? 1e-12 : 2e-6;
      // Y [N, T, D, H] flattens to the (N, T, D·H) `expected`.
      assert.ok(maxDiff(laid.output!.data, c.expected.data) <= tol);
      const outputs = c.layoutOutputs;
      if (!outputs) return;
      assert.deepEqual(outputs['Y'].shape, laid.output!.shape);
      assert.ok(maxDiff(laid.output!.data, outputs['Y'].data) <= tol, 'Y');
      assert.deepEqual(outputs['Y_h'].shape, laid.h?.shape);
      assert.ok(maxDiff(laid.h!.data, outputs['Y_h'].data) <= tol, 'Y_h');
      if (layer.cell === 'lstm') {
        assert.deepEqual(outputs['Y_c'].shape, laid.c?.shape);
        assert.ok(maxDiff(laid.c!.data, outputs['Y_c'].data) <= tol, 'Y_c');
      } else {
        assert.equal(laid.c, undefined);
      }
    });
  }
});
