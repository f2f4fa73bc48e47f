// One analysis (parse + recognition) per document version and convention choice, shared by every provider.
// Large documents go to the worker so the extension host never blocks. An edit does not cancel the analysis in
// flight (a parse cannot be interrupted: cancelling costs the worker, and on a 20 MB file every keystroke would start
// over); it finishes, and the latest version is analysed once after it, when the edits have settled. Meanwhile the
// last complete analysis and the edits made since (EditLog) let a hover answer at once, marked as updating.

import * as vscode from 'vscode';
import type { ConventionId } from '../core/conventions';
import { analyzeText } from '../worker/analysis';
import { WORKER_ERRORS, type Analysis, type AnalyzeOptions, type SourceId } from '../worker/protocol';
import { NOTEBOOK_CELL_SCHEME, NotebookAnalyses, notebookOf } from './notebookAnalyzer';
import { CancelledError, WorkerClient, WorkerError } from './workerClient';
import { trackAnalysis } from './analysisEntry';
import { EditLog } from './editMap';
import * as settings from './settings';

/**
 * Below 32 K characters (a few hundred weights) parsing inline costs less than a millisecond or two — less than the
 * round trip of structured-cloning the result back from the worker — so only larger documents go to the worker.
 */
export const INLINE_PARSE_LIMIT = 32 * 1024;

/** Edits closer together than this are analysed once, after the last one. */
const DEBOUNCE_MS = 250;

const OVERRIDES_KEY = 'gateLens.conventionOverrides';

/** A number per document object, so the worker never mistakes a reopened URI for the document it analysed before. */
const documentInstances = new WeakMap<vscode.TextDocument, number>();
let nextDocumentInstance = 1;
function documentInstance(document: vscode.TextDocument): number {
  let instance = documentInstances.get(document);
  if (instance === undefined) documentInstances.set(document, (instance = nextDocumentInstance++));
  return instance;
}

interface Entry {
  /**
   * The document object the analysis was made from. A closed untitled document's URI and version come back with the
   * next new untitled document (`Untitled-1`, version 1), and its close event may arrive after the new one is opened:
   * URI + version alone would hand the new document the old one's layers.
   */
  readonly document: vscode.TextDocument;
  readonly version: number;
  readonly optionsKey: string;
  readonly options: AnalyzeOptions;
  /** What the worker keeps this analysis under (the worker has it only if it made it, or was sent it for a run). */
  readonly source: SourceId;
  readonly promise: Promise<Analysis | undefined>;
  readonly cancel: vscode.CancellationTokenSource;
  value?: Analysis;
  settled: boolean;
  /** The edits made since this entry read the document's text (set when its analysis starts). */
  edits?: EditLog;
}

/** A finished analysis of an older version, and the edits made since: what a hover can answer from meanwhile. */
export interface StaleAnalysis {
  readonly analysis: Analysis;
  readonly version: number;
  readonly edits: EditLog;
}

interface Complete extends StaleAnalysis {
  readonly document: vscode.TextDocument;
  readonly optionsKey: string;
}

/** A document's analysis as the worker knows it: its id there, and how to send it again (a fresh worker holds nothing). */
export interface WorkerSource {
  readonly id: SourceId;
  load(token?: vscode.CancellationToken): Promise<unknown>;
}

export interface AnalysisEvent {
  readonly document: vscode.TextDocument;
  readonly analysis: Analysis | undefined;
}

