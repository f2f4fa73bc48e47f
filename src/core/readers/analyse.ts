// Model file → what the recogniser consumes today, and back. The adapter (documented in docs/dependencies.md and
// README "Model files"):
//   1. reads the values of the tensors a layer can use (floating point, rank 1–3, within the element budget);
//   2. hands them to recognize() as ExtractedArrays with form 'file', an empty text range and the tensor's origin
//      (names as the file spells them; ONNX W/R/B/P are named <op><k>_<slot>, e.g. lstm0_W, so the node's kind shows);
//   3. applies the file's own layer config (ONNX attributes, Keras config.json / model_config, PyTorch module
//      attributes) to every layer it names: the layer is rebuilt with optionsFromConfig, the recogniser's doubts that
//      the config settles are dropped, and a config it cannot honour removes the layer from the runnable stacks.

import { convention as conventionSpec, type CellKind, type ConventionId } from '../conventions';
import { fromNative, optionsFromConfig, type NativeTensors } from '../convert';
import type { Activation, Layer, RecurrentLayer } from '../model';
import type { ExtractedArray, ParseResult } from '../parse/types';
import { recognize, type RecognizeOptions } from '../recognize';
import { classifyName } from '../recognize/names';
import type { Evidence, Recognition, RecognizedDense, RecognizedLayer } from '../recognize/types';
import { isFloatDtype } from '../tensor/dtype';
import type { LayerConfig, ModelFile, ReadDiagnostic, Tensor } from '../tensor/types';

export interface AnalyseOptions extends RecognizeOptions {
  /** Largest tensor read for recognition, in elements (bigger ones are listed, not read). */
  readonly maxTensorElements?: number;
  /** Total elements read for recognition. */
  readonly maxTotalElements?: number;
  /** Files with more elements than this read only the tensors whose names and shapes say recurrent layer or head. */
  readonly smallFileElements?: number;
}

export interface TensorEntry {
  readonly tensor: Tensor;
  /** Index into parse.arrays when the tensor was read for recognition. */
  readonly arrayIndex?: number;
  /** Why it was not read (too large, not a float, not a recurrent input of an ONNX node). */
  readonly skipped?: string;
}

export interface ModelAnalysis {
  readonly file: ModelFile;
  readonly tensors: readonly TensorEntry[];
  readonly parse: ParseResult;
  readonly recognition: Recognition;
  readonly diagnostics: readonly ReadDiagnostic[];
}

const CELL_OF: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN: 'simple_rnn', SimpleRNN: 'simple_rnn', CuDNNLSTM: 'lstm', CuDNNGRU: 'gru' };
/** Recogniser doubts a file's config settles. */
const SETTLED = new Set(['keras-version-unknown', 'reset-placement-unknown', 'bidirectional-or-stacked', 'keras-or-pytorch', 'pytorch-or-onnx', 'cudnn-gru-same-shapes']);
const PYTORCH_KEYS = ['input_size', 'hidden_size', 'bidirectional', 'proj_size', 'nonlinearity', 'batch_first'];

