// A convention chosen per layer (the Gate Lens Model editor's picker): recognition reads that layer in it, the gate
// labels follow, the file's own config does not undo the choice, and the forward pass runs the chosen reading.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convention } from '../../../src/core/conventions';
import { runModel } from '../../../src/core/forward';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { isModelWebviewToHost } from '../../../src/protocol/modelMessages';
import { MODEL_DIR, readFixture } from './helpers';

interface ModelCase { id: string; file: string; input: { shape: number[]; data: number[] }; expected: { data: number[] } }
const cases = (JSON.parse(readFileSync(join(MODEL_DIR, 'cases.json'), 'utf8')) as { cases: ModelCase[] }).cases;

async function maxDiff(c: ModelCase, layerConventions: Record<string, 'onnx' | 'pytorch'>) {
  const a = await analyseModelFile(await readFixture(c.file), { layerConventions });
  const [N, T, I] = c.input.shape;
  const out = runModel(a.recognition.models[0].model, { data: Float64Array.from(c.input.data), batch: N, steps: T, features: I }).output.data;
  return { a, diff: out.reduce((m, v, k) => Math.max(m, Math.abs(v - c.expected.data[k])), 0) };
}

describe('per-layer convention choice on model files', () => {
  it('a PyTorch state_dict layer read as ONNX takes ONNX’s gate order and runs that reading; its id stays', async () => {
    const c = cases.find((x) => x.id === 'pytorch_lstm_state_dict')!;
    const auto = await maxDiff(c, {});
    const id = auto.a.recognition.layers[0].id;
    assert.equal(auto.a.recognition.layers[0].convention, 'pytorch');
    assert.ok(auto.diff <= 1e-12);
    const chosen = await maxDiff(c, { [id]: 'onnx' });
    const layer = chosen.a.recognition.layers[0];
    assert.equal(layer.id, id);
    assert.equal(layer.convention, 'onnx');
    assert.deepEqual(layer.gates.map((g) => g.label), convention('onnx', 'lstm').gateOrder.map((g) => g.label));
    assert.ok(chosen.diff > 1e-3, `the ONNX reading of PyTorch weights is another layer (max |Δ| ${chosen.diff})`);
    const other = await maxDiff(c, { 'layer-9-elsewhere': 'onnx' });
    assert.equal(other.a.recognition.layers[0].convention, 'pytorch', 'a choice for another id changes nothing');
  });

  it('a whole PyTorch module: the pickled module’s config does not undo the choice, and a note says what it says', async () => {
    const c = cases.find((x) => x.id === 'pytorch_rnn_relu_legacy')!;
    const auto = await analyseModelFile(await readFixture(c.file));
    const id = auto.recognition.layers[0].id;
    const a = await analyseModelFile(await readFixture(c.file), { layerConventions: { [id]: 'onnx' } });
    assert.equal(a.recognition.layers[0].convention, 'onnx');
    assert.match(a.diagnostics.map((d) => d.message).join('\n'), /read as onnx as you chose; the pickled module says pytorch/);
  });

  it('the webview may ask for a known convention or auto, nothing else', () => {
    assert.ok(isModelWebviewToHost({ type: 'chooseConvention', layerId: 'layer-0-rnn', convention: 'onnx' }));
    assert.ok(isModelWebviewToHost({ type: 'chooseConvention', layerId: 'layer-0-rnn', convention: 'auto' }));
    assert.ok(!isModelWebviewToHost({ type: 'chooseConvention', layerId: 'layer-0-rnn', convention: 'torch' }));
    assert.ok(!isModelWebviewToHost({ type: 'chooseConvention', layerId: 7, convention: 'onnx' }));
  });
});
