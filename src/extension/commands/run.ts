// gateLens.run — "Run Forward Pass…": choose the layer, the input (an array of the file, typed values, zeros or a
// seeded random sequence) and the initial state, then open the panel with the trace. Tests pass everything as
// arguments and no question is asked.

import * as vscode from 'vscode';
import type { RecognizedLayer } from '../../core/recognize/types';
import type { InputSource, RunRequest } from '../../protocol/messages';
import { isInitialState, isInputSource } from '../../protocol/validate';
import { DEFAULT_RANDOM_STEPS, DEFAULT_SEED, inputCandidates } from '../../worker/inputs';
import type { Analysis } from '../../worker/protocol';
import type { DocumentAnalyzer } from '../analyzer';
import { cellName, frameworkName } from '../labels';
import { shapeText, weightIndices } from '../locate';
import { escapeIcons } from '../markdownText';
import type { RunOutcome } from '../runner';
import type { StepViews } from '../webview/stepViews';
import { reportRunFailure } from './runFailure';
import { argsOf, noLayerMessage, resolveTarget } from './target';

export interface RunArgs {
  readonly uri?: string | vscode.Uri;
  readonly layerId?: string;
  readonly input?: InputSource;
  readonly initialState?: RunRequest['initialState'];
}

export interface RunSummary {
  readonly runId: number;
  readonly layerId: string;
  readonly input: InputSource;
  readonly steps: number;
  /** Layer output (batch item 0), steps × features, row-major. */
  readonly output: number[];
  /** Final h (and c for an LSTM) per direction. */
  readonly finalStates: { h: number[]; c?: number[] }[];
  readonly tracesSent: number;
}

export function summarize(outcome: RunOutcome, input: InputSource): RunSummary {
  return {
    runId: outcome.runId,
    layerId: outcome.layer.id,
    input,
    steps: outcome.input.steps,
    output: Array.from(outcome.result.output.data),
    finalStates: outcome.result.finalStates.map((s) => ({ h: Array.from(s.h), ...(s.c ? { c: Array.from(s.c) } : {}) })),
    tracesSent: outcome.traces.length,
  };
}

/** Numbers separated by commas, spaces, semicolons or new lines; brackets are ignored. */
export function parseNumbers(text: string): number[] | undefined {
  const tokens = text.replace(/[[\]()]/g, ' ').split(/[\s,;]+/).filter((t) => t.length > 0);
  const values = tokens.map(Number);
  return values.length > 0 && values.every((v) => Number.isFinite(v)) ? values : undefined;
}

async function pickLayer(analysis: Analysis): Promise<RecognizedLayer | undefined> {
  const layers = analysis.recognition.layers;
  if (layers.length <= 1) return layers[0];
  const picked = await vscode.window.showQuickPick(
    layers.map((layer) => ({ label: escapeIcons(layer.name), description: `${frameworkName(layer.convention, layer.cell)} ${cellName(layer.cell)} · ${vscode.l10n.t('{0} units, input size {1}', layer.units, layer.inputSize)}`, layer })),
    { title: vscode.l10n.t('Gate Lens: which layer?') },
  );
  return picked?.layer;
}

async function askSteps(prompt: string): Promise<{ steps: number; seed: number } | undefined> {
  const text = await vscode.window.showInputBox({
    title: prompt,
    prompt: vscode.l10n.t('Number of steps, and a seed for random values (e.g. “8 42”)'),
    value: `${DEFAULT_RANDOM_STEPS} ${DEFAULT_SEED}`,
    validateInput: (v) => {
      const n = parseNumbers(v);
      return n && n.length >= 1 && n.length <= 2 && n.every((x) => Number.isInteger(x) && x >= 0) && n[0] >= 1 ? undefined : vscode.l10n.t('Give a positive whole number of steps, optionally followed by a seed.');
    },
  });
  const n = text === undefined ? undefined : parseNumbers(text);
  return n ? { steps: n[0], seed: n[1] ?? DEFAULT_SEED } : undefined;
}

