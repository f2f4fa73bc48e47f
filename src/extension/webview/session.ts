// One live Gate Lens webview (the editor panel or the side-bar view): waits for the webview's `ready`, sends the
// localized strings, the document's layers and traces, and serves the webview's requests (run, cancel, copy …).

import * as vscode from 'vscode';
import type { ConventionId } from '../../core/conventions';
import { ChannelError, serveRequests, toErrorBody, type Envelope } from '../../protocol/channel';
import { isWebviewEnvelope, isWebviewToHost, PROTOCOL_VERSION, type BootMessage, type HostToWebview, type InputCandidate, type LayerSummary, type RunRequest, type WebviewMethods, type WebviewToHost } from '../../protocol/messages';
import { GateLensError } from '../../core/model';
import { WORKER_ERRORS } from '../../worker/protocol';
import { defaultInput, inputCandidates } from '../../worker/inputs';
import type { Analysis } from '../../worker/protocol';
import type { DocumentAnalyzer } from '../analyzer';
import { textSource, type AnalysisSource } from '../sources';
import type { Evidence, RecognizedLayer } from '../../core/recognize/types';
import { errorText, recognitionText } from '../labels';
import { precisionNote } from '../precision';
import { layerById, weightIndices } from '../locate';
import { revealRange } from '../reveal';
import { newRunId, runWithProgress, type RunOutcome } from '../runner';
import { CancelledError, type WorkerClient } from '../workerClient';
import { webviewHtml, webviewOptions } from './html';
import { webviewStrings } from './strings';

export type SessionKind = 'panel' | 'view';

export interface SessionServices {
  readonly extensionUri: vscode.Uri;
  readonly analyzer: DocumentAnalyzer;
  readonly worker: WorkerClient | undefined;
  /** Every message in both directions, for the extension-host tests. */
  readonly log: (kind: SessionKind, direction: 'sent' | 'received', message: HostToWebview | WebviewToHost | Envelope) => void;
  /** The "Gate Lens" log: failures nobody awaits. */
  readonly logger?: vscode.LogOutputChannel;
  /** The model-file source for a URI the Gate Lens Model editor reads (a restored panel), else undefined. */
  readonly modelSource?: (uri: vscode.Uri) => AnalysisSource | undefined;
}

/** `ready` of a webview closed before it said ready: a cancellation, not a failure (the user closed it). */
export class WebviewClosedError extends CancelledError {
  constructor() {
    super('The Gate Lens view was closed before it was ready.');
    this.name = 'WebviewClosedError';
  }
}

export function layerSummaries(analysis: Analysis): LayerSummary[] {
  return analysis.recognition.layers.map((l) => ({
    id: l.id,
    name: l.name,
    cell: l.cell,
    convention: l.convention,
    units: l.units,
    inputSize: l.inputSize,
    directions: l.directions,
    gates: l.gates,
    evidence: l.evidence.map((e) => ({ ...e, message: recognitionText(e) })),
    // The panel lists these beside the layer: rounded prints belong there too, since every run on them is off by that.
    warnings: [...l.warnings, ...precisionEvidence(l)].map((w) => ({ ...w, message: recognitionText(w) })),
  }));
}

function precisionEvidence(layer: RecognizedLayer): Evidence[] {
  const note = precisionNote(layer);
  return note ? [{ code: 'printed-precision', ...note }] : [];
}

function inputList(analysis: Analysis): InputCandidate[] {
  const weights = weightIndices(analysis);
  const seen = new Map<number, InputCandidate>();
  for (const layer of analysis.recognition.layers) {
    for (const a of inputCandidates(analysis.parse.arrays, layer, weights)) {
      seen.set(a.index, { arrayIndex: a.index, name: a.name ?? `#${a.index}`, shape: a.shape });
    }
  }
  return [...seen.values()];
}

function lastFileName(uri: vscode.Uri): string {
  const path = uri.path;
  return path.slice(path.lastIndexOf('/') + 1) || uri.toString();
}

/** A run started before its webview is ready (see WebviewSession.run). */
export interface EarlyRun {
  readonly source: AnalysisSource;
  /**
   * Settles when the document has been handed to the webview (written into its page, or posted); nothing about the
   * run is posted before. Messages posted before the page has loaded wait in VS Code and arrive in order once it has.
   */
  readonly deliverAfter: Promise<unknown>;
}

/** What a page shows from its first frame (WebviewSession.render). */
export interface ShownSource {
  readonly source: AnalysisSource;
  readonly analysis: Analysis;
  readonly selectedLayerId?: string;
}

