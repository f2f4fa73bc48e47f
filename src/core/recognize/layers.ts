// From arrays with known roles to a layer: which cell (G = 4, 3 or 1 gates from the packed size against the units),
// which convention, units, input size, directions, projection. Every conclusion is written down as evidence, every
// doubt as a warning with the alternative conventions.
// Shapes per convention: reference/gate-conventions.md §1 (Keras keras/src/layers/rnn/{lstm,gru,simple_rnn}.py,
// PyTorch torch/nn/modules/rnn.py, ONNX docs/Operators.md, TF1 rnn_cell_impl.py).

import type { CellKind, ConventionId } from '../conventions';
import type { ExtractedArray } from '../parse/types';
import type { Evidence, MissingArray } from './types';
import { localized, phrase, type MessageArg, type Phrase } from '../messages';
import { RECOGNISER_TEMPLATES as T, REJECTION_TEMPLATES as REJ, templated } from './messages';

export type Family = 'keras' | 'pytorch' | 'onnx' | 'tf1';

/** Native tensors of one direction by the framework's role name (ONNX: one entry, tensors keep their D axis). */
export type DirectionTensors = Partial<Record<string, ExtractedArray>>;

export interface LayerCandidate {
  readonly kind: 'recurrent';
  name: string;
  /** PyTorch module (all l{k} of one nn.LSTM), else the layer name. */
  module: string;
  layerIndex?: number;
  family: Family;
  convention: ConventionId;
  cell: CellKind;
  units: number;
  inputSize: number;
  projSize?: number;
  directions: 1 | 2;
  tensors: DirectionTensors[];
  resetAfter?: boolean;
  useBias: boolean;
  evidence: Evidence[];
  warnings: Evidence[];
  alternatives: ConventionId[];
  /** True when names placed the arrays, false when only their order and shapes did. */
  named: boolean;
  /** Arrays the layer needs that the text does not give (completeness.ts); their tensors are NaN stand-ins. */
  missing?: MissingArray[];
}

export interface DenseCandidate {
  readonly kind: 'dense';
  name: string;
  family: Family;
  /** in_out: Keras kernel (in, out); out_in: PyTorch weight (out, in). */
  orientation: 'in_out' | 'out_in';
  kernel: ExtractedArray;
  bias?: ExtractedArray;
  inputSize: number;
  units: number;
  evidence: Evidence[];
  warnings: Evidence[];
  named: boolean;
}

export type Candidate = LayerCandidate | DenseCandidate;

export interface Rejection {
  readonly arrays: readonly ExtractedArray[];
  /** English, as the CLI prints it; `template`/`args` (REJECTION_TEMPLATES) for translation. */
  readonly message: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

/** A Rejection whose message is a REJECTION_TEMPLATES entry. */
export function rejection(arrays: readonly ExtractedArray[], template: string, ...args: (string | number | Phrase)[]): Rejection {
  return { arrays, ...localized(template, ...args) };
}

/** How a rejection names the layer: its quoted name, or "these arrays" for unnamed ones. */
function layerLabel(name: string, named: boolean): Phrase {
  return named ? phrase(REJ.namedLabel, name) : phrase(REJ.theseArrays);
}

export const shapeText = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
const GATES_BY_COUNT: Record<number, CellKind> = { 4: 'lstm', 3: 'gru', 1: 'simple_rnn' };
const CELL_TITLE: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'SimpleRNN' };
export const cellTitle = (c: CellKind): string => CELL_TITLE[c];

export function cellFromGates(packed: number, units: number): CellKind | undefined {
  if (units <= 0 || packed % units !== 0) return undefined;
  return GATES_BY_COUNT[packed / units];
}

