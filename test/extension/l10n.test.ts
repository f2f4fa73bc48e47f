// Localisation completeness: every manifest string has a Simplified Chinese entry, and the zh-cn bundle translates
// every string the host passes through vscode.l10n.t and every string the webview receives in `init`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EN_STRINGS } from '../../src/webview/strings';
import { MODEL_STRINGS } from '../../src/webview/model/strings';
import { CONVENTIONS } from '../../src/core/conventions';
import { RECOGNISER_TEMPLATES, templated } from '../../src/core/recognize/messages';
import { coreTemplates } from '../../src/core/message-templates';
import { GateLensError } from '../../src/core/model';
import { localized, phrase } from '../../src/core/messages';
import { PARSE_TEMPLATES } from '../../src/core/parse/messages';
import { errorText, recognitionText, roleTitle } from '../../src/extension/labels';
import { EXTENSION_ID, gateLensApi, openExample } from './helpers';

function root(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is loaded`);
  assert.equal(extension.extensionUri.scheme, 'file', 'the Node extension host sees the repository on disk');
  return extension.extensionUri.fsPath;
}

function json(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root(), file), 'utf8')) as Record<string, unknown>;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return fs.statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The first argument of every vscode.l10n.t('…') call in the extension sources. */
function hostMessages(): string[] {
  const found = new Set<string>();
  for (const file of sources(path.join(root(), 'src', 'extension'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) found.add(m[1].replace(/\\'/g, "'"));
  }
  return [...found];
}

function placeholders(text: string): string[] {
  return (text.match(/\{\d+\}/g) ?? []).sort();
}

describe('Gate Lens localisation (zh-cn)', () => {
  it('translates every %key% of the manifest', () => {
    const manifest = fs.readFileSync(path.join(root(), 'package.json'), 'utf8');
    const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length >= 20, `manifest keys found: ${keys.length}`);
    const en = json('package.nls.json');
    const zh = json('package.nls.zh-cn.json');
    assert.deepEqual(keys.filter((k) => typeof en[k] !== 'string'), [], 'keys missing from package.nls.json');
    assert.deepEqual(Object.keys(en).filter((k) => typeof zh[k] !== 'string' || (zh[k] as string).length === 0), [], 'keys missing from package.nls.zh-cn.json');
  });

  it('translates every host message, gate name and webview string, keeping the placeholders', () => {
    const bundle = json('l10n/bundle.l10n.zh-cn.json') as Record<string, string>;
    const host = hostMessages();
    assert.ok(host.length >= 40, `host messages found: ${host.length}`);
    const gateNames = [...new Set(CONVENTIONS.flatMap((c) => c.gateOrder.map((g) => g.name)))];
    // Every template the core can emit (recogniser, reasons for arrays that form no layer, text reader, run refusals, roles).
    const wanted = [...host, ...gateNames, ...Object.values(EN_STRINGS), ...Object.values(MODEL_STRINGS), ...coreTemplates()];
    assert.deepEqual(wanted.filter((m) => typeof bundle[m] !== 'string'), [], 'messages missing from l10n/bundle.l10n.zh-cn.json');
    const broken = Object.entries(bundle).filter(([en, zh]) => placeholders(en).join() !== placeholders(zh).join());
    assert.deepEqual(broken, [], 'translations that lost or added a placeholder');
  });

  it('speaks English in an English VS Code (the bundle is only a translation)', () => {
    assert.equal(vscode.l10n.t('{0} units, input size {1}', 3, 1), '3 units, input size 1');
    // The recogniser's evidence goes through the same l10n.t with its template, and comes out as the core's English.
    const evidence = templated('bias-forget-ones', RECOGNISER_TEMPLATES.kerasForgetOnes, '3:6');
    assert.equal(recognitionText(evidence), 'bias holds 1.0 in 3:6 only → Keras unit_forget_bias, forget gate at 3:6');
    assert.equal(recognitionText(evidence), evidence.message);
    assert.equal(recognitionText({ message: 'plain English' }), 'plain English');
    // Nested phrases (a label, a detail) go through l10n.t too, and in English come out as the core wrote them.
    const nested = localized(PARSE_TEMPLATES.nonNumeric, phrase(PARSE_TEMPLATES.thisArray), phrase(PARSE_TEMPLATES.notANumber, 'x'));
    assert.equal(recognitionText(nested), nested.message);
    const refusal = new GateLensError('bad-input', localized(PARSE_TEMPLATES.empty, phrase(PARSE_TEMPLATES.quotedName, 'b')));
    assert.equal(errorText(refusal), "'b' is empty: it holds no values.");
    assert.equal(errorText(new Error('not from the core')), 'not from the core');
  });

  it('builds the hover title line from the core’s template, equal to ArrayRole.description in English for every example', async function () {
    this.timeout(120_000);
    const api = await gateLensApi();
    const names = ['seed_keras_lstm.py', 'keras_bidirectional_lstm.txt', 'keras_gru_get_weights.txt', 'keras_lstm_get_weights.txt', 'keras_lstm_named_weights.txt',
      'keras_lstm_weights.json', 'keras_simple_rnn_named.txt', 'keras_stacked_lstm_dense.txt', 'onnx_gru_initializers.py', 'onnx_lstm_bidirectional_initializers.py',
      'torch_gru_bidirectional_state_dict.txt', 'torch_lstm_state_dict.txt', 'torch_lstm_tensors.py', 'torch_rnn_parameters.txt', 'truncated_print.txt'];
    let roles = 0;
    for (const name of names) {
      const { document } = await openExample(name);
      const analysis = await api.analyzer.get(document);
      const layers = analysis?.recognition.layers ?? [];
      assert.ok(layers.length > 0, `a layer in ${name}`);
      for (const layer of layers) {
        for (const role of layer.arrays) {
          roles++;
          assert.equal(roleTitle(role), role.description, `${name}: ${role.role}`);
          // ONNX W/R/B hold both directions: their title names no direction.
          if (layer.convention === 'onnx' && layer.directions === 2) assert.doesNotMatch(roleTitle(role), /\((forward|backward)\)/, `${name}: ${role.role}`);
        }
      }
      for (const dense of analysis?.recognition.dense ?? []) for (const role of dense.arrays) assert.equal(roleTitle(role), role.description, `${name}: ${role.role}`);
    }
    assert.ok(roles >= 40, `roles checked: ${roles}`);
  });
});
