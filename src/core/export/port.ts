// The port script: Python that builds the target layer(s), loads the converted weights, runs one input through
// them and through the source framework when it is installed, and asserts the outputs agree with each other and
// with the output Gate Lens computed from the source weights (saved in the script), so the user proves the port on
// their own machine. The weights are embedded in full precision; nothing is read from elsewhere.

import { runModel } from '../forward';
import type { RecurrentLayer, Sequence } from '../model';
import { randomSequence } from '../random';
import { isConvertTarget, planConversion, type ConversionPlan, type ConvertTarget } from './plan';
import { pyArray, pyNumber } from './python';

const RUNTIME = String.raw`
def _keras(spec, x):
    import keras
    keras.config.set_floatx('float64')
    classes = {'lstm': 'LSTM', 'gru': 'GRU', 'simple_rnn': 'SimpleRNN'}
    inp = keras.Input(shape=x.shape[1:], dtype='float64')
    y, built = inp, []
    for L in spec['layers']:
        c = L['config']
        if c.get('keras_version_semantics', {}).get('hard_sigmoid') == 'keras2':
            raise RuntimeError('Keras 3 names x/6 + 1/2 hard_sigmoid; this layer needs Keras 2 hard_sigmoid')
        kw = {k: c[k] for k in ('activation', 'recurrent_activation', 'use_bias', 'reset_after', 'go_backwards') if k in c}
        layer = getattr(keras.layers, classes[L['cell']])(c['units'], return_sequences=True, **kw)
        if L['directions'] == 2:
            layer = keras.layers.Bidirectional(layer, merge_mode=c['bidirectional']['merge_mode'])
        y = layer(y)
        built.append(layer)
    model = keras.Model(inp, y)
    for layer, L in zip(built, spec['layers']):
        layer.set_weights([np.asarray(v, dtype=np.float64) for v in L['weights'].values()])
    return np.asarray(model(x, training=False), dtype=np.float64)


def _torch_module(L, num_layers):
    import torch
    c = L['config']
    kw = dict(input_size=c['input_size'], hidden_size=c['hidden_size'], num_layers=num_layers, bias=c['bias'],
              bidirectional=c['bidirectional'], batch_first=True)
    if L['cell'] == 'lstm':
        kw['proj_size'] = c.get('proj_size', 0)
    if L['cell'] == 'simple_rnn':
        kw['nonlinearity'] = c['nonlinearity']
    return {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'simple_rnn': torch.nn.RNN}[L['cell']](**kw).double()


def _torch(spec, x):
    import torch
    layers = spec['layers']
    weights = {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for L in layers for k, v in L['weights'].items()}
    if spec['single_module']:
        module = _torch_module(layers[0], len(layers))
    else:
        module = torch.nn.ModuleList([_torch_module(L, 1) for L in layers])
    module.load_state_dict(weights, strict=True)
    y = torch.from_numpy(x)
    with torch.no_grad():
        for m in ([module] if spec['single_module'] else module):
            y = m(y)[0]
    return y.numpy()


def _onnx(spec, x):
    from onnx import TensorProto, helper, numpy_helper
    from onnx.reference import ReferenceEvaluator
    ops = {'lstm': 'LSTM', 'gru': 'GRU', 'simple_rnn': 'RNN'}
    h = np.ascontiguousarray(np.transpose(x, (1, 0, 2)))
    for L in spec['layers']:
        by_role = {name.split('/')[-1]: name for name in L['weights']}
        inputs = ['X', by_role['W'], by_role['R'], by_role.get('B', '')]
        if 'P' in by_role:
            inputs += ['', '', '', by_role['P']]
        while inputs[-1] == '':
            inputs.pop()
        attrs = {k: v for k, v in L['config'].items() if k != 'layout'}
        outputs = ['Y', 'Y_h'] + (['Y_c'] if L['cell'] == 'lstm' else [])
        node = helper.make_node(ops[L['cell']], inputs, outputs, **attrs)
        inits = [numpy_helper.from_array(np.asarray(v, dtype=np.float64), name=n) for n, v in L['weights'].items()]
        graph = helper.make_graph([node], 'port', [helper.make_tensor_value_info('X', TensorProto.DOUBLE, None)],
                                  [helper.make_tensor_value_info('Y', TensorProto.DOUBLE, None)], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 14)])
        y = ReferenceEvaluator(model).run(['Y'], {'X': h})[0]
        h = np.ascontiguousarray(np.transpose(y, (0, 2, 1, 3)).reshape(y.shape[0], y.shape[2], -1))
    return np.transpose(h, (1, 0, 2))


RUNNERS = {'keras': _keras, 'pytorch': _torch, 'onnx': _onnx}
MODULES = {'keras': 'keras', 'pytorch': 'torch', 'onnx': 'onnx'}


def _installed(framework):
    import importlib.util
    return framework in MODULES and importlib.util.find_spec(MODULES[framework]) is not None


def _check(what, got, want):
    got = np.asarray(got, dtype=np.float64)
    if got.shape != want.shape:
        print(f'FAIL {what}: shape {got.shape} != {want.shape}')
        return False
    diff = float(np.max(np.abs(got - want)))
    ok = diff <= TOLERANCE
    print(f'{"ok  " if ok else "FAIL"} {what}: max |difference| = {diff:.3g} (tolerance {TOLERANCE:g})')
    return ok


def main():
    if not _installed(TARGET['framework']):
        print(f'{MODULES[TARGET["framework"]]} is not installed: the target cannot run here', file=sys.stderr)
        return 2
    target = RUNNERS[TARGET['framework']](TARGET, X)
    ok = _check(f'{TARGET["framework"]} (converted weights) vs the expected output', target, EXPECTED)
    if SOURCE is not None and _installed(SOURCE['framework']):
        source = RUNNERS[SOURCE['framework']](SOURCE, X)
        ok = _check(f'{TARGET["framework"]} (converted weights) vs {SOURCE["framework"]} (source weights)', target, source) and ok
    else:
        print('the source framework is not installed here: compared with the saved expected output only')
    print('PASS' if ok else 'FAILED')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
`;

