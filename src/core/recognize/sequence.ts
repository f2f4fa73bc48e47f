// Layers from arrays that carry no usable names (print(model.get_weights()), list(model.parameters()), bare
// literals): the frameworks' own storage orders and the shapes decide.
//   Keras get_weights(): kernel, recurrent_kernel, bias per layer; Bidirectional = forward 3 then backward 3
//   (keras/src/layers/rnn/bidirectional.py). PyTorch parameters(): weight_ih, weight_hh, bias_ih, bias_hh,
//   [weight_hr], then _reverse, then the next layer (torch/nn/modules/rnn.py _flat_weights_names).
//   ONNX: W, R, B, P inputs (docs/Operators.md).

import type { CellKind } from '../conventions';
import type { ExtractedArray } from '../parse/types';
import type { Evidence } from './types';
import { RECOGNISER_TEMPLATES as T, REJECTION_TEMPLATES as REJ, templated } from './messages';
import { localized, phrase, type Localizable, type Phrase } from '../messages';
import {
  analyseDense, analyseKeras, analyseOnnx, analysePytorch, cellFromGates, isRejection, shapeText,
  type Candidate, type DirectionTensors, type Family, type LayerCandidate, type Rejection,
} from './layers';

export interface SequenceContext {
  /** Framework that imports/constructors point to, for the shapes that fit two conventions. */
  readonly preferred?: Family;
  /** The file mentions Bidirectional / bidirectional=True / direction="bidirectional". */
  readonly bidirectionalHint: boolean;
  /** Framework evidence sentence for the preferred family. */
  readonly preferredReason?: string;
  /** Where the preference came from: code in the file (`import torch`), or the default convention setting. */
  readonly preferredSource?: { readonly kind: 'file'; readonly code: string } | { readonly kind: 'setting'; readonly convention: string };
}

/** The evidence for a preference: templates per source, so each reads as one sentence in any language. */
function preferenceEvidence(ctx: SequenceContext, templates: { file: string; setting: string; none: string }): Evidence {
  const source = ctx.preferredSource;
  if (source?.kind === 'file') return templated('import', templates.file, source.code);
  if (source?.kind === 'setting') return templated('import', templates.setting, source.convention);
  return templated('import', templates.none);
}

const is2 = (a: ExtractedArray | undefined): a is ExtractedArray => !!a && a.shape.length === 2;
const is1 = (a: ExtractedArray | undefined, n: number): boolean => !!a && a.shape.length === 1 && a.shape[0] === n;

interface Match {
  readonly candidate: Candidate;
  readonly consumed: number;
}

function sameShapes(seq: readonly ExtractedArray[], p: number, q: number, n: number): boolean {
  if (q + n > seq.length) return false;
  for (let k = 0; k < n; k++) if (seq[p + k].shape.join() !== seq[q + k].shape.join()) return false;
  return true;
}

function kerasAt(seq: readonly ExtractedArray[], p: number, ctx: SequenceContext): Match | undefined {
  const k = seq[p];
  const rk = seq[p + 1];
  if (!is2(k) || !is2(rk)) return undefined;
  const [units, packed] = rk.shape;
  if (k.shape[1] !== packed || !cellFromGates(packed, units)) return undefined;
  const cell = cellFromGates(packed, units)!;
  const b = seq[p + 2];
  const isBias = !!b && ((b.shape.length === 1 && (b.shape[0] === packed || (b.shape[0] === 2 * packed && cell !== 'simple_rnn'))) ||
    (cell === 'gru' && b.shape.length === 2 && b.shape[0] === 2 && b.shape[1] === packed));
  const n = isBias ? 3 : 2;
  const dir0: DirectionTensors = { kernel: k, recurrent_kernel: rk, ...(isBias ? { bias: b } : {}) };
  const dirs = [dir0];
  const evidence: Evidence[] = [];
  const warnings: Evidence[] = [];
  if (sameShapes(seq, p, p + n, n)) {
    const inputSize = k.shape[0];
    // A stacked second layer would need input size = units; when that is impossible, it can only be the backward half.
    const stackedPossible = inputSize === units;
    if (!stackedPossible || ctx.bidirectionalHint) {
      dirs.push({ kernel: seq[p + n], recurrent_kernel: seq[p + n + 1], ...(isBias ? { bias: seq[p + n + 2] } : {}) });
      evidence.push(stackedPossible
        ? templated('order', T.kerasBidirectionalHinted)
        : templated('order', T.kerasBidirectionalByWidth, inputSize, units));
    } else {
      warnings.push(templated('bidirectional-or-stacked', T.sequenceKerasBidirectionalOrStacked));
    }
  }
  const c = analyseKeras('', dirs, false);
  if (isRejection(c)) return undefined;
  c.evidence.unshift(templated('order', T.kerasUnnamedOrder, dirs.flatMap((d) => Object.values(d)).map((a) => shapeText(a!.shape)).join(', '), isBias ? ', bias' : ''));
  c.evidence.push(...evidence);
  c.warnings.push(...warnings);
  if (cell === 'simple_rnn' && k.shape[0] === units && ctx.preferred === 'pytorch') return undefined;
  return { candidate: c, consumed: n * dirs.length };
}

