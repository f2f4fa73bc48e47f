// Precision honesty in the editor (issue 7 item 6): the sentence `gate-lens inspect` prints when a layer's values
// were printed with fewer digits than the dtype holds — how many decimals, the size of the difference to expect from
// the framework's own run on the stored weights, and the print call that gives every stored bit — for the hover and
// the Step Through panel.

import type { Localizable } from '../core/messages';
import type { RecurrentLayer } from '../core/model';
import { precisionLocalized, rampInput, roundingEffect } from '../core/recognize/precision';
import type { RecognizedLayer } from '../core/recognize/types';

/**
 * Above this many weights the size of the effect is not estimated in the extension host (it runs the layer four
 * times): the sentence then gives the rounding bound and the print call without it.
 */
const MAX_WEIGHTS_FOR_EFFECT = 1_000_000;

/** Each layer's estimate, once: hovers ask again on every mouse move, and cell views copy the recognised layer. */
const effects = new WeakMap<RecurrentLayer, number | undefined>();

function weightCount(layer: RecurrentLayer): number {
  return layer.directions.reduce((n, d) => n + d.W.length + d.R.length + d.bW.length + d.bR.length, 0);
}

/** How far the outputs move on a ramp input (as `inspect` measures) when each weight moves within its rounding. */
function rampEffect(layer: RecurrentLayer, roundingBound: number): number | undefined {
  if (effects.has(layer)) return effects.get(layer);
  let effect: number | undefined;
  if (weightCount(layer) <= MAX_WEIGHTS_FOR_EFFECT) {
    try {
      effect = roundingEffect(layer, rampInput(layer.inputSize), roundingBound);
    } catch {
      // A layer the forward pass refuses has its own message elsewhere; the sentence goes without the size.
      effect = undefined;
    }
  }
  effects.set(layer, effect);
  return effect;
}

/** The precision sentence for a complete layer whose printed values were rounded (undefined when every bit is there). */
export function precisionNote(layer: Pick<RecognizedLayer, 'printPrecision' | 'complete' | 'layer'>): Localizable | undefined {
  const p = layer.printPrecision;
  if (!p || !layer.complete) return undefined;
  return precisionLocalized(p, rampEffect(layer.layer, p.roundingBound), 'ramp');
}
