// One esbuild script for every bundle. Usage: node scripts/build.mjs [--production] [--watch]
// Each target is built only when its entry exists, so the pieces can land one at a time.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { buildWasmKernels } from './build-wasm.mjs';

const production = process.argv.includes('--production');
// '.wasm': the SIMD kernels are embedded as bytes so the core runs unchanged in Node, browsers, webviews and workers.
const base = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none', loader: { '.wasm': 'binary' } };

/** @type {Array<import('esbuild').BuildOptions & {entry: string}>} */
const targets = [
  // Extension host, desktop (Node) and web (browser worker host).
  { entry: 'src/extension/extension.ts', outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { entry: 'src/extension/extension.ts', outfile: 'dist/web/extension.js', platform: 'browser', format: 'cjs', target: 'es2022', external: ['vscode'],
    define: { 'process.env.GATE_LENS_WEB': '"1"' }, alias: { 'node:worker_threads': './src/extension/web-shims/worker_threads.ts', 'node:fs/promises': './src/extension/web-shims/fs_promises.ts' } },
  // Parse/run worker: worker_threads in Node, a Web Worker in the browser host.
  { entry: 'src/worker/worker.ts', outfile: 'dist/worker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { entry: 'src/worker/worker.ts', outfile: 'dist/web/worker.js', platform: 'browser', format: 'iife', target: 'es2022',
    alias: { 'node:worker_threads': './src/extension/web-shims/worker_scope.ts' } },
  // Webview script (runs inside the webview iframe).
  { entry: 'src/webview/main.ts', outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The model-file editor's webview (Gate Lens Model).
  { entry: 'src/webview/model/main.ts', outfile: 'dist/webview/model.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // Terminal CLI: the command loads the CLI through V8's code cache (src/cli/compileCache.ts).
  { entry: 'src/cli/launch.ts', outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  { entry: 'src/cli/cli.ts', outfile: 'dist/cli-main.js', platform: 'node', format: 'cjs', target: 'node20' },
];

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (/(\.(test|main|suite|e2e)|-main)\.ts$/.test(name) || name === 'index.ts') out.push(p); // -main: runners such as fuzz-main.ts
  }
  return out;
}

await buildWasmKernels();

const builds = [];
for (const { entry, ...opts } of targets) {
  if (!existsSync(entry)) continue;
  builds.push({ ...base, ...opts, entryPoints: [entry] });
}
// Tests: every test/**/*.test.ts (and runners) to out/test/**, mirroring the folders. test/web is for the browser.
const tests = testFiles('test').filter((f) => !f.startsWith(join('test', 'web') + sep));
if (tests.length) {
  builds.push({ ...base, sourcemap: true, minify: false, entryPoints: tests, outdir: 'out/test', outbase: 'test', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha', 'playwright-core', 'onnxruntime-node'] });
}
// The web worker extension host's suite: one CommonJS module whose only import is 'vscode' (that host can load
// nothing else), with mocha's browser build and node:assert/strict replaced by a small browser implementation.
if (existsSync('test/web/index.ts')) {
  builds.push({ ...base, sourcemap: true, minify: false, entryPoints: ['test/web/index.ts'], outfile: 'out/test/web/index.js', platform: 'browser', format: 'cjs', target: 'es2022',
    external: ['vscode'], alias: { 'node:assert/strict': './test/web/shims/assert.ts' }, logOverride: { 'import-is-undefined': 'error' } });
}

if (process.argv.includes('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`build ok: ${builds.length} bundles${production ? ' (production)' : ''}`);
}
