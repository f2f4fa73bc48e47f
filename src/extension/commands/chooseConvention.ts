// gateLens.chooseConvention — "Choose Convention for This File": the user says which framework wrote the weights;
// stored per document, recognition re-runs with conventionOverride and every label follows.

import * as vscode from 'vscode';
import { ADAPTERS, CONVENTIONS, isConventionId, type ConventionId } from '../../core/conventions';
import type { Recognition } from '../../core/recognize/types';
import type { DocumentAnalyzer } from '../analyzer';
import { cellName } from '../labels';
import type { StepViews } from '../webview/stepViews';
import { resolveTarget } from './target';

export interface ChooseConventionArgs {
  readonly uri?: string | vscode.Uri;
  /** A convention id, or 'auto' to clear the choice; without it a quick pick asks. */
  readonly convention?: ConventionId | 'auto';
}

export interface ChooseConventionResult {
  readonly uri: string;
  readonly convention: ConventionId | undefined;
  readonly recognition: Recognition | undefined;
}


export async function chooseConventionCommand(analyzer: DocumentAnalyzer, views: StepViews, arg: unknown): Promise<ChooseConventionResult | undefined> {
  const target = await resolveTarget(analyzer, arg);
  if (!target) return undefined;
  const { document, analysis } = target;
  const requested = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as ChooseConventionArgs).convention : undefined);
  let choice: ConventionId | 'auto' | undefined = requested === 'auto' || isConventionId(requested) ? requested : undefined;
  if (!choice) {
    const current = analyzer.conventionFor(document.uri);
    const cells = new Set(analysis.recognition.layers.map((l) => l.cell));
    const items = [
      { label: vscode.l10n.t('Automatic'), description: current ? '' : vscode.l10n.t('current'), detail: vscode.l10n.t('Let Gate Lens decide from names, shapes and bias patterns.'), id: 'auto' as const },
      ...ADAPTERS.map(({ id, title, verification }) => {
        const specs = CONVENTIONS.filter((c) => c.id === id && (cells.size === 0 || cells.has(c.cell)));
        const status = verification === 'documented' ? vscode.l10n.t('documented, not run against the framework') : '';
        return {
          label: title,
          description: [id === current ? vscode.l10n.t('current') : '', status].filter(Boolean).join(' · '),
          detail: specs.map((s) => `${cellName(s.cell)}: ${s.gateOrder.map((g) => g.label).join(', ')} (${s.packedAxis === 'columns' ? vscode.l10n.t('columns') : s.packedAxis === 'rows' ? vscode.l10n.t('rows') : vscode.l10n.t('one array per gate')})`).join(' · ') || vscode.l10n.t('No layout for the cells in this file.'),
          id,
        };
      }),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Gate Lens: which framework wrote these weights?') });
    if (!picked) return undefined;
    choice = picked.id;
  }
  const convention = choice === 'auto' ? undefined : choice;
  const updated = await analyzer.setConvention(document, convention);
  // The views relabel from the new recognition (sent by onDidAnalyze); their column naming follows the stored
  // convention again (leaving any what-if naming), which after "Automatic" is the recognised one.
  for (const session of [views.panel?.session, views.view?.session]) {
    if (session?.document?.uri.toString() !== document.uri.toString()) continue;
    const layers = updated?.recognition.layers ?? [];
    const shown = layers.find((l) => l.id === session.selectedLayerId) ?? layers[0];
    if (shown) await session.setConvention(shown.convention);
  }
  return { uri: document.uri.toString(), convention, recognition: updated?.recognition };
}
