// Outline: each recognised layer, with its weight arrays as children.

import * as vscode from 'vscode';
import type { DocumentAnalyzer } from './analyzer';
import { cellName, frameworkName } from './labels';
import { isShown, shapeText, toRange } from './locate';

export class GateSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly analyzer: DocumentAnalyzer) {}

  async provideDocumentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const analysis = await this.analyzer.get(document);
    if (!analysis) return [];
    const symbols: vscode.DocumentSymbol[] = [];
    // In a notebook cell: only what lies in this cell (the cell's view also holds the other cells' layers).
    for (const layer of analysis.recognition.layers) {
      if (!isShown(analysis, layer.range)) continue;
      const range = toRange(document, layer.range);
      const detail = `${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)} · ${vscode.l10n.t('{0} units, input size {1}', layer.units, layer.inputSize)}`;
      const symbol = new vscode.DocumentSymbol(layer.name, detail, vscode.SymbolKind.Class, range, range);
      for (const role of layer.arrays) {
        const array = analysis.parse.arrays[role.arrayIndex];
        if (!array || !isShown(analysis, array.range)) continue;
        const full = toRange(document, { start: (array.nameRange ?? array.range).start, end: array.range.end });
        const name = toRange(document, array.nameRange ?? array.range);
        symbol.children.push(new vscode.DocumentSymbol(role.role, `${array.name ?? ''} ${shapeText(array.shape)}`.trim(), vscode.SymbolKind.Field, full, name));
      }
      symbols.push(symbol);
    }
    for (const dense of analysis.recognition.dense) {
      if (!isShown(analysis, dense.range)) continue;
      const range = toRange(document, dense.range);
      symbols.push(new vscode.DocumentSymbol(dense.name, `Dense ${dense.layer.inputSize} → ${dense.layer.units}`, vscode.SymbolKind.Class, range, range));
    }
    return symbols;
  }
}
