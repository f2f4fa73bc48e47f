// Hover, inlay hints, CodeLens, outline and status on the seed example, through VS Code's own provider commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { gateDiagnostics, gateLensApi, labelOf, markdownOf, openExample, positionOf, setSetting, until } from './helpers';

const SEED = 'seed_keras_lstm.py';

describe('Gate Lens editor features on the seed example', () => {
  let document: vscode.TextDocument;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
  });

  after(async () => {
    await setSetting('hints.style', undefined);
  });

  it('hovers on the kernel name with its role, shape, gate table and evidence', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'lstm_1_kernel_0', 3));
    const text = markdownOf(hovers);
    assert.match(text, /input kernel of lstm_1 — Keras LSTM, 3 units, input size 1/);
    assert.match(text, /shape `\(1, 12\)`/);
    for (const [label, name, range] of [['i', 'input gate', '0:3'], ['f', 'forget gate', '3:6'], ['c', 'cell candidate', '6:9'], ['o', 'output gate', '9:12']]) {
      assert.ok(text.includes(`| \`${label}\` | ${name} | \`${range}\` |`), `gate row ${label} ${range} in:\n${text}`);
    }
    assert.match(text, /unit_forget_bias/);
    assert.match(text, /command:gateLens\.stepThrough\?/);
    assert.match(text, /command:gateLens\.copyNumpy\?/);
    assert.match(text, /command:gateLens\.chooseConvention\?/);
  });

  it('hovers anywhere inside the recurrent kernel literal with its own role', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, '0.42888513', 2));
    const text = markdownOf(hovers);
    assert.match(text, /recurrent kernel of lstm_1 — Keras LSTM, 3 units, input size 1/);
    assert.match(text, /shape `\(3, 12\)`/);
  });

  it('hovers on a slice of the packed pre-activation with the gate it holds', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'z_1_lstm_1[0, 3:6]', 14));
    assert.match(markdownOf(hovers), /`f` forget gate/);
  });

  it('labels each slice with an inlay hint after it: f · forget gate', async () => {
    await setSetting('hints.style', 'both');
    const full = new vscode.Range(0, 0, document.lineCount, 0);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, full);
    const byLine = new Map(hints.map((h) => [document.lineAt(h.position.line).text.trim(), labelOf(h)]));
    assert.equal(byLine.get('i = sigmoid(z_1_lstm_1[0, 0:3])'), 'i · input gate');
    assert.equal(byLine.get('f = sigmoid(z_1_lstm_1[0, 3:6])'), 'f · forget gate');
    assert.equal(byLine.get('c = np.tanh(z_1_lstm_1[0, 6:9])'), 'c · cell candidate');
    assert.equal(byLine.get('o = sigmoid(z_1_lstm_1[0, 9:12])'), 'o · output gate');
    const f = hints.find((h) => labelOf(h) === 'f · forget gate');
    assert.ok(f);
    assert.deepEqual(f.position, positionOf(document, 'z_1_lstm_1[0, 3:6]', 'z_1_lstm_1[0, 3:6]'.length));
  });

  it('labels each variable of a split, and flags the ones in the wrong place', async () => {
    const hand = /i = sigmoid\(z_1_lstm_1\[0, 0:3\]\)\nf = .*\nc = .*\no = .*\n/;
    assert.match(document.getText(), hand);
    const split = await vscode.workspace.openTextDocument({ language: 'python', content: document.getText().replace(hand, 'i, c, f, o = np.split(z_1_lstm_1, 4, axis=1)\n') });
    const line = split.getText().split('\n').findIndex((l) => l.startsWith('i, c, f, o = np.split'));
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', split.uri, new vscode.Range(0, 0, split.lineCount, 0));
    const onLine = hints.filter((h) => h.position.line === line).sort((a, b) => a.position.character - b.position.character);
    // One hint right after each variable: i, c, f, o hold columns 0:3, 3:6, 6:9, 9:12 = i, f, c, o.
    assert.deepEqual(onLine.map((h) => [h.position.character, labelOf(h)]), [[1, 'i · input gate'], [4, '⚠ f · forget gate'], [7, '⚠ c · cell candidate'], [10, 'o · output gate']]);
    const wrong = await until(() => {
      const found = gateDiagnostics(split.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length === 2 ? found : undefined;
    }, 'two wrong-gate-slice diagnostics on the split');
    assert.deepEqual(wrong.map((d) => split.getText(d.range)).sort(), ['c', 'f']);
  });

  it('puts a CodeLens with the gate ranges above each packed array', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const ranges = lenses.filter((l) => l.command?.title.includes('i 0:3 · f 3:6 · c 6:9 · o 9:12'));
    // kernel, recurrent kernel and bias are all packed.
    assert.deepEqual(ranges.map((l) => document.lineAt(l.range.start.line).text.split('=')[0].trim()), ['lstm_1_kernel_0', 'lstm_1_recurrent_kernel_0', 'lstm_1_bias_0']);
    assert.ok(ranges.every((l) => l.command?.command === 'gateLens.stepThrough'));
    assert.ok(lenses.some((l) => /Step through/.test(l.command?.title ?? '')));
  });

  it('follows gateLens.hints.style: off hides hints and lenses, codelens keeps only lenses', async () => {
    const full = new vscode.Range(0, 0, document.lineCount, 0);
    await setSetting('hints.style', 'off');
    assert.equal((await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, full)).length, 0);
    assert.equal((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)).length, 0);
    await setSetting('hints.style', 'codelens');
    assert.equal((await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, full)).length, 0);
    assert.ok((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)).length >= 3);
    await setSetting('hints.style', 'both');
  });

  it('outlines the layer with its arrays', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    const layer = symbols.find((s) => s.name === 'lstm_1');
    assert.ok(layer, `lstm_1 in ${symbols.map((s) => s.name).join(', ')}`);
    assert.match(layer.detail, /Keras LSTM/);
    assert.deepEqual(layer.children.map((c) => c.name), ['kernel', 'recurrent_kernel', 'bias']);
  });

  it('shows the status bar summary for the active editor', async () => {
    const api = await gateLensApi();
    await vscode.window.showTextDocument(document);
    await until(() => api.statusBar.text === '$(pulse) LSTM ×1 · Keras' || undefined, `status "$(pulse) LSTM ×1 · Keras", now "${api.statusBar.text}"`);
    assert.equal(api.statusBar.command, 'gateLens.inspect');
  });

  it('parses each document version once, however many providers ask', async () => {
    const api = await gateLensApi();
    await api.analyzer.get(document);
    const before = api.analyzer.analysesRun;
    await vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, positionOf(document, 'lstm_1_bias_0'));
    await vscode.commands.executeCommand('vscode.executeCodeLensProvider', document.uri);
    await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', document.uri);
    assert.equal(api.analyzer.analysesRun, before);
  });

  it('re-analyses after an edit (debounced) and runs large documents in the worker', async () => {
    const api = await gateLensApi();
    assert.ok(api.worker, 'the Node extension host has a worker');
    const jobs = api.worker.jobsCompleted;
    // Set before opening: the open event already starts the document's first analysis.
    api.analyzer.forceWorker = true;
    try {
      const untitled = await vscode.workspace.openTextDocument({ language: 'python', content: document.getText() });
      await vscode.window.showTextDocument(untitled);
      const viaWorker = await api.analyzer.get(untitled);
      assert.ok(api.worker.jobsCompleted > jobs, 'the analysis ran in the worker');
      assert.equal(viaWorker?.recognition.layers[0]?.id, 'layer-0-lstm_1');
      assert.deepEqual(Array.from(viaWorker?.recognition.layers[0]?.layer.directions[0].bW ?? []), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor);
      // Rename the layer in every name: the next analysis must carry the new name.
      await editor.edit((b) => {
        const text = untitled.getText();
        for (let at = text.indexOf('lstm_1_'); at >= 0; at = text.indexOf('lstm_1_', at + 1)) b.replace(new vscode.Range(untitled.positionAt(at), untitled.positionAt(at + 6)), 'enc_lstm');
      });
      const renamed = await until(async () => {
        const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', untitled.uri);
        return symbols.find((s) => s.name === 'enc_lstm');
      }, 'the outline to show the renamed layer');
      assert.match(renamed.detail, /Keras LSTM/);
    } finally {
      api.analyzer.forceWorker = false;
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('does not parse documents above gateLens.maxFileSizeMB', async () => {
    const api = await gateLensApi();
    await setSetting('maxFileSizeMB', 0.0001);
    try {
      const small = await vscode.workspace.openTextDocument({ language: 'python', content: document.getText() });
      assert.equal(await api.analyzer.get(small), undefined);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', small.uri, positionOf(small, 'lstm_1_kernel_0', 2));
      assert.doesNotMatch(markdownOf(hovers), /kernel of lstm_1/);
    } finally {
      await setSetting('maxFileSizeMB', undefined);
    }
  });
});
