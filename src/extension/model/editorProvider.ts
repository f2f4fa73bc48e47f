// "Gate Lens Model": a read-only custom editor for model files (.keras, .h5, .pt/.pth/.bin, .safetensors, .onnx,
// .npy/.npz). It reads the file once through ModelFiles (in the worker, the bytes served from the host by range where
// the host can), and shows the layer table, the recurrent layers with gates, evidence and heatmaps. Step Through
// opens the step panel on a layer; Open as Text exports a layer's arrays into an untitled Python editor.

import * as vscode from 'vscode';
import { layerText, type NamedTensorValues } from '../../core/codegen/layerText';
import type { ConventionId } from '../../core/conventions';
import { MODEL_STRINGS } from '../../webview/model/strings';
import { isModelWebviewToHost, MODEL_PROTOCOL_VERSION, type ModelHostToWebview, type ModelWebviewToHost } from '../../protocol/modelMessages';
import type { InputSource, RunRequest } from '../../protocol/messages';
import { defaultInput } from '../../worker/inputs';
import { weightIndices } from '../locate';
import type { RunOutcome } from '../runner';
import type { StepViews } from '../webview/stepViews';
import { webviewHtml, webviewOptions } from '../webview/html';
import { CancelledError } from '../workerClient';
import { errorText } from '../labels';
import { fileNameOf, previewRead, type ModelFiles, type ModelPreviewRead, type ModelRead } from './modelFiles';
import { cellValue, heatmapMessage } from './heatmaps';
import { modelView } from './modelView';
import { MODEL_VIEW_TYPE, MODEL_VIEW_TYPE_OPTIONAL } from './viewTypes';

/** Files at least this large show a (cancellable) progress notification while they are read. */
export const PROGRESS_BYTES = 8 << 20;

export type ModelLog = (direction: 'sent' | 'received', message: ModelHostToWebview | ModelWebviewToHost) => void;

export interface ModelEditorServices {
  readonly extensionUri: vscode.Uri;
  readonly files: ModelFiles;
  readonly views: StepViews;
  readonly log: ModelLog;
  readonly logger?: vscode.LogOutputChannel;
}

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri, private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

function modelStrings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, english] of Object.entries(MODEL_STRINGS)) {
    const args = Array.from({ length: english.match(/\{\d+\}/g)?.length ?? 0 }, (_, i) => `{${i}}`);
    out[key] = vscode.l10n.t(english, ...args);
  }
  return out;
}

