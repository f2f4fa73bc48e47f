// The gate-lens command line: `inspect` says which layers a weights file holds and which columns are which gate;
// `run` runs the recognised stack on an input and prints the outputs, final state and optionally every step.
// Results go to stdout, messages to stderr; exit codes are part of the interface (see HELP).

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { extname, basename } from 'node:path';
import { adapter, CONVENTION_IDS, DOCUMENTED_NOTE, convention as conventionSpec, type ConventionId } from '../core/conventions';
import { runModel } from '../core/forward';
import { getKernels } from '../core/kernels';
import { GateLensError, type InitialState, type Layer, type Model, type ModelResult, type RecurrentLayer, type Sequence } from '../core/model';
import { DEFAULT_MAX_BYTES, extractArrays } from '../core/parse';
import type { ParseResult, SourceRange } from '../core/parse/types';
import { precisionMessage, rampInput, recognize, roundingEffect } from '../core/recognize';
import { LineIndex } from '../core/text/line-index';
import { NotebookError, NotebookLineIndex, notebookPositionOf, positionLabel, readNotebook } from '../core/text/notebook';
import { shapeText } from '../core/recognize/layers';
import type { Evidence, Recognition, RecognizedLayer } from '../core/recognize/types';
import { readNpy, NpyError } from './npy';
import { modelJson, type PreloadedModel } from './modelFile';
import { decodeText, DecodeError, type AsciiText } from './decode';
import { InputError, parseInputJson, parseStateJson, type NumberArray } from './input';
import { ChunkedWriter, cells, plural, writeRowsJson, writeTraceHuman, writeTraceJson, type TracedLayer } from './run-output';
import { version } from '../../package.json';
import { CONVERT_HELP, convertCommand } from './convert';

/** Default --max-size: the text reader's own limit (core/parse DEFAULT_MAX_BYTES), so both say the same. */
const DEFAULT_MAX_MB = DEFAULT_MAX_BYTES / (1024 * 1024);
const MB = 1024 * 1024;

export const EXIT = { ok: 0, usage: 1, unreadable: 2, noLayer: 3, runError: 4, incomplete: 5, refused: 6, unwritable: 7 } as const;

const CONVENTIONS: readonly ConventionId[] = CONVENTION_IDS;

export const HELP = `gate-lens ${version} — which columns of an LSTM/GRU/SimpleRNN weight matrix belong to which gate,
and the forward pass step by step, from weights pasted from Keras, PyTorch or ONNX.

Usage:
  gate-lens inspect FILE [--json] [--convention C] [--max-size MB]
  gate-lens run FILE --input INPUT [--json] [--layer NAME] [--convention C] [--trace] [--h0 FILE] [--c0 FILE] [--max-size MB]
  gate-lens convert FILE --to C --out PATH [--layer NAME] [--port] [--dtype float32|float64] [--convention C]
  gate-lens --help | --version
  gate-lens inspect --help | gate-lens run --help | gate-lens convert --help

Commands:
  inspect   Recognise the layers in FILE (.py, .txt, .json, ... with printed or literal arrays) and print, per layer,
            the cell, convention, units, input size, directions, gate ranges, the evidence and the doubts; the
            gate slices found in your own code, and the arrays that form no layer.
  run       Run the recognised stack (recurrent layers + Dense head) on INPUT and print the outputs and final state.
  convert   Write the recognised recurrent layers in another framework's layout: PATH's extension picks the format
            (.py/.txt np.array literals, .npz, .safetensors, .onnx model; --port: a Python script that proves it).

Conventions (C): ${CONVENTIONS.join(', ')}

Files: text in UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark. A file over the size limit
(--max-size MB, default ${DEFAULT_MAX_MB}) is refused from its size, before it is read.

Exit codes:
  0  ok
  1  usage error (unknown command or option, missing argument)
  2  FILE or an input/state file cannot be read or parsed (missing, over --max-size, not UTF-8/UTF-16 text,
     malformed input JSON)
  3  no layer recognised in FILE (or --layer names no layer)
  4  run error (input width does not match the layer, NaN/Inf in the weights or the input, ...)
  5  a layer is incomplete: an array it needs is in FILE but cannot be read (summarised '...', a token that is
     not a number, ragged rows) or only its shape is given; the message names each array, where it is and why
  6  convert refused: the target framework cannot compute this layer exactly (the message says why and which
     target can)
  7  convert could not write PATH

Results go to stdout, messages to stderr.`;

