// Child process of activations64.test.ts: checks one build's exp / σ / tanh (the relaxed build needs relaxed SIMD,
// which Node 20 has behind a flag) and prints how many values matched.
import type { KernelVariant } from '../../../src/core/kernels/wasm';
import { checkActivations } from './activations64-check';

process.stdout.write(String(checkActivations(process.argv[2] as KernelVariant)));