/** "kernel (1, 12) and recurrent_kernel (3, 12) → 4 gates × 3 units → LSTM, input size 1", as a template (singulars kept). */
function shapesEvidence(first: [string, readonly number[]], second: [string, readonly number[]], prefix: MessageArg, packed: number, units: number, cell: CellKind, inputSize: number): Evidence {
  const g = packed / units;
  const template = g === 1 ? (units === 1 ? T.shapesToCellOneGateOneUnit : T.shapesToCellOneGate) : units === 1 ? T.shapesToCellOneUnit : T.shapesToCell;
  return templated('shape', template, first[0], shapeText(first[1]), second[0], shapeText(second[1]), prefix, g, units, cellTitle(cell), inputSize);
}

/** Exact 1.0 in exactly one gate block of the bias (and nowhere else) is a fresh unit_forget_bias / forget_bias init. */
export function onesBlock(values: Float64Array, offset: number, units: number, blocks: number): number | undefined {
  let found: number | undefined;
  for (let k = 0; k < blocks; k++) {
    let all = true;
    for (let j = 0; j < units; j++) if (values[offset + k * units + j] !== 1) { all = false; break; }
    if (all) {
      if (found !== undefined) return undefined;
      found = k;
    }
  }
  return found;
}

const rng = (k: number, h: number): string => `${k * h}:${(k + 1) * h}`;

/** Keras: kernel (I, G·H), recurrent_kernel (H, G·H), bias (G·H) | (2, 3H) | (2·G·H) for CuDNN. */
export function analyseKeras(name: string, dirs: DirectionTensors[], named: boolean, kindHint?: CellKind | 'dense'): LayerCandidate | Rejection {
  const all = dirs.flatMap((d) => Object.values(d).filter((a): a is ExtractedArray => !!a));
  const first = dirs[0];
  const rk = first.recurrent_kernel;
  const kernel = first.kernel;
  const label = layerLabel(name, named);
  if (!rk || !kernel) return rejection(all, REJ.kerasMissing, label, !rk ? 'recurrent_kernel' : 'kernel');
  if (rk.shape.length !== 2 || kernel.shape.length !== 2) return rejection(all, REJ.kerasNot2d, shapeText(kernel.shape), shapeText(rk.shape));
  const [units, packed] = rk.shape;
  const cell = cellFromGates(packed, units);
  if (!cell) return rejection(all, REJ.kerasNoCell, shapeText(rk.shape), packed, units);
  if (kernel.shape[1] !== packed) return rejection(all, REJ.kerasDisagree, shapeText(kernel.shape), shapeText(rk.shape), packed);
  const inputSize = kernel.shape[0];
  const evidence: Evidence[] = [];
  const warnings: Evidence[] = [];
  const alternatives: ConventionId[] = [];
  evidence.push(shapesEvidence(['kernel', kernel.shape], ['recurrent_kernel', rk.shape], '', packed, units, cell, inputSize));
  if (kindHint && kindHint !== 'dense' && kindHint !== cell) {
    warnings.push(templated('name-shape-conflict', T.nameShapeConflict, name, cellTitle(kindHint), cellTitle(cell)));
  }
  let convention: ConventionId = 'keras';
  let resetAfter: boolean | undefined;
  const bias = first.bias;
  let useBias = true;
  if (!bias) {
    useBias = false;
    evidence.push(templated('bias-shape', T.keepsBiasNone));
    if (cell === 'gru') {
      resetAfter = true;
      warnings.push(templated('reset-placement-unknown', T.resetPlacementUnknown));
    }
  } else {
    const n = bias.values.length;
    if (cell === 'gru' && bias.shape.length === 2 && bias.shape[0] === 2 && bias.shape[1] === packed) {
      resetAfter = true;
      evidence.push(templated('bias-shape', T.resetAfterTrueBias, shapeText(bias.shape)));
      alternatives.push('keras_cudnn');
      warnings.push(templated('cudnn-gru-same-shapes', T.cudnnGruSameShapes));
    } else if (bias.shape.length === 1 && n === packed) {
      if (cell === 'gru') {
        resetAfter = false;
        evidence.push(templated('bias-shape', T.resetAfterFalseBias, shapeText(bias.shape)));
      } else {
        evidence.push(templated('bias-shape', T.kerasOneBias, shapeText(bias.shape), packed / units));
      }
    } else if (bias.shape.length === 1 && n === 2 * packed && cell !== 'simple_rnn') {
      convention = 'keras_cudnn';
      resetAfter = cell === 'gru' ? true : undefined;
      evidence.push(templated('bias-shape', T.kerasCudnnBias, shapeText(bias.shape), packed / units, cell === 'lstm' ? 'CuDNNLSTM' : 'CuDNNGRU'));
    } else {
      return rejection(all, cell === 'lstm' ? REJ.kerasBiasLstm : cell === 'gru' ? REJ.kerasBiasGru : REJ.kerasBiasSimple, shapeText(bias.shape), units, packed, 2 * packed);
    }
    if (cell === 'lstm') {
      const blocks = convention === 'keras_cudnn' ? 8 : 4;
      const k = onesBlock(bias.values, 0, units, blocks);
      const fBlock = convention === 'keras_cudnn' ? 5 : 1;
      if (k === fBlock) {
        evidence.push(templated('bias-forget-ones', T.kerasForgetOnes, rng(k, units)));
      } else if (k !== undefined) {
        warnings.push(templated('bias-ones-elsewhere', T.kerasOnesElsewhere, rng(k, units), rng(fBlock, units), rng(2, units)));
        if (k === 2) alternatives.push('tf1', 'onnx');
      }
    }
  }
  for (let d = 1; d < dirs.length; d++) {
    const other = dirs[d];
    const same = ['kernel', 'recurrent_kernel', 'bias'].every((r) => {
      const a = first[r];
      const b = other[r];
      return (!a && !b) || (a && b && a.shape.join() === b.shape.join());
    });
    if (!same) return rejection(all, REJ.kerasBackwardDiffers, label);
  }
  if (dirs.length === 2 && named) evidence.push(templated('name-pattern', T.kerasBidirectionalNames));
  return {
    kind: 'recurrent', name, module: name, family: 'keras', convention, cell, units, inputSize, directions: dirs.length === 2 ? 2 : 1,
    tensors: dirs, resetAfter, useBias, evidence, warnings, alternatives, named,
  };
}

