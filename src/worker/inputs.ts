// Input sequences for a run: taken from an array in the document, typed by the user, zeros, or a seeded random draw.
// Pure (no vscode, no Node) so the host, the worker and the tests share one definition of "the default input".

import { mulberry32 } from '../core/random';
import type { CellKind } from '../core/conventions';
import type { InitialState, Sequence } from '../core/model';
import { INPUT_TEMPLATES as IN } from '../core/forward-messages';
import { localized, phrase, type Localizable } from '../core/messages';
import type { ExtractedArray } from '../core/parse/types';
import type { InputSource, RunRequest } from '../protocol/messages';
import { GateLensError } from '../core/model';
import { WORKER_ERRORS } from './protocol';

/** An input that does not fit the layer: code 'bad-input' (what the host and webview act on), the reason for people. */
function badInput(message: Localizable): GateLensError {
  return new GateLensError(WORKER_ERRORS.badInput, message);
}

/** The few facts about a layer that choosing an input needs (RecognizedLayer satisfies it). */
export interface RecognizedLayerLike {
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  readonly directions: 1 | 2;
  readonly projSize?: number;
}

/** Steps of the seeded random input when the user gives no length: long enough to show the gates move. */
export const DEFAULT_RANDOM_STEPS = 8;
export const DEFAULT_SEED = 42;

/** mulberry32 from the core, so "seed 42" gives the same sequence in every host, the CLI and the tests. */
export const seededUniform = mulberry32;

/** Values uniform in [-1, 1): the range where sigmoid and tanh are far from saturation, so every gate is visible. */
export function randomValues(count: number, seed: number): Float64Array {
  const next = seededUniform(seed);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = next() * 2 - 1;
  return out;
}

/**
 * How many time steps an array holds when read as a (steps × inputSize) sequence of one batch item, or undefined
 * when it cannot be one: the last axis must be the input size (or the array is a plain vector when the input size
 * is 1) and every axis before (steps) must be 1 — (1, T, I), (T, I), (T, 1, I) all qualify.
 */
export function sequenceSteps(shape: readonly number[], inputSize: number): number | undefined {
  if (shape.length === 0) return undefined;
  if (shape.length === 1) return inputSize === 1 && shape[0] > 0 ? shape[0] : undefined;
  if (shape[shape.length - 1] !== inputSize) return undefined;
  const lead = shape.slice(0, -1);
  const big = lead.filter((d) => d !== 1);
  if (big.length > 1) return undefined;
  return big.length === 1 ? big[0] : 1;
}

/** Arrays that are no weight of any layer and read as an input sequence for `layer`, in document order. */
export function inputCandidates(arrays: readonly ExtractedArray[], layer: RecognizedLayerLike, weightIndices: ReadonlySet<number>): ExtractedArray[] {
  return arrays.filter((a) => !weightIndices.has(a.index) && sequenceSteps(a.shape, layer.inputSize) !== undefined);
}

/** The step-through default: the file's own input when one fits the layer, else a seeded random sequence. */
export function defaultInput(arrays: readonly ExtractedArray[], layer: RecognizedLayerLike, weightIndices: ReadonlySet<number>): InputSource {
  const named = inputCandidates(arrays, layer, weightIndices);
  // Prefer an array whose name says it is an input (x, inputs, x_test, sequence) over any other fitting array.
  const preferred = named.find((a) => a.name !== undefined && /(^|[^a-z])(x|xs|inputs?|seq|sequence|data)([^a-z]|$)/i.test(a.name)) ?? named[0];
  if (preferred) return { kind: 'array', arrayIndex: preferred.index };
  return { kind: 'random', steps: DEFAULT_RANDOM_STEPS, seed: DEFAULT_SEED };
}

/** Materialises an input source as a batch-1 sequence; throws with a user-facing message when it cannot. */
export function buildSequence(source: InputSource, inputSize: number, arrays: readonly ExtractedArray[]): Sequence {
  switch (source.kind) {
    case 'array': {
      const array = arrays[source.arrayIndex];
      if (!array) throw badInput(localized(IN.arrayGone, source.arrayIndex));
      const steps = sequenceSteps(array.shape, inputSize);
      if (steps === undefined) {
        const what = array.name ?? phrase(IN.theArray);
        throw badInput(inputSize === 1 ? localized(IN.arrayShapeOne, what, array.shape.join(', ')) : localized(IN.arrayShapeMany, what, array.shape.join(', '), inputSize));
      }
      return { data: Float64Array.from(array.values), batch: 1, steps, features: inputSize };
    }
    case 'values': {
      if (source.features !== inputSize) throw badInput(localized(IN.valuesFeatures, source.features, inputSize));
      if (!(Number.isInteger(source.steps) && source.steps > 0)) throw badInput(localized(IN.noStep, String(source.steps)));
      if (source.data.length !== source.steps * source.features) {
        throw badInput(localized(IN.valueCount, source.steps * source.features, source.steps, source.features, source.data.length));
      }
      checkNumbers(source.data, 'input', source.features);
      return { data: Float64Array.from(source.data), batch: 1, steps: source.steps, features: inputSize };
    }
    case 'zeros':
      return { data: new Float64Array(source.steps * inputSize), batch: 1, steps: source.steps, features: inputSize };
    case 'random':
      return { data: randomValues(source.steps * inputSize, source.seed), batch: 1, steps: source.steps, features: inputSize };
  }
}

/** Initial states per direction from a run request: zeros (undefined), typed values, or a seeded draw. */
export function buildInitialStates(request: RunRequest['initialState'], layer: RecognizedLayerLike): InitialState[] | undefined {
  if (!request || request.kind === 'zeros') return undefined;
  const hWidth = layer.projSize ?? layer.units;
  const states: InitialState[] = [];
  for (let d = 0; d < layer.directions; d++) {
    if (request.kind === 'values') {
      if (request.h && request.h.length !== hWidth) throw badInput(localized(IN.initialHCount, hWidth, request.h.length));
      if (request.c && request.c.length !== layer.units) throw badInput(localized(IN.initialCCount, layer.units, request.c.length));
      if (request.c && layer.cell !== 'lstm') throw badInput(localized(IN.initialCNotLstm, layer.cell));
      if (request.h) checkNumbers(request.h, 'h', hWidth);
      if (request.c) checkNumbers(request.c, 'c', layer.units);
      states.push({ h: request.h ? Float64Array.from(request.h) : undefined, c: layer.cell === 'lstm' && request.c ? Float64Array.from(request.c) : undefined });
    } else {
      // One seed per direction and state so h and c are not the same draw.
      states.push({ h: randomValues(hWidth, request.seed + 2 * d), c: layer.cell === 'lstm' ? randomValues(layer.units, request.seed + 2 * d + 1) : undefined });
    }
  }
  return states;
}

/**
 * Every value a finite number: typed values arrive from the panel as a message, and a string, null or NaN there
 * must be refused with its place, never turned into NaN (or 0) on the way into the forward pass.
 */
function checkNumbers(values: ArrayLike<unknown>, what: 'input' | 'h' | 'c', width: number): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const shown = typeof v === 'string' ? JSON.stringify(v) : String(v);
      const refusal = what === 'input'
        ? (width > 1 ? localized(IN.inputValueAt, Math.floor(k / width), k % width, shown) : localized(IN.inputValue, k, shown))
        : localized(what === 'h' ? IN.initialHValue : IN.initialCValue, k, shown);
      throw badInput(refusal);
    }
  }
}
