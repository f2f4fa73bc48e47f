// Hover on a weight array (its name or any part of its literal) or on a slice of the packed pre-activation.

import * as vscode from 'vscode';
import type { GateSlot, RecognizedLayer } from '../core/recognize/types';
import type { DocumentAnalyzer } from './analyzer';
import { adapter } from '../core/conventions';
import { cellName, frameworkName, gateName, packedAxisName, recognitionMarkdown, roleTitle } from './labels';
import { escapeMarkdown, markdownCode } from './markdownText';
import { arrayAt, shapeText, sliceAt } from './locate';
import { commandUri, TRUSTED_HOVER_COMMANDS } from './commandLinks';

function gateTable(gates: readonly GateSlot[], axisName: string): string {
  const rows = gates.map((g) => `| \`${g.label}\` | ${gateName(g.name)} | \`${g.start}:${g.end}\` |`);
  return [`| ${vscode.l10n.t('gate')} | ${vscode.l10n.t('name')} | ${axisName} |`, '|:-:|---|:-:|', ...rows].join('\n');
}

function layerLinks(document: vscode.TextDocument, layer: RecognizedLayer): string {
  const args = { uri: document.uri.toString(), layerId: layer.id };
  return [
    `[$(debug-step-over) ${vscode.l10n.t('Step through')}](${commandUri('gateLens.stepThrough', args)})`,
    `[$(copy) ${vscode.l10n.t('Copy NumPy forward pass')}](${commandUri('gateLens.copyNumpy', args)})`,
    `[$(symbol-enum) ${vscode.l10n.t('Choose convention')}](${commandUri('gateLens.chooseConvention', { uri: args.uri })})`,
    `[$(export) ${vscode.l10n.t('Convert to…')}](${commandUri('gateLens.convertLayer', args)})`,
  ].join(' · ');
}

function evidenceList(layer: RecognizedLayer): string[] {
  const lines: string[] = [];
  if (layer.evidence.length) {
    lines.push(`**${vscode.l10n.t('Evidence')}**`, '');
    for (const e of layer.evidence) lines.push(`- ${recognitionMarkdown(e)}`);
  }
  if (layer.warnings.length) {
    lines.push('', `**${vscode.l10n.t('Warnings')}**`, '');
    for (const w of layer.warnings) lines.push(`- $(warning) ${recognitionMarkdown(w)}`);
  }
  if (layer.alternatives.length) {
    const names = layer.alternatives.map((id) => frameworkName(id, layer.cell)).join(', ');
    lines.push('', escapeMarkdown(vscode.l10n.t('Also fits: {0}. Use “Choose convention” if the file came from there.', names)));
  }
  return lines;
}

function trusted(markdown: vscode.MarkdownString): vscode.MarkdownString {
  markdown.supportThemeIcons = true;
  // Only our own commands may run from a hover link: the text around them comes from the user's file.
  markdown.isTrusted = { enabledCommands: [...TRUSTED_HOVER_COMMANDS] };
  return markdown;
}

export class GateHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analyzer: DocumentAnalyzer) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const analysis = await this.analyzer.get(document);
    if (!analysis) return undefined;
    const offset = document.offsetAt(position);

    const slice = sliceAt(analysis, offset);
    if (slice) {
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**${markdownCode(slice.text)}** → ${slice.gates.map((g) => `\`${g.label}\` ${gateName(g.name)}`).join(', ')}\n\n`);
      if (slice.mismatch) md.appendMarkdown(`$(warning) ${recognitionMarkdown(slice.mismatch)}\n\n`);
      const layer = analysis.recognition.layers.find((l) => l.id === slice.layerId);
      if (layer) md.appendMarkdown(gateTable(layer.gates, vscode.l10n.t('range')) + '\n\n' + layerLinks(document, layer));
      return new vscode.Hover(trusted(md), new vscode.Range(document.positionAt(slice.range.start), document.positionAt(slice.range.end)));
    }

    const hit = arrayAt(analysis, offset);
    if (!hit) return undefined;
    const { array, layer, dense, role } = hit;
    const range = new vscode.Range(document.positionAt((array.nameRange ?? array.range).start), document.positionAt(array.range.end));
    const md = new vscode.MarkdownString();
    // Everything from the file is escaped (or a code span): the hover is trusted to run our command links.
    const title = role ? escapeMarkdown(roleTitle(role)) : array.name ? vscode.l10n.t('{0}: not part of a recognised layer', markdownCode(array.name)) : vscode.l10n.t('Array not part of a recognised layer');
    md.appendMarkdown(`**${title}**\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('shape')} \`${shapeText(array.shape)}\`${array.dtype ? ` · ${markdownCode(array.dtype)}` : ''}`);
    if (layer && role?.packedAxis !== undefined) {
      md.appendMarkdown(` · ${vscode.l10n.t('gates packed along axis {0}', role.packedAxis)}\n\n`);
      md.appendMarkdown(gateTable(layer.gates, packedAxisName(array.shape, role.packedAxis)) + '\n\n');
    } else {
      md.appendMarkdown('\n\n');
    }
    if (layer) {
      md.appendMarkdown(`${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)} · ${vscode.l10n.t('{0} units, input size {1}', layer.units, layer.inputSize)}${layer.directions === 2 ? ` · ${vscode.l10n.t('bidirectional')}` : ''}\n\n`);
      if (adapter(layer.convention).verification === 'documented') {
        md.appendMarkdown(`$(info) ${vscode.l10n.t('Documented, not run against the framework: this layout follows {0}\'s documentation and source (see docs/conventions.md); no output of {0} itself checks it.', adapter(layer.convention).title)}\n\n`);
      }
      // The actions before the evidence, so they stay visible without scrolling a long hover.
      md.appendMarkdown(layerLinks(document, layer) + '\n\n');
      md.appendMarkdown(evidenceList(layer).join('\n'));
    } else if (dense) {
      md.appendMarkdown(vscode.l10n.t('Dense layer {0}: {1} → {2}', markdownCode(dense.name), dense.layer.inputSize, dense.layer.units));
    }
    return new vscode.Hover(trusted(md), range);
  }
}
