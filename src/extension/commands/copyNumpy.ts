// gateLens.copyNumpy — a runnable NumPy forward pass for the layer at the cursor (or the one named), copied to the
// clipboard and returned. Its input is the file's (the one Step Through starts with) or, when the layer has been
// run in a Gate Lens view, that run's input and initial state, so the script reproduces the numbers on screen.

import * as vscode from 'vscode';
import { generateNumpy } from '../../core/codegen/numpy';
import type { Sequence } from '../../core/model';
import type { RunRequest } from '../../protocol/messages';
import { buildInitialStates, buildSequence, defaultInput } from '../../worker/inputs';
import type { DocumentAnalyzer } from '../analyzer';
import { weightIndices } from '../locate';
import { argsOf, resolveLayerTarget } from './target';

export type NumpyInputChoice = 'lastRun' | 'file';

export interface CopyNumpyResult {
  readonly layerId: string;
  readonly code: string;
  /** Whose input the script runs: the last run's in a Gate Lens view, or the file's default. */
  readonly input: NumpyInputChoice;
}

/** The newest run of a layer in a Gate Lens view (src/extension/webview/stepViews.ts provides it). */
export interface LastRunLookup {
  lastRunFor(uri: string, layerId: string): { readonly request: RunRequest; readonly input: Sequence } | undefined;
}

function requestedInput(arg: unknown): NumpyInputChoice | undefined {
  const input = (argsOf(arg) as { input?: unknown }).input;
  return input === 'lastRun' || input === 'file' ? input : undefined;
}

/** From the palette or a menu (no arguments), the user chooses when a run of the layer exists. */
async function pickInput(steps: number, fileInput: string): Promise<NumpyInputChoice | undefined> {
  type Item = vscode.QuickPickItem & { readonly choice: NumpyInputChoice };
  const items: Item[] = [
    { label: vscode.l10n.t('Input of the last run'), description: vscode.l10n.t('{0} steps, as run in the Gate Lens view', steps), choice: 'lastRun' },
    { label: vscode.l10n.t('Input of the file'), description: fileInput, choice: 'file' },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Which input should the NumPy forward pass run?') });
  return picked?.choice;
}

export async function copyNumpyCommand(analyzer: DocumentAnalyzer, arg: unknown, runs?: LastRunLookup): Promise<CopyNumpyResult | undefined> {
  const target = await resolveLayerTarget(analyzer, arg);
  if (!target) return undefined;
  const { analysis, layer, document } = target;
  const fileSource = defaultInput(analysis.parse.arrays, layer, weightIndices(analysis));
  const last = runs?.lastRunFor(document.uri.toString(), layer.id);
  const fromMenu = arg === undefined || arg instanceof vscode.Uri;
  let choice = requestedInput(arg) ?? (last && fromMenu ? await pickInput(last.input.steps, fileSource.kind === 'array' ? analysis.parse.arrays[fileSource.arrayIndex]?.name ?? `#${fileSource.arrayIndex}` : vscode.l10n.t('seeded random')) : 'file');
  if (!choice) return undefined;
  if (choice === 'lastRun' && !last) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} has not been run in a Gate Lens view yet: the NumPy forward pass uses the file’s input.', layer.name));
    choice = 'file';
  }
  const input = choice === 'lastRun' && last ? last.input : buildSequence(fileSource, layer.inputSize, analysis.parse.arrays);
  const initialStates = choice === 'lastRun' && last ? buildInitialStates(last.request.initialState, layer) : undefined;
  const code = generateNumpy(layer, { input, initialStates });
  await vscode.env.clipboard.writeText(code);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Gate Lens: NumPy forward pass of {0} copied', layer.name), 4000);
  return { layerId: layer.id, code, input: choice };
}
