// Flax (JAX): flax.linen and flax.nnx LSTMCell, OptimizedLSTMCell, GRUCell, SimpleCell. Checked against real Flax
// in float64 by scripts/fixtures/flax_fixtures.py (test/fixtures/conformance/flax_*.json).
//   linen LSTMCell / OptimizedLSTMCell (same tree): ii, if, ig, io Dense (I, H) without bias; hi, hf, hg, ho Dense
//     (H, H) with bias; i = σ(ii(x) + hi(h)), f, g = tanh(…), o; c' = f·c + i·g; h' = o·tanh(c'); carry (c, h).
//   nnx LSTMCell: the same with `if_` for `if`; nnx OptimizedLSTMCell: dense_i (I, 4H) no bias, dense_h (H, 4H) + bias,
//     columns i, f, g, o.
//   linen GRUCell: ir, iz, in Dense (I, H) + bias; hr, hz Dense (H, H) without bias; hn (H, H) + bias inside r:
//     n = tanh(in(x) + r·hn(h)); h' = (1 − z)·n + z·h. nnx GRUCell: dense_i (I, 3H) + bias, dense_h (H, 3H) WITHOUT
//     bias, columns r, z, n.
//   SimpleCell: linen i (I, H) + bias, h (H, H); nnx dense_i + bias, dense_h; h' = tanh(i(x) + h(h)) (residual adds h).

import { ActCode, resolveActivation } from '../activations';
import { GateLensError, type Activation, type DirectionWeights } from '../model';
import { blockSlice, pyArray, transpose, type DirectionParams } from '../codegen/numpy-arrays';
import { GH, gateCount, gruGate, lstmGate } from './gates';
import { canonicalToNative, checkTensor, checkUnits, columnsToCanonical, fmtShape, positiveInt, sumBias, tensor, type Found } from './layout';
import type { CandidateArrays, CellKind, CellSpec, ConventionAdapter, ConventionSpec, Dims, FromNativeOptions, Mutable, NativeTensors, TensorSpec } from './types';

/** The gate letters of each cell in Flax's order (module names i<g>, h<g>; nnx writes if_ for the Python keyword). */
const LETTERS: Record<CellKind, readonly string[]> = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'], simple_rnn: [''] };
const INPUT_BIAS: Record<CellKind, readonly boolean[]> = { lstm: [false, false, false, false], gru: [true, true, true], simple_rnn: [true] };
const RECURRENT_BIAS: Record<CellKind, readonly boolean[]> = { lstm: [true, true, true, true], gru: [false, false, true], simple_rnn: [false] };

const inputModule = (cell: CellKind, k: number): string => (cell === 'simple_rnn' ? 'i' : `i${LETTERS[cell][k]}`);
const recurrentModule = (cell: CellKind, k: number): string => (cell === 'simple_rnn' ? 'h' : `h${LETTERS[cell][k]}`);

function perGateTensors(cell: CellKind): TensorSpec[] {
  const out: TensorSpec[] = [];
  LETTERS[cell].forEach((_, k) => {
    out.push({ role: `${inputModule(cell, k)}/kernel`, shape: ['I', 'H'], optional: true });
    if (INPUT_BIAS[cell][k]) out.push({ role: `${inputModule(cell, k)}/bias`, shape: ['H'], optional: true });
    out.push({ role: `${recurrentModule(cell, k)}/kernel`, shape: ['H', 'H'], optional: true });
    if (RECURRENT_BIAS[cell][k]) out.push({ role: `${recurrentModule(cell, k)}/bias`, shape: ['H'], optional: true, note: cell === 'gru' ? 'linen only; inside r' : undefined });
  });
  const G = LETTERS[cell].length;
  out.push({ role: 'dense_i/kernel', shape: ['I', G === 1 ? 'H' : GH(G)], optional: true, note: 'nnx packed form' });
  if (cell !== 'lstm') out.push({ role: 'dense_i/bias', shape: [G === 1 ? 'H' : GH(G)], optional: true });
  out.push({ role: 'dense_h/kernel', shape: ['H', G === 1 ? 'H' : GH(G)], optional: true, note: 'nnx packed form' });
  if (cell === 'lstm') out.push({ role: 'dense_h/bias', shape: [GH(G)], optional: true });
  return out;
}

