// The benchmark's layers and inputs, built from a seed by the core's mulberry32Signed, so Node (run.mjs) and the
// browser worker (chromium.mjs) construct exactly the same weights without shipping them across.

/** Weights uniform in ±1.7/√fan-in (Glorot-like: the gates stay away from saturation), then the input. */
export function buildCase(mulberry32Signed, { cell, H, D, T, seed }) {
  const G = cell === 'lstm' ? 4 : 3;
  const next = mulberry32Signed(seed);
  const arr = (n, fan) => Float64Array.from({ length: n }, () => (1.7 * next()) / Math.sqrt(fan));
  const layer = {
    kind: 'recurrent', cell, units: H, inputSize: D, resetAfter: cell === 'gru' ? true : undefined, source: 'keras',
    activations: { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } },
    directions: [{ W: arr(G * H * D, D), R: arr(G * H * H, H), bW: arr(G * H, 4), bR: arr(G * H, 4) }],
  };
  const x = Float64Array.from({ length: T * D }, next);
  return { layer, x, G };
}

/**
 * The timed call of the float64 engine with its full trace: one pass, or (streaming) T one-step calls carrying the
 * state. Returns a function producing the outputs (T × H). With `reuse`, a call writes its results and trace into the
 * memory of an earlier call's result (runLayer's `reuse`), as a caller that is done with it can.
 */
export function gateLensRunner(runLayer, kernels, { layer, x }, { H, D, T, streaming, cell }, reuse = false) {
  if (!streaming) {
    const input = { data: x, batch: 1, steps: T, features: D };
    if (!reuse) return () => runLayer(layer, input, { trace: true, kernels }).output.data;
    // Each call writes its trace into the memory of the call before (runLayer's `reuse`), as a caller that runs the
    // same layer again and is done with the last trace can: no fresh pages per call.
    let last;
    return () => (last = runLayer(layer, input, { trace: true, kernels, reuse: last })).output.data;
  }
  const steps = Array.from({ length: T }, (_, t) => ({ data: x.subarray(t * D, (t + 1) * D), batch: 1, steps: 1, features: D }));
  // With `reuse`, each call writes into the memory of the call two before: the call before holds the state this one
  // starts from (runLayer never takes a buffer the call reads), and the outputs were copied out already.
  let older, last;
  return () => {
    const out = new Float64Array(T * H);
    let state = { h: new Float64Array(H), c: cell === 'lstm' ? new Float64Array(H) : undefined };
    for (let t = 0; t < T; t++) {
      const r = runLayer(layer, steps[t], { trace: true, kernels, initialStates: [state.c ? state : { h: state.h }], ...(reuse ? { reuse: older } : {}) });
      if (reuse) [older, last] = [last, r];
      state = r.finalStates[0];
      out.set(r.output.data, t * H);
    }
    return out;
  };
}
