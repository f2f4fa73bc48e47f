// Quick fixes for a slice named after the wrong gate: correct the range to the named gate's block; in a split
// (`i, c, f, o = np.split(…)`), reorder the names in that statement; or rename a lone variable everywhere through
// the language's rename provider.

import * as vscode from 'vscode';
import type { CanonicalGate } from '../core/conventions';
import type { SourceRange } from '../core/parse/types';
import type { GateSlot, SliceAnnotation } from '../core/recognize/types';
import type { DocumentAnalyzer } from './analyzer';
import { sliceAnchor, WRONG_GATE_CODE } from './diagnostics';
import { gateName, recognitionText } from './labels';
import { notebookOf } from './notebookAnalyzer';
import type { ParseDiagnostic } from '../core/parse/types';
import type { OutputDiagnostic } from '../core/text/notebook-cell-view';
import { toRange } from './locate';
import { NUMPY_FULL_PRINT, TORCH_FULL_PRINT } from '../core/recognize/precision';

/** Words people use for each gate in variable names; the first is what a rename writes. */
const GATE_WORDS: Record<CanonicalGate, readonly string[]> = {
  i: ['input', 'in'],
  f: ['forget'],
  c: ['cell', 'candidate', 'cand', 'g', 'j'],
  o: ['output', 'out'],
  z: ['update'],
  r: ['reset'],
  n: ['candidate', 'new', 'cand', 'hh'],
  h: ['hidden'],
};

/**
 * Offsets (within the slice text) of the bound that selects along the packed axis: the last comma-separated
 * part of the last subscript that contains a colon — `z[0, 0:3]` → `0:3`, `z[:, H:2*H]` → `H:2*H`.
 */
export function boundSpan(text: string): { start: number; end: number } | undefined {
  const open = text.lastIndexOf('[');
  const close = text.lastIndexOf(']');
  if (open < 0 || close < open) return undefined;
  let partStart = open + 1;
  let found: { start: number; end: number } | undefined;
  for (let k = open + 1; k <= close; k++) {
    if (k === close || text[k] === ',') {
      const part = text.slice(partStart, k);
      if (part.includes(':')) {
        const lead = part.length - part.trimStart().length;
        found = { start: partStart + lead, end: partStart + part.trimEnd().length };
      }
      partStart = k + 1;
    }
  }
  return found;
}

/** The variable name for `actual` written in the style of `target`, which names the gate `named`. */
export function renamedTarget(target: string, named: CanonicalGate, actual: GateSlot): string {
  const primary = GATE_WORDS[actual.gate][0];
  if (target === named || target.toLowerCase() === named) return actual.label;
  for (const word of [...GATE_WORDS[named]].sort((a, b) => b.length - a.length)) {
    if (word.length < 2) continue;
    const match = new RegExp(`(^|_)(${word})(_|$|\\d)`, 'i').exec(target);
    if (match) {
      const at = match.index + match[1].length;
      const replacement = match[2][0] === match[2][0].toUpperCase() ? primary[0].toUpperCase() + primary.slice(1) : primary;
      return target.slice(0, at) + replacement + target.slice(at + match[2].length);
    }
  }
  // f_t, f1, fg: a leading gate letter followed by a separator or digit.
  if (new RegExp(`^${named}([_\\d]|$)`, 'i').test(target)) return actual.label + target.slice(1);
  return `${primary}_gate`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The command the truncated-print quick fix runs: copies the print option that makes the framework print everything. */
export const COPY_PRINT_OPTIONS_COMMAND = 'gateLens.copyPrintOptions';

/** How far back from the "..." the print that holds it is looked for (a summarised print is short by nature). */
const PRINTER_LOOKBACK = 200_000;

/**
 * Which framework printed the array whose "..." is at `at`: the call of the innermost enclosing bracket that is
 * `tensor(` (PyTorch, also under "Parameter containing:") or `array(` (NumPy), found by walking back over balanced
 * brackets — the "..." of a long print sits many lines below its `tensor(`. Undefined when no such call encloses it.
 */
export function printerAt(text: string, at: number): 'torch' | 'numpy' | undefined {
  let depth = 0;
  const stop = Math.max(0, at - PRINTER_LOOKBACK);
  for (let k = Math.min(at, text.length) - 1; k >= stop; k--) {
    const ch = text[k];
    if (ch === ')' || ch === ']') depth++;
    else if (ch === '(' || ch === '[') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (ch !== '(') continue;
      const call = /(?:^|[^\w.])(?:torch\.)?(tensor|array)\s*$/.exec(text.slice(Math.max(0, k - 40), k));
      if (call) return call[1] === 'tensor' ? 'torch' : 'numpy';
    }
  }
  return undefined;
}

