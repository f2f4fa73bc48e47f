import * as assert from 'node:assert/strict';
import type { CellKind } from '../../src/core/conventions';
import { prepareFast32, runFast32 } from '../../src/core/fast32';
import { wasmRuntime } from '../../src/core/kernels/wasm';
import { GateLensError, type LayerActivations, type RecurrentLayer } from '../../src/core/model';
import { mulberry32Signed } from '../../src/core/random';

const DEFAULT_ACTS: LayerActivations = { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } };

function randomLayer(cell: CellKind, H: number, D: number, seed: number, extra: Partial<RecurrentLayer> = {}): RecurrentLayer {
  const next = mulberry32Signed(seed);
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  // Weights scaled like a Glorot init so that activations stay in their sensitive range over 100 steps.
  const scale = (n: number, fan: number) => Float64Array.from({ length: n }, () => (next() * 1.7) / Math.sqrt(fan));
  return {
    kind: 'recurrent', cell, units: H, inputSize: D, activations: DEFAULT_ACTS,
    directions: [{ W: scale(G * H * D, D), R: scale(G * H * H, H), bW: scale(G * H, 4), bR: scale(G * H, 4) }],
    ...extra,
  };
}

/** The textbook float64 equations (gate-conventions.md §1), independent of forward.ts and of the wasm code. */
function reference(layer: RecurrentLayer, x: Float64Array, T: number, h0?: Float64Array, c0?: Float64Array): { out: Float64Array; h: Float64Array; c: Float64Array } {
  const H = layer.units, D = layer.inputSize, d = layer.directions[0];
  const G = layer.cell === 'lstm' ? 4 : layer.cell === 'gru' ? 3 : 1;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const h = h0 ? Float64Array.from(h0) : new Float64Array(H), c = c0 ? Float64Array.from(c0) : new Float64Array(H);
  const out = new Float64Array(T * H);
  const relu = (Array.isArray(layer.activations) ? layer.activations[0] : (layer.activations as LayerActivations)).candidate.name === 'relu';
  const backwards = layer.goBackwards === true || layer.reverse === true;
  for (let s = 0; s < T; s++) {
    const t = backwards ? T - 1 - s : s;
    const zx = new Float64Array(G * H), zh = new Float64Array(G * H);
    for (let m = 0; m < G * H; m++) {
      zx[m] = d.bW[m] + (layer.cell === 'lstm' && m >= H && m < 2 * H ? layer.forgetBias ?? 0 : 0);
      for (let k = 0; k < D; k++) zx[m] += d.W[m * D + k] * x[t * D + k];
      zh[m] = d.bR[m];
      for (let k = 0; k < H; k++) zh[m] += d.R[m * H + k] * h[k];
    }
    const hNew = new Float64Array(H);
    for (let m = 0; m < H; m++) {
      if (layer.cell === 'lstm') {
        const i = sig(zx[m] + zh[m]), f = sig(zx[H + m] + zh[H + m]), g = Math.tanh(zx[2 * H + m] + zh[2 * H + m]), o = sig(zx[3 * H + m] + zh[3 * H + m]);
        c[m] = f * c[m] + i * g;
        hNew[m] = o * Math.tanh(c[m]);
      } else if (layer.cell === 'gru') {
        const z = sig(zx[m] + zh[m]), r = sig(zx[H + m] + zh[H + m]);
        let n: number;
        if (layer.resetAfter === false) {
          let acc = d.bR[2 * H + m];
          for (let k = 0; k < H; k++) acc += d.R[(2 * H + m) * H + k] * sig(zx[H + k] + zh[H + k]) * h[k];
          n = Math.tanh(zx[2 * H + m] + acc);
        } else {
          n = Math.tanh(zx[2 * H + m] + r * zh[2 * H + m]);
        }
        hNew[m] = (1 - z) * n + z * h[m];
      } else {
        const v = zx[m] + zh[m];
        hNew[m] = relu ? Math.max(0, v) : Math.tanh(v);
      }
    }
    h.set(hNew);
    out.set(h, (layer.reverse ? t : s) * H);
  }
  return { out, h, c };
}

