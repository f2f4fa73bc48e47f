// TF1 LSTMCell / BasicLSTMCell / LSTMBlockCell: kernel (I+Hr, 4H) on concat[x, h]: rows [:I] input, rows [I:]
// recurrent; columns i,j(c),f,o; bias 4H; forget_bias added at run time; w_i_diag/w_f_diag/w_o_diag peepholes;
// projection/kernel (H, P) (tensorflow/python/ops/rnn_cell_impl.py LSTMCell.call; tf_keras/layers/rnn/legacy_cells.py).

import { GateLensError, type DirectionWeights } from '../model';
import { add, blockSlice, concat, pyArray, transpose, type DirectionParams } from '../codegen/numpy-arrays';
import { GH, LSTM_ICFO, gateCount } from './gates';
import { KERAS_ROLE_TITLES, kerasActivationIn, kerasCandidateTensors, kerasPackedAxisOf, kerasPrefix, kerasPrefixes, requiredKernelAndBias } from './keras-common';
import {
  canonicalToNative, checkFiniteNative, checkUnits, columnsFromCanonical, columnsToCanonical, fmtShape, get, positiveInt, requireTensor,
  rowsFromCanonical, sameShape, sumBias, tensor, vectorToCanonical,
} from './layout';
import type { ConventionAdapter, Dims, FromNativeOptions, Mutable, NativeTensors } from './types';

const PEEPHOLES = ['w_i_diag', 'w_f_diag', 'w_o_diag'];

