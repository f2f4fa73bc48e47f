// Runs inside a Web Worker in headless Chromium (scripts/bench/chromium.mjs bundles it with the settings of the
// extension's browser worker bundle, dist/web/worker.js): the same core, the kernels Chromium picks (relaxed-simd
// with fused multiply-add where it validates), the same seeded layers as the Node columns.
import { runLayer } from '../../src/core/forward';
import { getKernels } from '../../src/core/kernels/index';
import { mulberry32Signed } from '../../src/core/random';
import { buildCase, gateLensRunner } from './cases.mjs';

let run;
globalThis.addEventListener('message', ({ data: message }) => {
  if (message.kind === 'setup') {
    run = gateLensRunner(runLayer, getKernels(), buildCase(mulberry32Signed, message.spec), message.spec, message.reuse === true);
    globalThis.postMessage({ kernels: getKernels().name, output: Array.from(run()) });
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
