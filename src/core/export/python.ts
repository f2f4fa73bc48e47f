// The converted arrays as Python source: `np.array` literals in the target's native layout, every float64 written
// in full (JavaScript's shortest round-trip form parses back to the same double in Python), named as the target
// framework names them, with the constructor and the line that loads them.

import type { NativeTensor } from '../convert';
import type { ConversionPlan, ConvertedLayer, ExportDtype } from './plan';

/** A Python float literal for `v` that parses back to the same double (−0 keeps its sign). */
export function pyNumber(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`internal: ${v} cannot be written as a weight`);
  if (Object.is(v, -0)) return '-0.0';
  return String(v);
}

/** A nested list literal, one innermost row per line. */
export function pyNestedList(t: NativeTensor, indent: string): string {
  const { shape, data } = t;
  if (shape.length === 0) return pyNumber(data[0]);
  const walk = (offset: number, axis: number, pad: string): string => {
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const items: string[] = [];
    for (let k = 0; k < shape[axis]; k++) {
      items.push(axis === shape.length - 1 ? pyNumber(data[offset + k]) : walk(offset + k * stride, axis + 1, pad + ' '));
    }
    return axis === shape.length - 1 ? `[${items.join(', ')}]` : `[${items.join(`,\n${pad} `)}]`;
  };
  return walk(0, 0, indent);
}

export function pyArray(t: NativeTensor, dtype: ExportDtype, indent: string): string {
  const prefix = 'np.array(';
  return `${prefix}${pyNestedList(t, indent + ' '.repeat(prefix.length))}, dtype=np.${dtype})`;
}

const pyString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function pyValue(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyString(k)}: ${pyValue(x)}`).join(', ')}}`;
}

const KERAS_CLASS = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'SimpleRNN' } as const;
const TORCH_CLASS = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' } as const;
const ONNX_OP = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' } as const;

/** Keras layer arguments that change the numbers (the rest are Keras defaults). */
export function kerasLayerArgs(cl: ConvertedLayer): string {
  const c = cl.config;
  const args = [`${c['units']}`];
  if (c['activation'] !== undefined && c['activation'] !== 'tanh') args.push(`activation=${pyValue(c['activation'])}`);
  if (c['recurrent_activation'] !== undefined && c['recurrent_activation'] !== 'sigmoid') args.push(`recurrent_activation=${pyValue(c['recurrent_activation'])}`);
  if (c['use_bias'] === false) args.push('use_bias=False');
  if (cl.layer.cell === 'gru') args.push(`reset_after=${pyValue(c['reset_after'])}`);
  if (c['go_backwards'] === true) args.push('go_backwards=True');
  args.push(`return_sequences=${c['return_sequences'] === false ? 'False' : 'True'}`);
  return args.join(', ');
}

export function kerasConstructor(cl: ConvertedLayer): string {
  const inner = `keras.layers.${KERAS_CLASS[cl.layer.cell]}(${kerasLayerArgs(cl)})`;
  if (cl.layer.directions.length !== 2) return inner;
  const merge = cl.config['bidirectional'] as { merge_mode: string | null };
  return `keras.layers.Bidirectional(${inner}${merge.merge_mode === 'concat' ? '' : `, merge_mode=${pyValue(merge.merge_mode)}`})`;
}

export function torchConstructor(layers: readonly ConvertedLayer[], numLayers: number): string {
  const l = layers[0].layer, c = layers[0].config;
  const args = [`input_size=${l.inputSize}`, `hidden_size=${l.units}`];
  if (numLayers > 1) args.push(`num_layers=${numLayers}`);
  if (c['bias'] === false) args.push('bias=False');
  if (l.directions.length === 2) args.push('bidirectional=True');
  if (l.cell === 'lstm' && (c['proj_size'] as number) > 0) args.push(`proj_size=${c['proj_size']}`);
  if (l.cell === 'simple_rnn' && c['nonlinearity'] !== 'tanh') args.push(`nonlinearity=${pyValue(c['nonlinearity'])}`);
  return `torch.nn.${TORCH_CLASS[l.cell]}(${args.join(', ')})`;
}

export function onnxNode(cl: ConvertedLayer): string {
  const roles = cl.arrays.map((a) => a.name);
  const attrs = Object.entries(cl.config).filter(([k]) => k !== 'layout').map(([k, v]) => `${k}=${pyValue(v)}`);
  return `onnx.helper.make_node('${ONNX_OP[cl.layer.cell]}', ['X', ${roles.map(pyString).join(', ')}], ['Y', 'Y_h'${cl.layer.cell === 'lstm' ? ", 'Y_c'" : ''}], ${attrs.join(', ')})`;
}

const FLAX_CELL = { lstm: 'LSTMCell', gru: 'GRUCell', simple_rnn: 'SimpleCell' } as const;

/** A jax/flax.linen activation name (configFromLayer's) as the flax.linen attribute. */
export const flaxFunction = (name: string): string => `nn.${name === 'softsign' ? 'soft_sign' : name}`;