async function pickInput(analysis: Analysis, layer: RecognizedLayer): Promise<InputSource | undefined> {
  const arrays = inputCandidates(analysis.parse.arrays, layer, weightIndices(analysis));
  type Item = vscode.QuickPickItem & { make: () => Promise<InputSource | undefined> };
  const items: Item[] = [
    ...arrays.map((a) => ({ label: `$(symbol-array) ${escapeIcons(a.name ?? `#${a.index}`)}`, description: shapeText(a.shape), make: async () => ({ kind: 'array', arrayIndex: a.index }) as InputSource })),
    {
      label: `$(edit) ${vscode.l10n.t('Type values…')}`,
      description: vscode.l10n.t('{0} per step', layer.inputSize),
      make: async () => {
        const text = await vscode.window.showInputBox({
          title: vscode.l10n.t('Input values, {0} per step', layer.inputSize),
          prompt: vscode.l10n.t('Numbers separated by commas or spaces; steps follow each other.'),
          validateInput: (v) => {
            const n = parseNumbers(v);
            return n && n.length % layer.inputSize === 0 ? undefined : vscode.l10n.t('Give a multiple of {0} numbers.', layer.inputSize);
          },
        });
        const data = text === undefined ? undefined : parseNumbers(text);
        return data ? { kind: 'values', steps: data.length / layer.inputSize, features: layer.inputSize, data } : undefined;
      },
    },
    {
      label: `$(circle-outline) ${vscode.l10n.t('Zeros…')}`,
      make: async () => {
        const n = await askSteps(vscode.l10n.t('Zeros: how many steps?'));
        return n ? { kind: 'zeros', steps: n.steps } : undefined;
      },
    },
    {
      label: `$(symbol-constant) ${vscode.l10n.t('Seeded random…')}`,
      description: vscode.l10n.t('uniform in [-1, 1)'),
      make: async () => {
        const n = await askSteps(vscode.l10n.t('Seeded random input'));
        return n ? { kind: 'random', steps: n.steps, seed: n.seed } : undefined;
      },
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Gate Lens: input for {0}', layer.name) });
  return picked?.make();
}

async function pickInitialState(layer: RecognizedLayer): Promise<RunRequest['initialState'] | null> {
  type Item = vscode.QuickPickItem & { make: () => Promise<RunRequest['initialState'] | null> };
  const hWidth = layer.projSize ?? layer.units;
  const items: Item[] = [
    { label: vscode.l10n.t('Zeros'), make: async () => ({ kind: 'zeros' }) },
    {
      label: vscode.l10n.t('Type values…'),
      make: async () => {
        const h = await vscode.window.showInputBox({ title: vscode.l10n.t('Initial h ({0} values)', hWidth), validateInput: (v) => (parseNumbers(v)?.length === hWidth ? undefined : vscode.l10n.t('Give {0} numbers.', hWidth)) });
        if (h === undefined) return null;
        let c: string | undefined;
        if (layer.cell === 'lstm') {
          c = await vscode.window.showInputBox({ title: vscode.l10n.t('Initial c ({0} values)', layer.units), validateInput: (v) => (parseNumbers(v)?.length === layer.units ? undefined : vscode.l10n.t('Give {0} numbers.', layer.units)) });
          if (c === undefined) return null;
        }
        return { kind: 'values', h: parseNumbers(h), c: c === undefined ? undefined : parseNumbers(c) };
      },
    },
    {
      label: vscode.l10n.t('Seeded random…'),
      make: async () => {
        const seed = await vscode.window.showInputBox({ title: vscode.l10n.t('Seed'), value: String(DEFAULT_SEED), validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('Give a whole number.')) });
        return seed === undefined ? null : { kind: 'random', seed: Number(seed) };
      },
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Gate Lens: initial state') });
  return picked ? picked.make() : null;
}

export async function runCommand(analyzer: DocumentAnalyzer, views: StepViews, arg: unknown, logger?: vscode.LogOutputChannel): Promise<RunSummary | undefined> {
  const args = (argsOf(arg) ?? {}) as RunArgs;
  // Given by another extension or a test: a malformed input or state is refused, never guessed at.
  if ((args.input !== undefined && !isInputSource(args.input)) || (args.initialState !== undefined && !isInitialState(args.initialState))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Gate Lens: this command was given arguments it does not accept.'));
    return undefined;
  }
  const target = await resolveTarget(analyzer, arg);
  if (!target) return undefined;
  const { document, analysis } = target;
  if (analysis.recognition.layers.length === 0) {
    noLayerMessage(document);
    return undefined;
  }
  const layer = args.layerId ? target.layer : await pickLayer(analysis);
  if (!layer) return undefined;
  const input = args.input ?? (await pickInput(analysis, layer));
  if (!input) return undefined;
  const initialState = args.input ? args.initialState : await pickInitialState(layer);
  if (initialState === null) return undefined;
  try {
    const { outcome } = await views.openPanelAndRun(document, { layerId: layer.id, input, initialState });
    return outcome && summarize(outcome, input);
  } catch (error) {
    // The panel was closed before it could show the run: the user cancelled it (logged). A refusal is shown translated.
    return reportRunFailure(error, 'Run', logger);
  }
}