export const INSPECT_HELP = `Usage: gate-lens inspect FILE [--json] [--convention C] [--max-size MB]

Recognises the recurrent layers (and Dense heads) whose weights FILE holds.
  --json            print one JSON object: {file, layers, dense, models, unrelated, arrays, slices, diagnostics}
                    layers[k] = {name, cell, convention, units, inputSize, directions, gates: [{gate, label, name,
                    start, end}] (in the convention's own order), evidence, warnings, alternatives, ...}
                    unrelated[k] = {index, kind, reason}: an array that is part of no recurrent layer (kind
                    embedding, attention, normalization, convolution, linear or unmatched)
  --convention C    read the weights in convention C where their shapes allow (${CONVENTIONS.join(', ')})
  --max-size MB     refuse FILE when it is larger than this (default ${DEFAULT_MAX_MB}; also 500K, 2G)

A layer with an array that cannot be read is listed with "complete": false and "missing": [{array, reason, ...}].
Exit codes: 0 ok, 1 usage error, 2 FILE unreadable (or over --max-size), 3 no layer recognised.`;

export const RUN_HELP = `Usage: gate-lens run FILE --input INPUT [--json] [--layer NAME] [--convention C] [--trace] [--h0 FILE] [--c0 FILE] [--max-size MB]

Runs the recognised stack (recurrent layers, then a Dense head when there is one) on one input sequence.
  --input INPUT     JSON {"x": [[...], ...]} (T × features), optionally with the initial states
                    {"x": ..., "h0": ..., "c0": ...} ("initial_h"/"initial_c" too; same shapes as --h0/--c0), or a
                    bare array, or a .npy file (float32/float64/int32/int64, little-endian, C order; shape (T, D),
                    (1, T, D) or (T,) for one feature). Every row must have the same length and every value must be
                    a number: anything else is refused (exit 2) with where and why.
  --json            print {outputs (T × features of the last layer), state {h, c} of the last recurrent layer
                    (one row per direction), layers [...]} and, with --trace, every step per layer and direction
  --layer NAME      run only the layer NAME (as listed by inspect) instead of the whole stack
  --convention C    read the weights in convention C where their shapes allow (${CONVENTIONS.join(', ')})
  --trace           every step's z (pre-activations), gate activations, c and h, in the convention's gate order
  --h0 FILE         initial hidden state of the first recurrent layer (JSON array or {"h": ...}, or .npy):
                    (H,) or (directions, H)
  --c0 FILE         initial cell state (LSTM), same forms as --h0
  --max-size MB     refuse FILE or INPUT when it is larger than this (default ${DEFAULT_MAX_MB}; also 500K, 2G)

The recogniser's doubts about the layers that run (another convention fits too, an assumed default) are printed
on stderr; the results on stdout are the same either way.

Exit codes: 0 ok, 1 usage error, 2 FILE or INPUT unreadable (or over --max-size, or malformed), 3 no layer
recognised (or --layer not found), 4 run error (input width does not match, NaN/Inf weights or input, ...), 5 a layer is incomplete (an array it needs cannot
be read; nothing is run with a stand-in).`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Uint8Array;
  /** Writes the whole file (gate-lens convert). */
  writeFile?(path: string, bytes: Uint8Array): void;
  /** Size in bytes without reading the file (stat), so an oversized file is refused before it is read. */
  fileSize?(path: string): number;
  /** The text of an all-ASCII file without the UTF-8 decoder's pass (see decode.ts); undefined when not ASCII. */
  asciiText?: AsciiText;
}