/** PyTorch: weight_ih (G·H, I), weight_hh (G·H, Hout), bias_ih/bias_hh (G·H), weight_hr (P, H). */
export function analysePytorch(name: string, dirs: DirectionTensors[], named: boolean, kindHint?: CellKind | 'dense'): LayerCandidate | Rejection {
  const all = dirs.flatMap((d) => Object.values(d).filter((a): a is ExtractedArray => !!a));
  const first = dirs[0];
  const wih = first.weight_ih;
  const whh = first.weight_hh;
  const label = layerLabel(name, named);
  if (!wih || !whh) return rejection(all, REJ.torchMissing, label, !wih ? 'weight_ih' : 'weight_hh');
  if (wih.shape.length !== 2 || whh.shape.length !== 2) return rejection(all, REJ.torchNot2d, shapeText(wih.shape), shapeText(whh.shape));
  const packed = whh.shape[0];
  const whr = first.weight_hr;
  let units = whh.shape[1];
  let projSize: number | undefined;
  const evidence: Evidence[] = [];
  const warnings: Evidence[] = [];
  if (whr) {
    if (whr.shape.length !== 2 || whr.shape[0] !== whh.shape[1]) {
      return rejection(all, REJ.torchProjShape, shapeText(whr.shape), whh.shape[1]);
    }
    projSize = whr.shape[0];
    units = whr.shape[1];
  }
  const cell = cellFromGates(packed, units);
  if (!cell || (projSize !== undefined && cell !== 'lstm')) {
    return rejection(all, REJ.torchNoCell, shapeText(whh.shape), packed, units);
  }
  if (wih.shape[0] !== packed) {
    return rejection(all, REJ.torchDisagree, shapeText(wih.shape), shapeText(whh.shape), packed);
  }
  const inputSize = wih.shape[1];
  evidence.push(shapesEvidence(['weight_ih', wih.shape], ['weight_hh', whh.shape], '', packed, units, cell, inputSize));
  if (projSize !== undefined) evidence.push(templated('shape', T.torchProjection, shapeText(whr!.shape), projSize, units));
  if (kindHint && kindHint !== 'dense' && kindHint !== cell) {
    warnings.push(templated('name-shape-conflict', T.nameShapeConflict, name, cellTitle(kindHint), cellTitle(cell)));
  }
  for (const r of ['bias_ih', 'bias_hh']) {
    const b = first[r];
    if (b && b.values.length !== packed) return rejection(all, REJ.torchBiasLength, r, shapeText(b.shape), packed);
  }
  const useBias = !!(first.bias_ih || first.bias_hh);
  if (!useBias) evidence.push(templated('bias-shape', T.torchNoBias));
  if (cell === 'lstm' && first.bias_ih) {
    const k = onesBlock(first.bias_ih.values, 0, units, 4);
    if (k === 1) evidence.push(templated('bias-forget-ones', T.torchForgetOnes, rng(1, units)));
  }
  for (let d = 1; d < dirs.length; d++) {
    const same = Object.keys(first).every((r) => dirs[d][r]?.shape.join() === first[r]?.shape.join());
    if (!same) return rejection(all, REJ.torchReverseDiffers, label);
  }
  if (dirs.length === 2 && named) evidence.push(templated('name-pattern', T.torchReverseNames));
  return {
    kind: 'recurrent', name, module: name, family: 'pytorch', convention: 'pytorch', cell, units, inputSize, projSize,
    directions: dirs.length === 2 ? 2 : 1, tensors: dirs, resetAfter: cell === 'gru' ? true : undefined, useBias, evidence, warnings, alternatives: [], named,
  };
}

