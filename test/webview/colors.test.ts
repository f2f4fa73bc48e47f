import * as assert from 'node:assert/strict';
import { buildLut, lutIndex, paintHeatmap, parseColor, scaleFor, type Rgb } from '../../src/webview/colors';

describe('webview heatmap colours', () => {
  it('parses the colour forms VS Code themes use', () => {
    assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff]);
    assert.deepEqual(parseColor(' #FFF '), [255, 255, 255]);
    assert.deepEqual(parseColor('#1e1e1e80'), [0x1e, 0x1e, 0x1e]);
    assert.deepEqual(parseColor('rgba(234, 92, 0, 0.33)'), [234, 92, 0]);
    assert.deepEqual(parseColor('rgb(1 2 3)'), [1, 2, 3]);
    assert.equal(parseColor('red'), undefined);
    assert.equal(parseColor(''), undefined);
  });

  it('uses a symmetric diverging scale when values change sign, sequential otherwise', () => {
    assert.deepEqual(scaleFor(-0.2, 0.8), { min: -0.8, max: 0.8, diverging: true });
    assert.deepEqual(scaleFor(0.1, 0.9), { min: 0, max: 0.9, diverging: false });
    assert.deepEqual(scaleFor(0, 0), { min: 0, max: 1, diverging: false });
    assert.deepEqual(scaleFor(-3, -1), { min: -3, max: 0, diverging: false });
    assert.deepEqual(scaleFor(NaN, 1), { min: -1, max: 1, diverging: true });
  });

  it('maps values to LUT indices, clamping and marking NaN', () => {
    const s = scaleFor(-1, 1);
    assert.equal(lutIndex(-1, s), 0);
    assert.equal(lutIndex(1, s), 255);
    assert.equal(lutIndex(0, s), 128);
    assert.equal(lutIndex(5, s), 255);
    assert.equal(lutIndex(-5, s), 0);
    assert.equal(lutIndex(NaN, s), -1);
  });

  const low: Rgb = [0, 0, 255], mid: Rgb = [10, 10, 10], high: Rgb = [255, 0, 0];

  it('builds a LUT that starts, centres and ends on the theme colours', () => {
    const lut = buildLut(scaleFor(-1, 1), low, mid, high, 257);
    assert.deepEqual(Array.from(lut.subarray(0, 4)), [0, 0, 255, 255]);
    assert.deepEqual(Array.from(lut.subarray(128 * 4, 128 * 4 + 4)), [10, 10, 10, 255]);
    assert.deepEqual(Array.from(lut.subarray(256 * 4, 256 * 4 + 4)), [255, 0, 0, 255]);
    const seq = buildLut(scaleFor(0, 1), low, mid, high, 2);
    assert.deepEqual(Array.from(seq), [10, 10, 10, 255, 255, 0, 0, 255]);
  });

  it('paints rows from record columns, time along x', () => {
    // 2 steps, records of width 3; rows show columns 2 and 0.
    const values = Float64Array.from([-1, 0, 1, 1, 0, -1]);
    const scale = scaleFor(-1, 1);
    const lut = buildLut(scale, low, mid, high, 3);
    const out = new Uint8ClampedArray(2 * 2 * 4);
    paintHeatmap(values, 2, 3, Int32Array.from([2, 0]), scale, lut, [1, 2, 3], out);
    const px = (row: number, t: number) => Array.from(out.subarray((row * 2 + t) * 4, (row * 2 + t) * 4 + 3));
    assert.deepEqual(px(0, 0), [255, 0, 0]); // column 2 at step 0 = +1
    assert.deepEqual(px(0, 1), [0, 0, 255]); // column 2 at step 1 = −1
    assert.deepEqual(px(1, 0), [0, 0, 255]); // column 0 at step 0 = −1
    assert.deepEqual(px(1, 1), [255, 0, 0]);
  });

  it('paints the same index as lutIndex for every value, clamps infinities and marks NaN with the hole colour', () => {
    const scale = scaleFor(-2, 2);
    const lut = buildLut(scale, low, mid, high);
    const probe = [-2, -1.999, -0.5, 0, 1e-9, 0.0078, 1.5, 2, 3, Infinity, -Infinity, NaN];
    const values = Float64Array.from(probe);
    const out = new Uint8ClampedArray(probe.length * 4);
    // One row, `probe.length` steps: the tiling crosses no tile boundary here, so also run with 40 steps below.
    paintHeatmap(values, probe.length, 1, Int32Array.from([0]), scale, lut, [1, 2, 3], out);
    probe.forEach((v, t) => {
      const got = Array.from(out.subarray(t * 4, t * 4 + 3));
      const idx = Number.isNaN(v) ? -1 : lutIndex(Math.max(-2, Math.min(2, v)), scale);
      const want = idx < 0 ? [1, 2, 3] : Array.from(lut.subarray(idx * 4, idx * 4 + 3));
      assert.deepEqual(got, want, `value ${v}`);
    });
    const long = Float64Array.from({ length: 40 * 2 }, (_, k) => (k % 2 ? -1 : 1) * (k / 80));
    const img = new Uint8ClampedArray(2 * 40 * 4);
    paintHeatmap(long, 40, 2, Int32Array.from([1, 0]), scale, lut, [1, 2, 3], img);
    for (let t = 0; t < 40; t++) {
      for (const [row, col] of [[0, 1], [1, 0]]) {
        const idx = lutIndex(long[t * 2 + col], scale);
        assert.deepEqual(Array.from(img.subarray((row * 40 + t) * 4, (row * 40 + t) * 4 + 4)), Array.from(lut.subarray(idx * 4, idx * 4 + 4)), `row ${row} step ${t}`);
      }
    }
  });
});
