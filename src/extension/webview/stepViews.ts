// The two homes of the step-through webview: an editor-area panel (restored across reloads by a serializer) and a
// side-bar view that follows the active editor and cursor.

import * as vscode from 'vscode';
import type { RunRequest } from '../../protocol/messages';
import type { Analysis } from '../../worker/protocol';
import type { DocumentAnalyzer } from '../analyzer';
import { layerAt, layerById } from '../locate';
import { restorePersisted } from '../../webview/store';
import { newRunId, type RunOutcome } from '../runner';
import { isSupported } from '../settings';
import type { LastRunLookup } from '../commands/copyNumpy';
import { CancelledError } from '../workerClient';
import { preloadBundle, webviewOptions } from './html';
import { WebviewSession, type SessionServices, type ShownSource } from './session';
import { sameSource, textSource, type AnalysisSource } from '../sources';

export const PANEL_VIEW_TYPE = 'gateLens.stepPanel';
export const SIDE_VIEW_ID = 'gateLens.stepView';
const LAST_PANEL_DOCUMENT = 'gateLens.panelDocument';

/** How long the side view waits after the cursor stops before following it. */
const FOLLOW_DELAY_MS = 200;

export class StepViews implements vscode.Disposable, vscode.WebviewViewProvider, vscode.WebviewPanelSerializer, LastRunLookup {
  /** `restored`: handed over by VS Code after a reload rather than created by a command. */
  panel: { readonly panel: vscode.WebviewPanel; readonly session: WebviewSession; readonly restored: boolean } | undefined;
  view: { readonly view: vscode.WebviewView; readonly session: WebviewSession } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private followTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly services: SessionServices,
    private readonly state: vscode.Memento,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(SIDE_VIEW_ID, this),
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this),
      vscode.window.onDidChangeActiveTextEditor(() => this.scheduleFollow()),
      vscode.window.onDidChangeTextEditorSelection((e) => e.textEditor === vscode.window.activeTextEditor && this.scheduleFollow()),
      services.analyzer.onDidAnalyze((e) => void this.onAnalyzed(e.document, e.analysis)),
    );
  }

  private get analyzer(): DocumentAnalyzer {
    return this.services.analyzer;
  }

  private createPanelSession(panel: vscode.WebviewPanel, restored = false): WebviewSession {
    const session = new WebviewSession('panel', panel.webview, this.services);
    this.panel = { panel, session, restored };
    panel.iconPath = vscode.Uri.joinPath(this.services.extensionUri, 'media', 'gate-lens.svg');
    panel.onDidDispose(() => {
      session.dispose();
      if (this.panel?.panel === panel) this.panel = undefined;
    });
    return session;
  }

  /**
   * Creates (or reveals) the editor panel without waiting for its webview; `rendered` settles once its HTML is set.
   * A new panel's page is written with `shown`'s document in it (`embedded`), so it needs no message to show it.
   */
  private panelSession(shown?: ShownSource): { session: WebviewSession; rendered: Promise<void>; embedded: boolean } {
    // A restored panel whose webview never said ready may be a dead one: replace it rather than wait on it.
    if (this.panel && this.panel.restored && !this.panel.session.hasBeenReady) this.panel.panel.dispose();
    if (this.panel) {
      this.panel.panel.reveal(undefined, true);
      return { session: this.panel.session, rendered: Promise.resolve(), embedded: false };
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, vscode.l10n.t('Gate Lens'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.services.extensionUri));
    const session = this.createPanelSession(panel);
    return { session, rendered: session.render(shown), embedded: shown !== undefined };
  }

  /**
   * Shows the panel the document (and layer): `handed` settles once the document is on its way to the webview
   * (written into its page, or posted: what is posted after it arrives after it), `done` once the webview is ready
   * and VS Code has delivered it.
   */
  private showInPanel(session: WebviewSession, rendered: Promise<void>, embedded: boolean, source?: AnalysisSource, layerId?: string, analysis?: Analysis): { handed: Promise<void>; done: Promise<WebviewSession> } {
    // Remembered for the serializer; nothing waits for the storage write but the command's own answer.
    const remembered = source ? Promise.resolve(this.state.update(LAST_PANEL_DOCUMENT, source.uri.toString())) : Promise.resolve();
    let delivered: Promise<unknown> = Promise.resolve();
    const handed = (async () => {
      await rendered;
      if (!source || embedded) return;
      const shown = analysis ?? (await source.analysis());
      await session.ready;
      if (shown) delivered = session.postSource(source, shown, layerId).delivered;
    })();
    const done = (async () => {
      try {
        await handed;
        await delivered;
        await session.ready;
      } finally {
        await remembered;
      }
      return session;
    })();
    // Whoever awaits `done` gets a failure; the early run only waits for `handed`.
    handed.catch(() => undefined);
    return { handed, done };
  }

  /** Opens (or reveals) the editor panel; resolves once its webview is ready (and has the document). */
  async openPanel(document?: vscode.TextDocument, layerId?: string): Promise<WebviewSession> {
    const { session, rendered, embedded } = this.panelSession();
    return this.showInPanel(session, rendered, embedded, document && textSource(this.analyzer, document), layerId).done;
  }

  /**
   * Opens (or reveals) the panel and runs `request` on `document` in it. The run starts in the worker at once, while
   * VS Code creates the webview (most of the time to the first step); a new panel's page is written with the
   * document in it, and the trace is posted as soon as the run ends: VS Code delivers it once the page has loaded,
   * with no `ready` → answer round trip before it.
   */
  async openPanelAndRun(document: vscode.TextDocument, request: RunRequest): Promise<{ session: WebviewSession; outcome: RunOutcome | undefined }> {
    return this.openPanelAndRunSource(textSource(this.analyzer, document), request);
  }

  /** openPanelAndRun for any source (a model file's layer: Step Through in the Gate Lens Model editor). */
  async openPanelAndRunSource(source: AnalysisSource, request: RunRequest): Promise<{ session: WebviewSession; outcome: RunOutcome | undefined }> {
    // Already analysed when a command got here (it found the layer in it): no wait before the panel is created.
    const analysis = await source.analysis();
    const { session, rendered, embedded } = this.panelSession(analysis && { source, analysis, selectedLayerId: request.layerId });
    const { handed, done } = this.showInPanel(session, rendered, embedded, source, request.layerId, analysis);
    const running = session.run(request, newRunId(), { source, deliverAfter: handed });
    const [, outcome] = await Promise.all([done, running]);
    return { session, outcome };
  }

  /**
   * After a reload VS Code hands back the panel with the webview's saved state. It shows the webview only once this
   * promise settles, so nothing here may wait for the webview's `ready` (that wait never ended: the blank panel of
   * issue 8 #12). The document and a re-run of the saved request follow in the background.
   */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, savedState: unknown): Promise<void> {
    const session = this.createPanelSession(panel, true);
    await session.render();
    // Closing the panel (or replacing a restored one that never said ready) ends the restore as a cancel.
    void this.restorePanel(panel, session, savedState).catch((error: unknown) => this.logFailure('restoring the view', error));
  }

  /** Shows the saved document and re-runs the saved request (or the layer's default input); closes the panel when the document is gone. */
  private async restorePanel(panel: vscode.WebviewPanel, session: WebviewSession, savedState: unknown): Promise<void> {
    const saved = restorePersisted(savedState);
    const uri = saved.uri ?? this.state.get<string>(LAST_PANEL_DOCUMENT);
    let source: AnalysisSource | undefined;
    let analysis: Analysis | undefined;
    try {
      if (uri) {
        const parsed = vscode.Uri.parse(uri);
        source = this.services.modelSource?.(parsed) ?? textSource(this.analyzer, await vscode.workspace.openTextDocument(parsed));
        analysis = await source.analysis();
      }
    } catch {
      source = undefined;
    }
    const live = () => this.panel?.panel === panel;
    const layer = analysis && ((saved.layerId ? layerById(analysis, saved.layerId) : undefined) ?? analysis.recognition.layers[0]);
    if (!source || !analysis || !layer) {
      // Nothing to show: an empty panel would only be in the way.
      if (live()) panel.dispose();
      return;
    }
    await session.showSource(source, analysis, layer.id);
    if (!live()) return;
    const request = saved.request?.layerId === layer.id ? saved.request : undefined;
    try {
      if (request) await session.run(request);
      else await session.runDefault(layer.id);
    } catch {
      // The saved input no longer fits (the array was edited away): the layer's default input instead.
      if (request && live()) await session.runDefault(layer.id).catch((error: unknown) => this.logFailure('restored view run', error));
    }
  }

  async resolveWebviewView(view: vscode.WebviewView): Promise<void> {
    const session = new WebviewSession('view', view.webview, this.services);
    this.view = { view, session };
    view.onDidDispose(() => {
      session.dispose();
      if (this.view?.view === view) this.view = undefined;
    });
    view.onDidChangeVisibility(() => view.visible && this.scheduleFollow());
    await session.render();
    this.scheduleFollow();
  }

  /** The newest run of a layer in the panel, else in the side view (for Copy NumPy Forward Pass). */
  lastRunFor(uri: string, layerId: string): ReturnType<LastRunLookup['lastRunFor']> {
    return this.panel?.session.lastRunOf(uri, layerId) ?? this.view?.session.lastRunOf(uri, layerId);
  }

  private scheduleFollow(): void {
    if (!this.view) return;
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.follow(), FOLLOW_DELAY_MS);
  }

  /** Side view: show the active editor's layers and select (and run) the layer under the cursor. */
  private async follow(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const view = this.view;
    if (!view || !view.view.visible || !editor || !isSupported(editor.document)) return;
    const analysis = await this.analyzer.get(editor.document);
    if (!analysis || analysis.recognition.layers.length === 0) return;
    const layer = layerAt(analysis, editor.document.offsetAt(editor.selection.active));
    const session = view.session;
    const changedDocument = session.document?.uri.toString() !== editor.document.uri.toString();
    const changedLayer = layer?.id !== session.selectedLayerId;
    if (!changedDocument && !changedLayer) return;
    await session.showDocument(editor.document, analysis, layer?.id);
    if (layer) await session.runDefault(layer.id).catch((error: unknown) => this.logFailure('side view run', error));
  }

  private async onAnalyzed(document: vscode.TextDocument, analysis: Analysis | undefined): Promise<void> {
    if (!analysis) return;
    if (analysis.recognition.layers.length > 0) preloadBundle(this.services.extensionUri, 'main');
    for (const holder of [this.panel?.session, this.view?.session]) {
      if (holder?.source?.kind === 'text' && sameSource(holder.source, document.uri)) await holder.showDocument(document, analysis).catch((error: unknown) => this.logFailure('showing the new analysis', error));
    }
  }

  private logFailure(what: string, error: unknown): void {
    if (!(error instanceof CancelledError)) this.services.logger?.error(`${what}:`, error instanceof Error ? error : String(error));
  }

  dispose(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    this.panel?.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
