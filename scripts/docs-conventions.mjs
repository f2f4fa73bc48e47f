// npm run docs:conventions — rewrites what is generated from the convention registry (src/core/conventions/*.ts):
// the table of docs/conventions.md and the step panel's convention names (src/webview/conventionNames.ts). With
// --check it only says whether the committed files are up to date (exit 1 if not).
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'gate-lens-docs-'));
try {
  const outfile = join(dir, 'table.cjs');
  await esbuild.build({ entryPoints: ['src/core/conventions/table.ts'], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'warning', loader: { '.wasm': 'binary' } });
  const { withConventionsTable, conventionNamesSource, CONVENTION_NAMES_PATH } = createRequire(import.meta.url)(outfile);
  const docPath = 'docs/conventions.md';
  const files = [
    [docPath, withConventionsTable(readFileSync(docPath, 'utf8'))],
    [CONVENTION_NAMES_PATH, conventionNamesSource()],
  ];
  for (const [path, after] of files) {
    const before = readFileSync(path, 'utf8');
    if (process.argv.includes('--check')) {
      if (after !== before) { console.error(`${path} is stale: run npm run docs:conventions`); process.exitCode = 1; } else console.log(`${path} is up to date`);
    } else {
      writeFileSync(path, after);
      console.log(after === before ? `${path} unchanged` : `${path} rewritten from the registry`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
