import * as assert from 'node:assert/strict';
import { sigmoid } from '../../src/core/activations';
import { fromNative } from '../../src/core/convert';
import type { NativeTensors } from '../../src/core/convert';
import { runDense, runLayer, runModel, toFrameworkLayout } from '../../src/core/forward';
import { getKernels, jsKernels } from '../../src/core/kernels/index';
import { GateLensError } from '../../src/core/model';
import type { DirectionWeights, RecurrentLayer, Sequence } from '../../src/core/model';
import { SeededRandom, randomSequence } from '../../src/core/random';

const rng = (seed: number, n: number, scale = 0.7): Float64Array => new SeededRandom(seed).fill(new Float64Array(n), -scale, scale);

function canonicalLayer(cell: RecurrentLayer['cell'], I: number, H: number, seed: number, extra: Partial<RecurrentLayer> = {}, directions = 1): RecurrentLayer {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const Hr = extra.projSize ?? H;
  const dirs: DirectionWeights[] = [];
  for (let d = 0; d < directions; d++) {
    const s = seed + 10 * d;
    dirs.push({
      W: rng(s, G * H * I), R: rng(s + 1, G * H * Hr), bW: rng(s + 2, G * H), bR: rng(s + 3, G * H),
      ...(extra.projSize ? { proj: rng(s + 4, Hr * H) } : {}),
    });
  }
  const act = { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } };
  return { kind: 'recurrent', cell, units: H, inputSize: I, directions: dirs, activations: act, ...(directions === 2 ? { merge: 'concat' as const } : {}), ...extra };
}

const seq = (data: number[] | Float64Array, batch: number, steps: number, features: number): Sequence => ({ data: Float64Array.from(data), batch, steps, features });

function reverseTime(x: Sequence): Sequence {
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < x.batch; b++) for (let t = 0; t < x.steps; t++) {
    out.set(x.data.subarray((b * x.steps + t) * x.features, (b * x.steps + t + 1) * x.features), (b * x.steps + (x.steps - 1 - t)) * x.features);
  }
  return { ...x, data: out };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void => {
  assert.equal(a.length, b.length, `${what} length`);
  for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k] - b[k]) <= tol, `${what}[${k}]: ${a[k]} vs ${b[k]}`);
};

