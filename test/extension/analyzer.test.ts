// Editing while an analysis runs (issue 11 item 4): the analysis in flight is neither cancelled nor restarted per
// keystroke, the latest version is analysed once after the edits settle, and a hover meanwhile answers from the last
// complete analysis, mapped through the edits and marked as updating.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GateLensApi } from '../../src/extension/extension';
import { copyOfExample, gateLensApi, markdownOf, positionOf, until } from './helpers';

const UPDATING = 'The file changed since this analysis; updating…';

/** Holds every analysis after it has read its text, until `release()` (the analyzer's test hook). */
function hold(api: GateLensApi): () => void {
  let release!: () => void;
  api.analyzer.holdAnalyses = new Promise<void>((resolve) => (release = resolve));
  return () => {
    api.analyzer.holdAnalyses = undefined;
    release();
  };
}

async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<{ text: string; hovers: vscode.Hover[] }> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
  return { text: markdownOf(hovers), hovers };
}

describe('Gate Lens analyzer while the document is edited', () => {
  let api: GateLensApi;
  before(async () => {
    api = await gateLensApi();
    api.analyzer.forceWorker = true;
  });
  after(() => {
    api.analyzer.forceWorker = false;
    api.analyzer.holdAnalyses = undefined;
  });

  it('lets the analysis in flight finish and analyses the latest version once after the edits settle', async () => {
    const { document, editor } = await copyOfExample('seed_keras_lstm.py', 'edits_during_analysis.py');
    await api.analyzer.get(document);
    const runs = api.analyzer.analysesRun;
    const cancels = api.analyzer.analysesCancelled;
    const workers = api.worker?.workersStarted ?? 0;
    const release = hold(api);
    let firstSettled = false;
    try {
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# edit 0\n'));
      const first = api.analyzer.get(document).then((analysis) => ((firstSettled = true), analysis));
      // Keystrokes while it runs, each followed by what providers do: ask for the current version's analysis.
      const asked: Promise<unknown>[] = [];
      for (let i = 1; i <= 5; i++) {
        await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), `# edit ${i}\n`));
        asked.push(api.analyzer.get(document));
      }
      assert.equal(firstSettled, false, 'the first analysis is still held while the edits are made');
      release();
      const firstAnalysis = await first;
      assert.ok(firstAnalysis, 'the analysis in flight finished with a result instead of being cancelled');
      await Promise.all(asked);
      await until(() => api.analyzer.peek(document), 'the analysis of the latest version');
    } finally {
      release();
    }
    assert.equal(api.analyzer.analysesCancelled - cancels, 0, 'no analysis was cancelled');
    assert.equal(api.analyzer.analysesRun - runs, 2, 'the version being analysed, then the latest one once');
    assert.equal((api.worker?.workersStarted ?? 0) - workers, 0, 'the worker was not restarted');
    const latest = api.analyzer.peek(document);
    assert.equal(latest?.recognition.layers[0]?.name, 'lstm_1');
    // Offsets are the latest text's: the kernel's name is where the document has it now.
    const kernel = latest?.parse.arrays.find((a) => a.name === 'lstm_1_kernel_0');
    assert.equal(kernel?.nameRange?.start, document.getText().indexOf('lstm_1_kernel_0'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('answers a hover during the re-analysis from the last complete analysis, mapped through the edits, marked as updating', async () => {
    const { document, editor } = await copyOfExample('seed_keras_lstm.py', 'hover_during_analysis.py');
    const fresh = await hoverText(document, positionOf(document, 'lstm_1_recurrent_kernel_0', 3));
    assert.ok(fresh.text.includes('3:6'), `gate table in the hover: ${fresh.text}`);
    assert.ok(!fresh.text.includes(UPDATING));
    const release = hold(api);
    try {
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# a line typed above the weights\n'));
      const position = positionOf(document, 'lstm_1_recurrent_kernel_0', 3);
      const stale = await hoverText(document, position);
      assert.ok(stale.text.includes(UPDATING), `the hover says it is updating: ${stale.text}`);
      assert.ok(stale.text.includes('3:6'), 'with the gate table of the last complete analysis');
      const range = stale.hovers.find((h) => h.range)?.range;
      assert.ok(range, 'the hover has a range');
      assert.deepEqual(range.start, positionOf(document, 'lstm_1_recurrent_kernel_0'), 'mapped to where the array is now');
      // Inside the text typed since, the old analysis knows nothing.
      const typed = await hoverText(document, positionOf(document, 'typed above'));
      assert.ok(!typed.text.includes(UPDATING), `no stale hover inside new text: ${typed.text}`);
    } finally {
      release();
    }
    await until(() => api.analyzer.peek(document), 'the analysis of the edited version');
    const after = await hoverText(document, positionOf(document, 'lstm_1_recurrent_kernel_0', 3));
    assert.ok(after.text.includes('3:6') && !after.text.includes(UPDATING), `current again: ${after.text}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
