// Shared by the Gate Lens extension-host suites: the extension's API, the example files, and waiting on
// asynchronous editor state (diagnostics, re-analysis) by polling a condition, never by timing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GateLensApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'gate-lens.gate-lens';

export async function gateLensApi(): Promise<GateLensApi> {
  const extension = vscode.extensions.getExtension<GateLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api && api.analyzer, 'activate() returns the Gate Lens API');
  return api;
}

/** The workspace copy of examples/<name>. */
export async function example(name: string): Promise<vscode.Uri> {
  // Joined to the workspace folder and checked with stat: findFiles goes through the search service, which under
  // load can answer before it has indexed the folder (seen once in the web host at load 22: no match).
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, 'examples', name);
  const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
  assert.ok(stat && stat.type === vscode.FileType.File, `examples/${name} in the test workspace`);
  return uri;
}

export async function openExample(name: string): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const document = await vscode.workspace.openTextDocument(await example(name));
  const editor = await vscode.window.showTextDocument(document);
  return { document, editor };
}

/** A fresh editable copy of an example in the workspace (tests that edit must not change the shared copy). */
export async function copyOfExample(name: string, copyName: string, transform: (text: string) => string = (t) => t): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const source = await example(name);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(source));
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder');
  const target = vscode.Uri.joinPath(folder.uri, 'scratch', copyName);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(transform(text)));
  const document = await vscode.workspace.openTextDocument(target);
  const editor = await vscode.window.showTextDocument(document);
  return { document, editor };
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, limitMs = 30000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Position of the first occurrence of `needle` (plus `delta` characters) in the document. */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" in ${document.uri.path}`);
  return document.positionAt(offset + delta);
}

/** The hovers' Markdown sources, joined. */
export function markdownSourceOf(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** The hovers' Markdown with backslash escapes resolved: document text reads as the file has it. */
export function markdownOf(hovers: readonly vscode.Hover[]): string {
  return markdownSourceOf(hovers).replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

export function labelOf(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('gateLens').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Gate Lens diagnostics of a document. */
export function gateDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Gate Lens');
}

/** The seed's Keras float64 answer after its one step (examples/expected/seed_keras_lstm.json). */
export async function seedExpected(): Promise<{ h: number[]; c: number[]; x: number[][] }> {
  const uri = await example('expected/seed_keras_lstm.json');
  const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as { state: { h: number[][]; c: number[][] }; input: { x: number[][] } };
  return { h: json.state.h[0], c: json.state.c[0], x: json.input.x };
}

export function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `${what}[${i}]: ${v} vs ${expected[i]}`));
}
