// What an array's name says about it: which framework wrote it, which layer it belongs to, its role in that layer
// and its direction. Names are evidence, not proof: the shapes still have to agree (see layers.ts).
// Name forms (reference/gate-conventions.md §7): Keras 2 h5 `lstm_1/kernel:0`, tf.keras `lstm/lstm_cell/kernel:0`,
// Keras 3 `.keras` `layers/lstm/cell/vars/0`, Bidirectional `forward_lstm/...`; PyTorch state_dict keys
// `weight_ih_l{k}[_reverse]` (torch/nn/modules/rnn.py `_flat_weights_names`); ONNX LSTM/GRU/RNN inputs W, R, B, P.

import { ADAPTERS, type CellKind, type ConventionId } from '../conventions';
import type { ExtractedArray } from '../parse/types';

/** `adapter`: a convention whose own adapter recognised the name (NameInfo.convention says which). */
export type NameFamily = 'keras' | 'pytorch' | 'onnx' | 'tf1' | 'data' | 'adapter';

export interface NameInfo {
  readonly family: NameFamily;
  /** For family `adapter`: the convention whose name rules matched. */
  readonly convention?: ConventionId;
  /** Layer key: arrays with the same key belong to one layer. */
  readonly group: string;
  /** The module a PyTorch layer belongs to (all l{k} of one nn.LSTM), else the group. */
  readonly module: string;
  /** PyTorch l{k}. */
  readonly layerIndex?: number;
  /** kernel, recurrent_kernel, bias, weight_ih, weight_hh, bias_ih, bias_hh, weight_hr, W, R, B, P, dense_kernel, dense_bias, dense_weight, tf1_kernel, data. */
  readonly role: string;
  readonly direction: 0 | 1;
  /** The layer kind the name itself suggests (lstm in `lstm_1`, dense in `dense/kernel`). */
  readonly kindHint?: CellKind | 'dense';
  /** A TF1-style cell scope (`rnn/lstm_cell/kernel`) was present. */
  readonly cellScope?: string;
  /** Human phrase for evidence: "lstm_1/kernel:0". */
  readonly written: string;
  /** For family `adapter`: a name the adapter claims only beside its other names (NamedArray.companion). */
  readonly companion?: boolean;
}

/** The name to classify: JSON/dict nesting joined with '/', then the array's own name. */
export function fullName(a: ExtractedArray): string | undefined {
  const parts = [...(a.path ?? []), ...(a.name !== undefined ? [a.name] : [])];
  return parts.length ? parts.join('/') : undefined;
}

function kindOf(component: string): CellKind | 'dense' | undefined {
  const c = component.toLowerCase();
  if (/(^|_)(simple_?rnn|rnn)(_|\d|$)/.test(c) && !/lstm|gru/.test(c)) return 'simple_rnn';
  if (/lstm/.test(c)) return 'lstm';
  if (/gru/.test(c)) return 'gru';
  if (/^(dense|fc|linear|head|out|output|classifier|decoder|readout|proj)(_?\d+)?$/.test(c)) return 'dense';
  return undefined;
}

const DATA_NAMES = /^(x|xs|x_?\d*|inputs?|input_?seq|sequence|seq|h_?0|c_?0|initial_[hc]|sequence_lens|y|ys|y_h|y_c|outputs?|expected|target|h_n|c_n|hn|cn|state|states)$/i;

const TORCH_ROLE = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)(?:_l(\d+))?(_reverse)?$/;
const KERAS_ROLES = new Set(['kernel', 'recurrent_kernel', 'bias']);

/**
 * `signalled`: conventions whose nameSignal the file's code shows (recognize/shared-names.ts); their adapters may
 * then claim names too common to claim otherwise.
 */
