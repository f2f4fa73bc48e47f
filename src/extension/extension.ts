// Gate Lens extension entry (Node: dist/extension.js, browser: dist/web/extension.js). activate() wires one
// analyzer (one parse per document version, in a worker for large documents) to the editor features, commands and
// the step-through views, and returns a small API the extension-host tests observe.

import * as vscode from 'vscode';
import { isConventionId } from '../core/conventions';
import type { HostToWebview, InputSource, WebviewToHost } from '../protocol/messages';
import type { Envelope } from '../protocol/channel';
import { DocumentAnalyzer } from './analyzer';
import { COPY_PRINT_OPTIONS_COMMAND, GateCodeActionProvider } from './codeActions';
import { GateCodeLensProvider } from './codeLens';
import { chooseConventionCommand } from './commands/chooseConvention';
import { copyNumpyCommand } from './commands/copyNumpy';
import { convertLayerCommand, type ConvertLayerResult, type ConvertUi } from './commands/convertLayer';
import { inspectCommand } from './commands/inspect';
import { inspectNotebookOutputsCommand, outputsOf } from './commands/inspectNotebookOutputs';
import { openPanelCommand } from './commands/openPanel';
import { runCommand } from './commands/run';
import { stepThroughCommand } from './commands/stepThrough';
import { GateDiagnostics } from './diagnostics';
import { GateHoverProvider } from './hover';
import { GateInlayHintsProvider } from './inlayHints';
import { NOTEBOOK_CELL_SCHEME, notebookOf } from './notebookAnalyzer';
import { INSPECT_NOTEBOOK_OUTPUTS_COMMAND } from './notebookLenses';
import { DOCUMENT_SELECTOR, isSupported } from './settings';
import { GateStatusBar } from './statusBar';
import { GateSymbolProvider } from './symbols';
import type { SessionKind, SessionServices } from './webview/session';
import { StepViews } from './webview/stepViews';
import { CancelledError, WorkerClient } from './workerClient';
import type { ModelHostToWebview, ModelWebviewToHost } from '../protocol/modelMessages';
import { isInputSource } from '../protocol/validate';
import { ModelEditorProvider } from './model/editorProvider';
import { MODEL_FILE_PATTERN } from './model/viewTypes';
import { ModelFiles } from './model/modelFiles';

export interface LoggedMessage {
  /** 'model': a Gate Lens Model editor's webview (its own protocol, modelMessages.ts). */
  readonly kind: SessionKind | 'model';
  readonly direction: 'sent' | 'received';
  readonly message: HostToWebview | WebviewToHost | Envelope | ModelHostToWebview | ModelWebviewToHost;
}

type MessageLogger = (kind: LoggedMessage['kind'], direction: 'sent' | 'received', message: LoggedMessage['message']) => void;

/** What activate() returns: enough for the extension-host tests to observe the webview round trip and the worker. */
export interface GateLensApi {
  readonly analyzer: DocumentAnalyzer;
  readonly worker: WorkerClient | undefined;
  readonly views: StepViews;
  readonly messages: LoggedMessage[];
  readonly onDidLogMessage: vscode.Event<LoggedMessage>;
  readonly diagnostics: vscode.DiagnosticCollection;
  readonly statusBar: vscode.StatusBarItem;
  /** The "Gate Lens" log (Output view): failures of background work. */
  readonly logger: vscode.LogOutputChannel;
  readonly inlayHints: GateInlayHintsProvider;
  readonly codeLenses: GateCodeLensProvider;
  /** Model files read for the Gate Lens Model editor, and the editor itself. */
  readonly modelFiles: ModelFiles;
  readonly modelEditor: ModelEditorProvider;
  /** gateLens.convertLayer with its questions answered by `ui` (the extension-host tests: no dialogs). */
  readonly convertLayer: (arg: unknown, ui: ConvertUi) => Promise<ConvertLayerResult | undefined>;
}

/**
 * How many webview messages the test log keeps whole (each trace message holds its buffers). Older entries stay in
 * place with only their type, so an index a test took (`from = api.messages.length`) keeps pointing where it did.
 */
const MESSAGE_LOG_SIZE = 200;

/**
 * The webview message log the extension-host tests read. Only under test (ExtensionMode.Test): in a user's editor
 * it would keep the last traces' buffers alive for nothing, so there it records nothing.
 */
