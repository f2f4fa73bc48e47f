// Precision honesty in the editor (issue 7 item 6): values printed with fewer digits than the dtype holds get the
// sentence `gate-lens inspect` prints — in the hover and beside the layer in the Step Through panel — and a summarised
// print's quick fix offers the call of the framework that printed it, with every digit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostToWebview } from '../../src/protocol/messages';
import { gateDiagnostics, gateLensApi, markdownOf, positionOf, until } from './helpers';

// Printed by torch 2.13 with its default options (4 decimals): torch.manual_seed(0); print(nn.LSTM(1, 2).state_dict()).
const TORCH_4DP = `OrderedDict([('weight_ih_l0', tensor([[-0.0053],
        [ 0.3793],
        [-0.5820],
        [-0.5204],
        [-0.2723],
        [ 0.1896],
        [-0.0140],
        [ 0.5607]])), ('weight_hh_l0', tensor([[-0.0628,  0.1871],
        [-0.2137, -0.1390],
        [-0.6755, -0.4683],
        [-0.2915,  0.0262],
        [ 0.2795,  0.4243],
        [-0.4794, -0.3079],
        [ 0.2568,  0.5872],
        [-0.1455,  0.5291]])), ('bias_ih_l0', tensor([-0.1140,  0.0748,  0.6403, -0.6560, -0.4452, -0.1790, -0.2756,  0.6109])), ('bias_hh_l0', tensor([-0.4583, -0.3255, -0.4940, -0.6622, -0.4128,  0.6078,  0.3155,  0.3427]))])
`;

// The same print with precision=17: every stored bit is there, nothing to say.
const TORCH_FULL = TORCH_4DP.replace(/\d\.\d{4}(?!\d)/g, '$&000123456789');

// torch 2.13, torch.manual_seed(0); print('weight_ih_l0', nn.LSTM(1, 300).weight_ih_l0): the "..." is four lines
// below `tensor(`, on a line of its own.
const TORCH_SUMMARISED = `weight_ih_l0 Parameter containing:
tensor([[-0.0004],
        [ 0.0310],
        [-0.0475],
        ...,
        [-0.0198],
        [ 0.0299],
        [-0.0142]], requires_grad=True)
`;

// What \`gate-lens inspect\` prints for TORCH_4DP (ramp input, the same deterministic draws).
const CLI_SENTENCE = "values are printed with 4 decimals (torch's default print is 4), fewer than float32/float64 hold: each is within 5e-5 of the stored weight; outputs move by up to 1.7e-5 when every weight moves within that (on a ramp input), so expect differences of that size from the framework's run on the stored weights. Every stored bit: torch.set_printoptions(profile=\"full\", precision=17)";

async function scratchDocument(name: string, text: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, 'scratch', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

async function hoverAt(document: vscode.TextDocument, needle: string): Promise<string> {
  return markdownOf(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, needle, 2)));
}

describe('Gate Lens: precision of printed values in the editor', () => {
  it('says in the hover what torch\'s 4 decimals cost, as inspect does, and nothing for a full print', async () => {
    const api = await gateLensApi();
    const document = await scratchDocument('precision_torch_4dp.txt', TORCH_4DP);
    const analysis = await api.analyzer.get(document);
    assert.deepEqual(analysis?.recognition.layers.map((l) => `${l.convention} ${l.units}/${l.inputSize} ${l.complete}`), ['pytorch 2/1 true']);
    const hover = await hoverAt(document, 'weight_hh_l0');
    assert.ok(hover.includes(CLI_SENTENCE), `the inspect sentence in the hover:\n${hover}`);
    // Escaped: the sentence quotes a call with brackets and quotes, which must not become Markdown.
    const source = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'weight_hh_l0', 2)))
      .flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
    assert.ok(source.includes('torch\\.set\\_printoptions\\(profile\\=\\"full\\"\\, precision\\=17\\)'), 'the call is escaped in the Markdown source');

    const full = await scratchDocument('precision_torch_full.txt', TORCH_FULL);
    const fullHover = await hoverAt(full, 'weight_hh_l0');
    assert.match(fullHover, /recurrent kernel of l0|weight_hh/);
    assert.doesNotMatch(fullHover, /values are printed with/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists the sentence beside the layer in the Step Through panel', async () => {
    const api = await gateLensApi();
    const document = await scratchDocument('precision_torch_4dp_panel.txt', TORCH_4DP);
    const analysis = await api.analyzer.get(document);
    const layerId = analysis?.recognition.layers[0]?.id;
    assert.ok(layerId);
    const from = api.messages.length;
    await vscode.commands.executeCommand('gateLens.stepThrough', { uri: document.uri.toString(), layerId });
    const sent = await until(() => api.messages.slice(from).find((m) => m.kind === 'panel' && m.direction === 'sent' && m.message.type === 'document' && m.message.uri === document.uri.toString()), 'the panel to receive the document');
    const message = sent.message as Extract<HostToWebview, { type: 'document' }>;
    const warnings = message.layers.find((l) => l.id === layerId)?.warnings ?? [];
    assert.ok(warnings.some((w) => w.code === 'printed-precision' && w.message === CLI_SENTENCE), `the sentence among the layer's notes: ${warnings.map((w) => w.message).join(' | ')}`);
    api.views.panel?.panel.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('offers torch\'s full print call for a tensor whose "..." is lines below its tensor(', async () => {
    const document = await scratchDocument('precision_torch_summarised.txt', TORCH_SUMMARISED);
    const [truncated] = await until(() => {
      const found = gateDiagnostics(document.uri).filter((d) => d.code === 'truncated-print');
      return found.length ? found : undefined;
    }, 'a truncated-print diagnostic');
    assert.equal(document.lineAt(truncated.range.start.line).text.trim(), '...,', 'the diagnostic is on the "..." line, which does not say tensor(');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, truncated.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.command?.command === 'gateLens.copyPrintOptions');
    assert.ok(fix?.command, actions.map((a) => a.title).join(' | '));
    // np.set_printoptions does nothing to a torch print: the fix must be torch's, with the digits as well as the values.
    assert.equal(fix.title, 'Copy “torch.set_printoptions(profile="full", precision=17)” to print every value');
    assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), 'torch.set_printoptions(profile="full", precision=17)');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
