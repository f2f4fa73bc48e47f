// The "Gate Lens" diagnostics: parse problems (truncated prints, ragged rows …), arrays that form no layer, and
// slices whose variable names one gate while the range holds another.

import * as vscode from 'vscode';
import type { SliceAnnotation } from '../core/recognize/types';
import type { Analysis } from '../worker/protocol';
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

/** The range a wrong-slice diagnostic covers: the slice expression itself (the quick fixes key on it). */
export function sliceDiagnosticRange(document: vscode.TextDocument, slice: SliceAnnotation): vscode.Range {
  return toRange(document, slice.range);
}

export function diagnosticsFor(document: vscode.TextDocument, analysis: Analysis): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const d of analysis.parse.diagnostics) out.push(make(toRange(document, d.range), d.message, severity(d.severity), d.code));
  for (const d of analysis.recognition.diagnostics) {
    // The recogniser's notes (an array read as input data, not weights) are hints: worth a look, not a problem.
    const level = d.severity === 'info' ? vscode.DiagnosticSeverity.Hint : severity(d.severity);
    out.push(make(toRange(document, d.range), d.message, level, d.code));
  }
  for (const slice of analysis.recognition.slices) {
    if (!slice.mismatch) continue;
    out.push(make(sliceDiagnosticRange(document, slice), slice.mismatch.message, vscode.DiagnosticSeverity.Warning, WRONG_GATE_CODE));
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