export async function analyseModelFile(file: ModelFile, options: AnalyseOptions = {}): Promise<ModelAnalysis> {
  const maxOne = options.maxTensorElements ?? 1 << 24;
  let budget = options.maxTotalElements ?? 1 << 26;
  const diagnostics: ReadDiagnostic[] = [...file.diagnostics];
  const onnxSlot = new Map<string, { layer: LayerConfig; slot: string; k: number }>();
  if (file.format === 'onnx') {
    file.layers.forEach((l, k) => { for (const [slot, name] of Object.entries(l.inputs ?? {})) if (['W', 'R', 'B', 'P'].includes(slot)) onnxSlot.set(name, { layer: l, slot, k }); });
  }
  const entries: TensorEntry[] = [];
  const arrays: ExtractedArray[] = [];
  const wanted = file.format === 'onnx' ? undefined : largeFileSelection(file.tensors, options.smallFileElements ?? 1 << 22);
  for (const tensor of file.tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    let skipped: string | undefined;
    const slot = tensor.name !== undefined ? onnxSlot.get(tensor.name) : undefined;
    if (file.format === 'onnx' && !slot) skipped = 'not a W/R/B/P input of an LSTM, GRU or RNN node';
    else if (wanted && !wanted.has(tensor)) skipped = 'a large file: only tensors named as recurrent weights, and Dense weights whose input width fits a recurrent output, are read';
    else if (!isFloatDtype(tensor.dtype)) skipped = `${tensor.dtype} (weights are floating point)`;
    else if (tensor.shape.length < 1 || tensor.shape.length > 3) skipped = `rank ${tensor.shape.length} (recurrent weights have rank 1–3)`;
    else if (count > maxOne || count > budget) skipped = `${count} elements, beyond the ${Math.min(maxOne, budget)}-element read budget`;
    if (skipped) { entries.push({ tensor, skipped }); continue; }
    let values: Float64Array;
    try {
      values = await tensor.values();
    } catch (e) {
      diagnostics.push({ severity: 'error', code: (e as { code?: string }).code ?? 'unreadable', message: `${tensor.name ?? 'a tensor'}: ${(e as Error).message}` });
      entries.push({ tensor, skipped: (e as Error).message });
      continue;
    }
    budget -= count;
    const name = slot ? `${slot.layer.layerClass.toLowerCase()}${slot.k}_${slot.slot}` : tensor.name;
    const index = arrays.length;
    arrays.push({ index, ...(name !== undefined ? { name } : {}), shape: tensor.shape, values, range: { start: 0, end: 0 }, form: 'file', dtype: tensor.dtype, origin: tensor.origin });
    entries.push({ tensor, arrayIndex: index });
  }
  const parse: ParseResult = { arrays, diagnostics: [] };
  const recognition = recognize(parse, '', options);
  const applied = attachHeads(applyConfigs(file, parse, recognition, onnxSlot, diagnostics, options.layerConventions ?? {}));
  return { file, tensors: entries, parse, recognition: applied, diagnostics };
}

/**
 * In a large file (a language model with one LSTM head, a 2 GB checkpoint), reading every tensor would cost the
 * memory and time of the whole file. Only tensors whose names read as recurrent weights are read, plus Dense/Linear
 * weights whose input width equals a recurrent layer's output width (H, 2·H or the projection size) and their
 * biases. Undefined (read everything) for small files, where unnamed arrays still go by their shapes.
 */
function largeFileSelection(tensors: readonly Tensor[], smallFileElements: number): Set<Tensor> | undefined {
  const total = tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  if (total <= smallFileElements) return undefined;
  const info = new Map(tensors.map((t) => [t, t.name !== undefined ? classifyName({ index: 0, name: t.name, shape: t.shape, values: new Float64Array(0), range: { start: 0, end: 0 }, form: 'file' }) : undefined]));
  const wanted = new Set<Tensor>();
  const widths = new Set<number>();
  for (const [t, i] of info) {
    if (!i || i.family === 'data' || i.role.startsWith('dense')) continue;
    wanted.add(t);
    // weight_hh (G·H, Hr) / recurrent_kernel (H, G·H): the recurrent state width is the square side.
    if ((i.role === 'weight_hh' || i.role === 'weight_hr') && t.shape.length === 2) { widths.add(t.shape[i.role === 'weight_hr' ? 0 : 1]); widths.add(2 * t.shape[i.role === 'weight_hr' ? 0 : 1]); }
    if (i.role === 'recurrent_kernel' && t.shape.length === 2) { widths.add(t.shape[0]); widths.add(2 * t.shape[0]); }
  }
  const heads = new Set<string>();
  for (const [t, i] of info) {
    if (!i || !i.role.startsWith('dense') || t.shape.length !== 2) continue;
    const input = i.family === 'pytorch' ? t.shape[1] : t.shape[0];
    if (widths.has(input)) { wanted.add(t); heads.add(i.group); }
  }
  for (const [t, i] of info) if (i && i.role === 'dense_bias' && heads.has(i.group)) wanted.add(t);
  return wanted;
}

