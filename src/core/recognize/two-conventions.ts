// The same layer pasted twice, once in each convention (a Keras BiLSTM beside the PyTorch one): both are listed, and
// each says how its arrays map onto the other's, per direction. When both have values, the canonical forms are
// compared (W, R and the summed biases), so the statement says whether the printed numbers agree.

import type { RecognizedLayer, Evidence } from './types';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';
import { phrase } from '../messages';

const KERAS = new Set(['keras', 'keras_cudnn', 'tf1']);

function largestDifference(a: RecognizedLayer, b: RecognizedLayer): number {
  let worst = 0;
  const diff = (x: Float64Array, y: Float64Array) => { for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - y[k])); };
  a.layer.directions.forEach((d, k) => {
    const e = b.layer.directions[k];
    diff(d.W, e.W);
    diff(d.R, e.R);
    diff(Float64Array.from(d.bW, (v, j) => v + d.bR[j]), Float64Array.from(e.bW, (v, j) => v + e.bR[j]));
  });
  return worst;
}

/** Evidence to add to each layer that has a twin in the other convention. */
export function twoConventionEvidence(layers: readonly RecognizedLayer[]): Map<RecognizedLayer, Evidence> {
  const out = new Map<RecognizedLayer, Evidence>();
  for (const keras of layers.filter((l) => KERAS.has(l.convention))) {
    const torch = layers.find((l) => l.convention === 'pytorch' && !out.has(l) && l.cell === keras.cell && l.units === keras.units &&
      l.inputSize === keras.inputSize && l.directions === keras.directions && l.projSize === undefined);
    if (!torch || out.has(keras)) continue;
    const both = keras.complete && torch.complete;
    const worst = both ? largestDifference(keras, torch) : undefined;
    const check = worst === undefined ? '' : phrase(worst <= 1e-6 ? MSG.twinValuesAgree : MSG.twinValuesDiffer, worst.toExponential(1));
    const gru = keras.cell === 'gru';
    const perDirection = keras.directions === 2 ? phrase(MSG.twinPerDirection) : '';
    out.set(keras, templated('two-conventions', gru ? MSG.twinMappingGruToTorch : MSG.twinMappingToTorch, keras.name, torch.name, perDirection, check));
    out.set(torch, templated('two-conventions', gru ? MSG.twinMappingGruToKeras : MSG.twinMappingToKeras, torch.name, keras.name, perDirection, check));
  }
  return out;
}

