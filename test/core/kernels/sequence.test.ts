import * as assert from 'node:assert/strict';
import type { CellKind } from '../../../src/core/conventions';
import { runLayer } from '../../../src/core/forward';
import type { Kernels } from '../../../src/core/kernels/types';
import { createWasmKernels, KERNEL_MODULES, setPieceSteps, setTraceChunkBytes, WasmRuntime, wasmKernels, type KernelExports } from '../../../src/core/kernels/wasm';
import { jsKernels } from '../../../src/core/kernels/js';
import type { LayerResult, RecurrentLayer } from '../../../src/core/model';
import { mulberry32Signed } from '../../../src/core/random';

function layerOf(cell: CellKind, H: number, D: number, seed: number, extra: Partial<RecurrentLayer> = {}, directions = 1): RecurrentLayer {
  const next = mulberry32Signed(seed);
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const arr = (n: number, fan: number) => Float64Array.from({ length: n }, () => (2.5 * next()) / Math.sqrt(fan));
  const dir = () => ({ W: arr(G * H * D, D), R: arr(G * H * H, H), bW: arr(G * H, 2), bR: arr(G * H, 2) });
  return {
    kind: 'recurrent', cell, units: H, inputSize: D,
    activations: { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } },
    directions: Array.from({ length: directions }, dir),
    ...extra,
  };
}

function assertSame(a: LayerResult, b: LayerResult, what: string): void {
  assert.deepEqual(Array.from(a.output.data), Array.from(b.output.data), `${what}: output`);
  a.directionOutputs.forEach((o, d) => assert.deepEqual(Array.from(o.data), Array.from(b.directionOutputs[d].data), `${what}: direction ${d}`));
  a.finalStates.forEach((s, d) => {
    assert.deepEqual(Array.from(s.h), Array.from(b.finalStates[d].h), `${what}: final h`);
    assert.deepEqual(s.c && Array.from(s.c), b.finalStates[d].c && Array.from(b.finalStates[d].c), `${what}: final c`);
  });
  assert.equal(a.trace?.length, b.trace?.length);
  a.trace?.forEach((t, k) => {
    const u = b.trace![k];
    assert.deepEqual([t.direction, t.batchIndex, t.steps, t.units, t.gates], [u.direction, u.batchIndex, u.steps, u.units, u.gates], `${what}: trace ${k}`);
    for (const key of ['timeIndex', 'zx', 'zh', 'z', 'a', 'h', 'c'] as const) {
      assert.deepEqual(t[key] && Array.from(t[key]), u[key] && Array.from(u[key]), `${what}: trace ${k} ${key}`);
    }
  });
}