const parentOf = (name: string): string => name.replace(/\.l\d+$/, '').replace(/(^|[./])[^./]*$/, '');

/**
 * safetensors headers list tensors by name, so `head.fc.*` comes before `head.rnn.*` and the recogniser, which stacks
 * in file order, leaves the Linear head alone. A Dense layer in no stack joins the one stack that ends in a recurrent
 * layer of the same parent module whose output width is its input width; with none or several, it stays alone.
 */
function attachHeads(rec: Recognition): Recognition {
  const inStack = new Set(rec.models.flatMap((m) => m.model.layers));
  const models = rec.models.map((m) => ({ ...m, layerIds: [...m.layerIds], model: { layers: [...m.model.layers] } }));
  const byLayer = new Map(rec.layers.map((l) => [l.layer as Layer, l]));
  const notes: Recognition['diagnostics'][number][] = [];
  for (const d of rec.dense) {
    if (inStack.has(d.layer)) continue;
    const fits = models.filter((m) => {
      const end = m.model.layers[m.model.layers.length - 1];
      const rl = byLayer.get(end);
      if (end.kind !== 'recurrent' || !rl) return false;
      const width = (end.projSize ?? end.units) * (end.directions.length === 2 && (end.merge ?? 'concat') === 'concat' ? 2 : 1);
      return width === d.layer.inputSize && parentOf(rl.name) === parentOf(d.name);
    });
    if (fits.length !== 1) continue;
    fits[0].layerIds.push(`dense-${d.name}`);
    fits[0].model.layers.push(d.layer);
    notes.push({ severity: 'info', code: 'head-attached', message: `${d.name} (Dense ${d.layer.inputSize} → ${d.layer.units}) follows ${fits[0].name}: same parent module and its input width is that layer's output width (the file lists tensors by name, not in model order)`, range: { start: 0, end: 0 } });
  }
  if (!notes.length) return rec;
  const attached = new Set(rec.dense.filter((d) => models.some((m) => m.model.layers.includes(d.layer))).flatMap((d) => d.arrays.map((a) => a.arrayIndex)));
  return { ...rec, models, unrelated: rec.unrelated.filter((u) => !attached.has(u.arrayIndex)), diagnostics: [...rec.diagnostics, ...notes] };
}

function configFor(file: ModelFile, layer: RecognizedLayer, parse: ParseResult, onnxSlot: Map<string, { layer: LayerConfig }>, entriesByIndex: Map<number, string>): LayerConfig | undefined {
  for (const role of layer.arrays) {
    const tensorName = entriesByIndex.get(role.arrayIndex);
    if (tensorName === undefined) continue;
    if (file.format === 'onnx') { const s = onnxSlot.get(tensorName); if (s) return s.layer; }
    const byTensor = file.layers.find((l) => l.tensorNames.includes(tensorName));
    if (byTensor) return byTensor;
  }
  // Keras: the recogniser names a layer after its Keras layer name.
  return file.layers.find((l) => l.framework === 'keras' && (l.name === layer.name || layer.name.startsWith(`${l.name}/`)));
}

function nativeFor(layer: RecognizedLayer, parse: ParseResult): NativeTensors {
  const out: NativeTensors = {};
  for (const r of layer.arrays) {
    const a = parse.arrays[r.arrayIndex];
    const key = layer.convention === 'pytorch' ? `${r.role}_l0${r.direction === 1 ? '_reverse' : ''}`
      : layer.convention === 'onnx' ? r.role
        : `${layer.directions === 2 ? (r.direction === 0 ? 'forward_' : 'backward_') : ''}${r.role}`;
    out[key] = { shape: a.shape, data: a.values };
  }
  return out;
}

