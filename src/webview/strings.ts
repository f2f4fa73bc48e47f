// Every string the webview shows, with its English default. The host sends translations (e.g. zh-cn) in
// `init.strings` keyed by the same keys; a missing key falls back to English, so a partial table never blanks the UI.
// Placeholders are positional: {0}, {1}, … and are filled by t(key, ...args).
//
// Keys for translators (H6b): every key of EN_STRINGS below. Keep placeholders and the symbols ⊙ · ₋₁ as they are.

export const EN_STRINGS = {
  // Page structure
  'app.title': 'Gate Lens',
  'app.noDocument': 'Open a weights file and choose “Gate Lens: Step Through” to see a layer here.',
  'app.noLayers': 'No recurrent layer was recognised in {0}.',
  'app.noTrace': 'Choose an input and press Run to step through this layer.',
  'app.protocolMismatch': 'The Gate Lens host speaks protocol {0}, this view speaks {1}. Reload the window.',
  'section.run': 'Run',
  'section.step': 'Current step',
  'section.time': 'Over time',

  // Layer and run controls
  'layer.label': 'Layer',
  'layer.summary': '{0} · {1} units · input size {2} · {3}',
  'layer.bidirectional': 'bidirectional',
  'layer.direction': 'Direction',
  'layer.doubts': 'The recogniser is not sure:',
  'layer.forward': 'forward',
  'layer.backward': 'backward',
  'run.source': 'Input',
  'run.source.zeros': 'zeros',
  'run.source.random': 'seeded random',
  'run.source.array': 'array from file',
  'run.source.values': 'typed values',
  'run.values': 'Values of x',
  'run.values.placeholder': 'one step per line, features separated by commas',
  'run.initial': 'Initial state',
  'run.initial.zeros': 'zeros',
  'run.initial.values': 'typed h₀ / c₀',
  'run.state.placeholder': 'values separated by commas',
  'form.badNumber': '“{0}” is not a number.',
  'form.badRow': 'Line {0} holds {1} values; this layer takes {2} per step.',
  'form.noValues': 'Type the input values first.',
  'form.noArray': 'Choose an array of the file first.',
  'form.badState': '{0} needs {1} values, got {2}.',
  'run.steps': 'Steps',
  'run.seed': 'Seed',
  'run.array': 'Array',
  'run.reveal': 'Show in file',
  'run.button': 'Run',
  'run.cancel': 'Cancel',
  'run.running': 'Running…',
  'run.done': 'Trace ready: {0} steps.',
  'run.empty': 'The run produced no steps: the input sequence is empty.',
  'error.title': 'Error',

  // Step navigation
  'nav.first': 'First step',
  'nav.prev': 'Previous step',
  'nav.next': 'Next step',
  'nav.last': 'Last step',
  'nav.play': 'Play',
  'nav.pause': 'Pause',
  'nav.slider': 'Time step',
  'nav.toolbar': 'Step controls',
  'nav.speed': 'Playback speed, steps per second',
  'nav.stepLabel': 'Step {0} / {1}',
  'nav.timeIndex': 'input x[{0}]',
  'nav.keys': 'Keys: ← → step · Home/End first/last · Space play/pause · PageUp/PageDown ±10',

  // Convention
  'conv.label': 'Name the columns as',
  'conv.stored': '{0} (stored)',
  'conv.whatIf': 'What-if: the columns below keep their stored positions ({0} order) but are named as {1} would name them. Where the names differ, the real gate is shown too.',
  'conv.really': 'really {0}',

  'x.more': '(+{0} more)',
  'view.fullPrecision': 'Full precision',

  // Gate names by canonical gate; the English texts equal the names in src/core/conventions.ts.
  'gate.i': 'input gate',
  'gate.f': 'forget gate',
  'gate.c': 'cell candidate',
  'gate.o': 'output gate',
  'gate.z': 'update gate',
  'gate.r': 'reset gate',
  'gate.n': 'candidate',
  'gate.h': 'hidden pre-activation',

  // z and its split
  'z.title': 'Pre-activation z = x·W + h·U + b',
  'z.split': 'Split z into x·W, h·U and b',
  'z.row.xw': 'x·W',
  'z.row.hu': 'h·U',
  'z.row.b': 'b',
  'z.row.other': 'other',
  'z.row.z': 'z',
  'z.gateLabel': '{0} · {1} [{2}:{3}]',
  'z.units': 'Units {0}–{1} of {2}',
  'z.unitsPrev': 'Previous units',
  'z.unitsNext': 'Next units',
  'z.other.lstm': 'The “other” row is what the gate receives beyond x·W + h·U + b: peepholes, clip or forget_bias.',
  'z.resetAfter': 'r applied after U·h (reset_after): n receives x·W_n + b_Wn + r ⊙ (h·U_n + b_Un). The “other” row of n is r ⊙ (h·U_n + b_Un) − (h·U_n + b_Un).',
  'z.resetBefore': 'r applied before U (reset_before): the h·U row of n is (r ⊙ h)·U_n, so x·W + h·U + b sums to z for every block.',

  // Gates and state
  'gates.title': 'Gate activations',
  'gates.gateHeading': '{0} · {1}',
  'state.c.title': 'Cell state c = f ⊙ c₋₁ + i ⊙ g',
  'state.c.derived': 'c₋₁ at the first step was not sent by the host; it is derived as (c − i⊙g) / f.',
  'state.h.title': 'Hidden state h',
  'state.h.lstm': 'h = o ⊙ tanh(c)',
  'state.h.gru': 'h = z ⊙ h₋₁ + (1 − z) ⊙ n',
  'state.h.rnn': 'h = act(z)',
  'state.col.unit': 'unit',
  'state.col.f': 'f',
  'state.col.cPrev': 'c₋₁',
  'state.col.i': 'i',
  'state.col.g': 'g',
  'state.col.c': 'c',
  'state.col.h': 'h',
  'state.col.hPrev': 'h₋₁',
  'state.col.z': 'z',
  'state.col.n': 'n',
  'gru.resetAfter': 'r applied after U·h (reset_after)',
  'gru.resetBefore': 'r applied before U·h (reset_before)',

  // Over time
  'heat.gates': 'Gate activations over time (rows: gate · unit, columns: steps)',
  'heat.c': 'Cell state c over time (rows: units, columns: steps)',
  'heat.h': 'Hidden state h over time (rows: units, columns: steps)',
  'plot.h': 'h per unit over time',
  'heat.cell': '{0}, step {1}: {2}',
  'heat.unitName': '{0}, unit {1}',
  'heat.legend': 'Scale {0} … {1}',
  'heat.keys': 'Focus a chart: ← → change step, ↑ ↓ change unit; the value is read out.',

  // Copy
  'copy.button': 'Copy step as NumPy',
  'copy.what': 'step {0} as NumPy',
  'copy.block': 'Copy',
  'copy.block.label': 'Copy z of {0} at the current step, at full precision',
  'copy.block.what': 'z of {0} at step {1} (full precision)',
  'copy.forward': 'Copy NumPy forward pass of this run',
  'convert.button': 'Convert layer to…',
} as const;

export type StringKey = keyof typeof EN_STRINGS;

let overrides: Readonly<Record<string, string>> = {};

/** Install the host's translations; unknown keys are ignored, missing keys stay English. */
export function setStrings(strings: Readonly<Record<string, string>> | undefined): void {
  overrides = strings ?? {};
}

export function t(key: StringKey, ...args: readonly (string | number)[]): string {
  const template = Object.prototype.hasOwnProperty.call(overrides, key) ? overrides[key] : EN_STRINGS[key];
  return format(template, args);
}

export function format(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => {
    const i = Number(n);
    return i < args.length ? String(args[i]) : whole;
  });
}
