// Issue 8 #12: after a window reload VS Code hands the Step-Through panel back to our serializer, and shows its
// webview only once the serializer has returned. The restored panel must come back working (document, a re-run of
// the saved input at the saved step), close itself when its document is gone, and never be a blank panel that
// Step Through keeps reusing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/extension/commands/run';
import type { HostToWebview } from '../../../src/protocol/messages';
import { gateLensApi, openExample, until } from '../helpers';

const SEED = 'seed_keras_lstm.py';
const LAYER = 'layer-0-lstm_1';
type TraceMessage = Extract<HostToWebview, { type: 'trace' }>;

describe('Gate Lens Step-Through panel restored after a reload', () => {
  let document: vscode.TextDocument;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
  });

  it('returns from the serializer before the webview is ready, then re-runs the saved input in it', async () => {
    const api = await gateLensApi();
    api.views.panel?.panel.dispose();
    const from = api.messages.length;
    const panel = vscode.window.createWebviewPanel('gateLens.stepPanel', 'Gate Lens', vscode.ViewColumn.Beside, { enableScripts: true });
    const request = { layerId: LAYER, input: { kind: 'random', steps: 4, seed: 9 } };
    await api.views.deserializeWebviewPanel(panel, { uri: document.uri.toString(), layerId: LAYER, step: 2, request });
    const panelMessages = () => api.messages.slice(from).filter((m) => m.kind === 'panel');
    // VS Code mounts a restored webview only after this promise: waiting for `ready` inside it never ended.
    assert.equal(panelMessages().some((m) => m.direction === 'received' && m.message.type === 'ready'), false, 'the serializer waited for the webview');
    const trace = await until(() => panelMessages().find((m) => m.direction === 'sent' && m.message.type === 'trace')?.message as TraceMessage | undefined, 'the restored panel to receive a trace');
    assert.equal(trace.trace.steps, 4);
    assert.deepEqual(trace.request, request, 'the saved request is what runs again');
    assert.ok(panelMessages().some((m) => m.direction === 'sent' && m.message.type === 'document'), 'the document came first');
    assert.equal(api.views.panel?.panel, panel);
    panel.dispose();
  });

  it('closes a restored panel whose document is gone instead of showing a blank view', async () => {
    const api = await gateLensApi();
    api.views.panel?.panel.dispose();
    const panel = vscode.window.createWebviewPanel('gateLens.stepPanel', 'Gate Lens', vscode.ViewColumn.Beside, { enableScripts: true });
    let disposed = false;
    panel.onDidDispose(() => (disposed = true));
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    await api.views.deserializeWebviewPanel(panel, { uri: vscode.Uri.joinPath(folder.uri, 'scratch', 'deleted-weights.py').toString(), layerId: LAYER, step: 0 });
    await until(() => disposed, 'the panel to close itself');
    assert.equal(api.views.panel, undefined);
  });

  it('Step Through does not reuse a restored panel whose webview never said ready', async () => {
    const api = await gateLensApi();
    api.views.panel?.panel.dispose();
    const restored = vscode.window.createWebviewPanel('gateLens.stepPanel', 'Gate Lens', vscode.ViewColumn.Beside, { enableScripts: true });
    await api.views.deserializeWebviewPanel(restored, { uri: document.uri.toString(), layerId: LAYER, step: 0 });
    // A page that never loads our script: the blank panel a failed restore leaves behind.
    restored.webview.html = '<!DOCTYPE html><html><body></body></html>';
    const from = api.messages.length;
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.stepThrough', { uri: document.uri.toString(), layerId: LAYER });
    assert.ok(result, 'Step Through finished');
    assert.notEqual(api.views.panel?.panel, restored, 'the blank panel was reused');
    // The trace is posted as soon as it exists (VS Code holds it until the new page has loaded), so it may precede
    // `ready`; what matters is that it went to a page that runs our script and says ready, not to the blank one.
    const since = () => api.messages.slice(from).filter((m) => m.kind === 'panel');
    assert.ok(since().some((m) => m.direction === 'sent' && m.message.type === 'trace'), 'a trace was sent');
    await until(() => since().some((m) => m.direction === 'received' && m.message.type === 'ready'), 'the new panel to say ready');
    api.views.panel?.panel.dispose();
  });
});
