// Commands' return values in the web host: inspect, and forward runs through run and stepThrough, checked against
// the seed's Keras float64 answer (examples/expected/seed_keras_lstm.json).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { assertClose, gateLensApi, openExample, positionOf, seedExpected } from '../extension/helpers';

interface RunSummary {
  runId: number;
  layerId: string;
  input: { kind: string };
  steps: number;
  output: number[];
  finalStates: { h: number[]; c?: number[] }[];
}

describe('Gate Lens commands in the web host', () => {
  let document: vscode.TextDocument;
  let uri: string;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample('seed_keras_lstm.py'));
    uri = document.uri.toString();
  });

  it('gateLens.inspect returns the recognition and a Markdown report', async () => {
    const result = await vscode.commands.executeCommand<{ uri: string; recognition: { layers: { name: string; convention: string; units: number }[] }; report: string }>('gateLens.inspect', { uri });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(result.uri, uri);
    assert.deepEqual(result.recognition.layers.map((l) => [l.name, l.convention, l.units]), [['lstm_1', 'keras', 3]]);
    assert.ok(result.report.includes('| `f` | forget gate | `3:6` |'), result.report);
  });

  it('gateLens.run runs typed values and returns Keras’s numbers', async () => {
    const expected = await seedExpected();
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.run', { uri, layerId: 'layer-0-lstm_1', input: { kind: 'values', steps: 1, features: 1, data: expected.x.flat() } });
    assert.equal(result.steps, 1);
    assertClose(result.finalStates[0].h, expected.h, 1e-9, 'h');
    assertClose(result.finalStates[0].c ?? [], expected.c, 1e-9, 'c');
  });

  it('gateLens.stepThrough runs the file’s own input forward and posts the trace to the panel', async () => {
    const api = await gateLensApi();
    const expected = await seedExpected();
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(positionOf(document, 'lstm_1_bias_0'), positionOf(document, 'lstm_1_bias_0'));
    const from = api.messages.length;
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.stepThrough');
    assert.equal(result.layerId, 'layer-0-lstm_1');
    assert.equal(result.input.kind, 'array');
    assert.equal(result.steps, 1);
    assertClose(result.finalStates[0].h, expected.h, 1e-9, 'h');
    assertClose(result.finalStates[0].c ?? [], expected.c, 1e-9, 'c');
    const trace = api.messages.slice(from).find((m) => m.kind === 'panel' && m.direction === 'sent' && m.message.type === 'trace');
    assert.ok(trace, 'a trace was posted to the panel webview');
  });
});
