// Lossless conversion between each framework's native arrays and the canonical RecurrentLayer (model.ts):
// canonical matrices are rows = outputs (z = W·x), gate blocks in canonical order (LSTM i,f,c,o; GRU z,r,n).
// What differs between frameworks lives in one adapter per convention (src/core/conventions/<id>.ts); this file
// checks what is common (options, capabilities, activations) and assembles the layer. See docs/conventions.md.

import { adapter, convention, type ConventionId } from './conventions';
import { canonicalToNative, incompatible } from './conventions/layout';
import { onnxActivations } from './conventions/onnx';
import type { CellKind, ConventionSpec, FromNativeOptions, NativeTensors, ToNativeOptions, ConfigReader } from './conventions/types';
import { kerasActivationName, resolveActivation } from './activations';
import type { Activation, LayerActivations, RecurrentLayer } from './model';
import { GateLensError } from './model';

export type { FromNativeOptions, NativeTensor, NativeTensors, OnnxActivationList, ToNativeOptions } from './conventions/types';
export { onnxActivations } from './conventions/onnx';

// ---------------------------------------------------------------------------------------------------------------
// Activations

function act(a: string | Activation, kerasVersion: 2 | 3 | undefined): Activation {
  const spec = typeof a === 'string' ? { name: a } : a;
  if (spec.name === 'hard_sigmoid' && kerasVersion) return { ...spec, name: kerasActivationName('hard_sigmoid', kerasVersion) };
  return spec;
}

function defaultActivations(spec: ConventionSpec, opts: FromNativeOptions): LayerActivations {
  const d = spec.defaultActivations;
  const candidate = act(opts.activation ?? d.candidate, opts.kerasVersion);
  const gate = act(opts.recurrentActivation ?? d.gate ?? d.candidate, opts.kerasVersion);
  // Keras and PyTorch LSTMs apply the same `activation` to the candidate and to c before o⊙(·).
  const output = spec.cell === 'lstm' ? (opts.activation !== undefined ? candidate : act(d.output ?? d.candidate, opts.kerasVersion)) : candidate;
  return { gate, candidate, output };
}

// ---------------------------------------------------------------------------------------------------------------
// Native → canonical

/** Native arrays of one layer (one PyTorch layer index) → canonical RecurrentLayer. */
export function fromNative(conventionId: ConventionId, cell: CellKind, tensors: NativeTensors, options: FromNativeOptions = {}): RecurrentLayer {
  const spec = convention(conventionId, cell);
  const built = adapter(conventionId).fromNative(spec, tensors, options);
  const D = built.directions.length;
  if (options.direction === 'reverse' && D !== 1) throw new GateLensError('onnx-direction', `direction="reverse" needs W with D = 1, got D = ${D}.`);
  if (options.direction === 'forward' && D !== 1) throw new GateLensError('onnx-direction', `direction="forward" needs W with D = 1, got D = ${D}.`);
  let activations: LayerActivations | readonly LayerActivations[];
  if (options.activations) activations = options.activations;
  else if (options.onnxActivations) activations = onnxActivations(cell, options.onnxActivations, D);
  else activations = defaultActivations(spec, options);
  // Resolve now so an unknown or ambiguous name fails at conversion, where the user can still see the config.
  for (const a of Array.isArray(activations) ? activations : [activations as LayerActivations]) {
    resolveActivation(a.gate); resolveActivation(a.candidate); resolveActivation(a.output);
  }
  const { dims } = built;
  const forgetBias = built.extras?.forgetBias ?? options.forgetBias;
  const clip = options.clip ?? built.extras?.clip;
  const cellClip = options.cellClip !== undefined && options.cellClip > 0 ? options.cellClip : built.extras?.cellClip;
  const layer: RecurrentLayer = {
    kind: 'recurrent',
    ...(options.name !== undefined ? { name: options.name } : {}),
    cell,
    units: dims.H,
    inputSize: dims.I,
    ...(dims.P !== dims.H ? { projSize: dims.P } : {}),
    directions: built.directions,
    activations,
    ...(built.resetAfter !== undefined ? { resetAfter: built.resetAfter } : {}),
    ...(clip !== undefined ? { clip } : {}),
    ...(options.inputForget ? { inputForget: true } : {}),
    ...(built.extras?.inputFromForget ? { inputFromForget: true } : {}),
    ...(forgetBias !== undefined ? { forgetBias } : {}),
    ...(cellClip !== undefined ? { cellClip } : {}),
    ...(options.projClip !== undefined ? { projClip: options.projClip } : {}),
    ...(options.onnxLayout === 1 ? { onnxLayout: 1 as const } : {}),
    ...(options.goBackwards ? { goBackwards: true } : {}),
    ...(options.direction === 'reverse' ? { reverse: true } : {}),
    ...(D === 2 ? { merge: options.merge ?? 'concat' } : {}),
    ...(options.returnSequences !== undefined ? { returnSequences: options.returnSequences } : {}),
    ...(built.useBias ? {} : { useBias: false }),
    source: conventionId,
  };
  return layer;
}

