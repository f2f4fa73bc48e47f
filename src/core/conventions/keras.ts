// Keras 2 / 3 and tf.keras: LSTM, GRU, SimpleRNN.
//   kernel (I, G·H) and recurrent_kernel (H, G·H) act as x·K, so canonical W = kernelᵀ. One bias (G·H), except
//   GRU reset_after=True: bias (2, G·H), row 0 input bias, row 1 recurrent bias
//   (keras/src/layers/rnn/gru.py build and call: `input_bias, recurrent_bias = ops.unstack(self.bias)`).

import { GateLensError } from '../model';
import { blockSlice, concat, add, pyArray, transpose, type NumpyLayout, type DirectionParams } from '../codegen/numpy-arrays';
import { GH, GRU_ZRH, LSTM_IFCO, RNN_H, gateCount } from './gates';
import {
  KERAS_CONFIG_KEYS, KERAS_ROLE_TITLES, kerasActivationIn, kerasCandidateTensors, kerasConfigFromLayer, kerasOptionsFromConfig, kerasPackedAxisOf, kerasLayout, kerasPrefix,
} from './keras-common';
import {
  checkTensor, columnsFromCanonical, columnsToCanonical, deferredMatrices, fmtShape, get, incompatible, isZero, missingNotAllowed, optionalAllowed,
  requireTensor, rowsFromCanonical, sameShape, sumBias, tensor, vectorToCanonical, zeros, type ShapeRules,
} from './layout';
import type { ConventionAdapter, ConventionSpec, Dims, NativeTensors } from './types';
import type { DirectionWeights } from '../model';

/** Keras GRU keeps one (3H,) bias when reset_after=False; the registry lists the default (2, 3H). */
function kerasRules(spec: ConventionSpec, resetAfter: boolean | undefined): ShapeRules {
  const gruBias = spec.cell === 'gru';
  return {
    shapeOf: (role) => (gruBias && role === 'bias' && resetAfter === false ? [GH(3)] : undefined),
    hints: (role, shape, dims: Dims) => {
      if (!gruBias || role !== 'bias') return [];
      const out: string[] = [];
      if (sameShape(shape, [3 * dims.H])) out.push('a (3·H,) bias is a GRU with reset_after=False');
      if (sameShape(shape, [2, 3 * dims.H])) out.push('a (2, 3·H) bias is a GRU with reset_after=True');
      return out;
    },
  };
}

