// Joins the constructor calls written in the file to the layers found in the weights, and turns each option into
// conversion options plus evidence (or a warning when the call and the weights disagree).

import type { ConventionId } from '../conventions';
import type { FromNativeOptions } from '../convert';
import type { Hints, LayerHint } from '../hints/constructors';
import type { MergeMode } from '../model';
import type { Evidence } from './types';
import { RECOGNISER_TEMPLATES as T, templated } from './messages';
import { cellTitle, type LayerCandidate } from './layers';

const HINT_FAMILY: Record<LayerHint['framework'], readonly ConventionId[]> = {
  keras: ['keras', 'keras_cudnn', 'tf1', 'keras1'],
  pytorch: ['pytorch'],
  onnx: ['onnx'],
  flax: ['flax'],
};

/** Each candidate module gets at most one constructor: same cell and framework, units equal when both known. */
export function matchHints(candidates: readonly LayerCandidate[], hints: Hints): Map<LayerCandidate, LayerHint> {
  const used = new Set<LayerHint>();
  const byModule = new Map<string, LayerHint | undefined>();
  const out = new Map<LayerCandidate, LayerHint>();
  for (const c of candidates) {
    const moduleKey = c.family === 'pytorch' && c.named ? `pytorch:${c.module}` : undefined;
    if (moduleKey && byModule.has(moduleKey)) {
      const h = byModule.get(moduleKey);
      if (h) out.set(c, h);
      continue;
    }
    const fits = (h: LayerHint, strictUnits: boolean) => !used.has(h) && h.cell === c.cell && HINT_FAMILY[h.framework].includes(c.convention) &&
      (h.tf1 === true) === (c.family === 'tf1') &&
      (!strictUnits || h.units === undefined || h.units === c.units);
    const named = c.named && c.family === 'keras' ? hints.layers.find((h) => fits(h, false) && h.name !== undefined && h.name === c.name) : undefined;
    const h = named ?? (c.family === 'pytorch' && c.named ? hints.layers.find((x) => fits(x, true) && samePytorchApi(x, c)) : undefined) ?? hints.layers.find((x) => fits(x, true));
    if (h) {
      used.add(h);
      out.set(c, h);
    }
    if (moduleKey) byModule.set(moduleKey, h);
  }
  matchLoneStaleConstructors(candidates, hints, used, out);
  return out;
}

/**
 * `nn.RNNCell` parameters carry no `_l{k}` suffix and `nn.RNN`'s do: when a file builds both under one name, each
 * layer takes the constructor of its own kind.
 */
