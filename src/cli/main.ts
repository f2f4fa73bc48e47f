// The gate-lens command line: `inspect` says which layers a weights file holds and which columns are which gate;
// `run` runs the recognised stack on an input and prints the outputs, final state and optionally every step.
// Results go to stdout, messages to stderr; exit codes are part of the interface (see HELP).

import { readFileSync, statSync } from 'node:fs';
import { extname, basename } from 'node:path';
import { CANONICAL_GATES, convention as conventionSpec, type ConventionId } from '../core/conventions';
import { runModel } from '../core/forward';
import { GateLensError, type InitialState, type Layer, type Model, type ModelResult, type RecurrentLayer, type Sequence } from '../core/model';
import { extractArrays } from '../core/parse';
import type { ParseResult, SourceRange } from '../core/parse/types';
import { recognize } from '../core/recognize';
import { LineIndex } from '../core/text/line-index';
import { shapeText } from '../core/recognize/layers';
import type { Evidence, Recognition, RecognizedLayer } from '../core/recognize/types';
import { readNpy, NpyError } from './npy';
import { modelJson, type PreloadedModel } from './modelFile';
import { version } from '../../package.json';

export const EXIT = { ok: 0, usage: 1, unreadable: 2, noLayer: 3, runError: 4, incomplete: 5 } as const;

const CONVENTIONS: readonly ConventionId[] = ['keras', 'pytorch', 'onnx', 'tf1', 'keras_cudnn'];

export const HELP = `gate-lens ${version} — which columns of an LSTM/GRU/SimpleRNN weight matrix belong to which gate,
and the forward pass step by step, from weights pasted from Keras, PyTorch or ONNX.

Usage:
  gate-lens inspect FILE [--json] [--convention C]
  gate-lens run FILE --input INPUT [--json] [--layer NAME] [--convention C] [--trace] [--h0 FILE] [--c0 FILE]
  gate-lens --help | --version
  gate-lens inspect --help | gate-lens run --help

Commands:
  inspect   Recognise the layers in FILE (.py, .txt, .json, ... with printed or literal arrays) and print, per layer,
            the cell, convention, units, input size, directions, gate ranges, the evidence and the doubts; the
            gate slices found in your own code, and the arrays that form no layer.
  run       Run the recognised stack (recurrent layers + Dense head) on INPUT and print the outputs and final state.

Conventions (C): ${CONVENTIONS.join(', ')}

Exit codes:
  0  ok
  1  usage error (unknown command or option, missing argument)
  2  FILE or an input/state file cannot be read or parsed
  3  no layer recognised in FILE (or --layer names no layer)
  4  run error (input width does not match the layer, non-finite values, ...)
  5  a layer is incomplete: an array it needs is in FILE but cannot be read (summarised '...', a token that is
     not a number, ragged rows) or only its shape is given; the message names each array, where it is and why

Results go to stdout, messages to stderr.`;

export const INSPECT_HELP = `Usage: gate-lens inspect FILE [--json] [--convention C]

Recognises the recurrent layers (and Dense heads) whose weights FILE holds.
  --json            print one JSON object: {file, layers, dense, models, unrelated, arrays, slices, diagnostics}
                    layers[k] = {name, cell, convention, units, inputSize, directions, gates: [{gate, label, name,
                    start, end}] (in the convention's own order), evidence, warnings, alternatives, ...}
                    unrelated[k] = {index, kind, reason}: an array that is part of no recurrent layer (kind
                    embedding, attention, normalization, convolution, linear or unmatched)
  --convention C    read the weights in convention C where their shapes allow (${CONVENTIONS.join(', ')})

Exit codes: 0 ok, 1 usage error, 2 FILE unreadable, 3 no layer recognised.`;