function pytorchAt(seq: readonly ExtractedArray[], p: number, ctx: SequenceContext): Match | undefined {
  const wih = seq[p];
  const whh = seq[p + 1];
  if (!is2(wih) || !is2(whh) || wih.shape[0] !== whh.shape[0]) return undefined;
  const packed = wih.shape[0];
  let n = 2;
  const dir: DirectionTensors = { weight_ih: wih, weight_hh: whh };
  if (is1(seq[p + 2], packed) && is1(seq[p + 3], packed)) {
    dir.bias_ih = seq[p + 2];
    dir.bias_hh = seq[p + 3];
    n = 4;
  }
  const hr = seq[p + n];
  if (is2(hr) && hr.shape[0] === whh.shape[1] && cellFromGates(packed, hr.shape[1]) === 'lstm' && cellFromGates(packed, whh.shape[1]) !== 'lstm') {
    dir.weight_hr = hr;
    n++;
  }
  const units = dir.weight_hr ? dir.weight_hr.shape[1] : whh.shape[1];
  if (!cellFromGates(packed, units)) return undefined;
  const dirs = [dir];
  const evidence: Evidence[] = [];
  const warnings: Evidence[] = [];
  if (sameShapes(seq, p, p + n, n)) {
    const out = dir.weight_hr ? dir.weight_hr.shape[0] : units;
    const stackedPossible = wih.shape[1] === out;
    if (!stackedPossible || ctx.bidirectionalHint) {
      const keys = Object.keys(dir);
      dirs.push(Object.fromEntries(keys.map((key, k) => [key, seq[p + n + k]])));
      evidence.push(stackedPossible
        ? templated('order', T.torchBidirectionalHinted)
        : templated('order', T.torchBidirectionalByWidth, wih.shape[1], out));
    } else {
      warnings.push(templated('bidirectional-or-stacked', T.sequenceTorchBidirectionalOrStacked));
    }
  }
  const c = analysePytorch('', dirs, false);
  if (isRejection(c)) return undefined;
  c.evidence.unshift(templated('order', T.torchUnnamedOrder, Object.values(dir).map((a) => shapeText(a!.shape)).join(', '), `${dir.bias_ih ? ', bias_ih, bias_hh' : ''}${dir.weight_hr ? ', weight_hr' : ''}`));
  if (ctx.preferred === 'onnx') {
    c.convention = 'onnx';
    c.family = 'onnx';
    c.alternatives.push('pytorch');
    // Same rows-packed shapes: ONNX W[0] / R[0] squeezed; treat the biases as Wb, Rb.
    c.tensors = dirs.map((d) => ({ W: d.weight_ih, R: d.weight_hh, ...(d.bias_ih ? { Wb: d.bias_ih, Rb: d.bias_hh } : {}) }));
    c.resetAfter = c.cell === 'gru' ? false : undefined;
    c.evidence.push(preferenceEvidence(ctx, { file: T.onnxOrderFromFile, setting: T.onnxOrderFromSetting, none: T.onnxOrderDefault }));
  } else {
    c.alternatives.push('onnx');
    if (ctx.preferred === 'pytorch') c.evidence.push(preferenceEvidence(ctx, { file: T.pytorchNotOnnxFromFile, setting: T.pytorchNotOnnxFromSetting, none: T.pytorchNotOnnxDefault }));
    else warnings.push(templated('pytorch-or-onnx', T.sequencePytorchOrOnnx));
  }
  c.evidence.push(...evidence);
  c.warnings.push(...warnings);
  return { candidate: c, consumed: n * dirs.length };
}

function onnxAt(seq: readonly ExtractedArray[], p: number): Match | undefined {
  const W = seq[p];
  const R = seq[p + 1];
  if (!W || !R || W.shape.length !== 3 || R.shape.length !== 3) return undefined;
  const t: DirectionTensors = { W, R };
  let n = 2;
  const [D, packed, units] = R.shape;
  const B = seq[p + 2];
  if (B && B.shape.length === 2 && B.shape[0] === D && B.shape[1] === 2 * packed) {
    t.B = B;
    n++;
    const P = seq[p + 3];
    if (P && P.shape.length === 2 && P.shape[0] === D && P.shape[1] === 3 * units) {
      t.P = P;
      n++;
    }
  }
  const c = analyseOnnx('', t, false);
  if (isRejection(c)) return undefined;
  c.evidence.unshift(templated('order', T.onnxUnnamedOrder, Object.values(t).map((a) => shapeText(a!.shape)).join(', '), `${t.B ? ', B' : ''}${t.P ? ', P' : ''}`));
  return { candidate: c, consumed: n };
}

