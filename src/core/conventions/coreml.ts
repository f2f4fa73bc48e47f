// Core ML NeuralNetwork.proto: UniDirectionalLSTMLayerParams / BiDirectionalLSTMLayerParams with LSTMWeightParams
// inputGateWeightMatrix, forgetGateWeightMatrix, blockInputWeightMatrix, outputGateWeightMatrix ([H, I], row-major),
// …RecursionMatrix ([H, H]), …BiasVector, input/forget/outputGatePeepholeVector; GRULayerParams update/reset/
// outputGate…; SimpleRecurrentLayerParams weightMatrix, recursionMatrix, biasVector. Every gate pre-activation is
// clip()-ed to [−50, 50]; the GRU output gate is g(W_o x + R_o (y ⊙ r) + b_o) (reset before the matmul);
// y = (1 − z) ⊙ o + z ⊙ y_prev. LSTMParams: forgetBias adds a vector of 1 to b_f (the forward pass's run-time forget
// bias 1.0, so the stored b_f round-trips bit for bit); coupledInputAndForgetGate gives c_t = c_{t−1} ⊙ (1 − i_t) +
// i_t ⊙ z_t, the forget gate unused (ONNX input_forget); cellClipThreshold clips c_t, and 0 means its default 50.
// Documented, not run against Core ML (macOS only).

import { GateLensError } from '../model';
import { onnxAdapter } from './onnx';
import { RNN_H, gateCount, gruGate, lstmGate } from './gates';
import { incompatible } from './layout';
import { activationAmong, configFlag, firstActivations, numpyAs, perGateDims, readPerGate, writePerGate, type PerGateRoles } from './documented-common';
import { camelWords } from './documented-common';
import type { CellKind, CellSpec, ConventionAdapter, FromNativeOptions, Mutable, NativeTensors } from './types';

/** Core ML clips every gate pre-activation to ±50 (NeuralNetwork.proto: clip() constrains values to [−50.0, 50.0]). */
export const COREML_CLIP = 50;
/** LSTMParams.cellClipThreshold: "If 0, it is set to its default value = 50.0" — c_t is always clipped. */
export const COREML_CELL_CLIP = 50;

const ROLES: Record<CellKind, PerGateRoles> = {
  lstm: {
    W: ['inputGateWeightMatrix', 'forgetGateWeightMatrix', 'blockInputWeightMatrix', 'outputGateWeightMatrix'],
    R: ['inputGateRecursionMatrix', 'forgetGateRecursionMatrix', 'blockInputRecursionMatrix', 'outputGateRecursionMatrix'],
    bW: ['inputGateBiasVector', 'forgetGateBiasVector', 'blockInputBiasVector', 'outputGateBiasVector'],
    peephole: ['inputGatePeepholeVector', 'forgetGatePeepholeVector', 'outputGatePeepholeVector'],
  },
  gru: {
    W: ['updateGateWeightMatrix', 'resetGateWeightMatrix', 'outputGateWeightMatrix'],
    R: ['updateGateRecursionMatrix', 'resetGateRecursionMatrix', 'outputGateRecursionMatrix'],
    bW: ['updateGateBiasVector', 'resetGateBiasVector', 'outputGateBiasVector'],
  },
  simple_rnn: { W: ['weightMatrix'], R: ['recursionMatrix'], bW: ['biasVector'] },
};

const spec = (cell: CellKind, gateOrder: CellSpec['gateOrder'], rest: Partial<CellSpec>): CellSpec => ({
  cell, framework: 'Core ML', gateOrder, packedAxis: 'per_gate', bias: 'per_gate', stateOrder: cell === 'lstm' ? ['h', 'c'] : ['h'],
  tensors: [
    ...ROLES[cell].W.map((role) => ({ role, shape: ['H', 'I'] as const })), ...ROLES[cell].R.map((role) => ({ role, shape: ['H', 'H'] as const })),
    ...ROLES[cell].bW!.map((role) => ({ role, shape: ['H'] as const, optional: true })), ...(ROLES[cell].peephole ?? []).map((role) => ({ role, shape: ['H'] as const, optional: true })),
  ],
  defaultActivations: { candidate: 'tanh' }, ...rest,
});