describe('the WebAssembly sequence kernel (runSequence: whole standard-cell sequence in linear memory)', () => {
  const wasm = wasmKernels()!;
  // The same kernels without runSequence: forward.ts then steps through the sequence itself (gemvBias per step,
  // activations with Math.exp / Math.tanh), which is the reference the sequence kernel must match bit for bit.
  const stepped: Kernels = { name: wasm.name, gemmBias: wasm.gemmBias, gemvBias: wasm.gemvBias };

  /** Runs every variant through the sequence kernel and the stepped loop, asserts the same bits; returns how often the kernel took the job. */
  function compareWithSteppedLoop(): number {
    let taken = 0;
    const counting: Kernels = { ...wasm, runSequence: (job) => { const ok = wasm.runSequence!(job); if (ok) taken++; return ok; } };
    const variants: [string, CellKind, Partial<RecurrentLayer>, number][] = [
      ['LSTM', 'lstm', {}, 1],
      ['LSTM forget_bias, two directions', 'lstm', { forgetBias: 1 }, 2],
      ['LSTM go_backwards', 'lstm', { goBackwards: true }, 1],
      ['GRU reset_after', 'gru', { resetAfter: true }, 1],
      ['GRU reset_after, two directions', 'gru', { resetAfter: true, returnSequences: false }, 2],
      ['SimpleRNN', 'simple_rnn', {}, 1],
      ['SimpleRNN reverse', 'simple_rnn', { reverse: true }, 1],
    ];
    for (const [label, cell, extra, dirs] of variants) {
      for (const [H, D, T] of [[17, 5, 9], [32, 7, 12], [33, 16, 6], [64, 32, 1]]) {
        const layer = layerOf(cell, H, D, H * 31 + D, extra, dirs);
        const next = mulberry32Signed(H + T);
        const x = { data: Float64Array.from({ length: T * D }, () => 3 * next()), batch: 1, steps: T, features: D };
        const Hr = H;
        const init = layer.directions.map((_, d) => ({
          h: Float64Array.from({ length: Hr }, mulberry32Signed(d + 5)), ...(cell === 'lstm' ? { c: Float64Array.from({ length: H }, mulberry32Signed(d + 7)) } : {}),
        }));
        const lengths = [undefined, Int32Array.of(Math.max(0, T - 3)), Int32Array.of(0)];
        for (const sequenceLengths of lengths) {
          for (const initialStates of [undefined, init]) {
            for (const trace of [true, false]) {
              const what = `${label} H=${H} D=${D} T=${T} len=${sequenceLengths?.[0] ?? T} init=${!!initialStates} trace=${trace}`;
              const options = { trace, sequenceLengths, initialStates };
              assertSame(runLayer(layer, x, { ...options, kernels: counting }), runLayer(layer, x, { ...options, kernels: stepped }), what);
            }
          }
        }
      }
    }
    return taken;
  }

  it('takes the standard cells and gives bit-identical outputs, states and trace to the stepped loop', () => {
    const taken = compareWithSteppedLoop();
    assert.ok(taken > 300, `the sequence kernel ran ${taken} times`);
  });

  it('gives the same bits when it runs the sequence in pieces of one or a few steps (trace copied piece by piece)', () => {
    // 1 byte: one step per piece; 6000 bytes: 1 to 10 steps per piece depending on the shape, so pieces end mid-sequence.
    for (const bytes of [1, 6000]) {
      const old = setTraceChunkBytes(bytes);
      try {
        assert.ok(compareWithSteppedLoop() > 300);
      } finally {
        setTraceChunkBytes(old);
      }
    }
  });

  it('gives the same bits when a sequence without trace pieces and its input projection run a few steps per call', () => {
    // The default is 32 steps per call (a one-shot run's kernels leave baseline code between calls); 1 and 5 make
    // every shape above end pieces mid-sequence, with and without a trace, in both directions.
    for (const steps of [1, 5]) {
      setPieceSteps(steps);
      try {
        assert.ok(compareWithSteppedLoop() > 300);
      } finally {
        setPieceSteps(undefined);
      }
    }
  });

  it('does not hold a long trace in linear memory: an 18 MB trace grows the memory by less than its inputs, outputs and weights', () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(KERNEL_MODULES.simd), {}).exports as unknown as KernelExports;
    const own = createWasmKernels(new WasmRuntime(exports));
    const H = 64, D = 8, T = 2000;
    const layer = layerOf('lstm', H, D, 3);
    const next = mulberry32Signed(4);
    const x = { data: Float64Array.from({ length: T * D }, next), batch: 1, steps: T, features: D };
    const before = exports.memory.buffer.byteLength;
    const result = runLayer(layer, x, { trace: true, kernels: own });
    const traceBytes = 8 * T * (4 * 4 * H + 2 * H);
    // x, x·Wᵀ + bW and the outputs: T · (D + 4H + H) doubles, 5.2 MB; the trace alone is 18 MB.
    const grown = exports.memory.buffer.byteLength - before;
    assert.ok(grown < traceBytes / 2, `linear memory grew by ${grown} bytes for a trace of ${traceBytes}`);
    assertSame(result, runLayer(layer, x, { trace: true, kernels: stepped }), 'long LSTM');
  });

  it('declines what the step loop would run on the plain kernels (products under 64 multiply-adds)', () => {
    let calls = 0, taken = 0;
    const counting: Kernels = { ...wasm, runSequence: (job) => { calls++; const ok = wasm.runSequence!(job); if (ok) taken++; return ok; } };
    const x = (D: number) => ({ data: new Float64Array(4 * D).fill(0.5), batch: 1, steps: 4, features: D });
    runLayer(layerOf('lstm', 3, 2, 1), x(2), { kernels: counting, trace: true });
    assert.equal([calls, taken].join(), '1,0');
    runLayer(layerOf('gru', 8, 4, 1, { resetAfter: false }), x(4), { kernels: counting, trace: true });
    assert.equal([calls, taken].join(), '1,0', 'a reset-before GRU is not a standard cell');
    runLayer(layerOf('gru', 8, 4, 1, { resetAfter: true }), x(4), { kernels: counting, trace: true });
    assert.equal([calls, taken].join(), '2,1');
  });
});

