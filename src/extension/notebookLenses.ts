// The CodeLens on a notebook cell whose text output holds weights: the output is not a text document, so the lens
// sits on the cell's first line, names the layers the output holds, and leads to Step Through and to the
// Inspect Notebook Outputs command.

import * as vscode from 'vscode';
import { layersInCellOutputs } from '../core/text/notebook-cell-view';
import type { Analysis } from '../worker/protocol';
import { cellName, frameworkName } from './labels';
import { escapeIcons } from './markdownText';

export const INSPECT_NOTEBOOK_OUTPUTS_COMMAND = 'gateLens.inspectNotebookOutputs';

export function outputLenses(document: vscode.TextDocument, analysis: Analysis): vscode.CodeLens[] {
  if (!analysis.cell) return [];
  const layers = layersInCellOutputs({ parse: analysis.parse, recognition: analysis.recognition, cell: analysis.cell });
  if (!layers.length) return [];
  const top = new vscode.Range(0, 0, 0, 0);
  const lenses = layers.map((layer) => new vscode.CodeLens(top, {
    // The layer name comes from the notebook: `$(…)` in it must not render as an icon.
    title: `$(output) ${vscode.l10n.t('Weights in the output: {0}', escapeIcons(`${layer.name} (${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)})`))}`,
    tooltip: vscode.l10n.t('Step through this layer'),
    command: 'gateLens.stepThrough',
    arguments: [{ uri: document.uri.toString(), layerId: layer.id }],
  }));
  lenses.push(new vscode.CodeLens(top, {
    title: vscode.l10n.t('Inspect Notebook Outputs'),
    command: INSPECT_NOTEBOOK_OUTPUTS_COMMAND,
    arguments: [{ uri: document.uri.toString() }],
  }));
  return lenses;
}
