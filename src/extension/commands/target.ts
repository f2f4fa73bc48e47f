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

/**
 * The arguments of a command, checked: a Uri, or an object whose `uri` is a string or Uri and whose `layerId` is a
 * string. Anything else is refused (undefined): command links and other extensions can pass any JSON.
 */
export function argsOf(arg: unknown): TargetArgs | undefined {
  if (arg === undefined || arg === null) return {};
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  const { uri, layerId } = arg as { uri?: unknown; layerId?: unknown };
  if (uri !== undefined && typeof uri !== 'string' && !(uri instanceof vscode.Uri)) return undefined;
  if (layerId !== undefined && typeof layerId !== 'string') return undefined;
  return arg as TargetArgs;
}

function refuse(message: string): undefined {
  void vscode.window.showWarningMessage(message);
  return undefined;
}

/** The open document a `uri` argument names; a command never opens a file on an argument's word. */
function openDocument(uri: string | vscode.Uri): vscode.TextDocument | undefined {
  let key: string;
  try {
    key = (typeof uri === 'string' ? vscode.Uri.parse(uri, true) : uri).toString();
  } catch {
    return undefined;
  }
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
}

export async function resolveTarget(analyzer: DocumentAnalyzer, arg: unknown): Promise<Target | undefined> {
  const args = argsOf(arg);
  if (!args) return refuse(vscode.l10n.t('Gate Lens: this command was given arguments it does not accept.'));
  const editor = vscode.window.activeTextEditor;
  let document: vscode.TextDocument | undefined;
  if (args.uri !== undefined) {
    document = openDocument(args.uri);
    if (!document) return refuse(vscode.l10n.t('Gate Lens acts only on open documents: {0} is not open.', String(args.uri).slice(0, 200)));
  } else {
    document = editor?.document;
  }
  if (!document) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file with recurrent weights first.'));
    return undefined;
  }
  const analysis = await analyzer.get(document);
  if (!analysis) return undefined;
  if (args.layerId !== undefined) {
    const named = layerById(analysis, args.layerId);
    if (!named) return refuse(vscode.l10n.t('Gate Lens found no layer {0} in {1}.', args.layerId.slice(0, 200), vscode.workspace.asRelativePath(document.uri)));
    return { document, analysis, layer: named };
  }
  const cursor = editor && editor.document === document ? document.offsetAt(editor.selection.active) : undefined;
  return { document, analysis, layer: layerAt(analysis, cursor) };
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
