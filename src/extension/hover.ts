// Hover on a weight array (its name or any part of its literal) or on a slice of the packed pre-activation.

import * as vscode from 'vscode';
import type { GateSlot, RecognizedLayer } from '../core/recognize/types';
import type { DocumentAnalyzer, StaleAnalysis } from './analyzer';
import type { Analysis } from '../worker/protocol';
import { adapter } from '../core/conventions';
import { cellName, frameworkName, gateName, gatesWithin, packedAxisName, recognitionMarkdown, roleTitle } from './labels';
import { escapeMarkdown, markdownCode } from './markdownText';
import { arrayAt, shapeText, sliceAt } from './locate';
import { commandUri, TRUSTED_HOVER_COMMANDS } from './commandLinks';
import { precisionNote } from './precision';

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

/** How long a hover waits for the current version's analysis before answering from the last complete one. */
export const STALE_HOVER_AFTER_MS = 100;

/** Offsets of the analysed text ↔ ranges of the document as it is now (the identity when the analysis is current). */
interface OffsetMap {
  toAnalysed(offset: number): number | undefined;
  range(start: number, end: number): vscode.Range | undefined;
}

function currentMap(document: vscode.TextDocument): OffsetMap {
  return { toAnalysed: (offset) => offset, range: (start, end) => new vscode.Range(document.positionAt(start), document.positionAt(end)) };
}

function staleMap(document: vscode.TextDocument, stale: StaleAnalysis): OffsetMap {
  return {
    toAnalysed: (offset) => stale.edits.toOld(offset),
    range: (start, end) => {
      const mapped = stale.edits.rangeToNew(start, end);
      return mapped && new vscode.Range(document.positionAt(mapped.start), document.positionAt(mapped.end));
    },
  };
}

export class GateHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analyzer: DocumentAnalyzer) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const pending = this.analyzer.get(document);
    const current = await Promise.race([pending, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), STALE_HOVER_AFTER_MS))]);
    if (current !== 'waiting') return current && this.hover(document, current, document.offsetAt(position), currentMap(document));
    // A large file is still being analysed after an edit: answer from the last complete analysis, saying so.
    const stale = this.analyzer.staleAnalysis(document);
    if (!stale) {
      const analysis = await pending;
      return analysis && this.hover(document, analysis, document.offsetAt(position), currentMap(document));
    }
    const note = `$(sync~spin) *${escapeMarkdown(vscode.l10n.t('The file changed since this analysis; updating…'))}*\n\n`;
    return this.hover(document, stale.analysis, document.offsetAt(position), staleMap(document, stale), note);
  }

  private hover(document: vscode.TextDocument, analysis: Analysis, documentOffset: number, map: OffsetMap, note = ''): vscode.Hover | undefined {
    const offset = map.toAnalysed(documentOffset);
    if (offset === undefined) return undefined;
    const slice = sliceAt(analysis, offset);
    if (slice) {
      const md = new vscode.MarkdownString(note);
      md.appendMarkdown(`**${markdownCode(slice.text)}** → ${slice.gates.map((g) => `\`${g.label}\` ${gateName(g.name)}`).join(', ')}\n\n`);
      if (slice.mismatch) md.appendMarkdown(`$(warning) ${recognitionMarkdown(slice.mismatch)}\n\n`);
      const layer = analysis.recognition.layers.find((l) => l.id === slice.layerId);
      if (layer) md.appendMarkdown(gateTable(layer.gates, vscode.l10n.t('range')) + '\n\n' + layerLinks(document, layer));
      return new vscode.Hover(trusted(md), map.range(slice.range.start, slice.range.end));
    }

    const hit = arrayAt(analysis, offset);
    if (!hit) return undefined;
    const { array, layer, dense, role } = hit;
    const range = map.range((array.nameRange ?? array.range).start, array.range.end);
    const md = new vscode.MarkdownString(note);
    // Everything from the file is escaped (or a code span): the hover is trusted to run our command links.
    const title = role ? escapeMarkdown(roleTitle(role)) : array.name ? vscode.l10n.t('{0}: not part of a recognised layer', markdownCode(array.name)) : vscode.l10n.t('Array not part of a recognised layer');
    md.appendMarkdown(`**${title}**\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('shape')} \`${shapeText(array.shape)}\`${array.dtype ? ` · ${markdownCode(array.dtype)}` : ''}`);
    if (layer && role?.packedAxis !== undefined) {
      md.appendMarkdown(` · ${vscode.l10n.t('gates packed along axis {0}', role.packedAxis)}\n\n`);
      md.appendMarkdown(gateTable(gatesWithin(layer.gates, array.shape[role.packedAxis]), packedAxisName(array.shape, role.packedAxis)) + '\n\n');
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
      // Rounded prints: what a run on them can and cannot show (the sentence `gate-lens inspect` prints).
      const precision = precisionNote(layer);
      if (precision) md.appendMarkdown(`$(info) ${recognitionMarkdown(precision)}\n\n`);
      md.appendMarkdown(evidenceList(layer).join('\n'));
    } else if (dense) {
      md.appendMarkdown(vscode.l10n.t('Dense layer {0}: {1} → {2}', markdownCode(dense.name), dense.layer.inputSize, dense.layer.units));
    }
    return new vscode.Hover(trusted(md), range);
  }
}
