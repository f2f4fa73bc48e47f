// gateLens.inspect — "Inspect Weights in This File": a quick pick of the recognised layers (choose one to jump to
// it) and a Markdown report of the same, which the command returns.

import * as vscode from 'vscode';
import type { Recognition } from '../../core/recognize/types';
import type { Analysis } from '../../worker/protocol';
import type { DocumentAnalyzer } from '../analyzer';
import { cellName, frameworkName, gateName, rangesLabel, recognitionMarkdown, roleTitle } from '../labels';
import { escapeIcons, escapeMarkdown, markdownCode } from '../markdownText';
import { shapeText } from '../locate';
import { revealRange } from '../reveal';
import { noLayerMessage, resolveTarget } from './target';

export interface InspectResult {
  readonly uri: string;
  readonly recognition: Recognition;
  readonly report: string;
}

/** The report in Markdown; names and messages from the file are escaped or code spans, as in the hover. */
export function inspectionReport(fileName: string, analysis: Analysis): string {
  const lines = [`# ${vscode.l10n.t('Gate Lens: {0}', escapeMarkdown(fileName))}`, ''];
  const { layers, dense, diagnostics } = analysis.recognition;
  if (layers.length === 0) lines.push(vscode.l10n.t('No recurrent layer recognised.'), '');
  for (const layer of layers) {
    lines.push(`## ${markdownCode(layer.name)} — ${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)}`, '');
    lines.push(vscode.l10n.t('{0} units, input size {1}', layer.units, layer.inputSize) + (layer.directions === 2 ? ` · ${vscode.l10n.t('bidirectional')}` : ''), '');
    lines.push(`| ${vscode.l10n.t('gate')} | ${vscode.l10n.t('name')} | ${vscode.l10n.t('range')} |`, '|:-:|---|:-:|');
    for (const g of layer.gates) lines.push(`| \`${g.label}\` | ${gateName(g.name)} | \`${g.start}:${g.end}\` |`);
    lines.push('');
    for (const role of layer.arrays) {
      const array = analysis.parse.arrays[role.arrayIndex];
      lines.push(`- ${markdownCode(array?.name ?? role.role)} ${array ? shapeText(array.shape) : ''}: ${escapeMarkdown(roleTitle(role))}`);
    }
    if (layer.evidence.length) lines.push('', `**${vscode.l10n.t('Evidence')}**`, '', ...layer.evidence.map((e) => `- ${recognitionMarkdown(e)}`));
    if (layer.warnings.length) lines.push('', `**${vscode.l10n.t('Warnings')}**`, '', ...layer.warnings.map((e) => `- ${recognitionMarkdown(e)}`));
    lines.push('');
  }
  for (const d of dense) lines.push(`## ${markdownCode(d.name)} — Dense ${d.layer.inputSize} → ${d.layer.units}`, '');
  if (diagnostics.length) lines.push(`## ${vscode.l10n.t('Problems')}`, '', ...diagnostics.map((d) => `- ${recognitionMarkdown(d)}`), '');
  return lines.join('\n');
}

export async function inspectCommand(analyzer: DocumentAnalyzer, arg: unknown): Promise<InspectResult | undefined> {
  const target = await resolveTarget(analyzer, arg);
  if (!target) return undefined;
  const { document, analysis } = target;
  const fileName = vscode.workspace.asRelativePath(document.uri);
  const report = inspectionReport(fileName, analysis);
  if (analysis.recognition.layers.length === 0) noLayerMessage(document);
  else {
    // Not awaited: the command returns its result at once and the pick stays open until the user chooses.
    const items = analysis.recognition.layers.map((layer) => ({
      label: `$(symbol-class) ${escapeIcons(layer.name)}`,
      description: `${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)} · ${vscode.l10n.t('{0} units, input size {1}', layer.units, layer.inputSize)}`,
      detail: rangesLabel(layer.gates),
      layer,
    }));
    const reportItem = { label: `$(markdown) ${vscode.l10n.t('Open the full report')}`, description: '', detail: undefined, layer: undefined };
    void vscode.window.showQuickPick([...items, reportItem], { title: vscode.l10n.t('Gate Lens: layers in {0}', fileName), matchOnDetail: true }).then(async (picked) => {
      if (!picked) return;
      if (!picked.layer) {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
        await vscode.window.showTextDocument(doc, { preview: true });
        return;
      }
      await revealRange(analyzer, document, analysis, picked.layer.range);
    });
  }
  return { uri: document.uri.toString(), recognition: analysis.recognition, report };
}
