// Untrusted document text in trusted Markdown: a JSON key written as a command link must render as text in the
// hover (only our own command links are live, and they point at this document), and a command given a document or
// layer that is not open / not known refuses instead of opening it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TRUSTED_HOVER_COMMANDS } from '../../src/extension/commandLinks';
import { copyOfExample, gateLensApi, markdownSourceOf, positionOf, until } from './helpers';

const EVIL_ARGS = encodeURIComponent(JSON.stringify([{ uri: 'file:///etc/passwd', layerId: 'x' }]));
/** The key: a code span closed early, then a Markdown link to one of our trusted commands. */
const EVIL = `w\` [open](command:gateLens.copyNumpy?${EVIL_ARGS})`;
const OURS: ReadonlySet<string> = new Set(TRUSTED_HOVER_COMMANDS);

/** Renders Markdown with VS Code's built-in Markdown extension (markdown-it) and lists the links in the HTML. */
async function renderedLinks(markdown: string): Promise<{ html: string; hrefs: string[] }> {
  const html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
  assert.equal(typeof html, 'string', 'markdown.api.render is available');
  const hrefs = [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  return { html, hrefs };
}

function assertOnlyOurLinks(hrefs: readonly string[], document: vscode.TextDocument, layerIds: readonly string[]): void {
  for (const href of hrefs) {
    const match = /^command:([\w.]+)\?(.*)$/.exec(href);
    assert.ok(match, `a link that is not one of our command links: ${href}`);
    assert.ok(OURS.has(match[1]), `a link to ${match[1]}`);
    const [args] = JSON.parse(decodeURIComponent(match[2])) as [{ uri: string; layerId?: string }];
    assert.equal(args.uri, document.uri.toString(), `a link for another document: ${href}`);
    if (args.layerId !== undefined) assert.ok(layerIds.includes(args.layerId), `a link to an unknown layer: ${href}`);
  }
}

describe('Gate Lens with hostile document text', () => {
  let document: vscode.TextDocument;
  let layerIds: string[];

  before(async () => {
    // The preview's math plugin would read `$(icon) … $(icon)` as TeX; the hover renderer has no math.
    await vscode.workspace.getConfiguration('markdown').update('math.enabled', false, vscode.ConfigurationTarget.Workspace);
    const api = await gateLensApi();
    ({ document } = await copyOfExample('keras_lstm_weights.json', 'hostile_keys.json', (text) => {
      const weights = JSON.parse(text) as Record<string, unknown>;
      const renamed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(weights)) renamed[key.replace('sequential/', `${EVIL}/`)] = value;
      renamed[EVIL] = [0.5, -0.25, 0.125];
      return JSON.stringify(renamed, null, 2);
    }));
    const analysis = await until(() => api.analyzer.get(document), 'the analysis of the hostile file');
    layerIds = analysis.recognition.layers.map((l) => l.id);
    assert.equal(layerIds.length, 1, 'the weights still form their layer');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('markdown').update('math.enabled', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('renders a command link written in a key as text, in the hover of a layer array and of a lone array', async () => {
    const kernelKey = `${EVIL}/lstm/lstm_cell/kernel`;
    for (const needle of [JSON.stringify(kernelKey), `${JSON.stringify(EVIL)}: [`]) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, needle, 3));
      const source = markdownSourceOf(hovers);
      assert.ok(source.length > 0, `a hover on ${needle}`);
      const { html, hrefs } = await renderedLinks(source);
      assertOnlyOurLinks(hrefs, document, layerIds);
      assert.ok(!hrefs.some((h) => h.startsWith(`command:gateLens.copyNumpy?${EVIL_ARGS}`)), `the file's link is live:\n${html}`);
      // The key is shown as written (as text), not dropped.
      assert.ok(html.includes('[open](command:gateLens.copyNumpy?'), `the key's text in:\n${html}`);
    }
  });

  it('the hover of the layer array keeps our own links live', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, JSON.stringify(`${EVIL}/lstm/lstm_cell/kernel`), 3));
    const { hrefs } = await renderedLinks(markdownSourceOf(hovers));
    assert.deepEqual(hrefs.map((h) => h.slice(0, h.indexOf('?'))).sort(), ['command:gateLens.chooseConvention', 'command:gateLens.convertLayer', 'command:gateLens.copyNumpy', 'command:gateLens.stepThrough']);
  });

  it('refuses a document that is not open, an unknown layer and malformed arguments', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const closed = vscode.Uri.joinPath(folder.uri, 'scratch', 'never_opened.json');
    await vscode.workspace.fs.writeFile(closed, await vscode.workspace.fs.readFile(document.uri));
    for (const command of ['gateLens.copyNumpy', 'gateLens.inspect', 'gateLens.chooseConvention', 'gateLens.convertLayer']) {
      assert.equal(await vscode.commands.executeCommand(command, { uri: closed.toString(), convention: 'keras' }), undefined, `${command} on a file that is not open`);
    }
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === closed.toString()), 'no command opened the file');
    assert.equal(await vscode.commands.executeCommand('gateLens.copyNumpy', { uri: document.uri.toString(), layerId: 'layer-9-nope' }), undefined, 'an unknown layer');
    assert.equal(await vscode.commands.executeCommand('gateLens.copyNumpy', { uri: 42 }), undefined, 'a uri that is not a string');
    assert.equal(await vscode.commands.executeCommand('gateLens.copyNumpy', ['x']), undefined, 'an array');
    const run = await vscode.commands.executeCommand('gateLens.run', { uri: document.uri.toString(), layerId: layerIds[0], input: { kind: 'values', steps: 1, features: 2, data: ['1', 2] } });
    assert.equal(run, undefined, 'run refuses values that are not numbers');
    // The same document and layer, named correctly, still work.
    const ok = await vscode.commands.executeCommand<{ layerId: string }>('gateLens.copyNumpy', { uri: document.uri.toString(), layerId: layerIds[0] });
    assert.equal(ok?.layerId, layerIds[0]);
  });
});
