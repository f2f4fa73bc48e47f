// PyTorch's parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, _reverse) are also PaddlePaddle's
// (paddle.nn.LSTM/GRU/SimpleRNN) and MindSpore's (nn.LSTM/GRU/RNN): the names alone cannot tell them apart. The
// file's code can: a framework whose adapter declares `sameArraysAs` and whose import or constructor appears in code,
// with no code of the framework it shares the names with, reads the layer in its own convention (the same arrays),
// and the evidence says so.

import { ADAPTERS, adapter, type ConventionId } from '../conventions';
import { insideSpans } from '../hints/python';

export const SHARED_NAME_TEMPLATES = {
  signalNames: 'the names {0} are too common to tell a framework by; {1} in the file → read as {2}\'s (documented, not run against {2})',
  signalNotFit: '{0} in the file, but these arrays are not {1}\'s ({2}) → read by their names alone',
  sharedNames: 'the names weight_ih_l0, weight_hh_l0, … are PyTorch\'s and also {0}\'s; {1} in the file (and no torch) → read as {0}, the same layout (documented, not run against {0})',
} as const;

/** Code of the frameworks others share names with: seeing it keeps their own reading. */
const OWNER_SIGNALS: Partial<Record<ConventionId, RegExp>> = {
  pytorch: /^[ \t]*(?:import[ \t]+torch\b|from[ \t]+torch[\w.]*[ \t]+import\b)|\btorch\.nn\.\w/gm,
};

/** Conventions whose adapter's nameSignal the file's code shows, each with the code that shows it (quoted for the evidence). */
export function signalledConventions(text: string, nonCode: ReadonlyArray<readonly [number, number]>): Map<ConventionId, string> {
  const out = new Map<ConventionId, string>();
  for (const a of ADAPTERS) {
    const signal = 'nameSignal' in a ? a.nameSignal : undefined;
    const code = signal ? firstInCode(text, signal, nonCode) : undefined;
    if (code !== undefined) out.set(a.id as ConventionId, `\`${code.length > 50 ? `${code.slice(0, 47)}…` : code}\``);
  }
  return out;
}

function firstInCode(text: string, re: RegExp, nonCode: ReadonlyArray<readonly [number, number]>): string | undefined {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (let m = global.exec(text); m; m = global.exec(text)) if (!insideSpans(nonCode, m.index)) return m[0].trim();
  return undefined;
}

/** The convention the file's code shows for arrays named in `owner`'s convention, when exactly one other framework shows and the owner does not. */
export function sharedNameFramework(owner: ConventionId, text: string, nonCode: ReadonlyArray<readonly [number, number]>): { id: ConventionId; title: string; code: string } | undefined {
  const ownerSignal = OWNER_SIGNALS[owner];
  if (ownerSignal && firstInCode(text, ownerSignal, nonCode) !== undefined) return undefined;
  const found = ADAPTERS.flatMap((a) => {
    const same = 'sameArraysAs' in a ? a.sameArraysAs : undefined;
    if (!same || same.convention !== owner) return [];
    const code = firstInCode(text, same.signal, nonCode);
    return code === undefined ? [] : [{ id: a.id as ConventionId, code }];
  });
  if (found.length !== 1) return undefined;
  const { id, code } = found[0];
  return { id, title: adapter(id).title, code: `\`${code.length > 50 ? `${code.slice(0, 47)}…` : code}\`` };
}
