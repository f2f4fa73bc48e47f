// Showing a range of an analysis in the editor. In a notebook cell's view the range may lie in another cell (a
// layer whose arrays another cell prints, or an output): then that cell is shown, never a clamped place in this one.

import * as vscode from 'vscode';
import type { SourceRange } from '../core/parse/types';
import type { Analysis } from '../worker/protocol';
import type { DocumentAnalyzer } from './analyzer';
import { isShown, toRange } from './locate';
import { notebookOf } from './notebookAnalyzer';

export async function revealRange(
  analyzer: DocumentAnalyzer, document: vscode.TextDocument, analysis: Analysis, range: SourceRange, options?: vscode.TextDocumentShowOptions,
): Promise<vscode.TextEditor | undefined> {
  let target: { document: vscode.TextDocument; range: SourceRange } | undefined = { document, range };
  if (!isShown(analysis, range)) {
    const notebook = notebookOf(document);
    target = notebook && analyzer.notebooks.sourceLocation(notebook, analysis, range);
    if (!target) return undefined;
  }
  const editor = await vscode.window.showTextDocument(target.document, options);
  const shown = toRange(target.document, target.range);
  editor.selection = new vscode.Selection(shown.start, shown.start);
  editor.revealRange(shown, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
