// "$(pulse) LSTM ×1 · Keras" for the active editor's document; click for the inspection report.

import * as vscode from 'vscode';
import type { Analysis } from '../worker/protocol';
import { cellName, frameworkName } from './labels';

export function statusText(analysis: Analysis): string | undefined {
  const layers = analysis.recognition.layers;
  if (layers.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(cellName(l.cell), (counts.get(cellName(l.cell)) ?? 0) + 1);
  const frameworks = [...new Set(layers.map((l) => frameworkName(l.convention, l.cell)))];
  return `$(pulse) ${[...counts].map(([cell, n]) => `${cell} ×${n}`).join(' ')} · ${frameworks.join(', ')}`;
}

export class GateStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('gateLens.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Gate Lens';
    this.item.command = 'gateLens.inspect';
  }

  /**
   * `outputCells`: for a notebook, the cells whose text outputs hold weights of a layer, as messages name them
   * ("3 [In 7]"); then the item says so and a click inspects the notebook's outputs.
   */
  update(analysis: Analysis | undefined, outputCells: readonly string[] = []): void {
    const text = analysis && statusText(analysis);
    if (!text) {
      this.item.hide();
      return;
    }
    if (outputCells.length) {
      this.item.text = `${text} · $(output) ${outputCells.join(', ')}`;
      this.item.tooltip = vscode.l10n.t('Gate Lens: weights in the output of cell {0} — click to inspect the notebook outputs', outputCells.join(', '));
      this.item.command = 'gateLens.inspectNotebookOutputs';
    } else {
      this.item.text = text;
      this.item.tooltip = vscode.l10n.t('Gate Lens: recognised recurrent layers — click to inspect');
      this.item.command = 'gateLens.inspect';
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
