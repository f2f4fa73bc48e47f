// Lifecycle of the extension's pieces: a panel closed before its webview is ready settles openPanel, the webview
// message log exists only under test, provider emitters are disposed, an opened document is handled once, and the
// worker's failures arrive with a code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { messageLog } from '../../src/extension/extension';
import { GateCodeLensProvider } from '../../src/extension/codeLens';
import { GateInlayHintsProvider } from '../../src/extension/inlayHints';
import type { WorkerError } from '../../src/extension/workerClient';
import { example, gateLensApi, openExample, until } from './helpers';

describe('Gate Lens lifecycle', () => {
  it('openPanel settles when the panel is closed before its webview is ready', async () => {
    const api = await gateLensApi();
    const { document } = await openExample('seed_keras_lstm.py');
    /** Opens the panel, closes it once its page is set but before the webview has said ready; how `opening` ended. */
    const closeBeforeReady = async (open: () => Thenable<unknown>): Promise<string | undefined> => {
      api.views.panel?.panel.dispose();
      const from = api.messages.length;
      let outcome: string | undefined;
      Promise.resolve(open()).then(
        (value) => (outcome = `resolved ${JSON.stringify(value)}`),
        (error: unknown) => (outcome = `rejected ${error instanceof Error ? error.name : String(error)}`),
      );
      const panel = await until(() => api.views.panel, 'the panel');
      await until(() => panel.panel.webview.html.length > 0 || undefined, 'the panel page', 30000);
      const wasReady = api.messages.slice(from).some((m) => m.kind === 'panel' && m.direction === 'received' && m.message.type === 'ready');
      panel.panel.dispose();
      // A webview that was quicker than the poll makes this attempt say nothing about the bug.
      if (wasReady) return undefined;
      return until(() => outcome, 'the opening to settle after the panel closed');
    };
    let direct: string | undefined;
    for (let attempt = 0; attempt < 5 && direct === undefined; attempt++) direct = await closeBeforeReady(() => api.views.openPanel(document));
    assert.equal(direct, 'rejected WebviewClosedError');
    // The command answers instead of hanging.
    await vscode.window.showTextDocument(document);
    let command: string | undefined;
    for (let attempt = 0; attempt < 5 && command === undefined; attempt++) command = await closeBeforeReady(() => vscode.commands.executeCommand('gateLens.openPanel'));
    assert.equal(command, 'resolved {"ready":false,"layerIds":[]}');
  });

  it('Step Through answers without an error when the panel is closed mid-run, and notes the cancel in the log (issue 8 item 19)', async function () {
    this.timeout(180_000);
    const api = await gateLensApi();
    const { document } = await openExample('seed_keras_lstm.py');
    const analysis = await api.analyzer.get(document);
    const layerId = analysis?.recognition.layers[0]?.id;
    assert.ok(layerId);
    const noted: string[] = [];
    const logger = api.logger as { info: (...args: unknown[]) => void; error: (...args: unknown[]) => void };
    const original = { info: logger.info, error: logger.error };
    logger.info = (...args: unknown[]) => {
      noted.push(`info ${args.map(String).join(' ')}`);
      original.info.apply(api.logger, args);
    };
    logger.error = (...args: unknown[]) => {
      noted.push(`error ${args.map(String).join(' ')}`);
      original.error.apply(api.logger, args);
    };
    try {
      /** Runs Step Through, closes the panel when `closeWhen` first holds, and says how the command ended. */
      const closeDuring = async (closeWhen: (from: number) => boolean, what: string): Promise<string> => {
        api.views.panel?.panel.dispose();
        const from = api.messages.length;
        const ended = vscode.commands.executeCommand('gateLens.stepThrough', { uri: document.uri.toString(), layerId }).then(
          (value) => `resolved ${value === undefined ? 'undefined' : 'a summary'}`,
          (error: unknown) => `rejected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
        const panel = await until(() => api.views.panel, 'the panel');
        await until(() => closeWhen(from) || undefined, what, 60000);
        panel.panel.dispose();
        return ended;
      };
      const received = (from: number, type: string) => api.messages.slice(from).some((m) => m.kind === 'panel' && m.direction === 'received' && m.message.type === type);
      const sent = (from: number, type: string) => api.messages.slice(from).some((m) => m.kind === 'panel' && m.direction === 'sent' && m.message.type === type);
      // Before the webview said ready, and after it did while the run's messages are on their way.
      // (A run that finished just before the close answers its summary: either way, no rejection, no notification.)
      assert.match(await closeDuring(() => (api.views.panel?.panel.webview.html.length ?? 0) > 0, 'the panel page'), /^resolved/);
      assert.match(await closeDuring((from) => received(from, 'ready') && sent(from, 'progress'), 'the run under way'), /^resolved/);
      assert.ok(noted.some((line) => /^info Step Through: .*(closed|cancelled)/.test(line)), `the cancel is noted in the Gate Lens log: ${noted.join(' | ')}`);
      assert.deepEqual(noted.filter((line) => line.startsWith('error')), [], 'no error logged for a closed panel');
    } finally {
      logger.info = original.info;
      logger.error = original.error;
    }
  });

  it('keeps the webview message log under test only', () => {
    const production = messageLog(vscode.ExtensionMode.Production);
    let fired = 0;
    production.emitter.event(() => fired++);
    production.log('panel', 'sent', { type: 'goToStep', step: 1 });
    assert.deepEqual([production.messages.length, fired], [0, 0]);
    const test = messageLog(vscode.ExtensionMode.Test);
    for (let k = 0; k < 250; k++) test.log('panel', 'sent', { type: 'goToStep', step: k });
    // Indices stay where they were (a test's `from = messages.length` keeps its meaning); only the last 200 keep
    // their payload.
    assert.equal(test.messages.length, 250);
    assert.deepEqual(test.messages.at(-1)?.message, { type: 'goToStep', step: 249 });
    assert.deepEqual(test.messages[50]?.message, { type: 'goToStep', step: 50 });
    assert.deepEqual(test.messages[49]?.message, { type: 'goToStep' });
    production.emitter.dispose();
    test.emitter.dispose();
  });

  it('disposes the inlay-hint and CodeLens providers’ change emitters', async () => {
    const api = await gateLensApi();
    for (const provider of [new GateInlayHintsProvider(api.analyzer), new GateCodeLensProvider(api.analyzer)]) {
      let fired = 0;
      const event = 'onDidChangeInlayHints' in provider ? provider.onDidChangeInlayHints : provider.onDidChangeCodeLenses;
      event(() => fired++);
      provider.refresh();
      provider.dispose();
      provider.refresh();
      assert.equal(fired, 1, `${provider.constructor.name}: no event after dispose`);
    }
  });

  it('handles a newly opened document once', async () => {
    const api = await gateLensApi();
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(await example('seed_keras_lstm.py')));
    const updates: string[] = [];
    const collection = api.diagnostics;
    const original = collection.set.bind(collection) as (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[] | undefined) => void;
    (collection as { set: unknown }).set = (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[] | undefined) => {
      updates.push(uri.toString());
      original(uri, diagnostics);
    };
    try {
      let analysed: vscode.TextDocument | undefined;
      const subscription = api.analyzer.onDidAnalyze((e) => {
        if (e.document.getText() === text + '\n# once') analysed = e.document;
      });
      const document = await vscode.workspace.openTextDocument({ language: 'python', content: text + '\n# once' });
      await until(() => analysed === document, 'the analysis of the opened document');
      subscription.dispose();
      await api.analyzer.get(document);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(updates.filter((u) => u === document.uri.toString()).length, 1, 'diagnostics set once for the open');
    } finally {
      (collection as { set: unknown }).set = original;
    }
  });

  it('receives worker failures with their codes: a source it does not hold, a layer the source does not have', async () => {
    const api = await gateLensApi();
    assert.ok(api.worker);
    const { document } = await openExample('seed_keras_lstm.py');
    const analysis = await api.analyzer.get(document);
    assert.ok(analysis);
    const source = api.analyzer.workerSource(document, analysis);
    assert.ok(source);
    const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Partial<WorkerError>);
    const input = { kind: 'zeros', steps: 1 } as const;
    const missing = await failure(api.worker.run({ source: { uri: source.id.uri, revision: 'no-such-revision' }, request: { layerId: analysis.recognition.layers[0].id, input } }));
    // The extension's own WorkerError class (this suite bundles a copy of the sources, so no instanceof).
    assert.equal(missing?.name, 'WorkerError', `a WorkerError, got ${String(missing)}`);
    assert.equal(missing?.code, 'source-missing');
    await source.load();
    const noLayer = await failure(api.worker.run({ source: source.id, request: { layerId: 'no-such-layer', input } }));
    assert.equal(noLayer?.code, 'layer-missing');
    assert.match(noLayer?.message ?? '', /no-such-layer/);
    assert.equal(api.logger.name, 'Gate Lens');
  });
  it('never hands a new document the analysis of a closed one that had the same URI and version', async () => {
    const api = await gateLensApi();
    const { document } = await openExample('seed_keras_lstm.py');
    const renamed = document.getText().replace(/lstm_1_/g, 'enc_lstm_');
    // Untitled-1 at version 1 comes back with the next new untitled document, and its close event can come later:
    // two document objects with the same URI and version but other text.
    // A URI no open document has: the real document's own (debounced) analysis must not take the entry meanwhile.
    const uri = vscode.Uri.parse('untitled:Untitled-gate-lens-reused');
    const standIn = (text: string): vscode.TextDocument => ({ ...document, uri, languageId: document.languageId, version: 1, isClosed: false, getText: () => text }) as vscode.TextDocument;
    const first = standIn(document.getText());
    const second = standIn(renamed);
    api.analyzer.forceWorker = true;
    try {
      const before = await api.analyzer.get(first);
      assert.equal(before?.recognition.layers[0]?.name, 'lstm_1');
      const firstSource = api.analyzer.workerSource(first, before);
      const after = await api.analyzer.get(second);
      assert.equal(after?.recognition.layers[0]?.name, 'enc_lstm', 'the second document is analysed, not given the first one\'s layers');
      assert.equal(api.analyzer.peek(first), undefined, 'the first document no longer owns the entry');
      const secondSource = after && api.analyzer.workerSource(second, after);
      assert.ok(firstSource && secondSource);
      assert.equal(firstSource.id.uri, secondSource.id.uri);
      assert.notEqual(firstSource.id.revision, secondSource.id.revision, 'the worker keeps them apart');
    } finally {
      api.analyzer.forceWorker = false;
      await api.analyzer.get(document);
    }
  });
});