/** What to run before printing so that NumPy or PyTorch writes every value, with every digit, instead of "...". */
export function fullPrintOption(text: string, at: number): string {
  // torch.set_printoptions (torch/_tensor_str.py): profile="full" lifts the "..." but keeps 4 decimals, so precision=17
  // goes with it; np.set_printoptions (numpy/_core/arrayprint.py): threshold lifts the "...", precision=17 every digit.
  // Both calls were checked to print float32 values that read back bit for bit (torch 2.13, NumPy 2).
  const printer = printerAt(text, at) ?? (/\btensor\(|Parameter containing/.test(text.slice(Math.max(0, at - 2000), at + 2000)) ? 'torch' : 'numpy');
  return printer === 'torch' ? TORCH_FULL_PRINT : NUMPY_FULL_PRINT;
}

export class GateCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analyzer: DocumentAnalyzer) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics.filter((d) => d.code === 'truncated-print')) {
      // The values are gone from the text; the fix is upstream: print again with the threshold lifted.
      const printed = await this.printedText(document, diagnostic);
      const option = fullPrintOption(printed.text, printed.at);
      const action = new vscode.CodeAction(vscode.l10n.t('Copy “{0}” to print every value', option), vscode.CodeActionKind.QuickFix);
      action.command = { command: COPY_PRINT_OPTIONS_COMMAND, title: action.title, arguments: [option] };
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
    const relevant = context.diagnostics.filter((d) => d.code === WRONG_GATE_CODE);
    if (relevant.length === 0) return actions;
    const analysis = await this.analyzer.get(document);
    if (!analysis) return actions;
    for (const diagnostic of relevant) {
      const slices = analysis.recognition.slices;
      const slice = slices.find((s) => s.mismatch && toRange(document, sliceAnchor(s, slices)).isEqual(diagnostic.range));
      if (!slice?.mismatch) continue;
      const fixRange = this.fixRange(document, slice, diagnostic);
      if (fixRange) actions.push(fixRange);
      const reorder = this.reorderTargets(document, slice, slices, diagnostic);
      if (reorder) actions.push(reorder);
      const rename = await this.renameEverywhere(document, slice, diagnostic);
      if (rename) actions.push(rename);
    }
    return actions;
  }

  /**
   * The text the summarised print is in and where its "..." is: the document, or — for a diagnostic a notebook cell
   * shows about its output — the notebook's joined text, where the output is.
   */
  private async printedText(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<{ text: string; at: number }> {
    const inDocument = { text: document.getText(), at: document.offsetAt(diagnostic.range.start) };
    const notebook = notebookOf(document);
    if (!notebook) return inDocument;
    const analysis = await this.analyzer.get(document);
    const cell = analysis?.cell;
    const joined = analysis && this.analyzer.notebooks.joinedText(notebook, analysis);
    if (!analysis || !cell || joined === undefined) return inDocument;
    const fromOutput = (analysis.parse.diagnostics as readonly OutputDiagnostic<ParseDiagnostic>[])
      .find((d) => d.code === diagnostic.code && d.fromOutput && recognitionText(d) === diagnostic.message)?.fromOutput;
    return fromOutput ? { text: joined, at: fromOutput.start + cell.start } : inDocument;
  }

  private fixRange(document: vscode.TextDocument, slice: SliceAnnotation, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    const mismatch = slice.mismatch;
    const span = boundSpan(slice.text);
    if (!mismatch || !span) return undefined;
    const replacement = `${mismatch.correctStart}:${mismatch.correctEnd}`;
    const action = new vscode.CodeAction(vscode.l10n.t('Change the slice to {0} ({1})', replacement, slice.target ?? mismatch.namedGate), vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(slice.range.start + span.start), document.positionAt(slice.range.start + span.end)), replacement);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = true;
    return action;
  }

  /**
   * A split or chunk whose variables are listed in the wrong order (`i, c, f, o = np.split(z, 4, axis=1)`): the fix
   * reorders the names in that statement only, so each variable holds the gate it is named after and the code
   * after it (which uses the names) is right. Offered when the wrong names are a permutation of each other.
   */
  private reorderTargets(document: vscode.TextDocument, slice: SliceAnnotation, slices: readonly SliceAnnotation[], diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    const statement = slices.filter((s) => s.range.start === slice.range.start && s.range.end === slice.range.end && s.target && s.targetRange);
    if (statement.length < 2) return undefined;
    const renames = statement
      .filter((s) => s.mismatch && s.gates.length === 1)
      .map((s) => ({ slice: s, newName: renamedTarget(s.target as string, (s.mismatch as NonNullable<SliceAnnotation['mismatch']>).namedGate, s.gates[0]) }));
    const before = renames.map((r) => r.slice.target).sort();
    const after = renames.map((r) => r.newName).sort();
    if (renames.length < 2 || before.join('\0') !== after.join('\0') || new Set(after).size !== after.length) return undefined;
    const names = statement.map((s) => renames.find((r) => r.slice === s)?.newName ?? (s.target as string));
    const action = new vscode.CodeAction(vscode.l10n.t('Reorder the names in this statement to the gates they hold: {0}', names.join(', ')), vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const { slice: s, newName } of renames) edit.replace(document.uri, toRange(document, s.targetRange as SourceRange), newName);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    return action;
  }

  /**
   * A lone variable named after the wrong gate (`forget_gate = sigmoid(z[:, 0:3])`): renaming it means every use in
   * its scope, which only the language's own rename provider knows; the edit is that provider's. No provider, no
   * action (a text search would also rename strings, comments and other scopes).
   */
  private async renameEverywhere(document: vscode.TextDocument, slice: SliceAnnotation, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction | undefined> {
    const mismatch = slice.mismatch;
    if (!mismatch || !slice.target || !slice.targetRange || slice.gates.length !== 1) return undefined;
    const newName = renamedTarget(slice.target, mismatch.namedGate, slice.gates[0]);
    // A name already in use (f and c swapped: renaming f to c would merge two variables) is no fix.
    if (newName === slice.target || new RegExp(`(?<![\\w.])${escapeRegExp(newName)}(?!\\w)`).test(document.getText())) return undefined;
    let edit: vscode.WorkspaceEdit | undefined;
    try {
      edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', document.uri, document.positionAt(slice.targetRange.start), newName);
    } catch {
      // No rename provider for this language (VS Code says "No result"): nothing to offer.
      return undefined;
    }
    if (!edit || edit.size === 0) return undefined;
    const action = new vscode.CodeAction(vscode.l10n.t('Rename `{0}` to `{1}` ({2})', slice.target, newName, gateName(slice.gates[0].name)), vscode.CodeActionKind.QuickFix);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    return action;
  }
}
