// Display text shared by the hover, hints, lenses, outline and status bar. The core speaks English; gate names and
// the like pass through vscode.l10n.t so that the zh-cn bundle can translate them.

import * as vscode from 'vscode';
import { convention, CONVENTIONS, type CellKind, type ConventionId } from '../core/conventions';
import { errorPhrase, render, renderArg, type Localizable } from '../core/messages';
import type { ArrayRole, GateSlot } from '../core/recognize/types';
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

/** The gates an array's packed axis holds: all of them, or the first ones (a TF1 GRUCell's gates/kernel has r, u only). */
export function gatesWithin(gates: readonly GateSlot[], axisLength: number | undefined): readonly GateSlot[] {
  return axisLength === undefined ? gates : gates.filter((g) => g.end <= axisLength);
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
 * A core message (evidence, warning, diagnostic, refusal) in the display language: its English template through
 * vscode.l10n.t when the core gave one (nested phrases translated in turn), else the English message as it is.
 */
export function recognitionText(m: Localizable): string {
  return render(m, translate, plainArgument);
}

const translate = (template: string, args: string[]): string => vscode.l10n.t(template, ...args);

/** A plain argument is a technical token and stays as written, except gate names ("forget gate"), which have their own entries. */
const plainArgument = (arg: string): string => (GATE_NAMES.has(arg) ? gateName(arg) : arg);

/** recognitionText for Markdown: the message quotes names from the file, so all of it is escaped. */
export function recognitionMarkdown(m: Localizable): string {
  return escapeMarkdown(recognitionText(m));
}

/**
 * What an array is in its layer, in the display language: the hover's title line ("recurrent kernel of lstm_1 —
 * Keras LSTM, 3 units, input size 1"), the core's ArrayRole.description translated by its template.
 */
export function roleTitle(role: Pick<ArrayRole, 'description' | 'descriptionPhrase'>): string {
  return recognitionText({ message: role.description, template: role.descriptionPhrase.template, args: role.descriptionPhrase.args ?? [] });
}

/** An error's message in the display language: the core's refusals (GateLensError, worker errors) carry templates. */
export function errorText(error: unknown): string {
  return renderArg(errorPhrase(error), translate, plainArgument);
}

const GATE_NAMES: ReadonlySet<string> = new Set(CONVENTIONS.flatMap((c) => c.gateOrder.map((g) => g.name)));
