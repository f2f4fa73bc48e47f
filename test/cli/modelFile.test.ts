// gate-lens inspect/run on model files: chosen by magic bytes, the same JSON contract as for text, read errors as exit 2.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, main, type Io } from '../../src/cli/main';
import { preloadModelFile } from '../../src/cli/modelFile';

const DIR = join(process.cwd(), 'test', 'fixtures', 'models');

function memoryIo(files: Record<string, Uint8Array>): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '', stderr: '',
    out(t: string) { io.stdout += t; },
    err(t: string) { io.stderr += t; },
    readFile(p: string) { const f = files[p]; if (!f) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); return f; },
  };
  return io;
}

async function cli(argv: string[], files: Record<string, Uint8Array>) {
  const io = memoryIo(files);
  const model = await preloadModelFile(argv[0], argv[1], undefined, io, false);
  return { code: main(argv, io, model), io };
}

describe('cli: model files', () => {
  it('inspect --json of a .keras file lists the layers with cell, convention, units, gates, and every tensor with its origin', async () => {
    const { code, io } = await cli(['inspect', 'm.bin', '--json'], { 'm.bin': readFileSync(join(DIR, 'keras_sequential.keras')) });
    assert.equal(code, EXIT.ok, io.stderr);
    const j = JSON.parse(io.stdout);
    assert.deepEqual(j.layers.map((l: { name: string; cell: string; convention: string; units: number; directions: number }) => [l.name, l.cell, l.convention, l.units, l.directions]), [['lstm', 'lstm', 'keras', 4, 1], ['bidirectional', 'gru', 'keras', 3, 2]]);
    assert.equal(j.model.format, 'keras');
    assert.equal(j.model.tensors.length, 11);
    assert.deepEqual(j.arrays[0].origin, { kind: 'file', format: 'keras', path: 'layers/lstm/cell/vars/0', entry: 'model.weights.h5' });
    assert.deepEqual(j.models.map((m: { layers: string[] }) => m.layers), [['lstm', 'bidirectional', 'dense']]);
  });

  it('run on an ONNX file takes --input as for text and matches ONNX Runtime', async () => {
    const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')).cases as { id: string; input: { shape: number[]; data: number[] }; expected: { data: number[] } }[];
    const c = cases.find((x) => x.id === 'onnx_lstm_peepholes_bidi')!;
    const [, T, I] = c.input.shape;
    const x = Array.from({ length: T }, (_, t) => c.input.data.slice(t * I, (t + 1) * I));
    const { code, io } = await cli(['run', 'net.onnx', '--input', 'x.json', '--json'], { 'net.onnx': readFileSync(join(DIR, 'onnx_lstm_peepholes_bidi.onnx')), 'x.json': new TextEncoder().encode(JSON.stringify({ x })) });
    assert.equal(code, EXIT.ok, io.stderr);
    const out = (JSON.parse(io.stdout).outputs as number[][]).flat();
    out.forEach((v, k) => assert.ok(Math.abs(v - c.expected.data[k]) <= 2e-6, `output ${k}: ${v} vs ${c.expected.data[k]}`));
  });

  it('run on an ONNX model with external data reads the side file beside it and matches ONNX Runtime; a side path out of the folder is refused', async () => {
    const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')).cases as { id: string; input: { shape: number[]; data: number[] }; expected: { data: number[] } }[];
    const c = cases.find((x) => x.id === 'onnx_lstm_external_data')!;
    const [, T, I] = c.input.shape;
    const x = Array.from({ length: T }, (_, t) => c.input.data.slice(t * I, (t + 1) * I));
    const data = 'onnx_lstm_external_data.onnx.data';
    const model = readFileSync(join(DIR, 'onnx_lstm_external_data.onnx'));
    const files = { 'models/net.onnx': model, [`models/${data}`]: readFileSync(join(DIR, data)), 'x.json': new TextEncoder().encode(JSON.stringify({ x })) };
    const { code, io } = await cli(['run', 'models/net.onnx', '--input', 'x.json', '--json'], files);
    assert.equal(code, EXIT.ok, io.stderr);
    const out = (JSON.parse(io.stdout).outputs as number[][]).flat();
    out.forEach((v, k) => assert.ok(Math.abs(v - c.expected.data[k]) <= 2e-6, `output ${k}: ${v} vs ${c.expected.data[k]}`));

    const escaping = Buffer.from(model.toString('latin1').split(data).join(`../${data.slice(3)}`), 'latin1');
    const refused = await cli(['inspect', 'models/net.onnx'], { ...files, 'models/net.onnx': escaping, [`${data.slice(3)}`]: files[`models/${data}`] });
    assert.notEqual(refused.code, EXIT.ok);
    assert.match(refused.io.stdout + refused.io.stderr, /external data names "\.\.\/x_lstm_external_data\.onnx\.data", a path that climbs out of the folder/);
  });

  it('a damaged model file is exit 2 with what is wrong; a text file still goes the text way', async () => {
    const bytes = readFileSync(join(DIR, 'pytorch_lstm_state_dict.pt'));
    const { code, io } = await cli(['inspect', 'x.pt'], { 'x.pt': bytes.subarray(0, bytes.length - 30) });
    assert.equal(code, EXIT.unreadable);
    assert.match(io.stderr, /cannot read file x\.pt: .*(truncated|damaged|end-of-central-directory)/);
    const text = await cli(['inspect', 'w.py'], { 'w.py': new TextEncoder().encode('W = [[1.0, 2.0]]\n') });
    assert.equal(text.code, EXIT.noLayer);
  });
});

describe('cli: model files keep stdout for results', () => {
  it('jsfive\'s notes on HDF5 attributes it cannot decode go to stderr, so inspect --json stays JSON', async () => {
    const { code, io } = await cli(['inspect', 'odd.h5', '--json'], { 'odd.h5': readFileSync(join(DIR, 'hdf5_odd_attributes.h5')) });
    assert.equal(code, EXIT.noLayer);
    assert.equal(JSON.parse(io.stdout).model.format, 'hdf5');
    assert.match(io.stderr, /note from the HDF5 reader: Attribute odd type not implemented/);
  });
});
