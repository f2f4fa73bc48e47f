// Bundles the parts of the core the benchmarks call into out/bench/core.cjs (kernels embedded, as in the product).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWasmKernels } from '../build-wasm.mjs';

export async function loadCore(root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')) {
  await buildWasmKernels();
  const lines = [
    "export { getKernels, setKernels } from './src/core/kernels/index';",
    "export { jsKernels } from './src/core/kernels/js';",
    "export { createWasmKernels, KERNEL_MODULES, WasmRuntime, wasmKernels, wasmRuntime } from './src/core/kernels/wasm';",
    "export { mulberry32Signed } from './src/core/random';",
  ];
  if (existsSync(join(root, 'src/core/fast32.ts'))) lines.push("export * as fast32 from './src/core/fast32';");
  if (existsSync(join(root, 'src/core/forward.ts'))) lines.push("export * as forward from './src/core/forward';");
  if (existsSync(join(root, 'src/protocol/channel.ts'))) lines.push("export * as channel from './src/protocol/channel';");
  if (existsSync(join(root, 'src/cli/relaxedSimd.ts'))) lines.push("export { enableRelaxedSimd } from './src/cli/relaxedSimd';");
  if (existsSync(join(root, 'src/worker/analysis.ts'))) lines.push("export { analyzeText } from './src/worker/analysis';");
  const outfile = join(root, 'out/bench/core.cjs');
  await esbuild.build({
    stdin: { contents: lines.join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning',
    loader: { '.wasm': 'binary' },
  });
  return createRequire(import.meta.url)(outfile);
}
