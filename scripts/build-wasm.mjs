// Compiles the WebAssembly modules from source (AssemblyScript, an npm devDependency; nothing is downloaded): the SIMD
// kernels (src/core/kernels/wasm/kernels.wasm and kernels-relaxed.wasm) and the decimal-run reader
// (src/core/parse/wasm/decimals.wasm, plain WebAssembly). All gitignored; esbuild embeds them as bytes.
import asc from 'assemblyscript/asc';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KERNELS = 'src/core/kernels/wasm/kernels.as';
const DECIMALS = 'src/core/parse/wasm/decimals.as';
// Two builds of the kernels: plain SIMD (everywhere), and relaxed-simd (fused multiply-add) for hosts that ship it.
// The decimal reader needs no proposal: it runs wherever WebAssembly does.
const OUTPUTS = [
  { source: KERNELS, file: 'src/core/kernels/wasm/kernels.wasm', features: ['simd'] },
  { source: KERNELS, file: 'src/core/kernels/wasm/kernels-relaxed.wasm', features: ['simd', 'relaxed-simd'] },
  { source: DECIMALS, file: 'src/core/parse/wasm/decimals.wasm', features: [] },
];

/** Builds every module of the checkout at `root` (another revision's src, for a benchmark baseline) whose source it has. */
export async function buildWasmKernels(root = ROOT) {
  for (const output of OUTPUTS) {
    const sourceFile = join(root, output.source);
    const file = join(root, output.file);
    const { features } = output;
    if (root !== ROOT && !existsSync(sourceFile)) continue;
    const source = readFileSync(sourceFile, 'utf8');
    const result = await asc.compileString({ 'module.ts': source }, {
      optimizeLevel: 3,
      shrinkLevel: 0,
      // No GC, no allocator: the JavaScript loader owns the linear memory layout.
      runtime: 'stub',
      noAssert: true,
      enable: features,
    });
    if (result.error || !result.binary) {
      throw new Error(`AssemblyScript failed on ${sourceFile} (${features.join(', ') || 'no proposals'}):\n${result.stderr.toString()}`);
    }
    const bytes = Buffer.from(result.binary);
    // Several builds may run at once in one working tree: write atomically and only when the bytes change.
    if (existsSync(file) && Buffer.compare(readFileSync(file), bytes) === 0) continue;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  }
}
