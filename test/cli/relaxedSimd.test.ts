import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { KERNEL_MODULES } from '../../src/core/kernels/wasm';

function child(...args: string[]): { before: boolean; outcome: string; after: boolean; kernels: string } {
  const r = spawnSync(process.execPath, ['out/test/cli/relaxedSimd-main.js', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // A V8 that does not know the flag prints an error for it: the function must never set it there.
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

describe('relaxed SIMD for the gate-lens command (src/cli/relaxedSimd.ts)', function () {
  this.timeout(60000);
  const shipped = WebAssembly.validate(KERNEL_MODULES['relaxed-simd']);

  it('gives this Node the FMA kernels, turning the flag on only where the host does not ship them', () => {
    const r = child();
    assert.equal(r.before, shipped);
    assert.equal(r.outcome, shipped ? 'shipped' : 'enabled');
    assert.equal(r.after, true);
    assert.equal(r.kernels, 'wasm-relaxed-simd-f64');
  });

  it('leaves a V8 other than 11 alone (newer ones no longer know the flag, older ones never had it)', function () {
    if (shipped) this.skip();
    for (const v8 of ['10.2.154', '12.4.254']) {
      const r = child(v8);
      assert.deepEqual([r.outcome, r.after, r.kernels], ['unavailable', false, 'wasm-simd-f64'], v8);
    }
  });
});