/** PyTorch `num_layers` > 1: every `_l{k}` layer, the input size of layer k > 0 being D·Hout. */
export function fromNativeStack(conventionId: 'pytorch', cell: CellKind, tensors: NativeTensors, options: FromNativeOptions = {}): RecurrentLayer[] {
  const layers: RecurrentLayer[] = [];
  for (let k = 0; ; k++) {
    if (!tensors[`weight_ih_l${k}`] && !(k === 0 && tensors['weight_ih'])) break;
    const prev = layers[k - 1];
    const inputSize = prev ? prev.directions.length * (prev.projSize ?? prev.units) : options.inputSize;
    layers.push(fromNative(conventionId, cell, tensors, { ...options, layerIndex: k, ...(inputSize !== undefined ? { inputSize } : {}) }));
  }
  if (!layers.length) throw new GateLensError('missing-array', `No PyTorch layer found: expected weight_ih_l0; got ${Object.keys(tensors).join(', ') || 'no arrays'}.`);
  return layers;
}

// ---------------------------------------------------------------------------------------------------------------
// Activations across frameworks

/**
 * The same function under the target framework's name, or undefined when that framework has no such activation.
 * Keras names cannot carry parameters, so parametrised functions map only at Keras's own defaults.
 */
export function activationIn(conventionId: ConventionId, a: Activation): Activation | undefined {
  return adapter(conventionId).activationIn(a);
}

