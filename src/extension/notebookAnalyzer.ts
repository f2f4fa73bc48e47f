// Notebooks as one source: the cells of a notebook (sources and text outputs) are joined in order, as the CLI joins
// an .ipynb (core/text/notebook.ts), and analysed once per notebook revision, so weights printed by one cell, the
// constructor in another and the slicing code in a third are read together. Each cell document then gets its own
// view of that analysis (core/text/notebook-cell-view.ts), its ranges in the cell's offsets, so hovers, diagnostics
// and labels land in the right cell.

import * as vscode from 'vscode';
import type { SourceRange } from '../core/parse/types';
import { cellView, type CellSpan } from '../core/text/notebook-cell-view';
import type { MessageArg } from '../core/messages';
import { joinNotebookCells, notebookPositionOf, type NotebookCellText, type NotebookDocument as JoinedNotebook } from '../core/text/notebook';
import type { Analysis, AnalyzeOptions, SourceId } from '../worker/protocol';
import { trackAnalysis } from './analysisEntry';
import { CancelledError } from './workerClient';

export const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

/** Output item types whose bytes are text a person reads: results' text/plain, and stdout/stderr streams. */
const STREAM_MIMES: ReadonlySet<string> = new Set(['application/vnd.code.notebook.stdout', 'application/vnd.code.notebook.stderr']);

/** The notebook a cell document belongs to (undefined for any other document). */
export function notebookOf(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (document.uri.scheme !== NOTEBOOK_CELL_SCHEME) return undefined;
  return vscode.workspace.notebookDocuments.find((nb) => !nb.isClosed && nb.getCells().some((c) => c.document === document));
}

/** What an output shows as text, as the .ipynb reader takes it: text/plain of a result, else its streams. */
export function outputText(output: vscode.NotebookCellOutput): string | undefined {
  const plain = output.items.find((i) => i.mime === 'text/plain');
  if (plain) return itemText(plain);
  const streams = output.items.filter((i) => STREAM_MIMES.has(i.mime));
  return streams.length ? streams.map(itemText).join('') : undefined;
}

/** An output item's bytes as text; nothing (not a crash) when another extension left no bytes in it. */
function itemText(item: vscode.NotebookCellOutputItem): string {
  return ArrayBuffer.isView(item.data) ? new TextDecoder().decode(item.data) : '';
}

function cellText(cell: vscode.NotebookCell): NotebookCellText {
  const cellType = cell.kind === vscode.NotebookCellKind.Markup ? 'markdown' : cell.document.languageId === 'raw' ? 'raw' : 'code';
  // The `[n]` VS Code shows beside the cell (the ipynb serializer reads it from execution_count, as the CLI does).
  const executionCount = cell.executionSummary?.executionOrder;
  return { cellType, source: cell.document.getText(), outputs: cell.outputs.map(outputText), ...(executionCount !== undefined ? { executionCount } : {}) };
}

/** The notebook's cells joined as one document (what the CLI reads from the same .ipynb). */
export function joinNotebook(notebook: vscode.NotebookDocument): JoinedNotebook {
  return joinNotebookCells(notebook.getCells().map(cellText));
}

/** Where cell `index`'s source lies in the joined text, with its outputs; an empty cell lies past the end. */
export function cellSpan(joined: JoinedNotebook, index: number): CellSpan & { readonly outputs: readonly CellSpan[] } {
  const source = joined.segments.find((s) => s.cell === index && s.part === 'source');
  const outputs = joined.segments.filter((s) => s.cell === index && s.part === 'output').map((s) => ({ start: s.start, end: s.end }));
  const nowhere = joined.text.length + 2;
  return { ...(source ? { start: source.start, end: source.end } : { start: nowhere, end: nowhere }), outputs };
}

/** One analysis of a notebook, for one revision of its cells and outputs and one choice of options. */
export interface NotebookAnalysis {
  readonly notebook: vscode.NotebookDocument;
  readonly joined: JoinedNotebook;
  readonly analysis: Analysis;
}

interface Entry {
  readonly revision: string;
  readonly joined: JoinedNotebook;
  readonly source: SourceId;
  readonly options: AnalyzeOptions;
  readonly promise: Promise<Analysis | undefined>;
  readonly cancel: vscode.CancellationTokenSource;
  value?: Analysis;
  settled: boolean;
  /** Each cell document's view of `value`, made once. */
  readonly views: WeakMap<vscode.TextDocument, Analysis>;
  /** How messages name a place in this revision of the notebook (made with the first view). */
  positionOf?: (offset: number) => MessageArg;
}

export type ComputeText = (uri: vscode.Uri, text: string, source: SourceId, options: AnalyzeOptions, token: vscode.CancellationToken) => Promise<Analysis | undefined>;

export class NotebookAnalyses {
  private readonly entries = new Map<string, Entry>();
  /** Bumped when a notebook's outputs change: output edits need not change any version the API shows. */
  private readonly outputGenerations = new WeakMap<vscode.NotebookDocument, number>();
  private nextInstance = 1;
  private readonly instances = new WeakMap<vscode.NotebookDocument, number>();

  constructor(
    private readonly compute: ComputeText,
    private readonly optionsFor: (notebook: vscode.NotebookDocument) => { options: AnalyzeOptions; key: string },
  ) {}

  outputsChanged(notebook: vscode.NotebookDocument): void {
    this.outputGenerations.set(notebook, (this.outputGenerations.get(notebook) ?? 0) + 1);
  }

