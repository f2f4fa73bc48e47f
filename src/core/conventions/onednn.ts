// oneDNN RNN primitive (doc/primitives/rnn.md): weights_layer ldigo [L, D, I, G, H], weights_iter [L, D, H, G, H]
// (so each direction's matrices are x·W with the gate blocks along the last two axes), bias ldgo [L, D, G, H].
// LSTM gates i, f, c̃, o; GRU u, r, o with o = tanh(W_o x + U_o (r ⊙ h) + B_o) (reset before the matmul); the
// linear-before-reset GRU keeps bias [L, D, 4, H] = u, r, o, u' with o = tanh(W_o x + r ⊙ (U_o h + B_u') + B_o);
// vanilla RNN one gate with relu, tanh or logistic. Directions left2right, right2left (decreasing time order, each
// output at its own time step, as ONNX direction="reverse"), bidirectional_concat and bidirectional_sum. Gate Lens
// reads one layer (L = 1). The bias is passed as DNNL_ARG_BIAS and has no name of its own: an array called bias
// (user_bias, bias_data) joins weights_layer / weights_iter of the same prefix only when the file's code shows oneDNN
// (`dnnl::lstm_forward`, `memory::format_tag::ldigo`, `DNNL_ARG_BIAS`); flat buffers (std::vector, np.ravel) are read
// in the ldigo / ldgo order of their memory descriptors. Documented, not run against oneDNN.

