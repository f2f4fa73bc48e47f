// gateLens.inspectNotebookOutputs — "Inspect Notebook Outputs": what the text outputs of a notebook's cells hold
// (arrays, the layers they belong to, read together with the code of every cell), as a quick pick of the layers
// (choose one to step through it) and a Markdown report, which the command returns.

import * as vscode from 'vscode';
import type { ExtractedArray } from '../../core/parse/types';
import { cellReference, type NotebookDocument as JoinedNotebook } from '../../core/text/notebook';
import type { Analysis } from '../../worker/protocol';
import type { DocumentAnalyzer } from '../analyzer';
import { cellName, frameworkName, rangesLabel, roleTitle } from '../labels';
import { describeArray, shapeText } from '../locate';
import { escapeIcons, escapeMarkdown, markdownCode } from '../markdownText';
import { NOTEBOOK_CELL_SCHEME } from '../notebookAnalyzer';

export interface OutputArray {
  readonly name?: string;
  readonly shape: readonly number[];
  readonly layerId?: string;
  readonly role?: string;
  /** What the array is in its layer ("recurrent kernel of lstm — PyTorch LSTM, …"), in the display language. */
  readonly description?: string;
}

export interface NotebookOutput {
  /** 1-based, as the notebook numbers its cells and a cell its outputs. */
  readonly cell: number;
  /** The `[n]` the cell shows when it has run. */
  readonly executionCount?: number;
  /** How messages name the cell: "3 [In 7]" (core/text/notebook.ts cellReference). */
  readonly cellLabel: string;
  readonly output: number;
  readonly arrays: readonly OutputArray[];
}

export interface NotebookOutputLayer {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The cells (1-based) whose outputs hold an array of the layer. */
  readonly cells: readonly number[];
  /** The same cells as messages name them ("3 [In 7]"). */
  readonly cellLabels: readonly string[];
}

export interface NotebookOutputsResult {
  readonly uri: string;
  readonly outputs: readonly NotebookOutput[];
  readonly layers: readonly NotebookOutputLayer[];
  readonly report: string;
}

/** The notebook an argument names (a notebook or cell URI), else the active notebook editor's. */
function targetNotebook(arg: unknown): vscode.NotebookDocument | undefined {
  const raw = arg instanceof vscode.Uri ? arg : typeof arg === 'object' && arg !== null ? (arg as { uri?: unknown }).uri : undefined;
  let uri: vscode.Uri | undefined;
  try {
    uri = raw instanceof vscode.Uri ? raw : typeof raw === 'string' ? vscode.Uri.parse(raw, true) : undefined;
  } catch {
    return undefined;
  }
  if (!uri) return vscode.window.activeNotebookEditor?.notebook;
  const key = uri.toString();
  return vscode.workspace.notebookDocuments.find((nb) => nb.uri.toString() === key || (uri?.scheme === NOTEBOOK_CELL_SCHEME && nb.getCells().some((c) => c.document.uri.toString() === key)));
}

/** Every output holding arrays, with each array's layer and role. */
export function outputsOf(joined: JoinedNotebook, analysis: Analysis): NotebookOutput[] {
  const out: NotebookOutput[] = [];
  for (const segment of joined.segments) {
    if (segment.part !== 'output') continue;
    const arrays = analysis.parse.arrays.filter((a: ExtractedArray) => a.form !== 'file' && a.range.start >= segment.start && a.range.end <= segment.end);
    if (!arrays.length) continue;
    out.push({
      cell: segment.cell + 1,
      ...(segment.executionCount !== undefined ? { executionCount: segment.executionCount } : {}),
      cellLabel: cellReference(segment.cell + 1, segment.executionCount),
      output: (segment.output ?? 0) + 1,
      arrays: arrays.map((a) => {
        const hit = describeArray(analysis, a);
        return {
          ...(a.name !== undefined ? { name: a.name } : {}), shape: a.shape,
          ...(hit.layer ? { layerId: hit.layer.id } : {}), ...(hit.role ? { role: hit.role.role, description: roleTitle(hit.role) } : {}),
        };
      }),
    });
  }
  return out;
}

