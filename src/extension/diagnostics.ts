// The "Gate Lens" diagnostics: parse problems (truncated prints, ragged rows …), arrays that form no layer, and
// slices whose variable names one gate while the range holds another.

import * as vscode from 'vscode';
import type { SourceRange } from '../core/parse/types';
import type { SliceAnnotation } from '../core/recognize/types';
import type { Analysis } from '../worker/protocol';
import { recognitionText } from './labels';
import { toRange } from './locate';

export const WRONG_GATE_CODE = 'wrong-gate-slice';
export const DIAGNOSTIC_SOURCE = 'Gate Lens';

function severity(s: 'error' | 'warning' | 'info'): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

function make(range: vscode.Range, message: string, level: vscode.DiagnosticSeverity, code: string): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(range, message, level);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = code;
  return diagnostic;
}

/**
 * Where a slice's label and diagnostic belong: after the slice expression, or — when one expression feeds several
 * variables (`i, f, c, o = np.split(z, 4, axis=1)`) — on each variable, so every gate gets its own label.
 */
export function sliceAnchor(slice: SliceAnnotation, all: readonly SliceAnnotation[]): SourceRange {
  const shared = all.some((other) => other !== slice && other.range.start === slice.range.start && other.range.end === slice.range.end);
  return shared && slice.targetRange ? slice.targetRange : slice.range;
}

export function diagnosticsFor(document: vscode.TextDocument, analysis: Analysis): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const d of analysis.parse.diagnostics) out.push(make(toRange(document, d.range), recognitionText(d), severity(d.severity), d.code));
  for (const d of analysis.recognition.diagnostics) {
    // The recogniser's notes (an array read as input data, not weights) are hints: worth a look, not a problem.
    const level = d.severity === 'info' ? vscode.DiagnosticSeverity.Hint : severity(d.severity);
    out.push(make(toRange(document, d.range), recognitionText(d), level, d.code));
  }
  for (const slice of analysis.recognition.slices) {
    if (!slice.mismatch) continue;
    out.push(make(toRange(document, sliceAnchor(slice, analysis.recognition.slices)), recognitionText(slice.mismatch), vscode.DiagnosticSeverity.Warning, WRONG_GATE_CODE));
  }
  return out;
}

export class GateDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('Gate Lens');

  update(document: vscode.TextDocument, analysis: Analysis | undefined): void {
    if (!analysis) this.collection.delete(document.uri);
    else this.collection.set(document.uri, diagnosticsFor(document, analysis));
  }

  delete(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