/** Only in scripts whose PyTorch target is a reset-before GRU (the bytes of every other script stay as they were). */
const RESET_BEFORE_GRU = String.raw`
def _reset_before_gru(c, num_layers):
    import torch

    class ResetBeforeGRU(torch.nn.Module):
        # torch.nn.GRU's parameters (rows r, z, n) with the reset gate applied to h BEFORE the recurrent matmul
        # (Keras reset_after=False, ONNX linear_before_reset=0, TF1 GRUCell): n = tanh(W_in x + b_in + W_hn (r*h) + b_hn).
        def __init__(self, input_size, hidden_size, num_layers, bias, bidirectional):
            super().__init__()
            self.hidden_size, self.num_layers, self.bias = hidden_size, num_layers, bias
            self.suffixes = ['', '_reverse'] if bidirectional else ['']
            for k in range(num_layers):
                width = input_size if k == 0 else hidden_size * len(self.suffixes)
                for s in self.suffixes:
                    shapes = {'weight_ih': (3 * hidden_size, width), 'weight_hh': (3 * hidden_size, hidden_size)}
                    if bias:
                        shapes.update(bias_ih=(3 * hidden_size,), bias_hh=(3 * hidden_size,))
                    for name, shape in shapes.items():
                        self.register_parameter(f'{name}_l{k}{s}', torch.nn.Parameter(torch.zeros(shape, dtype=torch.float64)))

        def _direction(self, x, k, s, reverse):
            H = self.hidden_size
            w_ih, w_hh = getattr(self, f'weight_ih_l{k}{s}'), getattr(self, f'weight_hh_l{k}{s}')
            zeros = torch.zeros(3 * H, dtype=x.dtype)
            b_ih = getattr(self, f'bias_ih_l{k}{s}') if self.bias else zeros
            b_hh = getattr(self, f'bias_hh_l{k}{s}') if self.bias else zeros
            h = torch.zeros(x.shape[0], H, dtype=x.dtype)
            out = [None] * x.shape[1]
            for t in (range(x.shape[1] - 1, -1, -1) if reverse else range(x.shape[1])):
                gi = x[:, t] @ w_ih.T + b_ih
                r = torch.sigmoid(gi[:, :H] + h @ w_hh[:H].T + b_hh[:H])
                z = torch.sigmoid(gi[:, H:2 * H] + h @ w_hh[H:2 * H].T + b_hh[H:2 * H])
                n = torch.tanh(gi[:, 2 * H:] + (r * h) @ w_hh[2 * H:].T + b_hh[2 * H:])
                h = (1 - z) * n + z * h
                out[t] = h
            return torch.stack(out, 1)

        def forward(self, x):
            for k in range(self.num_layers):
                x = torch.cat([self._direction(x, k, s, s == '_reverse') for s in self.suffixes], -1)
            return x, None

    return ResetBeforeGRU(c['input_size'], c['hidden_size'], num_layers, c['bias'], c['bidirectional']).double()


_nn_torch_module = _torch_module


def _torch_module(L, num_layers):
    if L['cell'] == 'gru' and L['config'].get('reset_after') is False:
        return _reset_before_gru(L['config'], num_layers)
    return _nn_torch_module(L, num_layers)
`;

