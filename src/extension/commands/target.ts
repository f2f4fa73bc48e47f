// Which document and layer a command acts on: the arguments (from a hover link, CodeLens, a test, or the editor
// context menu, which passes the resource Uri), else the active editor and the layer at its cursor.

import * as vscode from 'vscode';
import type { RecognizedLayer } from '../../core/recognize/types';
import type { Analysis } from '../../worker/protocol';
import type { DocumentAnalyzer } from '../analyzer';
import { layerAt, layerById } from '../locate';

export interface TargetArgs {
  readonly uri?: string | vscode.Uri;
  readonly layerId?: string;
}

export interface Target {
  readonly document: vscode.TextDocument;
  readonly analysis: Analysis;
  readonly layer: RecognizedLayer | undefined;
}

export function argsOf(arg: unknown): TargetArgs {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (typeof arg === 'object' && arg !== null) return arg as TargetArgs;
  return {};
}

export async function resolveTarget(analyzer: DocumentAnalyzer, arg: unknown): Promise<Target | undefined> {
  const args = argsOf(arg);
  const editor = vscode.window.activeTextEditor;
  let document: vscode.TextDocument | undefined;
  if (args.uri) {
    const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
    document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
  } else {
    document = editor?.document;
  }
  if (!document) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file with recurrent weights first.'));
    return undefined;
  }
  const analysis = await analyzer.get(document);
  if (!analysis) return undefined;
  const cursor = editor && editor.document === document ? document.offsetAt(editor.selection.active) : undefined;
  const layer = layerById(analysis, args.layerId) ?? layerAt(analysis, cursor);
  return { document, analysis, layer };
}

/** resolveTarget for commands that need a layer: when there is none, says so and gives undefined. */
export async function resolveLayerTarget(
  analyzer: DocumentAnalyzer, arg: unknown,
): Promise<(Target & { readonly layer: RecognizedLayer }) | undefined> {
  const target = await resolveTarget(analyzer, arg);
  if (!target) return undefined;
  const { layer } = target;
  if (!layer) {
    noLayerMessage(target.document);
    return undefined;
  }
  return { ...target, layer };
}

/** Says so once, in the user's terms, when the document has no layer to act on. */
export function noLayerMessage(document: vscode.TextDocument): void {
  void vscode.window.showInformationMessage(vscode.l10n.t('Gate Lens found no recurrent layer in {0}.', vscode.workspace.asRelativePath(document.uri)));
}
