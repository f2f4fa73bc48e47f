// Model files written by the real frameworks (scripts/fixtures/models/generate.py): each is opened through the
// reader registry → recognition (with the file's own layer config applied) → forward pass, and the output is
// compared with the framework's own output for the same input: ≤ 1e-12 for float64 runs, ≤ 2e-6 for float32 ones.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runModel } from '../../../src/core/forward';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { MODEL_DIR, readFixture } from './helpers';

interface JsonArray { shape: number[]; data: number[] }
interface ModelCase { id: string; file: string; format: string; framework: string; dtype: 'float64' | 'float32'; description: string; input: JsonArray; expected: JsonArray; expectRefused?: string[] }

const cases = (JSON.parse(readFileSync(join(MODEL_DIR, 'cases.json'), 'utf8')) as { cases: ModelCase[] }).cases;
export const MAX_DIFF: Record<string, number> = {};

describe('model files from the real frameworks: reader → recognition → forward', () => {
  for (const c of cases) {
    it(`${c.id}: ${c.description}`, async () => {
      const file = await readFixture(c.file);
      assert.equal(file.format, c.format);
      const refused = file.diagnostics.filter((d) => d.code === 'refused-call').map((d) => d.message);
      if (c.expectRefused) for (const target of c.expectRefused) assert.ok(refused.some((m) => m.includes(`\`${target}\``)), `expected a refusal naming ${target}: ${refused.join('; ')}`);
      else assert.deepEqual(refused, []);
      const a = await analyseModelFile(file);
      assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.equal(a.recognition.models.length, 1, `one runnable stack expected; layers: ${a.recognition.layers.map((l) => `${l.name} ${l.cell}/${l.convention}`).join(', ')}; diagnostics: ${JSON.stringify(a.recognition.diagnostics.map((d) => d.message))}`);
      const [N, T, I] = c.input.shape;
      const result = runModel(a.recognition.models[0].model, { data: Float64Array.from(c.input.data), batch: N, steps: T, features: I });
      const got = result.output.data;
      assert.equal(got.length, c.expected.data.length, `output size ${got.length} vs expected shape (${c.expected.shape.join(', ')})`);
      let max = 0;
      for (let k = 0; k < got.length; k++) max = Math.max(max, Math.abs(got[k] - c.expected.data[k]));
      MAX_DIFF[c.id] = max;
      const tol = c.dtype === 'float64' ? 1e-12 : 2e-6;
      assert.ok(max <= tol, `max |Δ| = ${max} > ${tol}`);
    });
  }
  after(() => {
    if (process.env.GATE_LENS_PRINT_DIFFS) for (const [id, d] of Object.entries(MAX_DIFF)) console.log(`    ${id}: max |Δ| ${d.toExponential(2)}`);
  });
});
