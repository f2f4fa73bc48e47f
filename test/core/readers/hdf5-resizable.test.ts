// Resizable (maxshape) and lzf-compressed HDF5 datasets (scripts/fixtures/models/generate.py, group hdf5_resizable):
// every chunk index h5py writes — version-1 B-tree (default format), and in the 1.10+ format fixed array over a larger
// maximum extent, extensible array (into a super block, unlimited second axis, grown by resize), version-2 B-tree —
// each read exactly as its contiguous copy; szip, which h5py writes but Gate Lens does not decode, is refused by name
// with how to re-save. The Keras files written this way run in model-files.test.ts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../../src/core/readers/registry';
import { readChunked, unlzf } from '../../../src/core/readers/hdf5Chunks';
import { memorySource } from '../../../src/core/tensor/bytes';
import type { ModelFile } from '../../../src/core/tensor/types';
import { MODEL_DIR } from './helpers';

const LATEST = 'hdf5_resizable_index_kinds.h5';
const DEFAULT_FORMAT = 'hdf5_chunked_default_format.h5';
const KINDS: Record<string, string[]> = {
  [LATEST]: ['extensible_array', 'extensible_array_super_block', 'extensible_array_second_axis', 'extensible_array_lzf', 'extensible_array_gzip_fletcher32',
    'extensible_array_grown', 'fixed_array_larger_maxshape', 'btree2', 'btree2_gzip', 'btree2_two_levels', 'btree2_3d_lzf', 'fixed_array_lzf', 'single_chunk_lzf', 'szip_skipped_by_mask'],
  [DEFAULT_FORMAT]: ['btree1_resizable', 'btree1_lzf', 'btree1_gzip', 'btree1_two_levels', 'btree1_fletcher32_3d'],
};

const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(join(MODEL_DIR, name)));
const read = (bytes: Uint8Array, name: string): Promise<ModelFile> => readModelFile(memorySource(bytes), name);

async function values(file: ModelFile, name: string): Promise<Float64Array> {
  const t = file.tensors.find((x) => x.name === name);
  assert.ok(t, `${name} listed: ${file.tensors.map((x) => x.name).join(', ')}`);
  return t.values();
}

describe('HDF5 resizable and lzf datasets: every chunk index h5py writes', () => {
  for (const [fileName, kinds] of Object.entries(KINDS)) {
    for (const kind of kinds) {
      it(`${fileName} ${kind}: the chunked dataset reads exactly as its contiguous copy`, async () => {
        const file = await read(bytesOf(fileName), fileName);
        const chunked = await values(file, `chunked/${kind}`);
        const plain = await values(file, `plain/${kind}`);
        assert.equal(chunked.length, plain.length);
        assert.deepEqual(Array.from(chunked), Array.from(plain));
        assert.ok(plain.some((v) => v !== 0));
      });
    }
  }

  it('szip (HDF5 filter 4, written by h5py here) is refused by name, with how to re-save the file', async () => {
    const file = await read(bytesOf(LATEST), LATEST);
    await assert.rejects(values(file, 'refused/szip'), (e: Error & { code?: string }) => e.code === 'hdf5-unsupported'
      && /refused\/szip chunk 0 is stored with the szip filter \(HDF5 filter 4\), which Gate Lens does not decode/.test(e.message)
      && e.message.includes('h5repack -f NONE') && e.message.includes("compression='gzip'"));
  });

  it('lzf streams: literal runs and overlapping back references decode; every overrun is a named error', () => {
    // "abcabcabcX": 3 literals, a back reference of length 6 at distance 3 (overlapping its own output), 1 literal.
    const stream = Uint8Array.from([2, 0x61, 0x62, 0x63, (4 << 5) | 0, 2, 0, 0x58]);
    assert.equal(new TextDecoder().decode(unlzf(stream, 10, 'x')), 'abcabcabcX');
    assert.throws(() => unlzf(stream, 9, 'x'), /more than the chunk's 9 bytes/);
    assert.throws(() => unlzf(stream, 11, 'x'), /decompresses to 10 bytes; the chunk needs 11/);
    assert.throws(() => unlzf(Uint8Array.from([0x20, 5]), 8, 'x'), /points 6 bytes back, before the start/);
    assert.throws(() => unlzf(Uint8Array.from([5, 1, 2]), 8, 'x'), /literal run of 6 bytes at byte 0 passes the end/);
    assert.throws(() => unlzf(Uint8Array.from([0, 1, 0xe0]), 8, 'x'), /back reference at byte 2 is cut off/);
  });

  it('found by the fuzzer: a shuffle parameter other than the element size is refused at once (it drove a 1.7 G-step loop)', async () => {
    const name = 'keras_gru_legacy_h5_resizable_lzf.h5';
    const damaged = bytesOf(name);
    // Filter pipeline message v1: id, name length, flags, value count, "shuffle\0", then the value (the element size, 8).
    const at = Buffer.from(damaged).indexOf('shuffle\0');
    assert.ok(at > 0);
    assert.equal(new DataView(damaged.buffer, at + 8, 4).getUint32(0, true), 8);
    new DataView(damaged.buffer).setUint32(at + 8, 0x66757a7a, true);
    const file = await read(damaged, name);
    const failures = (await Promise.allSettled(file.tensors.map((t) => t.values()))).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.ok(failures.length >= 1);
    assert.match(String(failures[0].reason.message), /the shuffle filter is set for 1718975098-byte elements, the data has 8-byte ones/);
  });

  it('found by the fuzzer: a dataspace larger than the file could hold compressed is refused before any allocation', () => {
    // A layout-4 message for (1, 8)-chunks of float64 over a dataspace of 2^32 × 8 values in a 64-byte file.
    const file = new Uint8Array(64);
    file.set([4, 2, 0, 3, 4, 1, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0]);
    assert.throws(() => readChunked({ file, layoutOffset: 0, shape: [2 ** 32, 8], dtype: 'float64', littleEndian: true, filters: [], path: 'w' }),
      /HDF5 dataset w: a \(4294967296, 8\) dataset needs 274877906944 bytes, more than the 64-byte file can hold even compressed/);
  });

  it('a damaged extensible array, v2 B-tree or v1 B-tree fails its signature, named', async () => {
    for (const [fileName, signature, kind] of [[LATEST, 'EAIB', 'extensible_array'], [LATEST, 'BTHD', 'btree2'], [DEFAULT_FORMAT, 'TREE', 'btree1_resizable']]) {
      const original = bytesOf(fileName);
      const damaged = new Uint8Array(original);
      let at = -1;
      // Damage every copy of the signature: each dataset of that index kind fails, none reads wrong values.
      while ((at = Buffer.from(damaged).indexOf(signature, at + 1)) >= 0) damaged[at] = 0x58;
      const file = await read(damaged, fileName);
      await assert.rejects(values(file, `chunked/${kind}`), (e: Error & { code?: string }) => e.code === 'bad-hdf5' && e.message.includes(`should start with "${signature}"`));
    }
  });
});