/** The file's layer config in one comment line: every key, long values cut (Keras initializer dicts). */
function shortConfig(layerClass: string, config: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(config).map(([k, v]) => {
    const text = JSON.stringify(v) ?? String(v);
    return `${k}=${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
  });
  return `${layerClass}(${parts.join(', ')})`;
}

/** When (Date.now(), ms) each step of the last opening of a file happened, for the model-editor benchmark. */
export type OpenTimings = Partial<Record<'resolved' | 'htmlSet' | 'ready' | 'readStarted' | 'readDone' | 'viewBuilt' | 'modelPosted' | 'rendered' | 'heatmapDrawn', number>>;

/** A read begun when the editor opened: the file's size, and the preview the layer table is drawn from. */
interface Started {
  readonly size: Promise<number | undefined>;
  readonly preview: Promise<ModelPreviewRead>;
}

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument>, vscode.Disposable {
  private readonly open = new Map<string, number>();
  /** Every webview showing a file, to show a new read (after a convention choice) in all of them. */
  private readonly posts = new Map<string, Set<(m: ModelHostToWebview) => Thenable<boolean>>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly openTimings = new Map<string, OpenTimings>();

  constructor(private readonly services: ModelEditorServices) {
    const options = { webviewOptions: { retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: true };
    this.disposables.push(
      vscode.window.registerCustomEditorProvider(MODEL_VIEW_TYPE, this, options),
      vscode.window.registerCustomEditorProvider(MODEL_VIEW_TYPE_OPTIONAL, this, options),
    );
  }

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    const key = uri.toString();
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    return new ModelDocument(uri, () => {
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) return void this.open.set(key, left);
      this.open.delete(key);
      this.services.files.forget(uri);
    });
  }

  /** True while a Gate Lens Model editor has this file open (its read is then shared with the step panel). */
  isOpen(uri: vscode.Uri): boolean {
    return this.open.has(uri.toString());
  }

  /** The steps of the last opening of `uri` (see OpenTimings). */
  timings(uri: vscode.Uri): OpenTimings {
    return { ...this.openTimings.get(uri.toString()) };
  }

  private mark(uri: vscode.Uri, step: keyof OpenTimings): void {
    const key = uri.toString();
    const timings = step === 'resolved' ? {} : this.openTimings.get(key) ?? {};
    timings[step] ??= Date.now();
    this.openTimings.set(key, timings);
  }

  async resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = document.uri;
    this.mark(uri, 'resolved');
    // The read starts now, while VS Code creates the webview (seconds on a busy machine): the first 'ready' finds
    // it under way or done.
    let started: Started | undefined = this.startRead(uri);
    panel.webview.options = webviewOptions(this.services.extensionUri);
    const post = (message: ModelHostToWebview) => {
      this.services.log('sent', message);
      return panel.webview.postMessage(message);
    };
    const subscription = panel.webview.onDidReceiveMessage((raw: unknown) => {
      if (!isModelWebviewToHost(raw)) return;
      this.services.log('received', raw);
      // A webview shown again after being hidden starts afresh and asks again: from then on, the file's current read.
      const first = raw.type === 'ready' ? started : undefined;
      if (raw.type === 'ready') started = undefined;
      void this.receive(uri, raw, post, first).catch((error: unknown) => {
        if (!(error instanceof CancelledError)) this.services.logger?.error(`model editor: ${raw.type}:`, error instanceof Error ? error : String(error));
      });
    });
    const key = uri.toString();
    const posts = this.posts.get(key) ?? new Set();
    posts.add(post);
    this.posts.set(key, posts);
    panel.onDidDispose(() => {
      subscription.dispose();
      posts.delete(post);
      if (!posts.size && this.posts.get(key) === posts) this.posts.delete(key);
    });
    panel.webview.html = await webviewHtml(panel.webview, this.services.extensionUri, 'model', 'model');
    this.mark(uri, 'htmlSet');
  }

  private async receive(uri: vscode.Uri, message: ModelWebviewToHost, post: (m: ModelHostToWebview) => Thenable<boolean>, started?: Started): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.mark(uri, 'ready');
        // Not awaited: messages arrive in order, and waiting for each delivery costs a round trip to the browser.
        post({ type: 'init', protocol: MODEL_PROTOCOL_VERSION, locale: vscode.env.language, strings: modelStrings() }).then(undefined, () => undefined);
        await this.load(uri, post, started ?? { size: this.sizeOf(uri), preview: this.services.files.preview(uri) });
        break;
      case 'stepThrough':
        await this.stepThrough(uri, message.layerId);
        break;
      case 'openAsText':
        await this.openAsText(uri, message.layerId);
        break;
      case 'chooseConvention':
        await this.chooseConvention(uri, message.layerId, message.convention);
        break;
      case 'heatmap':
        await this.heatmap(uri, message, post);
        break;
      case 'cellValue': {
        const value = cellValue(await this.services.files.read(uri), message.layerId, message.matrix, message.row, message.col);
        await post({ type: 'cellValue', layerId: message.layerId, matrix: message.matrix, row: message.row, col: message.col, ...(value ? { value } : {}) });
        break;
      }
      case 'rendered':
        this.mark(uri, 'rendered');
        break;
      case 'heatmapDrawn':
        this.mark(uri, 'heatmapDrawn');
        break;
    }
  }

  /** A heatmap at the size the webview draws it, once the values have come over from the worker. */
  private async heatmap(uri: vscode.Uri, message: Extract<ModelWebviewToHost, { type: 'heatmap' }>, post: (m: ModelHostToWebview) => Thenable<boolean>): Promise<void> {
    const { layerId, matrix } = message;
    try {
      const grid = heatmapMessage(await this.services.files.read(uri), layerId, matrix, message.maxRows, message.maxCols);
      await post({ type: 'heatmap', layerId, matrix, ...(grid ? { grid } : { error: vscode.l10n.t('Gate Lens found no matrix {0} in layer {1}.', matrix, layerId.slice(0, 200)) }) });
    } catch (error) {
      if (error instanceof CancelledError) return;
      await post({ type: 'heatmap', layerId, matrix, error: errorText(error) });
    }
  }

  private sizeOf(uri: vscode.Uri): Promise<number | undefined> {
    return Promise.resolve(vscode.workspace.fs.stat(uri)).then((s) => s.size, () => undefined);
  }

  private startRead(uri: vscode.Uri): Started {
    const size = this.sizeOf(uri);
    const preview = size.then((n) => {
      this.mark(uri, 'readStarted');
      return this.readWithProgress(uri, n ?? 0);
    });
    // Heard by load() when the webview is ready; until then nobody waits on it.
    preview.catch(() => undefined);
    return { size, preview };
  }

  private async load(uri: vscode.Uri, post: (m: ModelHostToWebview) => Thenable<boolean>, started: Started): Promise<void> {
    const fileName = fileNameOf(uri);
    const size = await started.size;
    post({ type: 'loading', fileName, ...(size !== undefined ? { size } : {}) }).then(undefined, () => undefined);
    try {
      const read = await started.preview;
      this.mark(uri, 'readDone');
      const model = modelView(fileName, read, this.services.files.layerConventions(uri));
      this.mark(uri, 'viewBuilt');
      await post({ type: 'model', model });
      this.mark(uri, 'modelPosted');
    } catch (error) {
      const cancelled = error instanceof CancelledError;
      const message = cancelled ? vscode.l10n.t('Reading was cancelled. Reopen the file to read it again.') : errorText(error);
      const code = cancelled ? 'cancelled' : ((error as { code?: unknown }).code as string | undefined) ?? 'unreadable';
      if (!cancelled) this.services.logger?.warn(`${fileName}: ${message}`);
      await post({ type: 'error', fileName, code, message });
    }
  }

  /** The read's preview (the layer table); files this large show a cancellable progress notification until it comes. */
  private readWithProgress(uri: vscode.Uri, size: number): Promise<ModelPreviewRead> {
    if (size < PROGRESS_BYTES || this.services.files.peek(uri)) return this.services.files.preview(uri);
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Gate Lens: reading {0} ({1} MB)', fileNameOf(uri), (size / 2 ** 20).toFixed(1)), cancellable: true },
      (_progress, token) => this.services.files.preview(uri, token),
    ));
  }

  private async layerOf(uri: vscode.Uri, layerId: string): Promise<{ read: ModelRead; layer: ModelRead['result']['analysis']['recognition']['layers'][number] } | undefined> {
    const read = await this.services.files.read(uri);
    const layer = read.result.analysis.recognition.layers.find((l) => l.id === layerId);
    if (!layer) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Gate Lens found no layer {0} in {1}.', layerId.slice(0, 200), fileNameOf(uri)));
      return undefined;
    }
    return { read, layer };
  }

  /** Step Through: the step panel on this layer, run on `input` (default: the file's own input if any, else seeded random). */
  async stepThrough(uri: vscode.Uri, layerId: string, input?: InputSource): Promise<RunOutcome | undefined> {
    const found = await this.layerOf(uri, layerId);
    if (!found) return undefined;
    const analysis = found.read.result.analysis;
    const request: RunRequest = { layerId, input: input ?? defaultInput(analysis.parse.arrays, found.layer, weightIndices(analysis)) };
    const { outcome } = await this.services.views.openPanelAndRunSource(this.services.files.source(uri), request);
    return outcome;
  }

  /**
   * Reads the layer in `convention` ('auto' or undefined: as recognised), or asks which with a quick pick; every
   * editor on the file shows the new reading (gate table, heatmap bands), and Step Through runs it.
   */
  async chooseConvention(uri: vscode.Uri, layerId: string, convention?: ConventionId | 'auto'): Promise<ModelRead | undefined> {
    const found = await this.layerOf(uri, layerId);
    if (!found) return undefined;
    let choice = convention;
    if (!choice) {
      const current = this.services.files.layerConventions(uri)[layerId];
      const items = [
        { label: vscode.l10n.t('Automatic'), description: current ? '' : vscode.l10n.t('current'), detail: vscode.l10n.t('Let Gate Lens decide from names, shapes and bias patterns.'), id: 'auto' as const },
        ...modelView(fileNameOf(uri), previewRead(found.read)).recurrent.find((l) => l.id === layerId)!.conventionChoices.map((c) => ({ label: c.title, description: c.id === current ? vscode.l10n.t('current') : '', id: c.id })),
      ];
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Gate Lens: read layer {0} as which convention?', found.layer.name) });
      if (!picked) return undefined;
      choice = picked.id;
    }
    const read = await this.services.files.chooseConvention(uri, layerId, choice === 'auto' ? undefined : choice);
    const model = modelView(fileNameOf(uri), previewRead(read), this.services.files.layerConventions(uri));
    await Promise.all([...(this.posts.get(uri.toString()) ?? [])].map((post) => post({ type: 'model', model })));
    return read;
  }

  /** Open as Text: the layer's arrays, named and shaped as in the file, in an untitled Python editor. */
  async openAsText(uri: vscode.Uri, layerId: string): Promise<vscode.TextDocument | undefined> {
    const found = await this.layerOf(uri, layerId);
    if (!found) return undefined;
    const { summary, analysis } = found.read.result;
    const names = new Map<number, string>();
    for (const t of summary.tensors) if (t.arrayIndex !== undefined && t.name !== undefined) names.set(t.arrayIndex, t.name);
    const seen = new Set<number>();
    const tensors: NamedTensorValues[] = [];
    for (const role of found.layer.arrays) {
      if (seen.has(role.arrayIndex)) continue;
      seen.add(role.arrayIndex);
      const array = analysis.parse.arrays[role.arrayIndex];
      tensors.push({ name: names.get(role.arrayIndex) ?? array.name ?? role.role, shape: array.shape, dtype: array.dtype ?? 'float64', values: array.values });
    }
    const tensorNames = new Set(tensors.map((t) => t.name));
    const config = summary.layerConfigs.find((c) => c.tensorNames.some((n) => tensorNames.has(n)) || c.name === found.layer.name);
    const header = {
      fileName: fileNameOf(uri), format: summary.format, layerName: found.layer.name,
      ...(config ? { config: shortConfig(config.layerClass, config.config) } : {}),
    };
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: layerText(header, tensors) });
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
