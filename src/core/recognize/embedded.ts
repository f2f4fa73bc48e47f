// Output pasted into Python comments and strings (a state_dict print in a docstring, `# tensor([[...` lines) is data
// the user wants to look at, but code arrays come first: embedded arrays are used only where no code array already
// gives that layer, and a layer read from them says where they were found.

import type { ExtractedArray } from '../parse/types';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';
import { classifyName } from './names';
import type { Evidence } from './types';

const LAYER_ROLES = new Set(['kernel', 'recurrent_kernel', 'bias', 'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr', 'W', 'R', 'B', 'P', 'tf1_kernel']);

/** The arrays recognition should use: code arrays, plus embedded ones for layers the code does not give. */
export function withoutCoveredEmbedded(arrays: readonly ExtractedArray[]): readonly ExtractedArray[] {
  if (!arrays.some((a) => a.embedded)) return arrays;
  const code = arrays.filter((a) => !a.embedded);
  const codeGroups = new Set<string>();
  let codeHasLayer = false;
  for (const a of code) {
    const info = classifyName(a);
    if (info && LAYER_ROLES.has(info.role)) {
      codeGroups.add(groupKey(info.family, info.group));
      codeHasLayer = true;
    }
  }
  // Unnamed code matrices (a get_weights() list, W = np.array(...) with no telling name) also make a layer.
  if (code.filter((a) => a.shape.length >= 2 && !classifyName(a)).length >= 2) codeHasLayer = true;
  return arrays.filter((a) => {
    if (!a.embedded) return true;
    const info = classifyName(a);
    if (!info || !LAYER_ROLES.has(info.role)) return !codeHasLayer;
    return !codeGroups.has(groupKey(info.family, info.group));
  });
}

function groupKey(family: string, group: string): string {
  return `${family === 'tf1' ? 'keras' : family}|${group}`;
}

/** "read from a # comment at line 4" when any of the layer's arrays came from a comment or string. */
export function embeddedEvidence(arrays: readonly ExtractedArray[], text: string): Evidence | undefined {
  const first = arrays.filter((a) => a.embedded).sort((x, y) => x.range.start - y.range.start)[0];
  if (!first) return undefined;
  const line = lineOf(text, first.range.start);
  return templated('embedded', first.embedded === 'comment' ? MSG.embeddedComment : MSG.embeddedString, line);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) line++;
  return line;
}
