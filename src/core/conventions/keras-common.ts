// What Keras, Keras 2 CuDNN and TF1 share: Keras activation names, the Bidirectional forward_/backward_ prefixes,
// the Keras layer config, and how a recognised candidate's arrays are named. Not an adapter itself.

import { ACTIVATION_NAMES, ActCode, resolveActivation } from '../activations';
import type { Activation, MergeMode, RecurrentLayer } from '../model';
import { canonicalToNative, checkTensor, checkUnits, get, missingNotAllowed, positiveInt, requireTensor, type Found } from './layout';
import type { CandidateArrays, ConfigReader, ConventionSpec, Dims, FromNativeOptions, NativeTensors } from './types';

/** Keras, TF1 and cuDNN name activations the Keras way; parametrised functions map only at Keras's defaults. */
export function kerasActivationIn(a: Activation): Activation | undefined {
  const r = resolveActivation(a);
  if (r.code === ActCode.HardSigmoid) return r.alpha === 0.2 && r.beta === 0.5 ? { name: 'hard_sigmoid_keras2' } : undefined;
  if (r.code === ActCode.Affine) return r.alpha === 1 && r.beta === 0 ? { name: 'linear' } : undefined;
  const keras = ACTIVATION_NAMES.find((n) => /^[a-z0-9_]+$/.test(n) && n !== 'swish' && n !== 'hard_swish' && n !== 'gelu_tanh' && resolveActivation(n).code === r.code);
  if (!keras) return undefined;
  const def = resolveActivation(keras);
  return def.alpha === r.alpha && def.beta === r.beta ? { name: keras } : undefined;
}

/** Keras Bidirectional names its halves forward_<layer> / backward_<layer>; either separator is accepted. */
export function kerasPrefixes(tensors: NativeTensors, opts: FromNativeOptions): string[][] {
  const bidir = opts.bidirectional ?? (tensors['backward/kernel'] !== undefined || tensors['backward_kernel'] !== undefined);
  return bidir ? [['forward/', 'forward_', ''], ['backward/', 'backward_']] : [['', 'forward/', 'forward_']];
}

/**
 * What a Keras-layout layer's sizes are, from its first direction's kernels (Keras and Keras 2 CuDNN read them the
 * same way): the gate permutation, the direction prefixes, units H and input size I.
 */
export function kerasLayout(spec: ConventionSpec, tensors: NativeTensors, opts: FromNativeOptions): { perm: number[]; prefixes: string[][]; dims: Dims } {
  const perm = canonicalToNative(spec);
  const prefixes = kerasPrefixes(tensors, opts);
  const kernel0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'kernel'), 'input kernel');
  const rk0 = requireTensor(spec, tensors, prefixes[0].map((p) => p + 'recurrent_kernel'), 'recurrent kernel');
  const H = checkUnits(opts, rk0.t.shape[0], `${rk0.key} rows`);
  const I = opts.inputSize ?? kernel0.t.shape[0];
  positiveInt(I, 'input size');
  return { perm, prefixes, dims: { I, H, P: H, D: 1 } };
}

/** One direction's kernel and bias where both are required (Keras 2 CuDNN and TF1 cells always have a bias), checked. */
export function requiredKernelAndBias(spec: ConventionSpec, tensors: NativeTensors, key: (role: string) => string[], dims: Dims): { kernel: Found; bias: Found } {
  const kernel = requireTensor(spec, tensors, key('kernel'), 'input kernel');
  checkTensor(spec, 'kernel', kernel.key, kernel.t, dims);
  const bias = get(tensors, key('bias'));
  if (!bias) missingNotAllowed(spec, key('bias')[0]);
  checkTensor(spec, 'bias', bias.key, bias.t, dims);
  return { kernel, bias };
}

/** The prefix toNative writes for direction d of D. */
export const kerasPrefix = (D: number, d: number): string => (D === 2 ? (d === 1 ? 'backward/' : 'forward/') : '');

export const KERAS_CONFIG_KEYS = ['units', 'activation', 'recurrent_activation', 'use_bias', 'reset_after', 'go_backwards', 'return_sequences', 'bidirectional', 'keras_version_semantics', 'keras_version'];