  private revision(notebook: vscode.NotebookDocument, optionsKey: string): string {
    let instance = this.instances.get(notebook);
    if (instance === undefined) this.instances.set(notebook, (instance = this.nextInstance++));
    // The execution order is part of it: messages name cells by the `[n]` they show.
    const cells = notebook.getCells().map((c) => `${c.kind}${c.document.languageId}:${c.document.version}:${c.outputs.length}:${c.executionSummary?.executionOrder ?? ''}`).join(',');
    return `${instance}:${notebook.version}:${this.outputGenerations.get(notebook) ?? 0}:${cells}:${optionsKey}`;
  }

  private entry(notebook: vscode.NotebookDocument): Entry {
    const key = notebook.uri.toString();
    const { options: base, key: optionsKey } = this.optionsFor(notebook);
    const revision = this.revision(notebook, optionsKey);
    const existing = this.entries.get(key);
    if (existing && existing.revision === revision) return existing;
    existing?.cancel.cancel();
    const joined = joinNotebook(notebook);
    const options: AnalyzeOptions = { ...base, languageId: 'python', notebookSegments: joined.segments };
    const cancel = new vscode.CancellationTokenSource();
    const source: SourceId = { uri: key, revision };
    const entry: Entry = { revision, joined, source, options, cancel, settled: false, views: new WeakMap(), promise: Promise.resolve(undefined) };
    trackAnalysis(this.entries, key, entry, this.compute(notebook.uri, joined.text, source, options, cancel.token));
    this.entries.set(key, entry);
    return entry;
  }

  /** The whole notebook's analysis (the Inspect Notebook Outputs command, the status bar). */
  async get(notebook: vscode.NotebookDocument): Promise<NotebookAnalysis | undefined> {
    const entry = this.entry(notebook);
    const analysis = await entry.promise;
    return analysis && { notebook, joined: entry.joined, analysis };
  }

  /** A cell document's view of its notebook's current analysis. */
  async cell(notebook: vscode.NotebookDocument, document: vscode.TextDocument): Promise<Analysis | undefined> {
    const entry = this.entry(notebook);
    await entry.promise;
    return this.viewOf(notebook, entry, document);
  }

  /** The same, only when it has finished (providers that answer synchronously). */
  peekCell(notebook: vscode.NotebookDocument, document: vscode.TextDocument): Analysis | undefined {
    const entry = this.entries.get(notebook.uri.toString());
    if (!entry || !entry.settled || entry.revision !== this.revision(notebook, this.optionsFor(notebook).key)) return undefined;
    return this.viewOf(notebook, entry, document);
  }

  private viewOf(notebook: vscode.NotebookDocument, entry: Entry, document: vscode.TextDocument): Analysis | undefined {
    const value = entry.value;
    if (!value) return undefined;
    let view = entry.views.get(document);
    if (view) return view;
    const index = notebook.getCells().findIndex((c) => c.document === document);
    if (index < 0) return undefined;
    const span = cellSpan(entry.joined, index);
    entry.positionOf ??= notebookPositionOf(entry.joined);
    const projected = cellView(value.parse, value.recognition, span, entry.positionOf);
    view = { parse: projected.parse, recognition: projected.recognition, cell: span };
    entry.views.set(document, view);
    return view;
  }

  /** The worker's handle on a cell view: the notebook's joined text, kept under the notebook's URI and revision. */
  workerSource(notebook: vscode.NotebookDocument, analysis: Analysis, send: (source: SourceId, text: string, options: AnalyzeOptions, token?: vscode.CancellationToken) => Promise<unknown>): { id: SourceId; load(token?: vscode.CancellationToken): Promise<unknown> } | undefined {
    const entry = this.entries.get(notebook.uri.toString());
    if (!entry || !entry.value || !notebook.getCells().some((c) => entry.views.get(c.document) === analysis)) return undefined;
    return {
      id: entry.source,
      load: (token) => {
        if (notebook.isClosed || this.entries.get(notebook.uri.toString()) !== entry) return Promise.reject(new CancelledError('The notebook changed during the run.'));
        return send(entry.source, entry.joined.text, entry.options, token);
      },
    };
  }

  /**
   * Which cell document holds (the start of) `range` of a cell view, and where in it (a layer whose arrays sit in
   * another cell): undefined when the view is not of the notebook's current analysis.
   */
  sourceLocation(notebook: vscode.NotebookDocument, analysis: Analysis, range: SourceRange): { document: vscode.TextDocument; range: SourceRange } | undefined {
    const entry = this.entries.get(notebook.uri.toString());
    const cell = analysis.cell;
    if (!entry || !cell) return undefined;
    const start = range.start + cell.start;
    const end = range.end + cell.start;
    const segment = entry.joined.segments.find((s) => start >= s.start && start <= s.end);
    if (!segment || segment.cell >= notebook.cellCount) return undefined;
    const document = notebook.cellAt(segment.cell).document;
    // In an output (not a text document): the start of the cell the output belongs to.
    if (segment.part === 'output') return { document, range: { start: 0, end: 0 } };
    return { document, range: { start: start - segment.start, end: Math.min(end, segment.end) - segment.start } };
  }

  /** The joined text a cell view of the notebook's current analysis was made from (undefined for any other view). */
  joinedText(notebook: vscode.NotebookDocument, analysis: Analysis): string | undefined {
    const entry = this.entries.get(notebook.uri.toString());
    return entry && notebook.getCells().some((c) => entry.views.get(c.document) === analysis) ? entry.joined.text : undefined;
  }

  forget(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    this.entries.get(key)?.cancel.cancel();
    this.entries.delete(key);
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.cancel.cancel();
  }
}
