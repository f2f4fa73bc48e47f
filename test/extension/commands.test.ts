// Every Gate Lens command through vscode.commands.executeCommand, with the values they return, and the webview
// round trip (ready → init → document → trace) observed through the API activate() returns.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { HostToWebview, TracePayload } from '../../src/protocol/messages';
import type { LoggedMessage } from '../../src/extension/extension';
import { assertClose, copyOfExample, example, gateLensApi, markdownOf, openExample, positionOf, seedExpected, setSetting, until } from './helpers';

interface RunSummary {
  runId: number;
  layerId: string;
  input: { kind: string; arrayIndex?: number; steps?: number };
  steps: number;
  output: number[];
  finalStates: { h: number[]; c?: number[] }[];
  tracesSent: number;
}

const SEED = 'seed_keras_lstm.py';

function sent(messages: readonly LoggedMessage[], type: HostToWebview['type'], kind = 'panel'): HostToWebview[] {
  return messages.filter((m) => m.kind === kind && m.direction === 'sent' && m.message.type === type).map((m) => m.message as HostToWebview);
}

describe('Gate Lens commands', () => {
  let document: vscode.TextDocument;
  let uri: string;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
    uri = document.uri.toString();
  });

  after(async () => {
    await vscode.commands.executeCommand('gateLens.chooseConvention', { uri, convention: 'auto' });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('gateLens.inspect returns the recognition and a Markdown report', async () => {
    const result = await vscode.commands.executeCommand<{ uri: string; recognition: { layers: { name: string; convention: string; units: number }[] }; report: string }>('gateLens.inspect', { uri });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(result.uri, uri);
    assert.deepEqual(result.recognition.layers.map((l) => [l.name, l.convention, l.units]), [['lstm_1', 'keras', 3]]);
    assert.ok(result.report.includes('| `f` | forget gate | `3:6` |'), result.report);
    assert.match(result.report, /## `lstm_1` — Keras LSTM/);
  });

  it('gateLens.run runs typed values and returns the framework’s numbers', async () => {
    const expected = await seedExpected();
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.run', { uri, layerId: 'layer-0-lstm_1', input: { kind: 'values', steps: 1, features: 1, data: expected.x.flat() } });
    assert.equal(result.steps, 1);
    assertClose(result.finalStates[0].h, expected.h, 1e-9, 'h');
    assertClose(result.finalStates[0].c ?? [], expected.c, 1e-9, 'c');
  });

  it('gateLens.run asks for the input and the initial state when not given them (file array, zeros)', async () => {
    const expected = await seedExpected();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    let settled = false;
    const pending = Promise.resolve(vscode.commands.executeCommand<RunSummary>('gateLens.run', { uri })).finally(() => (settled = true));
    // Accept the first item of each question as it appears: the file's x, then zeros for the initial state.
    await until(async () => {
      if (settled) return true;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return undefined;
    }, 'the run command to finish after its questions');
    const result = await pending;
    assert.equal(result.input.kind, 'array');
    assert.equal(result.steps, 1);
    assertClose(result.finalStates[0].h, expected.h, 1e-9, 'h');
  });

  it('gateLens.run with a seeded random input and initial state is reproducible', async () => {
    const args = { uri, layerId: 'layer-0-lstm_1', input: { kind: 'random', steps: 6, seed: 7 }, initialState: { kind: 'random', seed: 3 } };
    const first = await vscode.commands.executeCommand<RunSummary>('gateLens.run', args);
    const second = await vscode.commands.executeCommand<RunSummary>('gateLens.run', args);
    assert.equal(first.steps, 6);
    assert.equal(first.output.length, 6 * 3);
    assert.deepEqual(first.output, second.output);
    const zeros = await vscode.commands.executeCommand<RunSummary>('gateLens.run', { ...args, initialState: { kind: 'zeros' } });
    assert.notDeepEqual(zeros.output, first.output, 'the random initial state changes the run');
  });

  it('gateLens.stepThrough opens the panel on the file’s own input and the webview receives the trace', async () => {
    const api = await gateLensApi();
    const expected = await seedExpected();
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(positionOf(document, 'lstm_1_bias_0'), positionOf(document, 'lstm_1_bias_0'));
    const from = api.messages.length;
    const result = await vscode.commands.executeCommand<RunSummary>('gateLens.stepThrough');
    assert.equal(result.layerId, 'layer-0-lstm_1');
    assert.equal(result.input.kind, 'array', 'the file’s x fits the input size');
    assertClose(result.finalStates[0].h, expected.h, 1e-9, 'h');

    const messages = api.messages.slice(from);
    const traces = sent(messages, 'trace') as Extract<HostToWebview, { type: 'trace' }>[];
    const trace: TracePayload | undefined = traces.find((t) => t.trace.runId === result.runId)?.trace;
    assert.ok(trace, 'the trace was posted to the panel');
    assert.ok(trace.h instanceof ArrayBuffer && trace.z instanceof ArrayBuffer, 'trace buffers are ArrayBuffers');
    assert.equal(trace.h.byteLength, 1 * 3 * 8);
    assert.equal(trace.z.byteLength, 1 * 12 * 8);
    assertClose(Array.from(new Float64Array(trace.h)), expected.h, 1e-9, 'trace h');
    assert.deepEqual(Array.from(new Float64Array(trace.bW)), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const docs = sent(messages, 'document') as Extract<HostToWebview, { type: 'document' }>[];
    assert.ok(docs.some((d) => d.uri === uri && d.layers[0]?.id === 'layer-0-lstm_1'));
  });

  it('the panel’s webview says ready and is sent init with the localized strings', async () => {
    const api = await gateLensApi();
    await vscode.commands.executeCommand('gateLens.openPanel');
    const ready = await until(() => api.messages.find((m) => m.kind === 'panel' && m.direction === 'received' && m.message.type === 'ready'), 'the panel webview to post ready');
    assert.equal((ready.message as { protocol: number }).protocol, 1);
    const init = sent(api.messages, 'init').at(-1) as Extract<HostToWebview, { type: 'init' }> | undefined;
    assert.ok(init, 'init was sent');
    assert.equal(init.protocol, 1);
    assert.equal(init.strings['app.title'], 'Gate Lens');
    assert.equal(init.strings['z.gateLabel'], '{0} · {1} [{2}:{3}]', 'placeholders survive localisation');
    // init always precedes the first document message to the same webview.
    const order = api.messages.filter((m) => m.kind === 'panel' && m.direction === 'sent').map((m) => m.message.type);
    assert.ok(order.indexOf('init') < order.indexOf('document'));
  });

  it('a run requested by the webview itself is answered with a trace', async () => {
    const api = await gateLensApi();
    const session = api.views.panel?.session;
    assert.ok(session, 'the panel is open');
    const from = api.messages.length;
    // What the webview posts when the user presses Run: handled by the same message handler.
    const outcome = await session.run({ layerId: 'layer-0-lstm_1', input: { kind: 'zeros', steps: 3 } });
    assert.ok(outcome);
    const trace = (sent(api.messages.slice(from), 'trace') as Extract<HostToWebview, { type: 'trace' }>[]).at(-1)?.trace;
    assert.ok(trace);
    assert.equal(trace.steps, 3);
    assert.equal(new Float64Array(trace.x).length, 3);
  });

  it('gateLens.copyNumpy returns runnable NumPy that reproduces Keras', async () => {
    const expected = await seedExpected();
    const result = await vscode.commands.executeCommand<{ layerId: string; code: string }>('gateLens.copyNumpy', { uri, layerId: 'layer-0-lstm_1' });
    assert.equal(result.layerId, 'layer-0-lstm_1');
    assert.match(result.code, /\n {4}f = \w+\(pre\[3:6\]\) {2}# forget gate\n/);
    const run = spawnSync('python3', ['-c', `${result.code}\nimport json\nprint("@@" + json.dumps(final_states[0][0].tolist()))`], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const h = JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('@@'))?.slice(2) ?? 'null') as number[];
    assertClose(h, expected.h, 1e-9, 'numpy h');
  });

  it('gateLens.chooseConvention relabels an ambiguous unnamed print as ONNX, and back to automatic', async () => {
    // print([weight_ih, weight_hh]) of a 2-unit LSTM without names: PyTorch and ONNX store these shapes alike.
    const text = `[array([[ 0.012],\n       [ 0.45 ],\n       [-0.356],\n       [ 0.449],\n       [-0.188],\n       [-0.077],\n       [ 0.328],\n       [-0.091]]), array([[ 0.05 , -0.472],\n       [ 0.254,  0.038],\n       [-0.17 ,  0.288],\n       [-0.197, -0.047],\n       [-0.366, -0.097],\n       [-0.297, -0.238],\n       [ 0.25 , -0.22 ],\n       [-0.015,  0.481]])]\n`;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const fileUri = vscode.Uri.joinPath(folder.uri, 'scratch', 'unnamed_rows.txt');
    await vscode.workspace.fs.writeFile(fileUri, new TextEncoder().encode(text));
    const unnamed = await vscode.workspace.openTextDocument(fileUri);
    await vscode.window.showTextDocument(unnamed);
    type Result = { convention: string | undefined; recognition: { layers: { convention: string; gates: { label: string; start: number; end: number }[] }[] } };
    const labels = (r: Result) => r.recognition.layers.map((l) => `${l.convention}:${l.gates.map((g) => `${g.label}${g.start}`).join(',')}`);

    const onnx = await vscode.commands.executeCommand<Result>('gateLens.chooseConvention', { uri: fileUri.toString(), convention: 'onnx' });
    assert.equal(onnx.convention, 'onnx');
    assert.deepEqual(labels(onnx), ['onnx:i0,o2,f4,c6']);
    const api = await gateLensApi();
    assert.equal(api.analyzer.conventionFor(fileUri), 'onnx', 'stored for this document');
    const hints = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri);
    assert.ok(hints.some((l) => l.command?.title.includes('i 0:2 · o 2:4 · f 4:6 · c 6:8')), hints.map((l) => l.command?.title).join(' | '));

    const pytorch = await vscode.commands.executeCommand<Result>('gateLens.chooseConvention', { uri: fileUri.toString(), convention: 'pytorch' });
    assert.deepEqual(labels(pytorch), ['pytorch:i0,f2,g4,o6']);
    const auto = await vscode.commands.executeCommand<Result>('gateLens.chooseConvention', { uri: fileUri.toString(), convention: 'auto' });
    assert.equal(auto.convention, undefined);
    assert.equal(api.analyzer.conventionFor(fileUri), undefined);
    assert.deepEqual(labels(auto), ['pytorch:i0,f2,g4,o6']);
  });

  it('gateLens.chooseConvention says so in the hover when the arrays cannot be read that way', async () => {
    await vscode.commands.executeCommand('gateLens.chooseConvention', { uri, convention: 'onnx' });
    const hover = markdownOf(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'lstm_1_kernel_0', 2)));
    assert.match(hover, /the convention was set to onnx, but these Keras-shaped arrays cannot be read that way; kept keras/);
    assert.match(hover, /Keras LSTM/);
    await vscode.commands.executeCommand('gateLens.chooseConvention', { uri, convention: 'auto' });
    const after = markdownOf(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'lstm_1_kernel_0', 2)));
    assert.doesNotMatch(after, /the convention was set to/);
  });

  it('gateLens.kerasVersion decides which hard_sigmoid a Keras layer that names it runs', async () => {
    const api = await gateLensApi();
    const { document: hard } = await copyOfExample(SEED, 'hard_sigmoid.py', (text) => text.replace('import numpy as np', "import numpy as np\nlayer = LSTM(3, recurrent_activation='hard_sigmoid')"));
    const args = { uri: hard.uri.toString(), layerId: 'layer-0-lstm_1', input: { kind: 'random', steps: 4, seed: 11 } };
    const gateOf = async () => {
      const analysis = await api.analyzer.get(hard);
      const acts = analysis?.recognition.layers[0]?.layer.activations as { gate: { name: string } } | undefined;
      return acts?.gate.name;
    };
    try {
      await setSetting('kerasVersion', '3');
      assert.equal(await gateOf(), 'hard_sigmoid_keras3');
      const keras3 = await vscode.commands.executeCommand<RunSummary>('gateLens.run', args);
      await setSetting('kerasVersion', '2');
      assert.equal(await gateOf(), 'hard_sigmoid_keras2');
      const keras2 = await vscode.commands.executeCommand<RunSummary>('gateLens.run', args);
      assert.notDeepEqual(keras2.output, keras3.output, 'x/6 + 0.5 and 0.2·x + 0.5 give different gates');
    } finally {
      await setSetting('kerasVersion', undefined);
    }
  });

  it('gateLens.openPanel returns the document and its layers', async () => {
    await vscode.window.showTextDocument(document);
    const result = await vscode.commands.executeCommand<{ ready: boolean; uri?: string; layerIds: string[] }>('gateLens.openPanel');
    assert.equal(result.ready, true);
    assert.equal(result.uri, uri);
    assert.deepEqual(result.layerIds, ['layer-0-lstm_1']);
  });

  it('the example inputs file is not mistaken for weights', async () => {
    const api = await gateLensApi();
    const inputs = await vscode.workspace.openTextDocument(await example('inputs/seed_keras_lstm.json'));
    const analysis = await api.analyzer.get(inputs);
    assert.equal(analysis?.recognition.layers.length, 0);
  });
});