export const nodeIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p),
  writeFile: (p, b) => writeFileSync(p, b),
  fileSize: (p) => statSync(p).size,
  asciiText: (bytes) => (isAscii(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : undefined),
};

export class CliError extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
  }
}

export interface Parsed {
  command?: string;
  file?: string;
  /** A model file, read by cli.ts before main (modelFile.ts). */
  model?: PreloadedModel;
  flags: Set<string>;
  values: Map<string, string>;
}

const BOOLEAN_FLAGS = new Set(['--json', '--trace', '--help', '-h', '--version', '-V', '--port']);
const VALUE_FLAGS = new Set(['--input', '--layer', '--convention', '--h0', '--c0', '--max-size', '--to', '--out', '--dtype']);


/** --max-size: megabytes by default; K, M, G suffixes (with or without B). */
export function parseMaxSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BYTES;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?)?\s*$/i.exec(value);
  if (!m || !(Number(m[1]) > 0)) throw new CliError(EXIT.usage, `--max-size takes a size in MB such as 200, 500K or 2G (got "${value}")`);
  const unit = (m[2] ?? 'm')[0].toLowerCase();
  return Math.floor(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'g' ? 1024 * MB : MB));
}

function sizeText(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KB` : `${bytes} bytes`;
}

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

/** Reads a file, refusing it from its size (stat) before a byte is read when it is over the limit. */
function readBytes(io: Io, path: string, what: string, maxBytes: number): Uint8Array {
  const fail = (e: unknown) => new CliError(EXIT.unreadable, `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  const tooLarge = (size: number) => new CliError(EXIT.unreadable,
    `${what} ${path} is ${sizeText(size)}, over the ${sizeText(maxBytes)} size limit, so it was not read; raise the limit with --max-size MB (e.g. --max-size ${Math.ceil(size / MB) + 1})`);
  if (io.fileSize) {
    let size: number;
    try {
      size = io.fileSize(path);
    } catch (e) {
      throw fail(e);
    }
    if (size > maxBytes) throw tooLarge(size);
  }
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(path);
  } catch (e) {
    throw fail(e);
  }
  if (bytes.length > maxBytes) throw tooLarge(bytes.length);
  return bytes;
}

function readText(io: Io, path: string, what: string, maxBytes: number): string {
  try {
    return decodeText(readBytes(io, path, what, maxBytes), io.asciiText).text;
  } catch (e) {
    if (e instanceof DecodeError) throw new CliError(EXIT.unreadable, `${what} ${path} ${e.message}`);
    throw e;
  }
}

function rangeJson(lines: LineIndex, r: SourceRange) {
  return { start: r.start, end: r.end, ...lines.position(r.start) };
}

export interface Analysis {
  readonly file: string;
  readonly text: string;
  readonly parse: ParseResult;
  readonly recognition: Recognition;
  /** Built once per file: every range printed is a lookup, never a rescan of the text. */
  readonly lines: LineIndex;
  readonly model?: PreloadedModel['analysis'];
}