function denseAt(seq: readonly ExtractedArray[], p: number, previous: Candidate | undefined, ctx: SequenceContext): Match | undefined {
  const k = seq[p];
  if (!is2(k)) return undefined;
  const b = seq[p + 1];
  const prevOut = previous ? outputWidth(previous) : undefined;
  const family: Family = previous?.family ?? ctx.preferred ?? 'keras';
  const bias = b && b.shape.length === 1 && (b.shape[0] === k.shape[0] || b.shape[0] === k.shape[1]) ? b : undefined;
  if (prevOut !== undefined && k.shape[0] !== prevOut && k.shape[1] !== prevOut) return undefined;
  if (prevOut === undefined && !bias) return undefined;
  const c = analyseDense('', family, k, bias, false, prevOut);
  if (isRejection(c)) return undefined;
  c.evidence.unshift(bias ? templated('order', T.denseWithBiasAfterRecurrent, shapeText(k.shape), shapeText(bias.shape)) : templated('order', T.denseAfterRecurrent, shapeText(k.shape)));
  return { candidate: c, consumed: bias ? 2 : 1 };
}

/** Width of what a candidate passes to the next layer. */
export function outputWidth(c: Candidate): number {
  if (c.kind === 'dense') return c.units;
  const per = c.projSize ?? c.units;
  return c.directions === 2 ? 2 * per : per;
}

/** Why an array of an unnamed run joins no layer: what its shape would need (REJECTION_TEMPLATES). */
function explain(a: ExtractedArray, next: ExtractedArray | undefined): Localizable {
  const s = shapeText(a.shape);
  if (a.shape.length === 1) return localized(REJ.oneDimensional, s, a.shape[0]);
  if (a.shape.length === 3) return localized(REJ.threeDimensional, s, a.shape[0], a.shape[1]);
  if (a.shape.length !== 2) return localized(REJ.otherRank, s);
  const [r, c] = a.shape;
  const following = next ? phrase(REJ.nextArrayIs, shapeText(next.shape)) : phrase(REJ.noArrayFollows);
  return localized(REJ.twoDimensional, s, fits(c), c, fits(r), r, following);
}

/** What a packed size of n allows: LSTM needs n = 4H, GRU n = 3H, SimpleRNN any n = H. */
function fits(n: number): Phrase {
  if (n % 4 === 0 && n % 3 === 0) return phrase(REJ.fitsAll, n, n / 4, n / 3);
  if (n % 4 === 0) return phrase(REJ.fitsLstm, n, n / 4);
  if (n % 3 === 0) return phrase(REJ.fitsGru, n, n / 3);
  return phrase(REJ.fitsSimpleOnly, n);
}

export interface SequenceResult {
  readonly candidates: Candidate[];
  readonly rejected: Rejection[];
}

/** Reads a run of arrays in order; each array either joins a layer or is rejected with the reason. */
export function recognizeSequence(seq: readonly ExtractedArray[], ctx: SequenceContext): SequenceResult {
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  const oneDimensional = new Map<number, Localizable>();
  let lastRun: { arrays: ExtractedArray[]; message: string } | undefined;
  let p = 0;
  while (p < seq.length) {
    const previous = candidates[candidates.length - 1];
    const tries: Array<Match | undefined> = [onnxAt(seq, p)];
    const keras = kerasAt(seq, p, ctx);
    const torch = pytorchAt(seq, p, ctx);
    // Only SimpleRNN with I = H fits both orders; the file's imports decide, Keras otherwise.
    if (keras && torch) tries.push(...(ctx.preferred === 'pytorch' || ctx.preferred === 'onnx' ? [torch, keras] : [keras, torch]));
    else tries.push(keras, torch);
    let m = tries.find((t) => t !== undefined);
    if (keras && torch && m) {
      const other = m === keras ? torch : keras;
      const c = m.candidate as LayerCandidate;
      c.alternatives.push((other.candidate as LayerCandidate).convention);
      c.warnings.push(templated('keras-or-pytorch', T.sequenceKerasOrPytorch));
    }
    if (!m && previous) m = denseAt(seq, p, previous, ctx);
    if (!m && !previous) m = denseAt(seq, p, undefined, ctx);
    if (m) {
      candidates.push(m.candidate);
      p += m.consumed;
      continue;
    }
    // A 1-D array's reason depends on its length only: thousands of them share one string (and one Rejection
    // while they follow each other), so a paste of 10⁶ unrelated arrays does not hold 10⁶ copies of the text.
    const a = seq[p];
    const reason = a.shape.length === 1 ? (oneDimensional.get(a.shape[0]) ?? cache(oneDimensional, a.shape[0], explain(a, undefined))) : explain(a, seq[p + 1]);
    const last = rejected[rejected.length - 1];
    if (last && last.message === reason.message && lastRun === last) lastRun.arrays.push(a);
    else rejected.push((lastRun = { arrays: [a], ...reason }));
    p++;
  }
  return { candidates, rejected };
}

function cache<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}

export function kindFromOpaqueName(name: string | undefined): CellKind | undefined {
  if (!name) return undefined;
  if (/lstm/i.test(name)) return 'lstm';
  if (/gru/i.test(name)) return 'gru';
  if (/rnn/i.test(name)) return 'simple_rnn';
  return undefined;
}
