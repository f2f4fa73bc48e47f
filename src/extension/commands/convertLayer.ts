// gateLens.convertLayer — "Convert Layer To…": the layer at the cursor (or the one named) in another framework's
// layout. Asks the target convention and the format (QuickPick) unless the arguments give them; text formats open in
// an untitled Python editor, binary ones are written where the save dialog says (vscode.workspace.fs, so remote and
// virtual workspaces work). The core (core/export) converts; a conversion that cannot be exact is refused with the
// reason and the exact targets.

import * as vscode from 'vscode';
import { CONVERT_TARGETS, ConversionRefused, exportLayers, isConvertTarget, type ConvertTarget, type ExportFormat, type ExportResult } from '../../core/export';
import { GateLensError } from '../../core/model';
import type { RecognizedLayer } from '../../core/recognize/types';
import type { DocumentAnalyzer } from '../analyzer';
import { argsOf, resolveLayerTarget } from './target';

/** The formats the command offers (`txt` is the CLI's alias of `py`). */
export const CONVERT_COMMAND_FORMATS = ['py', 'npz', 'safetensors', 'onnx', 'port'] as const;
type CommandFormat = (typeof CONVERT_COMMAND_FORMATS)[number];

export interface ConvertLayerArgs {
  readonly uri?: string | vscode.Uri;
  readonly layerId?: string;
  readonly to?: ConvertTarget;
  readonly format?: CommandFormat;
}

export interface ConvertLayerResult {
  readonly layerId: string;
  readonly target: ConvertTarget;
  readonly format: ExportFormat;
  /** Where a binary format was written. */
  readonly savedTo?: string;
  /** The untitled editor's document for .py and the port script. */
  readonly document?: vscode.TextDocument;
  readonly notes: readonly string[];
  /** Set when the conversion cannot be exact: the reason and the exact alternatives. */
  readonly refused?: string;
}

/** The questions the command asks; the extension-host tests answer them without dialogs. */
export interface ConvertUi {
  pickTarget(items: readonly (vscode.QuickPickItem & { id: ConvertTarget })[]): Thenable<ConvertTarget | undefined>;
  pickFormat(items: readonly (vscode.QuickPickItem & { id: CommandFormat })[]): Thenable<CommandFormat | undefined>;
  pickSaveUri(defaultUri: vscode.Uri, filters: Record<string, string[]>): Thenable<vscode.Uri | undefined>;
}

export const vscodeConvertUi: ConvertUi = {
  pickTarget: (items) => vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Convert the layer to which framework?') }).then((p) => p?.id),
  pickFormat: (items) => vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('In which format?') }).then((p) => p?.id),
  pickSaveUri: (defaultUri, filters) => vscode.window.showSaveDialog({ defaultUri, filters, saveLabel: vscode.l10n.t('Save converted weights') }),
};

const TITLES: Record<ConvertTarget, string> = { keras: 'Keras', pytorch: 'PyTorch', onnx: 'ONNX', flax: 'Flax' };
const EXTENSION: Record<CommandFormat, string> = { py: 'py', npz: 'npz', safetensors: 'safetensors', onnx: 'onnx', port: 'port.py' };

/** The arguments' own `to` and `format`, checked: a command link or another extension can pass any JSON. */
function requested(arg: unknown): { to?: ConvertTarget; format?: CommandFormat } | undefined {
  if (arg === undefined || arg === null || arg instanceof vscode.Uri) return {};
  const { to, format } = arg as { to?: unknown; format?: unknown };
  if (to !== undefined && (typeof to !== 'string' || !isConvertTarget(to))) return undefined;
  if (format !== undefined && (typeof format !== 'string' || !(CONVERT_COMMAND_FORMATS as readonly string[]).includes(format))) return undefined;
  return { ...(to ? { to } : {}), ...(format ? { format: format as CommandFormat } : {}) };
}

/** What the target's arrays are for, where the framework name alone does not say which module takes them. */
function targetDetail(id: ConvertTarget): string | undefined {
  return id === 'flax' ? vscode.l10n.t('flax.linen LSTMCell / GRUCell / SimpleCell under nn.RNN (JAX)') : undefined;
}

