// TF1 LSTMCell / BasicLSTMCell / LSTMBlockCell: kernel (I+Hr, 4H) on concat[x, h]: rows [:I] input, rows [I:]
// recurrent; columns i,j(c),f,o; bias 4H; forget_bias added at run time; w_i_diag/w_f_diag/w_o_diag peepholes;
// projection/kernel (H, P), the projected h clipped to ±proj_clip (tensorflow/python/ops/rnn_cell_impl.py
// LSTMCell.call; tf_keras/layers/rnn/legacy_cells.py).
// TF1 GRUCell: gates/kernel (I+H, 2H) on concat[x, h], columns r, u; gates/bias (2H); candidate/kernel (I+H, H) on
// concat[x, r⊙h], candidate/bias (H); h' = u⊙h + (1 − u)⊙tanh(candidate): the reset gate acts before the recurrent
// product (GRUCell.call). Both checked in float64 against TensorFlow's own cells (test/fixtures/conformance/tf1_cells.json).

import { GateLensError, type DirectionWeights } from '../model';
import { add, blockSlice, concat, pyArray, transpose, type DirectionParams, type NumpyLayout, type NumpyLayoutInput } from '../codegen/numpy-arrays';
import { GH, LSTM_ICFO, gateCount, gruGate } from './gates';
import { KERAS_ROLE_TITLES, kerasActivationIn, kerasCandidateTensors, kerasPackedAxisOf, kerasPrefix, requiredKernelAndBias } from './keras-common';
import {
  canonicalToNative, checkFiniteNative, checkTensor, checkUnits, columnsFromCanonical, columnsToCanonical, fmtShape, get, positiveInt, requireTensor,
  rowsFromCanonical, sameShape, sumBias, tensor, vectorToCanonical,
} from './layout';
import type { Built, ConventionAdapter, ConventionSpec, Dims, FromNativeOptions, Mutable, NativeTensors } from './types';

const PEEPHOLES = ['w_i_diag', 'w_f_diag', 'w_o_diag'];

/** GRUCell's gates/kernel columns are r then u (= z); candidate/kernel is the third block. */
const GRU_RUC = [gruGate('r'), gruGate('z', 'u'), gruGate('n', 'c')];

/** Direction prefixes: Keras-style forward/backward, or bidirectional_dynamic_rnn's fw/bw scopes. */
function tf1Prefixes(tensors: NativeTensors, opts: FromNativeOptions): string[][] {
  const bidir = opts.bidirectional ?? Object.keys(tensors).some((k) => /^(backward[/_]|bw\/)/.test(k));
  return bidir ? [['forward/', 'forward_', 'fw/', ''], ['backward/', 'backward_', 'bw/']] : [['', 'forward/', 'forward_', 'fw/']];
}

/** Columns [from, to) of a row-major (rows × cols) matrix. */
function columns(src: ArrayLike<number>, rows: number, cols: number, from: number, to: number): Float64Array {
  const w = to - from, out = new Float64Array(rows * w);
  for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) out[r * w + c] = src[r * cols + from + c];
  return out;
}

/** [a | b] side by side: (rows × ca) and (rows × cb) → (rows × (ca + cb)). */
function sideBySide(a: ArrayLike<number>, ca: number, b: ArrayLike<number>, cb: number, rows: number): Float64Array {
  const out = new Float64Array(rows * (ca + cb));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < ca; c++) out[r * (ca + cb) + c] = a[r * ca + c];
    for (let c = 0; c < cb; c++) out[r * (ca + cb) + ca + c] = b[r * cb + c];
  }
  return out;
}

/** GRUCell: the two kernels side by side are one (I+H, 3H) kernel with columns r, u, c; the biases likewise. */
function gruFromNative(spec: ConventionSpec, tensors: NativeTensors, opts: FromNativeOptions): Built {
  const prefixes = tf1Prefixes(tensors, opts);
  const first = (role: string) => prefixes[0].map((p) => p + role);
  const ck0 = requireTensor(spec, tensors, first('candidate/kernel'), 'candidate kernel');
  const gk0 = requireTensor(spec, tensors, first('gates/kernel'), 'gates kernel');
  if (ck0.t.shape.length !== 2 || gk0.t.shape.length !== 2) {
    throw new GateLensError('shape-mismatch', `TF1 GRUCell kernels are 2-D (I+H, ·); got ${gk0.key} ${fmtShape(gk0.t.shape)} and ${ck0.key} ${fmtShape(ck0.t.shape)}.`);
  }
  const H = checkUnits(opts, ck0.t.shape[1], `${ck0.key} columns`);
  const I = opts.inputSize ?? ck0.t.shape[0] - H;
  positiveInt(I, 'input size');
  const dims: Dims = { I, H, P: H, D: 1 };
  const perm = canonicalToNative(spec);
  const directions: DirectionWeights[] = prefixes.map((pre) => {
    const found = (role: string, title: string) => {
      const f = requireTensor(spec, tensors, pre.map((p) => p + role), title);
      checkTensor(spec, role, f.key, f.t, dims);
      return f;
    };
    const gk = found('gates/kernel', 'gates kernel'), gb = found('gates/bias', 'gates bias');
    const ck = found('candidate/kernel', 'candidate kernel'), cb = found('candidate/bias', 'candidate bias');
    const kernel = sideBySide(gk.t.data, 2 * H, ck.t.data, H, I + H);
    const bias = sideBySide(gb.t.data, 2 * H, cb.t.data, H, 1);
    return {
      W: columnsToCanonical(kernel, 3 * H, 0, I, perm, H),
      R: columnsToCanonical(kernel, 3 * H, I, H, perm, H),
      bW: vectorToCanonical(bias, 0, perm, H),
      bR: new Float64Array(3 * H),
    };
  });
  return { directions, dims, resetAfter: false, useBias: true };
}

