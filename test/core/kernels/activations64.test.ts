import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { KERNEL_MODULES } from '../../../src/core/kernels/wasm';
import { checkActivations } from './activations64-check';

describe('float64 exp, sigmoid and tanh in WebAssembly (kernels.as)', () => {
  it('simd: equal to Math.exp, 1/(1 + Math.exp(−x)) and Math.tanh bit for bit over 700 000 points each', function () {
    this.timeout(30000);
    checkActivations('simd');
  });

  it('relaxed-simd: the same, bit for bit (in a child Node with relaxed SIMD turned on where this one lacks it)', function () {
    this.timeout(60000);
    if (WebAssembly.validate(KERNEL_MODULES['relaxed-simd'])) {
      checkActivations('relaxed-simd');
      return;
    }
    const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', 'out/test/core/kernels/activations64-main.js', 'relaxed-simd'], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.ok(Number(child.stdout.trim()) > 3 * 700000, child.stdout);
  });
});
