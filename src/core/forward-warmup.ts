// Warm-up of the float64 forward pass: a few traced runs of small synthetic layers, so that a user's first real run
// already finds the WebAssembly kernels compiled and optimised. Why it is needed: V8 compiles WebAssembly lazily with
// its baseline compiler (Liftoff) and re-compiles a function with TurboFan only after it has used a budget of work,
// in the background; there is no on-stack replacement for WebAssembly, so the sequence kernel, which loops over every
// step inside one call, runs its first calls on baseline code (2–4× slower). The JavaScript around it (planning,
// packing the weights) is likewise interpreted until it has run a few times.
// The runs are split into slices so a caller can run one slice at a time when it is idle (src/worker/warmup.ts).

import { runLayer } from './forward';
import type { CellKind } from './conventions';
import type { LayerResult, RecurrentLayer, Sequence } from './model';
import { mulberry32Signed } from './random';

/** Sizes of the warm-up layers: big enough for the WebAssembly sequence kernel (not the small-product fallback). */
const UNITS = 32;
const FEATURES = 16;
const STEPS = 50;
/**
 * Runs per cell kind. Measured in Node 20 (fresh process, LSTM H = 128, T = 100 with trace): after 5 such runs the
 * second and later real calls run at the optimised speed; 10 also shorten the first real call (the weight packing
 * is optimised by then).
 */
export const WARMUP_ROUNDS = 10;

function syntheticLayer(cell: CellKind, seed: number): RecurrentLayer {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const next = mulberry32Signed(seed);
  const weights = (n: number, fanIn: number): Float64Array => Float64Array.from({ length: n }, () => next() / Math.sqrt(fanIn));
  const H = UNITS, D = FEATURES;
  return {
    kind: 'recurrent', cell, units: H, inputSize: D, resetAfter: cell === 'gru' ? true : undefined,
    activations: { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } },
    directions: [{ W: weights(G * H * D, D), R: weights(G * H * H, H), bW: weights(G * H, 4), bR: weights(G * H, 4) }],
  };
}

/**
 * The warm-up as slices, each one traced run (well under a millisecond once optimised; the first pays the kernels'
 * compilation). Each slice writes into the memory of its layer's last run, as the worker's runs do.
 */
export function forwardWarmupSlices(rounds = WARMUP_ROUNDS): Array<() => void> {
  const cases = (['lstm', 'gru', 'simple_rnn'] as const).map((cell, i) => {
    const layer = syntheticLayer(cell, 0x5eed + i);
    const input: Sequence = { data: Float64Array.from({ length: STEPS * FEATURES }, mulberry32Signed(0xda7a + i)), batch: 1, steps: STEPS, features: FEATURES };
    let last: LayerResult | undefined;
    return () => {
      last = runLayer(layer, input, { trace: true, reuse: last });
    };
  });
  const slices: Array<() => void> = [];
  for (let r = 0; r < rounds; r++) slices.push(...cases);
  return slices;
}

/** The whole warm-up at once (tests, benchmarks; the worker runs it slice by slice when idle). */
export function warmUpForward(rounds = WARMUP_ROUNDS): void {
  for (const slice of forwardWarmupSlices(rounds)) slice();
}
