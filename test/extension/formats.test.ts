// The same editor surfaces on the other forms a user pastes: a JSON dump, a PyTorch state_dict print in a plain
// text file, and ONNX initializers in Python — each labelled in its own convention's gate order.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { gateLensApi, markdownOf, openExample, positionOf } from './helpers';

async function hoverText(document: vscode.TextDocument, needle: string, delta = 2): Promise<string> {
  return markdownOf(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, needle, delta)));
}

describe('Gate Lens on JSON, PyTorch prints and ONNX initializers', () => {
  before(async () => {
    await gateLensApi();
  });

  it('JSON: hovers on a key with the Keras role and column ranges', async () => {
    const { document } = await openExample('keras_lstm_weights.json');
    assert.equal(document.languageId, 'json');
    const text = await hoverText(document, '"sequential/lstm/lstm_cell/recurrent_kernel"', 5);
    assert.match(text, /recurrent kernel of sequential\/lstm — Keras LSTM, 3 units, input size 2/);
    assert.ok(text.includes('| `f` | forget gate | `3:6` |'), text);
    assert.match(text, /\| gate \| name \| columns \|/);
  });

  it('plain text: a PyTorch state_dict print is read as PyTorch rows i, f, g, o', async () => {
    const { document } = await openExample('torch_lstm_state_dict.txt');
    assert.equal(document.languageId, 'plaintext');
    const text = await hoverText(document, "'lstm.weight_ih_l0'");
    assert.match(text, /PyTorch LSTM, 4 units, input size 3/);
    for (const row of ['| `i` | input gate | `0:4` |', '| `f` | forget gate | `4:8` |', '| `g` | cell candidate | `8:12` |', '| `o` | output gate | `12:16` |']) assert.ok(text.includes(row), `${row} in\n${text}`);
    assert.match(text, /\| gate \| name \| rows \|/);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['lstm.l0', 'lstm.l1']);
  });

  it('Python: ONNX GRU initializers are z, r, h along the rows of W', async () => {
    const { document } = await openExample('onnx_gru_initializers.py');
    const text = await hoverText(document, 'W = np.array', 0);
    assert.match(text, /ONNX GRU, 3 units, input size 2/);
    for (const row of ['| `z` | update gate | `0:3` |', '| `r` | reset gate | `3:6` |', '| `h` | candidate | `6:9` |']) assert.ok(text.includes(row), `${row} in\n${text}`);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.ok(lenses.some((l) => l.command?.title.startsWith('rows: z 0:3 · r 3:6 · h 6:9')), lenses.map((l) => l.command?.title).join(' | '));
  });
});