/** ONNX: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H], P [D, 3H]. */
export function analyseOnnx(name: string, t: DirectionTensors, named: boolean, kindHint?: CellKind | 'dense'): LayerCandidate | Rejection {
  const all = Object.values(t).filter((a): a is ExtractedArray => !!a);
  const label = named ? `"${name}"` : 'these arrays';
  const W = t.W;
  const R = t.R;
  if (!W || !R) return rejection(all, REJ.onnxMissing, label, !W ? 'W' : 'R');
  const warnings: Evidence[] = [];
  const evidence: Evidence[] = [];
  const dims = (a: ExtractedArray): readonly number[] => (a.shape.length === 2 ? [1, ...a.shape] : a.shape);
  if (W.shape.length === 2 || R.shape.length === 2) {
    warnings.push(templated('onnx-missing-direction-axis', T.onnxMissingDirectionAxis));
  }
  const w = dims(W);
  const r = dims(R);
  if (w.length !== 3 || r.length !== 3) return rejection(all, REJ.onnxNot3d, shapeText(W.shape), shapeText(R.shape));
  const [D, packed, units] = r;
  const cell = cellFromGates(packed, units);
  if (!cell) return rejection(all, REJ.onnxNoCell, shapeText(R.shape), packed, units);
  if (w[0] !== D || w[1] !== packed) return rejection(all, REJ.onnxDisagree, shapeText(W.shape), shapeText(R.shape), D, packed);
  if (D !== 1 && D !== 2) return rejection(all, REJ.onnxDirections, shapeText(W.shape), D);
  const inputSize = w[2];
  evidence.push(shapesEvidence(['W', W.shape], ['R', R.shape], D === 2 ? phrase(T.bidirectionalPrefix) : '', packed, units, cell, inputSize));
  if (kindHint && kindHint !== 'dense' && kindHint !== cell) {
    warnings.push(templated('name-shape-conflict', T.nameShapeConflict, name, cellTitle(kindHint), cellTitle(cell)));
  }
  if (t.B && t.B.values.length !== D * 2 * packed) return rejection(all, REJ.onnxBias, shapeText(t.B.shape), D, 2 * packed);
  if (t.P && (cell !== 'lstm' || t.P.values.length !== D * 3 * units)) return rejection(all, REJ.onnxPeepholes, shapeText(t.P.shape), D, 3 * units);
  if (cell === 'lstm' && t.B) {
    const k = onesBlock(t.B.values, 0, units, 4);
    if (k === 2) evidence.push(templated('bias-forget-ones', T.onnxForgetOnes, rng(2, units)));
    else if (k === 1) warnings.push(templated('bias-ones-elsewhere', T.onnxOnesElsewhere, rng(1, units), rng(2, units)));
  }
  return {
    kind: 'recurrent', name, module: name, family: 'onnx', convention: 'onnx', cell, units, inputSize, directions: D === 2 ? 2 : 1,
    tensors: [t], resetAfter: cell === 'gru' ? false : undefined, useBias: !!t.B, evidence, warnings, alternatives: [], named,
  };
}

