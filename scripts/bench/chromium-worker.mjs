// Runs inside a Web Worker in headless Chromium (scripts/bench/chromium.mjs bundles it with the settings of the
// extension's browser worker bundle, dist/web/worker.js): the same core, the kernels Chromium picks (relaxed-simd
// with fused multiply-add where it validates), the same seeded layers as the Node columns.
import { runLayer } from '../../src/core/forward';
import { warmUpForward } from '../../src/core/forward-warmup';
import { getKernels } from '../../src/core/kernels/index';
import { mulberry32Signed } from '../../src/core/random';
import { buildCase, gateLensRunner } from './cases.mjs';

let run, firstOutput;
globalThis.addEventListener('message', ({ data: message }) => {
  if (message.kind === 'ping') {
    globalThis.postMessage({});
  } else if (message.kind === 'warm-up') {
    // What the extension's worker does while idle (src/worker/warmup.ts), all at once.
    warmUpForward();
    globalThis.postMessage({});
  } else if (message.kind === 'setup') {
    run = gateLensRunner(runLayer, getKernels(), buildCase(mulberry32Signed, message.spec), message.spec, message.reuse === true);
    globalThis.postMessage({ kernels: getKernels().name });
  } else if (message.kind === 'first') {
    // The first call in this worker: chromium.mjs times it on its own (a user's first run), and asks for the
    // output apart (sending 12,800 numbers through the DevTools protocol costs more than a run).
    firstOutput = run();
    globalThis.postMessage({});
  } else if (message.kind === 'output') {
    globalThis.postMessage({ output: Array.from(firstOutput) });
  } else {
    // Repeats for at least minMs of wall time; chromium.mjs reads the renderer's CPU time around the call.
    const t0 = performance.now();
    let reps = 0;
    do {
      run();
      reps++;
    } while (performance.now() - t0 < message.minMs || reps < 3);
    globalThis.postMessage({ reps, wallMs: performance.now() - t0 });
  }
});
