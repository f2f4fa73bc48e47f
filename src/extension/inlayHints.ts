// Gate labels after the user's slices and splits of a packed pre-activation: `z_1_lstm_1[0, 3:6]` → `f · forget gate`.

import * as vscode from 'vscode';
import type { DocumentAnalyzer } from './analyzer';
import { sliceAnchor } from './diagnostics';
import { gateName, gatesLabel, recognitionMarkdown } from './labels';
import { markdownCode } from './markdownText';
import { showsInlayHints } from './settings';

export class GateInlayHintsProvider implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly analyzer: DocumentAnalyzer) {}

  /** Called when an analysis or the hint style changes. */
  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    if (!showsInlayHints(document)) return [];
    const analysis = await this.analyzer.get(document);
    if (!analysis) return [];
    const hints: vscode.InlayHint[] = [];
    const slices = analysis.recognition.slices;
    for (const slice of slices) {
      if (slice.gates.length === 0) continue;
      const end = document.positionAt(sliceAnchor(slice, slices).end);
      if (!range.contains(end)) continue;
      const label = slice.mismatch ? `⚠ ${gatesLabel(slice.gates)}` : gatesLabel(slice.gates);
      const hint = new vscode.InlayHint(end, label, vscode.InlayHintKind.Type);
      hint.paddingLeft = true;
      const tooltip = new vscode.MarkdownString(`${markdownCode(slice.text)} → ${slice.gates.map((g) => `\`${g.label}\` ${gateName(g.name)} \`${g.start}:${g.end}\``).join(', ')}`);
      if (slice.mismatch) tooltip.appendMarkdown(`\n\n${recognitionMarkdown(slice.mismatch)}`);
      hint.tooltip = tooltip;
      hints.push(hint);
    }
    return hints;
  }
}
