// Every string the Gate Lens Model webview shows, with its English default; the host sends translations in `init`
// (see src/extension/webview/strings.ts for the mechanism). Placeholders are positional: {0}, {1}, …

export const MODEL_STRINGS = {
  'model.loading': 'Reading {0}…',
  'model.waiting': 'Waiting for the file…',
  'model.error': 'Gate Lens could not read {0}',
  'model.summary': '{0} · {1} · {2} tensors',
  'model.ranged': 'Read {0} of the file’s bytes (only the tensors below).',
  'model.whole': 'This host reads files whole: {0} read.',
  'model.problems': 'Notes from the reader',
  'model.recurrent': 'Recurrent layers',
  'model.noRecurrent': 'No recurrent layer (LSTM, GRU, SimpleRNN) in this file. Its layers are listed below.',
  'model.layers': 'Layers',
  'model.layerSummary': '{0} {1} · {2} units · input size {3} · {4}',
  'model.oneDirection': '1 direction',
  'model.twoDirections': 'bidirectional',
  'model.projection': 'projection {0}',
  'model.incomplete': 'Not runnable: an array it needs is missing.',
  'model.stepThrough': 'Step Through',
  'model.openAsText': 'Open as Text',
  'model.convention': 'Convention',
  'model.conventionAuto': 'Automatic (recognised: {0})',
  'model.conventionChosen': 'You chose this reading; “Automatic” returns to what the recogniser found.',
  'model.gates': 'Gates along the packed axis',
  'model.evidence': 'Evidence',
  'model.warnings': 'Doubts',
  'model.weights': 'Weights',
  'model.matrixCaption': '{0} · {1} · shape ({2}) · gates along {3}',
  'model.axisRows': 'rows',
  'model.axisColumns': 'columns',
  'model.backwardSuffix': 'backward',
  'model.omitted': 'Too large to draw ({0}).',
  'model.cell': 'row {0}, column {1}: {2}',
  'model.cellGate': 'row {0}, column {1}: {2} ({3})',
  'model.heatmapLabel': 'Heatmap of {0}, {1} rows × {2} columns. Arrow keys move between values.',
  'col.layer': 'Layer',
  'col.class': 'Class',
  'col.tensor': 'Tensor',
  'col.shape': 'Shape',
  'col.dtype': 'dtype',
  'col.note': 'Note',
  'col.gate': 'Gate',
  'col.letter': 'Label',
  'col.range': 'Range',
  'note.recurrent': 'recurrent layer {0}',
  'note.dense': 'Dense head {0}',
  'note.read': 'read',
} as const;

export type ModelStringKey = keyof typeof MODEL_STRINGS;

export function formatString(table: Readonly<Record<string, string>>, key: ModelStringKey, ...args: (string | number)[]): string {
  const template = table[key] ?? MODEL_STRINGS[key];
  return template.replace(/\{(\d+)\}/g, (whole, k: string) => (Number(k) < args.length ? String(args[Number(k)]) : whole));
}
