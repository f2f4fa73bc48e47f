// Precision honesty (issue 7 item 6): printed weights often carry fewer digits than the dtype holds — torch prints 4
// decimals by default, NumPy 8, notebooks their own rounding — so a run on them differs from the framework's own run
// on the stored weights. This says so, with the size of that difference (the layer run again with every value moved
// within its rounding interval) and the print call that gives every stored bit.

import type { RecurrentLayer, Sequence } from '../model';
import type { ExtractedArray, PrintedDecimals, SourceRange } from '../parse/types';
import { runLayer } from '../forward';
import { mulberry32Signed } from '../random';
import { isAttributeAssignment } from './bindings';
import { localized, phrase, type Localizable } from '../messages';

export interface PrintPrecision {
  /** Most decimals any printed value of the layer carries. */
  readonly decimals: number;
  /** Which printer rounded them, when the form says (torch: 4 by default, NumPy: 8). */
  readonly printer: 'torch' | 'numpy' | 'text';
  /** Each value is within this of the stored one: half a unit in the last printed decimal. */
  readonly roundingBound: number;
  /** The call that prints every stored bit. */
  readonly fullPrint: string;
}

/** torch: `profile="full"` alone keeps 4 decimals; precision=17 gives every float32/float64 bit (checked with torch 2.13). */
export const TORCH_FULL_PRINT = 'torch.set_printoptions(profile="full", precision=17)';
/** NumPy: threshold lifts the `...`, precision=17 every digit (NumPy's default float mode drops trailing zeros). */
export const NUMPY_FULL_PRINT = 'import sys; np.set_printoptions(threshold=sys.maxsize, precision=17)';

/** Float32 needs 9 significant digits to round-trip; fewer decimals than that on values below 1 lose bits. */
const FULL_DECIMALS = 9;

/** The printed precision of a layer's arrays, when it is below what the values hold; undefined when every bit is there. */
export function printedPrecision(arrays: readonly ExtractedArray[], text: string): PrintPrecision | undefined {
  const printed = arrays.filter((a) => a.form !== 'file' && a.range.end > a.range.start && a.range.end <= text.length);
  if (!printed.length || printed.length !== arrays.length) return undefined;
  // `rnn.weight_ih_l0 = nn.Parameter(torch.tensor([[-0.1046, …]]))` sets the weights: the framework runs on exactly
  // these decimals, however few, so there is no stored value they could differ from.
  if (printed.every(isAttributeAssignment)) return undefined;
  let decimals = -1;
  let atMost = 0;
  let total = 0;
  let exponent = false;
  for (const a of printed) {
    const counted = a.printedDecimals ?? countPrintedDecimals(text, a.range);
    total += counted.pointed;
    if (counted.exponent) exponent = true;
    if (counted.mostDecimals > decimals) {
      decimals = counted.mostDecimals;
      atMost = counted.atMostDecimals;
    } else if (counted.mostDecimals === decimals) atMost += counted.atMostDecimals;
  }
  if (!total || exponent) return undefined;
  if (decimals >= FULL_DECIMALS || decimals < 3) return undefined;
  const torch = printed.every((a) => a.form === 'torch_repr');
  const numpy = printed.every((a) => a.form === 'numpy_repr');
  // A fixed-width printer writes every value with the same decimals; hand-typed values would not (most shorter).
  if (!torch && atMost < total / 2) return undefined;
  return {
    decimals, printer: torch ? 'torch' : numpy ? 'numpy' : 'text', roundingBound: 5 / 10 ** (decimals + 1),
    fullPrint: torch ? TORCH_FULL_PRINT : NUMPY_FULL_PRINT,
  };
}

/** The extractor's count (PrintedDecimals) read again from the text, for arrays that come without it. */
export function countPrintedDecimals(text: string, range: SourceRange): PrintedDecimals {
  let pointed = 0;
  let mostDecimals = -1;
  let atMostDecimals = 0;
  let exponent = false;
  const literal = text.slice(range.start, range.end);
  for (const m of literal.matchAll(/(?<![\w.])[-+]?\d+\.(\d*)(e[-+]?\d+)?/gi)) {
    if (m[2]) exponent = true;
    pointed++;
    const decimals = m[1].length;
    if (decimals > mostDecimals) {
      mostDecimals = decimals;
      atMostDecimals = 1;
    } else if (decimals === mostDecimals) atMostDecimals++;
  }
  return { pointed, mostDecimals, atMostDecimals, exponent };
}

/**
 * How far outputs move when every weight moves within its rounding interval: the largest output difference over a few
 * deterministic draws of ±roundingBound (uniform), on the given input. An estimate of the difference from the
 * framework's run on the stored values, not a bound.
 */
export function roundingEffect(layer: RecurrentLayer, input: Sequence, roundingBound: number, draws = 3): number {
  const base = runLayer(layer, input).output.data;
  let worst = 0;
  for (let k = 0; k < draws; k++) {
    const next = mulberry32Signed(1000 + k);
    const move = (v: Float64Array) => Float64Array.from(v, (x) => x + next() * roundingBound);
    const moved: RecurrentLayer = {
      ...layer,
      directions: layer.directions.map((d) => ({ ...d, W: move(d.W), R: move(d.R), bW: move(d.bW), bR: d.bR.some((x) => x !== 0) ? move(d.bR) : d.bR })),
    };
    const out = runLayer(moved, input).output.data;
    for (let j = 0; j < out.length; j++) worst = Math.max(worst, Math.abs(out[j] - base[j]));
  }
  return worst;
}

/** A ramp input (what `inspect` uses when no input is given): steps × inputSize values in [-0.75, 0.75]. */
export function rampInput(inputSize: number, steps = 4): Sequence {
  const data = new Float64Array(steps * inputSize);
  for (let k = 0; k < data.length; k++) data[k] = ((k % 7) - 3) / 4;
  return { data, batch: 1, steps, features: inputSize };
}

/** The precision sentence and its parts, as templates a host can translate ({0}, {1}, … are numbers and code). */
export const PRECISION_TEMPLATES = {
  printed: 'values are printed with {0} decimals{1}, fewer than float32/float64 hold: each is within {2} of the stored weight{3}. Every stored bit: {4}',
  torchDefault: " (torch's default print is 4)",
  numpyDefault: " (NumPy's default is 8)",
  effectOnRamp: "; outputs move by up to {0} when every weight moves within that (on a ramp input), so expect differences of that size from the framework's run on the stored weights",
  effectOnInput: "; outputs move by up to {0} when every weight moves within that (on this input), so expect differences of that size from the framework's run on the stored weights",
} as const;

/** The sentence inspect/run print, with its template for hosts that translate it. */
export function precisionLocalized(p: PrintPrecision, effect: number | undefined, onInput: 'ramp' | 'input'): Localizable {
  const printer = p.printer === 'torch' ? phrase(PRECISION_TEMPLATES.torchDefault) : p.printer === 'numpy' ? phrase(PRECISION_TEMPLATES.numpyDefault) : '';
  const size = effect === undefined ? '' : phrase(onInput === 'ramp' ? PRECISION_TEMPLATES.effectOnRamp : PRECISION_TEMPLATES.effectOnInput, effect.toExponential(1));
  return localized(PRECISION_TEMPLATES.printed, p.decimals, printer, p.roundingBound.toExponential(0), size, p.fullPrint);
}

/** The sentence inspect/run print (English). */
export function precisionMessage(p: PrintPrecision, effect: number | undefined, onInput: 'ramp' | 'input'): string {
  return precisionLocalized(p, effect, onInput).message;
}
