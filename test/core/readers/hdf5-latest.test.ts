// HDF5 1.10+ files (h5py libver='latest'): the layout-4 chunk indexes jsfive cannot read are read by hdf5Chunks.ts.
// hdf5_latest_index_kinds.h5 (scripts/fixtures/models/generate.py) holds each index kind h5py writes for fixed-size
// data beside a contiguous copy of the same values; the Keras-written files run in model-files.test.ts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../../src/core/readers/registry';
import { fletcher32 } from '../../../src/core/readers/hdf5Chunks';
import { memorySource } from '../../../src/core/tensor/bytes';
import type { ModelFile } from '../../../src/core/tensor/types';
import { MODEL_DIR } from './helpers';

const FILE = 'hdf5_latest_index_kinds.h5';
const KINDS = ['single_chunk_gzip', 'fixed_array', 'fixed_array_paged_gzip', 'fixed_array_float32_3d', 'big_endian', 'implicit'];

const read = (bytes: Uint8Array): Promise<ModelFile> => readModelFile(memorySource(bytes), FILE);
const original = () => new Uint8Array(readFileSync(join(MODEL_DIR, FILE)));

async function values(file: ModelFile, name: string): Promise<Float64Array> {
  const t = file.tensors.find((x) => x.name === name);
  assert.ok(t, `${name} listed: ${file.tensors.map((x) => x.name).join(', ')}`);
  return t.values();
}

describe('HDF5 libver=latest: layout-4 chunk indexes', () => {
  for (const kind of KINDS) {
    it(`${kind}: the chunked dataset reads exactly as its contiguous copy`, async () => {
      const file = await read(original());
      const chunked = await values(file, `chunked/${kind}`);
      const plain = await values(file, `plain/${kind}`);
      assert.equal(chunked.length, plain.length);
      assert.deepEqual(Array.from(chunked), Array.from(plain));
      assert.ok(plain.some((v) => v !== 0));
    });
  }

  it('a resizable dataset (extensible array index), once refused, reads (hdf5-resizable.test.ts checks each index against a contiguous copy)', async () => {
    const file = await read(original());
    const v = await values(file, 'resizable/extensible_array');
    assert.equal(v.length, 12);
    assert.ok(v.every((x) => x >= -1 && x <= 1) && v.some((x) => x !== 0));
  });

  it('a damaged chunk fails its Fletcher-32 checksum, named; a damaged index fails its signature', async () => {
    // The first chunk of fixed_array_float32_3d (chunks (2, 2, 3), shuffle + fletcher32, no compression) is the
    // shuffled float32 bytes of plain values [0:2, 0:2, 0:3]: find it in the file, then damage one byte of it.
    const bytes = original();
    const plain = await values(await read(bytes), 'plain/fixed_array_float32_3d');
    const chunk = new Float32Array(12);
    let n = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) chunk[n++] = plain[i * 35 + j * 7 + k];
    const raw = new Uint8Array(chunk.buffer);
    const shuffled = new Uint8Array(48);
    for (let b = 0; b < 4; b++) for (let e = 0; e < 12; e++) shuffled[b * 12 + e] = raw[e * 4 + b];
    const at = Buffer.from(bytes).indexOf(Buffer.from(shuffled));
    assert.ok(at > 0, 'the chunk is in the file');
    assert.equal(new DataView(bytes.buffer, at + 48, 4).getUint32(0, true), fletcher32(shuffled), 'the stored checksum is HDF5’s Fletcher-32');
    const damaged = new Uint8Array(bytes);
    damaged[at + 5] ^= 0x10;
    await assert.rejects(values(await read(damaged), 'chunked/fixed_array_float32_3d'), /HDF5 dataset chunked\/fixed_array_float32_3d chunk 0: Fletcher-32 checksum [0-9a-f]+ does not match the data/);

    const index = new Uint8Array(bytes);
    const fahd = Buffer.from(index).indexOf('FAHD');
    index[fahd] = 0x58;
    const file = await read(index);
    const failures = (await Promise.allSettled(KINDS.map((k) => values(file, `chunked/${k}`)))).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(failures.length, 1);
    assert.match(String(failures[0].reason.message), /the fixed array header at byte \d+ should start with "FAHD", it starts with "XAHD"/);
  });
});