export function messageLog(mode: vscode.ExtensionMode): { messages: LoggedMessage[]; emitter: vscode.EventEmitter<LoggedMessage>; log: MessageLogger } {
  const messages: LoggedMessage[] = [];
  const emitter = new vscode.EventEmitter<LoggedMessage>();
  if (mode !== vscode.ExtensionMode.Test) return { messages, emitter, log: () => undefined };
  const log: MessageLogger = (kind, direction, message) => {
    const entry = { kind, direction, message };
    messages.push(entry);
    const agedAt = messages.length - 1 - MESSAGE_LOG_SIZE;
    const aged = messages[agedAt];
    if (aged) messages[agedAt] = { ...aged, message: { type: aged.message.type } as LoggedMessage['message'] };
    emitter.fire(entry);
  };
  return { messages, emitter, log };
}

export function activate(context: vscode.ExtensionContext): GateLensApi {
  // Errors nobody awaits (background analyses, editor refreshes) go here instead of vanishing.
  const logger = vscode.window.createOutputChannel('Gate Lens', { log: true });
  const logFailure = (what: string) => (error: unknown) => {
    if (!(error instanceof CancelledError)) logger.error(`${what}:`, error instanceof Error ? error : String(error));
    return undefined;
  };
  const worker = new WorkerClient(vscode.Uri.joinPath(context.extensionUri, 'dist', process.env.GATE_LENS_WEB ? 'web/worker.js' : 'worker.js'));
  const analyzer = new DocumentAnalyzer(context.workspaceState, worker, logger);
  const { messages, emitter: messageEmitter, log } = messageLog(context.extensionMode);
  const modelFiles = new ModelFiles(worker, logger);
  // A step panel restored after a reload on a model file reads the file again through ModelFiles.
  const modelSource = (uri: vscode.Uri) => (MODEL_FILE_PATTERN.test(uri.path) ? modelFiles.source(uri) : undefined);
  const sessionLog: SessionServices['log'] = log;
  const views = new StepViews({ extensionUri: context.extensionUri, analyzer, worker, log: sessionLog, logger, modelSource }, context.workspaceState);
  const editor = new ModelEditorProvider({ extensionUri: context.extensionUri, files: modelFiles, views, log: (direction, message) => log('model', direction, message), logger });
  const diagnostics = new GateDiagnostics();
  const statusBar = new GateStatusBar();
  const inlay = new GateInlayHintsProvider(analyzer);
  const lenses = new GateCodeLensProvider(analyzer);

  const refreshActive = async () => {
    const editor = vscode.window.activeTextEditor;
    const notebook = editor ? notebookOf(editor.document) : vscode.window.activeNotebookEditor?.notebook;
    if (notebook) {
      const found = await analyzer.notebooks.get(notebook).catch(logFailure(`analysing ${notebook.uri.toString(true)}`));
      if (vscode.window.activeTextEditor !== editor) return;
      const cells = found ? [...new Set(outputsOf(found.joined, found.analysis).filter((o) => o.arrays.some((a) => a.layerId !== undefined)).map((o) => o.cellLabel))] : [];
      statusBar.update(found?.analysis, cells);
      void vscode.commands.executeCommand('setContext', 'gateLens.documentHasLayers', (found?.analysis.recognition.layers.length ?? 0) > 0);
      return;
    }
    if (!editor || !isSupported(editor.document)) {
      statusBar.update(undefined);
      void vscode.commands.executeCommand('setContext', 'gateLens.documentHasLayers', false);
      return;
    }
    const analysis = await analyzer.get(editor.document).catch(logFailure(`analysing ${editor.document.uri.toString(true)}`));
    if (vscode.window.activeTextEditor !== editor) return;
    statusBar.update(analysis);
    void vscode.commands.executeCommand('setContext', 'gateLens.documentHasLayers', (analysis?.recognition.layers.length ?? 0) > 0);
  };
  // Documents already open when Gate Lens starts; the analyzer itself picks up every document opened later (and
  // its onDidAnalyze updates the diagnostics), so opening is handled once.
  const analyzeOpen = async (document: vscode.TextDocument) => {
    if (!isSupported(document)) return;
    diagnostics.update(document, await analyzer.get(document).catch(logFailure(`analysing ${document.uri.toString(true)}`)));
  };

  context.subscriptions.push(
    logger,
    worker,
    analyzer,
    views,
    modelFiles,
    editor,
    diagnostics,
    statusBar,
    messageEmitter,
    inlay,
    lenses,
    vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new GateHoverProvider(analyzer)),
    vscode.languages.registerInlayHintsProvider(DOCUMENT_SELECTOR, inlay),
    vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, lenses),
    vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new GateCodeActionProvider(analyzer), GateCodeActionProvider.metadata),
    vscode.languages.registerDocumentSymbolProvider(DOCUMENT_SELECTOR, new GateSymbolProvider(analyzer), { label: 'Gate Lens' }),
    analyzer.onDidAnalyze(({ document, analysis }) => {
      diagnostics.update(document, analysis);
      inlay.refresh();
      lenses.refresh();
      if (vscode.window.activeTextEditor?.document === document || (document.uri.scheme === NOTEBOOK_CELL_SCHEME && vscode.window.activeNotebookEditor?.notebook === notebookOf(document))) void refreshActive();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gateLens.hints.style')) {
        inlay.refresh();
        lenses.refresh();
      }
    }),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    vscode.window.onDidChangeActiveTextEditor(() => void refreshActive()),
    vscode.window.onDidChangeActiveNotebookEditor(() => void refreshActive()),
    vscode.commands.registerCommand('gateLens.inspect', (arg?: unknown) => inspectCommand(analyzer, arg)),
    vscode.commands.registerCommand('gateLens.run', (arg?: unknown) => runCommand(analyzer, views, arg, logger)),
    vscode.commands.registerCommand('gateLens.stepThrough', (arg?: unknown) => stepThroughCommand(analyzer, views, arg, logger)),
    vscode.commands.registerCommand('gateLens.chooseConvention', (arg?: unknown) => chooseConventionCommand(analyzer, views, arg)),
    vscode.commands.registerCommand('gateLens.copyNumpy', (arg?: unknown) => copyNumpyCommand(analyzer, arg, views)),
    vscode.commands.registerCommand('gateLens.convertLayer', (arg?: unknown) => convertLayerCommand(analyzer, arg)),
    vscode.commands.registerCommand('gateLens.openPanel', () => openPanelCommand(analyzer, views)),
    vscode.commands.registerCommand(INSPECT_NOTEBOOK_OUTPUTS_COMMAND, (arg?: unknown) => inspectNotebookOutputsCommand(analyzer, arg)),
    // Internal (not in the palette): the Gate Lens Model editor's buttons, for keybindings and the tests.
    vscode.commands.registerCommand('gateLens.model.stepThrough', (arg?: unknown) => {
      const args = modelLayerArgs(arg);
      return args && editor.stepThrough(args.uri, args.layerId, args.input);
    }),
    vscode.commands.registerCommand('gateLens.model.openAsText', (arg?: unknown) => {
      const args = modelLayerArgs(arg);
      return args && editor.openAsText(args.uri, args.layerId);
    }),
    vscode.commands.registerCommand('gateLens.model.chooseConvention', (arg?: unknown) => {
      const args = modelLayerArgs(arg);
      const convention = (arg as { convention?: unknown } | undefined)?.convention;
      return args && editor.chooseConvention(args.uri, args.layerId, convention === 'auto' || isConventionId(convention) ? convention : undefined);
    }),
    // Internal (not in the palette): run by the truncated-print quick fix.
    vscode.commands.registerCommand(COPY_PRINT_OPTIONS_COMMAND, async (option: unknown) => {
      if (typeof option !== 'string') return undefined;
      await vscode.env.clipboard.writeText(option);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Gate Lens: copied {0}', option), 4000);
      return option;
    }),
  );

  for (const document of vscode.workspace.textDocuments) void analyzeOpen(document);
  void refreshActive();

  return { analyzer, worker, views, messages, onDidLogMessage: messageEmitter.event, diagnostics: diagnostics.collection, statusBar: statusBar.item, logger, inlayHints: inlay, codeLenses: lenses, modelFiles, modelEditor: editor,
    convertLayer: (arg, ui) => convertLayerCommand(analyzer, arg, ui) };
}

/** `{ uri, layerId, input? }` from a command's caller, checked (any extension or link can pass any JSON). */
function modelLayerArgs(arg: unknown): { uri: vscode.Uri; layerId: string; input?: InputSource } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { uri, layerId, input } = arg as { uri?: unknown; layerId?: unknown; input?: unknown };
  if (typeof layerId !== 'string' || (input !== undefined && !isInputSource(input))) return undefined;
  const parsed = uri instanceof vscode.Uri ? uri : typeof uri === 'string' ? vscode.Uri.parse(uri) : undefined;
  return parsed && { uri: parsed, layerId, ...(input !== undefined ? { input } : {}) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
