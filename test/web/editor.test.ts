// The editor features of the seed and wrong-slices examples, computed by the browser bundle in the web host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyOfExample, gateDiagnostics, gateLensApi, labelOf, markdownOf, openExample, positionOf, until } from '../extension/helpers';

describe('Gate Lens editor features in the web host', () => {
  let document: vscode.TextDocument;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample('seed_keras_lstm.py'));
  });

  it('hovers on the kernel name with its role, shape and gate table', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'lstm_1_kernel_0', 3));
    const text = markdownOf(hovers);
    assert.match(text, /input kernel of lstm_1 — Keras LSTM, 3 units, input size 1/);
    assert.match(text, /shape `\(1, 12\)`/);
    for (const [label, name, range] of [['i', 'input gate', '0:3'], ['f', 'forget gate', '3:6'], ['c', 'cell candidate', '6:9'], ['o', 'output gate', '9:12']]) {
      assert.ok(text.includes(`| \`${label}\` | ${name} | \`${range}\` |`), `gate row ${label} ${range} in:\n${text}`);
    }
    assert.match(text, /command:gateLens\.stepThrough\?/);
  });

  it('labels each slice with an inlay hint after it', async () => {
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, new vscode.Range(0, 0, document.lineCount, 0));
    const byLine = new Map(hints.map((h) => [document.lineAt(h.position.line).text.trim(), labelOf(h)]));
    assert.equal(byLine.get('i = sigmoid(z_1_lstm_1[0, 0:3])'), 'i · input gate');
    assert.equal(byLine.get('f = sigmoid(z_1_lstm_1[0, 3:6])'), 'f · forget gate');
    assert.equal(byLine.get('c = np.tanh(z_1_lstm_1[0, 6:9])'), 'c · cell candidate');
    assert.equal(byLine.get('o = sigmoid(z_1_lstm_1[0, 9:12])'), 'o · output gate');
  });

  it('puts a CodeLens with the gate ranges above each packed array', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const ranges = lenses.filter((l) => l.command?.title.includes('i 0:3 · f 3:6 · c 6:9 · o 9:12'));
    assert.deepEqual(ranges.map((l) => document.lineAt(l.range.start.line).text.split('=')[0].trim()), ['lstm_1_kernel_0', 'lstm_1_recurrent_kernel_0', 'lstm_1_bias_0']);
    assert.ok(ranges.every((l) => l.command?.command === 'gateLens.stepThrough'));
  });

  it('flags f and c in the wrong-slices example and offers the range fix', async () => {
    const { document: wrongSlices } = await copyOfExample('seed_keras_lstm_wrong_slices.py', 'web_wrong_slices.py');
    const wrong = await until(() => {
      const found = gateDiagnostics(wrongSlices.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length === 2 ? found : undefined;
    }, 'two wrong-gate-slice diagnostics');
    assert.deepEqual(wrong.map((d) => wrongSlices.lineAt(d.range.start.line).text.trim()).sort(), ['c = np.tanh(z_1_lstm_1[0, 3:6])', 'f = sigmoid(z_1_lstm_1[0, 6:9])']);
    const f = wrong.find((d) => wrongSlices.lineAt(d.range.start.line).text.startsWith('f ='));
    assert.ok(f);
    assert.equal(f.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(f.message, /"f" names the forget gate, but 6:9 holds the cell candidate/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', wrongSlices.uri, f.range, vscode.CodeActionKind.QuickFix.value);
    assert.ok(actions.some((a) => a.title.startsWith('Change the slice to') && a.edit), actions.map((a) => a.title).join(' | '));
  });

  it('analyses a document in the Web Worker the browser bundle starts', async () => {
    const api = await gateLensApi();
    assert.ok(api.worker);
    const jobs = api.worker.jobsCompleted;
    api.analyzer.forceWorker = true;
    try {
      const untitled = await vscode.workspace.openTextDocument({ language: 'python', content: document.getText() });
      const viaWorker = await api.analyzer.get(untitled);
      assert.ok(api.worker.jobsCompleted > jobs, 'the analysis ran in the worker');
      assert.equal(viaWorker?.recognition.layers[0]?.id, 'layer-0-lstm_1');
      assert.deepEqual(Array.from(viaWorker?.recognition.layers[0]?.layer.directions[0].bW ?? []), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    } finally {
      api.analyzer.forceWorker = false;
    }
  });
});
