// The Gate Lens Model editor on every framework-written fixture (test/fixtures/models, copied to the workspace as
// models/): the webview's layer table and gates against a read of the same bytes by the core, Step Through against
// the framework's own output, Open as Text round trip, and hostile files. Runs in the Node extension host and in the
// web worker extension host (no Node imports: the files come through vscode.workspace.fs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyseModelFile } from '../../src/core/readers/analyse';
import { readModelFile } from '../../src/core/readers/registry';
import { memorySource } from '../../src/core/tensor/bytes';
import { runLayer } from '../../src/core/forward';
import type { ModelHostToWebview, ModelView, ModelWebviewToHost, RenderedReport } from '../../src/protocol/modelMessages';
import { heatmapGrid, matrixGeometry } from '../../src/webview/model/grid';
import { MODEL_VIEW_TYPE, MODEL_VIEW_TYPE_OPTIONAL } from '../../src/extension/model/viewTypes';
import type { RunOutcome } from '../../src/extension/runner';
import type { GateLensApi, LoggedMessage } from '../../src/extension/extension';
import { CONVENTIONS } from '../../src/core/conventions';
import { gateLensApi, until } from './helpers';

interface JsonArray { shape: number[]; data: number[] }
interface ModelCase { id: string; file: string; dtype: 'float64' | 'float32'; input: JsonArray; expected: JsonArray }

function modelsFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder');
  return vscode.Uri.joinPath(folder.uri, 'models');
}

async function cases(): Promise<ModelCase[]> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(modelsFolder(), 'cases.json')));
  return (JSON.parse(text) as { cases: ModelCase[] }).cases;
}

export function viewTypeFor(file: string): string {
  return /\.(keras|pt|pth|onnx)$|(?<!index\.json)\.safetensors$/i.test(file) ? MODEL_VIEW_TYPE : MODEL_VIEW_TYPE_OPTIONAL;
}

/**
 * Every webview message logged from now on (api.messages keeps only the last 200, so indices into it shift).
 * Dispose when done.
 */
export function recordMessages(api: GateLensApi): { readonly messages: LoggedMessage[]; dispose(): void } {
  const messages: LoggedMessage[] = [];
  const subscription = api.onDidLogMessage((m) => messages.push(m));
  return { messages, dispose: () => subscription.dispose() };
}

/** Opens `uri` in the Gate Lens Model editor; the model (or error) the host sent and the webview's render report. */
export async function openModel(api: GateLensApi, uri: vscode.Uri): Promise<{ sent: Extract<ModelHostToWebview, { type: 'model' | 'error' }>; report: RenderedReport }> {
  const log = recordMessages(api);
  try {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    await vscode.commands.executeCommand('vscode.openWith', uri, viewTypeFor(name));
    const sent = await until(() => log.messages.map((m) => m.message).find((m): m is Extract<ModelHostToWebview, { type: 'model' | 'error' }> => (m.type === 'model' && m.model.fileName === name) || (m.type === 'error' && 'fileName' in m && m.fileName === name)), `the model editor's read of ${name}`, 60000);
    const report = await until(() => {
      const at = log.messages.findIndex((m) => m.message === sent);
      return log.messages.slice(at + 1).map((m) => m.message).find((m): m is { type: 'rendered'; report: RenderedReport } => m.type === 'rendered')?.report;
    }, `the webview's render of ${name}`, 60000);
    return { sent, report };
  } finally {
    log.dispose();
  }
}

