// The Gate Lens Model webview's state: messages in order, the layer table (every tensor, grouped by the file's layer
// configs, else by module path), gate bands along a packed axis and the value under the pointer.
import * as assert from 'node:assert/strict';
import type { MatrixView, ModelView, RecurrentView } from '../../../src/protocol/modelMessages';
import { formatBytes, gateAt, gateBands, INITIAL_STATE, layerRows, moveCell, parentName, reduce } from '../../../src/webview/model/store';
import { MODEL_PROTOCOL_VERSION } from '../../../src/protocol/modelMessages';
import { matrixGeometry } from '../../../src/webview/model/grid';
import type { GateSlot } from '../../../src/core/recognize/types';

const GATES: GateSlot[] = [
  { gate: 'i', label: 'i', name: 'input gate', start: 0, end: 2 },
  { gate: 'f', label: 'f', name: 'forget gate', start: 2, end: 4 },
  { gate: 'c', label: 'g', name: 'cell candidate', start: 4, end: 6 },
  { gate: 'o', label: 'o', name: 'output gate', start: 6, end: 8 },
];

function tensor(name: string, shape: number[], extra: object = {}) {
  return { name, shape, dtype: 'float32', origin: { kind: 'file' as const, format: 'safetensors' as const, path: name }, ...extra };
}

function layer(names: string[]): RecurrentView {
  return { id: 'L', name: 'rnn.l0', cell: 'lstm', convention: 'pytorch', units: 2, inputSize: 3, directions: 1, complete: true, gates: GATES, evidence: [], warnings: [], missing: [], tensorNames: names, matrices: [], conventionChoices: [{ id: 'pytorch', title: 'PyTorch' }, { id: 'onnx', title: 'ONNX' }] };
}

function model(extra: Partial<ModelView> = {}): ModelView {
  return {
    fileName: 'm.safetensors', format: 'safetensors', size: 1000, ranged: true, bytesRead: 400,
    tensors: [tensor('embed.weight', [10, 3], { skipped: 'a large file' }), tensor('rnn.weight_ih_l0', [8, 3], { arrayIndex: 0 }), tensor('rnn.weight_hh_l0', [8, 2], { arrayIndex: 1 }), tensor('head.weight', [1, 2], { arrayIndex: 2 })],
    layerConfigs: [], diagnostics: [], recurrent: [layer(['rnn.weight_ih_l0', 'rnn.weight_hh_l0'])], dense: [{ name: 'head', inputSize: 2, units: 1, tensorNames: ['head.weight'] }],
    ...extra,
  };
}

describe('model webview store', () => {
  it('moves from waiting to loading to ready or error, keeping the strings', () => {
    let s = reduce(INITIAL_STATE, { type: 'init', protocol: MODEL_PROTOCOL_VERSION, locale: 'zh-cn', strings: { 'model.layers': '层' } });
    assert.equal(s.status, 'waiting');
    s = reduce(s, { type: 'loading', fileName: 'm.safetensors', size: 1000 });
    assert.equal(s.status, 'loading');
    const ready = reduce(s, { type: 'model', model: model() });
    assert.equal(ready.status, 'ready');
    assert.equal(ready.strings['model.layers'], '层');
    const failed = reduce(ready, { type: 'error', fileName: 'm.safetensors', code: 'truncated', message: 'ended at byte 12' });
    assert.equal(failed.status, 'error');
    assert.equal(failed.model, undefined, 'an error replaces the old model');
    assert.equal(reduce(INITIAL_STATE, { type: 'init', protocol: MODEL_PROTOCOL_VERSION + 1, locale: 'en', strings: {} }).status, 'protocol');
  });

  it('lists every tensor, grouped by module path, with the layer it belongs to or why it was not read', () => {
    const rows = layerRows(model());
    assert.deepEqual(rows.map((r) => r.layer), ['embed', 'rnn', 'head']);
    assert.equal(rows.flatMap((r) => r.tensors).length, 4);
    assert.deepEqual(rows[0].tensors[0].note, { kind: 'skipped', text: 'a large file' });
    assert.deepEqual(rows[1].tensors.map((t) => t.note?.kind), ['recurrent', 'recurrent']);
    assert.deepEqual(rows[2].tensors[0].note, { kind: 'dense', text: 'head' });
  });

  it('groups by the file’s own layer configs first, with their classes; a file with no RNN still has its table', () => {
    const rows = layerRows(model({ recurrent: [], dense: [], layerConfigs: [{ name: 'encoder', layerClass: 'Embedding', framework: 'keras', config: {}, tensorNames: ['embed.weight'] }] }));
    assert.deepEqual(rows.map((r) => [r.layer, r.layerClass]), [['encoder', 'Embedding'], ['rnn', undefined], ['head', undefined]]);
    assert.equal(rows.flatMap((r) => r.tensors).length, 4);
    assert.equal(parentName('a/b/kernel'), 'a/b');
    assert.equal(parentName('W'), '');
  });

  it('draws PyTorch rows-packed, Keras columns-packed and ONNX per-direction slices with their bands', () => {
    const rowsPacked: MatrixView = { role: 'weight_ih', direction: 0, name: 'w', shape: [8, 3], packedAxis: 0 };
    const m = matrixGeometry(rowsPacked.shape, rowsPacked.direction, rowsPacked.packedAxis);
    assert.ok(m);
    assert.deepEqual([m.rows, m.cols, m.packedAxis, m.offset], [8, 3, 0, 0]);
    const bands = gateBands(GATES, 8);
    assert.deepEqual(gateAt(bands, m.packedAxis, 5, 1), bands[2]);
    assert.equal(gateAt(bands, undefined, 5, 1), undefined);
    const onnx = matrixGeometry([2, 8, 3], 1, 1);
    assert.ok(onnx);
    assert.deepEqual([onnx.rows, onnx.cols, onnx.packedAxis, onnx.offset], [8, 3, 0, 24], 'the backward slice');
    const bias = matrixGeometry([8], 0, 0);
    assert.deepEqual(bias && [bias.rows, bias.cols, bias.packedAxis], [1, 8, 1]);
    assert.equal(matrixGeometry([2, 2, 2, 2], 0, 0), undefined);
  });

  it('repeats the bands over an axis that packs several gate sets (ONNX B: Wb then Rb), and none for a misfit', () => {
    assert.equal(gateBands(GATES, 16).length, 8);
    assert.deepEqual(gateBands(GATES, 16)[4], { label: 'i', name: 'input gate', start: 8, end: 10 });
    assert.deepEqual(gateBands(GATES, 7), []);
  });

  it('moves the keyboard cursor inside the matrix', () => {
    assert.deepEqual(moveCell('ArrowDown', 7, 0, 8, 3), { row: 7, col: 0 });
    assert.deepEqual(moveCell('ArrowRight', 0, 1, 8, 3), { row: 0, col: 2 });
    assert.deepEqual(moveCell('End', 2, 0, 8, 3), { row: 2, col: 2 });
    assert.equal(moveCell('x', 0, 0, 8, 3), undefined);
    assert.equal(formatBytes(1536), '1.5 KB');
  });
});
