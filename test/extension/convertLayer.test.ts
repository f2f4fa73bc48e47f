// gateLens.convertLayer ("Gate Lens: Convert Layer To…") in a real extension host: arguments checked, the questions
// answered by a stub (no dialogs) or by accepting the real QuickPick, binary formats written through
// vscode.workspace.fs, text formats opened in an untitled Python editor, refusals shown with the reason.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConvertUi } from '../../src/extension/commands/convertLayer';
import { exportLayers } from '../../src/core/export';
import { isWebviewToHost } from '../../src/protocol/messages';
import { copyOfExample, gateLensApi, markdownSourceOf, openExample, positionOf, until } from './helpers';

const SEED = 'seed_keras_lstm.py';
const LAYER = 'layer-0-lstm_1';

const KERAS_GRU_RESET_BEFORE = `# keras.layers.GRU(3, reset_after=False)
kernel = np.array([[0.1, -0.2, 0.3, 0.05, 0.15, -0.25, 0.35, 0.45, -0.5], [0.2, 0.1, -0.3, 0.4, -0.05, 0.25, 0.3, -0.1, 0.2]])
recurrent_kernel = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9], [0.3, 0.1, 0.2, 0.4, 0.6, 0.5, 0.9, 0.7, 0.8]])
bias = np.array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09])
`;

interface Asked { targets: string[]; formats: string[]; defaultUri?: vscode.Uri }

function stubUi(target: string, format: string, saveTo: vscode.Uri | undefined, asked: Asked): ConvertUi {
  return {
    pickTarget: (items) => { asked.targets = items.map((i) => i.id); return Promise.resolve(items.find((i) => i.id === target)?.id); },
    pickFormat: (items) => { asked.formats = items.map((i) => i.id); return Promise.resolve(items.find((i) => i.id === format)?.id); },
    pickSaveUri: (defaultUri) => { asked.defaultUri = defaultUri; return Promise.resolve(saveTo); },
  };
}

