// Child process of relaxedSimd.test.ts: turns relaxed SIMD on as the gate-lens command does (or with the V8 version
// given on the command line), then reports what the kernels loader picks. A process of its own: the flag is V8's,
// process-wide, and the test process keeps the kernels the host gives it.
import { getKernels } from '../../src/core/kernels';
import { KERNEL_MODULES } from '../../src/core/kernels/wasm';
import { enableRelaxedSimd } from '../../src/cli/relaxedSimd';

const before = WebAssembly.validate(KERNEL_MODULES['relaxed-simd']);
const outcome = process.argv[2] ? enableRelaxedSimd(process.argv[2]) : enableRelaxedSimd();
process.stdout.write(JSON.stringify({ before, outcome, after: WebAssembly.validate(KERNEL_MODULES['relaxed-simd']), kernels: getKernels().name }));