export const tf1Adapter: ConventionAdapter<'tf1'> = {
  id: 'tf1',
  title: 'TF1 LSTMCell / GRUCell',
  description: 'TensorFlow 1 LSTMCell / BasicLSTMCell (one kernel on [x, h], gates i, j, f, o, forget_bias added at run time) and GRUCell (gates/kernel r, u and candidate/kernel on [x, r·h]).',
  verification: 'verified',
  sources: [
    { fact: 'i, j, f, o = split(...); sigmoid(f + forget_bias); cell_clip; num_proj; proj_clip; GRUCell gates/kernel r, u, candidate/kernel on concat[x, r*h]', url: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/keras/layers/legacy_rnn/rnn_cell_impl.py' },
  ],
  layerNames: { lstm: '`LSTMCell` / `BasicLSTMCell` / `LSTMBlockCell`', gru: '`GRUCell`' },
  outputLayout: 'tf1',
  cells: [
    {
      cell: 'lstm', framework: 'TF1 LSTMCell', gateOrder: LSTM_ICFO, packedAxis: 'columns', bias: 'single', stateOrder: ['c', 'h'],
      tensors: [{ role: 'kernel', shape: ['I+H', GH(4)], note: 'acts on concat([x, h])' }, { role: 'bias', shape: [GH(4)] }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
      notes: ['forget_bias (default 1.0) is added to the f pre-activation at run time and is not stored.', 'num_proj adds projection/kernel (H, P); proj_clip clips the projected h to ±proj_clip.'],
    },
    {
      cell: 'gru', framework: 'TF1 GRUCell', gateOrder: GRU_RUC, packedAxis: 'columns', bias: 'single', stateOrder: ['h'], defaultResetAfter: false,
      tensors: [
        { role: 'gates/kernel', shape: ['I+H', GH(2)], note: 'columns r, u on concat([x, h])' }, { role: 'gates/bias', shape: [GH(2)], note: 'initialised to 1.0' },
        { role: 'candidate/kernel', shape: ['I+H', 'H'], note: 'on concat([x, r·h])' }, { role: 'candidate/bias', shape: ['H'] },
      ],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
      notes: ['The reset gate multiplies h before the candidate matmul (Keras reset_after=False, ONNX linear_before_reset=0); h\' = u·h + (1 − u)·c.'],
    },
  ],
  configKeys: ['units', 'forget_bias', 'cell_clip', 'use_peephole', 'use_peepholes', 'num_proj', 'proj_clip', 'activation'],
  capabilities: {
    cellClip: true, peepholes: true, projection: true, projClip: true, forgetBias: true,
    fixedGate: { name: 'sigmoid', why: 'TF1 LSTM and GRU cells fix the gate activation to sigmoid' },
    refusesResetAfter: 'TF1 GRUCell applies the reset gate before the candidate matmul (concat([x, r·h]) @ candidate/kernel); no TF1 cell puts r after it',
  },

  fromNative(spec, tensors, opts) {
    if (spec.cell === 'gru') return gruFromNative(spec, tensors, opts);
    const G = gateCount(spec.cell);
    const perm = canonicalToNative(spec);
    const prefixes = tf1Prefixes(tensors, opts);
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
      if (layer.cell === 'gru') {
        const kernel = new Float64Array((I + H) * 3 * H);
        columnsFromCanonical(dw.W, perm, H, I, kernel, 3 * H, 0);
        columnsFromCanonical(dw.R, perm, H, H, kernel, 3 * H, I);
        const b = new Float64Array(3 * H);
        rowsFromCanonical(sumBias(dw.bW, dw.bR), perm, H, 1, b, 0);
        out[`${prefix}gates/kernel`] = tensor([I + H, 2 * H], columns(kernel, I + H, 3 * H, 0, 2 * H));
        out[`${prefix}gates/bias`] = tensor([2 * H], b.slice(0, 2 * H));
        out[`${prefix}candidate/kernel`] = tensor([I + H, H], columns(kernel, I + H, 3 * H, 2 * H, 3 * H));
        out[`${prefix}candidate/bias`] = tensor([H], b.slice(2 * H));
        return;
      }
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

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('units') !== undefined) opts.units = num('units');
    if (config['activation'] !== undefined) opts.activation = str('activation') ?? unsupported('activation', config['activation'], 'give the activation by name');
    // forget_bias is an LSTMCell argument; a GRUCell config has none, and the GRU ignores it.
    opts.forgetBias = num('forget_bias') ?? 1;
    const cc = num('cell_clip');
    if (cc !== undefined && cc > 0) opts.cellClip = cc;
    const pc = config['proj_clip'];
    if (pc !== undefined && pc !== null) {
      if (typeof pc !== 'number' || !(pc >= 0)) return unsupported('proj_clip', pc, 'proj_clip is a limit of 0 or more');
      if (config['num_proj'] === undefined || config['num_proj'] === null) unsupported('proj_clip', pc, 'LSTMCell applies proj_clip only with num_proj');
      opts.projClip = pc;
    }
    return opts;
  },

  configFromLayer(layer, plain) {
    const acts = Array.isArray(layer.activations) ? layer.activations[0] : layer.activations;
    if (layer.cell === 'gru') return { units: layer.units, activation: plain(acts.candidate) };
    const cfg: Record<string, unknown> = { units: layer.units, forget_bias: layer.forgetBias ?? 0, cell_clip: layer.cellClip ?? -1, use_peephole: layer.directions[0].peephole !== undefined };
    if (plain(acts.candidate) !== 'tanh') cfg['activation'] = plain(acts.candidate);
    if (layer.projSize !== undefined) cfg['num_proj'] = layer.projSize;
    if (layer.projClip !== undefined) cfg['proj_clip'] = layer.projClip;
    return cfg;
  },

  activationIn: kerasActivationIn,

  // One kernel on concat([x, h]); projection kernel (num_units, num_proj) applied as m @ kernel.
  numpyLayout(input) {
    if (input.layer.cell === 'gru') return gruNumpyLayout(input);
    const { layer, spec, perDir, digits, H, I, Hr, GH: gh, D, notes } = input;
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
      project: layer.projSize
        ? (h) => (layer.projClip !== undefined ? `np.clip(${h} @ p['projection_kernel'], -${layer.projClip}, ${layer.projClip})` : `${h} @ p['projection_kernel']`)
        : undefined,
    };
  },

  candidateTensors: kerasCandidateTensors,
  // GRUCell: gates/* pack r, u along their last axis; candidate/* is the third block alone (no packed axis).
  packedAxisOf: (role, shape) => (role.startsWith('candidate/') ? undefined : role.startsWith('gates/') ? shape.length - 1 : kerasPackedAxisOf(role, shape)),
  roleTitles: { ...KERAS_ROLE_TITLES, 'gates/kernel': 'gates kernel (r, u)', 'gates/bias': 'gates bias (r, u)', 'candidate/kernel': 'candidate kernel', 'candidate/bias': 'candidate bias' },
};