export const RUN_HELP = `Usage: gate-lens run FILE --input INPUT [--json] [--layer NAME] [--convention C] [--trace] [--h0 FILE] [--c0 FILE]

Runs the recognised stack (recurrent layers, then a Dense head when there is one) on one input sequence.
  --input INPUT     JSON {"x": [[...], ...]} (T × features) or a .npy file (float32/float64/int32/int64,
                    little-endian, C order; shape (T, D), (1, T, D) or (T,) for one feature)
  --json            print {outputs (T × features of the last layer), state {h, c} of the last recurrent layer
                    (one row per direction), layers [...]} and, with --trace, every step per layer and direction
  --layer NAME      run only the layer NAME (as listed by inspect) instead of the whole stack
  --convention C    read the weights in convention C where their shapes allow (${CONVENTIONS.join(', ')})
  --trace           every step's z (pre-activations), gate activations, c and h, in the convention's gate order
  --h0 FILE         initial hidden state of the first recurrent layer (JSON array or {"h": ...}, or .npy):
                    (H,) or (directions, H)
  --c0 FILE         initial cell state (LSTM), same forms as --h0

Exit codes: 0 ok, 1 usage error, 2 FILE or INPUT unreadable, 3 no layer recognised (or --layer not found),
4 run error (input width does not match, non-finite values, ...), 5 a layer is incomplete (an array it needs cannot
be read; nothing is run with a stand-in).`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Uint8Array;
  /** Size in bytes without reading the file (stat), so an oversized file is refused before it is read. */
  fileSize?(path: string): number;
}

export const nodeIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p),
  fileSize: (p) => statSync(p).size,
};

class CliError extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
  }
}

interface Parsed {
  command?: string;
  file?: string;
  /** A model file, read by cli.ts before main (modelFile.ts). */
  model?: PreloadedModel;
  flags: Set<string>;
  values: Map<string, string>;
}

const BOOLEAN_FLAGS = new Set(['--json', '--trace', '--help', '-h', '--version', '-V']);
const VALUE_FLAGS = new Set(['--input', '--layer', '--convention', '--h0', '--c0']);