export function classifyName(a: ExtractedArray, signalled?: ReadonlySet<ConventionId>): NameInfo | undefined {
  const written = fullName(a);
  if (written === undefined) return undefined;
  // `lstm.weight_hh_l0.data = …` assigns the parameter itself.
  const stripped = written.replace(/:\d+$/, '').replace(/\.data$/, '');
  const parts = stripped.split(/[/.]/).filter((p) => p.length > 0);
  if (!parts.length) return undefined;
  const last = parts[parts.length - 1];

  // Conventions that bring their own name rules (Flax ii/kernel, ...).
  for (const a of ADAPTERS) {
    const hit = 'classifyName' in a ? a.classifyName?.(parts, signalled?.has(a.id) ?? false) : undefined;
    if (hit) return { family: 'adapter', convention: a.id, group: hit.group, module: hit.group, role: hit.role, direction: hit.direction, written, ...(hit.companion ? { companion: true } : {}) };
  }

  // PyTorch state_dict keys.
  const torch = TORCH_ROLE.exec(last);
  if (torch) {
    const prefix = parts.slice(0, -1).join('.');
    const k = torch[2] !== undefined ? Number(torch[2]) : 0;
    return {
      family: 'pytorch', group: `${prefix}#l${k}`, module: prefix, layerIndex: k, role: torch[1],
      direction: torch[3] ? 1 : 0, kindHint: kindOfAny(parts.slice(0, -1)), written,
    };
  }

  // Keras 3 `.keras` / `.weights.h5` tree: <path>/vars/<i>.
  if (/^\d+$/.test(last) && parts.length >= 2 && parts[parts.length - 2] === 'vars') {
    const idx = Number(last);
    const scope = parts.slice(0, -2);
    const hasCell = scope.includes('cell');
    const { group, direction, kindHint } = kerasScope(scope.filter((p) => p !== 'cell'));
    if (hasCell) {
      const role = ['kernel', 'recurrent_kernel', 'bias'][idx];
      if (!role) return undefined;
      return { family: 'keras', group, module: group, role, direction, kindHint, written };
    }
    const role = ['dense_kernel', 'dense_bias'][idx];
    if (!role) return undefined;
    return { family: 'keras', group, module: group, role, direction, kindHint: kindHint ?? 'dense', written };
  }

  // TF1 LSTMCell peepholes (w_i_diag, ...; LSTMBlockCell wci, ...), tensorflow/python/ops/rnn_cell_impl.py.
  if (/^(w_[ifo]_diag|wc[ifo])$/.test(last) && parts.length >= 2) {
    const info = kerasScoped(parts.slice(0, -1), last, written);
    return { ...info, family: 'tf1' };
  }

  // `fc.bias` is a PyTorch module's bias, the partner of `fc.weight` (Keras joins scopes with '/', never '.').
  if (last === 'bias' && parts.length >= 2 && stripped.slice(stripped.lastIndexOf('/') + 1).includes('.')) {
    const prefix = parts.slice(0, -1).join('.');
    return { family: 'pytorch', group: prefix, module: prefix, role: 'dense_bias', direction: 0, kindHint: kindOfAny(parts.slice(0, -1)) ?? 'dense', written };
  }

  // TF1 GRUCell: rnn/gru_cell/gates/kernel, .../candidate/bias (rnn_cell_impl.py GRUCell.build); the shapes confirm it.
  if ((last === 'kernel' || last === 'bias') && parts.length >= 2 && (parts[parts.length - 2] === 'gates' || parts[parts.length - 2] === 'candidate')) {
    return tf1GruScoped(parts.slice(0, -2), `${parts[parts.length - 2]}/${last}`, written);
  }

  // Keras scoped names: lstm_1/kernel:0, lstm/lstm_cell/kernel, bidirectional/forward_lstm/lstm_cell/kernel:0.
  if (KERAS_ROLES.has(last) && parts.length >= 1) {
    // TF1 num_proj: rnn/lstm_cell/projection/kernel.
    if (last === 'kernel' && parts.length >= 3 && parts[parts.length - 2] === 'projection') {
      const info = kerasScoped(parts.slice(0, -2), 'projection/kernel', written);
      return { ...info, family: 'tf1' };
    }
    return kerasScoped(parts.slice(0, -1), last, written);
  }

  // Flattened Keras names: lstm_1_kernel_0, lstm_1_recurrent_kernel_0, dense_bias_0, kernel_0.
  const flat = /^(.*?)_?(recurrent_kernel|kernel|bias)(?:_(\d+))?$/.exec(last);
  if (flat && (flat[1] === '' || last.startsWith(`${flat[1]}_`))) {
    const scope = [...parts.slice(0, -1), ...(flat[1] ? [flat[1]] : [])];
    return kerasScoped(scope, flat[2], written);
  }

  // PyTorch modules: fc.weight / fc.bias (a Linear head, or something else: the shape decides).
  if ((last === 'weight' || last === 'bias') && parts.length >= 2) {
    const prefix = parts.slice(0, -1).join('.');
    return { family: 'pytorch', group: prefix, module: prefix, role: last === 'weight' ? 'dense_weight' : 'dense_bias', direction: 0, kindHint: kindOfAny(parts.slice(0, -1)) ?? 'dense', written };
  }

  // ONNX initializers: W, R, B, P, also prefixed (lstm_W, /lstm/W, lstm.W).
  const onnxLast = last.split('_');
  const onnxRole = onnxLast[onnxLast.length - 1];
  if (/^[WRBP]$/.test(onnxRole) && (onnxLast.length === 1 || onnxLast.length >= 2)) {
    const prefix = [...parts.slice(0, -1), ...onnxLast.slice(0, -1)].join('/');
    if (onnxLast.length > 1 || parts.length >= 1) {
      return { family: 'onnx', group: prefix, module: prefix, role: onnxRole, direction: 0, kindHint: kindOfAny([...parts.slice(0, -1), ...onnxLast.slice(0, -1)]), written };
    }
  }

  if (parts.length === 1 && DATA_NAMES.test(last)) {
    return { family: 'data', group: '', module: '', role: 'data', direction: 0, written };
  }
  return undefined;
}

