// PyTorch's parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, _reverse) are also PaddlePaddle's
// (paddle.nn.LSTM/GRU/SimpleRNN) and MindSpore's (nn.LSTM/GRU/RNN): the names alone cannot tell them apart. The
// file's code can: a framework whose adapter declares `sameArraysAs` and whose import or constructor appears in code,
// with no code of the framework it shares the names with, reads the layer in its own convention (the same arrays),
// and the evidence says so.

import { ADAPTERS, adapter, type ConventionId } from '../conventions';
import { insideSpans } from '../hints/python';
import type { CodeView } from '../text/code-view';

export const SHARED_NAME_TEMPLATES = {
  signalNames: 'the names {0} are too common to tell a framework by; {1} in the file → read as {2}\'s (documented, not run against {2})',
  signalNotFit: '{0} in the file, but these arrays are not {1}\'s ({2}) → read by their names alone',
  sharedNames: 'the names weight_ih_l0, weight_hh_l0, … are PyTorch\'s and also {0}\'s; {1} in the file (and no torch) → read as {0}, the same layout (documented, not run against {0})',
} as const;

/** Code of the frameworks others share names with: seeing it keeps their own reading. */
const OWNER_SIGNALS: Partial<Record<ConventionId, RegExp>> = {
  pytorch: /^[ \t]*(?:import[ \t]+torch\b|from[ \t]+torch[\w.]*[ \t]+import\b)|\btorch\.nn\.\w/gm,
};

/**
 * Conventions whose adapter's nameSignal the file's code shows, each with the code that shows it (quoted for the
 * evidence). With `view` the signals are searched in the code without the numbers' bodies (no framework's code is in
 * them): a few kilobytes instead of megabytes of pasted numbers per signal.
 */
export function signalledConventions(text: string, nonCode: ReadonlyArray<readonly [number, number]>, view?: CodeView): Map<ConventionId, string> {
  const out = new Map<ConventionId, string>();
  for (const a of ADAPTERS) {
    const signal = 'nameSignal' in a ? a.nameSignal : undefined;
    const code = signal ? firstInCode(text, signal, nonCode, view) : undefined;
    if (code !== undefined) out.set(a.id as ConventionId, `\`${code.length > 50 ? `${code.slice(0, 47)}…` : code}\``);
  }
  return out;
}

/** The first match of `re` outside comments and strings, as the document writes it. */
function firstInCode(text: string, re: RegExp, nonCode: ReadonlyArray<readonly [number, number]>, view?: CodeView): string | undefined {
  const flags = re.flags.replace(/[gy]/g, '');
  const global = new RegExp(re.source, `${flags}g`);
  const code = view?.cut ? view.code : text;
  for (let m = global.exec(code); m; m = global.exec(code)) {
    const at = view?.cut ? view.original(m.index) : m.index;
    if (insideSpans(nonCode, at)) continue;
    if (code === text) return m[0].trim();
    // The match read again in the document: a `[^\n]*` tail there keeps the numbers the code view left out.
    const sticky = new RegExp(re.source, `${flags}y`);
    sticky.lastIndex = at;
    return (sticky.exec(text)?.[0] ?? m[0]).trim();
  }
  return undefined;
}

/** The convention the file's code shows for arrays named in `owner`'s convention, when exactly one other framework shows and the owner does not. */
export function sharedNameFramework(owner: ConventionId, text: string, nonCode: ReadonlyArray<readonly [number, number]>, view?: CodeView): { id: ConventionId; title: string; code: string } | undefined {
  const ownerSignal = OWNER_SIGNALS[owner];
  if (ownerSignal && firstInCode(text, ownerSignal, nonCode, view) !== undefined) return undefined;
  const found = ADAPTERS.flatMap((a) => {
    const same = 'sameArraysAs' in a ? a.sameArraysAs : undefined;
    if (!same || same.convention !== owner) return [];
    const code = firstInCode(text, same.signal, nonCode, view);
    return code === undefined ? [] : [{ id: a.id as ConventionId, code }];
  });
  if (found.length !== 1) return undefined;
  const { id, code } = found[0];
  return { id, title: adapter(id).title, code: `\`${code.length > 50 ? `${code.slice(0, 47)}…` : code}\`` };
}
