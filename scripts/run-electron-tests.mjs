#!/usr/bin/env node
// `npm run test:electron`: the extension-host suite (out/test/extension) in desktop VS Code through
// @vscode/test-electron, for machines with internet. It downloads VS Code from update.code.visualstudio.com into
// .vscode-test/, so it cannot run offline; `npm test` uses scripts/vscode-harness.mjs exthost (code-server) instead.
// Env: VSCODE_VERSION (default 1.100.3, the version the offline harness pins), VSCODE_EXECUTABLE (an installed
// VS Code / `code` binary: nothing is downloaded), MOCHA_GREP.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runner = path.join(ROOT, 'out/test/extension/index.js');
if (!existsSync(runner)) {
  console.error('out/test/extension/index.js is missing: run `npm run build` first');
  process.exit(1);
}
// The same throwaway workspace the offline harness opens: test-workspace/ plus a copy of examples/.
const workspace = path.join(ROOT, '.vscode-test/workspaces/electron');
rmSync(workspace, { recursive: true, force: true });
mkdirSync(workspace, { recursive: true });
cpSync(path.join(ROOT, 'test-workspace'), workspace, { recursive: true });
if (existsSync(path.join(ROOT, 'examples'))) cpSync(path.join(ROOT, 'examples'), path.join(workspace, 'examples'), { recursive: true });
const resultFile = path.join(ROOT, '.vscode-test/electron-result.json');
rmSync(resultFile, { force: true });

try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: runner,
    extensionTestsEnv: { GATE_LENS_TEST_RESULT: resultFile, ...(process.env.MOCHA_GREP ? { MOCHA_GREP: process.env.MOCHA_GREP } : {}) },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (error) {
  const text = String(error?.stack ?? error);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|socket hang up|Failed to get JSON|Error downloading|Failed to download/i.test(text) && !process.env.VSCODE_EXECUTABLE) {
    console.error(`${text}\n\nnpm run test:electron needs internet: @vscode/test-electron downloads VS Code ${process.env.VSCODE_VERSION ?? '1.100.3'} ` +
      'from update.code.visualstudio.com, and this machine cannot reach it. Offline, run the same suite with ' +
      '`npm run test:exthost` (code-server + Chromium), or point VSCODE_EXECUTABLE at an installed VS Code.');
  } else {
    console.error(text);
  }
}
const summary = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
const passed = summary?.passes ?? 0;
const failed = summary ? summary.failures : 1;
console.log(`electron: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
