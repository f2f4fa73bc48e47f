// PyTorch's parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, _reverse) are also PaddlePaddle's
// (paddle.nn.LSTM/GRU/SimpleRNN) and MindSpore's (nn.LSTM/GRU/RNN): the names alone cannot tell them apart. The
// file's code can: `import paddle` / `paddle.nn.LSTM(...)` or `import mindspore` with no torch in sight reads the
// layer in that framework's convention (the same arrays, documented, not run), and the evidence says so.

import { insideSpans } from '../hints/python';

export type SharedNameFramework = 'paddle' | 'mindspore';

export const SHARED_NAME_TEMPLATES = {
  sharedNames: 'the names weight_ih_l0, weight_hh_l0, … are PyTorch\'s and also {0}\'s; {1} in the file (and no torch) → read as {0}, the same layout (documented, not run against {0})',
} as const;

const SIGNALS: Record<SharedNameFramework | 'torch', RegExp> = {
  paddle: /^[ \t]*(?:import[ \t]+paddle\b|from[ \t]+paddle[\w.]*[ \t]+import\b)[^\n]*|\bpaddle\.nn\.(?:LSTM|GRU|SimpleRNN)\b/gm,
  mindspore: /^[ \t]*(?:import[ \t]+mindspore\b|from[ \t]+mindspore[\w.]*[ \t]+import\b)[^\n]*|\bmindspore\.nn\.(?:LSTM|GRU|RNN)\b/gm,
  torch: /^[ \t]*(?:import[ \t]+torch\b|from[ \t]+torch[\w.]*[ \t]+import\b)|\btorch\.nn\.\w/gm,
};

function firstInCode(text: string, re: RegExp, nonCode: ReadonlyArray<readonly [number, number]>): string | undefined {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) if (!insideSpans(nonCode, m.index)) return m[0].trim();
  return undefined;
}

/** The framework the file's code shows for PyTorch-named arrays, when it is Paddle or MindSpore and not torch. */
export function sharedNameFramework(text: string, nonCode: ReadonlyArray<readonly [number, number]>): { id: SharedNameFramework; title: string; code: string } | undefined {
  if (firstInCode(text, SIGNALS.torch, nonCode) !== undefined) return undefined;
  const found = (['paddle', 'mindspore'] as const).map((id) => ({ id, code: firstInCode(text, SIGNALS[id], nonCode) })).filter((f) => f.code !== undefined);
  if (found.length !== 1) return undefined;
  const { id, code } = found[0];
  return { id, title: id === 'paddle' ? 'PaddlePaddle' : 'MindSpore', code: `\`${code!.length > 50 ? `${code!.slice(0, 47)}…` : code}\`` };
}