const CELLS: CellSpec[] = [
  spec('lstm', [lstmGate('i'), lstmGate('f'), lstmGate('c', 'z'), lstmGate('o')], {
    defaultActivations: { gate: 'sigmoid', candidate: 'tanh', output: 'tanh' },
    notes: ['Gate pre-activations clipped to ±50; c_t clipped to ±cellClipThreshold (0 = 50); optional peepholes p_i, p_f, p_o; forgetBias adds 1 to b_f; coupledInputAndForgetGate: c_t = c_{t−1} ⊙ (1 − i_t) + i_t ⊙ z_t; BiDirectionalLSTM repeats the weights for the backward LSTM.'],
  }),
  spec('gru', [gruGate('z'), gruGate('r'), gruGate('n', 'o')], { defaultResetAfter: false, defaultActivations: { gate: 'sigmoid', candidate: 'tanh' }, notes: ['o = g(clip(W_o x + R_o (y ⊙ r) + b_o)): reset before the matmul.'] }),
  spec('simple_rnn', RNN_H, { notes: ['y = f(clip(W x + R y_prev + b)).'] }),
];

const ACTIVATION_NAMES = ['sigmoid', 'tanh', 'relu', 'linear', 'softsign', 'softplus', 'hard_sigmoid_keras2', 'elu'];

const COREML_TEMPLATES = {
  incomplete: 'Core ML weight spec names, but not every gate has its weight and recursion matrix ({0})',
  layer: '{0} per-gate Core ML weight specs → Core ML {1}, {2} units, input size {3}; gate pre-activations clipped to ±50',
} as const;

