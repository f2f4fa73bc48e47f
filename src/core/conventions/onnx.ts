// ONNX LSTM / GRU / RNN: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] = [Wb, Rb], P [D, 3H] = i,o,f; LSTM rows
// i,o,f,c (onnx docs/Operators.md LSTM/GRU/RNN).

import { activationParameters, ActCode, resolveActivation } from '../activations';
import { GateLensError, type Activation, type DirectionWeights, type LayerActivations } from '../model';
import { blockSlice, concat, pyArray } from '../codegen/numpy-arrays';
import { GH, GRU_ZRH, LSTM_IOFC, RNN_H, gateCount } from './gates';
import { canonicalToNative, checkTensor, checkUnits, deferredMatrices, fmtShape, get, positiveInt, requireTensor, rowsFromCanonical, rowsToCanonical, tensor, vectorToCanonical, zeros, type ShapeRules } from './layout';
import type { CandidateArrays, CellKind, ConventionAdapter, Dims, FromNativeOptions, Mutable, NativeTensor, NativeTensors, OnnxActivationList } from './types';

const ONNX_RULES: ShapeRules = { describe: (dims) => [`directions D=${dims.D}`] };

/**
 * ONNX activation lists: per direction LSTM f,g,h, GRU f,g, RNN f. alpha/beta values are consumed in list order,
 * only by the activations that take them (onnxruntime rnn_helpers: ActivationFuncs); a list for one direction is
 * repeated for a bidirectional node, as onnxruntime does.
 */
export function onnxActivations(cell: CellKind, list: OnnxActivationList, directions: number): LayerActivations[] {
  const per = cell === 'lstm' ? 3 : cell === 'gru' ? 2 : 1;
  let names = list.names;
  if (directions === 2 && names.length === per) names = [...names, ...names];
  if (names.length !== per * directions) {
    throw new GateLensError('onnx-activations',
      `ONNX ${cell.toUpperCase()} with ${directions} direction(s) needs ${per * directions} activations (${cell === 'lstm' ? 'f, g, h' : cell === 'gru' ? 'f, g' : 'f'} per direction), got ${names.length}: [${list.names.join(', ')}].`);
  }
  const alphas = list.alpha ?? [], betas = list.beta ?? [];
  let ai = 0, bi = 0;
  const resolved: Activation[] = names.map((name) => {
    const probe = resolveActivation(name);
    const params = activationParameters(probe.name);
    const takesAlpha = params.includes('alpha'), takesBeta = params.includes('beta');
    const a: { name: string; alpha?: number; beta?: number } = { name: probe.name };
    if (takesAlpha && ai < alphas.length) a.alpha = alphas[ai++];
    if (takesBeta && bi < betas.length) a.beta = betas[bi++];
    return a;
  });
  const out: LayerActivations[] = [];
  for (let d = 0; d < directions; d++) {
    const f = resolved[d * per], g = resolved[d * per + 1] ?? f, h = resolved[d * per + 2] ?? g;
    out.push(cell === 'simple_rnn' ? { gate: f, candidate: f, output: f } : { gate: f, candidate: g, output: h });
  }
  return out;
}

const ONNX_BY_CODE: Partial<Record<ActCode, string>> = {
  [ActCode.Tanh]: 'Tanh', [ActCode.Sigmoid]: 'Sigmoid', [ActCode.Relu]: 'Relu', [ActCode.Affine]: 'Affine', [ActCode.LeakyRelu]: 'LeakyRelu',
  [ActCode.ThresholdedRelu]: 'ThresholdedRelu', [ActCode.ScaledTanh]: 'ScaledTanh', [ActCode.HardSigmoid]: 'HardSigmoid', [ActCode.Elu]: 'Elu',
  [ActCode.Softsign]: 'Softsign', [ActCode.Softplus]: 'Softplus',
};

function onnxActivationIn(a: Activation): Activation | undefined {
  const r = resolveActivation(a);
  if (r.code === ActCode.Linear) return { name: 'Affine', alpha: 1, beta: 0 };
  // Keras 3's relu6(x+3)/6 is HardSigmoid(1/6, 0.5) up to the last bit.
  if (r.code === ActCode.Relu6Shift) return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 };
  const name = ONNX_BY_CODE[r.code];
  if (!name) return undefined;
  const params = activationParameters(name);
  return { name, ...(params.includes('alpha') ? { alpha: r.alpha } : {}), ...(params.includes('beta') ? { beta: r.beta } : {}) };
}