function frameworkConfig(cfg: LayerConfig, layer: RecognizedLayer, parse: ParseResult): { convention: ConventionId; config: Record<string, unknown>; notes: string[] } {
  const notes: string[] = [];
  if (cfg.framework === 'onnx') {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cfg.config)) if (['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'input_forget', 'linear_before_reset', 'layout'].includes(k)) config[k] = v;
    // The layer keeps layout=1, so the node's own outputs come out batch-major (Y [N, T, D, H], Y_h/Y_c [N, D, H]).
    if (cfg.config['layout'] === 1) notes.push('layout=1: X, Y, Y_h and Y_c are batch-major in the graph (X [N, T, I], Y [N, T, D, H]); the weights are the same');
    return { convention: 'onnx', config, notes };
  }
  if (cfg.framework === 'pytorch') {
    const config: Record<string, unknown> = {};
    for (const k of PYTORCH_KEYS) if (cfg.config[k] !== undefined) config[k] = cfg.config[k];
    if (config['proj_size'] === 0) delete config['proj_size'];
    // Layer k > 0 of a stack takes the previous layer's output, not input_size.
    const l = layer.arrays.map((r) => /_l(\d+)(_reverse)?$/.exec(parse.arrays[r.arrayIndex].name ?? '')).find(Boolean);
    if (l && Number(l[1]) > 0) delete config['input_size'];
    return { convention: 'pytorch', config, notes };
  }
  return { convention: /^CuDNN/.test(cfg.layerClass) ? 'keras_cudnn' : 'keras', config: { ...cfg.config }, notes };
}

function configText(cfg: LayerConfig): string {
  const parts = Object.entries(cfg.config).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${cfg.layerClass}(${parts.join(', ')})`;
}

function applyConfigs(file: ModelFile, parse: ParseResult, rec: Recognition, onnxSlot: Map<string, { layer: LayerConfig }>, diagnostics: ReadDiagnostic[], chosen: Readonly<Record<string, ConventionId>>): Recognition {
  if (!file.layers.length) return rec;
  const names = new Map(parse.arrays.map((a) => [a.index, file.tensors.find((t) => t.origin === a.origin)?.name ?? a.name ?? '']));
  const replaced = new Map<Layer, Layer | null>();
  const layers: RecognizedLayer[] = [];
  for (const l of rec.layers) {
    const cfg = configFor(file, l, parse, onnxSlot, names);
    // No config, or a layer the recogniser already found incomplete (it must stay unrunnable): kept as recognised.
    if (!cfg || l.complete === false) { layers.push(l); continue; }
    const where = file.format === 'keras' ? 'config.json' : file.format === 'onnx' ? 'the ONNX node' : file.format === 'hdf5' ? 'model_config' : 'the pickled module';
    const cell = CELL_OF[cfg.layerClass];
    if (cell && cell !== l.cell) {
      diagnostics.push({ severity: 'error', code: 'config-mismatch', message: `${l.name}: ${where} says ${cfg.layerClass}, the weights' shapes say ${l.cell}; the layer is not run` });
      replaced.set(l.layer, null);
      layers.push({ ...l, warnings: [...l.warnings, { code: 'config-mismatch', message: `${where} says ${cfg.layerClass}` }] });
      continue;
    }
    const { convention, config, notes } = frameworkConfig(cfg, l, parse);
    // The user chose another reading for this layer and the recogniser could honour it: the file's config (written
    // for its own framework's layout) is not applied over that choice, and the note says what the file says.
    if (chosen[l.id] === l.convention && convention !== l.convention) {
      diagnostics.push({ severity: 'info', code: 'user-convention', message: `${l.name}: read as ${l.convention} as you chose; ${where} says ${convention} (${configText(cfg)})` });
      layers.push(l);
      continue;
    }
    const evidence: Evidence[] = [{ code: 'file-config', message: `${where}: ${configText(cfg)}` }, ...notes.map((n) => ({ code: 'file-config', message: n }))];
    try {
      const opts = optionsFromConfig(convention, config);
      const labelled: RecognizedLayer = convention === l.convention ? l : { ...l, convention, gates: l.gates };
      const layer: RecurrentLayer = fromNative(convention, l.cell, nativeFor(labelled, parse), { ...opts, name: cfg.name });
      replaced.set(l.layer, layer);
      layers.push({
        ...l, name: file.format === 'onnx' ? cfg.name : l.name, convention, layer, alternatives: [],
        evidence: [...l.evidence, ...evidence], warnings: l.warnings.filter((w) => !SETTLED.has(w.code)),
      });
      if (conventionSpec(convention, l.cell).framework !== conventionSpec(l.convention, l.cell).framework) {
        diagnostics.push({ severity: 'info', code: 'config-convention', message: `${l.name}: read as ${convention} because ${where} says so (the shapes alone suggested ${l.convention})` });
      }
    } catch (e) {
      diagnostics.push({ severity: 'error', code: (e as { code?: string }).code ?? 'config-unsupported', message: `${l.name}: ${where} asks for what Gate Lens cannot run: ${(e as Error).message}; the layer is not run` });
      replaced.set(l.layer, null);
      layers.push({ ...l, evidence: [...l.evidence, ...evidence], warnings: [...l.warnings, { code: 'config-unsupported', message: (e as Error).message }] });
    }
  }
  const dense = rec.dense.map((d) => {
    const cfg = file.layers.find((c) => (c.layerClass === 'Dense' || c.layerClass === 'Linear') && (c.name === d.name || d.name.startsWith(`${c.name}/`)));
    const act = cfg?.config['activation'];
    if (!cfg || typeof act !== 'string' || act === d.layer.activation.name) return d;
    const layer = { ...d.layer, activation: { name: act } as Activation };
    replaced.set(d.layer, layer);
    return { ...d, layer, evidence: [...(d.evidence ?? []), { code: 'file-config', message: `the file's config: Dense(activation=${JSON.stringify(act)})` }] };
  });
  const models = restack(layers, dense, replaced);
  const position = new Map(models.flatMap((m) => m.layerIds.map((id, k) => [id, k] as const)));
  return { ...rec, layers: layers.map((l) => ({ ...l, stackIndex: position.get(l.id) ?? 0 })), dense, models };
}

