// Commands' return values in the web host: inspect, forward runs through run and stepThrough checked against the
// seed's Keras float64 answer (examples/expected/seed_keras_lstm.json), the panel's webview round trip, and the
// NumPy export (its text only: the web host cannot start Python, test/extension/commands.test.ts runs it).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { assertClose, gateLensApi, openExample, positionOf, seedExpected, until } from '../extension/helpers';

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

  it('the panel’s webview says ready and is sent init with the localized strings', async () => {
    const api = await gateLensApi();
    await vscode.window.showTextDocument(document);
    const result = await vscode.commands.executeCommand<{ ready: boolean; uri?: string; layerIds: string[] }>('gateLens.openPanel');
    assert.equal(result.ready, true);
    assert.equal(result.uri, uri);
    assert.deepEqual(result.layerIds, ['layer-0-lstm_1']);
    const ready = await until(() => api.messages.find((m) => m.kind === 'panel' && m.direction === 'received' && m.message.type === 'ready'), 'the panel webview to post ready');
    assert.equal((ready.message as { protocol: number }).protocol, 1);
    const init = api.messages.filter((m) => m.kind === 'panel' && m.direction === 'sent' && m.message.type === 'init').at(-1)?.message as { strings: Record<string, string> } | undefined;
    assert.ok(init, 'init was sent');
    assert.equal(init.strings['app.title'], 'Gate Lens');
  });

  it('gateLens.copyNumpy returns the forward pass with the forget gate at 3:6', async () => {
    const result = await vscode.commands.executeCommand<{ layerId: string; code: string }>('gateLens.copyNumpy', { uri, layerId: 'layer-0-lstm_1' });
    assert.equal(result.layerId, 'layer-0-lstm_1');
    assert.match(result.code, /\n {4}f = \w+\(pre\[3:6\]\) {2}# forget gate\n/);
    assert.equal(await vscode.env.clipboard.readText(), result.code, 'the code is on the clipboard');
  });

  it('gateLens.chooseConvention reads the seed as PyTorch only when its shapes allow, and says so', async () => {
    type Result = { convention: string | undefined; recognition: { layers: { convention: string }[] } };
    try {
      const forced = await vscode.commands.executeCommand<Result>('gateLens.chooseConvention', { uri, convention: 'pytorch' });
      assert.equal(forced.convention, 'pytorch');
      assert.deepEqual(forced.recognition.layers.map((l) => l.convention), ['keras'], 'Keras-shaped arrays stay Keras');
    } finally {
      const auto = await vscode.commands.executeCommand<Result>('gateLens.chooseConvention', { uri, convention: 'auto' });
      assert.equal(auto.convention, undefined);
    }
  });
});
