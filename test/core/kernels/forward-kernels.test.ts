import * as assert from 'node:assert/strict';
import type { CellKind } from '../../../src/core/conventions';
import { prepareFast32 } from '../../../src/core/fast32';
import { runLayer } from '../../../src/core/forward';
import { jsKernels } from '../../../src/core/kernels/js';
import { wasmKernels } from '../../../src/core/kernels/wasm';
import type { LayerResult, RecurrentLayer } from '../../../src/core/model';
import { mulberry32Signed } from '../../../src/core/random';

function layerOf(cell: CellKind, H: number, D: number, seed: number, extra: Partial<RecurrentLayer> = {}, directions = 1): RecurrentLayer {
  const next = mulberry32Signed(seed);
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const arr = (n: number, fan: number) => Float64Array.from({ length: n }, () => (1.7 * next()) / Math.sqrt(fan));
  const dir = () => ({ W: arr(G * H * D, D), R: arr(G * H * H, H), bW: arr(G * H, 4), bR: arr(G * H, 4) });
  return {
    kind: 'recurrent', cell, units: H, inputSize: D,
    activations: { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } },
    directions: Array.from({ length: directions }, dir),
    ...extra,
  };
}

function maxDiff(a: Float64Array | Float32Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function compareResults(a: LayerResult, b: LayerResult, tol: number, label: string): void {
  assert.ok(maxDiff(a.output.data, b.output.data) <= tol, `${label}: output`);
  a.finalStates.forEach((s, d) => {
    assert.ok(maxDiff(s.h, b.finalStates[d].h) <= tol, `${label}: final h`);
    if (s.c) assert.ok(maxDiff(s.c, b.finalStates[d].c!) <= tol, `${label}: final c`);
  });
  assert.equal(a.trace?.length, b.trace?.length);
  a.trace?.forEach((tr, k) => {
    const other = b.trace![k];
    for (const key of ['zx', 'zh', 'z', 'a', 'h'] as const) assert.ok(maxDiff(tr[key], other[key]) <= tol, `${label}: trace ${key}`);
  });
}

describe('forward pass through the wasm and the JavaScript kernels', () => {
  const wasm = wasmKernels()!;
  const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [3, 2, 7, 2], [7, 5, 13, 1], [64, 32, 20, 2], [129, 7, 5, 1]];
  const variants: [string, CellKind, Partial<RecurrentLayer>, number][] = [
    ['LSTM', 'lstm', {}, 1],
    ['bidirectional LSTM with forget_bias', 'lstm', { forgetBias: 1 }, 2],
    ['GRU reset_after', 'gru', { resetAfter: true }, 1],
    ['GRU reset_before (R_n as a subarray)', 'gru', { resetAfter: false }, 1],
    ['SimpleRNN', 'simple_rnn', {}, 1],
  ];
  for (const [label, cell, extra, dirs] of variants) {
    it(`${label}: outputs, final states and every trace array agree to 1e-12`, () => {
      for (const [H, D, T, N] of shapes) {
        const layer = layerOf(cell, H, D, H * 13 + D, extra, dirs);
        const next = mulberry32Signed(T + N);
        const input = { data: Float64Array.from({ length: N * T * D }, next), batch: N, steps: T, features: D };
        const viaJs = runLayer(layer, input, { kernels: jsKernels, trace: true });
        const viaWasm = runLayer(layer, input, { kernels: wasm, trace: true });
        compareResults(viaWasm, viaJs, 1e-12, `${label} H=${H} D=${D} T=${T} N=${N}`);
      }
    });
  }

  it('the float32 fast mode agrees with the float64 engine within 1e-5 (H = 128, D = 64, T = 100)', () => {
    for (const [cell, extra] of [['lstm', {}], ['gru', { resetAfter: true }], ['gru', { resetAfter: false }], ['simple_rnn', {}]] as const) {
      const layer = layerOf(cell, 128, 64, 5, extra);
      const next = mulberry32Signed(17);
      const data = Float64Array.from({ length: 100 * 64 }, next);
      const exact = runLayer(layer, { data, batch: 1, steps: 100, features: 64 });
      const fast = prepareFast32(layer).run(data, 100);
      const err = maxDiff(fast, exact.output.data);
      assert.ok(err <= 1e-5, `${cell}: ${err}`);
      assert.ok(exact.output.data.some((v) => Math.abs(v) > 0.1));
    }
  });
});