describe('runLayer reuse: an earlier result\'s memory written again (no fresh pages per run)', () => {
  const wasm = wasmKernels()!;
  const kernelSets: [string, Kernels | undefined][] = [['wasm', wasm], ['js', jsKernels]];
  for (const [name, kernels] of kernelSets) {
    it(`gives the numbers of a fresh run, in the earlier result's buffer (${name} kernels; sequence lengths, reverse, both directions)`, () => {
      for (const [cell, extra, directions] of [['lstm', {}, 1], ['gru', { resetAfter: true }, 2], ['simple_rnn', { goBackwards: true }, 1]] as const) {
        const layer = layerOf(cell, 24, 5, 7, extra, directions);
        const next = mulberry32Signed(3);
        const x = Float64Array.from({ length: 30 * 5 }, () => next());
        const input = { data: x, batch: 1, steps: 30, features: 5 };
        const full = runLayer(layer, input, { trace: true, kernels });
        const short = { trace: true, kernels, sequenceLengths: Int32Array.of(17) };
        const fresh = runLayer(layer, input, short);
        // A result of the other length has buffers of another size: not reused, still right.
        assertSame(runLayer(layer, input, { ...short, reuse: full }), fresh, `${cell} other size`);
        const first = runLayer(layer, input, short);
        const firstBuffers = first.directionOutputs.map((o) => o.data.buffer);
        const again = runLayer(layer, input, { ...short, reuse: first });
        assertSame(again, fresh, `${cell} reused`);
        assert.deepEqual(again.directionOutputs.map((o) => o.data.buffer), firstBuffers, `${cell}: the same memory`);
        // Without a trace the size does not depend on the length: a full-length result's rows past 17 must not show.
        const untraced = runLayer(layer, input, { kernels });
        const shortUntraced = runLayer(layer, input, { kernels, sequenceLengths: Int32Array.of(17), reuse: untraced });
        assert.equal(shortUntraced.directionOutputs[0].data.buffer, untraced.directionOutputs[0].data.buffer, `${cell}: untraced reused`);
        assertSame(shortUntraced, runLayer(layer, input, { kernels, sequenceLengths: Int32Array.of(17) }), `${cell} untraced, shorter`);
      }
    });
  }

  it('leaves alone a buffer the call reads: initial states taken from the result being reused', () => {
    const layer = layerOf('lstm', 16, 3, 11);
    const input = { data: Float64Array.from({ length: 9 }, (_, k) => k / 10 - 0.4), batch: 1, steps: 3, features: 3 };
    const first = runLayer(layer, input, { trace: true, kernels: wasm });
    const initialStates = [first.finalStates[0]];
    const expected = runLayer(layer, input, { trace: true, kernels: wasm, initialStates: [{ h: Float64Array.from(first.finalStates[0].h), c: Float64Array.from(first.finalStates[0].c!) }] });
    const reused = runLayer(layer, input, { trace: true, kernels: wasm, initialStates, reuse: first });
    assertSame(reused, expected, 'state from the reused result');
    assert.notEqual(reused.directionOutputs[0].data.buffer, first.directionOutputs[0].data.buffer);
  });
});
