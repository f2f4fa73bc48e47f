// Notebooks as one document in the editor (src/extension/notebookAnalyzer.ts): the cells of a real .ipynb, opened as a
// notebook, are read together — weights printed in one cell's output, the constructor in another, slicing code in a
// third — with hovers, diagnostics, hints and lenses in the right cell, and "Inspect Notebook Outputs".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NotebookOutputsResult } from '../../src/extension/commands/inspectNotebookOutputs';
import { EXTENSION_ID, gateDiagnostics, gateLensApi, labelOf, markdownOf, until } from './helpers';

const REAL_NOTEBOOK = 'test/fixtures/realworld/13-course-notebook-ipynb-simplernn/TF2_0_RNN_Shapes.ipynb';

/** An nbformat 4 code cell whose outputs are text/plain results; `executionCount` is the `[n]` it shows once run. */
function code(source: string, outputs: readonly string[] = [], executionCount: number | null = null): Record<string, unknown> {
  return {
    cell_type: 'code', execution_count: executionCount, metadata: {}, source,
    outputs: outputs.map((text) => ({ output_type: 'execute_result', execution_count: executionCount, metadata: {}, data: { 'text/plain': text } })),
  };
}

/** Writes the .ipynb into the workspace and shows it as a notebook (the built-in Jupyter serializer reads it). */
async function showNotebook(name: string, bytes: Uint8Array): Promise<vscode.NotebookDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, 'scratch', name);
  await vscode.workspace.fs.writeFile(uri, bytes);
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(notebook);
  return notebook;
}

async function showCell(notebook: vscode.NotebookDocument, index: number): Promise<void> {
  const range = new vscode.NotebookRange(index, index + 1);
  const editor = await vscode.window.showNotebookDocument(notebook, { selections: [range] });
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenter);
}

/** The code lenses of a cell, or undefined while the renderer has no text model for it yet ("Illegal argument"). */
async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[] | undefined> {
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri).then((l) => l, () => undefined);
}

async function notebookOf(name: string, cells: readonly Record<string, unknown>[]): Promise<vscode.NotebookDocument> {
  const json = { nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: 'python' } }, cells };
  return showNotebook(name, new TextEncoder().encode(JSON.stringify(json, null, 1)));
}

// A PyTorch LSTM split across cells: constructor (cell 1), weights printed by cell 2's output, slicing in cell 3
// (`f` names the forget gate but 0:2 holds the input gate in PyTorch's i, f, g, o order).
const STATE_DICT = "OrderedDict([('weight_ih_l0', tensor([[ 0.1], [ 0.2], [ 0.3], [ 0.4], [ 0.5], [ 0.6], [ 0.7], [ 0.8]])), ('weight_hh_l0', tensor([[ 0.1, 0.2], [ 0.3, 0.4], [ 0.5, 0.6], [ 0.7, 0.8], [ 0.9, 1.0], [ 1.1, 1.2], [ 1.3, 1.4], [ 1.5, 1.6]])), ('bias_ih_l0', tensor([0., 0., 0., 0., 0., 0., 0., 0.])), ('bias_hh_l0', tensor([0., 0., 0., 0., 0., 0., 0., 0.]))])";
const SPLIT_LSTM = [
  code('import torch.nn as nn\nrnn = nn.LSTM(1, 2)'),
  code('print(rnn.state_dict())', [STATE_DICT]),
  code('gates = x @ rnn.weight_ih_l0.T\nf = gates[:, 0:2]\ng = gates[:, 4:6]'),
];