const samePytorchApi = (h: LayerHint, c: LayerCandidate): boolean => /Cell\s*\($/.test(h.text.slice(0, h.text.indexOf('(') + 1)) === (c.layerIndex === undefined);

/**
 * A pasted constructor is often older than the weights printed beside it (`SimpleRNN(100, activation=None)` above the
 * (1, 1) kernel it was later trained as). When exactly one layer of a cell is left without a constructor and exactly
 * one constructor of that cell is left unused, they are joined anyway: its options (activations, reset placement)
 * apply, and applyHints states that its sizes disagree with the arrays, which decide the sizes.
 */
function matchLoneStaleConstructors(candidates: readonly LayerCandidate[], hints: Hints, used: Set<LayerHint>, out: Map<LayerCandidate, LayerHint>): void {
  const fitsLoosely = (h: LayerHint, c: LayerCandidate) => h.cell === c.cell && HINT_FAMILY[h.framework].includes(c.convention) && (h.tf1 === true) === (c.family === 'tf1');
  const unmatched = candidates.filter((c) => !out.has(c) && !(c.family === 'pytorch' && c.named));
  for (const c of unmatched) {
    const rivals = unmatched.filter((o) => o.cell === c.cell && o.family === c.family);
    const free = hints.layers.filter((h) => !used.has(h) && fitsLoosely(h, c));
    if (rivals.length !== 1 || free.length !== 1) continue;
    used.add(free[0]);
    out.set(c, free[0]);
  }
}

export interface AppliedHints {
  readonly options: FromNativeOptions;
  readonly evidence: Evidence[];
  readonly warnings: Evidence[];
  readonly convention?: ConventionId;
  readonly merge?: MergeMode;
}

/** Conversion options for one layer from its constructor (if any) and the file's framework signals. */
export function applyHints(c: LayerCandidate, hint: LayerHint | undefined, hints: Hints, settingKerasVersion?: 2 | 3): AppliedHints {
  const evidence: Evidence[] = [];
  const warnings: Evidence[] = [];
  const opts: { -readonly [K in keyof FromNativeOptions]: FromNativeOptions[K] } = {};
  let convention: ConventionId | undefined;
  let merge: MergeMode | undefined;
  const where = hint ? `\`${hint.text.length > 70 ? `${hint.text.slice(0, 67)}…` : hint.text}\`` : '';
  if (hint) {
    evidence.push(hint.units !== undefined
      ? templated('constructor-hint', hint.inComment ? T.constructorHintInCommentUnits : T.constructorHintUnits, where, cellTitle(hint.cell), hint.units)
      : templated('constructor-hint', hint.inComment ? T.constructorHintInComment : T.constructorHint, where, cellTitle(hint.cell)));
    if (hint.units !== undefined && hint.units !== c.units) {
      warnings.push(templated('hint-units-conflict', T.hintUnitsConflict, where, hint.units, c.units));
    }
    // input_size / input_shape describe what enters the layer: a Keras layer or PyTorch cell (no layer index) or l0.
    if (hint.inputSize !== undefined && (c.layerIndex ?? 0) === 0 && hint.inputSize !== c.inputSize) {
      warnings.push(templated('hint-input-conflict', T.hintInputConflict, where, hint.inputSize, c.inputSize));
    }
  }

  // Imports agree with the names/shapes, or contradict them (a torch-only file whose arrays look like Keras).
  const familyOfSignal = (f: string) => (f === 'keras' ? ['keras', 'tf1'] : [f]);
  const agreeing = hints.frameworks.find((f) => familyOfSignal(f.framework).includes(c.family));
  if (agreeing && !c.evidence.some((e) => e.code === 'import')) evidence.push(templated('import', T.importAgrees, `\`${agreeing.text}\``));
  else if (hints.frameworks.length && c.named) {
    warnings.push(templated('import-conflict', T.importConflict, [...new Set(hints.frameworks.map((f) => f.framework))].join(', '),
      c.family === 'tf1' ? 'TF1' : c.family === 'keras' ? 'Keras' : c.family === 'pytorch' ? 'PyTorch' : 'ONNX'));
  }

  if (c.family === 'keras' || c.family === 'tf1') {
    const k2 = hints.keras2[0];
    const k3 = hints.keras3[0];
    if (hint?.cudnn) {
      if (c.convention !== 'keras_cudnn') {
        const ok = c.tensors[0].bias === undefined || c.tensors[0].bias.values.length === 2 * (c.cell === 'lstm' ? 4 : 3) * c.units;
        if (ok) {
          convention = 'keras_cudnn';
          evidence.push(templated('constructor-hint', T.hintCudnn, where));
        } else {
          warnings.push(templated('hint-cudnn-conflict', T.hintCudnnConflict, where));
        }
      }
    }
    // The CuDNNGRU doubt is settled by a plain GRU(...) constructor, or by Keras 3, which has no CuDNN layers.
    if (c.convention === 'keras' && c.cell === 'gru' && c.alternatives.includes('keras_cudnn')) {
      const settledBy = hint && !hint.cudnn ? templated('constructor-hint', T.plainGruNotCudnn, where)
        : k3 && !k2 ? templated('constructor-hint', T.keras3NotCudnn, `\`${k3.text}\``) : undefined;
      if (settledBy) {
        c.alternatives = c.alternatives.filter((x) => x !== 'keras_cudnn');
        c.warnings = c.warnings.filter((w) => w.code !== 'cudnn-gru-same-shapes');
        evidence.push(settledBy);
      }
    }
    if (hint?.recurrentActivation) {
      opts.recurrentActivation = hint.recurrentActivation;
      evidence.push(templated('constructor-hint', T.hintRecurrentActivation, hint.recurrentActivation, where));
    }
    if (hint?.activation) {
      opts.activation = hint.activation;
      evidence.push(templated('constructor-hint', T.hintActivation, hint.activation, where));
    }
    const usesHardSigmoid = hint?.recurrentActivation === 'hard_sigmoid' || hint?.activation === 'hard_sigmoid';
    if (usesHardSigmoid) {
      if (k2 && !k3) {
        opts.kerasVersion = 2;
        evidence.push(templated('keras-version', T.kerasVersion2, `\`${k2.text}\``));
      } else if (k3 && !k2) {
        opts.kerasVersion = 3;
        evidence.push(templated('keras-version', T.kerasVersion3, `\`${k3.text}\``));
      } else if (settingKerasVersion !== undefined) {
        opts.kerasVersion = settingKerasVersion;
        evidence.push(templated('keras-version', T.kerasVersionSetting, settingKerasVersion, settingKerasVersion === 2 ? 'clip(0.2x + 0.5, 0, 1)' : 'clip(x/6 + 0.5, 0, 1)'));
      } else {
        opts.kerasVersion = 3;
        warnings.push(templated('keras-version-unknown', T.kerasVersionUnknown));
      }
    }
    if (hint?.resetAfter !== undefined && c.cell === 'gru') {
      if (c.resetAfter !== undefined && c.resetAfter !== hint.resetAfter && c.tensors[0].bias) {
        warnings.push(templated('hint-reset-conflict', T.hintResetConflict, where, hint.resetAfter ? 'True' : 'False', c.resetAfter ? 'True' : 'False'));
      } else {
        opts.resetAfter = hint.resetAfter;
        c.resetAfter = hint.resetAfter;
        evidence.push(templated('constructor-hint', T.hintResetAfter, hint.resetAfter ? 'True' : 'False', where));
      }
    }
    if (c.family === 'tf1' && hint?.forgetBias !== undefined) {
      opts.forgetBias = hint.forgetBias;
      evidence.push(templated('constructor-hint', T.hintForgetBias, hint.forgetBias, where));
    }
    if (c.family === 'tf1' && hint?.projClip !== undefined && c.projSize !== undefined) {
      opts.projClip = hint.projClip;
      evidence.push(templated('constructor-hint', T.hintProjClip, hint.projClip, where));
    }
    if (c.family === 'tf1' && hint?.cellClip !== undefined && hint.cellClip > 0) {
      opts.cellClip = hint.cellClip;
      evidence.push(templated('constructor-hint', T.hintCellClip, hint.cellClip, where));
    }
    if (hint?.goBackwards) {
      opts.goBackwards = true;
      evidence.push(templated('constructor-hint', T.hintGoBackwards, where));
    }
    if (hint?.bidirectional && c.directions === 2) {
      merge = hint.merge ?? 'concat';
      evidence.push(templated('constructor-hint', T.hintMergeMode, merge === 'none' ? 'None' : merge));
    } else if (hint?.bidirectional && c.directions === 1) {
      warnings.push(templated('hint-bidirectional-conflict', T.hintBidirectionalOneDirection, where));
    }
  } else if (c.family === 'pytorch') {
    if (hint?.activation) {
      opts.activation = hint.activation;
      evidence.push(templated('constructor-hint', T.hintNonlinearity, hint.activation, where));
    }
    if (hint?.bidirectional !== undefined && (hint.bidirectional ? 2 : 1) !== c.directions) {
      warnings.push(templated('hint-bidirectional-conflict', T.hintBidirectionalCount, where, hint.bidirectional ? 'True' : 'False', c.directions));
    }
    if (hint?.projSize !== undefined && hint.projSize > 0 && hint.projSize !== c.projSize) {
      warnings.push(c.projSize ? templated('hint-proj-conflict', T.hintProjConflict, where, hint.projSize, c.projSize) : templated('hint-proj-conflict', T.hintProjConflictNone, where, hint.projSize));
    }
  } else if (c.family === 'onnx') {
    if (hint?.onnxActivations) {
      opts.onnxActivations = { names: hint.onnxActivations, alpha: hint.activationAlpha, beta: hint.activationBeta };
      evidence.push(templated('constructor-hint', T.hintOnnxActivations, hint.onnxActivations.join(', '), where));
    }
    if (c.cell === 'gru') {
      if (hint?.resetAfter !== undefined) {
        opts.resetAfter = hint.resetAfter;
        c.resetAfter = hint.resetAfter;
        evidence.push(templated('constructor-hint', T.hintLinearBeforeReset, hint.resetAfter ? 1 : 0, where));
      } else {
        opts.resetAfter = false;
        c.resetAfter = false;
        evidence.push(templated('default', T.onnxLinearBeforeResetDefault));
      }
    }
    if (hint?.reverse && c.directions === 1) {
      opts.direction = 'reverse';
      evidence.push(templated('constructor-hint', T.hintDirectionReverse, where));
    }
    if (hint?.bidirectional !== undefined && (hint.bidirectional ? 2 : 1) !== c.directions) {
      warnings.push(templated('hint-bidirectional-conflict', hint.bidirectional ? T.hintOnnxBidirectionalConflict : T.hintOnnxOneDirectionConflict, where, c.directions));
    }
    if (hint?.clip !== undefined) {
      opts.clip = hint.clip;
      evidence.push(templated('constructor-hint', T.hintClip, hint.clip, where));
    }
    if (hint?.inputForget) {
      opts.inputForget = true;
      evidence.push(templated('constructor-hint', T.hintInputForget, where));
    }
    if (hint?.onnxLayout === 1) {
      opts.onnxLayout = 1;
      evidence.push(templated('constructor-hint', T.hintOnnxLayout, where));
    }
  }
  return { options: opts, evidence, warnings, convention, merge };
}
