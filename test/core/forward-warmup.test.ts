// The forward pass's warm-up (src/core/forward-warmup.ts): it must run the paths a user's first run takes — the
// WebAssembly sequence kernel for every standard cell, with a trace — or it warms nothing that matters.
import * as assert from 'node:assert/strict';
import { forwardWarmupSlices, warmUpForward } from '../../src/core/forward-warmup';
import { setKernels } from '../../src/core/kernels/index';
import type { Kernels, SequenceJob } from '../../src/core/kernels/types';
import { wasmKernels } from '../../src/core/kernels/wasm';

describe('forward warm-up (src/core/forward-warmup)', () => {
  it('runs every standard cell through the WebAssembly sequence kernel, traced', function () {
    const wasm = wasmKernels();
    if (!wasm?.runSequence) this.skip();
    const taken: string[] = [];
    const spy: Kernels = {
      ...wasm,
      runSequence(job: SequenceJob) {
        const took = wasm.runSequence?.(job) ?? false;
        if (took && job.trace) taken.push(job.cell);
        return took;
      },
    };
    setKernels(spy);
    try {
      warmUpForward(1);
    } finally {
      setKernels(undefined);
    }
    assert.deepEqual([...new Set(taken)].sort(), ['gru', 'lstm', 'rnn']);
  });

  it('is split into one slice per run, the same number for each cell', () => {
    assert.equal(forwardWarmupSlices(4).length, 12);
    for (const slice of forwardWarmupSlices(1)) slice();
  });
});