export class WebviewSession implements vscode.Disposable {
  private readyResolve!: () => void;
  private readyReject!: (error: Error) => void;
  /** Resolves when the webview has said `ready` (and has been sent `init`); rejects (WebviewClosedError) if it closes first. */
  readonly ready = new Promise<void>((resolve, reject) => {
    this.readyResolve = resolve;
    this.readyReject = reject;
  });
  private isReady = false;
  /** The page's HTML carries `init`: its first `ready` needs no answer. */
  private booted = false;
  /** The webview has said `ready` at least once (a panel restored in the background has not, until it is shown). */
  get hasBeenReady(): boolean {
    return this.isReady;
  }
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly runs = new Map<number, vscode.CancellationTokenSource>();
  /** Answers the webview's requests (run, cancelRun) over the typed channel. */
  private readonly serve = serveRequests<WebviewMethods>(
    (message) => {
      this.services.log(this.kind, 'sent', message);
      void this.webview.postMessage(message);
    },
    {
      run: async (request) => {
        try {
          const outcome = await this.run(request, newRunId(), undefined, false);
          return outcome ? { runId: outcome.runId } : null;
        } catch (error) {
          // The panel shows the answer's message: the core's refusal in the display language, its code kept.
          throw new ChannelError(toErrorBody(error).code, errorText(error));
        }
      },
      cancelRun: ({ runId }) => {
        this.runs.get(runId)?.cancel();
      },
    },
  );
  private newestRunId = 0;
  /** What the view shows: a text document or a model file (sources.ts). */
  source: AnalysisSource | undefined;
  /** The text document shown, when the source is one. */
  get document(): vscode.TextDocument | undefined {
    return this.source?.document;
  }
  selectedLayerId: string | undefined;
  /** The convention the webview currently names columns by (what-if); the stored one stays the document's. */
  viewedConvention: ConventionId | undefined;
  lastRun: RunOutcome | undefined;
  /** The request behind lastRun: sent with its traces, so the webview's run form shows (and repeats) that input. */
  lastRequest: RunRequest | undefined;

