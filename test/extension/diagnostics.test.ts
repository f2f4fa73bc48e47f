// Diagnostics and quick fixes: the wrong-slices example, a misnamed gate variable, and a truncated print.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyOfExample, gateDiagnostics, gateLensApi, openExample, until } from './helpers';

describe('Gate Lens diagnostics and quick fixes', () => {
  before(async () => {
    await gateLensApi();
  });

  it('flags f and c in the wrong-slices example and fixes both ranges with the quick fix', async () => {
    const { document } = await copyOfExample('seed_keras_lstm_wrong_slices.py', 'wrong_slices_fix.py');
    const wrong = await until(() => {
      const found = gateDiagnostics(document.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length === 2 ? found : undefined;
    }, 'two wrong-gate-slice diagnostics');
    const lines = wrong.map((d) => document.lineAt(d.range.start.line).text.trim()).sort();
    assert.deepEqual(lines, ['c = np.tanh(z_1_lstm_1[0, 3:6])', 'f = sigmoid(z_1_lstm_1[0, 6:9])']);
    const f = wrong.find((d) => document.lineAt(d.range.start.line).text.startsWith('f ='));
    assert.ok(f);
    assert.equal(f.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(f.message, /"f" names the forget gate, but 6:9 holds the cell candidate/);
    assert.equal(document.getText(f.range), 'z_1_lstm_1[0, 6:9]');

    for (const diagnostic of wrong) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title.startsWith('Change the slice to'));
      assert.ok(fix?.edit, `a range fix among: ${actions.map((a) => a.title).join(' | ')}`);
      // Renaming f to c (or c to f) would merge two variables, so it is not offered here.
      assert.ok(!actions.some((a) => a.title.startsWith('Rename')), 'no rename onto an existing name');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
    }
    assert.ok(document.getText().includes('f = sigmoid(z_1_lstm_1[0, 3:6])'));
    assert.ok(document.getText().includes('c = np.tanh(z_1_lstm_1[0, 6:9])'));
    await until(() => (gateDiagnostics(document.uri).some((d) => d.code === 'wrong-gate-slice') ? undefined : true), 'the wrong-slice diagnostics to clear after the fix');
    await document.save();
  });

  it('reorders the names of a split listed in the wrong order, editing only that statement', async () => {
    const hand = /i = sigmoid\(z_1_lstm_1\[0, 0:3\]\)\nf = .*\nc = .*\no = .*\n/;
    const { document } = await copyOfExample('seed_keras_lstm.py', 'split_order.py', (text) =>
      text.replace(hand, 'i, c, f, o = np.split(z_1_lstm_1, 4, axis=1)\ni, f, c, o = sigmoid(i), sigmoid(f), np.tanh(c), sigmoid(o)\nlabel = "i, c, f, o"\n'),
    );
    const wrong = await until(() => {
      const found = gateDiagnostics(document.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length === 2 ? found : undefined;
    }, 'two wrong-gate-slice diagnostics on the split');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, wrong[0].range, vscode.CodeActionKind.QuickFix.value);
    const reorder = actions.find((a) => a.title.startsWith('Reorder the names'));
    assert.ok(reorder?.edit, `a reorder among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(reorder.title, 'Reorder the names in this statement to the gates they hold: i, f, c, o');
    const before = document.getText().split('\n');
    const line = before.findIndex((l) => l.startsWith('i, c, f, o = np.split'));
    assert.ok(await vscode.workspace.applyEdit(reorder.edit));
    const after = document.getText().split('\n');
    assert.equal(after[line], 'i, f, c, o = np.split(z_1_lstm_1, 4, axis=1)');
    // Every other line — the uses after it, the string that spells the same names — is untouched.
    assert.deepEqual(after.filter((_, k) => k !== line), before.filter((_, k) => k !== line));
    await until(() => (gateDiagnostics(document.uri).some((d) => d.code === 'wrong-gate-slice') ? undefined : true), 'the diagnostics to clear after the reorder');
    await document.save();
  });

  it('renames a lone misnamed variable only through the language’s rename provider, never by text search', async () => {
    const { document } = await copyOfExample('seed_keras_lstm.py', 'misnamed_gate.py', (text) =>
      text
        .replace('f = sigmoid(z_1_lstm_1[0, 3:6])', 'forget_gate = sigmoid(z_1_lstm_1[0, 0:3])')
        .replace('c_1 = f * c_0', 'c_1 = forget_gate * c_0\nnote = "forget_gate is in a string"'),
    );
    const [diagnostic] = await until(() => {
      const found = gateDiagnostics(document.uri).filter((d) => d.code === 'wrong-gate-slice');
      return found.length === 1 ? found : undefined;
    }, 'one wrong-gate-slice diagnostic');
    const titles = async () => (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value));
    // code-server has no Python language server: no rename provider, so no rename (the range fix stays).
    const without = await titles();
    assert.ok(without.some((a) => a.title.startsWith('Change the slice to')));
    assert.ok(!without.some((a) => a.title.startsWith('Rename')), `no text-search rename: ${without.map((a) => a.title).join(' | ')}`);

    // A language server's rename (here a stand-in that renames the definition and the use, not the string).
    const asked: { position: vscode.Position; newName: string }[] = [];
    const provider = vscode.languages.registerRenameProvider({ language: 'python', pattern: '**/misnamed_gate.py' }, {
      provideRenameEdits(doc, position, newName) {
        asked.push({ position, newName });
        const edit = new vscode.WorkspaceEdit();
        for (const needle of ['forget_gate = sigmoid', 'c_1 = forget_gate']) {
          const at = doc.getText().indexOf(needle) + (needle.startsWith('c_1') ? 6 : 0);
          edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'forget_gate'.length)), newName);
        }
        return edit;
      },
    });
    try {
      const rename = (await titles()).find((a) => a.title.startsWith('Rename'));
      assert.ok(rename?.edit, 'a rename once a rename provider exists');
      assert.equal(rename.title, 'Rename `forget_gate` to `input_gate` (input gate)');
      assert.deepEqual(asked.map((a) => [document.getText(new vscode.Range(a.position, a.position.translate(0, 11))), a.newName]), [['forget_gate', 'input_gate']]);
      assert.ok(await vscode.workspace.applyEdit(rename.edit));
      const text = document.getText();
      assert.ok(text.includes('input_gate = sigmoid(z_1_lstm_1[0, 0:3])'));
      assert.ok(text.includes('c_1 = input_gate * c_0'));
      assert.ok(text.includes('note = "forget_gate is in a string"'), 'the string is the provider’s business, and it left it');
    } finally {
      provider.dispose();
    }
    await until(() => (gateDiagnostics(document.uri).some((d) => d.code === 'wrong-gate-slice') ? undefined : true), 'the diagnostic to clear after the rename');
    await document.save();
  });

  it('reports the truncated print as a diagnostic with a fix that copies the print option', async () => {
    const { document } = await openExample('truncated_print.txt');
    const truncated = await until(() => {
      const found = gateDiagnostics(document.uri).filter((d) => d.code === 'truncated-print');
      return found.length > 0 ? found : undefined;
    }, 'a truncated-print diagnostic');
    assert.ok(document.getText(truncated[0].range).length > 0);
    assert.match(truncated[0].message, /\.\.\.|…|summar|truncat/i);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, truncated[0].range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.command?.command === 'gateLens.copyPrintOptions');
    assert.ok(fix?.command, `a print-options fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.title, 'Copy “import sys; np.set_printoptions(threshold=sys.maxsize, precision=17)” to print every value');
    assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), 'import sys; np.set_printoptions(threshold=sys.maxsize, precision=17)');
  });
});
