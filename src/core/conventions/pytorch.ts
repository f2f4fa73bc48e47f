// PyTorch nn.LSTM / nn.GRU / nn.RNN: weight_ih (G·H, I), weight_hh (G·H, Hr), bias_ih, bias_hh, weight_hr (P, H)
// when proj_size > 0; GRU rows are r,z,n; suffixes _l{k} and _reverse (torch/nn/modules/rnn.py).

import { ActCode, resolveActivation } from '../activations';
import { GateLensError, type DirectionWeights } from '../model';
import { blockSlice, pyArray, type DirectionParams } from '../codegen/numpy-arrays';
import { GH, GRU_RZN, LSTM_IFGO, RNN_H, gateCount } from './gates';
import { canonicalToNative, checkTensor, checkUnits, copyOf, deferredMatrices, get, positiveInt, requireTensor, rowsFromCanonical, rowsToCanonical, tensor, vectorToCanonical, zeros } from './layout';
import type { ConventionAdapter, Dims, FromNativeOptions, Mutable, NativeTensors } from './types';

export const pytorchAdapter: ConventionAdapter<'pytorch'> = {
  id: 'pytorch',
  title: 'PyTorch',
  description: 'PyTorch nn.LSTM / nn.GRU / nn.RNN: weight_ih (G·H, I), two biases, gates i, f, g, o / r, z, n.',
  verification: 'verified',
  sources: [
    { fact: 'LSTM i, f, g, o; GRU r, z, n with b_hn inside r ⊙ (W_hn h + b_hn); weight_hr with proj_size', url: 'https://github.com/pytorch/pytorch/blob/main/torch/nn/modules/rnn.py' },
  ],
  layerNames: { lstm: '`nn.LSTM`', gru: '`nn.GRU`', simple_rnn: '`nn.RNN`' },
  outputLayout: 'pytorch',
  cells: [
    {
      cell: 'lstm', framework: 'PyTorch', gateOrder: LSTM_IFGO, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h', 'c'],
      tensors: [
        { role: 'weight_ih', shape: [GH(4), 'I'] }, { role: 'weight_hh', shape: [GH(4), 'P'], note: 'P = H without proj_size' },
        { role: 'bias_ih', shape: [GH(4)], optional: true }, { role: 'bias_hh', shape: [GH(4)], optional: true },
        { role: 'weight_hr', shape: ['P', 'H'], optional: true, note: 'present when proj_size > 0' },
      ],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    },
    {
      cell: 'gru', framework: 'PyTorch', gateOrder: GRU_RZN, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h'], defaultResetAfter: true,
      tensors: [{ role: 'weight_ih', shape: [GH(3), 'I'] }, { role: 'weight_hh', shape: [GH(3), 'H'] }, { role: 'bias_ih', shape: [GH(3)], optional: true }, { role: 'bias_hh', shape: [GH(3)], optional: true }],
      defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
      notes: ['b_hn sits inside r*(W_hn h + b_hn).'],
    },
    {
      cell: 'simple_rnn', framework: 'PyTorch', gateOrder: RNN_H, packedAxis: 'rows', bias: 'ih_plus_hh', stateOrder: ['h'],
      tensors: [{ role: 'weight_ih', shape: ['H', 'I'] }, { role: 'weight_hh', shape: ['H', 'H'] }, { role: 'bias_ih', shape: ['H'], optional: true }, { role: 'bias_hh', shape: ['H'], optional: true }],
      defaultActivations: { candidate: 'tanh' },
    },
  ],
  configKeys: ['input_size', 'hidden_size', 'num_layers', 'bias', 'bidirectional', 'proj_size', 'nonlinearity'],
  capabilities: {
    projection: true,
    fixedActivations: { gate: 'sigmoid', candidate: 'tanh' },
    simpleRnnActivations: { names: ['tanh', 'relu'], why: 'nn.RNN offers only tanh and relu' },
    refusesResetBefore: 'PyTorch GRUs always apply the reset gate after the recurrent matmul (reset_after=True)',
  },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const perm = canonicalToNative(spec);
    const k = opts.layerIndex ?? 0;
    const names = (role: string, suffix: string) => (k === 0 ? [`${role}_l0${suffix}`, `${role}${suffix}`] : [`${role}_l${k}${suffix}`]);
    const bidir = opts.bidirectional ?? (get(tensors, names('weight_ih', '_reverse')) !== undefined);
    const suffixes = bidir ? ['', '_reverse'] : [''];
    const wih0 = requireTensor(spec, tensors, names('weight_ih', ''), 'input weights');
    const whh0 = requireTensor(spec, tensors, names('weight_hh', ''), 'recurrent weights');
    const H = checkUnits(opts, whh0.t.shape[0] / G, `${whh0.key} rows / ${G}`);
    const whr0 = spec.cell === 'lstm' ? get(tensors, names('weight_hr', '')) : undefined;
    const P = whr0 ? whr0.t.shape[0] : H;
    const I = opts.inputSize ?? wih0.t.shape[1];
    positiveInt(I, 'input size');
    const dims: Dims = { I, H, P, D: 1 };
    let useBias = true;
    const directions: DirectionWeights[] = [];
    for (const suf of suffixes) {
      const wih = requireTensor(spec, tensors, names('weight_ih', suf), 'input weights');
      const whh = requireTensor(spec, tensors, names('weight_hh', suf), 'recurrent weights');
      checkTensor(spec, 'weight_ih', wih.key, wih.t, dims);
      checkTensor(spec, 'weight_hh', whh.key, whh.t, dims);
      const bih = get(tensors, names('bias_ih', suf)), bhh = get(tensors, names('bias_hh', suf));
      if (!!bih !== !!bhh) {
        throw new GateLensError('missing-array', `PyTorch stores bias_ih and bias_hh together (bias=True) or neither (bias=False); only ${(bih ?? bhh)!.key} is present.`);
      }
      if (bih) { checkTensor(spec, 'bias_ih', bih.key, bih.t, dims); checkTensor(spec, 'bias_hh', bhh!.key, bhh!.t, dims); } else useBias = false;
      let proj: Float64Array | undefined;
      if (spec.cell === 'lstm') {
        const whr = get(tensors, names('weight_hr', suf));
        if (!!whr !== !!whr0) throw new GateLensError('missing-array', `proj_size applies to both directions: ${names('weight_hr', whr ? '' : suf)[0]} is missing.`);
        if (whr) { checkTensor(spec, 'weight_hr', whr.key, whr.t, dims); proj = copyOf(whr.t.data); }
      }
      directions.push(deferredMatrices(() => rowsToCanonical(wih.t.data, 0, perm, H, I), () => rowsToCanonical(whh.t.data, 0, perm, H, P), {
        bW: bih ? vectorToCanonical(bih.t.data, 0, perm, H) : zeros(G * H),
        bR: bhh ? vectorToCanonical(bhh!.t.data, 0, perm, H) : zeros(G * H),
        ...(proj ? { proj } : {}),
      }));
    }
    return { directions, dims, resetAfter: spec.cell === 'gru' ? true : undefined, useBias };
  },

  toNative(layer, _spec, { perm, withBias, layerIndex }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, P = layer.projSize ?? H;
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const suffix = (layerIndex === null ? '' : `_l${layerIndex}`) + (d === 1 ? '_reverse' : '');
      const wih = new Float64Array(G * H * I), whh = new Float64Array(G * H * P);
      rowsFromCanonical(dw.W, perm, H, I, wih, 0);
      rowsFromCanonical(dw.R, perm, H, P, whh, 0);
      out[`weight_ih${suffix}`] = tensor([G * H, I], wih);
      out[`weight_hh${suffix}`] = tensor([G * H, P], whh);
      if (withBias) {
        const bih = new Float64Array(G * H), bhh = new Float64Array(G * H);
        rowsFromCanonical(dw.bW, perm, H, 1, bih, 0);
        rowsFromCanonical(dw.bR, perm, H, 1, bhh, 0);
        out[`bias_ih${suffix}`] = tensor([G * H], bih);
        out[`bias_hh${suffix}`] = tensor([G * H], bhh);
      }
      if (dw.proj) out[`weight_hr${suffix}`] = tensor([P, H], copyOf(dw.proj));
    });
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('input_size') !== undefined) opts.inputSize = num('input_size');
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    if (config['bidirectional'] === true) opts.bidirectional = true;
    if (str('nonlinearity') !== undefined) {
      const nl = str('nonlinearity')!;
      if (nl !== 'tanh' && nl !== 'relu') unsupported('nonlinearity', nl, "PyTorch RNN accepts 'tanh' or 'relu'");
      opts.activation = nl;
    }
    return opts;
  },

  configFromLayer(layer, plain) {
    const acts = Array.isArray(layer.activations) ? layer.activations[0] : layer.activations;
    const cfg: Record<string, unknown> = {
      input_size: layer.inputSize, hidden_size: layer.units, num_layers: 1, bias: layer.useBias !== false, bidirectional: layer.directions.length === 2, batch_first: true,
    };
    if (layer.cell === 'lstm') cfg['proj_size'] = layer.projSize ?? 0;
    if (layer.cell === 'simple_rnn') cfg['nonlinearity'] = plain(acts.candidate);
    return cfg;
  },

  activationIn(a) {
    const r = resolveActivation(a);
    return r.code === ActCode.Tanh ? { name: 'tanh' } : r.code === ActCode.Relu ? { name: 'relu' } : r.code === ActCode.Sigmoid ? { name: 'sigmoid' } : undefined;
  },

  numpyLayout({ layer, spec, perDir, digits, H, I, Hr, GH: gh, useBias, notes }) {
    const params: DirectionParams[] = [];
    perDir.forEach((p, d) => {
      const sfx = `_l0${d === 1 ? '_reverse' : ''}`;
      const arrays = [
        `weight_ih${sfx} = ${pyArray(p.W, [gh, I], digits)}  # (${gh}, ${I})`,
        `weight_hh${sfx} = ${pyArray(p.R, [gh, Hr], digits)}  # (${gh}, ${Hr})`,
      ];
      const entries = [`'weight_ih': weight_ih${sfx}`, `'weight_hh': weight_hh${sfx}`];
      if (useBias) {
        arrays.push(`bias_ih${sfx} = ${pyArray(p.bW, [gh], digits)}`, `bias_hh${sfx} = ${pyArray(p.bR, [gh], digits)}`);
        entries.push(`'bias_ih': bias_ih${sfx}`, `'bias_hh': bias_hh${sfx}`);
      }
      if (p.w.proj && layer.projSize) {
        arrays.push(`weight_hr${sfx} = ${pyArray(p.w.proj, [layer.projSize, H], digits)}  # (${layer.projSize}, ${H})`);
        entries.push(`'weight_hr': weight_hr${sfx}`);
      }
      params.push({ arrays, dict: `{${entries.join(', ')}}` });
    });
    return {
      spec, GH: gh, H, params, notes,
      xw: `p['weight_ih'] @ x_t${useBias ? ` + p['bias_ih']` : ''}`,
      hu: (h) => `p['weight_hh'] @ ${h}${useBias ? ` + p['bias_hh']` : ''}`,
      huBlock: (h, k) => `p['weight_hh'][${blockSlice(H, k)}] @ ${h}${useBias ? ` + p['bias_hh'][${blockSlice(H, k)}]` : ''}`,
      project: layer.projSize ? (h) => `p['weight_hr'] @ ${h}` : undefined,
    };
  },

  candidateTensors(arrays) {
    const out: NativeTensors = {};
    arrays.forEach((t, d) => {
      const suffix = d === 1 ? '_reverse' : '';
      for (const [role, a] of Object.entries(t)) if (a) out[`${role}_l0${suffix}`] = { shape: a.shape, data: a.values };
    });
    return out;
  },
  packedAxisOf: (role) => (role === 'weight_hr' ? undefined : 0),
  roleTitles: { weight_ih: 'input weights', weight_hh: 'recurrent weights', bias_ih: 'input bias', bias_hh: 'recurrent bias', weight_hr: 'projection weights' },
};