describe('forward pass', () => {
  it('reproduces the hand check: Keras LSTM(3), zero kernels, x = 1, c0 = 1, forget bias 1', () => {
    const zeros = (n: number) => new Float64Array(n);
    const bias = Float64Array.from([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const layer = fromNative('keras', 'lstm', { kernel: { shape: [1, 12], data: zeros(12) }, recurrent_kernel: { shape: [3, 12], data: zeros(36) }, bias: { shape: [12], data: bias } });
    const r = runLayer(layer, seq([1], 1, 1, 1), { initialStates: [{ c: Float64Array.of(1, 1, 1) }] });
    const c1 = sigmoid(1) * 1 + 0.5 * Math.tanh(0);
    const h1 = 0.5 * Math.tanh(c1);
    close(r.finalStates[0].c!, [c1, c1, c1], 0, 'c');
    close(r.output.data, [h1, h1, h1], 0, 'h');
    assert.ok(Math.abs(c1 - 0.7310586) < 1e-7 && Math.abs(h1 - 0.3118563) < 1e-7, 'the values Keras returns');
  });

  it('records a trace whose numbers recompute the LSTM step by step', () => {
    const layer = canonicalLayer('lstm', 3, 4, 1);
    const x = randomSequence(2, 2, 5, 3);
    const r = runLayer(layer, x, { trace: true });
    assert.equal(r.trace!.length, 2);
    const H = 4, GH = 16;
    for (const tr of r.trace!) {
      assert.deepEqual(tr.gates.map((g) => g.gate), ['i', 'f', 'c', 'o']);
      let cPrev = new Float64Array(H);
      for (let s = 0; s < tr.steps; s++) {
        assert.equal(tr.timeIndex[s], s);
        const o = s * GH;
        for (let j = 0; j < GH; j++) assert.equal(tr.z[o + j], tr.zx[o + j] + tr.zh[o + j]);
        for (let m = 0; m < H; m++) {
          const i = sigmoid(tr.z[o + m]), f = sigmoid(tr.z[o + H + m]), g = Math.tanh(tr.z[o + 2 * H + m]), og = sigmoid(tr.z[o + 3 * H + m]);
          assert.equal(tr.a[o + m], i);
          const c = f * cPrev[m] + i * g;
          assert.ok(Math.abs(tr.c![s * H + m] - c) < 1e-15);
          assert.ok(Math.abs(tr.h[s * H + m] - og * Math.tanh(c)) < 1e-15);
          const row = (tr.batchIndex * 5 + s) * H + m;
          assert.equal(r.output.data[row], tr.h[s * H + m], 'output row = trace h');
        }
        cPrev = tr.c!.slice(s * H, (s + 1) * H);
      }
      assert.deepEqual(Array.from(r.finalStates[0].h.subarray(tr.batchIndex * H, (tr.batchIndex + 1) * H)), Array.from(tr.h.subarray(4 * H)));
    }
  });

  it('applies the GRU reset gate before or after the recurrent matmul as configured', () => {
    const after = canonicalLayer('gru', 2, 3, 20, { resetAfter: true });
    const before: RecurrentLayer = { ...after, resetAfter: false };
    const x = randomSequence(21, 1, 3, 2);
    const ra = runLayer(after, x, { trace: true }).trace![0];
    const rb = runLayer(before, x, { trace: true }).trace![0];
    const H = 3, d = before.directions[0];
    // Step 1 (h0 = 0 at step 0, so look at step 1): reset-before n block = R_n·(r⊙h_prev) + bR_n.
    const s = 1, hPrev = rb.h.subarray(0, H);
    for (let m = 0; m < H; m++) {
      let acc = d.bR[2 * H + m];
      for (let j = 0; j < H; j++) acc += d.R[(2 * H + m) * H + j] * rb.a[s * 9 + H + j] * hPrev[j];
      assert.ok(Math.abs(rb.zh[s * 9 + 2 * H + m] - acc) < 1e-15);
      // reset-after: z_n = zx_n + r ⊙ (R_n·h + bR_n)
      assert.ok(Math.abs(ra.z[s * 9 + 2 * H + m] - (ra.zx[s * 9 + 2 * H + m] + ra.a[s * 9 + H + m] * ra.zh[s * 9 + 2 * H + m])) < 1e-15);
    }
    assert.notDeepEqual(Array.from(ra.h), Array.from(rb.h));
  });

  it('Keras mask: a masked step keeps the state and repeats the previous output, or outputs zeros', () => {
    const layer = canonicalLayer('gru', 2, 3, 30);
    const x = randomSequence(31, 1, 4, 2);
    const mask = Uint8Array.of(1, 0, 1, 0);
    const r = runLayer(layer, x, { mask });
    const out = r.output.data, H = 3;
    close(out.subarray(H, 2 * H), out.subarray(0, H), 0, 'step 1 repeats step 0');
    close(out.subarray(3 * H, 4 * H), out.subarray(2 * H, 3 * H), 0, 'step 3 repeats step 2');
    // Equivalent to running only the kept steps.
    const kept = seq([...x.data.subarray(0, 2), ...x.data.subarray(4, 6)], 1, 2, 2);
    const rk = runLayer(layer, kept);
    close(r.finalStates[0].h, rk.finalStates[0].h, 0, 'final state = last kept step');
    const z = runLayer(layer, x, { mask, zeroOutputForMask: true }).output.data;
    close(z.subarray(H, 2 * H), [0, 0, 0], 0, 'zero output');
  });

  it('sequence lengths: zeros past the length, the reverse direction starts at len − 1', () => {
    const layer = canonicalLayer('lstm', 2, 2, 40, {}, 2);
    const x = randomSequence(41, 2, 5, 2);
    const r = runLayer(layer, x, { sequenceLengths: Int32Array.of(3, 5) });
    const short = runLayer(layer, seq(x.data.subarray(0, 6), 1, 3, 2));
    // batch item 0 with length 3 equals the 3-step sequence run alone, both directions.
    for (let d = 0; d < 2; d++) {
      close(r.directionOutputs[d].data.subarray(0, 6), short.directionOutputs[d].data, 0, `direction ${d}`);
      close(r.directionOutputs[d].data.subarray(6, 10), [0, 0, 0, 0], 0, 'zeros past the length');
      close(r.finalStates[d].h.subarray(0, 2), short.finalStates[d].h, 0, 'final state');
    }
  });

  it('the backward direction equals a forward run over the reversed input; go_backwards keeps processing order', () => {
    const bi = canonicalLayer('simple_rnn', 2, 3, 50, {}, 2);
    const x = randomSequence(51, 2, 4, 2);
    const r = runLayer(bi, x);
    const back: RecurrentLayer = { ...bi, directions: [bi.directions[1]], merge: undefined };
    const onReversed = runLayer(back, reverseTime(x));
    close(r.directionOutputs[1].data, reverseTime(onReversed.output).data, 0, 'aligned to time');
    const gb = runLayer({ ...back, goBackwards: true }, x);
    close(gb.output.data, onReversed.output.data, 0, 'go_backwards = processing order');
    const onnxReverse = runLayer({ ...back, reverse: true }, x);
    close(onnxReverse.output.data, r.directionOutputs[1].data, 0, 'ONNX reverse = time aligned');
    // concat merge puts [forward, backward] per step.
    close(r.output.data.subarray(0, 6), [...r.directionOutputs[0].data.subarray(0, 3), ...r.directionOutputs[1].data.subarray(0, 3)], 0, 'concat');
  });

  it('merges directions by sum, mul, ave and keeps the last step with return_sequences=false', () => {
    const bi = canonicalLayer('gru', 2, 2, 60, {}, 2);
    const x = randomSequence(61, 1, 3, 2);
    const [f, b] = runLayer(bi, x).directionOutputs.map((s) => s.data);
    close(runLayer({ ...bi, merge: 'sum' }, x).output.data, f.map((v, k) => v + b[k]), 0, 'sum');
    close(runLayer({ ...bi, merge: 'mul' }, x).output.data, f.map((v, k) => v * b[k]), 0, 'mul');
    close(runLayer({ ...bi, merge: 'ave' }, x).output.data, f.map((v, k) => (v + b[k]) / 2), 0, 'ave');
    const last = runLayer({ ...bi, returnSequences: false }, x).output;
    assert.equal(last.steps, 1);
    close(last.data, [f[4], f[5], b[0], b[1]], 0, 'forward last step, backward first time step');
  });

  it('projects h with the PyTorch proj_size matrix', () => {
    const layer = canonicalLayer('lstm', 2, 3, 70, { projSize: 2 });
    const r = runLayer(layer, randomSequence(71, 1, 2, 2), { trace: true });
    assert.equal(r.output.features, 2);
    assert.equal(r.finalStates[0].c!.length, 3);
    const tr = r.trace![0], P = layer.directions[0].proj!;
    for (let p = 0; p < 2; p++) {
      let acc = 0;
      for (let m = 0; m < 3; m++) acc += P[p * 3 + m] * tr.a[12 + 9 + m] * Math.tanh(tr.c![3 + m]);
      assert.ok(Math.abs(tr.h[2 + p] - acc) < 1e-15);
    }
  });

  it('ONNX clip bounds every gate pre-activation, input_forget sets f = 1 − i, TF1 forget_bias and cell_clip', () => {
    const base = canonicalLayer('lstm', 2, 3, 80);
    const x = randomSequence(81, 1, 4, 2, -3, 3);
    const clipped = runLayer({ ...base, clip: 0.3 }, x, { trace: true }).trace![0];
    assert.ok(clipped.z.every((v) => Math.abs(v) <= 0.3));
    assert.ok(clipped.z.some((v) => Math.abs(v) === 0.3));
    const tied = runLayer({ ...base, inputForget: true }, x, { trace: true }).trace![0];
    for (let s = 0; s < 4; s++) for (let m = 0; m < 3; m++) assert.equal(tied.a[s * 12 + 3 + m], 1 - tied.a[s * 12 + m]);
    const d = base.directions[0];
    const folded: RecurrentLayer = { ...base, directions: [{ ...d, bW: d.bW.map((v, k) => (k >= 3 && k < 6 ? v + 1 : v)) }] };
    close(runLayer({ ...base, forgetBias: 1 }, x).output.data, runLayer(folded, x).output.data, 1e-15, 'forget_bias = +1 on the f block');
    const cc = runLayer({ ...base, cellClip: 0.2 }, x, { trace: true }).trace![0];
    assert.ok(cc.c!.every((v) => Math.abs(v) <= 0.2));
  });

  it('ONNX peepholes: i and f see c_{t−1}, o sees c_t', () => {
    const base = canonicalLayer('lstm', 1, 2, 90);
    const peephole = rng(91, 6);
    const layer: RecurrentLayer = { ...base, directions: [{ ...base.directions[0], peephole }] };
    const tr = runLayer(layer, randomSequence(92, 1, 2, 1), { trace: true }).trace![0];
    const s = 1, o = 8, H = 2;
    for (let m = 0; m < H; m++) {
      const cPrev = tr.c![m], cNow = tr.c![H + m];
      assert.ok(Math.abs(tr.z[o + m] - (tr.zx[o + m] + tr.zh[o + m] + peephole[m] * cPrev)) < 1e-15);
      assert.ok(Math.abs(tr.z[o + H + m] - (tr.zx[o + H + m] + tr.zh[o + H + m] + peephole[H + m] * cPrev)) < 1e-15);
      assert.ok(Math.abs(tr.z[o + 3 * H + m] - (tr.zx[o + 3 * H + m] + tr.zh[o + 3 * H + m] + peephole[2 * H + m] * cNow)) < 1e-15);
    }
    assert.equal(s, 1);
  });

  it('runs a batch exactly as each sequence alone (batched recurrent products), with lengths and masks', () => {
    const variants: RecurrentLayer[] = [
      canonicalLayer('lstm', 3, 4, 150, { projSize: 2 }, 2),
      canonicalLayer('gru', 3, 4, 151, { resetAfter: false }, 2),
      canonicalLayer('gru', 3, 4, 152, { resetAfter: true }),
      canonicalLayer('simple_rnn', 3, 4, 153, { goBackwards: true }),
    ];
    const N = 3, T = 5;
    const x = randomSequence(154, N, T, 3);
    const lengths = Int32Array.of(5, 2, 4);
    const mask = Uint8Array.of(1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1);
    for (const layer of variants) {
      for (const opts of [{ sequenceLengths: lengths }, { mask }]) {
        const all = runLayer(layer, x, { ...opts, kernels: jsKernels, trace: true });
        for (let b = 0; b < N; b++) {
          const xb = seq(x.data.subarray(b * T * 3, (b + 1) * T * 3), 1, T, 3);
          const one = runLayer(layer, xb, {
            kernels: jsKernels, trace: true,
            ...('sequenceLengths' in opts ? { sequenceLengths: Int32Array.of(lengths[b]) } : { mask: mask.slice(b * T, (b + 1) * T) }),
          });
          const F = all.output.features;
          assert.deepEqual(Array.from(all.output.data.subarray(b * T * F, (b + 1) * T * F)), Array.from(one.output.data), `${layer.cell} item ${b}`);
          all.finalStates.forEach((fs, d) => {
            const w = fs.h.length / N;
            assert.deepEqual(Array.from(fs.h.subarray(b * w, (b + 1) * w)), Array.from(one.finalStates[d].h));
          });
          const trAll = all.trace!.filter((t) => t.batchIndex === b), trOne = one.trace!;
          trAll.forEach((t, k) => { assert.deepEqual(Array.from(t.zh), Array.from(trOne[k].zh)); assert.deepEqual(Array.from(t.h), Array.from(trOne[k].h)); });
        }
      }
    }
  });

  it('the fused standard-cell path gives bit-identical numbers to the general path', () => {
    // A clip no value reaches sends the same layer through the general path.
    const layers = [
      canonicalLayer('lstm', 3, 5, 160, { forgetBias: 1 }, 2),
      canonicalLayer('gru', 3, 5, 161, { resetAfter: true }),
      canonicalLayer('simple_rnn', 3, 5, 162),
    ];
    const x = randomSequence(163, 3, 6, 3, -2, 2);
    for (const layer of layers) {
      const fast = runLayer(layer, x, { trace: true, kernels: jsKernels });
      const general = runLayer({ ...layer, clip: 1e300 }, x, { trace: true, kernels: jsKernels });
      assert.deepEqual(Array.from(fast.output.data), Array.from(general.output.data), layer.cell);
      fast.trace!.forEach((t, k) => {
        for (const key of ['z', 'a', 'h'] as const) assert.deepEqual(Array.from(t[key]), Array.from(general.trace![k][key]), `${layer.cell} trace ${key}`);
        if (t.c) assert.deepEqual(Array.from(t.c), Array.from(general.trace![k].c!));
      });
    }
  });

  it('a single sequence (the one-sequence path, trace written in place) gives bit-identical results to the batch path', () => {
    // An all-ones mask changes nothing but sends the same run through the general batch path.
    const variants: RecurrentLayer[] = [
      canonicalLayer('lstm', 3, 5, 170, { projSize: 3 }, 2),
      canonicalLayer('lstm', 3, 5, 171, { forgetBias: 1, reverse: true }),
      canonicalLayer('lstm', 3, 9, 172, { returnSequences: false }, 2),
      canonicalLayer('gru', 3, 5, 173, { resetAfter: true }, 2),
      canonicalLayer('gru', 3, 12, 174, { resetAfter: true, goBackwards: true }),
      canonicalLayer('simple_rnn', 3, 5, 175, { goBackwards: true }),
      canonicalLayer('simple_rnn', 3, 40, 176, {}, 2),
    ];
    const T = 6;
    const x = randomSequence(177, 1, T, 3, -2, 2);
    const allOnes = new Uint8Array(T).fill(1);
    for (const layer of variants) {
      const Hr = layer.projSize ?? layer.units;
      const D = layer.directions.length;
      const init = layer.directions.map((_, d) => ({ h: rng(178 + d, Hr), ...(layer.cell === 'lstm' ? { c: rng(180 + d, layer.units) } : {}) }));
      for (const kernels of [jsKernels, getKernels()]) {
        for (const extra of [{}, { sequenceLengths: Int32Array.of(4) }, { sequenceLengths: Int32Array.of(0) }, { initialStates: init }]) {
          for (const trace of [true, false]) {
            const what = `${layer.cell} ${D} dir ${kernels.name} ${JSON.stringify(extra)} trace=${trace}`;
            const one = runLayer(layer, x, { ...extra, trace, kernels });
            const general = runLayer(layer, x, { ...extra, trace, kernels, mask: allOnes });
            assert.deepEqual(Array.from(one.output.data), Array.from(general.output.data), `${what} output`);
            one.directionOutputs.forEach((o, d) => assert.deepEqual(Array.from(o.data), Array.from(general.directionOutputs[d].data), `${what} direction ${d}`));
            one.finalStates.forEach((fs, d) => {
              assert.deepEqual(Array.from(fs.h), Array.from(general.finalStates[d].h), `${what} final h`);
              assert.deepEqual(fs.c && Array.from(fs.c), general.finalStates[d].c && Array.from(general.finalStates[d].c), `${what} final c`);
            });
            assert.equal(one.trace?.length, general.trace?.length);
            one.trace?.forEach((t, k) => {
              const g = general.trace![k];
              assert.deepEqual([t.direction, t.batchIndex, t.steps, t.units, t.gates], [g.direction, g.batchIndex, g.steps, g.units, g.gates]);
              for (const key of ['timeIndex', 'zx', 'zh', 'z', 'a', 'h', 'c'] as const) {
                assert.deepEqual(t[key] && Array.from(t[key]), g[key] && Array.from(g[key]), `${what} trace ${k} ${key}`);
              }
            });
          }
        }
      }
    }
  });

  it('streams: one-step calls carrying the state reproduce one run over the sequence, and no result changes afterwards', () => {
    for (const layer of [canonicalLayer('lstm', 4, 6, 190), canonicalLayer('gru', 4, 6, 191, { resetAfter: true }), canonicalLayer('lstm', 4, 6, 192, { projSize: 2 })]) {
      const T = 7, Hr = layer.projSize ?? layer.units;
      const x = randomSequence(193, 1, T, 4);
      const whole = runLayer(layer, x, { trace: true, kernels: jsKernels });
      const calls = [];
      let state: { h: Float64Array; c?: Float64Array } | undefined;
      for (let t = 0; t < T; t++) {
        const r = runLayer(layer, seq(x.data.subarray(t * 4, (t + 1) * 4), 1, 1, 4), { trace: true, kernels: jsKernels, ...(state ? { initialStates: [state] } : {}) });
        calls.push({ r, copy: { out: Array.from(r.output.data), h: Array.from(r.finalStates[0].h), z: Array.from(r.trace![0].z) } });
        state = r.finalStates[0];
      }
      calls.forEach(({ r, copy }, t) => {
        assert.deepEqual(Array.from(r.output.data), copy.out, `${layer.cell} call ${t} output changed by a later call`);
        assert.deepEqual(Array.from(r.finalStates[0].h), copy.h);
        assert.deepEqual(Array.from(r.trace![0].z), copy.z);
        assert.deepEqual(copy.out, Array.from(whole.output.data.subarray(t * Hr, (t + 1) * Hr)), `${layer.cell} step ${t}`);
        assert.deepEqual(copy.z, Array.from(whole.trace![0].z.subarray(t * r.trace![0].z.length, (t + 1) * r.trace![0].z.length)));
      });
      assert.deepEqual(Array.from(state!.h), Array.from(whole.finalStates[0].h));
    }
  });

  it('checks each weight array once: a layer rebuilt around checked arrays runs, a new array with NaN is still caught', () => {
    const layer = canonicalLayer('lstm', 2, 3, 195);
    const x = randomSequence(196, 1, 3, 2);
    const first = runLayer(layer, x).output.data;
    assert.deepEqual(Array.from(runLayer({ ...layer }, x).output.data), Array.from(first));
    const R = layer.directions[0].R.slice();
    R[7] = NaN;
    assert.throws(() => runLayer({ ...layer, directions: [{ ...layer.directions[0], R }] }, x), /direction 0 \(forward\) R\[7\] \(row 2, column 1\) is NaN/);
  });

  it('gives the same numbers with the JavaScript kernels and the default kernels', () => {
    const layer = canonicalLayer('lstm', 24, 40, 100, {}, 2);
    const x = randomSequence(101, 3, 12, 24);
    const a = runLayer(layer, x, { kernels: jsKernels }).output.data;
    const b = runLayer(layer, x, { kernels: getKernels() }).output.data;
    close(a, b, 1e-13, `${getKernels().name} vs js-f64`);
  });

  it('runs a stacked model with a per-step Dense head (softmax rows sum to 1)', () => {
    const l1 = canonicalLayer('lstm', 2, 3, 110);
    const l2 = canonicalLayer('gru', 3, 4, 111);
    const dense = { kind: 'dense' as const, inputSize: 4, units: 3, W: rng(112, 12), b: rng(113, 3), activation: { name: 'softmax' } };
    const r = runModel({ layers: [l1, l2, dense] }, randomSequence(114, 2, 5, 2));
    assert.equal(r.layers.length, 3);
    assert.deepEqual([r.output.batch, r.output.steps, r.output.features], [2, 5, 3]);
    for (let row = 0; row < 10; row++) assert.ok(Math.abs(r.output.data[row * 3] + r.output.data[row * 3 + 1] + r.output.data[row * 3 + 2] - 1) < 1e-15);
    const direct = runDense({ ...dense, activation: { name: 'linear' } }, r.layers[1].output);
    assert.equal(direct.output.data.length, 30);
  });

  it('lays results out as each framework returns them', () => {
    const layer = canonicalLayer('lstm', 2, 3, 120, {}, 2);
    const x = randomSequence(121, 2, 4, 2);
    const r = runLayer(layer, x);
    const onnx = toFrameworkLayout(r, 'onnx', layer);
    assert.deepEqual(onnx.output!.shape, [4, 2, 2, 3]);
    // Y[t, d, n, :] = direction d output for batch n at time t.
    const t = 2, d = 1, n = 1;
    close(onnx.output!.data.subarray(((t * 2 + d) * 2 + n) * 3, ((t * 2 + d) * 2 + n + 1) * 3), r.directionOutputs[d].data.subarray((n * 4 + t) * 3, (n * 4 + t + 1) * 3), 0, 'Y');
    assert.deepEqual(onnx.h!.shape, [2, 2, 3]);
    const pt = toFrameworkLayout(r, 'pytorch', layer);
    assert.deepEqual(pt.output!.shape, [2, 4, 6]);
    close(pt.h!.data.subarray(6, 12), r.finalStates[1].h, 0, 'h_n[1] = reverse direction');
    const keras = toFrameworkLayout(runLayer({ ...layer, merge: 'none' }, x), 'keras', { ...layer, merge: 'none' });
    assert.equal(keras.outputs!.length, 2);
    assert.deepEqual(keras.states!.map((a) => a.shape), [[2, 3], [2, 3], [2, 3], [2, 3]], 'Bidirectional return_state h_f, c_f, h_b, c_b');
    close(keras.states![2].data, r.finalStates[1].h, 0, 'h_b');
    const tm = toFrameworkLayout(r, 'pytorch', layer, { batchFirst: false });
    assert.deepEqual(tm.output!.shape, [4, 2, 6]);
    // (t=1, n=1) row of the time-major output = (n=1, t=1) row of the batch-first one.
    close(tm.output!.data.subarray((1 * 2 + 1) * 6, (1 * 2 + 2) * 6), pt.output!.data.subarray((1 * 4 + 1) * 6, (1 * 4 + 2) * 6), 0, 'batch_first=False');
  });

  it('seeded inputs are reproducible, in range and differ by seed', () => {
    const a = randomSequence(42, 2, 50, 3), b = randomSequence(42, 2, 50, 3), c = randomSequence(43, 2, 50, 3);
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
    assert.notDeepEqual(Array.from(a.data), Array.from(c.data));
    assert.ok(a.data.every((v) => v >= -1 && v < 1));
    const r = new SeededRandom(0);
    let sum = 0;
    for (let k = 0; k < 20000; k++) { const u = r.next(); assert.ok(u >= 0 && u < 1); sum += u; }
    assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01, 'uniform mean');
    // Two generators from the same seed produce the same 32-bit stream.
    const first = new SeededRandom(0);
    const pinned = [first.nextUint32(), first.nextUint32(), first.nextUint32()];
    const again = new SeededRandom(0);
    assert.deepEqual([again.nextUint32(), again.nextUint32(), again.nextUint32()], pinned);
    assert.throws(() => new SeededRandom(NaN), /finite/);
  });

  describe('errors say exactly what is wrong', () => {
    const layer = canonicalLayer('lstm', 2, 3, 130);
    const code = (c: string, re: RegExp) => (e: unknown) => e instanceof GateLensError && e.code === c && re.test(e.message);

    it('input width', () => {
      assert.throws(() => runLayer(layer, randomSequence(1, 1, 2, 3)), code('input-shape', /3 feature\(s\) per step but .* expects inputSize = 2/));
    });
    it('NaN or Inf in the input, with its index', () => {
      const x = randomSequence(1, 1, 2, 2);
      x.data[3] = NaN;
      assert.throws(() => runLayer(layer, x), code('non-finite', /input\[3\] \(row 1, column 1\) is NaN/));
    });
    it('NaN or Inf in the weights, naming the array', () => {
      const bad = canonicalLayer('gru', 2, 2, 131);
      bad.directions[0].R[5] = Infinity;
      assert.throws(() => runLayer(bad, randomSequence(1, 1, 2, 2)), code('non-finite', /direction 0 \(forward\) R\[5\] \(row 2, column 1\) is Infinity/));
    });
    it('mask and lengths shapes, initial state sizes', () => {
      const x = randomSequence(1, 2, 3, 2);
      assert.throws(() => runLayer(layer, x, { mask: new Uint8Array(5) }), code('mask-shape', /5 entries but needs batch × steps = 2 × 3 = 6/));
      assert.throws(() => runLayer(layer, x, { sequenceLengths: Int32Array.of(3) }), code('lengths-shape', /1 entries but the batch has 2/));
      assert.throws(() => runLayer(layer, x, { sequenceLengths: Int32Array.of(3, 4) }), code('lengths-shape', /sequenceLengths\[1\] = 4 is outside 0..3/));
      assert.throws(() => runLayer(layer, x, { initialStates: [{ h: new Float64Array(3) }] }), code('shape-mismatch', /initial h of direction 0 has 3 values but needs batch × H = 2 × 3 = 6/));
    });
    it('wrong weight sizes in a hand-built layer', () => {
      const bad: RecurrentLayer = { ...layer, directions: [{ ...layer.directions[0], W: new Float64Array(5) }] };
      assert.throws(() => runLayer(bad, randomSequence(1, 1, 2, 2)), /W has 5 values but needs \(G·H × I\) = \(12 × 2\) = 24/);
    });
    it('cancellation between steps', () => {
      const signal = { aborted: true };
      assert.throws(() => runLayer(layer, randomSequence(1, 1, 2, 2), { signal }), code('cancelled', /cancelled/));
    });
  });

  it('matches TF1 LSTMCell with num_proj, use_peepholes and cell_clip (TensorFlow 2.21 legacy rnn_cell_impl, float64)', () => {
    // Generated by tensorflow.python.keras.layers.legacy_rnn.rnn_cell_impl.LSTMCell(3, num_proj=2, use_peepholes=True,
    // cell_clip=0.5, forget_bias=1.0, dtype=float64) stepped over x; the cell clip is reached (c[1] = 0.5).
    const weights: NativeTensors = {"kernel": {"shape": [4, 12], "data": [-0.5936816345213103, 0.38547410205931953, 0.3564833145024554, -0.038478056587535114, -0.23636108781682375, -0.265889265479072, -0.29415649481505046, -0.06590843294082416, 0.005457910749543937, 0.06419682248939096, 0.5946003401212713, 0.3511943030565037, 0.14661507532939522, 0.5867521772182619, -0.34162956211728124, -0.40774555937058654, 0.13504752512763696, -0.5472695904463399, -0.5571836654716846, 0.017866584325644363, -0.04055276960965304, 0.5006013278314226, 0.15507150538921255, 0.016941175919416684, -0.0037518775277949334, -0.302982093567203, -0.585847169348993, -0.3691174272176272, 0.23043854505820704, -0.35927193121560574, -0.15655642727735192, -0.5955189095375089, 0.3960572757620947, -0.41464670272627213, -0.27888083452345747, 0.45639858477699435, 0.01174897184210777, 0.4165802956390431, 0.16766060033103147, 0.2901251368342286, -0.4902052739243452, 0.04937258565178648, 0.00932668356041999, 0.4456072520314568, -0.1664831291830109, 0.1178208806486557, -0.5288980291853956, -0.13484183866712557]}, "bias": {"shape": [12], "data": [-0.21235638449015198, -0.41976032511545774, 0.37960572458289077, -0.14466459413962507, 0.574497461293466, 0.10799003161273235, 0.1260675045958215, 0.16559589694599863, 0.211740292575346, -0.41905437699795756, -0.07162383937417494, -0.31252324580457197]}, "w_f_diag": {"shape": [3], "data": [-0.11700204227522204, -0.4839550872819052, 0.5613936612585856]}, "w_i_diag": {"shape": [3], "data": [-0.34199515517294393, 0.2061181951335419, -0.23949590222511563]}, "w_o_diag": {"shape": [3], "data": [0.44889243137940527, 0.19465768600614453, -0.4420610210300331]}, "projection/kernel": {"shape": [3, 2], "data": [0.41408918504946357, 0.5339378053739755, 0.48470014583511223, 0.08366297743113271, -0.4254480554868877, -0.36904380603800113]}};
    const layer = fromNative('tf1', 'lstm', weights, { cellClip: 0.5, forgetBias: 1 });
    assert.equal(layer.projSize, 2);
    const r = runLayer(layer, seq([0.25019093320933394, 0.794427601939151, 0.551371380490387, -0.5495856200188163, -0.39966743017754913, 0.7471068907925238], 1, 3, 2));
    close(r.output.data, [0.08113708547774692, -0.00037614289441419146, 0.07224055537393825, -0.008450204656333388, 0.06555640742358607, -0.0413138670236508], 1e-15, 'outputs');
    close(r.finalStates[0].c!, [-0.33537221753888535, 0.5, -0.10538089910087163], 1e-15, 'c');
    close(r.finalStates[0].h, [0.06555640742358607, -0.0413138670236508], 1e-15, 'h');
  });

  it('converts and runs a Keras layer given as native arrays end to end', () => {
    const t: NativeTensors = {
      kernel: { shape: [2, 6], data: rng(140, 12) }, recurrent_kernel: { shape: [2, 6], data: rng(141, 12) },
    };
    const r = runLayer(fromNative('keras', 'gru', t, { resetAfter: false }), randomSequence(142, 1, 3, 2));
    assert.equal(r.output.data.length, 6);
    assert.ok(r.output.data.every((v) => Number.isFinite(v) && Math.abs(v) < 1));
  });
});
