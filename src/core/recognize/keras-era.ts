// Which Keras a paste comes from, where the code does not say: Keras 2 and Keras 3 give `hard_sigmoid` different
// definitions (clip(0.2x + 0.5, 0, 1) against clip(x/6 + 0.5, 0, 1)) and Keras ≤ 2.2 used hard_sigmoid as the LSTM/GRU
// default gate activation. Two readings of the text settle it: NumPy's pre-1.14 print style (the paste predates
// TensorFlow 2 and Keras 3, which need NumPy ≥ 1.16), and the layer's own output printed next to its input, which only
// one definition reproduces. Also: arrays printed as the result of a prediction or an expression are outputs, not weights.

import type { ExtractedArray } from '../parse/types';
import type { RecurrentLayer } from '../model';
import { runLayer } from '../forward';
import type { Evidence } from './types';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';

/**
 * The first printed array that keeps NumPy's pre-1.14 sign space: every value ≥ 0, yet a space after the opening
 * bracket (`[ 0.27675897 0.15364291]`, `array([ 0., 0., 1.])`). NumPy 1.14 (January 2018) dropped that space.
 * A single value counts only when it stands alone on its line, as a printed result does (`[ 0.83467698]` under
 * "the output should be:"): in a hand-written `x = [ 0.5]` the spacing is the writer's, not NumPy's.
 */
export function legacyNumpyPrint(arrays: readonly ExtractedArray[], text: string): string | undefined {
  for (const a of arrays) {
    if (a.embedded || a.range.end <= a.range.start || a.range.end > text.length) continue;
    // One value has no separator to tell a NumPy print from a Python list: its own line tells it is printed.
    const printed = a.values.length === 1 ? aloneOnItsLine(a, text) && a.form !== 'json' : a.values.length > 1 && a.form === 'numpy_repr';
    if (!printed) continue;
    if (!a.values.every((v) => v >= 0 && !Object.is(v, -0))) continue;
    const literal = text.slice(a.range.start, Math.min(a.range.end, a.range.start + 400));
    const opening = /^(?:array\()?\[+( +)\d/.exec(literal);
    if (!opening) continue;
    const firstLine = literal.split('\n')[0];
    return firstLine.length > 48 ? `${firstLine.slice(0, 45)}…` : firstLine;
  }
  return undefined;
}

function aloneOnItsLine(a: ExtractedArray, text: string): boolean {
  const lineStart = text.lastIndexOf('\n', a.range.start - 1) + 1;
  const lineEnd = text.indexOf('\n', a.range.end);
  return text.slice(lineStart, a.range.start).trim() === '' && text.slice(a.range.end, lineEnd < 0 ? text.length : lineEnd).trim() === '';
}

/**
 * Keras ≤ 2.2 (and tf.keras of TF 1.x) defaulted LSTM/GRU recurrent_activation to hard_sigmoid, Keras 2's
 * clip(0.2x + 0.5, 0, 1). Applied when the constructor leaves the argument out and the print style dates the paste.
 */
export function legacyDefaultGateActivation(legacyPrint: string): Evidence {
  return templated('keras-version', MSG.kerasLegacyDefault, `\`${legacyPrint}\``);
}

const INPUT_NAMES = /^(?:in|input|inputs|x|x_in|data_in|input_data)$/i;
const OUTPUT_NAMES = /^(?:out|output|outputs|y|y_out|data_out|result|prediction|predictions|expected)$/i;

export interface PrintedRun {
  readonly input: ExtractedArray;
  readonly output: ExtractedArray;
  readonly steps: number;
  /** true: the output holds every step; false: only the last. */
  readonly sequence: boolean;
  /** Decimals of the printed output (its precision). */
  readonly decimals: number;
}

/** A printed input (T, I) and the layer's printed output (H or T·H) among the arrays no layer uses. */
export function findPrintedRun(arrays: readonly ExtractedArray[], used: ReadonlySet<number>, inputSize: number, width: number, text: string): PrintedRun | undefined {
  const free = arrays.filter((a) => !used.has(a.index) && a.name !== undefined && !a.list);
  const input = free.find((a) => INPUT_NAMES.test(a.name!) && a.values.length > 0 && a.values.length % inputSize === 0 && a.shape[a.shape.length - 1] === inputSize);
  if (!input) return undefined;
  const steps = input.values.length / inputSize;
  const output = free.find((a) => a !== input && OUTPUT_NAMES.test(a.name!) && (a.values.length === width || a.values.length === steps * width));
  if (!output) return undefined;
  const decimals = printedDecimals(text.slice(output.range.start, output.range.end));
  if (decimals === undefined) return undefined;
  return { input, output, steps, sequence: output.values.length === steps * width && steps > 1, decimals };
}

function printedDecimals(literal: string): number | undefined {
  let most = -1;
  for (const m of literal.matchAll(/\d\.(\d+)(?![\d.])/g)) most = Math.max(most, m[1].length);
  // Scientific notation carries its own exponent: no fixed number of decimals to compare against.
  if (/\de[-+]?\d/i.test(literal)) return undefined;
  return most > 0 ? most : undefined;
}

/** Largest |layer output − printed output| on the printed input. */
export function printedRunDifference(layer: RecurrentLayer, run: PrintedRun): number {
  const features = run.input.values.length / run.steps;
  const result = runLayer(layer, { data: Float64Array.from(run.input.values), batch: 1, steps: run.steps, features });
  const out = result.output;
  const got = run.sequence ? out.data : out.data.subarray((out.steps - 1) * out.features, out.steps * out.features);
  let worst = 0;
  for (let k = 0; k < run.output.values.length; k++) worst = Math.max(worst, Math.abs(got[k] - run.output.values[k]));
  return worst;
}

/**
 * Settles hard_sigmoid's Keras version by the paste's own printed run: the version whose output matches the printed
 * one within its decimals (plus float32 rounding) while the other is at least ten times further off.
 */
export function kerasVersionFromPrintedRun(build: (version: 2 | 3) => RecurrentLayer, run: PrintedRun): { version: 2 | 3; evidence: Evidence } | undefined {
  const tolerance = 10 ** -run.decimals + 1e-6;
  const diff2 = printedRunDifference(build(2), run);
  const diff3 = printedRunDifference(build(3), run);
  const fits = (mine: number, other: number) => mine <= tolerance && other > 10 * tolerance;
  const version = fits(diff2, diff3) ? 2 : fits(diff3, diff2) ? 3 : undefined;
  if (version === undefined) return undefined;
  const name = (a: ExtractedArray) => `"${a.name}" ${a.shape.length ? `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})` : '()'}`;
  const template = version === 2 ? MSG.kerasVersionPrintedRun2 : MSG.kerasVersionPrintedRun3;
  const [mine, other] = version === 2 ? [diff2, diff3] : [diff3, diff2];
  return { version, evidence: templated('keras-version', template, name(run.output), name(run.input), mine.toExponential(1), run.decimals, other.toExponential(1)) };
}