export const kerasAdapter: ConventionAdapter<'keras'> = {
  id: 'keras',
  title: 'Keras',
  description: 'Keras 2 / 3 and tf.keras: kernel (I, G·H), recurrent_kernel (H, G·H), gates i, f, c, o / z, r, h.',
  verification: 'verified',
  sources: [
    { fact: 'LSTM gate order i, f, c, o; one bias; unit_forget_bias', url: 'https://github.com/keras-team/keras/blob/master/keras/src/layers/rnn/lstm.py' },
    { fact: 'GRU gate order z, r, h; reset_after=True default; bias (2, 3H)', url: 'https://github.com/keras-team/keras/blob/master/keras/src/layers/rnn/gru.py' },
    { fact: 'SimpleRNN kernel, recurrent_kernel, bias', url: 'https://github.com/keras-team/keras/blob/master/keras/src/layers/rnn/simple_rnn.py' },
  ],
  layerNames: { lstm: '`LSTM`', gru: '`GRU`', simple_rnn: '`SimpleRNN`' },
  outputLayout: 'keras',
  cells: [
    {
      cell: 'lstm', framework: 'Keras', gateOrder: LSTM_IFCO, packedAxis: 'columns', bias: 'single', stateOrder: ['h', 'c'],
      tensors: [{ role: 'kernel', shape: ['I', GH(4)] }, { role: 'recurrent_kernel', shape: ['H', GH(4)] }, { role: 'bias', shape: [GH(4)], optional: true }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
      notes: ['unit_forget_bias=True (default) initialises bias[H:2H] to 1.0.'],
    },
    {
      cell: 'gru', framework: 'Keras', gateOrder: GRU_ZRH, packedAxis: 'columns', bias: 'keras_gru_2xGH', stateOrder: ['h'], defaultResetAfter: true,
      tensors: [{ role: 'kernel', shape: ['I', GH(3)] }, { role: 'recurrent_kernel', shape: ['H', GH(3)] }, { role: 'bias', shape: [2, GH(3)], optional: true, note: 'shape (3H,) when reset_after=False' }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
      notes: ['reset_after=True is the default in tf.keras 2.x and Keras 3; False in standalone Keras <= 2.3.1 and gru_v1.'],
    },
    {
      cell: 'simple_rnn', framework: 'Keras', gateOrder: RNN_H, packedAxis: 'columns', bias: 'single', stateOrder: ['h'],
      tensors: [{ role: 'kernel', shape: ['I', 'H'] }, { role: 'recurrent_kernel', shape: ['H', 'H'] }, { role: 'bias', shape: ['H'], optional: true }],
      defaultActivations: { candidate: 'tanh' },
    },
  ],
  configKeys: KERAS_CONFIG_KEYS,
  capabilities: { goBackwards: true, mergeModes: true },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const { perm, prefixes, dims } = kerasLayout(spec, tensors, opts);
    const { I, H } = dims;
    let resetAfter: boolean | undefined;
    if (spec.cell === 'gru') {
      const b = get(tensors, prefixes[0].map((p) => p + 'bias'));
      const fromShape = b ? b.t.shape.length === 2 : undefined;
      if (opts.resetAfter !== undefined && fromShape !== undefined && opts.resetAfter !== fromShape) {
        throw new GateLensError('shape-mismatch',
          `${b!.key} has shape ${fmtShape(b!.t.shape)}, which is a GRU with reset_after=${fromShape ? 'True' : 'False'}, but reset_after=${opts.resetAfter ? 'True' : 'False'} was given.`);
      }
      resetAfter = opts.resetAfter ?? fromShape ?? spec.defaultResetAfter ?? true;
    }
    const rules = kerasRules(spec, resetAfter);
    let useBias = true;
    const directions: DirectionWeights[] = [];
    for (const pre of prefixes) {
      const key = (role: string) => pre.map((p) => p + role);
      const kernel = requireTensor(spec, tensors, key('kernel'), 'input kernel');
      checkTensor(spec, 'kernel', kernel.key, kernel.t, dims, rules);
      const bias = get(tensors, key('bias'));
      if (bias) checkTensor(spec, 'bias', bias.key, bias.t, dims, rules);
      else if (!optionalAllowed(spec, 'bias')) missingNotAllowed(spec, key('bias')[0]);
      else useBias = false;
      const rk = requireTensor(spec, tensors, key('recurrent_kernel'), 'recurrent kernel');
      checkTensor(spec, 'recurrent_kernel', rk.key, rk.t, dims, rules);
      let bW = zeros(G * H), bR = zeros(G * H);
      if (bias) {
        bW = vectorToCanonical(bias.t.data, 0, perm, H);
        if (bias.t.shape.length === 2) bR = vectorToCanonical(bias.t.data, G * H, perm, H);
      }
      directions.push(deferredMatrices(() => columnsToCanonical(kernel.t.data, G * H, 0, I, perm, H), () => columnsToCanonical(rk.t.data, G * H, 0, H, perm, H), { bW, bR }));
    }
    return { directions, dims, resetAfter, useBias };
  },

  toNative(layer, spec, { perm, withBias, separateRecurrentBias }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const prefix = kerasPrefix(D, d);
      const kernel = new Float64Array(I * G * H), rk = new Float64Array(H * G * H);
      columnsFromCanonical(dw.W, perm, H, I, kernel, G * H, 0);
      columnsFromCanonical(dw.R, perm, H, H, rk, G * H, 0);
      out[`${prefix}kernel`] = tensor([I, G * H], kernel);
      out[`${prefix}recurrent_kernel`] = tensor([H, G * H], rk);
      if (!withBias) {
        if (!isZero(dw.bW) || !isZero(dw.bR)) incompatible(layer, spec, 'useBias is false but the biases are not zero');
        return;
      }
      if (separateRecurrentBias) {
        const b = new Float64Array(2 * G * H);
        rowsFromCanonical(dw.bW, perm, H, 1, b, 0);
        rowsFromCanonical(dw.bR, perm, H, 1, b, G * H);
        out[`${prefix}bias`] = tensor([2, G * H], b);
      } else {
        const b = new Float64Array(G * H);
        rowsFromCanonical(sumBias(dw.bW, dw.bR), perm, H, 1, b, 0);
        out[`${prefix}bias`] = tensor([G * H], b);
      }
    });
    return out;
  },

  optionsFromConfig: kerasOptionsFromConfig,
  configFromLayer: (layer, plain) => kerasConfigFromLayer(layer, plain, true),
  activationIn: kerasActivationIn,

  numpyLayout({ layer, spec, perDir, digits, H, I, Hr, GH: gh, D, useBias, resetAfter, notes }): NumpyLayout {
    const prefix = (d: number) => (D === 2 ? (d === 0 ? 'forward_' : 'backward_') : '');
    const params: DirectionParams[] = [];
    const twoBiases = layer.cell === 'gru' && resetAfter;
    perDir.forEach((p, d) => {
      const arrays = [
        `${prefix(d)}kernel = ${pyArray(transpose(p.W, gh, I), [I, gh], digits)}  # (${I}, ${gh})`,
        `${prefix(d)}recurrent_kernel = ${pyArray(transpose(p.R, gh, Hr), [Hr, gh], digits)}  # (${Hr}, ${gh})`,
      ];
      if (useBias) {
        if (twoBiases) arrays.push(`${prefix(d)}bias = ${pyArray(concat(p.bW, p.bR), [2, gh], digits)}  # (2, ${gh}): input bias, recurrent bias`);
        else arrays.push(`${prefix(d)}bias = ${pyArray(add(p.bW, p.bR), [gh], digits)}  # (${gh},)`);
      }
      const entries = [`'kernel': ${prefix(d)}kernel`, `'recurrent_kernel': ${prefix(d)}recurrent_kernel`];
      if (useBias) entries.push(`'bias': ${prefix(d)}bias`);
      params.push({ arrays, dict: `{${entries.join(', ')}}` });
    });
    return {
      spec, GH: gh, H, params, notes,
      xw: `x_t @ p['kernel']${useBias ? (twoBiases ? ` + p['bias'][0]` : ` + p['bias']`) : ''}`,
      hu: (h) => `${h} @ p['recurrent_kernel']${useBias && twoBiases ? ` + p['bias'][1]` : ''}`,
      huBlock: (h, k) => `${h} @ p['recurrent_kernel'][:, ${blockSlice(H, k)}]${useBias && twoBiases ? ` + p['bias'][1][${blockSlice(H, k)}]` : ''}`,
    };
  },

  candidateTensors: kerasCandidateTensors,
  packedAxisOf: kerasPackedAxisOf,
  roleTitles: KERAS_ROLE_TITLES,
};