/** Only in scripts whose target or source is Flax (the bytes of every other script stay as they were). */
const FLAX = String.raw`
def _flax(spec, x):
    import jax
    jax.config.update('jax_enable_x64', True)
    import jax.numpy as jnp
    from flax import linen as nn
    from flax.traverse_util import flatten_dict, unflatten_dict
    cells = {'lstm': nn.LSTMCell, 'gru': nn.GRUCell, 'simple_rnn': nn.SimpleCell}

    def rnn(L):
        c = L['config']
        kw = {k: getattr(nn, {'softsign': 'soft_sign'}.get(c[k], c[k])) for k in ('gate_fn', 'activation_fn') if k in c}
        return nn.RNN(cells[L['cell']](features=c['features'], param_dtype=jnp.float64, dtype=jnp.float64, **kw))

    layers = [nn.Bidirectional(rnn(L), rnn(L)) if L['directions'] == 2 else rnn(L) for L in spec['layers']]
    module = layers[0] if len(layers) == 1 else nn.Sequential(layers)
    flat = {k: jnp.asarray(np.asarray(v, dtype=np.float64)) for L in spec['layers'] for k, v in L['weights'].items()}
    # As strict as load_state_dict(strict=True): exactly the parameters the module creates, with their shapes.
    created = flatten_dict(module.init(jax.random.PRNGKey(0), jnp.asarray(x)), sep='/')
    wrong = sorted(set(created) ^ set(flat)) + [k for k in created if k in flat and created[k].shape != flat[k].shape]
    if wrong:
        raise RuntimeError(f'the Flax module does not take these parameters: {wrong}')
    return np.asarray(module.apply(unflatten_dict(flat, sep='/'), jnp.asarray(x)), dtype=np.float64)


RUNNERS['flax'] = _flax
MODULES['flax'] = 'flax'
`;

const pyString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function pyConfig(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(pyConfig).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyString(k)}: ${pyConfig(x)}`).join(', ')}}`;
}

