// Arrays that belong to no recurrent layer: the other layers of a model pasted whole (Embedding, attention,
// LayerNorm/BatchNorm, Conv, Linear) and arrays whose shapes fit nothing. Each is listed with its reason, and the
// editor gets one diagnostic per array only while they are few: a paste of thousands of unrelated arrays gets one
// summary, so the Problems view and the CLI stay readable and the work stays linear in the number of arrays.

import type { ExtractedArray, SourceRange } from '../parse/types';
import type { NameInfo } from './names';
import { format, joined, LIST_TEMPLATES, phrase, type MessageArg } from '../messages';

export type UnrelatedKind = 'embedding' | 'attention' | 'normalization' | 'convolution' | 'linear' | 'unmatched';

export interface UnrelatedArray {
  /** Index into ParseResult.arrays. */
  readonly arrayIndex: number;
  readonly kind: UnrelatedKind;
  /** Why it is no part of a recurrent layer, in English (the array's name and shape are in the parse result). */
  readonly reason: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

export interface UnrelatedDiagnostic {
  readonly severity: 'warning' | 'info';
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

/** Up to this many unrelated arrays get a diagnostic each; more get one summary diagnostic. */
export const UNRELATED_DIAGNOSTIC_LIMIT = 10;

/** {0} is the array's label ("embedding.weight" (10, 4)); the reason alone is the text after "{0}: ". */
export const UNRELATED_TEMPLATES = {
  embedding: '{0}: an Embedding table (a lookup whose rows are the recurrent layer’s input), not part of a recurrent layer',
  attention: '{0}: attention weights (query/key/value or output projection), not part of a recurrent layer',
  normalization: '{0}: normalisation weights or statistics (LayerNorm/BatchNorm), not part of a recurrent layer',
  convolution: '{0}: convolution weights, not part of a recurrent layer',
  linearAlone: '{0}: a Linear/Dense layer {1} → {2} that follows no recurrent layer, so not part of a recurrent stack',
  replacedLater: '{0}: replaced by the later assignment at {1}',
  shownAgain: '{0}: {1} shown again, with the same values as at {2}',
  derivedCopy: '{0}: computed by the text’s own code from {1}, which the text holds itself; a copy or a result, not a weight of its own',
  unmatched: '{0}: {1}',
  summary: '{0} arrays are not part of a recurrent layer ({1}); gate-lens inspect lists each with its reason',
  namedArray: '"{0}" {1}',
  unnamedArray: 'array {0}',
  kindCount: '{0} {1}',
} as const;

/** Short names for the summary's breakdown ("3 Embedding, 2 unmatched shape"). */
export const UNRELATED_KIND_TITLES: Record<UnrelatedKind, string> = {
  embedding: 'Embedding', attention: 'attention', normalization: 'LayerNorm/BatchNorm', convolution: 'Conv', linear: 'Linear', unmatched: 'unmatched shape',
};

const MENTIONS_DISTRACTOR = /norm|ln|bn|running_|num_batches|moving_|gamma|beta|attn|attention|proj|query|key|value|multihead|mha|emb|wte|wpe|lookup|conv/i;
const NORM_STATS = new Set(['running_mean', 'running_var', 'num_batches_tracked', 'moving_mean', 'moving_variance', 'gamma', 'beta']);

/**
 * The kind of non-recurrent layer an array's name points to, or undefined. Names whose role is recurrent
 * (weight_ih_l0, recurrent_kernel, an lstm/gru scope) are never distractors, whatever else the name holds.
 */
export function distractorKind(written: string | undefined, info: NameInfo | undefined, shape: readonly number[]): Exclude<UnrelatedKind, 'linear' | 'unmatched'> | undefined {
  if (written === undefined) return undefined;
  if (info && (info.family === 'data' || !/^(dense_weight|dense_bias|dense_kernel|kernel|bias)$/.test(info.role))) return undefined;
  if (info && info.kindHint !== undefined && info.kindHint !== 'dense') return undefined;
  // One test on the whole name first: most names (a0, W, fc.weight) mention none of these, and there are 10⁶ of them.
  if (shape.length < 3 && !MENTIONS_DISTRACTOR.test(written)) return undefined;
  const parts = written.toLowerCase().replace(/:\d+$/, '').split(/[/.]/).filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  if (NORM_STATS.has(last) || parts.some((p) => /norm|^(ln|bn)(_?\d+|_f)?$/.test(p))) return 'normalization';
  if (parts.some((p) => /attn|attention|^(q|k|v|o|qkv|in|out)_proj(_weight|_bias)?$|^(query|key|value)$|multihead|^mha\d*$/.test(p))) return 'attention';
  // A Linear named for its attention role (`linear_query`, `key_proj`, `w_value`): the projections beside an RNN.
  if (parts.some((p) => /^(linear|lin|fc|w|dense)_(query|key|value)$|^(query|key|value)_(linear|lin|fc|proj|dense|layer)$/.test(p))) return 'attention';
  if (parts.some((p) => /embed|^emb(_?\d+)?$|^wte$|^wpe$|lookup/.test(p))) return 'embedding';
  if (parts.some((p) => /conv/.test(p)) || (shape.length >= 3 && (last === 'weight' || last === 'kernel'))) return 'convolution';
  return undefined;
}

/** An unrelated-array entry whose reason comes from a template (args after the label). */
export function templatedUnrelated(arrayIndex: number, kind: UnrelatedKind, template: string, ...args: (MessageArg | number)[]): UnrelatedArray {
  const text: MessageArg[] = args.map((a) => (typeof a === 'number' ? String(a) : a));
  return { arrayIndex, kind, reason: format(template, ['', ...text]).replace(/^: /, ''), template, args: text };
}

function label(a: ExtractedArray, name: string | undefined, shapeText: (s: readonly number[]) => string): MessageArg {
  return name !== undefined ? phrase(UNRELATED_TEMPLATES.namedArray, name, shapeText(a.shape)) : phrase(UNRELATED_TEMPLATES.unnamedArray, shapeText(a.shape));
}

/**
 * The diagnostics for the unrelated arrays: one each (the reason, under the array) while there are at most
 * UNRELATED_DIAGNOSTIC_LIMIT, else one summary on the first of them. Arrays whose shapes fit nothing are warnings
 * (they may be a layer the reader missed); arrays of a known other layer kind are information.
 */
export function unrelatedDiagnostics(
  unrelated: readonly UnrelatedArray[], arrays: readonly ExtractedArray[], nameOf: (a: ExtractedArray) => string | undefined,
  shapeText: (s: readonly number[]) => string,
): UnrelatedDiagnostic[] {
  const listed = unrelated.filter((u) => u.kind !== 'linear');
  if (listed.length <= UNRELATED_DIAGNOSTIC_LIMIT) {
    return listed.map((u) => {
      const a = arrays[u.arrayIndex];
      const what = label(a, nameOf(a), shapeText);
      const severity = u.kind === 'unmatched' ? 'warning' : 'info';
      const code = u.kind === 'unmatched' ? 'unrecognized-array' : 'unrelated-array';
      const args = u.template ? [what, ...(u.args ?? [])] : [what, u.reason];
      const template = u.template ?? UNRELATED_TEMPLATES.unmatched;
      return { severity, code, message: format(template, args), range: a.range, template, args };
    });
  }
  const counts = new Map<UnrelatedKind, number>();
  for (const u of listed) counts.set(u.kind, (counts.get(u.kind) ?? 0) + 1);
  const breakdown = joined([...counts].map(([kind, n]) => phrase(UNRELATED_TEMPLATES.kindCount, n, phrase(UNRELATED_KIND_TITLES[kind]))), LIST_TEMPLATES.comma);
  const args = [String(listed.length), breakdown];
  return [{
    severity: counts.has('unmatched') ? 'warning' : 'info', code: 'unrelated-arrays', message: format(UNRELATED_TEMPLATES.summary, args),
    range: arrays[listed[0].arrayIndex].range, template: UNRELATED_TEMPLATES.summary, args,
  }];
}