/** The flax.linen module that holds the converted layers under the plan's parameter paths (plan.ts flaxPath). */
export function flaxModule(plan: ConversionPlan): string {
  const rnn = (cl: ConvertedLayer): string => {
    const c = cl.config;
    const args = [`features=${c['features']}`];
    if (c['gate_fn'] !== undefined) args.push(`gate_fn=${flaxFunction(c['gate_fn'] as string)}`);
    if (c['activation_fn'] !== undefined) args.push(`activation_fn=${flaxFunction(c['activation_fn'] as string)}`);
    args.push('param_dtype=jnp.float64', 'dtype=jnp.float64');
    const one = `nn.RNN(nn.${FLAX_CELL[cl.layer.cell]}(${args.join(', ')}))`;
    return cl.layer.directions.length === 2 ? `nn.Bidirectional(${one}, ${one})` : one;
  };
  return plan.layers.length === 1 ? rnn(plan.layers[0]) : `nn.Sequential([${plan.layers.map(rnn).join(', ')}])`;
}

/** How to build the target layer(s) and load the arrays, as Python comment lines. */
export function loadingHints(plan: ConversionPlan, dictName: string): string[] {
  const lines: string[] = [];
  if (plan.target === 'pytorch') {
    if (plan.singleTorchModule) {
      lines.push(`module = ${torchConstructor(plan.layers, plan.layers.length)}  # batch_first as you like`);
      lines.push(`module.load_state_dict({k: torch.from_numpy(v) for k, v in ${dictName}.items()})  # keys = its state_dict keys`);
    } else {
      lines.push(`layers = torch.nn.ModuleList([${plan.layers.map((cl) => torchConstructor([cl], 1)).join(', ')}])`);
      lines.push(`layers.load_state_dict({k: torch.from_numpy(v) for k, v in ${dictName}.items()})`);
    }
  } else if (plan.target === 'keras') {
    plan.layers.forEach((cl, k) => {
      lines.push(`layer${plan.layers.length > 1 ? k : ''} = ${kerasConstructor(cl)}  # input size ${cl.layer.inputSize}`);
      const pick = cl.prefix ? ` if k.startswith(${pyString(cl.prefix)})` : '';
      lines.push(`layer${plan.layers.length > 1 ? k : ''}.set_weights([v for k, v in ${dictName}.items()${pick}])  # after the layer is built; set_weights order`);
    });
  } else if (plan.target === 'flax') {
    const bi = plan.layers[plan.layers.length - 1].layer.directions.length === 2;
    lines.push('import jax, jax.numpy as jnp; from flax import linen as nn');
    lines.push("jax.config.update('jax_enable_x64', True)  # float64, before any array is made");
    lines.push(`module = ${flaxModule(plan)}`);
    lines.push(`y = module.apply(variables, x)  # x is [batch, T, input]; y is [batch, T, outputs]${bi ? ' (forward then backward features)' : ''}`);
  } else {
    for (const cl of plan.layers) lines.push(`${onnxNode(cl)}${cl.prefix ? `  # arrays ${cl.prefix}*` : ''}`);
    lines.push('X is [T, batch, input]; Y is [T, num_directions, batch, hidden]');
  }
  return lines;
}

/** flax.traverse_util.unflatten_dict(flat_variables, sep='/') without importing flax: the dict module.apply takes. */
const FLAX_NESTING = [
  "# The nested variables dict module.apply takes (the same as flax.traverse_util.unflatten_dict(flat_variables, sep='/')).",
  'variables = {}',
  'for _path, _value in flat_variables.items():',
  '    _node = variables',
  "    for _scope in _path.split('/')[:-1]:",
  '        _node = _node.setdefault(_scope, {})',
  "    _node[_path.split('/')[-1]] = _value",
  '',
];

export interface PythonHeader {
  readonly tool: string;
  readonly from: string;
}

/** The `.py` / `.txt` artifact: one dict of named arrays in the target framework's order. */
export function encodePythonArrays(plan: ConversionPlan, dtype: ExportDtype, header: PythonHeader): string {
  const dictName = plan.target === 'pytorch' ? 'state_dict' : plan.target === 'keras' ? 'weights' : plan.target === 'flax' ? 'flat_variables' : 'initializers';
  const out: string[] = [];
  out.push(`# ${header.tool}: ${header.from} converted to ${plan.target} (${dtype}, every value written in full)`);
  for (const n of plan.notes) out.push(`# ${n}`);
  out.push('#');
  for (const l of loadingHints(plan, dictName)) out.push(`#   ${l}`);
  out.push('import numpy as np', '', `${dictName} = {`);
  for (const a of plan.arrays) out.push(`    ${pyString(a.name)}: ${pyArray(a.tensor, dtype, '    ')},  # ${a.tensor.shape.join('×')}`);
  out.push('}', '');
  if (plan.target === 'flax') out.push(...FLAX_NESTING);
  return out.join('\n');
}