export function analyse(io: Io, file: string, conventionFlag: string | undefined, maxBytes: number, model?: PreloadedModel): Analysis {
  if (model?.error !== undefined) throw new CliError(EXIT.unreadable, `cannot read file ${file}: ${model.error}`);
  if (model?.analysis) return { file, text: '', parse: model.analysis.parse, recognition: model.analysis.recognition, lines: new LineIndex(''), model: model.analysis };
  const raw = readText(io, file, 'file', maxBytes);
  // A notebook is read as one document: cells and their text outputs joined in order (core/text/notebook.ts).
  let notebook: ReturnType<typeof readNotebook> | undefined;
  if (/\.ipynb$/i.test(file)) {
    try {
      notebook = readNotebook(raw);
    } catch (e) {
      if (e instanceof NotebookError) throw new CliError(EXIT.unreadable, `cannot read ${file}: ${e.message}`);
      throw e;
    }
  }
  const text = notebook ? notebook.text : raw;
  let conventionOverride: ConventionId | undefined;
  if (conventionFlag !== undefined) {
    if (!CONVENTIONS.includes(conventionFlag as ConventionId)) throw new CliError(EXIT.usage, `--convention must be one of ${CONVENTIONS.join(', ')} (got "${conventionFlag}")`);
    conventionOverride = conventionFlag as ConventionId;
  }
  // The file name decides what `#` and quotes mean (.py: Python; .txt/.md/.log: plain text; .json: JSON).
  const parse = extractArrays(text, { ...(notebook ? { fileKind: 'python' as const } : { languageId: file }), maxBytes: Math.max(maxBytes, DEFAULT_MAX_BYTES) });
  const recognition = recognize(parse, text, { ...(conventionOverride ? { conventionOverride } : {}), ...(notebook ? { positionOf: notebookPositionOf(notebook) } : {}) });
  return { file, text, parse, recognition, lines: notebook ? new NotebookLineIndex(notebook) : new LineIndex(text) };
}

function layerJson(l: RecognizedLayer) {
  return {
    id: l.id, name: l.name, cell: l.cell, convention: l.convention, framework: conventionSpec(l.convention, l.cell).framework,
    // verified: checked against fixtures from the framework itself; documented: from its docs and source only.
    conventionStatus: adapter(l.convention).verification,
    ...(adapter(l.convention).verification === 'documented' ? { conventionNote: DOCUMENTED_NOTE } : {}),
    units: l.units, inputSize: l.inputSize, directions: l.directions, ...(l.projSize !== undefined ? { projSize: l.projSize } : {}),
    stackIndex: l.stackIndex,
    gates: l.gates.map((g) => ({ gate: g.gate, label: g.label, name: g.name, start: g.start, end: g.end })),
    ...(l.cell === 'gru' && l.layer.resetAfter !== undefined ? { resetAfter: l.layer.resetAfter } : {}),
    ...(l.layer.merge ? { merge: l.layer.merge } : {}),
    ...(l.layer.onnxLayout === 1 ? { layout: 1 } : {}),
    activations: l.layer.activations,
    evidence: l.evidence.map(evidenceJson), warnings: l.warnings.map(evidenceJson), alternatives: l.alternatives,
    arrays: l.arrays.map((a) => ({ index: a.arrayIndex, role: a.role, direction: a.direction })),
    ...(() => { const p = precisionJson(l); return p ? { precision: p } : {}; })(),
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
      `${l.cell === 'gru' && l.layer.resetAfter !== undefined ? ` · reset_after=${l.layer.resetAfter ? 'True' : 'False'}` : ''}${l.layer.merge ? ` · merge ${l.layer.merge}` : ''}` +
      `${l.layer.onnxLayout === 1 ? ' · layout=1 (batch-major X, Y, Y_h)' : ''}`);
    const acts = Array.isArray(l.layer.activations) ? l.layer.activations : [l.layer.activations];
    const actText = (x: (typeof acts)[number]) => (l.cell === 'simple_rnn' ? `activation ${x.candidate.name}` : `gate ${x.gate.name}, candidate ${x.candidate.name}${l.cell === 'lstm' ? `, output ${x.output.name}` : ''}`);
    lines.push(`  activations: ${acts.map((x, d) => (acts.length === 2 ? `${d ? 'backward' : 'forward'}: ` : '') + actText(x)).join('; ')}`);
    if (adapter(l.convention).verification === 'documented') lines.push(`  ${DOCUMENTED_NOTE}`);
    lines.push(spec.packedAxis === 'per_gate' ? `  gates (${spec.framework} order; one array per gate, or these ranges of a packed array):` : `  gates along the packed axis (${spec.framework} order):`);
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
    const precision = precisionJson(l);
    if (precision) lines.push(`  precision: ${precision.message}`);
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
      lines.push(`  ${positionLabel(lc)}  ${s.target ? `${s.target} = ` : ''}${s.text} → ${s.start}:${s.end} = ${gates}${s.mismatch ? '  ✗ MISMATCH' : ''}`);
      if (s.mismatch) lines.push(`      ${s.mismatch.message}`);
    }
  }
  lines.push(...unrelatedLines(a));
  const diags = [...parse.diagnostics, ...r.diagnostics];
  // A model file's reader notes and the tensors it could not read (external data, damaged datasets) have no text position.
  const fileDiags = a.model?.diagnostics ?? [];
  if (diags.length || fileDiags.length) {
    lines.push('', 'Diagnostics:');
    for (const d of fileDiags) lines.push(`  ${d.severity}  ${d.message}  [${d.code}]`);
    for (const d of diags) {
      const lc = a.lines.position(d.range.start);
      lines.push(`  ${positionLabel(lc)}  ${d.severity}  ${d.message}  [${d.code}]`);
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
    lines.push(`  ${positionLabel(lc)}  ${array.name ?? 'array'} ${shapeText(array.shape)}  ${u.reason}`);
  }
  if (unrelated.length > UNRELATED_LINES) lines.push(`  … and ${unrelated.length - UNRELATED_LINES} more (inspect --json lists every one)`);
  return lines;
}

