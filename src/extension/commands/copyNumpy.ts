// gateLens.copyNumpy — a runnable NumPy forward pass for the layer at the cursor (or the one named), on the same
// default input Step Through uses, copied to the clipboard and returned.

import * as vscode from 'vscode';
import { generateNumpy } from '../../core/codegen/numpy';
import { buildSequence, defaultInput } from '../../worker/inputs';
import type { DocumentAnalyzer } from '../analyzer';
import { weightIndices } from '../locate';
import { resolveLayerTarget } from './target';

export interface CopyNumpyResult {
  readonly layerId: string;
  readonly code: string;
}

export async function copyNumpyCommand(analyzer: DocumentAnalyzer, arg: unknown): Promise<CopyNumpyResult | undefined> {
  const target = await resolveLayerTarget(analyzer, arg);
  if (!target) return undefined;
  const { analysis, layer } = target;
  const input = buildSequence(defaultInput(analysis.parse.arrays, layer, weightIndices(analysis)), layer.inputSize, analysis.parse.arrays);
  const code = generateNumpy(layer, { input });
  await vscode.env.clipboard.writeText(code);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Gate Lens: NumPy forward pass of {0} copied', layer.name), 4000);
  return { layerId: layer.id, code };
}