function kindOfAny(parts: readonly string[]): CellKind | 'dense' | undefined {
  for (let k = parts.length - 1; k >= 0; k--) {
    const kind = kindOf(parts[k]);
    if (kind) return kind;
  }
  return undefined;
}

function kerasScope(scopeIn: readonly string[]): { group: string; direction: 0 | 1; kindHint?: CellKind | 'dense'; cellScope?: string } {
  let scope = scopeIn.filter((p) => p !== 'model_weights' && p !== 'layers' && p !== 'layer');
  // h5 files repeat the layer name: model_weights/lstm_1/lstm_1/kernel:0.
  scope = scope.filter((p, k) => k === 0 || p !== scope[k - 1]);
  let direction: 0 | 1 = 0;
  let kindHint: CellKind | 'dense' | undefined;
  let cellScope: string | undefined;
  const kept: string[] = [];
  for (const p of scope) {
    const dir = /^(forward|backward)_(.+)$/.exec(p);
    if (p === 'forward_layer' || p === 'backward_layer') {
      direction = p === 'backward_layer' ? 1 : 0;
      continue;
    }
    if (dir) {
      direction = dir[1] === 'backward' ? 1 : 0;
      kindHint = kindOf(dir[2]) ?? kindHint;
      if (!kept.length) kept.push(dir[2]);
      continue;
    }
    if (/_cell(_\d+)?$/.test(p)) {
      cellScope = p;
      kindHint = kindHint ?? kindOf(p);
      continue;
    }
    kept.push(p);
  }
  kindHint = kindHint ?? kindOfAny(kept);
  return { group: kept.join('/'), direction, kindHint, cellScope };
}

/** A TF1 GRUCell array: bidirectional_dynamic_rnn's fw/bw scopes are its directions, not layers of their own. */
function tf1GruScoped(scope: readonly string[], role: string, written: string): NameInfo {
  const { group, direction, cellScope } = kerasScope(scope);
  const dir = /(^|\/)(fw|bw)$/.exec(group);
  const layer = dir ? group.slice(0, group.length - dir[0].length) : group;
  return { family: 'tf1', group: layer, module: layer, role, direction: dir ? (dir[2] === 'bw' ? 1 : 0) : direction, kindHint: 'gru', cellScope, written };
}

function kerasScoped(scope: readonly string[], role: string, written: string): NameInfo {
  const { group, direction, kindHint, cellScope } = kerasScope(scope);
  // TF1 graphs: rnn/lstm_cell/kernel acts on [x, h] and has no recurrent kernel; the layer shapes confirm it.
  const tf1 = cellScope !== undefined && /^(lstm_cell|basic_lstm_cell)(_\d+)?$/.test(cellScope) && /(^|\/)(rnn|multi_rnn_cell|cell_\d+|fw|bw)(\/|$)/.test(group);
  if (kindHint === 'dense') {
    return { family: 'keras', group, module: group, role: role === 'bias' ? 'dense_bias' : 'dense_kernel', direction, kindHint, written };
  }
  // bidirectional_dynamic_rnn: bidirectional_rnn/fw/lstm_cell/kernel and .../bw/... are the two directions of one layer.
  const tf1Dir = tf1 ? /(^|\/)(fw|bw)$/.exec(group) : null;
  if (tf1Dir) {
    const layer = group.slice(0, group.length - tf1Dir[0].length);
    return { family: 'tf1', group: layer, module: layer, role, direction: tf1Dir[2] === 'bw' ? 1 : 0, kindHint, cellScope, written };
  }
  return { family: tf1 ? 'tf1' : 'keras', group, module: group, role, direction, kindHint, cellScope, written };
}

/**
 * Every array's name read at once: a companion name (a bias called `bias`) stays its adapter's only when a
 * non-companion name of the same adapter and group is there too; otherwise it is read as if that adapter had no claim.
 */
export function classifyNames(arrays: readonly ExtractedArray[], signalled: ReadonlySet<ConventionId>): Map<ExtractedArray, NameInfo | undefined> {
  const out = new Map<ExtractedArray, NameInfo | undefined>();
  const anchored = new Set<string>();
  for (const a of arrays) {
    const info = a.list ? undefined : classifyName(a, signalled);
    out.set(a, info);
    if (info?.family === 'adapter' && !info.companion) anchored.add(`${info.convention}|${info.group}`);
  }
  for (const [a, info] of out) {
    if (info?.family !== 'adapter' || !info.companion || anchored.has(`${info.convention}|${info.group}`)) continue;
    out.set(a, classifyName(a, new Set([...signalled].filter((id) => id !== info.convention))));
  }
  return out;
}