/** GRUCell in NumPy: the two kernels as TF1 stores them; the candidate block is recomputed on r·h. */
function gruNumpyLayout({ spec, perDir, digits, H, I, GH: gh, D, notes }: NumpyLayoutInput): NumpyLayout {
  const params: DirectionParams[] = perDir.map((p, d) => {
    const sfx = D === 2 ? (d === 0 ? '_fw' : '_bw') : '';
    const kernel = concat(transpose(p.W, gh, I), transpose(p.R, gh, H));
    const bias = add(p.bW, p.bR);
    return {
      arrays: [
        `gates_kernel${sfx} = ${pyArray(columns(kernel, I + H, gh, 0, 2 * H), [I + H, 2 * H], digits)}  # gates/kernel (${I} + ${H}, ${2 * H}): columns r, u`,
        `gates_bias${sfx} = ${pyArray(bias.subarray(0, 2 * H), [2 * H], digits)}`,
        `candidate_kernel${sfx} = ${pyArray(columns(kernel, I + H, gh, 2 * H, 3 * H), [I + H, H], digits)}  # candidate/kernel (${I} + ${H}, ${H}) on [x, r * h]`,
        `candidate_bias${sfx} = ${pyArray(bias.subarray(2 * H), [H], digits)}`,
      ],
      dict: `{'gates_kernel': gates_kernel${sfx}, 'gates_bias': gates_bias${sfx}, 'candidate_kernel': candidate_kernel${sfx}, 'candidate_bias': candidate_bias${sfx}}`,
    };
  });
  return {
    spec, GH: gh, H, params, notes,
    xw: `np.concatenate([x_t @ p['gates_kernel'][:${I}] + p['gates_bias'], x_t @ p['candidate_kernel'][:${I}] + p['candidate_bias']])`,
    hu: (h) => `np.concatenate([${h} @ p['gates_kernel'][${I}:], ${h} @ p['candidate_kernel'][${I}:]])`,
    huBlock: (h, k) => (k === 2 ? `${h} @ p['candidate_kernel'][${I}:]` : `${h} @ p['gates_kernel'][${I}:, ${blockSlice(H, k)}]`),
  };
}