/** Keras get_config() names → conversion options (Keras and Keras 2 CuDNN). */
export function kerasOptionsFromConfig(read: ConfigReader): FromNativeOptions {
  const { config, num, str, unsupported } = read;
  const opts: { -readonly [K in keyof FromNativeOptions]: FromNativeOptions[K] } = {};
  if (num('units') !== undefined) opts.units = num('units');
  if (config['activation'] !== undefined) opts.activation = str('activation') ?? unsupported('activation', config['activation'], 'give the activation by name');
  if (config['recurrent_activation'] !== undefined) {
    opts.recurrentActivation = str('recurrent_activation') ?? unsupported('recurrent_activation', config['recurrent_activation'], 'give the activation by name');
  }
  const semantics = config['keras_version_semantics'] as { hard_sigmoid?: string } | undefined;
  const version = semantics?.hard_sigmoid ?? (typeof config['keras_version'] === 'string' ? (config['keras_version'] as string) : undefined);
  if (version !== undefined) opts.kerasVersion = /^(keras)?2/.test(version) ? 2 : 3;
  if (typeof config['reset_after'] === 'boolean') opts.resetAfter = config['reset_after'];
  if (config['go_backwards'] === true) opts.goBackwards = true;
  if (typeof config['return_sequences'] === 'boolean') opts.returnSequences = config['return_sequences'];
  const bidi = config['bidirectional'] as { merge_mode?: string | null } | boolean | undefined;
  if (bidi) {
    opts.bidirectional = true;
    const mode = typeof bidi === 'object' ? bidi.merge_mode : 'concat';
    const merge = mode === null || mode === 'none' ? 'none' : (mode ?? 'concat');
    if (!['concat', 'sum', 'mul', 'ave', 'none'].includes(merge)) unsupported('merge_mode', mode, 'Keras Bidirectional merges by concat, sum, mul, ave or None');
    opts.merge = merge as MergeMode;
  }
  return opts;
}

/** The Keras-style config shared by Keras and Keras 2 CuDNN; `full` adds the activations and bias options. */
export function kerasConfigFromLayer(layer: RecurrentLayer, plain: (a: Activation) => string, full: boolean): Record<string, unknown> {
  const acts = Array.isArray(layer.activations) ? layer.activations[0] : layer.activations;
  const cfg: Record<string, unknown> = { units: layer.units };
  if (full) {
    cfg['activation'] = plain(acts.candidate);
    if (layer.cell !== 'simple_rnn') cfg['recurrent_activation'] = plain(acts.gate);
    cfg['use_bias'] = layer.useBias !== false;
    if (layer.cell === 'gru') cfg['reset_after'] = layer.resetAfter !== false;
    const hs = [acts.gate, acts.candidate, acts.output].map((a) => kerasActivationIn(a)!.name).find((n) => /^hard_sigmoid_keras[23]$/.test(n));
    if (hs) cfg['keras_version_semantics'] = { hard_sigmoid: hs.endsWith('2') ? 'keras2' : 'keras3' };
  }
  cfg['go_backwards'] = layer.goBackwards === true;
  cfg['return_sequences'] = layer.returnSequences !== false;
  if (layer.directions.length === 2) cfg['bidirectional'] = { merge_mode: layer.merge === 'none' ? null : (layer.merge ?? 'concat') };
  return cfg;
}

/** A recognised Keras-style candidate's arrays under the names fromNative reads. */
export function kerasCandidateTensors(arrays: CandidateArrays): NativeTensors {
  const out: NativeTensors = {};
  arrays.forEach((t, d) => {
    const prefix = arrays.length === 2 ? (d === 0 ? 'forward_' : 'backward_') : '';
    for (const [role, a] of Object.entries(t)) if (a) out[`${prefix}${role}`] = { shape: a.shape, data: a.values };
  });
  return out;
}

export function kerasPackedAxisOf(role: string, shape: readonly number[]): number | undefined {
  if (role === 'bias') return shape.length - 1;
  return 1;
}

export const KERAS_ROLE_TITLES: Readonly<Record<string, string>> = { kernel: 'input kernel', recurrent_kernel: 'recurrent kernel', bias: 'bias' };
