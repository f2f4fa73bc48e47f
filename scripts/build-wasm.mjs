// Compiles the WebAssembly SIMD kernels from source (AssemblyScript, an npm devDependency; nothing is downloaded).
// Output: src/core/kernels/wasm/kernels.wasm and kernels-relaxed.wasm (gitignored), which esbuild embeds as bytes.
import asc from 'assemblyscript/asc';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'src/core/kernels/wasm/kernels.as');
// Two builds of the same source: plain SIMD (everywhere), and relaxed-simd (fused multiply-add) for hosts that ship it.
const OUTPUTS = [
  { file: join(ROOT, 'src/core/kernels/wasm/kernels.wasm'), features: ['simd'] },
  { file: join(ROOT, 'src/core/kernels/wasm/kernels-relaxed.wasm'), features: ['simd', 'relaxed-simd'] },
];

export async function buildWasmKernels() {
  const source = readFileSync(SOURCE, 'utf8');
  for (const { file, features } of OUTPUTS) {
    const result = await asc.compileString({ 'kernels.ts': source }, {
      optimizeLevel: 3,
      shrinkLevel: 0,
      // No GC, no allocator: the JavaScript loader owns the linear memory layout.
      runtime: 'stub',
      noAssert: true,
      enable: features,
    });
    if (result.error || !result.binary) {
      throw new Error(`AssemblyScript failed on ${SOURCE} (${features.join(', ')}):\n${result.stderr.toString()}`);
    }
    const bytes = Buffer.from(result.binary);
    // Several builds may run at once in one working tree: write atomically and only when the bytes change.
    if (existsSync(file) && Buffer.compare(readFileSync(file), bytes) === 0) continue;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  }
}
