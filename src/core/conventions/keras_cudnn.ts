// Keras 2 CuDNNLSTM / CuDNNGRU. kernel and recurrent_kernel have the Keras shapes and gate order (LSTM i,f,c,o; GRU
// z,r,h) but are handed to cuDNN with `canonical_to_params` WITHOUT transposing, so each (I, H) kernel block is the
// C-order buffer of cuDNN's (H, I) matrix: block.reshape(H, I) is the canonical rows form, and each (H, H)
// recurrent block already IS the rows form (the Keras-form block is its transpose). Bias (2·G·H) = [input biases,
// recurrent biases]. GRU: stored z,r,h and swapped to cuDNN's r,z,h only at run time (tf_keras/layers/rnn/cudnn_gru.py
// _process_batch passes kernel[:, H:2H] first), so no swap is needed here; cuDNN applies r after the recurrent
// matmul with the recurrent bias inside, i.e. resetAfter = true (tf_keras/saving/legacy/hdf5_format.py
// _convert_rnn_weights: CuDNNGRU converts only to GRU(reset_after=True)).

import { GH, GRU_ZRH, LSTM_IFCO, gateCount } from './gates';
import { kerasAdapter } from './keras';
import {
  KERAS_ROLE_TITLES, kerasActivationIn, kerasCandidateTensors, kerasConfigFromLayer, kerasOptionsFromConfig, kerasPackedAxisOf, kerasLayout, kerasPrefix, requiredKernelAndBias,
} from './keras-common';
import { checkTensor, requireTensor, rowsFromCanonical, tensor, vectorToCanonical } from './layout';
import type { ConventionAdapter, NativeTensors } from './types';
import type { DirectionWeights } from '../model';

