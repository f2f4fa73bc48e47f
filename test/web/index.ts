// The mocha runner for the web worker extension host (scripts/vscode-harness.mjs web). VS Code's web host loads
// extensionTestsPath as one CommonJS module whose only import may be 'vscode', so scripts/build.mjs bundles this file
// with the suites and mocha's browser build for the browser. No file system here: the counts go to the console as
// one GATE-LENS-MOCHA-SUMMARY line, which the harness reads from the forwarded extension-host log.
import * as vscode from 'vscode';

interface Summary {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly failed: readonly string[];
}

export function run(): Promise<void> {
  // mocha's browser build: under esbuild's CommonJS wrapper it exports the instance instead of setting a global.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mocha = require('mocha/mocha.js') as BrowserMocha;
  // reporter undefined: spec, written through console.log (the default browser reporter, html, needs a DOM).
  mocha.setup({ ui: 'bdd', reporter: undefined, color: false, timeout: 60000 });
  // Required only now: setup() has just defined describe/it on globalThis, which the suites call as they load.
  // host.test first: it fails the run when this is not the web worker host. Then this folder's suites, and the
  // shared extension-host suites that need nothing from Node (commands.test runs Python and l10n.test reads files).
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('./host.test');
  require('./editor.test');
  require('./commands.test');
  // A real .ipynb from the test workspace: cells and outputs read together, named by position and [In n].
  require('./notebook.test');
  require('../extension/activation.test');
  require('../extension/editor.test');
  require('../extension/diagnostics.test');
  require('../extension/formats.test');
  require('../extension/views.test');
  // Model files in the browser: the readers in the Web Worker, the bytes through vscode.workspace.fs (read whole).
  require('../extension/modelEditor.test');
  /* eslint-enable @typescript-eslint/no-require-imports */
  console.log(`web extension host: VS Code ${vscode.version}, ${vscode.env.appHost}, uiKind ${vscode.env.uiKind}`);
  return new Promise((resolve, reject) => {
    const failed: string[] = [];
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      const summary: Summary = { passes: stats?.passes ?? 0, failures: stats?.failures ?? failures, pending: stats?.pending ?? 0, failed };
      console.log(`GATE-LENS-MOCHA-SUMMARY ${JSON.stringify(summary)}`);
      if (failures > 0) reject(new Error(`${failures} web extension-host test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test) => failed.push(test.fullTitle()));
  });
}
