// Smoke test of the extension as VS Code loads it: found, activated by a Python file, every manifest command live.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'gate-lens.gate-lens';
/** The commands the README and the UI promise; the manifest may add more, never fewer. */
const PROMISED_COMMANDS = ['gateLens.inspect', 'gateLens.run', 'gateLens.stepThrough', 'gateLens.chooseConvention', 'gateLens.copyNumpy', 'gateLens.openPanel', 'gateLens.convertLayer'];

interface ManifestCommand { readonly command: string }

function gateLens(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  return extension;
}

/** Polls until `condition` holds; activation is asynchronous and has no event of its own. */
async function until(condition: () => boolean, what: string, limitMs = 30000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Gate Lens in a real VS Code extension host', () => {
  it('is the extension under development, loaded from this repository', () => {
    const manifest = gateLens().packageJSON as { name: string; publisher: string; main: string };
    assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('activates when a Python file is opened', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the harness opens a workspace folder');
    // Any Python file must activate it, not only one holding weights, so the test writes a plain one.
    const probe = vscode.Uri.joinPath(folder.uri, 'activation_probe.py');
    await vscode.workspace.fs.writeFile(probe, new TextEncoder().encode('answer = 42\n'));
    const document = await vscode.workspace.openTextDocument(probe);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'python');
    const extension = gateLens();
    await until(() => extension.isActive, `${EXTENSION_ID} to activate`);
    // isActive is also true when activate() threw or the bundle failed to load; activate() on an activated
    // extension triggers nothing new but rejects with that activation error.
    await extension.activate();
  });

  it('registers every command its manifest contributes, including the promised ones', async () => {
    const manifest = gateLens().packageJSON as { contributes?: { commands?: readonly ManifestCommand[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.deepEqual(PROMISED_COMMANDS.filter((c) => !contributed.includes(c)), [], 'commands missing from package.json');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed commands with no handler registered');
  });
});