const FLAX_CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'Flax', gateOrder: [lstmGate('i'), lstmGate('f'), lstmGate('c', 'g'), lstmGate('o')], packedAxis: 'per_gate', bias: 'per_gate',
    stateOrder: ['c', 'h'], tensors: perGateTensors('lstm'), defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: ['Biases only on the recurrent Dense layers hi, hf, hg, ho; nnx OptimizedLSTMCell packs the same blocks as dense_i/dense_h columns i, f, g, o.'],
  },
  {
    cell: 'gru', framework: 'Flax', gateOrder: [gruGate('r'), gruGate('z'), gruGate('n')], packedAxis: 'per_gate', bias: 'per_gate', stateOrder: ['h'], defaultResetAfter: true,
    tensors: perGateTensors('gru'), defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    notes: ['linen: input biases on ir, iz, in and a recurrent bias on hn inside r ⊙ (W_hn h + b_hn); nnx GRUCell has no recurrent bias.'],
  },
  {
    cell: 'simple_rnn', framework: 'Flax', gateOrder: [{ gate: 'h', label: 'h', name: 'hidden pre-activation' }], packedAxis: 'per_gate', bias: 'per_gate', stateOrder: ['h'],
    tensors: perGateTensors('simple_rnn'), defaultActivations: { candidate: 'tanh' },
  },
];

/** Keys as Flax writes them in any nesting: `params/cell/ii/kernel`, `ii.kernel`, `if_/kernel/value` → `ii/kernel`. */
function normaliseKey(key: string): { role: string; backward: boolean } | undefined {
  const parts = key.split(/[/.]/).filter((p) => p && p !== 'value');
  if (parts.length < 2) return undefined;
  const module = parts[parts.length - 2].replace(/^if_$/, 'if');
  return { role: `${module}/${parts[parts.length - 1]}`, backward: parts.includes('backward_rnn') };
}

function byDirection(tensors: NativeTensors): Array<Map<string, Found>> {
  const dirs = [new Map<string, Found>(), new Map<string, Found>()];
  for (const [key, t] of Object.entries(tensors)) {
    const n = normaliseKey(key);
    if (n) dirs[n.backward ? 1 : 0].set(n.role, { key, t });
  }
  return dirs[1].size ? dirs : [dirs[0]];
}

function need(spec: ConventionSpec, m: Map<string, Found>, role: string): Found {
  const f = m.get(role);
  if (f) return f;
  throw new GateLensError('missing-array', `Flax ${spec.cell.toUpperCase()} needs ${role} (or the packed dense_i/dense_h of flax.nnx); got ${[...m.keys()].join(', ') || 'no arrays'}.`);
}

/** Canonical rows (H × in) of a Flax (in, H) kernel. */
const rowsOf = (f: Found, rows: number, H: number): Float64Array => transpose(Float64Array.from(f.t.data), rows, H);

function directionFromFlax(spec: ConventionSpec, m: Map<string, Found>, dims: Dims): DirectionWeights {
  const { cell } = spec;
  const { I, H } = dims;
  const G = gateCount(cell);
  const perm = canonicalToNative(spec);
  const W = new Float64Array(G * H * I), R = new Float64Array(G * H * H), bW = new Float64Array(G * H), bR = new Float64Array(G * H);
  if (m.has('dense_h/kernel')) {
    const di = need(spec, m, 'dense_i/kernel'), dh = need(spec, m, 'dense_h/kernel');
    checkTensor(spec, 'dense_i/kernel', di.key, di.t, dims);
    checkTensor(spec, 'dense_h/kernel', dh.key, dh.t, dims);
    W.set(columnsToCanonical(di.t.data, G * H, 0, I, perm, H));
    R.set(columnsToCanonical(dh.t.data, G * H, 0, H, perm, H));
    for (const [role, into] of [['dense_i/bias', bW], ['dense_h/bias', bR]] as const) {
      const b = m.get(role);
      if (!b) continue;
      checkTensor(spec, role, b.key, b.t, dims);
      into.set(columnsToCanonical(b.t.data, G * H, 0, 1, perm, H));
    }
    return { W, R, bW, bR };
  }
  for (let k = 0; k < G; k++) {
    const slot = perm[k];
    const ik = need(spec, m, `${inputModule(cell, slot)}/kernel`), hk = need(spec, m, `${recurrentModule(cell, slot)}/kernel`);
    checkTensor(spec, `${inputModule(cell, slot)}/kernel`, ik.key, ik.t, dims);
    checkTensor(spec, `${recurrentModule(cell, slot)}/kernel`, hk.key, hk.t, dims);
    W.set(rowsOf(ik, I, H), k * H * I);
    R.set(rowsOf(hk, H, H), k * H * H);
    if (INPUT_BIAS[cell][slot]) {
      const b = need(spec, m, `${inputModule(cell, slot)}/bias`);
      checkTensor(spec, `${inputModule(cell, slot)}/bias`, b.key, b.t, dims);
      bW.set(Float64Array.from(b.t.data), k * H);
    }
    const rb = m.get(`${recurrentModule(cell, slot)}/bias`);
    if (rb) {
      checkTensor(spec, `${recurrentModule(cell, slot)}/bias`, rb.key, rb.t, dims);
      bR.set(Float64Array.from(rb.t.data), k * H);
    } else if (RECURRENT_BIAS[cell][slot] && cell === 'lstm') {
      need(spec, m, `${recurrentModule(cell, slot)}/bias`);
    }
  }
  return { W, R, bW, bR };
}

