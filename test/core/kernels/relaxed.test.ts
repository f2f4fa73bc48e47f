import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getKernels } from '../../../src/core/kernels/index';
import { KERNEL_MODULES } from '../../../src/core/kernels/wasm';

describe('relaxed-simd (fused multiply-add) kernels', () => {
  const shipped = WebAssembly.validate(KERNEL_MODULES['relaxed-simd']);

  it('are picked exactly when the host validates them', () => {
    assert.ok(WebAssembly.validate(KERNEL_MODULES.simd));
    assert.equal(getKernels().name, shipped ? 'wasm-relaxed-simd-f64' : 'wasm-simd-f64');
  });

  it('agree with the plain kernels and the float64 engine (child Node with relaxed-simd enabled)', function () {
    this.timeout(60000);
    // Node 20 has relaxed-simd behind a V8 flag; a Node that ships it needs (and may not know) no flag.
    const flags = shipped ? [] : ['--experimental-wasm-relaxed-simd'];
    const child = spawnSync(process.execPath, [...flags, 'out/test/core/kernels/relaxed.main.js'], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    assert.equal(r.kernels, 'wasm-relaxed-simd-f64');
    assert.equal(r.fast32, 'wasm-relaxed-simd-f32');
    assert.ok(r.worstKernel <= 1e-12, `kernels: ${r.worstKernel}`);
    assert.ok(r.worstForward <= 1e-12, `forward pass: ${r.worstForward}`);
    assert.ok(r.worstFast32 <= 1e-5, `float32 fast mode: ${r.worstFast32}`);
    assert.equal(r.activationMismatches, 0, 'float64 exp / σ / tanh differ from Math.exp / Math.tanh');
  });
});
