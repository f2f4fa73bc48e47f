// Hostile and damaged files: every reader answers with a ModelFileError that names what is wrong, within bounded
// work, and nothing in a file is ever run. Also a seeded sample of the mutation fuzzer (npm run fuzz:readers runs
// ≥ 10,000 per reader).
import * as assert from 'node:assert/strict';
import { zipSync, deflateSync } from 'fflate';
import { unpickle } from '../../../src/core/readers/pickle';
import { readModelFile } from '../../../src/core/readers/registry';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { memorySource } from '../../../src/core/tensor/bytes';
import { DEFAULT_LIMITS, ModelFileError } from '../../../src/core/tensor/types';
import { FUZZ_FIXTURES, mutate, mulberry } from './fuzz-lib';
import { fixtureSource } from './helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_DIR } from './helpers';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const OPTS = { maxOps: 1_000_000, maxDepth: 200 };

async function readError(bytes: Uint8Array, name: string): Promise<ModelFileError> {
  try {
    const f = await readModelFile(memorySource(bytes), name);
    await analyseModelFile(f);
    for (const t of f.tensors) await t.values();
  } catch (e) {
    assert.ok(e instanceof ModelFileError, `expected a ModelFileError, got ${(e as Error)?.stack ?? String(e)}`);
    return e;
  }
  return assert.fail(`${name}: no error`);
}

function torchZip(pickle: Uint8Array, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({ 'archive/data.pkl': [pickle, { level: 0 }], 'archive/version': [enc('3\n'), { level: 0 }], ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, [v, { level: 0 }]])) });
}

