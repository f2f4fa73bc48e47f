import * as assert from 'node:assert/strict';
import { KERNEL_MODULES, type KernelExports, type KernelVariant } from '../../../src/core/kernels/wasm';
import { mulberry32Signed } from '../../../src/core/random';

// The float64 exp / σ / tanh of kernels.as follow fdlibm (as V8 ships it) operation for operation, so under V8 they
// equal Math.exp, 1/(1 + Math.exp(−x)) and Math.tanh bit for bit: 0 ulp, the error fdlibm itself has (< 1 ulp from
// the true value). The activations never use the fused multiply-add, so both builds must agree wherever they run.

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  bits[0] = a; const x = word[0];
  bits[0] = b; const y = word[0];
  return Number(x > y ? x - y : y - x);
}

const SPECIAL = [
  0, -0, 1, -1, 2, -2, 22, -22, 21.999999999999996, 0.5, -0.25, 0.25, Math.LN2 / 2, 1.5 * Math.LN2, -1.5 * Math.LN2, 2 ** -28, -(2 ** -28),
  2 ** -29, 2 ** -55, 19 * Math.LN2, 20 * Math.LN2, 56 * Math.LN2, -56 * Math.LN2, 38.9, 44, 708, 709.7, 709.78, 709.79, -708, -745.1, -745.2,
  -1022 * Math.LN2, -1030 * Math.LN2, 1e-300, -1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN,
];

const REFERENCE: readonly ((x: number) => number)[] = [Math.exp, (x) => 1 / (1 + Math.exp(-x)), Math.tanh];
const NAMES = ['exp', 'sigmoid', 'tanh'];

/** Fails (assert) at the first value of `variant`'s exp, σ or tanh that differs from V8's; the number of values checked. */
export function checkActivations(variant: KernelVariant): number {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(KERNEL_MODULES[variant]), {}).exports as unknown as KernelExports;
  const n = 1 << 14;
  const base = ex.memory.buffer.byteLength;
  ex.memory.grow(Math.ceil((16 * n) / 65536) + 1);
  const mem = new Float64Array(ex.memory.buffer);
  const xAt = base / 8, outAt = xAt + n;
  const next = mulberry32Signed(2024);
  // Ranges that reach every branch: near 0, the reduction thresholds, tanh's expm1 cases, overflow/underflow.
  const ranges = [1e-9, 0.4, 1.1, 2.5, 12, 25, 45, 750];
  let total = 0;
  for (let kind = 0; kind < 3; kind++) {
    let worst = 0, count = 0;
    // Rounds 37 on: every lane from one range, so both lanes of a pair take the kernels' fast paths together
    // (exp: 2^-28 ≤ |x| ≤ 708; tanh: 2^-28 ≤ |x| < 1 and 1 ≤ |x| < 6.5) as well as mixed with the general path.
    for (let round = 0; round < 37 + ranges.length; round++) {
      for (let i = 0; i < n; i++) {
        mem[xAt + i] = round >= 37 ? next() * ranges[round - 37]
          : round === 0 && i < SPECIAL.length ? SPECIAL[i] : round % 5 === 4 ? Math.sign(next()) * 2 ** (60 * next() - 40) : next() * ranges[(round + i) % ranges.length];
      }
      ex.activate64(kind, base, n, base + 8 * n);
      for (let i = 0; i < n; i++) {
        const x = mem[xAt + i], d = ulps(mem[outAt + i], REFERENCE[kind](x));
        if (d !== 0) assert.fail(`${variant} ${NAMES[kind]}(${x}): ${mem[outAt + i]} vs ${REFERENCE[kind](x)} (${d} ulp)`);
        worst = Math.max(worst, d);
        count++;
      }
    }
    assert.equal(worst, 0);
    assert.ok(count > 700000);
    total += count;
  }
  return total;
}
