// Localisation completeness: every manifest string has a Simplified Chinese entry, and the zh-cn bundle translates
// every string the host passes through vscode.l10n.t and every string the webview receives in `init`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EN_STRINGS } from '../../src/webview/strings';
import { CONVENTIONS } from '../../src/core/conventions';
import { RECOGNISER_TEMPLATES, templated } from '../../src/core/recognize/messages';
import { recognitionText } from '../../src/extension/labels';
import { EXTENSION_ID } from './helpers';

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
    const wanted = [...host, ...gateNames, ...Object.values(EN_STRINGS), ...Object.values(RECOGNISER_TEMPLATES)];
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
  });
});