describe('hostile model files', () => {
  describe('pickles that ask to run code', () => {
    it('GLOBAL os.system + REDUCE is refused by name and nothing runs', () => {
      const refused: string[] = [];
      const r = unpickle(enc('\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.'), 0, { ...OPTS, onRefused: (t) => refused.push(t) });
      assert.deepEqual(refused, ['os.system']);
      assert.equal((r.value as { kind: string; target: string }).target, 'os.system');
    });

    it('INST, OBJ, STACK_GLOBAL builtins.eval and NEWOBJ_EX of a callable never call anything', () => {
      const refused: string[] = [];
      unpickle(enc('(X\x02\x00\x00\x00idisubprocess\ncall\n.'), 0, { ...OPTS, onRefused: (t) => refused.push(t) });
      unpickle(enc('\x80\x04\x8c\x08builtins\x8c\x04eval\x93X\x01\x00\x00\x001\x85R.'), 0, { ...OPTS, onRefused: (t) => refused.push(t) });
      unpickle(enc('(cposix\nsystem\nX\x01\x00\x00\x00xo.'), 0, { ...OPTS, onRefused: (t) => refused.push(t) });
      assert.deepEqual(refused, ['subprocess.call', 'builtins.eval', 'posix.system']);
    });

    it('a PyTorch checkpoint whose pickle asks for os.system reports it in the words of the issue, tensors still read', async () => {
      const f = await readModelFile(fixtureSource('pytorch_asks_to_run_code.pt'), 'x.pt');
      assert.ok(f.diagnostics.some((d) => d.message.startsWith('this file asks to run `posix.system`; Gate Lens never runs code from a file')));
      assert.equal(f.tensors.length, 4);
    });
  });

  describe('recursive and huge pickles', () => {
    it('a list that contains itself (memo cycle) is read without looping', async () => {
      const f = await readModelFile(memorySource(torchZip(enc('\x80\x02]q\x00h\x00a.'))), 'cycle.pt');
      assert.equal(f.tensors.length, 0);
    });

    it('nesting deeper than the limit is an error naming the depth', async () => {
      const n = 5000;
      const e = await readError(torchZip(enc(`\x80\x02${']'.repeat(n)}${'a'.repeat(n - 1)}.`)), 'deep.pt');
      assert.equal(e.code, 'too-deep');
      assert.match(e.message, /deeper than 200 levels/);
    });

    it('a pickle past the operation budget stops with a clear error', () => {
      assert.throws(() => unpickle(enc(`${'N0'.repeat(5000)}N.`), 0, { maxOps: 1000, maxDepth: 200 }), /runs past 1000 operations/);
    });

    it('lengths beyond the file and unknown opcodes are errors, not reads out of bounds', () => {
      assert.throws(() => unpickle(enc('\x80\x02X\xff\xff\xff\x7fab.'), 0, OPTS), /truncated file/);
      assert.throws(() => unpickle(enc('\x80\x02\xfe.'), 0, OPTS), /unknown pickle opcode 0xfe at byte 2/);
      assert.throws(() => unpickle(enc('\x80\x02h\x05.'), 0, OPTS), /memo 5, which it never stored/);
    });
  });

  describe('zip bombs and damaged archives', () => {
    it('a declared size far above the compressed size (ratio limit) is refused before inflating', async () => {
      const big = new Uint8Array(4 << 20);
      const zip = zipSync({ 'big.npy': [big, { level: 9 }] });
      const e = await readErrorOf(zip, 'bomb.npz', { ...DEFAULT_LIMITS, maxCompressionRatio: 100 });
      assert.equal(e.code, 'zip-bomb');
      assert.match(e.message, /declares 4194304 bytes from \d+ compressed/);
    });

    it('a stream that inflates past its declared size stops there', async () => {
      const payload = new Uint8Array(1 << 20);
      const zip = zipSync({ 'a.npy': [payload, { level: 9 }] });
      // Declare 64 bytes in the local and the central header (uncompressed size fields).
      const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
      v.setUint32(22, 64, true);
      for (let p = zip.length - 22; p >= 0; p--) if (v.getUint32(p, true) === 0x02014b50) { v.setUint32(p + 24, 64, true); break; }
      const e = await readErrorOf(zip, 'liar.npz');
      assert.equal(e.code, 'zip-bomb');
      assert.match(e.message, /inflates past its declared 64 bytes/);
    });

    it('a truncated archive says its end record is missing', async () => {
      const bytes = readFileSync(join(MODEL_DIR, 'npz_gru_state_dict.npz'));
      const e = await readError(bytes.subarray(0, bytes.length - 40), 'cut.npz');
      assert.equal(e.code, 'bad-zip');
    });

    it('a PyTorch storage missing from the archive is named', async () => {
      const bytes = new Uint8Array(readFileSync(join(MODEL_DIR, 'pytorch_lstm_state_dict.pt')));
      // Rename data/0 in the central directory so the storage cannot be found.
      const text = new TextDecoder('latin1').decode(bytes);
      const at = text.lastIndexOf('/data/0');
      bytes[at + 6] = 0x39;
      const e = await readError(bytes, 'missing.pt');
      assert.equal(e.code, 'missing-storage');
      assert.match(e.message, /data\/0 is not in the archive/);
    });
  });

  describe('malformed protobuf, safetensors and HDF5', () => {
    it('an ONNX field longer than its message names the field and the byte', async () => {
      const e = await readError(Uint8Array.from([0x08, 0x07, 0x3a, 0xff, 0x01, 0x0a]), 'x.onnx');
      assert.equal(e.code, 'bad-protobuf');
      assert.match(e.message, /field 7 declares 255 bytes at byte 5; only 1 remain/);
    });

    it('safetensors data_offsets outside the data are out-of-range', async () => {
      const header = enc(JSON.stringify({ w: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }));
      const bytes = new Uint8Array(8 + header.length + 8);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
      bytes.set(header, 8);
      const e = await readError(bytes, 'x.safetensors');
      assert.equal(e.code, 'out-of-range');
    });

    it('a truncated HDF5 file is a bad-hdf5 error', async () => {
      const bytes = readFileSync(join(MODEL_DIR, 'keras_legacy_h5.h5'));
      const e = await readError(bytes.subarray(0, 3000), 'cut.h5');
      assert.match(e.code, /bad-hdf5|truncated|out-of-range/);
    });

    it('a deflated zip entry with a garbage stream is bad-zip', async () => {
      const data = deflateSync(new Uint8Array(1000));
      const zip = zipSync({ 'a.npy': [new Uint8Array(1000), { level: 6 }] });
      const at = zip.indexOf(data[0], 30);
      zip.fill(0xff, at, at + 4);
      const e = await readError(zip, 'garbage.npz');
      assert.match(e.code, /bad-zip|zip-bomb/);
    });
  });

  describe('seeded mutation sample (npm run fuzz:readers runs ≥ 10,000 per reader)', () => {
    for (const fixture of FUZZ_FIXTURES) {
      it(`${fixture}: 60 mutations each end in a result or a ModelFileError`, async () => {
        const original = new Uint8Array(readFileSync(join(MODEL_DIR, fixture)));
        const random = mulberry(0x5eed ^ original.length);
        for (let k = 0; k < 60; k++) {
          const bytes = mutate(original, random);
          try {
            const f = await readModelFile(memorySource(bytes), fixture);
            await analyseModelFile(f);
          } catch (e) {
            assert.ok(e instanceof ModelFileError, `mutation ${k} of ${fixture}: ${(e as Error)?.stack ?? String(e)}`);
          }
        }
      });
    }
  });
});

async function readErrorOf(bytes: Uint8Array, name: string, limits = DEFAULT_LIMITS): Promise<ModelFileError> {
  try {
    const f = await readModelFile(memorySource(bytes), name, limits);
    for (const t of f.tensors) await t.values();
  } catch (e) {
    assert.ok(e instanceof ModelFileError, `expected a ModelFileError, got ${(e as Error)?.stack ?? String(e)}`);
    return e;
  }
  return assert.fail('no error');
}