/** Throws when the target framework cannot compute this layer's activations. */
function checkActivations(layer: RecurrentLayer, spec: ConventionSpec): void {
  const list: readonly LayerActivations[] = Array.isArray(layer.activations) ? layer.activations : [layer.activations as LayerActivations];
  const target = adapter(spec.id);
  const caps = target.capabilities;
  const same = (a: Activation, b: Activation) => {
    const x = resolveActivation(a), y = resolveActivation(b);
    return x.code === y.code && x.alpha === y.alpha && x.beta === y.beta;
  };
  list.forEach((a, d) => {
    if (!caps.perDirectionActivations && d > 0 && !(same(a.gate, list[0].gate) && same(a.candidate, list[0].candidate) && same(a.output, list[0].output))) {
      incompatible(layer, spec, 'its two directions use different activations, which only ONNX can express');
    }
    const used = layer.cell === 'lstm' ? [a.gate, a.candidate, a.output] : layer.cell === 'gru' ? [a.gate, a.candidate] : [a.candidate];
    for (const fn of used) if (!target.activationIn(fn)) incompatible(layer, spec, `${spec.framework} has no activation equal to ${resolveActivation(fn).formula}`);
    const fixed = layer.cell === 'simple_rnn' ? undefined : caps.fixedActivations;
    if (fixed && (!same(a.gate, { name: fixed.gate }) || !same(a.candidate, { name: fixed.candidate }) || (layer.cell === 'lstm' && !same(a.output, { name: 'tanh' })))) {
      incompatible(layer, spec, `its ${layer.cell.toUpperCase()} activations are fixed to sigmoid and tanh`);
    }
    const rnnOnly = caps.simpleRnnActivations;
    if (layer.cell === 'simple_rnn' && rnnOnly && !rnnOnly.names.includes(target.activationIn(a.candidate)!.name)) incompatible(layer, spec, rnnOnly.why);
    if (layer.cell === 'lstm' && !caps.separateOutputActivation && !same(a.candidate, a.output)) {
      incompatible(layer, spec, 'its LSTM applies one `activation` to both the candidate and the cell output');
    }
    if (caps.fixedGate && !same(a.gate, { name: caps.fixedGate.name })) incompatible(layer, spec, caps.fixedGate.why);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical → native

/** Canonical RecurrentLayer → the arrays a framework stores (shapes and names as that framework writes them). */
export function toNative(layer: RecurrentLayer, conventionId: ConventionId, options: ToNativeOptions = {}): NativeTensors {
  const spec = convention(conventionId, layer.cell);
  const target = adapter(conventionId);
  const caps = target.capabilities;
  const D = layer.directions.length;
  const hasPeep = layer.directions.some((d) => d.peephole);
  const hasProj = layer.directions.some((d) => d.proj);
  if (layer.inputForget && !caps.inputForget) incompatible(layer, spec, 'input_forget (f = 1 − i) exists only in ONNX and Core ML (coupledInputAndForgetGate)');
  if (layer.clip !== undefined && !caps.gateClip) incompatible(layer, spec, 'clip of the gate pre-activations exists only in ONNX and Core ML');
  if (layer.cellClip !== undefined && !caps.cellClip) incompatible(layer, spec, 'clipping the cell state exists only in TF1, TFLite and Core ML');
  if (layer.projClip !== undefined && !caps.projClip) incompatible(layer, spec, 'proj_clip (clipping the projected h) exists only in TF1');
  if (hasPeep && !caps.peepholes) incompatible(layer, spec, 'it has peepholes');
  if (hasProj && !caps.projection) incompatible(layer, spec, 'it has a projection (proj_size)');
  if (layer.directions.some((d) => d.projBias) && !caps.projectionBias) incompatible(layer, spec, 'its projection adds a bias (TFLite projection_bias), which only TFLite has');
  if (layer.directions.some((d) => d.layerNorm) && !caps.layerNorm) incompatible(layer, spec, 'it is a layer-norm LSTM (TFLite *_layer_norm_coefficients), which only TFLite has');
  if (layer.inputFromForget && !caps.inputFromForget) incompatible(layer, spec, 'its input gate is 1 − f with no weights of its own (TFLite CIFG), which only TFLite has');
  if (layer.forgetBias !== undefined && layer.forgetBias !== 0 && !caps.forgetBias) {
    incompatible(layer, spec, `forget_bias=${layer.forgetBias} is a TF1 run-time constant (fold it into the f bias first)`);
  }
  if (layer.reverse && !caps.reverseDirection) incompatible(layer, spec, 'direction="reverse" with time-aligned outputs exists only in ONNX (Keras go_backwards returns reversed outputs)');
  if (layer.goBackwards && !caps.goBackwards) incompatible(layer, spec, 'go_backwards exists only in Keras');
  if (D === 2 && !caps.mergeModes && layer.merge && layer.merge !== 'concat' && layer.merge !== 'none') {
    incompatible(layer, spec, `${spec.framework} returns both directions ${caps.reverseDirection ? 'separately' : 'concatenated'}; merge_mode "${layer.merge}" is a Keras layer option`);
  }
  // Only a convention with a separate recurrent bias can keep bR apart. Elsewhere bR folds into the single bias,
  // which is exact for every gate whose recurrent bias sits outside the reset gate.
  const separateRecurrentBias = spec.bias === 'keras_gru_2xGH' ? layer.resetAfter !== false : spec.bias !== 'single';
  if (layer.cell === 'gru') {
    const ra = layer.resetAfter !== false;
    if (!ra && caps.refusesResetBefore) incompatible(layer, spec, caps.refusesResetBefore);
    if (ra && caps.refusesResetAfter) incompatible(layer, spec, caps.refusesResetAfter);
  }
  checkActivations(layer, spec);
  return target.toNative(layer, spec, {
    perm: canonicalToNative(spec), withBias: layer.useBias !== false, layerIndex: options.layerIndex === undefined ? 0 : options.layerIndex, separateRecurrentBias,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Framework configs (the option names each framework uses; see test/fixtures/conformance/FORMAT.md)

/**
 * Config keys that never change an inference pass: provenance, training-only settings (dropout is off at inference,
 * initialisers and regularisers act before or during training), and what is returned rather than computed. A full
 * Keras get_config() or PyTorch constructor call therefore reads without complaint.
 */
const INFORMATIONAL_KEYS = new Set([
  'name', 'activation_impl', 'conversion', 'layer_class', 'op', 'time_distributed', 'batch_first', 'dtype', 'trainable',
  'dropout', 'recurrent_dropout', 'unroll', 'implementation', 'stateful', 'return_state', 'unit_forget_bias', 'seed', 'use_cudnn',
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
  'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'device',
]);

function unsupported(conv: ConventionId, key: string, value: unknown, why: string): never {
  throw new GateLensError('unsupported-option', `${conv} option ${key}=${JSON.stringify(value)} is not supported: ${why}.`);
}

/**
 * A framework's own layer config (Keras get_config() names, PyTorch constructor arguments, ONNX attributes, TF1 cell
 * arguments) → conversion options. An option that would change the numbers and that the core does not implement is
 * an error, never ignored.
 */
export function optionsFromConfig(conventionId: ConventionId, config: Readonly<Record<string, unknown>>): FromNativeOptions {
  const target = adapter(conventionId);
  const known = target.configKeys;
  for (const key of Object.keys(config)) {
    if (!known.includes(key) && !INFORMATIONAL_KEYS.has(key)) {
      unsupported(conventionId, key, config[key], `Gate Lens knows ${known.join(', ')}`);
    }
  }
  const read: ConfigReader = {
    config,
    num: (k) => (typeof config[k] === 'number' ? (config[k] as number) : undefined),
    str: (k) => (typeof config[k] === 'string' ? (config[k] as string) : undefined),
    unsupported: (key, value, why) => unsupported(conventionId, key, value, why),
  };
  const name = read.str('name');
  return { ...(name !== undefined ? { name } : {}), ...target.optionsFromConfig(read) };
}

/** The framework config that goes with `toNative(layer, conventionId)` (the same names optionsFromConfig reads). */
export function configFromLayer(layer: RecurrentLayer, conventionId: ConventionId): Record<string, unknown> {
  const spec = convention(conventionId, layer.cell);
  const target = adapter(conventionId);
  checkActivations(layer, spec);
  const plain = (a: Activation): string => target.activationIn(a)!.name.replace(/^hard_sigmoid_keras[23]$/, 'hard_sigmoid');
  return target.configFromLayer(layer, plain);
}