const FLAX_ACTIVATION: Partial<Record<ActCode, string>> = {
  [ActCode.Tanh]: 'tanh', [ActCode.Sigmoid]: 'sigmoid', [ActCode.Relu]: 'relu', [ActCode.Relu6Shift]: 'hard_sigmoid_keras3',
  [ActCode.Silu]: 'silu', [ActCode.Softplus]: 'softplus', [ActCode.Relu6]: 'relu6', [ActCode.Softsign]: 'softsign',
};

/** jax.nn / flax.linen activation names → Gate Lens names (jax.nn.hard_sigmoid is relu6(x + 3)/6). */
function activationFromFlax(name: string): string {
  return name === 'hard_sigmoid' ? 'hard_sigmoid_keras3' : name;
}

const ROLE_TITLES: Record<string, string> = {};
for (const cell of ['lstm', 'gru', 'simple_rnn'] as const) {
  LETTERS[cell].forEach((letter, k) => {
    const gate = letter ? ` of gate ${letter}` : '';
    ROLE_TITLES[`${inputModule(cell, k)}/kernel`] = `input kernel${gate}`;
    ROLE_TITLES[`${inputModule(cell, k)}/bias`] = `input bias${gate}`;
    ROLE_TITLES[`${recurrentModule(cell, k)}/kernel`] = `recurrent kernel${gate}`;
    ROLE_TITLES[`${recurrentModule(cell, k)}/bias`] = `recurrent bias${gate}`;
  });
}
Object.assign(ROLE_TITLES, { 'dense_i/kernel': 'packed input kernel', 'dense_i/bias': 'packed input bias', 'dense_h/kernel': 'packed recurrent kernel', 'dense_h/bias': 'packed recurrent bias' });

const FLAX_TEMPLATES = {
  packedNotGates: 'dense_h/kernel {0} packs {1} columns for {2} units: not 4, 3 or 1 gates',
  noFirstGate: 'Flax cell parameters without the first gate\'s input and recurrent kernels',
  perGateShapes: 'per-gate Dense kernels → Flax {0}, {1} units, input size {2}',
  packedShapes: 'packed dense_i/dense_h → Flax {0}, {1} units, input size {2}',
} as const;

const FLAX_MODULES = new Set(Object.keys(ROLE_TITLES).map((r) => r.split('/')[0]));