/** TF1 LSTMCell / BasicLSTMCell: kernel (I+P, 4H) on concat([x, h]), bias (4H), peepholes (H) each, projection (H, P). */
export function analyseTf1(name: string, t: DirectionTensors, named: boolean): LayerCandidate | Rejection {
  const all = Object.values(t).filter((a): a is ExtractedArray => !!a);
  const k = t.kernel;
  if (!k || k.shape.length !== 2 || k.shape[1] % 4 !== 0) {
    return rejection(all, REJ.tf1Kernel, name);
  }
  const units = k.shape[1] / 4;
  const proj = t['projection/kernel'];
  if (proj && (proj.shape.length !== 2 || proj.shape[0] !== units)) return rejection(all, REJ.tf1ProjShape, shapeText(proj.shape), units);
  const recurrentWidth = proj ? proj.shape[1] : units;
  const inputSize = k.shape[0] - recurrentWidth;
  if (inputSize <= 0) return rejection(all, REJ.tf1KernelRows, shapeText(k.shape), k.shape[0], proj ? 'P' : 'H', recurrentWidth);
  if (t.bias && t.bias.values.length !== 4 * units) return rejection(all, REJ.tf1Bias, shapeText(t.bias.shape), 4 * units);
  const peepholes = ['w_i_diag', 'w_f_diag', 'w_o_diag', 'wci', 'wcf', 'wco'].filter((r) => t[r]);
  for (const r of peepholes) if (t[r]!.values.length !== units) return rejection(all, REJ.tf1Peephole, r, shapeText(t[r]!.shape), units);
  const evidence: Evidence[] = [templated('shape', T.tf1Shapes, shapeText(k.shape), units, inputSize)];
  if (peepholes.length) evidence.push(templated('shape', T.tf1Peepholes, peepholes.join(', ')));
  if (proj) evidence.push(templated('shape', T.tf1Projection, shapeText(proj.shape), recurrentWidth));
  return {
    kind: 'recurrent', name, module: name, family: 'tf1', convention: 'tf1', cell: 'lstm', units, inputSize, directions: 1, tensors: [t],
    ...(proj ? { projSize: recurrentWidth } : {}),
    useBias: !!t.bias, evidence,
    warnings: [templated('tf1-forget-bias', T.tf1ForgetBias)],
    alternatives: [], named,
  };
}

/**
 * TF1 GRUCell: gates/kernel (I+H, 2H) with columns r, u and candidate/kernel (I+H, H), both on concat([x, ·]) (the
 * candidate's on [x, r⊙h]); gates/bias (2H), candidate/bias (H). Per direction (bidirectional_dynamic_rnn fw/bw).
 */