/** Rows-packed 2-D matrices read as ONNX: stack the directions on a leading D axis. */
function stackDirections(t: CandidateArrays, out: NativeTensors): void {
  const D = t.length;
  const stack = (role: string): NativeTensor | undefined => {
    const parts = t.map((d) => d[role]).filter((a): a is NonNullable<typeof a> => !!a);
    if (parts.length !== D) return undefined;
    const data = new Float64Array(parts.reduce((s, a) => s + a.values.length, 0));
    let o = 0;
    for (const p of parts) { data.set(p.values, o); o += p.values.length; }
    return { shape: [D, ...parts[0].shape], data };
  };
  const W = stack('W');
  const R = stack('R');
  if (W) out.W = W;
  if (R) out.R = R;
  const Wb = t.map((d) => d.Wb);
  const Rb = t.map((d) => d.Rb);
  if (Wb.every(Boolean) && Rb.every(Boolean)) {
    const n = Wb[0]!.values.length;
    const data = new Float64Array(D * 2 * n);
    for (let d = 0; d < D; d++) { data.set(Wb[d]!.values, d * 2 * n); data.set(Rb[d]!.values, d * 2 * n + n); }
    out.B = { shape: [D, 2 * n], data };
  }
}

export const onnxAdapter: ConventionAdapter<'onnx'> = {
  id: 'onnx',
  title: 'ONNX',
  description: 'ONNX LSTM / GRU / RNN operators: W [D, G·H, I], R, B = [Wb, Rb], gates i, o, f, c / z, r, h.',
  verification: 'verified',
  sources: [
    { fact: 'LSTM i, o, f, c; GRU z, r, h; B = [Wb, Rb]; linear_before_reset; layout', url: 'https://github.com/onnx/onnx/blob/main/docs/Operators.md#LSTM' },
    { fact: 'peepholes P split as p_i, p_o, p_f', url: 'https://github.com/onnx/onnx/blob/main/onnx/reference/ops/op_lstm.py' },
  ],
  layerNames: { lstm: '`LSTM`', gru: '`GRU`', simple_rnn: '`RNN`' },
  outputLayout: 'onnx',
  cells: [
    {
      cell: 'lstm', framework: 'ONNX', gateOrder: LSTM_IOFC, packedAxis: 'rows', bias: 'onnx_wb_rb', stateOrder: ['h', 'c'],
      tensors: [
        { role: 'W', shape: ['D', GH(4), 'I'] }, { role: 'R', shape: ['D', GH(4), 'H'] },
        { role: 'B', shape: ['D', GH(8)], optional: true }, { role: 'P', shape: ['D', GH(3)], optional: true, note: 'peepholes i, o, f' },
      ],
      defaultActivations: { gate: 'Sigmoid', candidate: 'Tanh', output: 'Tanh' },
    },
    {
      cell: 'gru', framework: 'ONNX', gateOrder: GRU_ZRH, packedAxis: 'rows', bias: 'onnx_wb_rb', stateOrder: ['h'], defaultResetAfter: false,
      tensors: [{ role: 'W', shape: ['D', GH(3), 'I'] }, { role: 'R', shape: ['D', GH(3), 'H'] }, { role: 'B', shape: ['D', GH(6)], optional: true }],
      defaultActivations: { gate: 'Sigmoid', candidate: 'Tanh' },
      notes: ['linear_before_reset=0 (default) applies r before the recurrent matmul; =1 matches PyTorch and Keras reset_after=True.'],
    },
    {
      cell: 'simple_rnn', framework: 'ONNX', gateOrder: RNN_H, packedAxis: 'rows', bias: 'onnx_wb_rb', stateOrder: ['h'],
      tensors: [{ role: 'W', shape: ['D', 'H', 'I'] }, { role: 'R', shape: ['D', 'H', 'H'] }, { role: 'B', shape: ['D', GH(2)], optional: true }],
      defaultActivations: { candidate: 'Tanh' },
    },
  ],
  configKeys: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'input_forget', 'linear_before_reset', 'layout'],
  capabilities: { inputForget: true, gateClip: true, peepholes: true, reverseDirection: true, perDirectionActivations: true, separateOutputActivation: true },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const perm = canonicalToNative(spec);
    const W0 = requireTensor(spec, tensors, ['W'], 'input weights W');
    const R0 = requireTensor(spec, tensors, ['R'], 'recurrent weights R');
    if (W0.t.shape.length !== 3) throw new GateLensError('shape-mismatch', `W has shape ${fmtShape(W0.t.shape)} but ONNX stores W as [D, ${G}·H, I] (three axes, D = num_directions first).`);
    if (R0.t.shape.length !== 3) throw new GateLensError('shape-mismatch', `R has shape ${fmtShape(R0.t.shape)} but ONNX stores R as [D, ${G}·H, H] (three axes, D = num_directions first).`);
    const D = opts.direction ? (opts.direction === 'bidirectional' ? 2 : 1) : W0.t.shape[0];
    const H = checkUnits(opts, R0.t.shape[2], 'R last axis');
    const I = opts.inputSize ?? W0.t.shape[2];
    positiveInt(I, 'input size');
    const dims: Dims = { I, H, P: H, D };
    checkTensor(spec, 'W', 'W', W0.t, dims, ONNX_RULES);
    checkTensor(spec, 'R', 'R', R0.t, dims, ONNX_RULES);
    const B = get(tensors, ['B']);
    const Pp = spec.cell === 'lstm' ? get(tensors, ['P']) : undefined;
    if (B) checkTensor(spec, 'B', 'B', B.t, dims, ONNX_RULES);
    if (Pp) checkTensor(spec, 'P', 'P', Pp.t, dims, ONNX_RULES);
    const directions: DirectionWeights[] = [];
    for (let d = 0; d < D; d++) {
      let peephole: Float64Array | undefined;
      if (Pp) {
        peephole = new Float64Array(3 * H);
        // ONNX P is i, o, f; canonical is i, f, o (onnx/reference/ops/op_lstm.py: `[p_i, p_o, p_f] = np.split(P, 3)`).
        const src = Pp.t.data, off = d * 3 * H;
        for (let m = 0; m < H; m++) { peephole[m] = src[off + m]; peephole[H + m] = src[off + 2 * H + m]; peephole[2 * H + m] = src[off + H + m]; }
      }
      directions.push(deferredMatrices(() => rowsToCanonical(W0.t.data, d * G * H * I, perm, H, I), () => rowsToCanonical(R0.t.data, d * G * H * H, perm, H, H), {
        bW: B ? vectorToCanonical(B.t.data, d * 2 * G * H, perm, H) : zeros(G * H),
        bR: B ? vectorToCanonical(B.t.data, d * 2 * G * H + G * H, perm, H) : zeros(G * H),
        ...(peephole ? { peephole } : {}),
      }));
    }
    return { directions, dims, resetAfter: spec.cell === 'gru' ? (opts.resetAfter ?? false) : undefined, useBias: !!B };
  },

  toNative(layer, _spec, { perm, withBias }) {
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const hasPeep = layer.directions.some((d) => d.peephole);
    const out: NativeTensors = {};
    const Wd = new Float64Array(D * G * H * I), Rd = new Float64Array(D * G * H * H), Bd = new Float64Array(D * 2 * G * H);
    const Pd = hasPeep ? new Float64Array(D * 3 * H) : undefined;
    layer.directions.forEach((dw, d) => {
      rowsFromCanonical(dw.W, perm, H, I, Wd, d * G * H * I);
      rowsFromCanonical(dw.R, perm, H, H, Rd, d * G * H * H);
      rowsFromCanonical(dw.bW, perm, H, 1, Bd, d * 2 * G * H);
      rowsFromCanonical(dw.bR, perm, H, 1, Bd, d * 2 * G * H + G * H);
      if (Pd && dw.peephole) {
        const p = dw.peephole, off = d * 3 * H;
        for (let m = 0; m < H; m++) { Pd[off + m] = p[m]; Pd[off + H + m] = p[2 * H + m]; Pd[off + 2 * H + m] = p[H + m]; }
      }
    });
    out['W'] = tensor([D, G * H, I], Wd);
    out['R'] = tensor([D, G * H, H], Rd);
    if (withBias) out['B'] = tensor([D, 2 * G * H], Bd);
    if (Pd) out['P'] = tensor([D, 3 * H], Pd);
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    const layout = num('layout') ?? 0;
    if (layout !== 0 && layout !== 1) unsupported('layout', config['layout'], 'ONNX defines layout 0 (X as [T, N, I]) and 1 (batch-major [N, T, I])');
    if (layout === 1) opts.onnxLayout = 1;
    if (num('hidden_size') !== undefined) opts.units = num('hidden_size');
    const direction = str('direction');
    if (direction !== undefined) {
      if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') unsupported('direction', direction, 'ONNX directions are forward, reverse, bidirectional');
      opts.direction = direction as 'forward' | 'reverse' | 'bidirectional';
    }
    if (Array.isArray(config['activations'])) {
      opts.onnxActivations = {
        names: config['activations'] as string[],
        ...(Array.isArray(config['activation_alpha']) ? { alpha: config['activation_alpha'] as number[] } : {}),
        ...(Array.isArray(config['activation_beta']) ? { beta: config['activation_beta'] as number[] } : {}),
      };
    }
    if (num('clip') !== undefined) opts.clip = num('clip');
    if (num('input_forget') === 1) opts.inputForget = true;
    if (num('linear_before_reset') !== undefined) opts.resetAfter = num('linear_before_reset') === 1;
    return opts;
  },

  configFromLayer(layer) {
    const D = layer.directions.length;
    const cfg: Record<string, unknown> = {
      hidden_size: layer.units, direction: D === 2 ? 'bidirectional' : layer.reverse ? 'reverse' : 'forward', layout: 0,
    };
    const list: readonly LayerActivations[] = Array.isArray(layer.activations) ? layer.activations : [layer.activations as LayerActivations];
    const names: string[] = [], alpha: number[] = [], beta: number[] = [];
    for (let d = 0; d < D; d++) {
      const a = list[Math.min(d, list.length - 1)];
      const fns = layer.cell === 'lstm' ? [a.gate, a.candidate, a.output] : layer.cell === 'gru' ? [a.gate, a.candidate] : [a.candidate];
      for (const fn of fns) {
        const o = onnxActivationIn(fn)!;
        names.push(o.name);
        if (o.alpha !== undefined) alpha.push(o.alpha);
        if (o.beta !== undefined) beta.push(o.beta);
      }
    }
    const defaults = D * (layer.cell === 'lstm' ? 3 : layer.cell === 'gru' ? 2 : 1);
    const per = layer.cell === 'lstm' ? ['Sigmoid', 'Tanh', 'Tanh'] : layer.cell === 'gru' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    const isDefault = names.length === defaults && names.every((n, k) => n === per[k % per.length]);
    if (!isDefault) {
      cfg['activations'] = names;
      if (alpha.length) cfg['activation_alpha'] = alpha;
      if (beta.length) cfg['activation_beta'] = beta;
    }
    if (layer.clip !== undefined) cfg['clip'] = layer.clip;
    if (layer.inputForget) cfg['input_forget'] = 1;
    if (layer.cell === 'gru') cfg['linear_before_reset'] = layer.resetAfter === true ? 1 : 0;
    return cfg;
  },

  activationIn: onnxActivationIn,

  numpyLayout({ spec, perDir, digits, H, I, Hr, GH: gh, D, notes }) {
    const W = concat(...perDir.map((p) => p.W));
    const R = concat(...perDir.map((p) => p.R));
    const B = concat(...perDir.map((p) => concat(p.bW, p.bR)));
    const arrays = [`W = ${pyArray(W, [D, gh, I], digits)}  # (${D}, ${gh}, ${I})`, `R = ${pyArray(R, [D, gh, Hr], digits)}  # (${D}, ${gh}, ${Hr})`, `B = ${pyArray(B, [D, 2 * gh], digits)}  # (${D}, ${2 * gh}): [Wb, Rb]`];
    const hasPeephole = perDir.some((p) => p.w.peephole);
    if (hasPeephole) {
      // Canonical peepholes are i, f, o; ONNX stores P as i, o, f.
      const P = concat(...perDir.map((p) => {
        const c = p.w.peephole ?? new Float64Array(3 * H);
        return concat(c.subarray(0, H), c.subarray(2 * H, 3 * H), c.subarray(H, 2 * H));
      }));
      arrays.push(`P = ${pyArray(P, [D, 3 * H], digits)}  # (${D}, ${3 * H}): peepholes i, o, f`);
    }
    const params = perDir.map((_, d) => ({ arrays: d === 0 ? arrays : [], dict: `{'W': W[${d}], 'R': R[${d}], 'B': B[${d}]${hasPeephole ? `, 'P': P[${d}]` : ''}}` }));
    return {
      spec, GH: gh, H, params, notes,
      xw: `p['W'] @ x_t + p['B'][:${gh}]`,
      hu: (h) => `p['R'] @ ${h} + p['B'][${gh}:]`,
      huBlock: (h, k) => `p['R'][${blockSlice(H, k)}] @ ${h} + p['B'][${gh + k * H}:${gh + (k + 1) * H}]`,
    };
  },

  candidateTensors(t) {
    const out: NativeTensors = {};
    if (t.length === 1 && t[0].W && t[0].W.shape.length === 3) {
      for (const [role, a] of Object.entries(t[0])) if (a) out[role] = { shape: a.shape, data: a.values };
      return out;
    }
    stackDirections(t, out);
    if (t[0].B) out.B = { shape: t[0].B.shape, data: t[0].B.values };
    if (t[0].P) out.P = { shape: t[0].P.shape, data: t[0].P.values };
    return out;
  },
  // W and R carry the gates on the axis before the last ([dirs, 4H, D], or [4H, D] when a paste drops the direction
  // axis); B, Wb and Rb on their last axis.
  packedAxisOf: (role, shape) => (role === 'P' ? undefined : role === 'W' || role === 'R' ? Math.max(0, shape.length - 2) : Math.max(0, shape.length - 1)),
  roleTitles: { W: 'input weights W', R: 'recurrent weights R', B: 'biases B = [Wb, Rb]', P: 'peepholes P', Wb: 'input bias Wb', Rb: 'recurrent bias Rb' },
};
