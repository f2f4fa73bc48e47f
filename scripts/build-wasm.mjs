// Compiles the WebAssembly SIMD kernels from source (AssemblyScript, an npm devDependency; nothing is downloaded).
// Output: src/core/kernels/wasm/kernels.wasm (gitignored), which esbuild embeds into the bundles as bytes.
import asc from 'assemblyscript/asc';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'src/core/kernels/wasm/kernels.as');
const OUTPUT = join(ROOT, 'src/core/kernels/wasm/kernels.wasm');

export async function buildWasmKernels() {
  const source = readFileSync(SOURCE, 'utf8');
  const result = await asc.compileString({ 'kernels.ts': source }, {
    optimizeLevel: 3,
    shrinkLevel: 0,
    // No GC, no allocator: the JavaScript loader owns the linear memory layout.
    runtime: 'stub',
    noAssert: true,
    enable: ['simd'],
  });
  if (result.error || !result.binary) {
    throw new Error(`AssemblyScript failed on ${SOURCE}:\n${result.stderr.toString()}`);
  }
  const bytes = Buffer.from(result.binary);
  // Several builds may run at once in one working tree: write atomically and only when the bytes change.
  if (existsSync(OUTPUT) && Buffer.compare(readFileSync(OUTPUT), bytes) === 0) return;
  const tmp = `${OUTPUT}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, OUTPUT);
}