describe('Gate Lens: Convert Layer To… (issue 10 item 3)', () => {
  let document: vscode.TextDocument;
  let uri: string;

  before(async () => {
    await gateLensApi();
    ({ document } = await openExample(SEED));
    uri = document.uri.toString();
  });

  it('with to and format given: PyTorch state_dict literals open in an untitled Python editor', async () => {
    const result = await vscode.commands.executeCommand<{ document: vscode.TextDocument; target: string; format: string }>('gateLens.convertLayer', { uri, layerId: LAYER, to: 'pytorch', format: 'py' });
    assert.equal(result.target, 'pytorch');
    assert.ok(result.document.isUntitled);
    assert.equal(result.document.languageId, 'python');
    assert.match(result.document.getText(), /^state_dict = \{\n {4}'weight_ih_l0': np\.array\(/m);
    assert.match(result.document.getText(), /'bias_hh_l0': np\.array/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('asks target and format, offers .onnx only for ONNX, and writes the model where the save dialog says', async () => {
    const api = await gateLensApi();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const saveTo = vscode.Uri.joinPath(folder, 'converted-test.onnx');
    const asked: Asked = { targets: [], formats: [] };
    const result = await api.convertLayer({ uri, layerId: LAYER }, stubUi('onnx', 'onnx', saveTo, asked));
    assert.ok(result);
    assert.deepEqual(asked.targets, ['keras', 'pytorch', 'onnx', 'flax']);
    assert.deepEqual(asked.formats, ['py', 'npz', 'safetensors', 'onnx', 'port']);
    assert.match(asked.defaultUri!.path, /seed_keras_lstm\.lstm_1\.onnx\.onnx$/);
    assert.equal(result.savedTo, saveTo.toString());
    const written = await vscode.workspace.fs.readFile(saveTo);
    const analysis = await api.analyzer.get(document);
    const layer = analysis!.recognition.layers.find((l) => l.id === LAYER)!;
    assert.deepEqual(Array.from(written), Array.from(exportLayers([layer.layer], 'onnx', 'onnx', { tool: 'Gate Lens', from: 'seed_keras_lstm: lstm_1 (keras lstm)' }).bytes));
    await vscode.workspace.fs.delete(saveTo);

    const keras: Asked = { targets: [], formats: [] };
    await api.convertLayer({ uri, layerId: LAYER }, stubUi('keras', 'npz', undefined, keras));
    assert.deepEqual(keras.formats, ['py', 'npz', 'safetensors', 'port'], 'no .onnx for a Keras target');
  });

  it('Flax is a target: no .onnx offered; the .npz holds the flattened flax.linen parameter paths', async () => {
    const api = await gateLensApi();
    const flax: Asked = { targets: [], formats: [] };
    // A saved file, not an untitled editor: see the report on untitled URIs reused within one session.
    const saveTo = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'converted-test.flax.npz');
    const result = await api.convertLayer({ uri, layerId: LAYER }, stubUi('flax', 'npz', saveTo, flax));
    assert.equal(result?.target, 'flax');
    assert.deepEqual(flax.formats, ['py', 'npz', 'safetensors', 'port'], 'no .onnx for a Flax target');
    assert.match(flax.defaultUri!.path, /seed_keras_lstm\.lstm_1\.flax\.npz$/);
    const written = await vscode.workspace.fs.readFile(saveTo);
    const analysis = await api.analyzer.get(document);
    const layer = analysis!.recognition.layers.find((l) => l.id === LAYER)!;
    const expected = exportLayers([layer.layer], 'flax', 'npz', { tool: 'Gate Lens', from: 'seed_keras_lstm: lstm_1 (keras lstm)' });
    assert.equal(expected.plan.arrays[0].name, 'params/cell/ii/kernel');
    assert.deepEqual(Array.from(written), Array.from(expected.bytes));
    await vscode.workspace.fs.delete(saveTo);
  });

  it('a cancelled save dialog writes nothing and returns nothing', async () => {
    const api = await gateLensApi();
    const result = await api.convertLayer({ uri, layerId: LAYER }, stubUi('pytorch', 'safetensors', undefined, { targets: [], formats: [] }));
    assert.equal(result, undefined);
  });

  it('a reset-before GRU to PyTorch is refused with the reason and the exact alternatives', async () => {
    const api = await gateLensApi();
    // A workspace file, not an untitled editor: see the report on untitled URIs reused within one session.
    const { document: gru } = await copyOfExample(SEED, 'convert-gru-reset-before.py', () => KERAS_GRU_RESET_BEFORE);
    const layerId = await until(async () => (await api.analyzer.get(gru))?.recognition.layers[0]?.id, 'the GRU to be recognised');
    const result = await api.convertLayer({ uri: gru.uri.toString(), layerId, to: 'pytorch', format: 'npz' }, stubUi('pytorch', 'npz', undefined, { targets: [], formats: [] }));
    assert.ok(result?.refused);
    assert.match(result.refused, /reset gate before the recurrent matmul/);
    assert.match(result.refused, /--to onnx \(GRU with linear_before_reset=0/);
    const toFlax = await api.convertLayer({ uri: gru.uri.toString(), layerId, to: 'flax', format: 'port' }, stubUi('flax', 'port', undefined, { targets: [], formats: [] }));
    assert.match(toFlax?.refused ?? '', /cannot convert .* to Flax exactly: .*flax\.linen GRUCell always applies it after.*--to keras/);
  });

  it('refuses arguments it does not accept (a command link can carry any JSON)', async () => {
    for (const bad of [{ uri, to: 'tf1' }, { uri, format: 'h5' }, { uri, layerId: 7 }, 'x']) {
      assert.equal(await vscode.commands.executeCommand('gateLens.convertLayer', bad), undefined, JSON.stringify(bad));
    }
  });

  it('the real QuickPick: accepting the first items converts to Keras as .py', async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    let settled = false;
    const pending = Promise.resolve(vscode.commands.executeCommand<{ target: string; format: string; document: vscode.TextDocument }>('gateLens.convertLayer', { uri, layerId: LAYER })).finally(() => (settled = true));
    await until(async () => {
      if (settled) return true;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return undefined;
    }, 'the convert command to finish after its questions');
    const result = await pending;
    assert.equal(result.target, 'keras');
    assert.equal(result.format, 'py');
    assert.match(result.document.getText(), /'lstm\/lstm_cell\/kernel': np\.array/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('the hover links to it (a trusted command link) and the step panel can ask for it', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'lstm_1_kernel_0', 3));
    const markdown = markdownSourceOf(hovers);
    assert.match(markdown, /\(command:gateLens\.convertLayer\?/);
    const link = /command:gateLens\.convertLayer\?([^)]+)\)/.exec(markdown)!;
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ uri, layerId: LAYER }]);
    assert.ok(isWebviewToHost({ type: 'convertLayer' }));
  });
});