describe('Gate Lens: notebooks as one document', () => {
  it('recognises the SimpleRNN of a real course notebook (get_weights() in cell 7, SimpleRNN(M) in cell 4)', async () => {
    const api = await gateLensApi();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const notebook = await showNotebook('TF2_0_RNN_Shapes.ipynb', await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, REAL_NOTEBOOK)));
    const weightsCell = notebook.cellAt(6);
    assert.match(weightsCell.document.getText(), /get_weights\(\)/);
    const analysis = await api.analyzer.get(weightsCell.document);
    assert.ok(analysis);
    assert.deepEqual(analysis.recognition.layers.map((l) => `${l.cell} ${l.convention} ${l.units}/${l.inputSize}`), ['simple_rnn keras 5/3']);
    assert.ok(analysis.recognition.layers[0].evidence.some((e) => e.code === 'constructor-hint'), 'the constructor of cell 4 is read with the output of cell 7');

    // The lens on the cell whose output holds the weights, on its first line, leading to Step Through.
    // The renderer has a text model only for cells it has shown: lenses are asked once cell 7 is in view.
    await showCell(notebook, 6);
    const lenses = await until(async () => {
      const found = await lensesOf(weightsCell.document.uri);
      return found?.some((l) => l.command?.title.includes('simple_rnn')) ? found : undefined;
    }, 'the output lens on cell 7');
    const outputLens = lenses.find((l) => l.command?.command === 'gateLens.stepThrough');
    assert.ok(outputLens && outputLens.range.start.line === 0, 'a Step Through lens on the first line of cell 7');
    assert.ok(lenses.some((l) => l.command?.command === 'gateLens.inspectNotebookOutputs'));
    await showCell(notebook, 8);
    const otherLenses = await until(() => lensesOf(notebook.cellAt(8).document.uri), 'the lenses of cell 9');
    assert.equal(otherLenses.filter((l) => l.command?.command === 'gateLens.inspectNotebookOutputs').length, 0, 'only the cell whose output holds weights');

    // The command: what the outputs hold, by cell and output as the notebook numbers them.
    const result = await vscode.commands.executeCommand<NotebookOutputsResult>('gateLens.inspectNotebookOutputs', { uri: notebook.uri.toString() });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(result);
    assert.deepEqual(result.layers.map((l) => `${l.name} ${l.cells.join()} ${l.cellLabels.join()}`), ['simple_rnn 7 7 [In 7]']);
    const seventh = result.outputs.find((o) => o.cell === 7);
    assert.equal(seventh?.executionCount, 7, 'the execution count the .ipynb gives (VS Code shows it as [7])');
    assert.deepEqual(seventh?.arrays.map((a) => `${a.role} (${a.shape.join(', ')})`), ['kernel (3, 5)', 'recurrent_kernel (5, 5)', 'bias (5)']);
    assert.match(result.report, /Cell 7 \\\[In 7\\\], output 1/);

    // The status bar, with the notebook active: the layer, and the cell whose output holds it.
    await until(() => api.statusBar.text.includes('$(output) 7 [In 7]') || undefined, `status bar names cell 7 [In 7] (is: ${api.statusBar.text})`);
    assert.equal(api.statusBar.command && typeof api.statusBar.command === 'object' ? api.statusBar.command.command : api.statusBar.command, 'gateLens.inspectNotebookOutputs');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('puts slices, their diagnostics, hints and hovers in the cell that has the code', async () => {
    const api = await gateLensApi();
    const notebook = await notebookOf('split-lstm.ipynb', SPLIT_LSTM);
    const slicing = notebook.cellAt(2).document;
    const analysis = await api.analyzer.get(slicing);
    assert.ok(analysis);
    assert.deepEqual(analysis.recognition.layers.map((l) => `${l.cell} ${l.convention} ${l.units}/${l.inputSize}`), ['lstm pytorch 2/1']);
    const text = slicing.getText();
    const [f, g] = analysis.recognition.slices;
    assert.equal(text.slice(f.range.start, f.range.end), 'gates[:, 0:2]');
    assert.equal(text.slice(g.range.start, g.range.end), 'gates[:, 4:6]');

    // The wrong-gate warning on line 2 of cell 3, nowhere else.
    const warnings = await until(() => {
      const found = gateDiagnostics(slicing.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length ? found : undefined;
    }, 'the wrong-gate diagnostic in cell 3');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].range.start.line, 1);
    assert.equal(slicing.getText(warnings[0].range), 'gates[:, 0:2]');
    for (const k of [0, 1]) assert.deepEqual(gateDiagnostics(notebook.cellAt(k).document.uri).filter((d) => d.code === 'wrong-gate-slice'), []);

    // Hints after each slice, and the hover on one, in cell 3.
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', slicing.uri, new vscode.Range(0, 0, slicing.lineCount, 0));
    assert.ok(hints.some((h) => h.position.line === 2 && /cell|g ·/.test(labelOf(h))), `a hint on line 3: ${hints.map((h) => `${h.position.line}:${labelOf(h)}`).join(' | ')}`);
    const hover = markdownOf(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', slicing.uri, new vscode.Position(2, 12)));
    assert.match(hover, /4:6/);

    // The constructor cell has no array of its own: no lens on it; the output cell has the output lens.
    const constructorLenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', notebook.cellAt(0).document.uri);
    assert.deepEqual(constructorLenses.map((l) => l.command?.title), []);
    const outputLenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', notebook.cellAt(1).document.uri);
    assert.ok(outputLenses.some((l) => l.command?.command === 'gateLens.stepThrough' && l.range.start.line === 0));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('names the cell in messages about missing arrays, by position and by the [In n] it shows', async () => {
    const api = await gateLensApi();
    const notebook = await notebookOf('shapes-only.ipynb', [
      code('import torch.nn as nn\nrnn = nn.LSTM(2, 3)'),
      code('for n, p in rnn.named_parameters():\n    print(n, p.shape)', ['weight_ih_l0 torch.Size([12, 2])\nweight_hh_l0 torch.Size([12, 3])\nbias_ih_l0 torch.Size([12])\nbias_hh_l0 torch.Size([12])\n'], 7),
    ]);
    assert.equal(notebook.cellAt(1).executionSummary?.executionOrder, 7, 'VS Code shows [7] beside cell 2');
    const analysis = await api.analyzer.get(notebook.cellAt(1).document);
    const layer = analysis?.recognition.layers[0];
    assert.ok(layer && !layer.complete);
    const hh = layer.missing.find((m) => m.array === 'weight_hh');
    assert.match(hh?.message ?? '', /at cell 2 \[In 7\] output, line 2:14\)/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('shows a diagnostic about a cell\'s output on the cell, naming where, with the fix of the framework that printed it', async () => {
    // torch 2.13: print('weight_ih_l0', nn.LSTM(1, 300).weight_ih_l0) — summarised, its "..." four lines below tensor(.
    const summarised = 'weight_ih_l0 Parameter containing:\ntensor([[-0.0004],\n        [ 0.0310],\n        [-0.0475],\n        ...,\n        [-0.0198],\n        [ 0.0299],\n        [-0.0142]], requires_grad=True)\n';
    const notebook = await notebookOf('summarised-output.ipynb', [
      code('import torch.nn as nn\nrnn = nn.LSTM(1, 300)', [], 4),
      code("print('weight_ih_l0', rnn.weight_ih_l0)", [summarised], 5),
    ]);
    const cell = notebook.cellAt(1).document;
    await (await gateLensApi()).analyzer.get(cell);
    const [truncated] = await until(() => {
      const found = gateDiagnostics(cell.uri).filter((d) => d.code === 'truncated-print');
      return found.length ? found : undefined;
    }, 'the truncated-print diagnostic of the output, on cell 2');
    assert.equal(truncated.range.start.line, 0, 'on the first line of the cell (the output is no text document)');
    assert.match(truncated.message, /^in cell 2 \[In 5\] output, line 5:9: 'weight_ih_l0' was printed in summarised form/);
    assert.deepEqual(gateDiagnostics(notebook.cellAt(0).document.uri).filter((d) => d.code === 'truncated-print'), [], 'not on the other cell');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', cell.uri, truncated.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.command?.command === 'gateLens.copyPrintOptions');
    assert.equal(fix?.command?.arguments?.[0], 'torch.set_printoptions(profile="full", precision=17)', actions.map((a) => a.title).join(' | '));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
