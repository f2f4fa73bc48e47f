// gateLens.openPanel — opens (or reveals) the step-through panel on the active document.

import * as vscode from 'vscode';
import type { DocumentAnalyzer } from '../analyzer';
import { isSupported } from '../settings';
import type { StepViews } from '../webview/stepViews';

export interface OpenPanelResult {
  readonly ready: boolean;
  readonly uri?: string;
  readonly layerIds: string[];
}

export async function openPanelCommand(analyzer: DocumentAnalyzer, views: StepViews): Promise<OpenPanelResult> {
  const editor = vscode.window.activeTextEditor;
  const document = editor && isSupported(editor.document) ? editor.document : undefined;
  const session = await views.openPanel(document);
  const analysis = document && (await analyzer.get(document));
  return { ready: true, uri: session.document?.uri.toString(), layerIds: analysis?.recognition.layers.map((l) => l.id) ?? [] };
}
