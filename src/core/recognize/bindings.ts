// Names the text itself gives to arrays before recognition reads them: the code's own bindings
// (`W_xh = rnn_layer.weight_ih_l0` then a print of `W_xh`; `w_xh, w_oo, b_h = rnn_layer.weights`;
// `layer.set_weights([k, r, b])`; a print's label, `print(f"W_xh shape: {w_xh.shape}")`) and Keras 1 / keras-js
// letters (W, U, b for kernel, recurrent_kernel, bias). The arrays keep their index and values; only the name
// recognition classifies changes. Names the code computes from a parameter (`b = np.array(np.split(bias_ih, 4))`)
// are copies of it: printed beside the parameter itself they are no weights of their own.

import { ADAPTERS } from '../conventions';
import type { ExtractedArray } from '../parse/types';
import type { CodeView } from '../text/code-view';

/** `rnn.weight_ih_l0.data = …`, `lstm.weight_hh_l0 = nn.Parameter(…)`: an attribute assignment in code, which replaces. */
export const isAttributeAssignment = (a: ExtractedArray): boolean => a.form === 'python_literal' && !a.embedded && !a.list && !a.path && a.name !== undefined &&
  a.name.includes('.') && !a.values.every(Number.isNaN);

const ROLE_ATTRIBUTE = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)(_l\d+)?(_reverse)?$|^(kernel|recurrent_kernel|bias)$/;
const KERAS_ORDER = ['kernel', 'recurrent_kernel', 'bias'];
const LINE_LIMIT = 400;
const ASSIGNMENT = /^[ \t]*(?:>>> |\.\.\. )?([^\n=]{1,200}?)=(?!=)[ \t]*([^\n]{1,200})$/gm;
/** A PyTorch parameter in an expression: `lstm.bias_ih_l0`, `lstm.state_dict()['bias_ih_l0']`. */
const PARAMETER_REFERENCE = /([A-Za-z_][\w.]*?)(?:\.state_dict\(\)\[\s*['"]|\.)((?:weight|bias)_(?:ih|hh)_l\d+(?:_reverse)?)\b/;
/** What leaves the values as they are: `.data`, `.detach()`, `.numpy()`, `.cpu()`, `.clone()`, a closing quote/bracket. */
const SAME_VALUES = /^(?:['"]\s*\])?(?:\.(?:data|detach\(\)|numpy\(\)|cpu\(\)|clone\(\)))*$/;
/** A print whose label names what it prints: print(f"W_xh shape: {w_xh.shape}"), print('W_xh:', w_xh). */
const LABELLED_PRINT = /\bprint\(\s*(f?)(['"])([A-Za-z_]\w*)\b([^'"\n]{0,120})\2\s*(?:,\s*([A-Za-z_][\w.]*(?:\(\))?)\s*)?[,)]/g;

/**
 * alias → the name it stands for, from simple assignments in the text (no code is run). Callers pass a CodeView's
 * code when they have one (the numbers cut out): no offset is kept, so the searches need not see the numbers.
 */
export function codeBindings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = new RegExp(ASSIGNMENT.source, ASSIGNMENT.flags);
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
  for (const [label, name] of printLabels(text, out)) out.set(label, name);
  return out;
}

/**
 * label → the bound name a print shows under it (`print(f"W_xh shape: {w_xh.shape}")` prints `W_xh shape: …` for
 * `w_xh`), for labels the code never assigns itself. The printed expression is a bound name or a parameter, as is or
 * with `.shape`, `.size()`, `.data`, `.detach()`, `.numpy()`: anything else prints another value.
 */
function printLabels(text: string, bindings: ReadonlyMap<string, string>): Map<string, string> {
  const assigned = new Set<string>();
  const lines = new RegExp(ASSIGNMENT.source, ASSIGNMENT.flags);
  for (let m = lines.exec(text); m; m = lines.exec(text)) {
    for (const t of m[1].replace(/^\(|\)$/g, '').split(',')) assigned.add(t.trim());
  }
  const out = new Map<string, string>();
  const prints = new RegExp(LABELLED_PRINT.source, LABELLED_PRINT.flags);
  for (let m = prints.exec(text); m; m = prints.exec(text)) {
    const [, f, , label, rest, argument] = m;
    const expression = f ? /\{([^{}]{1,120})\}/.exec(rest)?.[1] : argument;
    if (!expression || assigned.has(label)) continue;
    const target = printedName(expression.trim(), bindings);
    if (target && target !== label) out.set(label, target);
  }
  return out;
}

function printedName(expression: string, bindings: ReadonlyMap<string, string>): string | undefined {
  const m = /^([A-Za-z_][\w.]*?)((?:\.(?:shape|size\(\)|data|detach\(\)|numpy\(\)|cpu\(\)))*)$/.exec(expression);
  if (!m) return undefined;
  const bound = bindings.get(m[1]);
  if (bound) return bound;
  const attribute = /\.([A-Za-z_]\w*)$/.exec(m[1]);
  return attribute && ROLE_ATTRIBUTE.test(attribute[1]) ? m[1] : undefined;
}

/**
 * The arrays the text's code computes from a parameter the text also holds with values — `b = np.array(np.split(
 * bias_ih, 4))` after `bias_ih = lstm.state_dict()['bias_ih_l0'].numpy()`, `h = o * np.tanh(c)` after `o` was computed
 * from the weights — each with that parameter and the line that computes it. A name the code also binds to
 * anything else (a literal of its own) keeps its array: only a name every assignment derives is a copy.
 */
export function derivedCopies(arrays: readonly ExtractedArray[], code: string): Map<ExtractedArray, { source: string; line: string }> {
  const out = new Map<ExtractedArray, { source: string; line: string }>();
  if (!PARAMETER_REFERENCE.test(code)) return out;
  const sources = new Map<string, string>();
  const derived = new Map<string, { source: string; line: string }>();
  const other = new Set<string>();
  const lines = new RegExp(ASSIGNMENT.source, ASSIGNMENT.flags);
  for (let m = lines.exec(code); m; m = lines.exec(code)) {
    const targets = m[1].replace(/^\(|\)$/g, '').split(',').map((t) => t.trim());
    if (!targets.every((t) => /^[A-Za-z_]\w*$/.test(t))) continue;
    const right = m[2].trim().replace(/\s*#.*$/, '');
    const parameter = PARAMETER_REFERENCE.exec(right);
    const source = parameter ? `${parameter[1]}.${parameter[2]}` : right.match(/[A-Za-z_]\w*/g)?.map((w) => sources.get(w)).find((s) => s !== undefined);
    if (source === undefined) {
      for (const t of targets) other.add(t);
      continue;
    }
    const alias = parameter !== null && parameter.index === 0 && targets.length === 1 && SAME_VALUES.test(right.slice(parameter[0].length));
    for (const t of targets) {
      sources.set(t, source);
      if (!alias) derived.set(t, { source, line: m[0].trim() });
    }
  }
  const held = new Set(arrays.filter((a) => a.name !== undefined && !a.values.every(Number.isNaN)).map((a) => a.name!.replace(/\.data$/, '')));
  for (const a of arrays) {
    const d = a.name !== undefined && !a.path && !a.list && !other.has(a.name) ? derived.get(a.name) : undefined;
    if (d && held.has(d.source)) out.set(a, d);
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
