// What the step panel and the runner analyse: a source, not necessarily a TextDocument. A text document is analysed
// by the DocumentAnalyzer (one parse per version); a model file by ModelFiles (one read per opening). Both give the
// same Analysis, so the panel, runs and traces do not care which.

import type * as vscode from 'vscode';
import type { Analysis } from '../worker/protocol';
import type { DocumentAnalyzer, WorkerSource } from './analyzer';

export interface AnalysisSource {
  readonly kind: 'text' | 'model';
  readonly uri: vscode.Uri;
  /** The text document's version; model files count their re-reads. */
  readonly version: number;
  /** The text document, for what only text has (reveal an array's literal, Copy NumPy forward pass). */
  readonly document?: vscode.TextDocument;
  analysis(): Promise<Analysis | undefined>;
  /** The worker's handle on `analysis` (runs then name the source and layer), or undefined to run on this thread. */
  workerSource(analysis: Analysis): WorkerSource | undefined;
}

export function textSource(analyzer: DocumentAnalyzer, document: vscode.TextDocument): AnalysisSource {
  return { kind: 'text', uri: document.uri, version: document.version, document, analysis: () => analyzer.get(document), workerSource: (analysis) => analyzer.workerSource(document, analysis) };
}

export function sameSource(a: AnalysisSource | undefined, uri: vscode.Uri | string): boolean {
  return a !== undefined && a.uri.toString() === (typeof uri === 'string' ? uri : uri.toString());
}