/**
 * The runnable stacks again, now that the config may have changed widths (a Bidirectional merge_mode 'sum' halves
 * it): items in file order, each chained onto the previous when its input size equals that output width; a layer
 * whose config could not be honoured breaks the chain.
 */
function restack(layers: readonly RecognizedLayer[], dense: readonly RecognizedDense[], replaced: Map<Layer, Layer | null>): Recognition['models'] {
  type Item = { id: string; name: string; first: number; layer: Layer | null; inputSize: number };
  const items: Item[] = [
    ...layers.map((l) => ({ id: l.id, name: l.name, first: Math.min(...l.arrays.map((a) => a.arrayIndex)), layer: replaced.has(l.layer) ? replaced.get(l.layer)! : l.layer, inputSize: l.inputSize })),
    ...dense.map((d) => ({ id: `dense-${d.name}`, name: d.name, first: Math.min(...d.arrays.map((a) => a.arrayIndex)), layer: d.layer as Layer, inputSize: d.layer.inputSize })),
  ].sort((a, b) => a.first - b.first);
  const models: Array<{ name: string; layerIds: string[]; model: { layers: Layer[] } }> = [];
  let current: (typeof models)[number] | undefined;
  let width: number | undefined;
  for (const item of items) {
    const layer = item.layer;
    if (!layer) { current = undefined; width = undefined; continue; }
    const previous = current?.model.layers[current.model.layers.length - 1];
    if (current && width === item.inputSize && !(previous?.kind === 'dense' && layer.kind === 'recurrent')) {
      current.layerIds.push(item.id);
      current.model.layers.push(layer);
    } else if (layer.kind === 'recurrent') {
      current = { name: item.name, layerIds: [item.id], model: { layers: [layer] } };
      models.push(current);
    } else {
      current = undefined;
    }
    width = layer.kind === 'dense' ? layer.units : (layer.projSize ?? layer.units) * (layer.directions.length === 2 && (layer.merge ?? 'concat') === 'concat' ? 2 : 1);
  }
  return models;
}
