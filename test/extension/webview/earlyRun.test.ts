// Step Through and Run start the forward pass while VS Code is still creating the webview. What must not change:
// the webview is sent nothing before its `ready`, the trace comes after the document, and of two runs started back
// to back the webview ends on the newer one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/extension/commands/run';
import type { HostToWebview } from '../../../src/protocol/messages';
import { assertClose, gateLensApi, openExample, seedExpected } from '../helpers';

const SEED = 'seed_keras_lstm.py';
const LAYER = 'layer-0-lstm_1';

describe('Gate Lens runs started before the webview is ready', () => {
  let document: vscode.TextDocument;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
  });

  it('Step Through on a new panel: ready, then init, the document, progress and the trace, in that order', async () => {
    const api = await gateLensApi();
    api.views.panel?.panel.dispose();
    const from = api.messages.length;
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.stepThrough', { uri: document.uri.toString() });
    assertClose(result.finalStates[0].h, (await seedExpected()).h, 1e-9, 'h');
    const panel = api.messages.slice(from).filter((m) => m.kind === 'panel');
    const readyAt = panel.findIndex((m) => m.direction === 'received' && m.message.type === 'ready');
    const firstSentAt = panel.findIndex((m) => m.direction === 'sent');
    assert.ok(readyAt >= 0, 'the new panel said ready');
    assert.ok(firstSentAt > readyAt, `nothing was posted before ready (first sent at ${firstSentAt}, ready at ${readyAt})`);
    const sentTypes = panel.filter((m) => m.direction === 'sent').map((m) => m.message.type);
    assert.equal(sentTypes[0], 'init');
    const documentAt = sentTypes.indexOf('document');
    const progressAt = sentTypes.indexOf('progress');
    const traceAt = sentTypes.indexOf('trace');
    assert.ok(documentAt > 0 && progressAt > documentAt && traceAt > progressAt, `init, document, progress, trace: got ${sentTypes.join(', ')}`);
    const trace = (panel.filter((m) => m.direction === 'sent' && m.message.type === 'trace').map((m) => m.message) as Extract<HostToWebview, { type: 'trace' }>[]).map((m) => m.trace);
    assert.deepEqual(trace.map((t) => t.runId), [result.runId]);
    assertClose(Array.from(new Float64Array(trace[0].h)), (await seedExpected()).h, 1e-9, 'trace h');
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