export const coremlAdapter: ConventionAdapter<'coreml'> = {
  id: 'coreml',
  title: 'Core ML',
  description: 'Core ML NeuralNetwork LSTM / GRU / SimpleRecurrent layers (documented, not run): one weight spec per gate (inputGateWeightMatrix …), reset before the matmul, gate pre-activations clipped to ±50.',
  verification: 'documented',
  sources: [
    { fact: 'LSTMWeightParams input/forget/blockInput/output Gate WeightMatrix [H, I] row-major, RecursionMatrix [H, H], BiasVector, PeepholeVector; GRU update/reset/output; clip() to [−50, 50]; GRU o = g(W_o x + R_o (y ⊙ r) + b_o)', url: 'https://github.com/apple/coremltools/blob/main/mlmodel/format/NeuralNetwork.proto' },
    { fact: 'LSTMParams: forgetBias "a vector of 1 values is added to b_f"; coupledInputAndForgetGate "c_t = c_{t−1} ⊙ (1 − i_t) + i_t ⊙ z_t (forget gate is not used)"; cellClipThreshold clips c_t to ±threshold, "If 0, it is set to its default value = 50.0"', url: 'https://github.com/apple/coremltools/blob/main/mlmodel/format/NeuralNetwork.proto' },
  ],
  layerNames: { lstm: '`uniDirectionalLSTM` / `biDirectionalLSTM`', gru: '`gru`', simple_rnn: '`simpleRecurrent`' },
  outputLayout: 'onnx',
  cells: CELLS,
  configKeys: ['inputVectorSize', 'outputVectorSize', 'activations', 'sequenceOutput', 'hasBiasVectors', 'forgetBias', 'hasPeepholeVectors', 'coupledInputAndForgetGate', 'cellClipThreshold', 'reverseInput', 'bidirectional'],
  capabilities: { gateClip: true, peepholes: true, cellClip: true, inputForget: true, forgetBias: true, separateOutputActivation: true, refusesResetAfter: 'Core ML GRUs apply the reset gate before the recurrent matmul (R_o (y ⊙ r))' },

  fromNative(s, tensors, opts) {
    const roles = ROLES[s.cell];
    const bidir = opts.bidirectional ?? tensors[`backward_${roles.W[0]}`] !== undefined;
    if (bidir && s.cell !== 'lstm') throw new GateLensError('not-representable', `Core ML has a bidirectional layer only for LSTM; backward_ ${s.cell.toUpperCase()} arrays are not a Core ML layer.`);
    const dims = perGateDims(s, tensors, roles, '', opts);
    const dirs = (bidir ? ['', 'backward_'] : ['']).map((p) => readPerGate(s, tensors, roles, p, dims));
    if (opts.clip !== undefined && opts.clip !== COREML_CLIP) throw new GateLensError('not-representable', `Core ML always clips gate pre-activations at ±${COREML_CLIP}; a clip of ${opts.clip} is not a Core ML layer.`);
    if (opts.forgetBias !== undefined && opts.forgetBias !== 0 && opts.forgetBias !== 1) throw new GateLensError('not-representable', `Core ML forgetBias adds exactly 1 to b_f; a forget bias of ${opts.forgetBias} is not a Core ML layer.`);
    return {
      directions: dirs.map((d) => d.dw), dims: { ...dims, P: dims.H, D: 1 }, resetAfter: s.cell === 'gru' ? false : undefined, useBias: dirs.every((d) => d.useBias),
      extras: { clip: COREML_CLIP, ...(s.cell === 'lstm' && opts.cellClip === undefined ? { cellClip: COREML_CELL_CLIP } : {}) },
    };
  },

  toNative(layer, s, { withBias }) {
    if (layer.clip !== undefined && layer.clip !== COREML_CLIP) incompatible(layer, s, `Core ML clips gate pre-activations at ±${COREML_CLIP}, not ±${layer.clip}`);
    if (layer.directions.length === 2 && layer.cell !== 'lstm') incompatible(layer, s, 'Core ML has a bidirectional layer only for LSTM');
    if (layer.forgetBias !== undefined && layer.forgetBias !== 0 && layer.forgetBias !== 1) incompatible(layer, s, `Core ML forgetBias adds exactly 1 to b_f, not ${layer.forgetBias}`);
    const out: NativeTensors = {};
    layer.directions.forEach((dw, d) => writePerGate(s, layer, dw, ROLES[layer.cell], d === 1 ? 'backward_' : '', withBias, out));
    return out;
  },

  optionsFromConfig({ num, config, unsupported }) {
    const opts: Mutable<FromNativeOptions> = {};
    if (num('outputVectorSize') !== undefined) opts.units = num('outputVectorSize');
    if (num('inputVectorSize') !== undefined) opts.inputSize = num('inputVectorSize');
    if (configFlag(config['sequenceOutput']) === false) opts.returnSequences = false;
    if (configFlag(config['forgetBias'])) opts.forgetBias = 1;
    if (configFlag(config['coupledInputAndForgetGate'])) opts.inputForget = true;
    if (configFlag(config['reverseInput'])) unsupported('reverseInput', config['reverseInput'], 'the proto does not say in which order a reversed layer returns its outputs');
    if (config['bidirectional'] === true) opts.bidirectional = true;
    if ((num('cellClipThreshold') ?? 0) > 0) opts.cellClip = num('cellClipThreshold');
    if (Array.isArray(config['activations'])) {
      const names = (config['activations'] as unknown[]).map((n) => String(n).toLowerCase());
      const map: Record<string, string> = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', linear: 'linear', softsign: 'softsign', softplus: 'softplus' };
      if (names.some((n) => !map[n])) unsupported('activations', config['activations'], 'Gate Lens reads Core ML sigmoid, tanh, relu, linear, softsign and softplus (parametrised ones need their parameters)');
      const [f, g = f, h = g] = names.map((n) => ({ name: map[n] }));
      opts.activations = { gate: f, candidate: g, output: h };
    }
    return opts;
  },

  configFromLayer(layer, plain) {
    const a = firstActivations(layer);
    const acts = layer.cell === 'lstm' ? [a.gate, a.candidate, a.output] : layer.cell === 'gru' ? [a.gate, a.candidate] : [a.candidate];
    const cfg: Record<string, unknown> = {
      inputVectorSize: layer.inputSize, outputVectorSize: layer.units, activations: acts.map((x) => plain(x)), sequenceOutput: layer.returnSequences !== false,
      hasBiasVectors: layer.useBias !== false,
    };
    if (layer.cell === 'lstm') {
      cfg['hasPeepholeVectors'] = layer.directions.some((d) => d.peephole);
      cfg['forgetBias'] = layer.forgetBias === 1;
      cfg['coupledInputAndForgetGate'] = layer.inputForget === true;
      if (layer.cellClip !== undefined) cfg['cellClipThreshold'] = layer.cellClip;
    }
    if (layer.directions.length === 2) cfg['bidirectional'] = true;
    return cfg;
  },

  activationIn: activationAmong(ACTIVATION_NAMES),
  numpyLayout: numpyAs(onnxAdapter, (cell) => ({ ...onnxAdapter.cells.find((c) => c.cell === cell)!, id: 'onnx' }),
    'Stored as Core ML per-gate weight specs; written here as the equivalent ONNX layer (W, R, B = [Wb, Rb], P), which has the same per-gate clip and peepholes.'),
  candidateTensors(arrays) {
    const out: NativeTensors = {};
    arrays.forEach((t, d) => { for (const [r, a] of Object.entries(t)) if (a) out[`${d === 1 ? 'backward_' : ''}${r}`] = { shape: a.shape, data: a.values }; });
    return out;
  },
  packedAxisOf: () => undefined,
  roleTitles: Object.fromEntries(Object.values(ROLES).flatMap((r) => [...r.W, ...r.R, ...(r.bW ?? []), ...(r.peephole ?? [])]).map((role) => [role, camelWords(role)])),

  classifyName(parts) {
    const last = parts[parts.length - 1];
    const cell = (Object.keys(ROLES) as CellKind[]).find((c) => c !== 'simple_rnn' && [...ROLES[c].W, ...ROLES[c].R, ...(ROLES[c].bW ?? []), ...(ROLES[c].peephole ?? [])].includes(last));
    if (!cell) return undefined;
    const scope = parts.slice(0, -1).filter((p) => p !== 'weightParams' && p !== 'params');
    const backward = scope.length > 0 && /^(backward|1)$/.test(scope[scope.length - 1]);
    const group = (backward || scope[scope.length - 1] === '0' || scope[scope.length - 1] === 'forward' ? scope.slice(0, -1) : scope).join('/');
    return { group, role: last, direction: backward ? 1 : 0 };
  },

  analyseNamed(dirs) {
    const roles = dirs[0];
    const cell = (['lstm', 'gru'] as const).find((c) => ROLES[c].W.every((r) => roles[r]) && ROLES[c].R.every((r) => roles[r]));
    if (!cell) return { reject: { template: COREML_TEMPLATES.incomplete, args: [Object.keys(roles).join(', ')] } };
    const w = roles[ROLES[cell].W[0]]!, r = roles[ROLES[cell].R[0]]!;
    if (w.length !== 2 || r.length !== 2) return { reject: { template: COREML_TEMPLATES.incomplete, args: [Object.keys(roles).join(', ')] } };
    return { cell, units: r[0], inputSize: w[1], ...(cell === 'gru' ? { resetAfter: false } : {}), evidence: { template: COREML_TEMPLATES.layer, args: [gateCount(cell), cell.toUpperCase(), r[0], w[1]] } };
  },
  templates: COREML_TEMPLATES,
};
