// Large files: only the tensors a recurrent layer and its head need are read, and a Linear head listed before its
// LSTM (safetensors orders tensors by name) still joins the stack.
import * as assert from 'node:assert/strict';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { readModelFile } from '../../../src/core/readers/registry';
import { memorySource } from '../../../src/core/tensor/bytes';
import type { ByteSource } from '../../../src/core/tensor/types';

function safetensors(tensors: Record<string, number[]>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of Object.entries(tensors)) {
    const n = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const v = new DataView(out.buffer, 8 + json.length);
  for (let k = 0; k < offset / 4; k++) v.setFloat32(4 * k, Math.sin(k) * 0.5, true);
  return out;
}

describe('model files: large files', () => {
  const bytes = safetensors({
    'head.fc.bias': [1], 'head.fc.weight': [1, 3],
    'head.rnn.bias_hh_l0': [12], 'head.rnn.bias_ih_l0': [12], 'head.rnn.weight_hh_l0': [12, 3], 'head.rnn.weight_ih_l0': [12, 2],
    'model.embed.weight': [500, 16], 'model.layers.0.mlp.weight': [64, 16],
  });

  it('reads only the recurrent tensors and the head that fits them, and counts the bytes it read', async () => {
    let read = 0;
    const inner = memorySource(bytes);
    const counting: ByteSource = { size: inner.size, read: (o, n) => { read += n; return inner.read(o, n); } };
    const f = await readModelFile(counting, 'big.safetensors');
    const headerBytes = read;
    const a = await analyseModelFile(f, { smallFileElements: 1000 });
    const readNames = a.tensors.filter((t) => t.arrayIndex !== undefined).map((t) => t.tensor.name).sort();
    assert.deepEqual(readNames, ['head.fc.bias', 'head.fc.weight', 'head.rnn.bias_hh_l0', 'head.rnn.bias_ih_l0', 'head.rnn.weight_hh_l0', 'head.rnn.weight_ih_l0']);
    assert.match(a.tensors.find((t) => t.tensor.name === 'model.embed.weight')!.skipped!, /large file/);
    assert.equal(read - headerBytes, (1 + 3 + 12 + 12 + 36 + 24) * 4, 'only the bytes of the six tensors read');
  });

  it('the Linear head listed before its LSTM joins the stack (same parent module, width 3 → 1)', async () => {
    const a = await analyseModelFile(await readModelFile(memorySource(bytes), 'big.safetensors'), { smallFileElements: 1000 });
    assert.equal(a.recognition.models.length, 1);
    assert.deepEqual(a.recognition.models[0].model.layers.map((l) => l.kind), ['recurrent', 'dense']);
    assert.ok(a.recognition.diagnostics.some((d) => d.code === 'head-attached'));
  });
});