  constructor(
    readonly kind: SessionKind,
    readonly webview: vscode.Webview,
    private readonly services: SessionServices,
  ) {
    webview.options = webviewOptions(services.extensionUri);
    // Whoever awaits `ready` gets the rejection; this handler only keeps an unawaited one from being reported as
    // unhandled, and notes it.
    this.ready.catch((error: unknown) => services.logger?.trace(`${kind}: ${error instanceof Error ? error.message : String(error)}`));
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  /**
   * Writes the page, with the strings (and `shown`'s document) in it, so its first frame is in the display language
   * and shows the document without waiting for `ready` and an answer.
   */
  async render(shown?: ShownSource): Promise<void> {
    const boot: BootMessage[] = [this.initMessage()];
    if (shown) boot.push(this.documentMessage(shown.source, shown.analysis, shown.selectedLayerId));
    const html = await webviewHtml(this.webview, this.services.extensionUri, this.kind, 'main', boot);
    // Closed while the page was being prepared: the same answer as closing before `ready`.
    if (this.disposed) throw new WebviewClosedError();
    for (const message of boot) this.services.log(this.kind, 'sent', message);
    this.webview.html = html;
    this.booted = true;
  }

  private initMessage(): Extract<BootMessage, { type: 'init' }> {
    return { type: 'init', protocol: PROTOCOL_VERSION, locale: vscode.env.language, strings: webviewStrings() };
  }

  /** The document message for `source`; from here on the session shows it. */
  private documentMessage(source: AnalysisSource, analysis: Analysis, selectedLayerId?: string): Extract<BootMessage, { type: 'document' }> {
    this.source = source;
    if (selectedLayerId) this.selectedLayerId = selectedLayerId;
    if (this.selectedLayerId && !layerById(analysis, this.selectedLayerId)) this.selectedLayerId = analysis.recognition.layers[0]?.id;
    return { type: 'document', uri: source.uri.toString(), fileName: lastFileName(source.uri), version: source.version, layers: layerSummaries(analysis), selectedLayerId: this.selectedLayerId, inputs: inputList(analysis) };
  }

  private async post(message: HostToWebview): Promise<boolean> {
    // Closed (mid-run, say): what was on its way is dropped, and the run ends as a cancel, not as an error.
    if (this.disposed) throw new WebviewClosedError();
    this.services.log(this.kind, 'sent', message);
    return this.webview.postMessage(message);
  }

  /** Progress is not awaited (it must not hold the trace back); a view closed meanwhile ends the run as a cancel elsewhere. */
  private postProgress(message: HostToWebview): void {
    this.post(message).catch((error: unknown) => this.services.logger?.trace(`${this.kind}: progress not delivered: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Shows a document's layers; the webview keeps its own step and layer choice when the layer still exists. */
  showDocument(document: vscode.TextDocument, analysis: Analysis, selectedLayerId?: string): Promise<void> {
    return this.showSource(textSource(this.services.analyzer, document), analysis, selectedLayerId);
  }

  /** showDocument for any source: a text document or a model file. */
  async showSource(source: AnalysisSource, analysis: Analysis, selectedLayerId?: string): Promise<void> {
    const message = this.documentMessage(source, analysis, selectedLayerId);
    await this.ready;
    await this.post(message);
  }

  /**
   * showSource on a webview that is ready, posting at once: resolves when the message is on its way (messages keep
   * their order, so what is posted next arrives after it), with `delivered` settling once VS Code has handed it over.
   */
  postSource(source: AnalysisSource, analysis: Analysis, selectedLayerId?: string): { delivered: Promise<boolean> } {
    return { delivered: this.post(this.documentMessage(source, analysis, selectedLayerId)) };
  }

  /**
   * Runs a request for the current document and posts the trace; resolves with the outcome (or undefined if cancelled).
   * With `early`, the run starts at once on `early.source` while VS Code is still creating the webview: the worker
   * computes in parallel, and every message waits for `early.deliverAfter` (the document handed over), not for
   * `ready`: VS Code holds messages for a page that is still loading and delivers them, in order, once it has.
   */
  async run(request: RunRequest, runId = newRunId(), early?: EarlyRun, postErrors = true): Promise<RunOutcome | undefined> {
    const source = early?.source ?? this.source;
    const delivery = early ? early.deliverAfter : Promise.resolve();
    // Awaited only after the analysis below: a view closed meanwhile must not count as an unhandled rejection.
    delivery.catch(() => undefined);
    this.newestRunId = Math.max(this.newestRunId, runId);
    if (!source) {
      const message = vscode.l10n.t('Open a document with recurrent weights first.');
      if (!postErrors) throw new GateLensError('no-document', message);
      await delivery;
      await this.post({ type: 'error', runId, code: 'no-document', message });
      return undefined;
    }
    const analysis = await source.analysis();
    const layer = analysis && layerById(analysis, request.layerId);
    if (!analysis || !layer) {
      const message = vscode.l10n.t('Layer {0} is no longer in {1}.', request.layerId, lastFileName(source.uri));
      if (!postErrors) throw new GateLensError(WORKER_ERRORS.layerMissing, message);
      await delivery;
      await this.post({ type: 'error', runId, code: WORKER_ERRORS.layerMissing, message });
      return undefined;
    }
    this.selectedLayerId = layer.id;
    const cancel = new vscode.CancellationTokenSource();
    this.runs.set(runId, cancel);
    const progressMessage = (id: number, fraction: number): HostToWebview => ({ type: 'progress', runId: id, message: vscode.l10n.t('Running {0}…', layer.name), fraction });
    // Progress the worker reports before the webview can receive it is held back; only the latest fraction matters.
    let delivering = false;
    let heldFraction: number | undefined;
    let finished = false;
    try {
      const ctx = {
        worker: this.services.worker,
        source: source.workerSource(analysis),
        onProgress: (id: number, fraction: number) => {
          if (delivering) void this.post(progressMessage(id, fraction));
          else heldFraction = fraction;
        },
      };
      let running: Promise<RunOutcome> | undefined;
      if (early) {
        running = runWithProgress(ctx, analysis, layer, request, runId, cancel.token);
        // Settled below after the handshake; until then a rejection (cancel, error) must not count as unhandled.
        running.then(() => (finished = true), () => undefined);
        await delivery;
      } else await this.ready;
      // Posted without waiting for each to be handed over: they keep their order, and the wait (until the page has
      // loaded, for a new one) would hold the trace back.
      this.postProgress(progressMessage(runId, 0));
      delivering = true;
      // A run that finished during the handshake goes straight to its trace.
      if (heldFraction !== undefined && !finished) this.postProgress(progressMessage(runId, heldFraction));
      running ??= runWithProgress(ctx, analysis, layer, request, runId, cancel.token);
      const outcome = await running;
      // A newer run on this webview (a second Step Through, or Run in the webview) owns the view: an older trace that
      // finishes later must not replace it.
      if (runId < this.newestRunId) return outcome;
      await Promise.all(outcome.traces.map((trace) => this.post({ type: 'trace', trace, request })));
      this.lastRun = outcome;
      this.lastRequest = request;
      return outcome;
    } catch (error) {
      if (error instanceof CancelledError) return undefined;
      // Asked for over the channel: the answer carries the error.
      if (!postErrors) throw error;
      // The core's refusals carry templates: the panel shows them in the display language.
      await this.post({ type: 'error', runId, ...toErrorBody(error), message: errorText(error) });
      throw error;
    } finally {
      this.runs.delete(runId);
      cancel.dispose();
    }
  }

  /** The step-through default for a layer: the file's input when one fits, else seeded random. */
  async runDefault(layerId: string): Promise<RunOutcome | undefined> {
    const analysis = await this.source?.analysis();
    const layer = analysis && layerById(analysis, layerId);
    if (!analysis || !layer) return undefined;
    return this.run({ layerId, input: defaultInput(analysis.parse.arrays, layer, weightIndices(analysis)) });
  }

  /** The newest run of `layerId` of the document at `uri` in this view, with the request that made it. */
  lastRunOf(uri: string, layerId: string): { request: RunRequest; input: RunOutcome['input'] } | undefined {
    if (this.source?.uri.toString() !== uri || this.lastRun?.layer.id !== layerId || !this.lastRequest) return undefined;
    return { request: this.lastRequest, input: this.lastRun.input };
  }

  async setConvention(convention: ConventionId): Promise<void> {
    this.viewedConvention = convention;
    await this.ready;
    await this.post({ type: 'setConvention', convention });
  }

  private async receive(raw: unknown): Promise<void> {
    if (isWebviewEnvelope(raw)) {
      this.services.log(this.kind, 'received', raw);
      this.serve(raw);
      return;
    }
    if (!isWebviewToHost(raw)) return;
    this.services.log(this.kind, 'received', raw);
    const message: WebviewToHost = raw;
    try {
      switch (message.type) {
        case 'ready':
          await this.onReady();
          break;
        case 'selectLayer':
          this.selectedLayerId = message.layerId;
          break;
        case 'conventionChanged':
          this.viewedConvention = message.convention;
          break;
        case 'copy':
          await vscode.env.clipboard.writeText(message.text);
          void vscode.window.setStatusBarMessage(vscode.l10n.t('Gate Lens: copied {0}', message.what), 3000);
          break;
        case 'revealArray':
          await this.reveal(message.arrayIndex);
          break;
        case 'copyForwardPass':
          if (this.document && this.lastRun) await vscode.commands.executeCommand('gateLens.copyNumpy', { uri: this.document.uri.toString(), layerId: this.lastRun.layer.id, input: 'lastRun' });
          else if (this.source?.kind === 'model') void vscode.window.showInformationMessage(vscode.l10n.t('Copy NumPy Forward Pass works on text: use Open as Text on this layer in the Gate Lens Model editor, then copy from there.'));
          break;
        case 'convertLayer': {
          const layerId = this.lastRun?.layer.id ?? this.selectedLayerId;
          if (this.document && layerId) await vscode.commands.executeCommand('gateLens.convertLayer', { uri: this.document.uri.toString(), layerId });
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof CancelledError)) this.services.logger?.error(`${this.kind}: ${message.type}:`, error instanceof Error ? error : String(error));
    }
  }

  private async onReady(): Promise<void> {
    // A reloaded webview says ready again: it has lost everything, so it gets init and the document anew. The first
    // `ready` of a page written with its strings needs nothing.
    if (this.isReady || !this.booted) await this.post(this.initMessage());
    if (!this.isReady) {
      this.isReady = true;
      this.readyResolve();
    } else if (this.source) {
      const analysis = await this.source.analysis();
      if (analysis) await this.showSource(this.source, analysis);
      if (this.lastRun) for (const trace of this.lastRun.traces) await this.post({ type: 'trace', trace, request: this.lastRequest });
    }
  }

  private async reveal(arrayIndex: number): Promise<void> {
    const document = this.document;
    const analysis = document && (await this.services.analyzer.get(document));
    const array = analysis?.parse.arrays[arrayIndex];
    if (!document || !array) return;
    await revealRange(this.services.analyzer, document, analysis, { start: (array.nameRange ?? array.range).start, end: array.range.end }, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  }

  dispose(): void {
    this.disposed = true;
    if (!this.isReady) this.readyReject(new WebviewClosedError());
    for (const run of this.runs.values()) run.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
