// The JSON rows `run --json` prints: byte for byte the text of String(v) per value (the form before rows were
// written with JSON.stringify), for the doubles whose formatting differs most: -0, integers, subnormals, exponents.
import * as assert from 'node:assert/strict';
import { ChunkedWriter, writeRowsJson, writeTraceJson, type TracedLayer } from '../../src/cli/run-output';

function stringRows(data: Float64Array, width: number): string {
  const rows: string[] = [];
  for (let r = 0; r * width < data.length; r++) {
    const cells: string[] = [];
    for (let k = r * width; k < (r + 1) * width; k++) cells.push(String(data[k]));
    rows.push(`[${cells.join(',')}]`);
  }
  return `[${rows.join(',')}]`;
}

function written(write: (w: ChunkedWriter) => void, chunk?: number): string {
  let text = '';
  const w = new ChunkedWriter((t) => { text += t; }, chunk);
  write(w);
  w.flush();
  return text;
}

const SPECIAL = [0, -0, 1, -1, 0.1, -0.30000000000000004, Number.MIN_VALUE, -(2 ** -1022), 1e21, 1e-7, 1.2345678901234568e20, Number.MAX_VALUE, 0.5, 2 ** 53, -(2 ** 53) - 2];

describe('run output: JSON rows', () => {
  it('prints every value as String(v) prints it, -0 as 0', () => {
    const data = new Float64Array([...SPECIAL, 3.14]);
    assert.equal(written((w) => writeRowsJson(w, data, 4)), stringRows(data, 4));
    assert.equal(written((w) => writeRowsJson(w, new Float64Array([-0]), 1)), '[[0]]');
  });

  it('prints random doubles of every magnitude exactly as String(v), through small and large chunks', () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const bits = new DataView(new ArrayBuffer(8));
    const data = new Float64Array(3000);
    for (let k = 0; k < data.length; k++) {
      if (k % 3 === 0) {
        // Random bit patterns: every exponent, finite only.
        do { bits.setUint32(0, (next() * 2 ** 32) >>> 0); bits.setUint32(4, (next() * 2 ** 32) >>> 0); } while (!Number.isFinite(bits.getFloat64(0)));
        data[k] = bits.getFloat64(0);
      } else data[k] = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6);
    }
    const expected = stringRows(data, 60);
    assert.equal(written((w) => writeRowsJson(w, data, 60)), expected);
    assert.equal(written((w) => writeRowsJson(w, data, 60), 7), expected);
    assert.deepEqual(JSON.parse(expected).flat(), Array.from(data, (v) => (Object.is(v, -0) ? 0 : v)));
  });

  it('writes trace vectors in the same form', () => {
    const H = 2;
    const z = new Float64Array([0.1, -0, 1e21, 5e-324, 2, 3, 4, 5]);
    const traced = {
      recognized: { name: 'rnn', convention: 'keras', cell: 'simple_rnn' },
      layer: { units: H },
      traces: [{ direction: 0, steps: 1, timeIndex: new Int32Array([0]), z: z.subarray(0, H), a: z.subarray(2, 4), h: z.subarray(4, 6) }],
    } as unknown as TracedLayer;
    const text = written((w) => writeTraceJson(w, [traced]));
    assert.match(text, /"z":\{"h":\[0\.1,0\]\},"gates":\{"h":\[1e\+21,5e-324\]\},"h":\[2,3\]\}/);
  });
});