// ---- run

function readNpyFile(io: Io, path: string, what: string, maxBytes: number): NumberArray {
  try {
    const a = readNpy(readBytes(io, path, what, maxBytes));
    return { shape: [...a.shape], data: a.data };
  } catch (e) {
    if (e instanceof NpyError) throw new CliError(EXIT.unreadable, `${what} ${path}: ${e.message}`);
    throw e;
  }
}

function readJson(io: Io, path: string, what: string, maxBytes: number): unknown {
  const text = readText(io, path, what, maxBytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(EXIT.unreadable, `${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function inputError<T>(path: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof InputError) throw new CliError(EXIT.unreadable, `${what} ${path} ${/^(is |has |gives |nests )/.test(e.message) ? '' : ': '}${e.message}`.replace(' : ', ': '));
    throw e;
  }
}

/** The --input file: x, and the initial states when the JSON gives them. */
function readInput(io: Io, path: string, maxBytes: number): { x: NumberArray; h0?: NumberArray; c0?: NumberArray } {
  if (extname(path).toLowerCase() === '.npy') return { x: readNpyFile(io, path, 'input', maxBytes) };
  const value = readJson(io, path, 'input', maxBytes);
  const parsed = inputError(path, 'input', () => parseInputJson(value));
  if (parsed.ignored.length) io.err(`gate-lens: input ${path}: ignored ${parsed.ignored.map((k) => `"${k}"`).join(', ')} (read: "x", "h0"/"initial_h", "c0"/"initial_c")\n`);
  return parsed;
}

function readState(io: Io, path: string, key: 'h' | 'c', maxBytes: number): NumberArray {
  const what = `--${key}0 file`;
  if (extname(path).toLowerCase() === '.npy') return readNpyFile(io, path, what, maxBytes);
  const value = readJson(io, path, what, maxBytes);
  return inputError(path, what, () => parseStateJson(value, key));
}

function toSequence(a: NumberArray, features: number): Sequence {
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

/** Initial states of the first recurrent layer from --h0/--c0 files or the input's h0/c0 (not both for one state). */
function initialStates(layer: RecurrentLayer, given: { h?: { array: NumberArray; from: string }; c?: { array: NumberArray; from: string } }): InitialState[] | undefined {
  if (!given.h && !given.c) return undefined;
  const D = layer.directions.length;
  const split = (key: 'h' | 'c', width: number): Float64Array[] | undefined => {
    const g = given[key];
    if (!g) return undefined;
    if (g.array.data.length !== D * width) {
      throw new CliError(EXIT.runError, `${g.from} holds ${g.array.data.length} values but ${layer.name ?? 'the first layer'} needs ${D === 2 ? `2 directions × ${width}` : width}`);
    }
    for (let k = 0; k < g.array.data.length; k++) {
      if (!Number.isFinite(g.array.data[k])) throw new CliError(EXIT.runError, `${g.from} value ${k} is ${g.array.data[k]}`);
    }
    return Array.from({ length: D }, (_, d) => g.array.data.slice(d * width, (d + 1) * width));
  };
  if (given.c && layer.cell !== 'lstm') throw new CliError(EXIT.usage, `${given.c.from} applies to an LSTM; ${layer.name ?? 'this layer'} is a ${layer.cell}`);
  const hs = split('h', layer.projSize ?? layer.units);
  const cs = split('c', layer.units);
  return Array.from({ length: D }, (_, d) => ({ ...(hs ? { h: hs[d] } : {}), ...(cs ? { c: cs[d] } : {}) }));
}

export interface RunPlan {
  readonly model: Model;
  /** The recognised layer of each recurrent model layer (undefined for Dense). */
  readonly recognized: readonly (RecognizedLayer | undefined)[];
}

export function plan(a: Analysis, layerName: string | undefined, io: Io): RunPlan {
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
  if (!m) throw noLayerError(a);
  const byId = new Map(r.layers.map((l) => [l.id, l]));
  if (r.models.length > 1) {
    io.err(`gate-lens: ${r.models.length} separate stacks found (${r.models.map((x) => x.name).join(', ')}); running the first — use --layer NAME for another layer\n`);
  }
  return { model: m.model, recognized: m.layerIds.map((id) => byId.get(id)) };
}

/**
 * Why nothing runs, in the terms the user must act on: NaN/Inf in the weights (exit 4, as for any non-finite run
 * input), else the arrays the reader could not read (summarised print, bad token), else the recogniser's reason.
 */
function noLayerError(a: Analysis): CliError {
  const { parse, recognition: r } = a;
  const at = (d: { range: SourceRange }) => positionLabel(a.lines.position(d.range.start));
  const nonFinite = parse.diagnostics.filter((d) => d.code === 'nan-values');
  if (nonFinite.length) {
    return new CliError(EXIT.runError, `nothing can run on ${a.file}: ${nonFinite.slice(0, 3).map((d) => `${at(d)} ${d.message}`).join('; ')}${nonFinite.length > 3 ? ` (and ${nonFinite.length - 3} more)` : ''}`);
  }
  const unreadable = parse.diagnostics.filter((d) => d.severity === 'error');
  const unreadTensors = a.model?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  const reason = unreadTensors.length
    ? `${plural(unreadTensors.length, 'tensor')} could not be read: ${unreadTensors.slice(0, 3).map((d) => d.message).join('; ')}${unreadTensors.length > 3 ? ` (and ${unreadTensors.length - 3} more)` : ''}`
    : unreadable.length
    ? `${plural(unreadable.length, 'array')} could not be read: ${unreadable.slice(0, 3).map((d) => `${at(d)} ${d.message}`).join('; ')}${unreadable.length > 3 ? ` (and ${unreadable.length - 3} more)` : ''}`
    : r.diagnostics.length ? r.diagnostics[0].message : 'no weight arrays were found';
  return new CliError(EXIT.noLayer, `no recurrent layer recognised in ${a.file}: ${reason}`);
}

/** The recogniser's doubts about the layers that run, as inspect states them ("also fits onnx", assumed defaults). */
function doubts(p: RunPlan): string {
  let text = '';
  for (const l of p.recognized) {
    if (!l) continue;
    for (const w of l.warnings) text += `gate-lens: note: ${l.name}: ${w.message}\n`;
    if (l.alternatives.length) text += `gate-lens: note: ${l.name} was read as ${l.convention}; the arrays also fit ${l.alternatives.join(', ')} (--convention C reads them that way)\n`;
  }
  return text;
}

/** Printed precision of a recognised layer with the size of its effect on the outputs (on `input`, else a ramp). */
function precisionJson(l: RecognizedLayer, input?: Sequence) {
  const p = l.printPrecision;
  if (!p || !l.complete) return undefined;
  const on = input && input.features === l.inputSize ? input : rampInput(l.inputSize);
  let effect: number | undefined;
  try {
    effect = roundingEffect(l.layer, on, p.roundingBound);
  } catch {
    effect = undefined;
  }
  return { ...p, ...(effect !== undefined ? { outputEffect: effect, effectOn: on === input ? 'input' : 'ramp' } : {}), message: precisionMessage(p, effect, on === input ? 'input' : 'ramp') };
}

function layerSummary(layer: Layer, rec: RecognizedLayer | undefined) {
  if (layer.kind === 'dense') return { name: layer.name ?? 'dense', kind: 'dense', inputSize: layer.inputSize, units: layer.units, activation: layer.activation.name };
  return { name: rec?.name ?? layer.name, kind: 'recurrent', cell: layer.cell, convention: rec?.convention ?? layer.source, units: layer.units, inputSize: layer.inputSize, directions: layer.directions.length };
}

function runCommand(io: Io, args: Parsed): number {
  const maxBytes = parseMaxSize(args.values.get('--max-size'));
  const a = analyse(io, args.file!, args.values.get('--convention'), maxBytes, args.model);
  const inputPath = args.values.get('--input')!;
  const p = plan(a, args.values.get('--layer'), io);
  const first = p.model.layers[0];
  const given = readInput(io, inputPath, maxBytes);
  const input = toSequence(given.x, first.inputSize);
  const firstRecurrent = p.model.layers.find((l): l is RecurrentLayer => l.kind === 'recurrent');
  const state = (key: 'h' | 'c'): { array: NumberArray; from: string } | undefined => {
    const flag = args.values.get(`--${key}0`);
    const fromInput = given[`${key}0`];
    if (flag !== undefined && fromInput) throw new CliError(EXIT.usage, `the initial ${key} is given twice: by --${key}0 and by the input file ${inputPath}`);
    if (flag !== undefined) return { array: readState(io, flag, key, maxBytes), from: `--${key}0` };
    return fromInput ? { array: fromInput, from: `the input's ${key}0` } : undefined;
  };
  const h = state('h');
  const c = state('c');
  const states = firstRecurrent ? initialStates(firstRecurrent, { ...(h ? { h } : {}), ...(c ? { c } : {}) }) : undefined;
  io.err(doubts(p));
  // Precision honesty: rounded prints move the outputs; say by how much on this very input.
  const precision = p.recognized.flatMap((l, k) => {
    const j = l && k === 0 ? precisionJson(l, input) : l ? precisionJson(l) : undefined;
    return l && j ? [{ layer: l.name, ...j }] : [];
  });
  for (const x of precision) io.err(`gate-lens: note: ${x.layer}: ${x.message}\n`);
  const trace = args.flags.has('--trace');
  let result: ModelResult;
  try {
    result = runModel(p.model, input, { trace, ...(states ? { initialStates: states } : {}) });
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
  const summaries = p.model.layers.map((l, k) => layerSummary(l, p.recognized[k]));
  const traced: TracedLayer[] = trace
    ? p.model.layers.flatMap((l, k) => (l.kind === 'recurrent' && p.recognized[k] ? [{ recognized: p.recognized[k]!, layer: l, traces: result.layers[k].trace ?? [] }] : []))
    : [];
  // Written as produced, in chunks: a long trace is never one string.
  const w = new ChunkedWriter((t) => io.out(t));
  if (args.flags.has('--json')) {
    w.write(`{"file":${JSON.stringify(a.file)},"input":${JSON.stringify(basename(inputPath))},"outputs":`);
    writeRowsJson(w, out.data, out.features);
    w.write(`,"state":{"h":${JSON.stringify(finals.map((f) => Array.from(f.h)))}${lastLayer?.cell === 'lstm' ? `,"c":${JSON.stringify(finals.map((f) => Array.from(f.c ?? [])))}` : ''}}`);
    w.write(`,"layers":${JSON.stringify(summaries)}`);
    if (precision.length) w.write(`,"precision":${JSON.stringify(precision)}`);
    if (trace) {
      w.write(',"trace":');
      writeTraceJson(w, traced);
    }
    w.write('}\n');
    w.flush();
    return EXIT.ok;
  }
  w.write(`${a.file} on ${inputPath}: ${summaries.map((s) => `${s.name} (${s.kind === 'dense' ? `Dense ${s.inputSize}→${s.units}` : `${s.cell} ${s.convention}, ${plural(s.units, 'unit')}${s.directions === 2 ? ' ×2' : ''}`})`).join(' → ')}\n`);
  if (trace) writeTraceHuman(w, traced);
  w.write(`\noutputs (${plural(out.steps, 'step')} × ${plural(out.features, 'feature')}):\n`);
  for (let t = 0; t < out.steps; t++) w.write(`  t=${String(t).padEnd(4)}${cells(out.data, t * out.features, (t + 1) * out.features)}\n`);
  w.write('\nfinal state of the last recurrent layer:\n');
  const side = (d: number) => (finals.length === 2 ? (d ? ' (backward)' : ' (forward) ') : '');
  finals.forEach((f, d) => w.write(`  h${side(d)}${cells(f.h)}\n`));
  if (lastLayer?.cell === 'lstm') finals.forEach((f, d) => w.write(`  c${side(d)}${cells(f.c ?? [])}\n`));
  w.flush();
  return EXIT.ok;
}

function inspectCommand(io: Io, args: Parsed): number {
  const a = analyse(io, args.file!, args.values.get('--convention'), parseMaxSize(args.values.get('--max-size')), args.model);
  if (args.flags.has('--json')) io.out(JSON.stringify(inspectJson(a)) + '\n');
  else io.out(inspectHuman(a));
  if (!a.recognition.layers.length) {
    io.err(`gate-lens: ${noLayerError(a).message}\n`);
    return EXIT.noLayer;
  }
  return EXIT.ok;
}

export function main(argv: readonly string[], io: Io = nodeIo, model?: PreloadedModel): number {
  try {
    const args = parseArgs(argv);
    if (model && model.path === args.file) args.model = model;
    if (args.flags.has('--version') && !args.command) {
      // The kernels say which host's numbers a run gives: plain SIMD and FMA differ by about one ulp (README, Limits).
      io.out(`${version}\nkernels: ${getKernels().name} (Node ${process.version})\n`);
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
    if (args.command !== 'inspect' && args.command !== 'run' && args.command !== 'convert') throw new CliError(EXIT.usage, `unknown command "${args.command}" (inspect, run or convert)`);
    if (args.flags.has('--help')) {
      io.out((args.command === 'inspect' ? INSPECT_HELP : args.command === 'run' ? RUN_HELP : CONVERT_HELP) + '\n');
      return EXIT.ok;
    }
    if (!args.file) throw new CliError(EXIT.usage, `${args.command} needs a FILE`);
    if (args.command === 'convert') return convertCommand(io, args);
    for (const v of ['--to', '--out', '--dtype']) if (args.values.has(v)) throw new CliError(EXIT.usage, `${v} belongs to gate-lens convert`);
    if (args.flags.has('--port')) throw new CliError(EXIT.usage, '--port belongs to gate-lens convert');
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