function targetItems(layer: RecognizedLayer): (vscode.QuickPickItem & { id: ConvertTarget })[] {
  return CONVERT_TARGETS.map((id) => {
    const detail = targetDetail(id);
    return {
      id,
      label: TITLES[id],
      description: id === layer.convention ? vscode.l10n.t('same convention as the file') : '',
      ...(detail ? { detail } : {}),
    };
  });
}

function formatItems(target: ConvertTarget): (vscode.QuickPickItem & { id: CommandFormat })[] {
  const items: (vscode.QuickPickItem & { id: CommandFormat })[] = [
    { id: 'py', label: '.py', description: vscode.l10n.t('np.array literals, opened in an editor') },
    { id: 'npz', label: '.npz', description: vscode.l10n.t('NumPy archive, under the framework’s own names') },
    { id: 'safetensors', label: '.safetensors', description: vscode.l10n.t('safetensors, under the framework’s own names') },
  ];
  if (target === 'onnx') items.push({ id: 'onnx', label: '.onnx', description: vscode.l10n.t('a runnable ONNX model (float32)') });
  items.push({ id: 'port', label: vscode.l10n.t('Port script'), description: vscode.l10n.t('Python that runs both frameworks and asserts equal outputs') });
  return items;
}

function stem(document: vscode.TextDocument): string {
  const base = document.uri.path.split('/').pop() ?? 'weights';
  return base.replace(/\.[^.]*$/, '') || 'weights';
}

async function deliver(result: ExportResult, document: vscode.TextDocument, layer: RecognizedLayer, target: ConvertTarget, format: CommandFormat, ui: ConvertUi): Promise<Pick<ConvertLayerResult, 'savedTo' | 'document'> | undefined> {
  if (result.text !== undefined) {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: result.text });
    await vscode.window.showTextDocument(doc, { preview: false });
    return { document: doc };
  }
  const folder = vscode.Uri.joinPath(document.uri, '..');
  const name = `${stem(document)}.${layer.name.replace(/[^\w.-]+/g, '_')}.${target}.${EXTENSION[format]}`;
  const defaultUri = document.isUntitled ? vscode.Uri.file(name) : vscode.Uri.joinPath(folder, name);
  const uri = await ui.pickSaveUri(defaultUri, { [format]: [EXTENSION[format]] });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, result.bytes);
  return { savedTo: uri.toString() };
}

export async function convertLayerCommand(analyzer: DocumentAnalyzer, arg: unknown, ui: ConvertUi = vscodeConvertUi): Promise<ConvertLayerResult | undefined> {
  const asked = requested(arg);
  if (!argsOf(arg) || !asked) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Gate Lens: this command was given arguments it does not accept.'));
    return undefined;
  }
  const found = await resolveLayerTarget(analyzer, arg);
  if (!found) return undefined;
  const { layer, document } = found;
  if (!layer.complete) {
    void vscode.window.showWarningMessage(layer.layer.incomplete ?? vscode.l10n.t('{0} is incomplete: an array it needs cannot be read.', layer.name));
    return undefined;
  }
  const target = asked.to ?? await ui.pickTarget(targetItems(layer));
  if (!target) return undefined;
  const format = asked.format ?? await ui.pickFormat(formatItems(target));
  if (!format) return undefined;
  let result: ExportResult;
  try {
    result = exportLayers([layer.layer], target, format, { tool: 'Gate Lens', from: `${stem(document)}: ${layer.name} (${layer.convention} ${layer.cell})` });
  } catch (e) {
    if (e instanceof ConversionRefused || e instanceof GateLensError) {
      const message = vscode.l10n.t('Gate Lens cannot convert {0} to {1} exactly: {2}', layer.name, TITLES[target], e.message);
      void vscode.window.showWarningMessage(message);
      return { layerId: layer.id, target, format, notes: [], refused: message };
    }
    throw e;
  }
  const delivered = await deliver(result, document, layer, target, format, ui);
  if (!delivered) return undefined;
  if (delivered.savedTo) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Gate Lens: {0} written as {1} ({2}).', layer.name, TITLES[target], vscode.Uri.parse(delivered.savedTo).path.split('/').pop() ?? ''));
  }
  return { layerId: layer.id, target, format, notes: result.notes, ...delivered };
}
