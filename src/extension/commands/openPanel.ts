// gateLens.openPanel — opens (or reveals) the step-through panel on the active document.

import * as vscode from 'vscode';
import type { DocumentAnalyzer } from '../analyzer';
import { isSupported } from '../settings';
import type { StepViews } from '../webview/stepViews';
import { CancelledError } from '../workerClient';

export interface OpenPanelResult {
  readonly ready: boolean;
  readonly uri?: string;
  readonly layerIds: string[];
}

export async function openPanelCommand(analyzer: DocumentAnalyzer, views: StepViews): Promise<OpenPanelResult> {
  const editor = vscode.window.activeTextEditor;
  const document = editor && isSupported(editor.document) ? editor.document : undefined;
  let session;
  try {
    session = await views.openPanel(document);
  } catch (error) {
    // Closed before its webview was ready: nothing is open, and the caller learns so.
    if (error instanceof CancelledError) return { ready: false, layerIds: [] };
    throw error;
  }
  const analysis = document && (await analyzer.get(document));
  return { ready: true, uri: session.document?.uri.toString(), layerIds: analysis?.recognition.layers.map((l) => l.id) ?? [] };
}
