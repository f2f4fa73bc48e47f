// Names the text itself gives to arrays before recognition reads them: the code's own bindings
// (`W_xh = rnn_layer.weight_ih_l0` then a print of `W_xh`; `w_xh, w_oo, b_h = rnn_layer.weights`;
// `layer.set_weights([k, r, b])`) and Keras 1 / keras-js letters (W, U, b for kernel, recurrent_kernel, bias).
// The arrays keep their index and values; only the name recognition classifies changes.

import { ADAPTERS } from '../conventions';
import type { ExtractedArray } from '../parse/types';
import type { CodeView } from '../text/code-view';

const ROLE_ATTRIBUTE = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)(_l\d+)?(_reverse)?$|^(kernel|recurrent_kernel|bias)$/;
const KERAS_ORDER = ['kernel', 'recurrent_kernel', 'bias'];
const LINE_LIMIT = 400;

/**
 * alias → the name it stands for, from simple assignments in the text (no code is run). Callers pass a CodeView's
 * code when they have one (the numbers cut out): no offset is kept, so the searches need not see the numbers.
 */
export function codeBindings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = /^[ \t]*(?:>>> |\.\.\. )?([^\n=]{1,200}?)=(?!=)[ \t]*([^\n]{1,200})$/gm;
  for (let m = lines.exec(text); m; m = lines.exec(text)) {
    if (m[0].length > LINE_LIMIT) continue;
    const left = m[1].trim();
    const right = m[2].trim().replace(/\s*#.*$/, '');
    const single = /^[A-Za-z_]\w*$/.test(left) ? left : undefined;
    const attribute = /^([A-Za-z_][\w.]*)\.([A-Za-z_]\w*)$/.exec(right);
    if (single && attribute && ROLE_ATTRIBUTE.test(attribute[2])) {
      out.set(single, right);
      continue;
    }
    // w_xh, w_oo, b_h = rnn_layer.weights / .get_weights() / .trainable_weights: Keras order.
    const targets = left.replace(/^\(|\)$/g, '').split(',').map((t) => t.trim()).filter((t) => t !== '');
    const keras = /^([A-Za-z_][\w.]*(?:\[\d+\])?)\.(?:weights|trainable_weights|trainable_variables|get_weights\(\))$/.exec(right);
    if (keras && targets.length === 3 && targets.every((t) => /^[A-Za-z_]\w*$/.test(t))) {
      targets.forEach((t, k) => out.set(t, `${cleanScope(keras[1])}/${KERAS_ORDER[k]}`));
    }
  }
  // Frameworks whose calls name arrays (TensorRT set_weights_for_gate): their adapters read the calls.
  for (const a of ADAPTERS) {
    const calls = 'bindsNames' in a ? a.bindsNames?.(text) : undefined;
    for (const [alias, name] of calls ?? []) out.set(alias, name);
  }
  const setWeights = /([A-Za-z_][\w.]*(?:\[\d+\])?)\.set_weights\(\s*\[([\w\s,]{1,200})\]\s*\)/g;
  for (let m = setWeights.exec(text); m; m = setWeights.exec(text)) {
    const targets = m[2].split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (targets.length === 3 && targets.every((t) => /^[A-Za-z_]\w*$/.test(t))) {
      targets.forEach((t, k) => out.set(t, `${cleanScope(m![1])}/${KERAS_ORDER[k]}`));
    }
  }
  return out;
}

function cleanScope(expression: string): string {
  return expression.replace(/\[(\d+)\]/g, '_$1').replace(/\./g, '_');
}

/** The arrays with the names the text binds them to; `bound` gets "alias → name" for the evidence. */
export function bindNames(arrays: readonly ExtractedArray[], text: string, bound: Map<number, string>, view?: CodeView): readonly ExtractedArray[] {
  const bindings = arrays.some((a) => a.name !== undefined && !a.path) ? codeBindings(view ? view.code : text) : new Map<string, string>();
  const letters = kerasLetterNames(arrays);
  if (!bindings.size && !letters.size) return arrays;
  return arrays.map((a) => {
    const name = a.name !== undefined && !a.path ? bindings.get(a.name) ?? letters.get(a) : undefined;
    if (name === undefined) return a;
    bound.set(a.index, `${a.name} → ${name}`);
    return { ...a, name };
  });
}

/**
 * Keras 1 attribute names, also used by keras-js notebooks: W (I, G·H), U (H, G·H), b (G·H). Read so only when the
 * text has both W and U with the same prefix and no R beside them (W alone is ONNX's input weights).
 */
function kerasLetterNames(arrays: readonly ExtractedArray[]): Map<ExtractedArray, string> {
  const byPrefix = new Map<string, Map<string, ExtractedArray>>();
  for (const a of arrays) {
    if (a.name === undefined || a.list || a.path) continue;
    const m = /^(?:(.*?)[_/.])?([WURb])$/.exec(a.name);
    if (!m) continue;
    const prefix = m[1] ?? '';
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, new Map());
    const group = byPrefix.get(prefix)!;
    if (!group.has(m[2])) group.set(m[2], a);
  }
  const out = new Map<ExtractedArray, string>();
  for (const [prefix, group] of byPrefix) {
    const W = group.get('W');
    const U = group.get('U');
    if (!W || !U || group.has('R') || W.shape.length !== 2 || U.shape.length !== 2 || W.shape[1] !== U.shape[1]) continue;
    const scope = prefix ? `${prefix}/` : '';
    out.set(W, `${scope}kernel`);
    out.set(U, `${scope}recurrent_kernel`);
    const b = group.get('b');
    if (b) out.set(b, `${scope}bias`);
  }
  return out;
}