import { GateLensError } from '../model';
import { onnxAdapter } from './onnx';
import { LSTM_IFCO, RNN_H, gateCount, gruGate } from './gates';
import { columnsFromCanonical, columnsToCanonical, fmtShape, get, incompatible, rowsFromCanonical, rowsToCanonical, zeros } from './layout';
import { activationAmong, checkShape, firstActivations, nativePerm, need, numpyAs, plus, prefixedCandidates, tensorOf, unitsFrom } from './documented-common';
import type { CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

const GRU_URO = [gruGate('z', 'u'), gruGate('r'), gruGate('n', 'o')];

const CELLS: CellSpec[] = [
  {
    cell: 'lstm', framework: 'oneDNN', gateOrder: LSTM_IFCO, packedAxis: 'columns', bias: 'single', stateOrder: ['h', 'c'],
    tensors: [{ role: 'weights_layer', shape: [1, 'D', 'I', 4, 'H'] }, { role: 'weights_iter', shape: [1, 'D', 'H', 4, 'H'] }, { role: 'bias', shape: [1, 'D', 4, 'H'], optional: true }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
  },
  {
    cell: 'gru', framework: 'oneDNN', gateOrder: GRU_URO, packedAxis: 'columns', bias: 'single_plus_rn', stateOrder: ['h'], defaultResetAfter: false,
    tensors: [{ role: 'weights_layer', shape: [1, 'D', 'I', 3, 'H'] }, { role: 'weights_iter', shape: [1, 'D', 'H', 3, 'H'] }, { role: 'bias', shape: [1, 'D', 3, 'H'], optional: true, note: '[1, D, 4, H] = u, r, o, u\' for lbr_gru' }],
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh' },
    notes: ['gru_forward: reset before U_o; lbr_gru_forward: bias [1, D, 4, H], B_u\' inside r ⊙ (U_o h + B_u\').'],
  },
  {
    cell: 'simple_rnn', framework: 'oneDNN', gateOrder: RNN_H, packedAxis: 'columns', bias: 'single', stateOrder: ['h'],
    tensors: [{ role: 'weights_layer', shape: [1, 'D', 'I', 1, 'H'] }, { role: 'weights_iter', shape: [1, 'D', 'H', 1, 'H'] }, { role: 'bias', shape: [1, 'D', 1, 'H'], optional: true }],
    defaultActivations: { candidate: 'tanh' },
  },
];

const DIRECTIONS = ['unidirectional_left2right', 'unidirectional_right2left', 'bidirectional_concat', 'bidirectional_sum'] as const;
const ALGORITHMS: Record<string, string> = { eltwise_relu: 'relu', eltwise_tanh: 'tanh', eltwise_logistic: 'sigmoid' };

const ONEDNN_TEMPLATES = {
  incomplete: 'oneDNN weights_layer / weights_iter names, but not both as ldigo [L, D, I, G, H] arrays ({0})',
  layer: 'weights_iter holds {0} gates of {1} channels → oneDNN {2}, input size {3}',
  noBias: 'oneDNN weights_layer / weights_iter without a bias under the same name scope ({0}): oneDNN\'s bias has no name of its own, so a bias elsewhere in the file could belong to this layer; Gate Lens does not guess',
  flatSize: 'oneDNN {0} holds {1} values; [{2}] needs {3}',
} as const;

export const onednnAdapter: ConventionAdapter<'onednn'> = {
  id: 'onednn',
  title: 'oneDNN',
  description: 'oneDNN RNN primitive (documented, not run): weights_layer ldigo [1, D, I, G, H], weights_iter [1, D, H, G, H], bias ldgo; gates i, f, c̃, o / u, r, o.',
  verification: 'documented',
  sources: [
    { fact: 'LSTM gate order i, f, c̃, o; GRU u, r, o with U_o·(r ⊙ h); linear-before-reset GRU bias u, r, o, u\' with r ⊙ (U_o h + B_u\'); vanilla RNN relu / tanh / logistic; right2left processes the timestamps in decreasing order (h_t at its own t); bidirectional_concat concatenates dst_layer over channels, bidirectional_sum sums it; the bias is the execution argument DNNL_ARG_BIAS', url: 'https://github.com/oneapi-src/oneDNN/blob/main/doc/primitives/rnn.md' },
    { fact: 'weights ldigo, bias ldgo memory formats (layers, directions, input channels, gates, output channels)', url: 'https://oneapi-src.github.io/oneDNN/dev_guide_rnn.html' },
    { fact: 'lbr_gru example: bias of 4 gates', url: 'https://oneapi-src.github.io/oneDNN/example_lbr_gru.cpp.html' },
  ],
  layerNames: { lstm: '`lstm_forward`', gru: '`gru_forward` / `lbr_gru_forward`', simple_rnn: '`vanilla_rnn_forward`' },
  outputLayout: 'onnx',
  cells: CELLS,
  configKeys: ['direction', 'activation', 'lbr'],
  capabilities: { mergeModes: true, reverseDirection: true, fixedActivations: { gate: 'sigmoid', candidate: 'tanh' } },

  fromNative(spec, tensors, opts) {
    const G = gateCount(spec.cell);
    const Wl = need(spec, tensors, ['weights_layer'], 'layer weights'), Wi = need(spec, tensors, ['weights_iter'], 'iteration weights');
    if (Wl.t.shape.length !== 5 || Wi.t.shape.length !== 5) throw new GateLensError('shape-mismatch', `oneDNN weights are ldigo [L, D, I, G, H]; got weights_layer ${fmtShape(Wl.t.shape)}, weights_iter ${fmtShape(Wi.t.shape)}.`);
    if (Wl.t.shape[0] !== 1) throw new GateLensError('not-representable', `weights_layer stacks L = ${Wl.t.shape[0]} layers; Gate Lens reads one oneDNN layer at a time (L = 1).`);
    const D = Wl.t.shape[1];
    const H = unitsFrom(spec, Wi, opts.units ?? Wi.t.shape[4], 'units');
    const I = unitsFrom(spec, Wl, opts.inputSize ?? Wl.t.shape[2], 'input size');
    checkShape(spec, Wl, [1, D, I, G, H], 'layer weights');
    checkShape(spec, Wi, [1, D, H, G, H], 'iteration weights');
    const b = get(tensors, ['bias']);
    const lbr = spec.cell === 'gru' && (b ? b.t.shape[2] === 4 : opts.resetAfter === true);
    if (b) checkShape(spec, b, [1, D, lbr ? 4 : G, H], 'bias');
    const perm = nativePerm(spec);
    const width = (lbr ? 4 : G) * H;
    const directions = Array.from({ length: D }, (_, d) => {
      const bR = zeros(G * H);
      if (b && lbr) for (let m = 0; m < H; m++) bR[2 * H + m] = b.t.data[d * width + 3 * H + m];
      return {
        W: columnsToCanonical(Wl.t.data, G * H, d * I, I, perm, H), R: columnsToCanonical(Wi.t.data, G * H, d * H, H, perm, H),
        bW: b ? rowsToCanonical(b.t.data, d * width, perm, H, 1) : zeros(G * H), bR,
      };
    });
    return { directions, dims: { I, H, P: H, D }, resetAfter: spec.cell === 'gru' ? lbr : undefined, useBias: b !== undefined };
  },

  toNative(layer, spec, { perm, withBias }) {
    if (layer.directions.length === 2 && layer.merge && layer.merge !== 'concat' && layer.merge !== 'sum') incompatible(layer, spec, `oneDNN combines directions by concat or sum, not ${layer.merge}`);
    const G = gateCount(layer.cell), H = layer.units, I = layer.inputSize, D = layer.directions.length;
    const lbr = layer.cell === 'gru' && layer.resetAfter !== false;
    const width = (lbr ? 4 : G) * H;
    const Wl = new Float64Array(D * I * G * H), Wi = new Float64Array(D * H * G * H), B = new Float64Array(D * width);
    layer.directions.forEach((dw, d) => {
      columnsFromCanonical(dw.W, perm, H, I, Wl, G * H, d * I);
      columnsFromCanonical(dw.R, perm, H, H, Wi, G * H, d * H);
      const outside = Float64Array.from(dw.bR);
      if (lbr) { outside.fill(0, 2 * H); B.set(dw.bR.subarray(2 * H, 3 * H), d * width + 3 * H); }
      rowsFromCanonical(plus(dw.bW, outside), perm, H, 1, B, d * width);
    });
    const out: NativeTensors = { weights_layer: tensorOf([1, D, I, G, H], Wl), weights_iter: tensorOf([1, D, H, G, H], Wi) };
    if (withBias) out['bias'] = tensorOf([1, D, lbr ? 4 : G, H], B);
    return out;
  },

  optionsFromConfig({ str, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    const dir = str('direction');
    if (dir !== undefined) {
      if (!(DIRECTIONS as readonly string[]).includes(dir)) unsupported('direction', dir, `oneDNN directions are ${DIRECTIONS.join(', ')}`);
      if (dir === 'unidirectional_right2left') opts.direction = 'reverse';
      if (dir.startsWith('bidirectional')) { opts.bidirectional = true; opts.merge = dir === 'bidirectional_sum' ? 'sum' : 'concat'; }
    }
    const act = str('activation');
    if (act !== undefined) { if (!ALGORITHMS[act]) unsupported('activation', act, `a oneDNN vanilla RNN takes ${Object.keys(ALGORITHMS).join(', ')}`); opts.activation = ALGORITHMS[act]; }
    if (config['lbr'] !== undefined) opts.resetAfter = config['lbr'] === true;
    return opts;
  },

  configFromLayer(layer, plain) {
    const D = layer.directions.length;
    const cfg: Record<string, unknown> = { direction: D === 2 ? (layer.merge === 'sum' ? 'bidirectional_sum' : 'bidirectional_concat') : layer.reverse ? 'unidirectional_right2left' : 'unidirectional_left2right' };
    if (layer.cell === 'simple_rnn') cfg['activation'] = Object.entries(ALGORITHMS).find(([, v]) => v === plain(firstActivations(layer).candidate))?.[0];
    if (layer.cell === 'gru') cfg['lbr'] = layer.resetAfter !== false;
    return cfg;
  },

  activationIn: activationAmong(['sigmoid', 'tanh', 'relu']),
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Stored as oneDNN ldigo weights (x·W, gates i, f, c̃, o / u, r, o); written here as the equivalent ONNX layer (W·x, gates i, o, f, c / z, r, h).'),
  candidateTensors(arrays) {
    const out = prefixedCandidates('backward_')(arrays);
    // A flat buffer (a std::vector, np.ravel) is read in its memory descriptor's ldigo / ldgo order.
    const wi = out['weights_iter'], wl = out['weights_layer'], b = out['bias'];
    const dims = wi?.shape.length === 5 ? wi.shape : wl?.shape.length === 5 ? wl.shape : undefined;
    if (dims && b && b.shape.length !== 4) {
      const [, D, , G, H] = dims;
      const gates = b.data.length === D * 4 * H && G === 3 ? 4 : G;
      out['bias'] = { shape: b.data.length === D * gates * H ? [1, D, gates, H] : b.shape, data: b.data };
    }
    return out;
  },
  packedAxisOf: (role) => (role === 'bias' ? 2 : 3),
  roleTitles: { weights_layer: 'layer weights weights_layer', weights_iter: 'iteration weights weights_iter', bias: 'bias' },

  nameSignal: /\b(?:dnnl|mkldnn)::\w+|\bdnnl_\w+|\bDNNL_ARG_\w+|\b(?:format_)?tag::ld(?:igo|goi|go)\b|^[ \t]*(?:import[ \t]+(?:dnnl|mkldnn)\b|from[ \t]+(?:dnnl|mkldnn)\b)/gm,

  classifyName(parts, signalShown) {
    const last = parts[parts.length - 1];
    // The bias has no name of its own (DNNL_ARG_BIAS): one called bias joins only where the file shows oneDNN, and
    // only beside weights_layer / weights_iter of the same prefix; analyseNamed refuses a group without one.
    const m = /^(?:(.*?)_)?(weights_layer|weights_iter|wei_layer|wei_iter|bias)(?:_data)?$/.exec(last);
    if (!m || (m[2] === 'bias' && !signalShown)) return undefined;
    const role = m[2] === 'bias' ? 'bias' : m[2].replace(/^wei_/, 'weights_');
    return { group: [...parts.slice(0, -1), ...(m[1] ? [m[1]] : [])].join('/'), role, direction: 0, ...(role === 'bias' ? { companion: true } : {}) };
  },

  analyseNamed(dirs) {
    const wl = dirs[0]['weights_layer'], wi = dirs[0]['weights_iter'];
    if (!wl || !wi || wl.length !== 5 || wi.length !== 5) return { reject: { template: ONEDNN_TEMPLATES.incomplete, args: [Object.keys(dirs[0]).join(', ')] } };
    const G = wi[3], H = wi[4];
    const cell = G === 4 ? 'lstm' : G === 3 ? 'gru' : G === 1 ? 'simple_rnn' : undefined;
    if (!cell) return { reject: { template: ONEDNN_TEMPLATES.incomplete, args: [Object.keys(dirs[0]).join(', ')] } };
    const bias = dirs[0]['bias'];
    if (!bias) return { reject: { template: ONEDNN_TEMPLATES.noBias, args: [Object.keys(dirs[0]).join(', ')] } };
    const D = wl[1], n = bias.reduce((a, b) => a * b, 1);
    if (bias.length !== 4 && n !== D * G * H && !(G === 3 && n === D * 4 * H)) return { reject: { template: ONEDNN_TEMPLATES.flatSize, args: ['bias', n, `1, ${D}, ${G}, ${H}`, D * G * H] } };
    // lbr_gru_forward's bias has a fourth gate block, u' (inside r ⊙ (·)).
    const lbr = cell === 'gru' && (bias.length === 4 ? bias[2] === 4 : n === D * 4 * H);
    return { cell, units: H, inputSize: wl[2], ...(cell === 'gru' ? { resetAfter: lbr } : {}), evidence: { template: ONEDNN_TEMPLATES.layer, args: [G, H, lbr ? 'lbr_gru' : cell.toUpperCase(), wl[2]] } };
  },
  templates: ONEDNN_TEMPLATES,
};
