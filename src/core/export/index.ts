// `convert`: one stack of recurrent layers → a file in the target framework's own form. The output path's
// extension picks the format; the result is bytes (or text) plus what the user must know. Pure: the CLI and the
// extension write the result.

import type { RecurrentLayer } from '../model';
import { GateLensError } from '../model';
import { encodeNpz, encodeSafetensors } from './binary';
import { encodeOnnxModel } from './onnx';
import { float32RoundingError, neededDtype, planConversion, type ConversionPlan, type ConvertTarget, type ExportDtype } from './plan';
import { encodePortScript } from './port';
import { encodePythonArrays } from './python';

export * from './plan';
export { encodeNpy, encodeNpz, encodeSafetensors } from './binary';
export { encodeOnnxModel } from './onnx';
export { encodePortScript } from './port';
export { encodePythonArrays, pyNumber } from './python';

export const EXPORT_FORMATS = ['py', 'txt', 'npz', 'safetensors', 'onnx', 'port'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The format an output path asks for: its extension, or the port script when `port` is set (a .py path). */
export function formatForPath(path: string, port: boolean): ExportFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (port) {
    if (ext !== 'py') throw new GateLensError('bad-format', `--port writes a Python script: give an output path ending in .py (got ${path})`);
    return 'port';
  }
  if (ext === 'py' || ext === 'txt' || ext === 'npz' || ext === 'safetensors' || ext === 'onnx') return ext;
  throw new GateLensError('bad-format', `the output extension picks the format: .py or .txt (np.array literals), .npz, .safetensors, .onnx (a runnable model), or .py with --port; got ${path}`);
}

export interface ExportOptions {
  /** Forces the stored precision; by default float64 unless every value is a float32 exactly (.onnx: float32). */
  readonly dtype?: ExportDtype;
  /** For the text headers: the tool name and version, and where the weights came from. */
  readonly tool: string;
  readonly from: string;
}

export interface ExportResult {
  readonly plan: ConversionPlan;
  readonly format: ExportFormat;
  readonly dtype: ExportDtype;
  readonly bytes: Uint8Array;
  /** Set for the text formats (py, txt, port): the same content as `bytes`. */
  readonly text?: string;
  readonly notes: readonly string[];
}

/** Converts the stack and encodes it; throws ConversionRefused (with the alternative) when it cannot be exact. */
export function exportLayers(layers: readonly RecurrentLayer[], target: ConvertTarget, format: ExportFormat, options: ExportOptions): ExportResult {
  if (format === 'onnx' && target !== 'onnx') {
    throw new GateLensError('bad-format', `an .onnx file holds the onnx convention; use --to onnx for a .onnx output (or another extension for ${target})`);
  }
  const plan = planConversion(layers, target, { customResetBeforeGru: format === 'port' });
  const notes = [...plan.notes];
  const needed = neededDtype(plan);
  let dtype: ExportDtype = options.dtype ?? needed;
  if (format === 'onnx' && options.dtype === undefined) dtype = 'float32';
  if (format === 'port') dtype = 'float64';
  if (dtype === 'float32' && needed === 'float64') {
    notes.push(`Written as float32${format === 'onnx' && options.dtype === undefined ? ' (ONNX Runtime runs LSTM/GRU/RNN in float only)' : ''}: the weights were rounded, by at most ${float32RoundingError(plan).toPrecision(3)}.`);
  }
  if (format === 'onnx' && dtype === 'float64') notes.push('A float64 ONNX model is valid ONNX (onnx.reference runs it) but ONNX Runtime 1.30 has no double LSTM/GRU/RNN kernel.');
  const encoder = new TextEncoder();
  const textResult = (text: string): ExportResult => ({ plan, format, dtype, bytes: encoder.encode(text), text, notes });
  switch (format) {
    case 'py':
    case 'txt':
      return textResult(encodePythonArrays(plan, dtype, options));
    case 'port':
      return textResult(encodePortScript(plan, layers, options));
    case 'npz':
      return { plan, format, dtype, bytes: encodeNpz(plan.arrays, dtype), notes };
    case 'safetensors':
      return { plan, format, dtype, bytes: encodeSafetensors(plan.arrays, dtype, target === 'pytorch' ? { format: 'pt' } : undefined), notes };
    case 'onnx':
      return { plan, format, dtype, bytes: encodeOnnxModel(plan, dtype, options.tool), notes };
  }
}
