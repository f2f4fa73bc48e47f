// The mocha runner VS Code's extension host loads as extensionTestsPath (scripts/vscode-harness.mjs exthost, and
// scripts/run-electron-tests.mjs). VS Code calls run(); when its promise settles the host exits 0 or 1. The counts go
// to $GATE_LENS_TEST_RESULT as JSON and to the console as one GATE-LENS-MOCHA-SUMMARY line, so the harness can
// count tests rather than guess from the exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Every bundled *.test.js below this folder; the runner itself lives in out/test/extension. */
function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) found.push(...testFiles(full));
    else if (name.endsWith('.test.js')) found.push(full);
  }
  return found;
}

interface Summary {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly failed: readonly string[];
}

export function run(): Promise<void> {
  // BDD like the unit tests. Tests wait on real activation, parsing and webviews, hence the generous timeout.
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 60000, grep: process.env.MOCHA_GREP });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  console.log(`extension host: VS Code ${vscode.version}, ${vscode.env.appHost}, uiKind ${vscode.env.uiKind}, node ${process.version}`);
  return new Promise((resolve, reject) => {
    const failed: string[] = [];
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      const summary: Summary = { passes: stats?.passes ?? 0, failures: stats?.failures ?? failures, pending: stats?.pending ?? 0, failed };
      const resultFile = process.env.GATE_LENS_TEST_RESULT;
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(summary));
      console.log(`GATE-LENS-MOCHA-SUMMARY ${JSON.stringify(summary)}`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test) => failed.push(test.fullTitle()));
  });
}