/** True in the Node extension host, false in the web worker extension host (a Web Worker: it has importScripts). */
function nodeHost(): boolean {
  return typeof (globalThis as { importScripts?: unknown }).importScripts !== 'function';
}

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Gate Lens Model editor', function () {
  this.timeout(180000);
  let api: GateLensApi;
  let all: ModelCase[];

  before(async () => {
    api = await gateLensApi();
    all = await cases();
  });
  afterEach(closeEditors);

  it('opens every framework-written fixture: layer table of every tensor, recurrent layers and gates as the core reads them', async () => {
    assert.ok(all.length >= 18, `fixtures: ${all.length}`);
    for (const c of all) {
      const uri = vscode.Uri.joinPath(modelsFolder(), c.file);
      const { sent, report } = await openModel(api, uri);
      assert.equal(sent.type, 'model', `${c.file}: ${sent.type === 'error' ? sent.message : ''}`);
      const model = (sent as { model: ModelView }).model;
      const bytes = await vscode.workspace.fs.readFile(uri);
      const siblings = { openSibling: async (n: string) => memorySource(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(modelsFolder(), n))) };
      const core = await analyseModelFile(await readModelFile(memorySource(bytes), c.file, undefined, siblings));
      assert.equal(model.tensors.length, core.tensors.length, `${c.file}: tensors`);
      assert.equal(report.tensorRows, core.tensors.length, `${c.file}: every tensor has a row in the layer table`);
      assert.ok(report.layerRows >= 1);
      assert.deepEqual(model.recurrent.map((l) => [l.name, l.cell, l.convention, l.units, l.inputSize, l.directions]), core.recognition.layers.map((l) => [l.name, l.cell, l.convention, l.units, l.inputSize, l.directions]), c.file);
      assert.ok(model.recurrent.length >= 1, `${c.file}: a recurrent layer`);
      assert.deepEqual(report.recurrent.map((r) => r.gateLabels), core.recognition.layers.map((l) => l.gates.map((g) => g.label)), `${c.file}: gate tables`);
      for (const r of report.recurrent) {
        assert.ok(r.heatmaps >= 2, `${c.file} ${r.id}: heatmaps ${r.heatmaps}`);
        assert.ok(r.bands >= r.gateLabels.length, `${c.file} ${r.id}: gate bands ${r.bands}`);
      }
      await closeEditors();
    }
  });

  it('reads in the worker, and only the byte ranges it needs where the host has the file on disk', async () => {
    // An 18 MB safetensors file: a 4.5 M-value embedding the layer table lists, and a small LSTM the editor shows.
    const tensors: [string, number[]][] = [['embed.weight', [4_500_000]], ['rnn.weight_ih_l0', [8, 3]], ['rnn.weight_hh_l0', [8, 2]], ['rnn.bias_ih_l0', [8]], ['rnn.bias_hh_l0', [8]]];
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, shape] of tensors) {
      const size = shape.reduce((a, b) => a * b, 1) * 4;
      header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + size] };
      offset += size;
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length + offset);
    new DataView(bytes.buffer).setUint32(0, json.length, true);
    bytes.set(json, 8);
    const weights = new DataView(bytes.buffer, 8 + json.length + 18_000_000);
    for (let k = 0; k * 4 < weights.byteLength; k++) weights.setFloat32(k * 4, Math.sin(k + 1) / 2, true);
    const uri = vscode.Uri.joinPath(modelsFolder(), 'large_embedding_lstm.safetensors');
    await vscode.workspace.fs.writeFile(uri, bytes);
    const before = api.modelFiles.readsInWorker;
    const { sent, report } = await openModel(api, uri);
    assert.equal(sent.type, 'model', sent.type === 'error' ? sent.message : '');
    assert.ok(api.modelFiles.readsInWorker > before, 'the read went to the worker');
    const model = (sent as { model: ModelView }).model;
    assert.equal(report.tensorRows, 5);
    assert.deepEqual(model.recurrent.map((l) => [l.cell, l.units, l.inputSize]), [['lstm', 2, 3]]);
    // A Node extension host has the file on disk and reads byte ranges; the web worker host has only
    // vscode.workspace.fs, which reads whole files.
    assert.equal(model.ranged, nodeHost(), `ranged read: ${String(model.ranged)}`);
    if (nodeHost()) assert.ok(model.bytesRead < 100_000, `${model.bytesRead} of ${model.size} bytes read`);
    else assert.equal(model.bytesRead, model.size);
  });

  it('sends the layer table without weight values, then each heatmap on request at its pixel size, from the values the core read', async () => {
    // A (1600, 400) recurrent matrix: larger than its 320 × 480 px drawing, so it arrives reduced to pixel blocks.
    const H = 400, I = 3;
    const tensors: [string, number[]][] = [['rnn.weight_ih_l0', [4 * H, I]], ['rnn.weight_hh_l0', [4 * H, H]], ['rnn.bias_ih_l0', [4 * H]], ['rnn.bias_hh_l0', [4 * H]]];
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, shape] of tensors) {
      const size = shape.reduce((a, b) => a * b, 1) * 4;
      header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + size] };
      offset += size;
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length + offset);
    new DataView(bytes.buffer).setUint32(0, json.length, true);
    bytes.set(json, 8);
    const weights = new DataView(bytes.buffer, 8 + json.length);
    for (let k = 0; k * 4 < weights.byteLength; k++) weights.setFloat32(k * 4, Math.sin(k * 0.37) / 3, true);
    const uri = vscode.Uri.joinPath(modelsFolder(), 'wide_lstm.safetensors');
    await vscode.workspace.fs.writeFile(uri, bytes);
    const log = recordMessages(api);
    try {
      const { sent, report } = await openModel(api, uri);
      assert.equal(sent.type, 'model', sent.type === 'error' ? sent.message : '');
      const model = (sent as { model: ModelView }).model;
      const buffers = (value: unknown): number => (value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? 1 : typeof value === 'object' && value !== null ? Object.values(value).reduce((n: number, v) => n + buffers(v), 0) : 0);
      assert.equal(buffers(model), 0, 'the layer table carries no weight values');
      assert.equal(report.recurrent[0].heatmaps, 4, 'every matrix has its heatmap laid out');
      const core = await analyseModelFile(await readModelFile(memorySource(bytes), 'wide_lstm.safetensors'));
      const layer = core.recognition.layers[0];
      const hh = layer.arrays.findIndex((r) => r.role === 'weight_hh');
      // The webview asks for what it shows; the host answers each at the size asked.
      const answer = await until(() => log.messages.map((m) => m.message).find((m): m is Extract<ModelHostToWebview, { type: 'heatmap' }> => m.type === 'heatmap' && 'grid' in m && m.matrix === hh && m.grid !== undefined), 'the weight_hh heatmap', 60000);
      const asked = log.messages.map((m) => m.message).find((m): m is Extract<ModelWebviewToHost, { type: 'heatmap' }> => m.type === 'heatmap' && 'maxRows' in m && m.matrix === hh);
      assert.ok(asked, 'the webview asked for it');
      const grid = answer.grid!;
      assert.deepEqual([grid.rows, grid.cols], [4 * H, H]);
      assert.ok(grid.gridRows <= asked.maxRows && grid.gridCols <= asked.maxCols && grid.gridRows < grid.rows, `${grid.gridRows} × ${grid.gridCols} for ${asked.maxRows} × ${asked.maxCols}`);
      const array = core.parse.arrays[layer.arrays[hh].arrayIndex];
      const expected = heatmapGrid(array.values, matrixGeometry(array.shape, 0, layer.arrays[hh].packedAxis)!, asked.maxRows, asked.maxCols);
      assert.deepEqual(Array.from(new Float64Array(grid.values)), Array.from(expected.values));
      assert.deepEqual([grid.lo, grid.hi], [expected.lo, expected.hi]);
      await until(() => log.messages.some((m) => m.message.type === 'heatmapDrawn' && m.message.matrix === hh), 'the webview drew it', 60000);
    } finally {
      log.dispose();
    }
  });

  it('above gateLens.modelFiles.maxWholeFileMB a host without ranged reads refuses the file and says why; a Node host reads its ranges', async () => {
    // A 1.5 MB .npy (float64 zeros, 196,608 values) against a 1 MB limit.
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (196608,), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const bytes = new Uint8Array(10 + padded.length + 196608 * 8);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
    bytes.set(new TextEncoder().encode(padded), 10);
    const big = vscode.Uri.joinPath(modelsFolder(), 'big_zeros.npy');
    await vscode.workspace.fs.writeFile(big, bytes);
    const config = vscode.workspace.getConfiguration('gateLens');
    await config.update('modelFiles.maxWholeFileMB', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const { sent, report } = await openModel(api, big);
      if (nodeHost()) {
        assert.equal(sent.type, 'model', sent.type === 'error' ? sent.message : '');
        assert.equal(report.tensorRows, 1, 'a file with no recurrent layer still gets its layer table');
      } else {
        assert.equal(sent.type, 'error');
        assert.match((sent as { message: string }).message, /maxWholeFileMB is 1 MB/);
      }
    } finally {
      await config.update('modelFiles.maxWholeFileMB', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Step Through runs the layer in the step panel with the framework’s output', async () => {
    let compared = 0;
    for (const c of all) {
      const uri = vscode.Uri.joinPath(modelsFolder(), c.file);
      const { sent } = await openModel(api, uri);
      const model = (sent as { model: ModelView }).model;
      const read = await api.modelFiles.read(uri);
      const stacks = read.result.analysis.recognition.models;
      if (stacks.length !== 1 || stacks[0].model.layers.length !== 1 || model.recurrent.length !== 1) continue;
      const [N, T, I] = c.input.shape;
      assert.ok(N >= 1);
      const log = recordMessages(api);
      const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('gateLens.model.stepThrough', { uri: uri.toString(), layerId: model.recurrent[0].id, input: { kind: 'values', steps: T, features: I, data: c.input.data.slice(0, T * I) } });
      assert.ok(outcome, `${c.file}: a run`);
      const width = c.expected.shape[2];
      const expected = c.expected.data.slice(0, T * width);
      let max = 0;
      for (let k = 0; k < expected.length; k++) max = Math.max(max, Math.abs(outcome.result.output.data[k] - expected[k]));
      assert.ok(max <= (c.dtype === 'float64' ? 1e-12 : 2e-6), `${c.file}: max |Δ| ${max}`);
      await until(() => log.messages.some((m) => m.kind === 'panel' && m.message.type === 'trace'), `${c.file}: the panel's trace`);
      const shown = log.messages.find((m) => m.kind === 'panel' && m.message.type === 'document');
      assert.ok(shown && shown.message.type === 'document' && shown.message.uri === uri.toString(), `${c.file}: the panel shows the model file`);
      log.dispose();
      compared++;
      await closeEditors();
    }
    assert.ok(compared >= 8, `single-layer fixtures compared: ${compared}`);
  });

  it('a convention chosen per layer relabels the gate table and bands in the editor; Step Through runs it; Automatic returns', async () => {
    const c = all.find((x) => x.id === 'pytorch_lstm_state_dict')!;
    const uri = vscode.Uri.joinPath(modelsFolder(), c.file);
    const { sent, report } = await openModel(api, uri);
    const layer = (sent as { model: ModelView }).model.recurrent[0];
    assert.equal(layer.convention, 'pytorch');
    assert.equal(report.recurrent[0].convention, 'auto');
    assert.ok(report.recurrent[0].conventionChoices >= 2, 'the picker offers the conventions with an LSTM layout');
    assert.ok(layer.conventionChoices.some((x) => x.id === 'onnx'));
    const [, T, I] = c.input.shape;
    const width = c.expected.shape[2];
    const input = { kind: 'values', steps: T, features: I, data: c.input.data.slice(0, T * I) };
    const stepDiff = async () => {
      const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('gateLens.model.stepThrough', { uri: uri.toString(), layerId: layer.id, input });
      assert.ok(outcome);
      return c.expected.data.slice(0, T * width).reduce((m, v, k) => Math.max(m, Math.abs(outcome.result.output.data[k] - v)), 0);
    };
    const choose = async (convention: string) => {
      const log = recordMessages(api);
      try {
        await vscode.commands.executeCommand('gateLens.model.chooseConvention', { uri: uri.toString(), layerId: layer.id, convention });
        const model = await until(() => log.messages.map((m) => m.message).find((m): m is Extract<ModelHostToWebview, { type: 'model' }> => m.type === 'model' && m.model.fileName === c.file), `the editor's new reading (${convention})`);
        const rendered = await until(() => log.messages.map((m) => m.message).find((m): m is { type: 'rendered'; report: RenderedReport } => m.type === 'rendered'), `the webview's render (${convention})`);
        return { model: model.model, report: rendered.report };
      } finally {
        log.dispose();
      }
    };
    const onnx = await choose('onnx');
    assert.equal(onnx.model.recurrent[0].convention, 'onnx');
    assert.equal(onnx.model.recurrent[0].chosenConvention, 'onnx');
    assert.equal(onnx.model.recurrent[0].id, layer.id);
    assert.equal(onnx.report.recurrent[0].convention, 'onnx');
    assert.deepEqual(onnx.report.recurrent[0].gateLabels, CONVENTIONS.find((x) => x.id === 'onnx' && x.cell === 'lstm')!.gateOrder.map((g) => g.label));
    assert.notDeepEqual(onnx.report.recurrent[0].gateLabels, report.recurrent[0].gateLabels);
    assert.ok(onnx.report.recurrent[0].bands >= 4, 'the heatmaps carry the new bands');
    assert.ok((await stepDiff()) > 1e-3, 'Step Through runs the chosen (here: wrong) reading');
    const auto = await choose('auto');
    assert.equal(auto.model.recurrent[0].convention, 'pytorch');
    assert.equal(auto.model.recurrent[0].chosenConvention, undefined);
    assert.deepEqual(auto.report.recurrent[0].gateLabels, report.recurrent[0].gateLabels);
    assert.ok((await stepDiff()) <= 1e-12, 'and the recognised reading again matches PyTorch');
  });

  it('Open as Text exports a layer that the text features read back as the same layer, value for value', async () => {
    for (const file of ['pytorch_lstm_state_dict.pt', 'keras_sequential.keras', 'npz_gru_state_dict.npz']) {
      const uri = vscode.Uri.joinPath(modelsFolder(), file);
      const { sent } = await openModel(api, uri);
      const layerView = (sent as { model: ModelView }).model.recurrent[0];
      const document = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('gateLens.model.openAsText', { uri: uri.toString(), layerId: layerView.id });
      assert.ok(document && document.isUntitled && document.languageId === 'python', file);
      const text = await until(() => api.analyzer.get(document), `${file}: analysis of the text`);
      assert.equal(text.recognition.layers.length, 1, `${file}: ${text.recognition.layers.map((l) => l.name).join(', ')}`);
      const fromText = text.recognition.layers[0];
      const fromFile = (await api.modelFiles.read(uri)).result.analysis.recognition.layers[0];
      assert.deepEqual([fromText.cell, fromText.convention, fromText.units, fromText.inputSize, fromText.directions], [fromFile.cell, fromFile.convention, fromFile.units, fromFile.inputSize, fromFile.directions], file);
      const steps = 3;
      const input = { data: Float64Array.from({ length: steps * fromFile.inputSize }, (_, k) => Math.sin(k + 1)), batch: 1, steps, features: fromFile.inputSize };
      assert.deepEqual(Array.from(runLayer(fromText.layer, input).output.data), Array.from(runLayer(fromFile.layer, input).output.data), `${file}: same outputs, bit for bit`);
      await closeEditors();
    }
  });

  it('a hostile file: a precise message in the editor, no crash; a pickle that asks to run code is refused by name', async () => {
    const good = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(modelsFolder(), 'safetensors_lstm_bidi.safetensors'));
    const truncated = vscode.Uri.joinPath(modelsFolder(), 'hostile_truncated.safetensors');
    await vscode.workspace.fs.writeFile(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const { sent, report } = await openModel(api, truncated);
    assert.equal(sent.type, 'error');
    assert.match((sent as { message: string }).message, /truncated|outside the file|bytes/i);
    assert.ok(report.error && report.error.length > 10, 'the webview shows the message');
    await closeEditors();
    const garbage = vscode.Uri.joinPath(modelsFolder(), 'hostile_garbage.pt');
    await vscode.workspace.fs.writeFile(garbage, new TextEncoder().encode('PK\u0003\u0004 this is not a zip archive at all'));
    const second = await openModel(api, garbage);
    assert.equal(second.sent.type, 'error');
    await closeEditors();
    const code = await openModel(api, vscode.Uri.joinPath(modelsFolder(), 'pytorch_asks_to_run_code.pt'));
    assert.equal(code.sent.type, 'model');
    const notes = (code.sent as { model: ModelView }).model.diagnostics.map((d) => d.message).join('\n');
    assert.match(notes, /posix\.system/);
    assert.match(notes, /never runs code/);
  });

  it('ONNX external data: a side path that leaves the model’s folder is refused by name, a missing side file is named', async () => {
    const data = 'onnx_lstm_external_data.onnx.data';
    const model = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(modelsFolder(), 'onnx_lstm_external_data.onnx'));
    const latin1 = Array.from(model, (b) => String.fromCharCode(b)).join('');
    const patched = (location: string) => Uint8Array.from(latin1.split(data).join(location), (ch) => ch.charCodeAt(0));
    // "../x_lstm…" resolves to the workspace folder, where a copy of the data waits: it must still not be read.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(modelsFolder(), '..', data.slice(3)), await vscode.workspace.fs.readFile(vscode.Uri.joinPath(modelsFolder(), data)));
    const escaping = vscode.Uri.joinPath(modelsFolder(), 'hostile_escaping_external.onnx');
    await vscode.workspace.fs.writeFile(escaping, patched(`../${data.slice(3)}`));
    const { sent } = await openModel(api, escaping);
    assert.equal(sent.type, 'model');
    const view = (sent as { model: ModelView }).model;
    assert.match(view.diagnostics.map((d) => d.message).join('\n'), /initializer "W"'s external data names "\.\.\/x_lstm_external_data\.onnx\.data", a path that climbs out of the folder/);
    assert.equal((await api.modelFiles.read(escaping)).result.analysis.recognition.models.length, 0, 'nothing runs on weights it did not read');
    await closeEditors();
    const missing = vscode.Uri.joinPath(modelsFolder(), 'hostile_missing_external.onnx');
    await vscode.workspace.fs.writeFile(missing, patched(`m${data.slice(1)}`));
    const second = await openModel(api, missing);
    assert.equal(second.sent.type, 'model');
    assert.match((second.sent as { model: ModelView }).model.diagnostics.map((d) => d.message).join('\n'), /keeps its values in "mnnx_lstm_external_data\.onnx\.data" beside hostile_missing_external\.onnx, which could not be opened/);
  });
});
