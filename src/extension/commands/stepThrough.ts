// gateLens.stepThrough — opens the panel on the layer at the cursor (or the one named) and runs it on the file's
// input when one fits the input size, else on a seeded random sequence.

import type * as vscode from 'vscode';
import type { DocumentAnalyzer } from '../analyzer';
import { reportRunFailure } from './runFailure';
import type { StepViews } from '../webview/stepViews';
import { defaultInput } from '../../worker/inputs';
import { weightIndices } from '../locate';
import { summarize, type RunSummary } from './run';
import { resolveLayerTarget } from './target';

export async function stepThroughCommand(analyzer: DocumentAnalyzer, views: StepViews, arg: unknown, logger?: vscode.LogOutputChannel): Promise<RunSummary | undefined> {
  const target = await resolveLayerTarget(analyzer, arg);
  if (!target) return undefined;
  const { document, analysis, layer } = target;
  const input = defaultInput(analysis.parse.arrays, layer, weightIndices(analysis));
  try {
    const { outcome } = await views.openPanelAndRun(document, { layerId: layer.id, input });
    return outcome && summarize(outcome, input);
  } catch (error) {
    // Closing the panel mid-run is a cancel (logged); a refusal is shown translated, not as a failed command.
    return reportRunFailure(error, 'Step Through', logger);
  }
}