export const flaxAdapter: ConventionAdapter<'flax'> = {
  id: 'flax',
  title: 'Flax',
  description: 'Flax (JAX) linen / nnx LSTMCell, OptimizedLSTMCell, GRUCell, SimpleCell: per-gate Dense ii..ho (or packed dense_i/dense_h), carry (c, h).',
  verification: 'verified',
  sources: [
    { fact: 'linen LSTMCell ii..io without bias, hi..ho with bias; OptimizedLSTMCell same tree; GRUCell hn bias inside r; SimpleCell i + bias, h', url: 'https://github.com/google/flax/blob/main/flax/linen/recurrent.py' },
    { fact: 'nnx LSTMCell if_; OptimizedLSTMCell dense_i (I, 4H) / dense_h (H, 4H) + bias; GRUCell dense_i + bias, dense_h without bias', url: 'https://github.com/google/flax/blob/main/flax/nnx/nn/recurrent.py' },
  ],
  layerNames: { lstm: '`LSTMCell` / `OptimizedLSTMCell`', gru: '`GRUCell`', simple_rnn: '`SimpleCell`' },
  outputLayout: 'keras',
  cells: FLAX_CELLS,
  configKeys: ['features', 'gate_fn', 'activation_fn', 'residual', 'api', 'cell'],
  capabilities: {
    refusesResetBefore: 'Flax GRUCell applies the reset gate after the recurrent matmul (n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)))',
  },

  fromNative(spec, tensors, opts) {
    const dirs = byDirection(tensors);
    const first = dirs[0];
    const G = gateCount(spec.cell);
    const packed = first.has('dense_h/kernel');
    const hk = need(spec, first, packed ? 'dense_h/kernel' : `${recurrentModule(spec.cell, 0)}/kernel`);
    const ik = need(spec, first, packed ? 'dense_i/kernel' : `${inputModule(spec.cell, 0)}/kernel`);
    if (hk.t.shape.length !== 2 || ik.t.shape.length !== 2) {
      throw new GateLensError('shape-mismatch', `Flax kernels are 2-D (in, out); got ${ik.key} ${fmtShape(ik.t.shape)} and ${hk.key} ${fmtShape(hk.t.shape)}.`);
    }
    const H = checkUnits(opts, hk.t.shape[0], `${hk.key} rows`);
    const I = opts.inputSize ?? ik.t.shape[0];
    positiveInt(I, 'input size');
    if (packed && hk.t.shape[1] !== G * H) {
      throw new GateLensError('shape-mismatch', `${hk.key} has shape ${fmtShape(hk.t.shape)} but a Flax ${spec.cell.toUpperCase()} with ${H} units packs ${G}·H = ${G * H} columns.`);
    }
    const dims: Dims = { I, H, P: H, D: 1 };
    return { directions: dirs.map((m) => directionFromFlax(spec, m, dims)), dims, resetAfter: spec.cell === 'gru' ? true : undefined, useBias: true };
  },

  // Written in the linen per-gate form (which nnx LSTMCell shares, with if_); LSTM biases fold into the recurrent
  // Dense layers (Flax sums both sides), GRU r and z biases into the input side, n keeps both.
  toNative(layer, spec) {
    const { cell } = layer;
    const H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const canonicalIndex = canonicalToNative(spec);
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => {
      const prefix = D === 2 ? (d === 0 ? 'forward_rnn/cell/' : 'backward_rnn/cell/') : '';
      // In Flax's own order (ii, hi, if, …; ir, hr, iz, …), the order a Flax module creates them.
      canonicalIndex.map((slot, k) => [slot, k] as const).sort((a, b) => a[0] - b[0]).forEach(([slot, k]) => {
        const rows = (src: Float64Array, cols: number) => transpose(src.slice(k * H * cols, (k + 1) * H * cols), H, cols);
        const bw = dw.bW.slice(k * H, (k + 1) * H), br = dw.bR.slice(k * H, (k + 1) * H);
        const inputBias = INPUT_BIAS[cell][slot], recurrentBias = RECURRENT_BIAS[cell][slot];
        const input = `${prefix}${inputModule(cell, slot)}`, recurrent = `${prefix}${recurrentModule(cell, slot)}`;
        out[`${input}/kernel`] = tensor([I, H], rows(dw.W, I));
        if (inputBias) out[`${input}/bias`] = tensor([H], recurrentBias ? bw : sumBias(bw, br));
        out[`${recurrent}/kernel`] = tensor([H, H], rows(dw.R, H));
        if (recurrentBias) out[`${recurrent}/bias`] = tensor([H], inputBias ? br : sumBias(br, bw));
      });
    });
    return out;
  },

  optionsFromConfig({ num, str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('features') !== undefined) opts.units = num('features');
    if (config['residual'] === true) unsupported('residual', true, 'SimpleCell(residual=True) adds h to the pre-activation, which Gate Lens does not compute');
    const gate = str('gate_fn'), act = str('activation_fn');
    if (gate !== undefined) opts.recurrentActivation = activationFromFlax(gate);
    if (act !== undefined) opts.activation = activationFromFlax(act);
    return opts;
  },

  configFromLayer(layer, plain) {
    const acts = Array.isArray(layer.activations) ? layer.activations[0] : layer.activations;
    const cfg: Record<string, unknown> = { features: layer.units };
    if (layer.cell !== 'simple_rnn' && plain(acts.gate) !== 'sigmoid') cfg['gate_fn'] = plain(acts.gate);
    if (plain(acts.candidate) !== 'tanh') cfg['activation_fn'] = plain(acts.candidate);
    return cfg;
  },

  activationIn(a: Activation) {
    const r = resolveActivation(a);
    const name = FLAX_ACTIVATION[r.code];
    return name ? { name } : undefined;
  },

  // Written in the packed form of flax.nnx (OptimizedLSTMCell / GRUCell / SimpleCell): the linen per-gate kernels
  // are its column blocks in the same order.
  numpyLayout({ spec, perDir, digits, H, I, GH: gh, D, notes }) {
    notes.push('Written in the packed form of flax.nnx (dense_i, dense_h); the linen per-gate kernels ii, if, … are its column blocks.');
    const params: DirectionParams[] = perDir.map((p, d) => {
      const sfx = D === 2 ? (d === 0 ? '_fw' : '_bw') : '';
      return {
        arrays: [
          `dense_i_kernel${sfx} = ${pyArray(transpose(p.W, gh, I), [I, gh], digits)}  # (${I}, ${gh})`,
          `dense_i_bias${sfx} = ${pyArray(p.bW, [gh], digits)}`,
          `dense_h_kernel${sfx} = ${pyArray(transpose(p.R, gh, H), [H, gh], digits)}  # (${H}, ${gh})`,
          `dense_h_bias${sfx} = ${pyArray(p.bR, [gh], digits)}  # the GRU's n block sits inside r`,
        ],
        dict: `{'dense_i_kernel': dense_i_kernel${sfx}, 'dense_i_bias': dense_i_bias${sfx}, 'dense_h_kernel': dense_h_kernel${sfx}, 'dense_h_bias': dense_h_bias${sfx}}`,
      };
    });
    return {
      spec, GH: gh, H, params, notes,
      xw: `x_t @ p['dense_i_kernel'] + p['dense_i_bias']`,
      hu: (h) => `${h} @ p['dense_h_kernel'] + p['dense_h_bias']`,
      huBlock: (h, k) => `${h} @ p['dense_h_kernel'][:, ${blockSlice(H, k)}] + p['dense_h_bias'][${blockSlice(H, k)}]`,
    };
  },

  candidateTensors(arrays: CandidateArrays) {
    const out: NativeTensors = {};
    arrays.forEach((t, d) => {
      for (const [role, a] of Object.entries(t)) if (a) out[`${d === 1 ? 'backward_rnn/' : ''}${role}`] = { shape: a.shape, data: a.values };
    });
    return out;
  },
  packedAxisOf: (role, shape) => (role.startsWith('dense_') ? shape.length - 1 : undefined),
  roleTitles: ROLE_TITLES,
  templates: FLAX_TEMPLATES,

  classifyName(parts) {
    const p = parts.filter((x) => x !== 'value');
    if (p.length < 2) return undefined;
    const last = p[p.length - 1];
    const module = p[p.length - 2].replace(/^if_$/, 'if');
    if ((last !== 'kernel' && last !== 'bias') || !FLAX_MODULES.has(module)) return undefined;
    const scope = p.slice(0, -2);
    // SimpleCell's one-letter modules i and h are Flax only inside an nn.RNN cell scope.
    if ((module === 'i' || module === 'h') && scope[scope.length - 1] !== 'cell') return undefined;
    const group = scope.filter((x) => !['params', 'cell', 'forward_rnn', 'backward_rnn'].includes(x)).join('/');
    return { group, role: `${module}/${last}`, direction: scope.includes('backward_rnn') ? 1 : 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const shape = (r: string) => roles[r];
    let cell: CellKind, H: number, I: number;
    const dh = shape('dense_h/kernel'), di = shape('dense_i/kernel');
    if (dh && di) {
      H = dh[0];
      const G = dh[1] / H;
      cell = G === 4 ? 'lstm' : G === 3 ? 'gru' : G === 1 ? 'simple_rnn' : (undefined as never);
      if (!cell) return { reject: { template: FLAX_TEMPLATES.packedNotGates, args: [fmtShape(dh), dh[1], H] } };
      I = di[0];
    } else {
      const found = (['lstm', 'gru', 'simple_rnn'] as const).find((c) => shape(`${recurrentModule(c, 0)}/kernel`) && shape(`${inputModule(c, 0)}/kernel`));
      if (!found) return { reject: { template: FLAX_TEMPLATES.noFirstGate, args: [] } };
      cell = found;
      H = shape(`${recurrentModule(cell, 0)}/kernel`)![0];
      I = shape(`${inputModule(cell, 0)}/kernel`)![0];
    }
    return {
      cell, units: H, inputSize: I, ...(cell === 'gru' ? { resetAfter: true } : {}),
      evidence: { template: dh ? FLAX_TEMPLATES.packedShapes : FLAX_TEMPLATES.perGateShapes, args: [cell === 'lstm' ? 'LSTMCell' : cell === 'gru' ? 'GRUCell' : 'SimpleCell', H, I] },
    };
  },
};