export function analyseTf1Gru(name: string, dirs: DirectionTensors[], named: boolean): LayerCandidate | Rejection {
  const all = dirs.flatMap((t) => Object.values(t).filter((a): a is ExtractedArray => !!a));
  const gk = dirs[0]['gates/kernel'], ck = dirs[0]['candidate/kernel'];
  const missingShape = (a: ExtractedArray | undefined) => (a ? shapeText(a.shape) : '—');
  if (!gk || !ck || gk.shape.length !== 2 || ck.shape.length !== 2 || gk.shape[0] !== ck.shape[0] || gk.shape[1] !== 2 * ck.shape[1] || gk.shape[0] <= ck.shape[1]) {
    return rejection(all, REJ.tf1GruKernels, name, missingShape(gk), missingShape(ck));
  }
  const units = ck.shape[1], inputSize = ck.shape[0] - units;
  for (const t of dirs) {
    for (const [role, n] of [['gates/kernel', -1], ['candidate/kernel', -1], ['gates/bias', 2 * units], ['candidate/bias', units]] as const) {
      const a = t[role];
      if (!a) continue;
      if (n < 0 && (a.shape.length !== 2 || a.shape[0] !== inputSize + units || a.shape[1] !== (role === 'gates/kernel' ? 2 * units : units))) {
        return rejection(all, REJ.tf1GruKernels, name, missingShape(t['gates/kernel']), missingShape(t['candidate/kernel']));
      }
      if (n >= 0 && a.values.length !== n) return rejection(all, REJ.tf1GruBias, role, shapeText(a.shape), n);
    }
  }
  return {
    kind: 'recurrent', name, module: name, family: 'tf1', convention: 'tf1', cell: 'gru', units, inputSize, directions: dirs.length === 2 ? 2 : 1, tensors: dirs,
    resetAfter: false, useBias: dirs.some((t) => !!t['gates/bias'] || !!t['candidate/bias']),
    evidence: [templated('shape', T.tf1GruShapes, shapeText(gk.shape), shapeText(ck.shape), units, inputSize)],
    warnings: [], alternatives: [], named,
  };
}

/** Dense head: Keras kernel (in, out) + bias (out); PyTorch weight (out, in) + bias (out). */
export function analyseDense(name: string, family: Family, kernel: ExtractedArray, bias: ExtractedArray | undefined, named: boolean, previousOutput?: number): DenseCandidate | Rejection {
  const arrays = bias ? [kernel, bias] : [kernel];
  if (kernel.shape.length !== 2) return rejection(arrays, REJ.denseNot2d, shapeText(kernel.shape));
  const [a, b] = kernel.shape;
  let orientation: 'in_out' | 'out_in' = family === 'pytorch' || family === 'onnx' ? 'out_in' : 'in_out';
  const evidence: Evidence[] = [];
  const warnings: Evidence[] = [];
  if (bias) {
    if (bias.values.length === b && b !== a) orientation = 'in_out';
    else if (bias.values.length === a && a !== b) orientation = 'out_in';
    else if (bias.values.length !== a && bias.values.length !== b) {
      return rejection(arrays, REJ.denseBias, shapeText(bias.shape), shapeText(kernel.shape));
    }
  } else if (previousOutput !== undefined) {
    if (a === previousOutput && b !== previousOutput) orientation = 'in_out';
    else if (b === previousOutput && a !== previousOutput) orientation = 'out_in';
  }
  const inputSize = orientation === 'in_out' ? a : b;
  const units = orientation === 'in_out' ? b : a;
  const keras = orientation === 'in_out';
  evidence.push(bias
    ? templated('shape', keras ? T.denseKerasShapesBias : T.densePytorchShapesBias, shapeText(kernel.shape), shapeText(bias.shape), inputSize, units)
    : templated('shape', keras ? T.denseKerasShapes : T.densePytorchShapes, shapeText(kernel.shape), inputSize, units));
  return { kind: 'dense', name, family, orientation, kernel, bias, inputSize, units, evidence, warnings, named };
}

export function isRejection(x: Candidate | Rejection): x is Rejection {
  return (x as Rejection).message !== undefined && (x as Candidate).kind === undefined;
}
