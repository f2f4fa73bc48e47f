// ONNX external data (onnx.save_model(..., save_as_external_data=True)), from a file ONNX itself wrote: the bytes are
// read from the named side file by range; a location that leaves the model's folder, a missing side file and a range
// past its end each stop the layer with a message naming the tensor and the file.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { readModelFile, type ReadContext } from '../../../src/core/readers/registry';
import { sidePathSegments } from '../../../src/core/readers/sidePath';
import { memorySource } from '../../../src/core/tensor/bytes';
import type { ByteSource } from '../../../src/core/tensor/types';
import { MODEL_DIR } from './helpers';

const MODEL = 'onnx_lstm_external_data.onnx';
const DATA = 'onnx_lstm_external_data.onnx.data';
const modelBytes = () => new Uint8Array(readFileSync(join(MODEL_DIR, MODEL)));
const dataBytes = () => new Uint8Array(readFileSync(join(MODEL_DIR, DATA)));

/** The model with its `location` string replaced by another of the same length (the protobuf lengths stay valid). */
function withLocation(location: string): Uint8Array {
  assert.equal(location.length, DATA.length);
  const bytes = modelBytes();
  const from = new TextEncoder().encode(DATA);
  const to = new TextEncoder().encode(location);
  let replaced = 0;
  for (let p = 0; p + from.length <= bytes.length; p++) {
    if (from.every((b, k) => bytes[p + k] === b)) { bytes.set(to, p); replaced++; }
  }
  assert.equal(replaced, 3, 'W, R and B each name the data file');
  return bytes;
}

interface Opened { names: string[]; bytes: number }

function siblings(files: Record<string, Uint8Array>, opened: Opened): ReadContext {
  return {
    openSibling: (name) => {
      opened.names.push(name);
      const file = files[name];
      if (!file) return Promise.reject(new Error(`ENOENT: no such file or directory, open '${name}'`));
      const source = memorySource(file);
      const counted: ByteSource = { size: source.size, read: (o, l) => { opened.bytes += l; return source.read(o, l); } };
      return Promise.resolve(counted);
    },
  };
}

async function analyse(model: Uint8Array, context: ReadContext) {
  return analyseModelFile(await readModelFile(memorySource(model), MODEL, undefined, context));
}

const errors = (a: Awaited<ReturnType<typeof analyse>>) => a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('ONNX external data', () => {
  it('reads W, R and B from the side file by their ranges only, and lists where each lives', async () => {
    const opened: Opened = { names: [], bytes: 0 };
    const a = await analyse(modelBytes(), siblings({ [DATA]: dataBytes() }, opened));
    assert.deepEqual(errors(a), []);
    assert.deepEqual(opened.names, [DATA], 'the side file is opened once for all three tensors');
    assert.equal(opened.bytes, (4 * 3 * 2 + 4 * 3 * 3 + 8 * 3) * 4, 'exactly the bytes of W, R and B');
    assert.equal(a.recognition.models.length, 1);
    const w = a.file.tensors.find((t) => t.name === 'W')!;
    assert.deepEqual(w.origin, { kind: 'file', format: 'onnx', path: 'W', entry: DATA, offset: 0, length: 96 });
  });

  for (const [location, why] of [
    [`../${DATA.slice(3)}`, /climbs out of the folder/],
    [`/${DATA.slice(1)}`, /an absolute path/],
    [`C:${DATA.slice(2)}`, /drive letter/],
    [`a/../../${DATA.slice(8)}`, /climbs out of the folder/],
  ] as const) {
    it(`refuses the location "${location}" without opening anything`, async () => {
      const opened: Opened = { names: [], bytes: 0 };
      const a = await analyse(withLocation(location), siblings({ [DATA]: dataBytes() }, opened));
      assert.deepEqual(opened.names, []);
      const messages = errors(a);
      assert.equal(messages.length, 3, messages.join('\n'));
      for (const m of messages) assert.match(m, why);
      assert.match(messages[0], /initializer "W"'s external data names/);
      assert.equal(a.recognition.models.length, 0, 'nothing runs on missing weights');
    });
  }

  it('a missing side file: the tensor, the file and the host’s reason', async () => {
    const a = await analyse(modelBytes(), siblings({}, { names: [], bytes: 0 }));
    assert.match(errors(a)[0], new RegExp(`initializer "W" keeps its values in "${DATA.replace(/\./g, '\\.')}" beside ${MODEL.replace(/\./g, '\\.')}, which could not be opened: ENOENT`));
    assert.equal(a.recognition.models.length, 0);
  });

  it('a side file shorter than the ranges it should hold', async () => {
    const a = await analyse(modelBytes(), siblings({ [DATA]: dataBytes().subarray(0, 200) }, { names: [], bytes: 0 }));
    const messages = errors(a);
    assert.match(messages.join('\n'), /initializer "R" needs bytes 96–240 of "onnx_lstm_external_data\.onnx\.data", which has 200 bytes/);
    assert.equal(a.recognition.models.length, 0);
  });

  it('a host that cannot open files beside the model says so', async () => {
    const a = await analyse(modelBytes(), {});
    assert.match(errors(a)[0], /this host cannot open files beside it/);
  });
});

describe('side-file paths named by a model', () => {
  it('reach down from the model’s folder', () => {
    assert.deepEqual(sidePathSegments('w.bin', 'x'), ['w.bin']);
    assert.deepEqual(sidePathSegments('./data//w.bin', 'x'), ['data', 'w.bin']);
    assert.deepEqual(sidePathSegments('data\\w.bin', 'x'), ['data', 'w.bin']);
  });

  it('never leave it', () => {
    for (const bad of ['', '.', '..', '../w', 'a/../../w', '/etc/passwd', '\\\\server\\share\\w', 'C:\\w', 'c:w', 'file:///etc/passwd', 'a\u0000b', 'a\nb']) {
      assert.throws(() => sidePathSegments(bad, 'the test'), (e: Error & { code?: string }) => e.code === 'unsafe-path' && e.message.startsWith('the test names'), JSON.stringify(bad));
    }
  });
});
