// Proves where these suites run: VS Code's web worker extension host, on the browser bundle. A silent fallback to
// the Node extension host, or to dist/extension.js, fails here before anything else is believed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, gateLensApi, openExample } from '../extension/helpers';

const PROMISED_COMMANDS = ['gateLens.inspect', 'gateLens.run', 'gateLens.stepThrough', 'gateLens.chooseConvention', 'gateLens.copyNumpy', 'gateLens.openPanel'];

describe('Gate Lens in the web worker extension host', () => {
  it('runs in a web worker, not in Node', () => {
    const scope = globalThis as { importScripts?: unknown; process?: { versions?: { node?: string } }; WorkerGlobalScope?: unknown };
    assert.equal(typeof scope.importScripts, 'function', 'importScripts exists only in a worker');
    assert.equal(typeof scope.WorkerGlobalScope, 'function', 'a WorkerGlobalScope');
    assert.equal(scope.process?.versions?.node, undefined, 'no Node process');
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
  });

  it('activates from its browser entry when a Python file is opened', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded in this extension host`);
    const manifest = extension.packageJSON as { browser: string };
    assert.equal(manifest.browser, './dist/web/extension.js');
    await openExample('seed_keras_lstm.py');
    const api = await gateLensApi();
    assert.ok(extension.isActive);
    assert.ok(api.worker, 'the web host has a worker client');
  });

  it('registers every promised command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(PROMISED_COMMANDS.filter((c) => !registered.has(c)), []);
  });
});