function layersOf(analysis: Analysis, outputs: readonly NotebookOutput[]): NotebookOutputLayer[] {
  return analysis.recognition.layers.flatMap((layer) => {
    const holding = outputs.filter((o) => o.arrays.some((a) => a.layerId === layer.id));
    const cells = [...new Set(holding.map((o) => o.cell))];
    if (!cells.length) return [];
    const cellLabels = cells.map((c) => (holding.find((o) => o.cell === c) as NotebookOutput).cellLabel);
    const description = `${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)} · ${vscode.l10n.t('{0} units, input size {1}', layer.units, layer.inputSize)}`;
    return [{ id: layer.id, name: layer.name, description, cells, cellLabels }];
  });
}

function report(fileName: string, analysis: Analysis, outputs: readonly NotebookOutput[]): string {
  const lines = [`# ${vscode.l10n.t('Gate Lens: outputs of {0}', escapeMarkdown(fileName))}`, ''];
  if (!outputs.length) lines.push(vscode.l10n.t('No weight arrays in the text outputs of this notebook.'), '');
  for (const o of outputs) {
    lines.push(`## ${vscode.l10n.t('Cell {0}, output {1}', escapeMarkdown(o.cellLabel), o.output)}`, '');
    for (const a of o.arrays) {
      const what = a.description !== undefined ? escapeMarkdown(a.description) : vscode.l10n.t('not part of a recurrent layer');
      lines.push(`- ${markdownCode(a.name ?? vscode.l10n.t('unnamed array'))} ${shapeText(a.shape)}: ${what}`);
    }
    lines.push('');
  }
  for (const layer of analysis.recognition.layers) {
    if (!outputs.some((o) => o.arrays.some((a) => a.layerId === layer.id))) continue;
    lines.push(`## ${markdownCode(layer.name)} — ${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)}`, '', rangesLabel(layer.gates), '');
  }
  return lines.join('\n');
}

export async function inspectNotebookOutputsCommand(analyzer: DocumentAnalyzer, arg?: unknown): Promise<NotebookOutputsResult | undefined> {
  const notebook = targetNotebook(arg);
  if (!notebook) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a notebook first.'));
    return undefined;
  }
  const found = await analyzer.notebooks.get(notebook);
  if (!found) return undefined;
  const fileName = vscode.workspace.asRelativePath(notebook.uri);
  const outputs = outputsOf(found.joined, found.analysis);
  const layers = layersOf(found.analysis, outputs);
  const text = report(fileName, found.analysis, outputs);
  if (!outputs.length) void vscode.window.showInformationMessage(vscode.l10n.t('Gate Lens found no weight arrays in the text outputs of {0}.', fileName));
  else void pick(notebook, fileName, layers, text);
  return { uri: notebook.uri.toString(), outputs, layers, report: text };
}

/** Not awaited by the command: it returns its result at once and the pick stays open until the user chooses. */
async function pick(notebook: vscode.NotebookDocument, fileName: string, layers: readonly NotebookOutputLayer[], text: string): Promise<void> {
  const items = layers.map((layer) => ({
    label: `$(output) ${escapeIcons(layer.name)}`,
    description: layer.description,
    detail: vscode.l10n.t('in the output of cell {0} — step through', layer.cellLabels.join(', ')),
    layer,
  }));
  const reportItem = { label: `$(markdown) ${vscode.l10n.t('Open the full report')}`, description: '', detail: undefined, layer: undefined };
  const picked = await vscode.window.showQuickPick([...items, reportItem], { title: vscode.l10n.t('Gate Lens: weights in the outputs of {0}', fileName), matchOnDetail: true });
  if (!picked) return;
  if (!picked.layer) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: true });
    return;
  }
  // The panel follows a text document: the code cell whose output holds the layer (every cell sees all layers).
  const cell = notebook.cellAt(picked.layer.cells[0] - 1);
  await vscode.commands.executeCommand('gateLens.stepThrough', { uri: cell.document.uri.toString(), layerId: picked.layer.id });
}