export function parseArgs(argv: readonly string[]): Parsed {
  const parsed: Parsed = { flags: new Set(), values: new Map() };
  const positional: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    let arg = argv[k];
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (BOOLEAN_FLAGS.has(arg)) {
      if (inline !== undefined) throw new CliError(EXIT.usage, `${arg} takes no value`);
      parsed.flags.add(arg === '-h' ? '--help' : arg === '-V' ? '--version' : arg);
    } else if (VALUE_FLAGS.has(arg)) {
      const value = inline ?? argv[++k];
      if (value === undefined) throw new CliError(EXIT.usage, `${arg} needs a value`);
      parsed.values.set(arg, value);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new CliError(EXIT.usage, `unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  parsed.command = positional[0];
  parsed.file = positional[1];
  if (positional.length > 2) throw new CliError(EXIT.usage, `unexpected argument ${positional[2]}`);
  return parsed;
}

function readBytes(io: Io, path: string, what: string): Uint8Array {
  try {
    return io.readFile(path);
  } catch (e) {
    throw new CliError(EXIT.unreadable, `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function readText(io: Io, path: string, what: string): string {
  const bytes = readBytes(io, path, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(EXIT.unreadable, `${what} ${path} is not UTF-8 text`);
  }
}

function rangeJson(lines: LineIndex, r: SourceRange) {
  return { start: r.start, end: r.end, ...lines.position(r.start) };
}

interface Analysis {
  readonly file: string;
  readonly text: string;
  readonly parse: ParseResult;
  readonly recognition: Recognition;
  /** Built once per file: every range printed is a lookup, never a rescan of the text. */
  readonly lines: LineIndex;
  readonly model?: PreloadedModel['analysis'];
}

function analyse(io: Io, file: string, conventionFlag: string | undefined, model?: PreloadedModel): Analysis {
  if (model?.error !== undefined) throw new CliError(EXIT.unreadable, `cannot read file ${file}: ${model.error}`);
  if (model?.analysis) return { file, text: '', parse: model.analysis.parse, recognition: model.analysis.recognition, lines: new LineIndex(''), model: model.analysis };
  const text = readText(io, file, 'file');
  let conventionOverride: ConventionId | undefined;
  if (conventionFlag !== undefined) {
    if (!CONVENTIONS.includes(conventionFlag as ConventionId)) throw new CliError(EXIT.usage, `--convention must be one of ${CONVENTIONS.join(', ')} (got "${conventionFlag}")`);
    conventionOverride = conventionFlag as ConventionId;
  }
  // The file name decides what `#` and quotes mean (.py: Python; .txt/.md/.log: plain text; .json: JSON).
  const parse = extractArrays(text, { languageId: file });
  const recognition = recognize(parse, text, { ...(conventionOverride ? { conventionOverride } : {}) });
  return { file, text, parse, recognition, lines: new LineIndex(text) };
}

function layerJson(l: RecognizedLayer) {
  return {
    id: l.id, name: l.name, cell: l.cell, convention: l.convention, framework: conventionSpec(l.convention, l.cell).framework,
    units: l.units, inputSize: l.inputSize, directions: l.directions, ...(l.projSize !== undefined ? { projSize: l.projSize } : {}),
    stackIndex: l.stackIndex,
    gates: l.gates.map((g) => ({ gate: g.gate, label: g.label, name: g.name, start: g.start, end: g.end })),
    ...(l.cell === 'gru' && l.layer.resetAfter !== undefined ? { resetAfter: l.layer.resetAfter } : {}),
    ...(l.layer.merge ? { merge: l.layer.merge } : {}),
    activations: l.layer.activations,
    evidence: l.evidence.map(evidenceJson), warnings: l.warnings.map(evidenceJson), alternatives: l.alternatives,
    arrays: l.arrays.map((a) => ({ index: a.arrayIndex, role: a.role, direction: a.direction })),
    complete: l.complete,
    missing: l.missing.map((m) => ({ array: m.array, direction: m.direction, reason: m.reason, ...(m.name !== undefined ? { name: m.name } : {}), ...(m.shape ? { shape: m.shape } : {}), message: m.message, ...(m.range ? { range: m.range } : {}) })),
  };
}

// The JSON keeps its documented {code, message} shape: the translation template and its arguments are for editors.
function evidenceJson(e: Evidence): { code: string; message: string } {
  return { code: e.code, message: e.message };
}

function inspectJson(a: Analysis) {
  const { recognition: r, parse, lines } = a;
  const roleOf = new Map<number, string>();
  for (const l of r.layers) for (const role of l.arrays) roleOf.set(role.arrayIndex, `${l.name}:${role.role}${l.directions === 2 ? (role.direction ? ':backward' : ':forward') : ''}`);
  for (const d of r.dense) for (const role of d.arrays) roleOf.set(role.arrayIndex, `${d.name}:${role.role}`);
  const layerName = new Map(r.layers.map((l) => [l.id, l.name]));
  return {
    file: a.file,
    layers: r.layers.map(layerJson),
    dense: r.dense.map((d) => ({ name: d.name, inputSize: d.layer.inputSize, units: d.layer.units, activation: d.layer.activation.name, evidence: (d.evidence ?? []).map(evidenceJson) })),
    models: r.models.map((m) => ({ name: m.name, layers: m.model.layers.map((l) => l.name ?? l.kind) })),
    unrelated: r.unrelated.map((u) => ({ index: u.arrayIndex, kind: u.kind, reason: u.reason })),
    arrays: parse.arrays.map((arr) => ({ index: arr.index, name: arr.name ?? null, shape: arr.shape, range: rangeJson(lines, arr.range), ...(arr.origin ? { origin: arr.origin } : {}), role: roleOf.get(arr.index) ?? null })),
    slices: r.slices.map((s) => ({
      text: s.text, target: s.target ?? null, start: s.start, end: s.end,
      gates: s.gates.map((g) => ({ gate: g.gate, label: g.label, name: g.name, start: g.start, end: g.end })),
      layer: layerName.get(s.layerId) ?? s.layerId, layerReason: s.layerReason ?? null,
      range: rangeJson(lines, s.range),
      mismatch: s.mismatch
        ? { namedGate: s.mismatch.namedGate, correctStart: s.mismatch.correctStart, correctEnd: s.mismatch.correctEnd, message: s.mismatch.message }
        : null,
    })),
    ...(a.model ? { model: modelJson(a.model) } : {}),
    diagnostics: [
      ...parse.diagnostics.map((d) => ({ source: 'parse', severity: d.severity, code: d.code, message: d.message, range: rangeJson(lines, d.range) })),
      ...r.diagnostics.map((d) => ({ source: 'recognize', severity: d.severity, code: d.code, message: d.message, range: rangeJson(lines, d.range) })),
    ],
  };
}

function inspectHuman(a: Analysis): string {
  const { recognition: r, parse } = a;
  const lines: string[] = [`${a.file}`];
  for (const l of r.layers) {
    const spec = conventionSpec(l.convention, l.cell);
    lines.push('', `Layer ${l.name} — ${spec.framework} ${l.cell === 'lstm' ? 'LSTM' : l.cell === 'gru' ? 'GRU' : 'SimpleRNN'} (convention ${l.convention})`);
    lines.push(`  units ${l.units} · input size ${l.inputSize} · ${l.directions} direction${l.directions === 2 ? 's' : ''}${l.projSize ? ` · projection ${l.projSize}` : ''} · stack position ${l.stackIndex}` +
      `${l.cell === 'gru' && l.layer.resetAfter !== undefined ? ` · reset_after=${l.layer.resetAfter ? 'True' : 'False'}` : ''}${l.layer.merge ? ` · merge ${l.layer.merge}` : ''}`);
    const acts = Array.isArray(l.layer.activations) ? l.layer.activations : [l.layer.activations];
    const actText = (x: (typeof acts)[number]) => (l.cell === 'simple_rnn' ? `activation ${x.candidate.name}` : `gate ${x.gate.name}, candidate ${x.candidate.name}${l.cell === 'lstm' ? `, output ${x.output.name}` : ''}`);
    lines.push(`  activations: ${acts.map((x, d) => (acts.length === 2 ? `${d ? 'backward' : 'forward'}: ` : '') + actText(x)).join('; ')}`);
    lines.push(`  gates along the packed axis (${spec.framework} order):`);
    for (const g of l.gates) lines.push(`    ${`${g.start}:${g.end}`.padEnd(9)} ${g.label.padEnd(2)} ${g.name}`);
    if (l.evidence.length) {
      lines.push('  evidence:');
      for (const e of l.evidence) lines.push(`    • ${e.message}  [${e.code}]`);
    }
    if (l.warnings.length) {
      lines.push('  warnings:');
      for (const w of l.warnings) lines.push(`    ! ${w.message}  [${w.code}]`);
    }
    if (l.alternatives.length) lines.push(`  also fits: ${l.alternatives.join(', ')}`);
    if (!l.complete) {
      lines.push('  INCOMPLETE — cannot run until these arrays can be read:');
      for (const m of l.missing) lines.push(`    ✗ ${m.message}  [${m.reason}]`);
    }
  }
  // Dense layers that head no recurrent stack are listed with the unrelated arrays instead.
  const alone = new Set(r.unrelated.filter((u) => u.kind === 'linear').map((u) => u.arrayIndex));
  for (const d of r.dense) {
    if (d.arrays.some((role) => alone.has(role.arrayIndex))) continue;
    lines.push('', `Dense ${d.name}: ${d.layer.inputSize} → ${d.layer.units} (${d.layer.activation.name})`);
  }
  if (r.models.length) {
    lines.push('', 'Stacks:');
    for (const m of r.models) lines.push(`  ${m.model.layers.map((l) => l.name ?? l.kind).join(' → ')}`);
  }
  if (r.slices.length) {
    lines.push('', 'Slices in your code:');
    for (const s of r.slices) {
      const lc = a.lines.position(s.range.start);
      const gates = s.gates.map((g) => `${g.label} (${g.name})`).join(', ') || 'no gate';
      lines.push(`  ${lc.line}:${lc.column}  ${s.target ? `${s.target} = ` : ''}${s.text} → ${s.start}:${s.end} = ${gates}${s.mismatch ? '  ✗ MISMATCH' : ''}`);
      if (s.mismatch) lines.push(`      ${s.mismatch.message}`);
    }
  }
  lines.push(...unrelatedLines(a));
  const diags = [...parse.diagnostics, ...r.diagnostics];
  if (diags.length) {
    lines.push('', 'Diagnostics:');
    for (const d of diags) {
      const lc = a.lines.position(d.range.start);
      lines.push(`  ${lc.line}:${lc.column}  ${d.severity}  ${d.message}  [${d.code}]`);
    }
  }
  if (!r.layers.length) lines.push('', 'No recurrent layer recognised.');
  return lines.join('\n') + '\n';
}

/** Past this many, the human listing of unrelated arrays stops with a count (--json lists every one). */
const UNRELATED_LINES = 100;

function unrelatedLines(a: Analysis): string[] {
  const { unrelated } = a.recognition;
  if (!unrelated.length) return [];
  const lines = ['', `Not part of a recurrent layer (${unrelated.length} array${unrelated.length === 1 ? '' : 's'}):`];
  for (const u of unrelated.slice(0, UNRELATED_LINES)) {
    const array = a.parse.arrays[u.arrayIndex];
    const lc = a.lines.position((array.nameRange ?? array.range).start);
    lines.push(`  ${lc.line}:${lc.column}  ${array.name ?? 'array'} ${shapeText(array.shape)}  ${u.reason}`);
  }
  if (unrelated.length > UNRELATED_LINES) lines.push(`  … and ${unrelated.length - UNRELATED_LINES} more (inspect --json lists every one)`);
  return lines;
}

// ---- run

function readNumbers(io: Io, path: string, what: string, key: string): { shape: number[]; data: Float64Array } {
  if (extname(path).toLowerCase() === '.npy') {
    const bytes = readBytes(io, path, what);
    try {
      const a = readNpy(bytes);
      return { shape: [...a.shape], data: a.data };
    } catch (e) {
      if (e instanceof NpyError) throw new CliError(EXIT.unreadable, `${what} ${path}: ${e.message}`);
      throw e;
    }
  }
  const text = readText(io, path, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(EXIT.unreadable, `${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (!(key in obj)) throw new CliError(EXIT.unreadable, `${what} ${path} has no "${key}" field (expected {"${key}": [...]} or a bare array)`);
    value = obj[key];
  }
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  if (!shape.length) throw new CliError(EXIT.unreadable, `${what} ${path} holds no array`);
  const flat = (value as unknown[]).flat(shape.length) as unknown[];
  if (flat.length !== shape.reduce((a, b) => a * b, 1) || flat.some((v) => typeof v !== 'number')) {
    throw new CliError(EXIT.unreadable, `${what} ${path} is not a rectangular array of numbers`);
  }
  return { shape, data: Float64Array.from(flat as number[]) };
}

function toSequence(a: { shape: number[]; data: Float64Array }, features: number): Sequence {
  let { shape } = a;
  if (shape.length === 3) {
    if (shape[0] !== 1) throw new CliError(EXIT.runError, `the input has batch ${shape[0]}; gate-lens runs one sequence (batch 1)`);
    shape = shape.slice(1);
  }
  if (shape.length === 1) shape = features === 1 ? [shape[0], 1] : [1, shape[0]];
  if (shape.length !== 2) throw new CliError(EXIT.runError, `the input must be (T, features), (1, T, features) or (T,); got (${a.shape.join(', ')})`);
  const [steps, width] = shape;
  if (width !== features) throw new CliError(EXIT.runError, `the input has ${width} feature${width === 1 ? '' : 's'} per step but the first layer takes input size ${features}`);
  if (steps < 1) throw new CliError(EXIT.runError, 'the input has no time steps');
  for (let k = 0; k < a.data.length; k++) {
    if (!Number.isFinite(a.data[k])) throw new CliError(EXIT.runError, `input value ${k} (step ${Math.floor(k / width)}, feature ${k % width}) is ${a.data[k]}`);
  }
  return { data: a.data, batch: 1, steps, features: width };
}

function initialStates(io: Io, layer: RecurrentLayer, h0Path?: string, c0Path?: string): InitialState[] | undefined {
  if (!h0Path && !c0Path) return undefined;
  const D = layer.directions.length;
  const split = (path: string, key: 'h' | 'c', width: number): Float64Array[] => {
    const a = readNumbers(io, path, `--${key}0 file`, key);
    if (a.data.length !== D * width) {
      throw new CliError(EXIT.runError, `--${key}0 holds ${a.data.length} values but ${layer.name ?? 'the first layer'} needs ${D === 2 ? `2 directions × ${width}` : width}`);
    }
    return Array.from({ length: D }, (_, d) => a.data.slice(d * width, (d + 1) * width));
  };
  const hs = h0Path ? split(h0Path, 'h', layer.projSize ?? layer.units) : undefined;
  const cs = c0Path ? (layer.cell === 'lstm' ? split(c0Path, 'c', layer.units) : (() => { throw new CliError(EXIT.usage, `--c0 applies to an LSTM; ${layer.name ?? 'this layer'} is a ${layer.cell}`); })()) : undefined;
  return Array.from({ length: D }, (_, d) => ({ ...(hs ? { h: hs[d] } : {}), ...(cs ? { c: cs[d] } : {}) }));
}

const rows = (data: Float64Array, width: number): number[][] => Array.from({ length: data.length / width }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));

interface RunPlan {
  readonly model: Model;
  /** The recognised layer of each recurrent model layer (undefined for Dense). */
  readonly recognized: readonly (RecognizedLayer | undefined)[];
}

function plan(a: Analysis, layerName: string | undefined, io: Io): RunPlan {
  const { recognition: r } = a;
  if (layerName !== undefined) {
    const l = r.layers.find((x) => x.name === layerName || x.id === layerName);
    if (!l) throw new CliError(EXIT.noLayer, `no layer named "${layerName}"; recognised: ${r.layers.map((x) => x.name).join(', ') || 'none'}`);
    if (!l.complete) throw new CliError(EXIT.incomplete, l.layer.incomplete ?? `${l.name} is incomplete`);
    return { model: { layers: [l.layer] }, recognized: [l] };
  }
  // An incomplete layer may be the middle of the stack the user means: running what is left would be a wrong number.
  const incomplete = r.layers.filter((l) => !l.complete);
  if (incomplete.length) {
    const others = r.layers.filter((l) => l.complete).map((l) => l.name);
    throw new CliError(EXIT.incomplete, incomplete.map((l) => l.layer.incomplete ?? `${l.name} is incomplete`).join('\n') +
      (others.length ? `\n(complete layers can still run one at a time with --layer: ${others.join(', ')})` : ''));
  }
  const m = r.models[0];
  if (!m) throw new CliError(EXIT.noLayer, `no recurrent layer recognised in ${a.file}${r.diagnostics.length ? ` (${r.diagnostics[0].message})` : ''}`);
  const byId = new Map(r.layers.map((l) => [l.id, l]));
  if (r.models.length > 1) {
    io.err(`gate-lens: ${r.models.length} separate stacks found (${r.models.map((x) => x.name).join(', ')}); running the first — use --layer NAME for another layer\n`);
  }
  return { model: m.model, recognized: m.layerIds.map((id) => byId.get(id)) };
}

function traceJson(l: RecognizedLayer, layer: RecurrentLayer, result: ModelResult['layers'][number]) {
  const spec = conventionSpec(l.convention, l.cell);
  const canonical = CANONICAL_GATES[l.cell];
  const H = layer.units;
  const G = canonical.length;
  return (result.trace ?? []).map((t) => {
    const block = (arr: Float64Array, s: number, gate: string) => {
      const k = canonical.indexOf(gate as never);
      return Array.from(arr.subarray(s * G * H + k * H, s * G * H + (k + 1) * H));
    };
    const Hr = t.h.length / t.steps;
    return {
      layer: l.name, direction: t.direction === 1 ? 'backward' : 'forward', gateOrder: spec.gateOrder.map((g) => g.label),
      steps: Array.from({ length: t.steps }, (_, s) => ({
        step: s, t: t.timeIndex[s],
        z: Object.fromEntries(spec.gateOrder.map((g) => [g.label, block(t.z, s, g.gate)])),
        gates: Object.fromEntries(spec.gateOrder.map((g) => [g.label, block(t.a, s, g.gate)])),
        ...(t.c ? { c: Array.from(t.c.subarray(s * H, (s + 1) * H)) } : {}),
        h: Array.from(t.h.subarray(s * Hr, (s + 1) * Hr)),
      })),
    };
  });
}

function layerSummary(layer: Layer, rec: RecognizedLayer | undefined) {
  if (layer.kind === 'dense') return { name: layer.name ?? 'dense', kind: 'dense', inputSize: layer.inputSize, units: layer.units, activation: layer.activation.name };
  return { name: rec?.name ?? layer.name, kind: 'recurrent', cell: layer.cell, convention: rec?.convention ?? layer.source, units: layer.units, inputSize: layer.inputSize, directions: layer.directions.length };
}

const fmt = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : v.toPrecision(8)).padStart(13);

function runCommand(io: Io, args: Parsed): number {
  const a = analyse(io, args.file!, args.values.get('--convention'), args.model);
  const inputPath = args.values.get('--input')!;
  const p = plan(a, args.values.get('--layer'), io);
  const first = p.model.layers[0];
  const input = toSequence(readNumbers(io, inputPath, 'input', 'x'), first.inputSize);
  const firstRecurrent = p.model.layers.find((l): l is RecurrentLayer => l.kind === 'recurrent');
  const states = firstRecurrent ? initialStates(io, firstRecurrent, args.values.get('--h0'), args.values.get('--c0')) : undefined;
  let result: ModelResult;
  try {
    result = runModel(p.model, input, { trace: args.flags.has('--trace'), ...(states ? { initialStates: states } : {}) });
  } catch (e) {
    if (e instanceof GateLensError) throw new CliError(e.code === 'incomplete-layer' ? EXIT.incomplete : EXIT.runError, e.message);
    throw e;
  }
  const out = result.output;
  for (let k = 0; k < out.data.length; k++) if (!Number.isFinite(out.data[k])) throw new CliError(EXIT.runError, `the run produced ${out.data[k]} at step ${Math.floor(k / out.features)}`);
  let lastRec = -1;
  p.model.layers.forEach((l, k) => { if (l.kind === 'recurrent') lastRec = k; });
  const lastLayer = p.model.layers[lastRec] as RecurrentLayer | undefined;
  const finals = lastRec >= 0 ? result.layers[lastRec].finalStates : [];
  const state = {
    h: finals.map((f) => Array.from(f.h)),
    ...(lastLayer?.cell === 'lstm' ? { c: finals.map((f) => Array.from(f.c ?? [])) } : {}),
  };
  const summaries = p.model.layers.map((l, k) => layerSummary(l, p.recognized[k]));
  const traces = args.flags.has('--trace')
    ? p.model.layers.flatMap((l, k) => (l.kind === 'recurrent' && p.recognized[k] ? traceJson(p.recognized[k]!, l, result.layers[k]) : []))
    : undefined;
  if (args.flags.has('--json')) {
    io.out(JSON.stringify({ file: a.file, input: basename(inputPath), outputs: rows(out.data, out.features), state, layers: summaries, ...(traces ? { trace: traces } : {}) }) + '\n');
    return EXIT.ok;
  }
  const lines: string[] = [`${a.file} on ${inputPath}: ${summaries.map((s) => `${s.name} (${s.kind === 'dense' ? `Dense ${s.inputSize}→${s.units}` : `${s.cell} ${s.convention}, ${s.units} units${s.directions === 2 ? ' ×2' : ''}`})`).join(' → ')}`];
  if (traces) {
    for (const tr of traces) {
      lines.push('', `${tr.layer} (${tr.direction}) — gates in ${tr.gateOrder.join(', ')} order; pre = pre-activation z, act = gate value`);
      const H = tr.steps[0]?.h.length ?? 0;
      for (const s of tr.steps) {
        lines.push(`  step ${s.step} (x_t, t=${s.t})`);
        for (const g of tr.gateOrder) lines.push(`    ${g.padEnd(2)} pre${(s.z[g] as number[]).map(fmt).join('')}   act${(s.gates[g] as number[]).map(fmt).join('')}`);
        if (s.c) lines.push(`    c state${s.c.map(fmt).join('')}`);
        lines.push(`    h state${s.h.map(fmt).join('')}`);
      }
      void H;
    }
  }
  lines.push('', `outputs (${out.steps} × ${out.features}):`);
  rows(out.data, out.features).forEach((r, t) => lines.push(`  t=${String(t).padEnd(4)}${r.map(fmt).join('')}`));
  lines.push('', 'final state of the last recurrent layer:');
  state.h.forEach((h, d) => lines.push(`  h${state.h.length === 2 ? (d ? ' (backward)' : ' (forward) ') : ''} ${h.map(fmt).join('')}`));
  (state.c ?? []).forEach((c, d) => lines.push(`  c${state.h.length === 2 ? (d ? ' (backward)' : ' (forward) ') : ''} ${c.map(fmt).join('')}`));
  io.out(lines.join('\n') + '\n');
  return EXIT.ok;
}

function inspectCommand(io: Io, args: Parsed): number {
  const a = analyse(io, args.file!, args.values.get('--convention'), args.model);
  if (args.flags.has('--json')) io.out(JSON.stringify(inspectJson(a)) + '\n');
  else io.out(inspectHuman(a));
  if (!a.recognition.layers.length) {
    io.err(`gate-lens: no recurrent layer recognised in ${a.file}\n`);
    return EXIT.noLayer;
  }
  return EXIT.ok;
}

export function main(argv: readonly string[], io: Io = nodeIo, model?: PreloadedModel): number {
  try {
    const args = parseArgs(argv);
    if (model && model.path === args.file) args.model = model;
    if (args.flags.has('--version') && !args.command) {
      io.out(`${version}\n`);
      return EXIT.ok;
    }
    if (!args.command) {
      if (args.flags.has('--help')) {
        io.out(HELP + '\n');
        return EXIT.ok;
      }
      io.err(`gate-lens: missing command\n\n${HELP}\n`);
      return EXIT.usage;
    }
    if (args.command === 'help') {
      io.out(HELP + '\n');
      return EXIT.ok;
    }
    if (args.command !== 'inspect' && args.command !== 'run') throw new CliError(EXIT.usage, `unknown command "${args.command}" (inspect or run)`);
    if (args.flags.has('--help')) {
      io.out((args.command === 'inspect' ? INSPECT_HELP : RUN_HELP) + '\n');
      return EXIT.ok;
    }
    if (!args.file) throw new CliError(EXIT.usage, `${args.command} needs a FILE`);
    if (args.command === 'inspect') {
      for (const v of ['--input', '--layer', '--h0', '--c0']) if (args.values.has(v)) throw new CliError(EXIT.usage, `${v} belongs to gate-lens run`);
      if (args.flags.has('--trace')) throw new CliError(EXIT.usage, '--trace belongs to gate-lens run');
      return inspectCommand(io, args);
    }
    if (!args.values.has('--input')) throw new CliError(EXIT.usage, 'run needs --input INPUT');
    return runCommand(io, args);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`gate-lens: ${e.message}\n${e.exitCode === EXIT.usage ? "Try 'gate-lens --help'.\n" : ''}`);
      return e.exitCode;
    }
    io.err(`gate-lens: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.runError;
  }
}