export const kerasCudnnAdapter: ConventionAdapter<'keras_cudnn'> = {
  id: 'keras_cudnn',
  title: 'Keras 2 CuDNN',
  description: 'Keras 2 CuDNNLSTM / CuDNNGRU: cuDNN blocks, bias of two summable halves.',
  verification: 'verified',
  sources: [
    { fact: 'canonical_to_params without transpose; bias [input, recurrent]', url: 'https://github.com/keras-team/tf-keras/blob/master/tf_keras/layers/rnn/cudnn_lstm.py' },
    { fact: 'GRU passes kernel[:, H:2H] first (r, z swap at run time)', url: 'https://github.com/keras-team/tf-keras/blob/master/tf_keras/layers/rnn/cudnn_gru.py' },
    { fact: '_convert_rnn_weights: per-gate k.T.reshape(k.shape, order="F"), b[:4H] + b[4H:]', url: 'https://github.com/keras-team/tf-keras/blob/master/tf_keras/saving/legacy/hdf5_format.py' },
  ],
  layerNames: { lstm: '`CuDNNLSTM`', gru: '`CuDNNGRU`' },
  outputLayout: 'keras',
  cells: [
    {
      cell: 'lstm', framework: 'Keras 2 CuDNNLSTM', gateOrder: LSTM_IFCO, packedAxis: 'columns', bias: 'cudnn_2xGH', stateOrder: ['h', 'c'],
      tensors: [{ role: 'kernel', shape: ['I', GH(4)], note: 'each (I,H) gate block is the C-order buffer of cuDNN\'s (H,I) matrix' }, { role: 'recurrent_kernel', shape: ['H', GH(4)] }, { role: 'bias', shape: [GH(8)] }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    },
    {
      cell: 'gru', framework: 'Keras 2 CuDNNGRU', gateOrder: GRU_ZRH, packedAxis: 'columns', bias: 'cudnn_2xGH', stateOrder: ['h'], defaultResetAfter: true,
      tensors: [{ role: 'kernel', shape: ['I', GH(3)], note: 'each (I,H) gate block is the C-order buffer of cuDNN\'s (H,I) matrix' }, { role: 'recurrent_kernel', shape: ['H', GH(3)] }, { role: 'bias', shape: [GH(6)] }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    },
  ],
  configKeys: ['units', 'return_sequences', 'go_backwards', 'bidirectional'],
  capabilities: {
    fixedActivations: { gate: 'sigmoid', candidate: 'tanh' },
    refusesResetBefore: 'cuDNN GRUs always apply the reset gate after the recurrent matmul (reset_after=True)',
    mergeModes: true,
  },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const { perm, prefixes, dims } = kerasLayout(spec, tensors, opts);
    const { I, H } = dims;
    const directions: DirectionWeights[] = [];
    for (const pre of prefixes) {
      const key = (role: string) => pre.map((p) => p + role);
      const { kernel, bias } = requiredKernelAndBias(spec, tensors, key, dims);
      const rk = requireTensor(spec, tensors, key('recurrent_kernel'), 'recurrent kernel');
      checkTensor(spec, 'recurrent_kernel', rk.key, rk.t, dims);
      const W = new Float64Array(G * H * I), R = new Float64Array(G * H * H);
      const kd = kernel.t.data, rd = rk.t.data;
      for (let k = 0; k < G; k++) {
        const nb = perm[k];
        // The (I, H) block's C-order buffer, read as (H, I): element p of the buffer is block[p / H][p % H].
        for (let p = 0; p < H * I; p++) W[k * H * I + p] = kd[Math.floor(p / H) * G * H + nb * H + (p % H)];
        for (let m = 0; m < H; m++) for (let j = 0; j < H; j++) R[(k * H + m) * H + j] = rd[m * G * H + nb * H + j];
      }
      directions.push({ W, R, bW: vectorToCanonical(bias.t.data, 0, perm, H), bR: vectorToCanonical(bias.t.data, G * H, perm, H) });
    }
    return { directions, dims, resetAfter: spec.cell === 'gru' ? true : undefined, useBias: true };
  },

  toNative(layer, _spec, { perm }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const prefix = kerasPrefix(D, d);
      const kernel = new Float64Array(I * G * H), rk = new Float64Array(H * G * H);
      for (let k = 0; k < G; k++) {
        const nb = perm[k];
        for (let p = 0; p < H * I; p++) kernel[Math.floor(p / H) * G * H + nb * H + (p % H)] = dw.W[k * H * I + p];
        for (let m = 0; m < H; m++) for (let j = 0; j < H; j++) rk[m * G * H + nb * H + j] = dw.R[(k * H + m) * H + j];
      }
      const b = new Float64Array(2 * G * H);
      rowsFromCanonical(dw.bW, perm, H, 1, b, 0);
      rowsFromCanonical(dw.bR, perm, H, 1, b, G * H);
      out[`${prefix}kernel`] = tensor([I, G * H], kernel);
      out[`${prefix}recurrent_kernel`] = tensor([H, G * H], rk);
      out[`${prefix}bias`] = tensor([2 * G * H], b);
    });
    return out;
  },

  optionsFromConfig: kerasOptionsFromConfig,
  configFromLayer: (layer, plain) => kerasConfigFromLayer(layer, plain, false),
  activationIn: kerasActivationIn,

  // Keras 2 CuDNN layers compute exactly a Keras LSTM/GRU (reset_after) once converted; the CuDNN storage itself
  // (per-gate reshaped kernels, 2·G·H bias) is written out as that Keras layer.
  numpyLayout(input) {
    const keras = kerasAdapter.cells.find((c) => c.cell === input.layer.cell)!;
    input.notes.push('Stored as Keras 2 CuDNN weights; written here as the equivalent Keras layer (tf_keras hdf5_format._convert_rnn_weights).');
    return kerasAdapter.numpyLayout({ ...input, spec: { ...keras, id: 'keras' } });
  },

  candidateTensors: kerasCandidateTensors,
  packedAxisOf: kerasPackedAxisOf,
  roleTitles: KERAS_ROLE_TITLES,
};
