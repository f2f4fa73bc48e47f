// Display text shared by the hover, hints, lenses, outline and status bar. The core speaks English; gate names and
// the like pass through vscode.l10n.t so that the zh-cn bundle can translate them.

import * as vscode from 'vscode';
import { convention, CONVENTIONS, type CellKind, type ConventionId } from '../core/conventions';
import type { GateSlot } from '../core/recognize/types';
import { escapeMarkdown } from './markdownText';

export function cellName(cell: CellKind): string {
  return cell === 'lstm' ? 'LSTM' : cell === 'gru' ? 'GRU' : 'SimpleRNN';
}

export function frameworkName(id: ConventionId, cell: CellKind): string {
  try {
    return convention(id, cell).framework;
  } catch {
    return id;
  }
}

export function gateName(name: string): string {
  return vscode.l10n.t(name);
}

/** "f · forget gate" — the convention's own letter, then the gate's name. */
export function gateLabel(gate: Pick<GateSlot, 'label' | 'name'>): string {
  return `${gate.label} · ${gateName(gate.name)}`;
}

/** "f · forget gate", or "i, f · input gate, forget gate" when a range spans several blocks. */
export function gatesLabel(gates: readonly Pick<GateSlot, 'label' | 'name'>[]): string {
  if (gates.length === 1) return gateLabel(gates[0]);
  return `${gates.map((g) => g.label).join(', ')} · ${gates.map((g) => gateName(g.name)).join(', ')}`;
}

/** "i 0:3 · f 3:6 · c 6:9 · o 9:12" */
export function rangesLabel(gates: readonly GateSlot[]): string {
  return gates.map((g) => `${g.label} ${g.start}:${g.end}`).join(' · ');
}

/** What the packed axis of an array is called: its columns, its rows, or (for a vector) just the range. */
export function packedAxisName(shape: readonly number[], packedAxis: number): string {
  if (shape.length <= 1) return vscode.l10n.t('range');
  return packedAxis === shape.length - 1 ? vscode.l10n.t('columns') : vscode.l10n.t('rows');
}

/**
 * A recogniser message (evidence, warning, diagnostic) in the display language: its English template through
 * vscode.l10n.t when the core gave one, else the English message as it is.
 */
export function recognitionText(m: { readonly message: string; readonly template?: string; readonly args?: readonly string[] }): string {
  if (!m.template) return m.message;
  // Arguments are technical tokens and stay as written, except gate names ("forget gate"), which have their own entries.
  return vscode.l10n.t(m.template, ...(m.args ?? []).map((a) => (GATE_NAMES.has(a) ? gateName(a) : a)));
}

/** recognitionText for Markdown: the message quotes names from the file, so all of it is escaped. */
export function recognitionMarkdown(m: { readonly message: string; readonly template?: string; readonly args?: readonly string[] }): string {
  return escapeMarkdown(recognitionText(m));
}

const GATE_NAMES: ReadonlySet<string> = new Set(CONVENTIONS.flatMap((c) => c.gateOrder.map((g) => g.name)));