export class DocumentAnalyzer implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Per URI, the entry whose analysis is running (it may no longer be the current one in `entries`). */
  private readonly running = new Map<string, { readonly entry: Entry; readonly done: Promise<void> }>();
  private readonly complete = new Map<string, Complete>();
  private readonly lastEditAt = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly tooLargeNotified = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<AnalysisEvent>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fired after a (debounced) re-analysis of an open document. */
  readonly onDidAnalyze = this.emitter.event;
  /** Test hook: send every document to the worker regardless of size. */
  forceWorker = false;
  /** How many analyses actually ran (cache misses), for the tests of the one-parse-per-version cache. */
  analysesRun = 0;
  /**
   * Test hook: when set, an analysis that has read the document's text waits for this before it parses, so a test
   * can hold one in flight while it edits (parse time alone is too short on a quiet machine to rely on).
   */
  holdAnalyses: Promise<void> | undefined;
  /** Analyses cancelled while running (only a change of options or document does that), for the tests. */
  analysesCancelled = 0;
  /** Notebooks, each analysed as one document; their cells get views of it (notebookAnalyzer.ts). */
  readonly notebooks: NotebookAnalyses;

  constructor(
    private readonly state: vscode.Memento,
    private readonly worker: WorkerClient | undefined,
    private readonly logger?: vscode.LogOutputChannel,
  ) {
    this.notebooks = new NotebookAnalyses(
      (uri, text, source, options, token) => this.computeText(uri, text, source, options, token),
      (notebook) => {
        const options = this.options(notebook.uri, notebook.uri);
        return { options, key: JSON.stringify([options, settings.maxFileSizeBytes(notebook.uri)]) };
      },
    );
    this.disposables.push(
      this.notebooks,
      this.emitter,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!settings.isSupported(e.document) || e.contentChanges.length === 0) return;
        this.recordEdits(e);
        this.schedule(e.document);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => settings.isSupported(d) && this.schedule(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.cellChanges.some((c) => c.outputs !== undefined)) this.notebooks.outputsChanged(e.notebook);
        this.scheduleNotebook(e.notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        this.notebooks.forget(nb);
        this.worker?.forget(nb.uri.toString());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gateLens')) this.refreshAll();
      }),
    );
  }

  conventionFor(uri: vscode.Uri): ConventionId | undefined {
    return this.state.get<Record<string, ConventionId>>(OVERRIDES_KEY, {})[uri.toString()];
  }

  /** Stores (or clears, with undefined) the user's convention for this document and re-analyses it. */
  async setConvention(document: vscode.TextDocument, convention: ConventionId | undefined): Promise<Analysis | undefined> {
    const all = { ...this.state.get<Record<string, ConventionId>>(OVERRIDES_KEY, {}) };
    // A notebook cell's choice is its notebook's: the cells are read as one document.
    const key = (notebookOf(document)?.uri ?? document.uri).toString();
    if (convention) all[key] = convention;
    else delete all[key];
    await this.state.update(OVERRIDES_KEY, all);
    const analysis = await this.get(document);
    this.emitter.fire({ document, analysis });
    return analysis;
  }

  private options(uri: vscode.Uri, scope: vscode.ConfigurationScope, languageId?: string): AnalyzeOptions {
    return {
      conventionOverride: this.conventionFor(uri),
      defaultConvention: settings.defaultConvention(scope),
      kerasVersion: settings.kerasVersion(scope),
      ...(languageId !== undefined ? { languageId } : {}),
    };
  }

  /** The analysis of this exact version, if it has finished (providers that must answer synchronously use it). */
  peek(document: vscode.TextDocument): Analysis | undefined {
    const notebook = notebookOf(document);
    if (notebook) return this.notebooks.peekCell(notebook, document);
    const entry = this.entries.get(document.uri.toString());
    return entry && entry.document === document && entry.version === document.version && entry.settled ? entry.value : undefined;
  }

  private optionsKey(document: vscode.TextDocument, options: AnalyzeOptions): string {
    // The size limit is part of the key: changing it must re-decide documents already analysed (or skipped).
    return JSON.stringify([options, settings.maxFileSizeBytes(document)]);
  }

  /**
   * The analysis of the document's current version: cached, or computed once however many providers ask. While an
   * analysis of an earlier version of the same document runs, this one waits for it and for the edits to settle
   * (a version overtaken meanwhile is answered with the newer one's analysis).
   */
  get(document: vscode.TextDocument): Promise<Analysis | undefined> {
    const notebook = notebookOf(document);
    if (notebook) return this.notebooks.cell(notebook, document);
    const key = document.uri.toString();
    const options = this.options(document.uri, document, document.languageId);
    const optionsKey = this.optionsKey(document, options);
    const existing = this.entries.get(key);
    if (existing && existing.document === document && existing.version === document.version && existing.optionsKey === optionsKey) return existing.promise;
    // Another document under this URI, or other options: what is queued or running is of no use any more.
    if (existing && (existing.document !== document || existing.optionsKey !== optionsKey)) existing.cancel.cancel();
    const running = this.running.get(key);
    const behind = running && running.entry.document === document && running.entry.optionsKey === optionsKey ? running : undefined;
    if (running && !behind) running.entry.cancel.cancel();
    const cancel = new vscode.CancellationTokenSource();
    const source: SourceId = { uri: key, revision: `${documentInstance(document)}:${document.version}:${optionsKey}` };
    const entry: Entry = { document, version: document.version, optionsKey, options, source, cancel, settled: false, promise: Promise.resolve(undefined) };
    const start = behind ? behind.done.then(() => this.editsSettled(key, cancel.token)).then(() => this.startOrDefer(entry)) : this.start(entry);
    const promise = trackAnalysis(this.entries, key, entry, start);
    this.entries.set(key, entry);
    return promise;
  }

  /** A queued entry's turn: analyse if it is still the document's current version, else hand over to the newer one. */
  private startOrDefer(entry: Entry): Promise<Analysis | undefined> {
    if (entry.cancel.token.isCancellationRequested) return Promise.reject(new CancelledError());
    const { document } = entry;
    if (this.entries.get(entry.source.uri) === entry && document.version === entry.version) return this.start(entry);
    return document.isClosed ? Promise.resolve(undefined) : this.get(document);
  }

  private start(entry: Entry): Promise<Analysis | undefined> {
    const key = entry.source.uri;
    entry.edits = new EditLog();
    let finished!: () => void;
    const running = { entry, done: new Promise<void>((resolve) => (finished = resolve)) };
    this.running.set(key, running);
    return this.compute(entry.document, entry.source, entry.options, entry.cancel.token).then(
      (analysis) => {
        this.finishRunning(running, finished);
        const previous = this.complete.get(key);
        if (analysis && entry.edits && !(previous && previous.document === entry.document && previous.optionsKey === entry.optionsKey && previous.version > entry.version)) {
          this.complete.set(key, { document: entry.document, optionsKey: entry.optionsKey, version: entry.version, analysis, edits: entry.edits });
        }
        return analysis;
      },
      (error: unknown) => {
        if (error instanceof CancelledError) this.analysesCancelled++;
        this.finishRunning(running, finished);
        throw error;
      },
    );
  }

  private finishRunning(running: { readonly entry: Entry }, finished: () => void): void {
    const key = running.entry.source.uri;
    if (this.running.get(key) === running) this.running.delete(key);
    finished();
  }

  /** Resolves once no edit of the document came for DEBOUNCE_MS: a queued re-analysis then runs once, not per keystroke. */
  private async editsSettled(key: string, token: vscode.CancellationToken): Promise<void> {
    for (;;) {
      if (token.isCancellationRequested) throw new CancelledError();
      const quietFor = Date.now() - (this.lastEditAt.get(key) ?? 0);
      if (quietFor >= DEBOUNCE_MS) return;
      await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS - quietFor));
    }
  }

  /**
   * The last complete analysis of an earlier version of this document with the current options, while the
   * current version's is not ready; undefined when there is none or too many edits were made since to map them.
   */
  staleAnalysis(document: vscode.TextDocument): StaleAnalysis | undefined {
    if (this.peek(document)) return undefined;
    const key = document.uri.toString();
    const complete = this.complete.get(key);
    if (!complete || complete.document !== document || !complete.edits.usable) return undefined;
    if (complete.optionsKey !== this.optionsKey(document, this.options(document.uri, document, document.languageId))) return undefined;
    return complete;
  }

  private recordEdits(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    this.lastEditAt.set(key, Date.now());
    const logs = new Set<EditLog>();
    const running = this.running.get(key)?.entry;
    if (running?.document === event.document && running.edits) logs.add(running.edits);
    const complete = this.complete.get(key);
    if (complete?.document === event.document) logs.add(complete.edits);
    for (const log of logs) {
      for (const change of event.contentChanges) log.push({ offset: change.rangeOffset, length: change.rangeLength, insertedLength: change.text.length });
    }
  }

  /**
   * The worker's handle on `analysis` of this document (what runs name instead of sending the layer), or undefined
   * when there is no worker or the analysis is not the document's current one.
   */
  workerSource(document: vscode.TextDocument, analysis: Analysis): WorkerSource | undefined {
    const worker = this.worker;
    const notebook = notebookOf(document);
    if (notebook) return worker && this.notebooks.workerSource(notebook, analysis, (source, text, options, token) => worker.analyze(source, text, options, token));
    const entry = this.entries.get(document.uri.toString());
    if (!worker || !entry || entry.document !== document || entry.value !== analysis) return undefined;
    return {
      id: entry.source,
      load: (token) => {
        // Text of another version would be kept under this revision's name: refuse, the caller re-analyses.
        if (document.version !== entry.version || document.isClosed) return Promise.reject(new CancelledError('The document changed during the run.'));
        return worker.analyze(entry.source, document.getText(), entry.options, token);
      },
    };
  }

  private compute(document: vscode.TextDocument, source: SourceId, options: AnalyzeOptions, token: vscode.CancellationToken): Promise<Analysis | undefined> {
    return this.computeText(document.uri, document.getText(), source, options, token);
  }

  private async computeText(uri: vscode.Uri, text: string, source: SourceId, options: AnalyzeOptions, token: vscode.CancellationToken): Promise<Analysis | undefined> {
    // Characters, not bytes: reading the length is free, and UTF-8 never has fewer bytes than UTF-16 code units
    // for the ASCII text weights are written in.
    if (text.length > settings.maxFileSizeBytes(uri)) {
      this.notifyTooLarge(uri, text.length);
      return undefined;
    }
    this.analysesRun++;
    if (this.holdAnalyses) await this.holdAnalyses;
    if (token.isCancellationRequested) throw new CancelledError();
    if (this.worker && (this.forceWorker || text.length > INLINE_PARSE_LIMIT)) {
      try {
        return await this.worker.analyze(source, text, options, token);
      } catch (error) {
        if (error instanceof CancelledError) throw error;
        // A host without workers (some web hosts) still gets an answer, just on this thread.
        if (!(error instanceof WorkerError && error.code === WORKER_ERRORS.unavailable)) throw error;
      }
    }
    return analyzeText(text, options);
  }

  private notifyTooLarge(uri: vscode.Uri, length: number): void {
    const key = uri.toString();
    if (this.tooLargeNotified.has(key)) return;
    this.tooLargeNotified.add(key);
    const mb = (length / (1024 * 1024)).toFixed(1);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Gate Lens skipped {0} ({1} MB): it is larger than gateLens.maxFileSizeMB.', vscode.workspace.asRelativePath(uri), mb),
    );
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.uri.scheme === NOTEBOOK_CELL_SCHEME) {
      // A cell is re-read with its notebook (which may not be known yet while the notebook opens: its open event follows).
      const notebook = notebookOf(document);
      if (notebook) this.scheduleNotebook(notebook);
      return;
    }
    this.afterEditsSettle(document.uri.toString(), () => {
      this.get(document).then(
        (analysis) => {
          // Only the newest version is worth announcing; an older one was overtaken by a later edit.
          if (this.peek(document) === analysis) this.emitter.fire({ document, analysis });
        },
        (error: unknown) => this.logger?.error(`analysing ${document.uri.toString(true)}:`, error instanceof Error ? error : String(error)),
      );
    });
  }

  /** Re-analyses a notebook after its edits settle, and announces every code cell's new view. */
  private scheduleNotebook(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    this.afterEditsSettle(key, () => {
      if (notebook.isClosed) return;
      this.notebooks.get(notebook).then(
        () => {
          for (const cell of notebook.getCells()) {
            if (!settings.isSupported(cell.document)) continue;
            const view = this.notebooks.peekCell(notebook, cell.document);
            if (view) this.emitter.fire({ document: cell.document, analysis: view });
          }
        },
        (error: unknown) => this.logger?.error(`analysing ${key}:`, error instanceof Error ? error : String(error)),
      );
    });
  }

  /** Runs `work` once the source under `key` has had no edit for DEBOUNCE_MS; a newer edit restarts the wait. */
  private afterEditsSettle(key: string, work: () => void): void {
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      work();
    }, DEBOUNCE_MS));
  }

  private refreshAll(): void {
    for (const notebook of vscode.workspace.notebookDocuments) this.scheduleNotebook(notebook);
    for (const document of vscode.workspace.textDocuments) if (settings.isSupported(document)) this.schedule(document);
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    // A late close of an earlier document under the same URI must not drop the open one's analysis.
    if (entry && entry.document !== document) return;
    entry?.cancel.cancel();
    this.entries.delete(key);
    const running = this.running.get(key);
    if (running?.entry.document === document) running.entry.cancel.cancel();
    if (this.complete.get(key)?.document === document) this.complete.delete(key);
    this.lastEditAt.delete(key);
    this.worker?.forget(key);
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const entry of this.entries.values()) entry.cancel.cancel();
    for (const { entry } of this.running.values()) entry.cancel.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