export const tf1Adapter: ConventionAdapter<'tf1'> = {
  id: 'tf1',
  title: 'TF1 LSTMCell',
  description: 'TensorFlow 1 LSTMCell / BasicLSTMCell: one kernel on [x, h], gates i, j, f, o, forget_bias added at run time.',
  verification: 'verified',
  sources: [
    { fact: 'i, j, f, o = split(...); sigmoid(f + forget_bias); cell_clip; num_proj', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/keras/layers/legacy_rnn/rnn_cell_impl.py' },
  ],
  layerNames: { lstm: '`LSTMCell` / `BasicLSTMCell` / `LSTMBlockCell`' },
  outputLayout: 'tf1',
  cells: [
    {
      cell: 'lstm', framework: 'TF1 LSTMCell', gateOrder: LSTM_ICFO, packedAxis: 'columns', bias: 'single', stateOrder: ['c', 'h'],
      tensors: [{ role: 'kernel', shape: ['I+H', GH(4)], note: 'acts on concat([x, h])' }, { role: 'bias', shape: [GH(4)] }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
      notes: ['forget_bias (default 1.0) is added to the f pre-activation at run time and is not stored.'],
    },
  ],
  configKeys: ['units', 'forget_bias', 'cell_clip', 'use_peephole', 'use_peepholes', 'num_proj'],
  capabilities: {
    cellClip: true, peepholes: true, projection: true, forgetBias: true,
    fixedGate: { name: 'sigmoid', why: 'TF1 LSTM cells fix the gate activation to sigmoid' },
  },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const perm = canonicalToNative(spec);
    const prefixes = kerasPrefixes(tensors, opts);
    const kernel0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'kernel'), 'input kernel');
    const bias0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'bias'), 'bias');
    const H = checkUnits(opts, bias0.t.shape[0] / 4, `${bias0.key} length / 4`);
    const projKey = get(tensors, prefixes[0].map((p) => p + 'projection/kernel'));
    const P = projKey ? projKey.t.shape[1] : H;
    const I = opts.inputSize ?? kernel0.t.shape[0] - P;
    positiveInt(I, 'input size');
    const dims: Dims = { I, H, P, D: 1 };
    const directions: DirectionWeights[] = [];
    for (const pre of prefixes) {
      const key = (role: string) => pre.map((p) => p + role);
      const { kernel, bias } = requiredKernelAndBias(spec, tensors, key, dims);
      let peephole: Float64Array | undefined, proj: Float64Array | undefined;
      const diag = PEEPHOLES.map((r) => get(tensors, key(r)));
      const alt = ['wci', 'wcf', 'wco'].map((r) => get(tensors, key(r)));
      const peeps = diag.some(Boolean) ? diag : alt;
      if (peeps.some(Boolean)) {
        peephole = new Float64Array(3 * H);
        peeps.forEach((p, k) => {
          if (!p) throw new GateLensError('missing-array', `TF1 peepholes come as three vectors (w_i_diag, w_f_diag, w_o_diag); ${PEEPHOLES[k]} is missing.`);
          if (!sameShape(p.t.shape, [H])) throw new GateLensError('shape-mismatch', `${p.key} has shape ${fmtShape(p.t.shape)} but units H=${H} needs (H,) = (${H},).`);
          checkFiniteNative(p.key, p.t);
          for (let m = 0; m < H; m++) peephole![k * H + m] = p.t.data[m];
        });
      }
      const pk = get(tensors, key('projection/kernel'));
      if (pk) {
        if (!sameShape(pk.t.shape, [H, P])) throw new GateLensError('shape-mismatch', `${pk.key} has shape ${fmtShape(pk.t.shape)} but needs (H, P) = (${H}, ${P}).`);
        checkFiniteNative(pk.key, pk.t);
        proj = new Float64Array(P * H);
        for (let m = 0; m < P; m++) for (let j = 0; j < H; j++) proj[m * H + j] = pk.t.data[j * P + m];
      }
      directions.push({
        W: columnsToCanonical(kernel.t.data, G * H, 0, I, perm, H),
        R: columnsToCanonical(kernel.t.data, G * H, I, P, perm, H),
        bW: vectorToCanonical(bias.t.data, 0, perm, H),
        bR: new Float64Array(G * H),
        ...(peephole ? { peephole } : {}), ...(proj ? { proj } : {}),
      });
    }
    return { directions, dims, useBias: true, extras: { forgetBias: opts.forgetBias ?? 1.0 } };
  },

  toNative(layer, _spec, { perm }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, P = layer.projSize ?? H, D = layer.directions.length;
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const prefix = kerasPrefix(D, d);
      const kernel = new Float64Array((I + P) * G * H);
      columnsFromCanonical(dw.W, perm, H, I, kernel, G * H, 0);
      columnsFromCanonical(dw.R, perm, H, P, kernel, G * H, I);
      out[`${prefix}kernel`] = tensor([I + P, G * H], kernel);
      const b = new Float64Array(G * H);
      rowsFromCanonical(sumBias(dw.bW, dw.bR), perm, H, 1, b, 0);
      out[`${prefix}bias`] = tensor([G * H], b);
      if (dw.peephole) {
        PEEPHOLES.forEach((r, k) => { out[`${prefix}${r}`] = tensor([H], dw.peephole!.slice(k * H, (k + 1) * H)); });
      }
      if (dw.proj) {
        const pk = new Float64Array(H * P);
        for (let m = 0; m < P; m++) for (let j = 0; j < H; j++) pk[j * P + m] = dw.proj[m * H + j];
        out[`${prefix}projection/kernel`] = tensor([H, P], pk);
      }
    });
    return out;
  },

  optionsFromConfig({ num }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('units') !== undefined) opts.units = num('units');
    opts.forgetBias = num('forget_bias') ?? 1;
    const cc = num('cell_clip');
    if (cc !== undefined && cc > 0) opts.cellClip = cc;
    return opts;
  },

  configFromLayer(layer) {
    const cfg: Record<string, unknown> = { units: layer.units, forget_bias: layer.forgetBias ?? 0, cell_clip: layer.cellClip ?? -1, use_peephole: layer.directions[0].peephole !== undefined };
    if (layer.projSize !== undefined) cfg['num_proj'] = layer.projSize;
    return cfg;
  },

  activationIn: kerasActivationIn,

  // One kernel on concat([x, h]); projection kernel (num_units, num_proj) applied as m @ kernel.
  numpyLayout({ layer, spec, perDir, digits, H, I, Hr, GH: gh, D, notes }) {
    const params: DirectionParams[] = [];
    perDir.forEach((p, d) => {
      const sfx = D === 2 ? (d === 0 ? '_fw' : '_bw') : '';
      const kernel = concat(transpose(p.W, gh, I), transpose(p.R, gh, Hr));
      const arrays = [`kernel${sfx} = ${pyArray(kernel, [I + Hr, gh], digits)}  # (${I} + ${Hr}, ${gh}): rows for x, then rows for h`, `bias${sfx} = ${pyArray(add(p.bW, p.bR), [gh], digits)}`];
      const entries = [`'kernel': kernel${sfx}`, `'bias': bias${sfx}`];
      if (p.w.proj && layer.projSize) {
        arrays.push(`projection_kernel${sfx} = ${pyArray(transpose(p.w.proj, layer.projSize, H), [H, layer.projSize], digits)}  # (${H}, ${layer.projSize})`);
        entries.push(`'projection_kernel': projection_kernel${sfx}`);
      }
      params.push({ arrays, dict: `{${entries.join(', ')}}` });
    });
    return {
      spec, GH: gh, H, params, notes,
      pre: `np.concatenate([x_t, h]) @ p['kernel'] + p['bias']`,
      xw: `x_t @ p['kernel'][:${I}] + p['bias']`,
      hu: (h) => `${h} @ p['kernel'][${I}:]`,
      huBlock: (h, k) => `${h} @ p['kernel'][${I}:, ${blockSlice(H, k)}]`,
      project: layer.projSize ? (h) => `${h} @ p['projection_kernel']` : undefined,
    };
  },

  candidateTensors: kerasCandidateTensors,
  packedAxisOf: kerasPackedAxisOf,
  roleTitles: KERAS_ROLE_TITLES,
};
