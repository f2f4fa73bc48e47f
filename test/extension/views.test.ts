// The step-through views beyond one command: the side-bar view following the cursor, the panel restored by its
// serializer, long runs with progress, and cancelling a run in the worker.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostToWebview } from '../../src/protocol/messages';
import { assertClose, EXTENSION_ID, gateLensApi, openExample, positionOf, seedExpected, until } from './helpers';

const SEED = 'seed_keras_lstm.py';

describe('Gate Lens step-through views', () => {
  let document: vscode.TextDocument;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
  });

  it('the side-bar view follows the active editor: its layers, then a trace for the layer at the cursor', async () => {
    const api = await gateLensApi();
    const from = api.messages.length;
    await vscode.commands.executeCommand('workbench.view.extension.gateLens');
    await until(() => api.messages.slice(from).find((m) => m.kind === 'view' && m.direction === 'received' && m.message.type === 'ready'), 'the side view webview to post ready');
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(positionOf(document, '0.42888513'), positionOf(document, '0.42888513'));
    const doc = await until(() => api.messages.slice(from).find((m) => m.kind === 'view' && m.direction === 'sent' && m.message.type === 'document' && m.message.uri === document.uri.toString()), 'a document message to the side view');
    assert.equal((doc.message as Extract<HostToWebview, { type: 'document' }>).selectedLayerId, 'layer-0-lstm_1');
    const trace = await until(() => api.messages.slice(from).find((m) => m.kind === 'view' && m.direction === 'sent' && m.message.type === 'trace'), 'a trace in the side view');
    const payload = (trace.message as Extract<HostToWebview, { type: 'trace' }>).trace;
    assertClose(Array.from(new Float64Array(payload.h)), (await seedExpected()).h, 1e-9, 'side view h');
  });

  it('restores the panel through its serializer on the last document', async () => {
    const api = await gateLensApi();
    await vscode.commands.executeCommand('gateLens.stepThrough', { uri: document.uri.toString() });
    api.views.panel?.panel.dispose();
    // Read through a function: TypeScript would otherwise keep the narrowing to undefined below.
    const current = () => api.views.panel;
    assert.equal(current(), undefined);
    const from = api.messages.length;
    // What VS Code does after a reload: a fresh panel of our view type handed to the serializer.
    const panel = vscode.window.createWebviewPanel('gateLens.stepPanel', 'Gate Lens', vscode.ViewColumn.Beside, { enableScripts: true });
    await api.views.deserializeWebviewPanel(panel, { layerId: 'layer-0-lstm_1', step: 0 });
    assert.equal(current()?.panel, panel);
    // The document is shown after the serializer returns (VS Code mounts the webview only then).
    await until(() => current()?.session.document?.uri.toString() === document.uri.toString(), 'the restored panel to show the last document');
    const html = panel.webview.html;
    const nonce = /default-src 'none'; script-src 'nonce-([0-9a-f]{36})'; style-src [^;"]* 'nonce-\1'/.exec(html)?.[1];
    assert.ok(nonce, `a strict CSP with one fresh nonce for script and style:\n${html.slice(0, 600)}`);
    // The bundle is written into the page under that nonce (a linked file would cost the webview round trips to load).
    assert.match(html, new RegExp(`<style nonce="${nonce}">`));
    assert.match(html, new RegExp(`<script nonce="${nonce}">`));
    assert.doesNotMatch(html, /<script[^>]*\ssrc=/);
    assert.equal(html.match(/<\/script/gi)?.length, 1, 'nothing in the bundle ends its script element early');
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri;
    assert.ok(extensionUri);
    assert.deepEqual(panel.webview.options.localResourceRoots?.map((u) => u.toString()), [vscode.Uri.joinPath(extensionUri, 'dist', 'webview').toString(), vscode.Uri.joinPath(extensionUri, 'media').toString()]);
    await until(() => api.messages.slice(from).find((m) => m.kind === 'panel' && m.direction === 'sent' && m.message.type === 'document'), 'the restored panel to receive its document');
    panel.dispose();
  });

  it('posts progress for a long run and delivers the whole trace', async () => {
    const api = await gateLensApi();
    await vscode.commands.executeCommand('gateLens.openPanel');
    const session = api.views.panel?.session;
    assert.ok(session);
    const analysis = await api.analyzer.get(document);
    assert.ok(analysis);
    await session.showDocument(document, analysis);
    const from = api.messages.length;
    const outcome = await session.run({ layerId: 'layer-0-lstm_1', input: { kind: 'random', steps: 5000, seed: 1 } });
    assert.ok(outcome);
    assert.equal(outcome.input.steps, 5000);
    const fractions = api.messages.slice(from).filter((m) => m.message.type === 'progress').map((m) => (m.message as { fraction?: number }).fraction);
    assert.ok(fractions.some((f) => f !== undefined && f > 0 && f < 1), `intermediate progress among ${fractions.join(', ')}`);
    const trace = api.messages.slice(from).find((m) => m.message.type === 'trace');
    assert.ok(trace);
    assert.equal((trace.message as Extract<HostToWebview, { type: 'trace' }>).trace.h.byteLength, 5000 * 3 * 8);
  });

  it('cancels a run in the worker between chunks; the worker and the analysis it holds survive for the next run', async () => {
    const api = await gateLensApi();
    const worker = api.worker;
    assert.ok(worker);
    const analysis = await api.analyzer.get(document);
    assert.ok(analysis);
    const source = api.analyzer.workerSource(document, analysis);
    assert.ok(source, 'the current analysis has a worker source');
    await source.load();
    const layerId = analysis.recognition.layers[0]?.id;
    assert.ok(layerId);
    const started = worker.workersStarted;
    const cancel = new vscode.CancellationTokenSource();
    const progress: number[] = [];
    const run = worker.run({ source: source.id, request: { layerId, input: { kind: 'zeros', steps: 400000 } } }, cancel.token, (f) => {
      progress.push(f);
      cancel.cancel();
    });
    await assert.rejects(run, (e: Error) => e.name === 'CancelledError');
    assert.ok(progress.length >= 1 && progress[0] < 1, 'cancelled midway, after the first chunk');
    const after = await worker.run({ source: source.id, request: { layerId, input: { kind: 'values', steps: 1, features: 1, data: [0.83467698] } } });
    assertClose(Array.from(after.finalStates[0].h), (await seedExpected()).h, 1e-9, 'h after the cancelled run');
    assert.equal(worker.workersStarted, started, 'the run stopped between chunks: no new worker, no re-sent document');
  });
});