function specLiteral(plan: ConversionPlan): string {
  const lines = [`{'framework': ${pyString(plan.target)}, 'single_module': ${plan.singleTorchModule ? 'True' : 'False'}, 'layers': [`];
  for (const cl of plan.layers) {
    const config = plan.target === 'keras' ? { ...cl.config, return_sequences: true } : cl.config;
    lines.push(`    {'cell': ${pyString(cl.layer.cell)}, 'directions': ${cl.layer.directions.length}, 'config': ${pyConfig(config)}, 'weights': {`);
    for (const a of cl.arrays) lines.push(`        ${pyString(a.name)}: ${pyArray(a.tensor, 'float64', '        ')},`);
    lines.push('    }},');
  }
  lines.push(']}');
  return lines.join('\n');
}

function sequenceLiteral(s: Sequence): string {
  return pyArray({ shape: [s.batch, s.steps, s.features], data: s.data }, 'float64', '');
}

export interface PortOptions {
  readonly tool: string;
  readonly from: string;
  /** Seed of the input drawn for the check (core/random.ts randomSequence, uniform in [−1, 1)). */
  readonly seed?: number;
  readonly batch?: number;
  readonly steps?: number;
  readonly tolerance?: number;
}

/**
 * The port script for `plan` (already converted from `sourceLayers`). The expected output is Gate Lens's float64
 * forward pass of the source layers (every step returned), the same numbers the frameworks give to ~1e-15.
 */
export function encodePortScript(plan: ConversionPlan, sourceLayers: readonly RecurrentLayer[], options: PortOptions): string {
  const x = randomSequence(options.seed ?? 1, options.batch ?? 2, options.steps ?? 5, sourceLayers[0].inputSize);
  const fullSequences = sourceLayers.map((l) => ({ ...l, returnSequences: true }));
  const expected = runModel({ layers: fullSequences }, x).output;
  const source = plan.source;
  let sourcePlan: ConversionPlan | undefined;
  if (source !== undefined && isConvertTarget(source) && source !== plan.target) {
    try { sourcePlan = planConversion(sourceLayers, source as ConvertTarget); } catch { sourcePlan = undefined; }
  }
  const out: string[] = [];
  out.push('#!/usr/bin/env python3');
  out.push(`"""Port check written by ${options.tool}: ${options.from} (${source ?? 'unknown convention'}) → ${plan.target}.`);
  out.push('');
  out.push(`Builds the ${plan.target} layer(s), loads the converted weights (TARGET), runs X through them and, when`);
  out.push(`${sourcePlan ? `${sourcePlan.target} is installed, through the source weights (SOURCE)` : 'the source framework is installed, through the source'}; asserts both agree with each other`);
  out.push('and with EXPECTED, the float64 output Gate Lens computed from the source weights. Needs numpy and the target');
  out.push(`framework (${plan.target === 'flax' ? 'jax and flax' : 'keras 3, torch or onnx'}). Exit code 0 = the port is exact, 1 = it is not, 2 = cannot run here.`);
  for (const n of plan.notes) out.push(n);
  out.push('"""');
  out.push('import sys', '', 'import numpy as np', '');
  out.push(`TOLERANCE = ${pyNumber(options.tolerance ?? 1e-12)}`);
  out.push(`X = ${sequenceLiteral(x)}  # [batch, T, features]`);
  out.push(`EXPECTED = ${sequenceLiteral(expected)}  # [batch, T, outputs]`);
  out.push(`TARGET = ${specLiteral(plan)}`);
  out.push(`SOURCE = ${sourcePlan ? specLiteral(sourcePlan) : 'None'}`);
  // RUNTIME ends by calling main(); the custom module and the Flax runner have to be defined before that call.
  const mainCall = RUNTIME.lastIndexOf("\nif __name__ == '__main__':");
  const extra = (plan.layers.some((l) => l.config['reset_after'] === false && plan.target === 'pytorch') ? RESET_BEFORE_GRU : '') +
    (plan.target === 'flax' || sourcePlan?.target === 'flax' ? FLAX : '');
  out.push(extra ? RUNTIME.slice(0, mainCall) + extra + RUNTIME.slice(mainCall) : RUNTIME);
  return out.join('\n');
}