const EXPRESSION_LABEL = /\s@\s|\bnp\.(?:dot|matmul)\b|\bmatmul\(/;
const OUTPUT_LABEL = /\.predict\w*\b|\bpredict(?:ions?|ed)?\b|\by_?(?:pred|hat)\b|\boutputs?\b|\bresults?\b/i;
const WEIGHT_WORDS = /\b(?:weights?|kernels?|bias(?:es)?|param(?:eter)?s?|state_dict|get_weights)\b/i;

/**
 * The label an array is printed under (`lstm_model.predict:` on the line before, or `out = ` before it on its line),
 * when that label says it is an output or a computed value rather than a weight. Only for arrays no name pattern
 * claims (a named kernel is never an output).
 */
export function printedOutputLabel(a: ExtractedArray, text: string): string | undefined {
  if (a.list || a.path || a.range.start <= 0 || a.range.start > text.length) return undefined;
  // A name the reader took from the label itself (`lstm_model.predict:` then the print).
  if (a.name !== undefined) return OUTPUT_LABEL.test(a.name) && !WEIGHT_WORDS.test(a.name) ? a.name : undefined;
  const lineStart = text.lastIndexOf('\n', a.range.start - 1) + 1;
  let label = text.slice(lineStart, a.range.start).trim();
  if (!label) {
    const before = text.slice(Math.max(0, lineStart - 300), Math.max(0, lineStart - 1));
    label = before.slice(before.lastIndexOf('\n') + 1).trim();
  }
  if (!/[:=]$/.test(label) || label.length > 80) return undefined;
  const spoken = label.replace(/^print\(\s*['"]?/, '').replace(/\\n['"]?,?$/, '');
  if (EXPRESSION_LABEL.test(spoken) || (OUTPUT_LABEL.test(spoken) && !WEIGHT_WORDS.test(spoken))) return label;
  return undefined;
}
