// The one place that chooses the matrix kernels for the forward pass. The JavaScript kernels are always available;
// a WebAssembly SIMD implementation of the same interface may take over in getKernels().
import { jsKernels } from './js';
import type { Kernels } from './types';
import { wasmKernels } from './wasm';

export type { Kernels } from './types';
export { jsKernels } from './js';

let pinned: Kernels | undefined;

/** Pins the kernels every later run uses (tests, benchmarks, a user setting); `undefined` restores the automatic choice. */
export function setKernels(kernels: Kernels | undefined): void {
  pinned = kernels;
}

export function getKernels(): Kernels {
  if (pinned) return pinned;
  // WebAssembly SIMD where the host has it (Node ≥ 16.4, every current browser and webview), else plain JS.
  return wasmKernels() ?? jsKernels;
}
