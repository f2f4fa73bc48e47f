// The worker's model read (readModel) over a file-access callback, the way the host serves it: only byte ranges
// travel; sibling files (sharded safetensors, ONNX external data) by their paths below the model's folder; reader errors keep their codes; reader notes go to
// the callback, not the console; config values become plain JSON.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainValue, previewOf, readModel, type FileAccess } from '../../src/worker/modelRead';
import type { ModelPreview } from '../../src/worker/modelProtocol';
import { transferables } from '../../src/worker/protocol';
import { MODEL_DIR } from '../core/readers/helpers';

function access(files: Record<string, Uint8Array>, main: string, log: { reads: number; bytes: number }): FileAccess {
  return (request) => {
    const bytes = files[request.file ?? main];
    if (!bytes) return Promise.reject(Object.assign(new Error(`no ${request.file}`), { code: 'not-found' }));
    if (request.op === 'size') return Promise.resolve({ size: bytes.length });
    log.reads++;
    log.bytes += request.length;
    return Promise.resolve({ bytes: bytes.slice(request.offset, request.offset + request.length) });
  };
}

const fixture = (name: string) => new Uint8Array(readFileSync(join(MODEL_DIR, name)));

describe('worker model read', () => {
  it('sends a preview without a single weight value before the result, with the layers, gates and array shapes', async () => {
    const bytes = fixture('safetensors_lstm_bidi.safetensors');
    const order: string[] = [];
    let preview: ModelPreview | undefined;
    const result = await readModel('m.safetensors', bytes.length, true, {}, access({ 'm.safetensors': bytes }, 'm.safetensors', { reads: 0, bytes: 0 }), () => undefined, (p) => { preview = p; order.push('preview'); });
    order.push('result');
    assert.deepEqual(order, ['preview', 'result']);
    assert.ok(preview);
    assert.deepEqual(transferables(preview), [], 'no typed array travels with the preview');
    assert.ok(transferables(result).length > 0, 'the result does carry the values');
    assert.deepEqual(preview, previewOf(result));
    const { layers, parse } = { layers: result.analysis.recognition.layers, parse: result.analysis.parse };
    assert.deepEqual(preview.layers.map((l) => [l.id, l.cell, l.units, l.gates.map((g) => g.label).join('')]), layers.map((l) => [l.id, l.cell, l.units, l.gates.map((g) => g.label).join('')]));
    assert.deepEqual(preview.arrays.map((a) => a.shape), parse.arrays.map((a) => a.shape));
    assert.ok(!('layer' in preview.layers[0]) && !('range' in preview.layers[0]));
  });

  it('reads a safetensors file by byte ranges and returns the summary and the analysis', async () => {
    const bytes = fixture('safetensors_lstm_bidi.safetensors');
    const log = { reads: 0, bytes: 0 };
    const result = await readModel('m.safetensors', bytes.length, true, {}, access({ 'm.safetensors': bytes }, 'm.safetensors', log), () => undefined);
    assert.equal(result.summary.format, 'safetensors');
    assert.equal(result.summary.size, bytes.length);
    assert.ok(result.summary.tensors.length >= 8);
    assert.equal(result.analysis.recognition.layers.length, 1);
    assert.equal(result.analysis.recognition.layers[0].directions, 2);
    assert.ok(log.reads >= 2 && log.bytes <= bytes.length + 64, `${log.reads} reads, ${log.bytes} bytes`);
    // Structured clone (postMessage) must accept it: no functions (Tensor.values) left in.
    assert.doesNotThrow(() => structuredClone(result));
  });

  it('opens shards beside the index by name', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const n of ['safetensors_gru_sharded.safetensors.index.json', 'safetensors_gru_sharded-00001-of-00002.safetensors', 'safetensors_gru_sharded-00002-of-00002.safetensors']) files[n] = fixture(n);
    const main = 'safetensors_gru_sharded.safetensors.index.json';
    const result = await readModel(main, files[main].length, true, {}, access(files, main, { reads: 0, bytes: 0 }), () => undefined);
    assert.equal(result.analysis.recognition.layers[0].cell, 'gru');
    await assert.rejects(readModel(main, files[main].length, false, {}, access(files, main, { reads: 0, bytes: 0 }), () => undefined), /cannot open beside it/);
  });

  it('keeps the reader’s error code and message for a truncated file', async () => {
    const bytes = fixture('safetensors_lstm_bidi.safetensors').subarray(0, 200);
    await assert.rejects(readModel('t.safetensors', bytes.length, true, {}, access({ 't.safetensors': bytes }, 't.safetensors', { reads: 0, bytes: 0 }), () => undefined), (e: Error & { code?: string }) => typeof e.code === 'string' && e.message.length > 10);
  });

  it('routes the HDF5 reader’s console notes to the callback', async () => {
    const bytes = fixture('hdf5_odd_attributes.h5');
    const notes: string[] = [];
    const log = console.log;
    let printed = 0;
    console.log = () => printed++;
    try {
      await readModel('odd.h5', bytes.length, true, {}, access({ 'odd.h5': bytes }, 'odd.h5', { reads: 0, bytes: 0 }), (n) => notes.push(n)).catch(() => undefined);
    } finally {
      console.log = log;
    }
    assert.ok(notes.length >= 1, 'jsfive noted the attributes it cannot decode');
    assert.equal(printed, 0, 'nothing reached the console');
  });

  it('turns config values into plain JSON', () => {
    assert.deepEqual(plainValue({ a: 1n, b: new Float32Array([1, 2]), c: [NaN], d: { e: 'x' } }), { a: 1, b: [1, 2], c: ['NaN'], d: { e: 'x' } });
    assert.equal(plainValue(2n ** 70n), (2n ** 70n).toString());
  });
});
