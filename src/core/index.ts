// The public API of the Gate Lens core: conventions registry, canonical model, conversion, forward pass, activations,
// matrix kernels and the seeded generator. Runs in Node, browsers, webviews and workers alike.
export * from './conventions';
export * from './model';
export * from './activations';
export * from './convert';
export * from './forward';
export * from './random';
export { getKernels, setKernels, jsKernels } from './kernels/index';
export type { Kernels } from './kernels/types';
