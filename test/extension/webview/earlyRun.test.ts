// Step Through and Run start the forward pass while VS Code is still creating the webview. What must hold: a new
// panel's page is written with its strings and document, the trace follows them (posted as soon as the run ends, not
// after the page's `ready`), and of two runs started back to back the webview ends on the newer one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/extension/commands/run';
import type { BootMessage, HostToWebview } from '../../../src/protocol/messages';
import { WebviewSession } from '../../../src/extension/webview/session';
import { textSource } from '../../../src/extension/sources';
import { assertClose, EXTENSION_ID, gateLensApi, openExample, seedExpected } from '../helpers';

const SEED = 'seed_keras_lstm.py';
const LAYER = 'layer-0-lstm_1';

/** The host messages a page was written with (its data-boot attribute), as the page reads them. */
function bootOf(html: string): BootMessage[] {
  const attribute = /<main id="app" data-boot="([^"]*)">/.exec(html)?.[1];
  assert.ok(attribute !== undefined, 'the page carries data-boot');
  return JSON.parse(attribute.replace(/&lt;/g, '<').replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as BootMessage[];
}

describe('Gate Lens runs started before the webview is ready', () => {
  let document: vscode.TextDocument;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
  });

  it('Step Through on a new panel: the page is written with init and the document, then progress and the trace; ready needs no answer', async () => {
    const api = await gateLensApi();
    api.views.panel?.panel.dispose();
    const from = api.messages.length;
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.stepThrough', { uri: document.uri.toString() });
    assertClose(result.finalStates[0].h, (await seedExpected()).h, 1e-9, 'h');
    const panel = api.messages.slice(from).filter((m) => m.kind === 'panel');
    assert.ok(panel.some((m) => m.direction === 'received' && m.message.type === 'ready'), 'the new panel said ready');
    const sentTypes = panel.filter((m) => m.direction === 'sent').map((m) => m.message.type);
    // init and document are the page's own (logged when it is written); nothing is sent twice.
    assert.deepEqual(sentTypes, ['init', 'document', 'progress', 'trace'], `got ${sentTypes.join(', ')}`);
    const html = api.views.panel?.panel.webview.html ?? '';
    const boot = bootOf(html);
    assert.deepEqual(boot.map((m) => m.type), ['init', 'document']);
    const [init, shown] = boot;
    assert.ok(init.type === 'init' && init.strings['nav.next'], 'the strings are in the page');
    assert.ok(shown.type === 'document' && shown.uri === document.uri.toString() && shown.selectedLayerId === LAYER, 'the document and layer are in the page');
    const trace = (panel.filter((m) => m.direction === 'sent' && m.message.type === 'trace').map((m) => m.message) as Extract<HostToWebview, { type: 'trace' }>[]).map((m) => m.trace);
    assert.deepEqual(trace.map((t) => t.runId), [result.runId]);
    assertClose(Array.from(new Float64Array(trace[0].h)), (await seedExpected()).h, 1e-9, 'trace h');
  });

  it('posts an early run’s progress and trace once its page is written, without waiting for the page to say ready', async () => {
    const api = await gateLensApi();
    const analysis = await api.analyzer.get(document);
    assert.ok(analysis);
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri;
    assert.ok(extensionUri);
    // A webview whose page never says ready (VS Code would hold these messages until it has loaded).
    const posted: HostToWebview[] = [];
    const page = {
      options: {}, html: '', cspSource: 'https://example.invalid',
      asWebviewUri: (uri: vscode.Uri) => uri,
      postMessage: (message: HostToWebview) => { posted.push(message); return Promise.resolve(true); },
      onDidReceiveMessage: () => ({ dispose: () => undefined }),
    } as unknown as vscode.Webview;
    const session = new WebviewSession('panel', page, { extensionUri, analyzer: api.analyzer, worker: api.worker, log: () => undefined });
    try {
      const source = textSource(api.analyzer, document);
      const rendered = session.render({ source, analysis, selectedLayerId: LAYER });
      const outcome = await session.run({ layerId: LAYER, input: { kind: 'values', steps: 1, features: 1, data: [0.83467698] } }, undefined, { source, deliverAfter: rendered });
      assert.ok(outcome);
      assert.equal(session.hasBeenReady, false);
      assert.deepEqual(posted.map((m) => m.type), ['progress', 'trace'], 'init and the document are in the page, not posted');
      assert.deepEqual(bootOf(page.html).map((m) => m.type), ['init', 'document']);
      const trace = posted.find((m): m is Extract<HostToWebview, { type: 'trace' }> => m.type === 'trace');
      assertClose(Array.from(new Float64Array(trace?.trace.h ?? new ArrayBuffer(0))), (await seedExpected()).h, 1e-9, 'trace h');
    } finally {
      session.dispose();
    }
  });

  it('of two runs started back to back, the last trace the webview receives is the newer run’s', async () => {
    const api = await gateLensApi();
    api.views.panel?.panel.dispose();
    const from = api.messages.length;
    const uri = document.uri.toString();
    // The long one first: it finishes last unless the host holds its trace back.
    const long = vscode.commands.executeCommand<RunSummary>('gateLens.run', { uri, layerId: LAYER, input: { kind: 'random', steps: 20000, seed: 1 }, initialState: { kind: 'zeros' } });
    const short = vscode.commands.executeCommand<RunSummary>('gateLens.run', { uri, layerId: LAYER, input: { kind: 'random', steps: 2, seed: 2 }, initialState: { kind: 'zeros' } });
    const [first, second] = await Promise.all([long, short]);
    assert.equal(first.steps, 20000);
    assert.equal(second.steps, 2);
    assert.notEqual(first.runId, second.runId);
    const traces = api.messages.slice(from).filter((m) => m.kind === 'panel' && m.direction === 'sent' && m.message.type === 'trace').map((m) => (m.message as Extract<HostToWebview, { type: 'trace' }>).trace);
    const newer = first.runId > second.runId ? first : second;
    assert.ok(traces.length >= 1, 'a trace was posted');
    assert.equal(traces.at(-1)?.runId, newer.runId, `last trace ${traces.at(-1)?.runId}, runs ${first.runId} and ${second.runId}`);
    assert.equal(traces.at(-1)?.steps, newer.steps);
    assert.equal(api.views.panel?.session.lastRun?.runId, newer.runId, 'the session keeps the newer run for a reloaded webview');
  });
});
