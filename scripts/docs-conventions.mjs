// npm run docs:conventions — rewrites the generated table of docs/conventions.md from the convention registry
// (src/core/conventions/*.ts). With --check it only says whether the committed file is up to date (exit 1 if not).
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'gate-lens-docs-'));
try {
  const outfile = join(dir, 'table.cjs');
  await esbuild.build({ entryPoints: ['src/core/conventions/table.ts'], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'warning', loader: { '.wasm': 'binary' } });
  const { withConventionsTable } = createRequire(import.meta.url)(outfile);
  const path = 'docs/conventions.md';
  const before = readFileSync(path, 'utf8');
  const after = withConventionsTable(before);
  if (process.argv.includes('--check')) {
    if (after !== before) { console.error(`${path} is stale: run npm run docs:conventions`); process.exitCode = 1; } else console.log(`${path} is up to date`);
  } else {
    writeFileSync(path, after);
    console.log(after === before ? `${path} unchanged` : `${path} rewritten from the registry`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
