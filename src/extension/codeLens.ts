// CodeLens above each packed weight array: where each gate sits along its packed axis, and a Step Through action.

import * as vscode from 'vscode';
import type { DocumentAnalyzer } from './analyzer';
import { cellName, frameworkName, gatesWithin, packedAxisName, rangesLabel, roleTitle } from './labels';
import { escapeIcons } from './markdownText';
import { isShown } from './locate';
import { outputLenses } from './notebookLenses';
import { showsCodeLens } from './settings';

export class GateCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly analyzer: DocumentAnalyzer) {}

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!showsCodeLens(document)) return [];
    const analysis = await this.analyzer.get(document);
    if (!analysis) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const layer of analysis.recognition.layers) {
      let first = true;
      for (const role of layer.arrays) {
        if (role.packedAxis === undefined) continue;
        const array = analysis.parse.arrays[role.arrayIndex];
        // A notebook cell shows lenses only on its own arrays; those in its outputs get the cell's output lens.
        if (!array || !isShown(analysis, array.range)) continue;
        const at = document.positionAt((array.nameRange ?? array.range).start);
        const range = new vscode.Range(at, at);
        const axis = packedAxisName(array.shape, role.packedAxis);
        const what = `${layer.name} (${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)})`;
        lenses.push(
          new vscode.CodeLens(range, {
            // The layer name comes from the file: `$(…)` in it must not render as an icon.
            title: `${axis}: ${rangesLabel(gatesWithin(layer.gates, array.shape[role.packedAxis]))} — ${escapeIcons(what)}`,
            tooltip: roleTitle(role),
            command: 'gateLens.stepThrough',
            arguments: [{ uri: document.uri.toString(), layerId: layer.id }],
          }),
        );
        // One Step Through action per layer is enough; the range lens on every packed array already links to it.
        if (first) {
          lenses.push(
            new vscode.CodeLens(range, {
              title: `$(debug-step-over) ${vscode.l10n.t('Step through')}`,
              command: 'gateLens.stepThrough',
              arguments: [{ uri: document.uri.toString(), layerId: layer.id }],
            }),
          );
          first = false;
        }
      }
    }
    return [...outputLenses(document, analysis), ...lenses];
  }
}