/** max |a − b| / max(1, |b|): plain absolute error for the bounded cells, relative for a growing relu RNN. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

function randomInput(n: number, seed: number): Float64Array {
  const next = mulberry32Signed(seed);
  return Float64Array.from({ length: n }, () => next());
}

describe('float32 fast mode', () => {
  it('runs on WebAssembly SIMD in Node', () => {
    assert.ok(wasmRuntime());
    assert.match(prepareFast32(randomLayer('lstm', 4, 3, 1)).engine, /^wasm-(relaxed-)?simd-f32$/);
  });

  const cases: [string, CellKind, Partial<RecurrentLayer>][] = [
    ['LSTM', 'lstm', {}],
    ['LSTM with forget_bias 1', 'lstm', { forgetBias: 1 }],
    ['GRU reset_after', 'gru', { resetAfter: true }],
    ['GRU reset_before', 'gru', { resetAfter: false }],
    ['SimpleRNN tanh', 'simple_rnn', {}],
    ['SimpleRNN relu', 'simple_rnn', { activations: { gate: { name: 'sigmoid' }, candidate: { name: 'relu' }, output: { name: 'tanh' } } }],
    ['LSTM go_backwards', 'lstm', { goBackwards: true }],
    ['GRU ONNX reverse', 'gru', { reverse: true }],
  ];
  for (const [label, cell, extra] of cases) {
    for (const engine of ['auto', 'js'] as const) {
      it(`${label} (${engine === 'js' ? 'JavaScript' : 'wasm'}) matches float64 within 1e-5 for H in 1, 3, 7, 33, 64 over 50 steps`, () => {
        for (const [H, D] of [[1, 1], [3, 2], [7, 5], [33, 17], [64, 64]]) {
          const layer = randomLayer(cell, H, D, H * 31 + D, extra);
          const T = 50;
          const x = randomInput(T * D, H + 7);
          const got = prepareFast32(layer, { engine }).run(x, T);
          const want = reference(layer, x, T).out;
          const err = maxAbsDiff(got, want);
          assert.ok(err <= 1e-5, `${label} H=${H} D=${D}: max |f32 − f64| = ${err}`);
          // Not trivially small outputs: the comparison means something.
          assert.ok(want.some((v) => Math.abs(v) > 0.05), 'reference outputs are not all near zero');
        }
      });
    }
  }

  it('carries state across calls: 20 single steps equal one 20-step run', () => {
    for (const cell of ['lstm', 'gru', 'simple_rnn'] as const) {
      const H = 21, D = 6, T = 20;
      const layer = randomLayer(cell, H, D, 99);
      const x = randomInput(T * D, 5);
      const runner = prepareFast32(layer);
      const whole = runner.run(x, T);
      const state = { h: new Float32Array(H), c: cell === 'lstm' ? new Float32Array(H) : undefined };
      const stepped = new Float32Array(T * H);
      for (let t = 0; t < T; t++) stepped.set(runner.run(x.subarray(t * D, (t + 1) * D), 1, state), t * H);
      assert.deepEqual(stepped, whole, cell);
      assert.deepEqual(state.h, whole.subarray((T - 1) * H));
    }
  });

  it('starts from a given initial state', () => {
    const H = 9, D = 4, T = 12;
    const layer = randomLayer('lstm', H, D, 3);
    const x = randomInput(T * D, 8);
    const h0 = randomInput(H, 11), c0 = randomInput(H, 12);
    const state = { h: Float32Array.from(h0), c: Float32Array.from(c0) };
    const got = prepareFast32(layer).run(x, T, state);
    const want = reference(layer, x, T, Float64Array.from(Float32Array.from(h0)), Float64Array.from(Float32Array.from(c0)));
    assert.ok(maxAbsDiff(got, want.out) <= 1e-5);
    assert.ok(maxAbsDiff(state.c!, want.c) <= 1e-5);
  });

  it('runs a batch with runFast32', () => {
    const H = 16, D = 8, T = 10, N = 3;
    const layer = randomLayer('gru', H, D, 4);
    const data = randomInput(N * T * D, 9);
    const got = runFast32(layer, { data, batch: N, steps: T, features: D });
    for (let b = 0; b < N; b++) {
      const want = reference(layer, data.subarray(b * T * D, (b + 1) * T * D), T).out;
      assert.ok(maxAbsDiff(got.subarray(b * T * H, (b + 1) * T * H), want) <= 1e-5);
    }
  });

  it('refuses what it does not implement, with a GateLensError', () => {
    const base = randomLayer('lstm', 4, 3, 1);
    const peep = { ...base, directions: [{ ...base.directions[0], peephole: new Float64Array(12) }] };
    assert.throws(() => prepareFast32(peep), (e: unknown) => e instanceof GateLensError && e.code === 'fast32-unsupported');
    assert.throws(() => prepareFast32({ ...base, clip: 3 }), GateLensError);
    assert.throws(() => prepareFast32({ ...base, directions: [base.directions[0], base.directions[0]] }), /two directions/);
    assert.throws(() => prepareFast32({ ...base, activations: { ...DEFAULT_ACTS, gate: { name: 'hard_sigmoid_keras2' } } }), /gate activation/);
  });

  it('saturates cleanly for huge pre-activations (no NaN from exp overflow)', () => {
    const layer = randomLayer('lstm', 8, 2, 5);
    const x = Float64Array.from({ length: 2 * 3 }, (_, i) => (i % 2 ? 1e6 : -1e6));
    const got = prepareFast32(layer).run(x, 3);
    assert.ok(got.every((v) => Number.isFinite(v) && Math.abs(v) <= 1));
    assert.ok(maxAbsDiff(got, reference(layer, x, 3).out) <= 1e-5);
  });

  it('exp, sigmoid and tanh on four lanes are accurate to float32 rounding', () => {
    const rt = wasmRuntime()!;
    const n = 4096;
    const xAt = rt.scratch(8 * n + 64), yAt = xAt + 4 * n;
    const xs = Float32Array.from({ length: n }, (_, i) => -20 + (40 * i) / n);
    rt.f32.set(xs, xAt / 4);
    const fns = [Math.exp, (v: number) => 1 / (1 + Math.exp(-v)), Math.tanh];
    for (let kind = 0; kind < 3; kind++) {
      rt.exports.activate32(kind, xAt, n, yAt);
      const ys = rt.f32.subarray(yAt / 4, yAt / 4 + n);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const want = fns[kind](xs[i]);
        const err = kind === 0 ? Math.abs(ys[i] - want) / want : Math.abs(ys[i] - want);
        worst = Math.max(worst, err);
      }
      assert.ok(worst <= (kind === 0 ? 5e-7 : 3e-7), `kind ${kind}: worst error ${worst}`);
    }
  });
});
