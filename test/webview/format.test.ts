import * as assert from 'node:assert/strict';
import { formatCell, formatExact, numpyArray, pythonFloat, pythonName } from '../../src/webview/format';

describe('webview number formatting', () => {
  it('prints four decimals with a typographic minus', () => {
    assert.equal(formatCell(0.7310585786300049), '0.7311');
    assert.equal(formatCell(-0.25), '−0.2500');
    assert.equal(formatCell(0), '0.0000');
    assert.equal(formatCell(-0), '0.0000');
    assert.equal(formatCell(12345.678), '12345.6780');
  });

  it('switches to exponent notation where four decimals would hide the value', () => {
    assert.equal(formatCell(3e-9), '3.00e-9');
    assert.equal(formatCell(-4.5e-7), '−4.50e-7');
    assert.equal(formatCell(123456), '1.23e+5');
    assert.equal(formatCell(0.00006), '0.0001');
  });

  it('names NaN and infinities', () => {
    assert.equal(formatCell(NaN), 'NaN');
    assert.equal(formatCell(Infinity), '+∞');
    assert.equal(formatExact(-Infinity), '−∞');
    assert.equal(formatExact(-0.1), '−0.1');
  });

  it('writes Python float literals that round-trip', () => {
    assert.equal(pythonFloat(1), '1.0');
    assert.equal(pythonFloat(-0), '-0.0');
    assert.equal(pythonFloat(1e-7), '1e-7');
    assert.equal(pythonFloat(1e21), '1e21');
    assert.equal(pythonFloat(NaN), 'np.nan');
    assert.equal(pythonFloat(-Infinity), '-np.inf');
    for (const v of [0.1, 1 / 3, -2.5e-300, 0.7310585786300049, 123456789.123]) assert.equal(Number(pythonFloat(v)), v);
  });

  it('writes a NumPy array on one line, or wrapped when long', () => {
    assert.equal(numpyArray('z', [0, 1, -0.5]), 'z = np.array([0.0, 1.0, -0.5])');
    const long = numpyArray('h', Array.from({ length: 10 }, (_, k) => k), 4);
    assert.equal(long, 'h = np.array([\n    0.0, 1.0, 2.0, 3.0,\n    4.0, 5.0, 6.0, 7.0,\n    8.0, 9.0,\n])');
  });

  it('makes Python identifiers', () => {
    assert.equal(pythonName('g'), 'g');
    assert.equal(pythonName('lstm 1'), 'lstm_1');
    assert.equal(pythonName('1st'), '_1st');
  });
});
