// What a conversion writes: the recurrent layers of one stack in a target convention, as the target framework names
// its arrays, or a refusal that says why the target cannot hold the layer exactly and which target can.
// The numbers come from convert.ts toNative (lossless); this module adds the framework-level naming of stacks and
// directions and the few exact rewrites toNative leaves to the caller (TF1 forget_bias folded into the f bias).

import { CANONICAL_GATES, convention, type ConventionId } from '../conventions';
import { configFromLayer, toNative, type NativeTensor } from '../convert';
import { resolveActivation, ActCode } from '../activations';
import { GateLensError, type LayerActivations, type RecurrentLayer } from '../model';

/** The conventions a layer can be converted to (TF1 and Keras 2 CuDNN are read, not written, by `convert`). */
export const CONVERT_TARGETS = ['keras', 'pytorch', 'onnx', 'flax'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

export function isConvertTarget(id: string): id is ConvertTarget {
  return (CONVERT_TARGETS as readonly string[]).includes(id);
}

export type ExportDtype = 'float32' | 'float64';

export interface NamedArray {
  /** The target framework's own name (PyTorch state_dict key, Keras weight path, ONNX initializer name). */
  readonly name: string;
  readonly tensor: NativeTensor;
}

export interface ConvertedLayer {
  /** The layer as converted (after exact rewrites such as the forget_bias fold). */
  readonly layer: RecurrentLayer;
  /** Target arrays of this layer, in the framework's own order (state_dict / set_weights / node inputs). */
  readonly arrays: readonly NamedArray[];
  /** The target framework's config for the layer (convert.ts configFromLayer names). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Key prefix of this layer's arrays ('' for a single layer). */
  readonly prefix: string;
}

export interface ConversionPlan {
  readonly target: ConvertTarget;
  readonly source: ConventionId | undefined;
  readonly layers: readonly ConvertedLayer[];
  /** Every array in order. */
  readonly arrays: readonly NamedArray[];
  /** PyTorch: true when the stack is one nn.LSTM/GRU/RNN(num_layers=L) and the keys are its state_dict. */
  readonly singleTorchModule: boolean;
  /** What was rewritten exactly, and anything the user must know to load the arrays. */
  readonly notes: readonly string[];
}

/** A conversion that cannot be exact: the reason and the nearest exact alternative. */
export class ConversionRefused extends GateLensError {
  constructor(readonly reason: string, readonly alternative: string) {
    super('conversion-refused', `${reason}. ${alternative}`);
  }
}

const FRAMEWORK: Record<ConvertTarget, string> = { keras: 'Keras', pytorch: 'PyTorch', onnx: 'ONNX', flax: 'Flax' };

function activationList(layer: RecurrentLayer): readonly LayerActivations[] {
  return Array.isArray(layer.activations) ? layer.activations : [layer.activations as LayerActivations];
}

function usesKeras2HardSigmoid(layer: RecurrentLayer): boolean {
  return activationList(layer).some((a) => [a.gate, a.candidate, a.output].some((f) => {
    const r = resolveActivation(f);
    return r.code === ActCode.HardSigmoid && r.alpha === 0.2 && r.beta === 0.5;
  }));
}

function cellTitle(layer: RecurrentLayer): string {
  return layer.cell === 'simple_rnn' ? 'SimpleRNN' : layer.cell.toUpperCase();
}

export interface PlanOptions {
  /**
   * PyTorch target, GRU with the reset gate before the recurrent matmul: write torch.nn.GRU's arrays for a custom
   * module (the port script's ResetBeforeGRU) instead of refusing. Only the port script builds that module.
   */
  readonly customResetBeforeGru?: boolean;
}

/** A GRU that torch.nn.GRU cannot run: the reset gate acts on h before the recurrent matmul. */
const needsResetBeforeModule = (layer: RecurrentLayer, target: ConvertTarget): boolean => layer.cell === 'gru' && layer.resetAfter === false && target === 'pytorch';

/** The refusals that have a known nearest exact alternative; anything else falls through to toNative's own reason. */
function refuse(layer: RecurrentLayer, target: ConvertTarget, options: PlanOptions): void {
  const what = `${layer.name ? `${layer.name}: ` : ''}this ${cellTitle(layer)}`;
  const hasPeep = layer.directions.some((d) => d.peephole);
  if (needsResetBeforeModule(layer, target) && !options.customResetBeforeGru) {
    throw new ConversionRefused(`${what} applies the reset gate before the recurrent matmul (Keras reset_after=False, ONNX linear_before_reset=0); torch.nn.GRU always applies it after (b_hn inside r⊙(W_hn·h + b_hn)), so no PyTorch GRU computes the same numbers`,
      'Nearest exact alternatives: --to onnx (GRU with linear_before_reset=0 runs it exactly), --to keras (GRU(reset_after=False)), or --to pytorch --port (a port script with a custom reset-before GRU module under nn.GRU\'s parameter names)');
  }
  if (layer.cell === 'gru' && layer.resetAfter === false && target === 'flax') {
    throw new ConversionRefused(`${what} applies the reset gate before the recurrent matmul (Keras reset_after=False, ONNX linear_before_reset=0); flax.linen GRUCell always applies it after (n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn))), so no Flax GRUCell computes the same numbers`,
      'Nearest exact alternatives: --to onnx (GRU with linear_before_reset=0 runs it exactly), --to keras (GRU(reset_after=False))');
  }
  if (hasPeep && target !== 'onnx') {
    throw new ConversionRefused(`${what} has peephole connections; no ${FRAMEWORK[target]} recurrent layer has peepholes`,
      'Nearest exact alternative: --to onnx (the LSTM input P holds the peepholes i, o, f)');
  }
  if (layer.projClip !== undefined) {
    throw new ConversionRefused(`${what} clips its projected output (TF1 proj_clip=${layer.projClip}); none of Keras, PyTorch, ONNX, Flax clips h after the projection`, 'No exact alternative among keras, pytorch, onnx, flax');
  }
  if (layer.projSize !== undefined && target !== 'pytorch') {
    throw new ConversionRefused(`${what} has a projection (proj_size=${layer.projSize}); no ${FRAMEWORK[target]} layer projects h`,
      'Nearest exact alternative: --to pytorch (nn.LSTM(proj_size=…) with weight_hr)');
  }
  if (usesKeras2HardSigmoid(layer) && target === 'pytorch') {
    throw new ConversionRefused(`${what} uses Keras 2 hard_sigmoid (clip(0.2·x + 0.5, 0, 1)); PyTorch's recurrent layers fix their gates to sigmoid and have no such built-in`,
      'Nearest exact alternatives: --to onnx (activations HardSigmoid with alpha=0.2, beta=0.5), --to keras');
  }
  if (usesKeras2HardSigmoid(layer) && target === 'flax') {
    throw new ConversionRefused(`${what} uses Keras 2 hard_sigmoid (clip(0.2·x + 0.5, 0, 1)); Flax's hard_sigmoid (jax.nn.hard_sigmoid) is relu6(x + 3)/6, a different function`,
      'Nearest exact alternatives: --to onnx (activations HardSigmoid with alpha=0.2, beta=0.5), --to keras');
  }
  if (layer.directions.some((d) => d.layerNorm)) {
    throw new ConversionRefused(`${what} is a layer-norm LSTM (TFLite *_layer_norm_coefficients: each gate normalised before its bias); none of Keras, PyTorch, ONNX, Flax has such a layer`, 'No exact alternative among keras, pytorch, onnx, flax');
  }
  if (layer.inputFromForget) {
    throw new ConversionRefused(`${what} is a TFLite CIFG LSTM (i = 1 − f, no input-gate weights); ${FRAMEWORK[target]} has no such coupling${target === 'onnx' ? ' (ONNX input_forget couples the other way, f = 1 − i)' : ''}`, 'No exact alternative among keras, pytorch, onnx, flax');
  }
  if (layer.directions.some((d) => d.projBias)) {
    throw new ConversionRefused(`${what} adds a bias after its projection (TFLite projection_bias); ${FRAMEWORK[target]} projects without a bias`, 'No exact alternative among keras, pytorch, onnx, flax');
  }
  if (layer.inputForget && target !== 'onnx') {
    throw new ConversionRefused(`${what} uses ONNX input_forget (f = 1 − i); no ${FRAMEWORK[target]} layer couples the gates`, 'Nearest exact alternative: --to onnx');
  }
  if (layer.clip !== undefined && target !== 'onnx') {
    throw new ConversionRefused(`${what} clips its gate pre-activations (ONNX clip=${layer.clip}); ${FRAMEWORK[target]} has no such option`, 'Nearest exact alternative: --to onnx');
  }
  if (layer.cellClip !== undefined) {
    throw new ConversionRefused(`${what} clips its cell state to ±${layer.cellClip} (${layer.source === 'coreml' ? 'Core ML cellClipThreshold, 50 when unset' : 'cell_clip'}); none of Keras, PyTorch, ONNX, Flax clips c`, 'No exact alternative among keras, pytorch, onnx, flax');
  }
  if (layer.goBackwards && target !== 'keras') {
    throw new ConversionRefused(`${what} runs with Keras go_backwards=True (outputs in reversed order); ${FRAMEWORK[target]} returns time-aligned outputs`,
      target === 'onnx' ? 'Nearest exact alternative: --to keras; ONNX direction="reverse" computes the same steps but returns them time-aligned' : 'Nearest exact alternative: --to keras');
  }
  if (layer.reverse && target !== 'onnx') {
    throw new ConversionRefused(`${what} is an ONNX direction="reverse" layer with time-aligned outputs; ${FRAMEWORK[target]} has no such single direction`, 'Nearest exact alternative: --to onnx');
  }
  if (layer.directions.length === 2 && (target === 'pytorch' || target === 'flax') && layer.merge && layer.merge !== 'concat') {
    throw new ConversionRefused(`${what} merges its directions by ${layer.merge}; ${target === 'flax' ? 'flax.linen Bidirectional concatenates them (its default merge_fn)' : 'PyTorch concatenates them'}`,
      `Nearest exact alternative: --to keras (Bidirectional merge_mode), or --to ${target} after a concat merge`);
  }
}

/**
 * TF1 adds forget_bias to the f pre-activation at run time; adding it once to the stored f bias gives the same
 * pre-activation (up to the order of one float addition), which is how tf_keras converts TF1 checkpoints.
 */
function foldForgetBias(layer: RecurrentLayer, target: ConvertTarget, notes: string[]): RecurrentLayer {
  const fb = layer.forgetBias;
  if (fb === undefined || fb === 0 || layer.cell !== 'lstm') return layer.forgetBias === 0 ? withoutForgetBias(layer) : layer;
  const H = layer.units;
  const f = CANONICAL_GATES.lstm.indexOf('f');
  const directions = layer.directions.map((d) => {
    const bW = Float64Array.from(d.bW);
    for (let m = 0; m < H; m++) bW[f * H + m] += fb;
    return { ...d, bW };
  });
  notes.push(`TF1 forget_bias=${fb} is folded into the ${FRAMEWORK[target]} forget-gate bias (b_f + ${fb}): the same pre-activation, exactly.`);
  return withoutForgetBias({ ...layer, directions });
}

function withoutForgetBias(layer: RecurrentLayer): RecurrentLayer {
  const { forgetBias: _dropped, ...rest } = layer;
  void _dropped;
  return rest;
}

/** What a Flax user must know about the arrays (which cells share the tree, where the biases went). */
const FLAX_NOTES: Record<RecurrentLayer['cell'], string> = {
  lstm: 'flax.linen LSTMCell parameters (OptimizedLSTMCell has the same tree): input kernels ii, if, ig, io (I, H) without bias, recurrent kernels hi, hf, hg, ho (H, H) whose biases hold b_W + b_R of each gate.',
  gru: 'flax.linen GRUCell parameters: ir, iz, in (I, H) with bias, hr, hz (H, H) without bias, hn (H, H) with the bias inside r⊙(W_hn·h + b_hn); the r and z recurrent biases are added to ir and iz.',
  simple_rnn: 'flax.linen SimpleCell parameters: i (I, H) with bias b_W + b_R, h (H, H) without bias (residual=False).',
};

const KERAS_CELL_NAME = { lstm: 'lstm', gru: 'gru', simple_rnn: 'simple_rnn' } as const;

/**
 * Keras 3 weight paths (Variable.path), as a fresh Keras session names a stack: lstm/lstm_cell/kernel,
 * lstm_1/lstm_cell/kernel, bidirectional/forward_lstm/lstm_cell/kernel (auto-names count per class).
 */
class KerasNames {
  private readonly used = new Map<string, number>();
  private next(base: string): string {
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }
  /** The layer's path prefix; for Bidirectional, the wrapper's. Remembers the inner layer name for weightPath. */
  private readonly inner = new WeakMap<RecurrentLayer, string>();
  layerPath(layer: RecurrentLayer): string {
    const name = this.next(KERAS_CELL_NAME[layer.cell]);
    this.inner.set(layer, name);
    return layer.directions.length === 2 ? `${this.next('bidirectional')}/` : `${name}/`;
  }
  /** toNative's key (kernel, forward/kernel, backward/bias) → the full Keras path. */
  weightPath(prefix: string, layer: RecurrentLayer, key: string): string {
    const cell = `${KERAS_CELL_NAME[layer.cell]}_cell`;
    const m = /^(forward|backward)\/(.+)$/.exec(key);
    return m ? `${prefix}${m[1]}_${this.inner.get(layer)}/${cell}/${m[2]}` : `${prefix}${cell}/${key}`;
  }
}

/**
 * Flax parameter paths, flattened with '/' from the variables dict that `module.apply` takes, for the modules the
 * port script builds: nn.RNN(cell) → params/cell/ii/kernel; nn.Bidirectional(nn.RNN, nn.RNN) →
 * params/forward_rnn/cell/…, params/backward_rnn/cell/…; a stack nn.Sequential([...]) → params/layers_<k>/….
 */
function flaxPrefix(k: number, stackSize: number): string {
  return stackSize > 1 ? `params/layers_${k}/` : 'params/';
}

function flaxPath(prefix: string, key: string): string {
  return /^(forward|backward)_rnn\//.test(key) ? `${prefix}${key}` : `${prefix}cell/${key}`;
}

/** Whether the stack is what one nn.LSTM(num_layers=L) holds: same cell, units, directions, bias and projection. */
function uniformForTorch(layers: readonly RecurrentLayer[]): boolean {
  const a = layers[0];
  return layers.every((l, k) => l.cell === a.cell && l.units === a.units && l.directions.length === a.directions.length &&
    (l.useBias !== false) === (a.useBias !== false) && l.projSize === a.projSize &&
    (k === 0 || l.inputSize === layers[k - 1].directions.length * (layers[k - 1].projSize ?? layers[k - 1].units)));
}

function checkStack(layers: readonly RecurrentLayer[]): void {
  for (let k = 1; k < layers.length; k++) {
    const prev = layers[k - 1];
    const width = prev.directions.length * (prev.projSize ?? prev.units);
    if (layers[k].inputSize !== width) {
      throw new GateLensError('not-a-stack', `layer ${k} takes input size ${layers[k].inputSize} but layer ${k - 1} outputs ${width} features; convert one layer at a time with --layer`);
    }
    if (prev.returnSequences === false) throw new GateLensError('not-a-stack', `layer ${k - 1} returns only its last step (return_sequences=False), so it cannot feed layer ${k}; convert one layer at a time with --layer`);
  }
}

/** The other targets that hold the layer exactly, as the refusal's alternative. */
function exactAlternatives(layer: RecurrentLayer, refused: ConvertTarget): string {
  const ok = CONVERT_TARGETS.filter((t) => {
    if (t === refused) return false;
    try { toNative(layer, t); return true; } catch { return false; }
  });
  return ok.length ? `Exact alternative${ok.length > 1 ? 's' : ''}: ${ok.map((t) => `--to ${t}`).join(', ')}` : `None of ${CONVERT_TARGETS.join(', ')} computes it exactly`;
}

/** The target arrays of every layer of the stack, named as the target framework names them. */
export function planConversion(layers: readonly RecurrentLayer[], target: ConvertTarget, options: PlanOptions = {}): ConversionPlan {
  if (!layers.length) throw new GateLensError('no-layer', 'there is no recurrent layer to convert');
  checkStack(layers);
  const notes: string[] = [];
  const prepared = layers.map((l) => { refuse(l, target, options); return foldForgetBias(l, target, notes); });
  const custom = prepared.some((l) => needsResetBeforeModule(l, target));
  if (custom) {
    notes.push('torch.nn.GRU applies the reset gate after the recurrent matmul; these arrays (under nn.GRU\'s own names, rows r, z, n) are for ResetBeforeGRU, the small nn.Module the port script builds: n = tanh(W_in·x + b_in + W_hn·(r⊙h) + b_hn).');
  }
  const singleTorchModule = target === 'pytorch' && uniformForTorch(prepared);
  if (target === 'pytorch' && !singleTorchModule) {
    notes.push('The layers differ in size, direction or bias, so one nn.Module with num_layers cannot hold them: layer k\'s keys are those of its own module, prefixed "layers.k." (an nn.ModuleList).');
  }
  const kerasNames = new KerasNames();
  const converted = prepared.map((layer, k): ConvertedLayer => {
    let native;
    // The same numbers as nn.GRU stores them; only the module that reads them applies r before the matmul.
    const asStored = needsResetBeforeModule(layer, target) ? { ...layer, resetAfter: true } : layer;
    try {
      native = toNative(asStored, target, { layerIndex: target === 'pytorch' && singleTorchModule ? k : 0 });
    } catch (e) {
      if (e instanceof GateLensError && e.code === 'not-representable') throw new ConversionRefused(e.message.replace(/\.$/, ''), exactAlternatives(layer, target));
      throw e;
    }
    const prefix = target === 'keras' ? kerasNames.layerPath(layer) : target === 'flax' ? flaxPrefix(k, layers.length)
      : layers.length === 1 ? '' : target === 'pytorch' ? (singleTorchModule ? '' : `layers.${k}.`) : `layer${k}/`;
    const nameOf = (name: string): string => target === 'keras' ? kerasNames.weightPath(prefix, layer, name) : target === 'flax' ? flaxPath(prefix, name) : prefix + name;
    const arrays = Object.entries(native).map(([name, tensor]) => ({ name: nameOf(name), tensor }));
    const config = needsResetBeforeModule(layer, target) ? { ...configFromLayer(asStored, target), reset_after: false } : configFromLayer(layer, target);
    return { layer, arrays, config, prefix };
  });
  const G = convention(target, layers[0].cell).gateOrder.map((g) => g.label).join(',');
  notes.unshift(`${FRAMEWORK[target]} ${cellTitle(layers[0])} gate order ${G}.`);
  if (target === 'flax') notes.push(FLAX_NOTES[layers[0].cell]);
  return { target, source: layers[0].source, layers: converted, arrays: converted.flatMap((c) => c.arrays), singleTorchModule, notes };
}

/** float32 when every value is a float32 exactly (nothing is lost), else float64: the precision the values need. */
export function neededDtype(plan: ConversionPlan): ExportDtype {
  for (const a of plan.arrays) {
    const d = a.tensor.data;
    for (let k = 0; k < d.length; k++) if (Math.fround(d[k]) !== d[k]) return 'float64';
  }
  return 'float32';
}

/** The largest |v − float32(v)| over every array: what writing float32 loses. */
export function float32RoundingError(plan: ConversionPlan): number {
  let worst = 0;
  for (const a of plan.arrays) {
    const d = a.tensor.data;
    for (let k = 0; k < d.length; k++) worst = Math.max(worst, Math.abs(d[k] - Math.fround(d[k])));
  }
  return worst;
}
