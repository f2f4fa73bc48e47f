// A notebook as one document in the web worker extension host (the browser bundle, as on vscode.dev): a real .ipynb of
// the test workspace (test-workspace/notebooks/split_lstm.ipynb, printed by torch 2.13) whose cells ran out of order —
// the constructor in cell 2 [In 3], the state_dict printed by cell 3 [In 5], gate slicing in cell 4 [In 8] and a
// summarised Linear weight printed by cell 5 [In 9]. Opened from disk: code-server 1.100.3 loses the output bytes of
// untitled notebooks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NotebookOutputsResult } from '../../src/extension/commands/inspectNotebookOutputs';
import { gateDiagnostics, gateLensApi, markdownOf, until } from '../extension/helpers';

const NOTEBOOK = 'notebooks/split_lstm.ipynb';

async function showCell(notebook: vscode.NotebookDocument, index: number): Promise<void> {
  const range = new vscode.NotebookRange(index, index + 1);
  const editor = await vscode.window.showNotebookDocument(notebook, { selections: [range] });
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenter);
}

/** The code lenses of a cell, or undefined while the renderer has no text model for it yet ("Illegal argument"). */
async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[] | undefined> {
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri).then((l) => l, () => undefined);
}

describe('Gate Lens: a notebook in the web host', () => {
  let notebook: vscode.NotebookDocument;

  before(async () => {
    await gateLensApi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder');
    notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(folder.uri, NOTEBOOK));
    await vscode.window.showNotebookDocument(notebook);
    assert.deepEqual(notebook.getCells().map((c) => c.executionSummary?.executionOrder ?? '-'), ['-', 3, 5, 8, 9]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reads the cells together and hovers the gate table on a slice in cell 4 [In 8]', async () => {
    const api = await gateLensApi();
    const slicing = notebook.cellAt(3).document;
    const analysis = await api.analyzer.get(slicing);
    assert.deepEqual(analysis?.recognition.layers.map((l) => `${l.cell} ${l.convention} ${l.units}/${l.inputSize} ${l.complete}`), ['lstm pytorch 2/1 true']);
    const at = slicing.positionAt(slicing.getText().indexOf('gates[:, 4:6]') + 2);
    const hover = markdownOf(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', slicing.uri, at));
    for (const row of ['| `i` | input gate | `0:2` |', '| `f` | forget gate | `2:4` |', '| `g` | cell candidate | `4:6` |', '| `o` | output gate | `6:8` |']) {
      assert.ok(hover.includes(row), `${row} in:\n${hover}`);
    }
    assert.match(hover, /command:gateLens\.stepThrough\?/);
  });

  it('puts the wrong-gate warning in cell 4 and the summarised print of cell 5’s output on cell 5, naming it', async () => {
    const slicing = notebook.cellAt(3).document;
    const wrong = await until(() => {
      const found = gateDiagnostics(slicing.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length ? found : undefined;
    }, 'the wrong-gate diagnostic in cell 4');
    assert.deepEqual(wrong.map((d) => slicing.getText(d.range)), ['gates[:, 0:2]']);
    const printing = notebook.cellAt(4).document;
    const [summarised] = await until(() => {
      const found = gateDiagnostics(printing.uri).filter((d) => d.code === 'truncated-print');
      return found.length ? found : undefined;
    }, 'the summarised-print diagnostic on cell 5');
    assert.equal(summarised.range.start.line, 0);
    assert.match(summarised.message, /^in cell 5 \[In 9\] output, line 2:38: 'head\.weight' was printed in summarised form/);
    for (const k of [0, 1, 2, 3]) assert.deepEqual(gateDiagnostics(notebook.cellAt(k).document.uri).filter((d) => d.code === 'truncated-print'), []);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', printing.uri, summarised.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.command?.command === 'gateLens.copyPrintOptions');
    assert.equal(fix?.command?.arguments?.[0], 'torch.set_printoptions(profile="full", precision=17)', actions.map((a) => a.title).join(' | '));
  });

  it('inspects the notebook outputs, with a lens and the status item on cell 3 [In 5]', async () => {
    const api = await gateLensApi();
    const result = await vscode.commands.executeCommand<NotebookOutputsResult>('gateLens.inspectNotebookOutputs', { uri: notebook.uri.toString() });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(result);
    assert.deepEqual(result.layers.map((l) => `${l.name} ${l.cellLabels.join()}`), ['l0 3 [In 5]']);
    assert.deepEqual(result.outputs.find((o) => o.cell === 3)?.arrays.map((a) => `${a.role} (${a.shape.join(', ')})`), ['weight_ih (8, 1)', 'weight_hh (8, 2)', 'bias_ih (8)', 'bias_hh (8)']);
    assert.match(result.report, /## Cell 3 \\\[In 5\\\], output 1/);

    const printing = notebook.cellAt(2);
    await showCell(notebook, 2);
    const lenses = await until(async () => {
      const found = await lensesOf(printing.document.uri);
      return found?.some((l) => l.command?.command === 'gateLens.stepThrough') ? found : undefined;
    }, 'the output lens on cell 3');
    assert.ok(lenses.some((l) => l.range.start.line === 0 && l.command?.title.includes('Weights in the output: l0')), lenses.map((l) => l.command?.title).join(' | '));
    assert.ok(lenses.some((l) => l.command?.command === 'gateLens.inspectNotebookOutputs'));
    await until(() => api.statusBar.text.includes('$(output) 3 [In 5]') || undefined, `the status item names cell 3 [In 5] (is: ${api.statusBar.text})`);
  });
});
