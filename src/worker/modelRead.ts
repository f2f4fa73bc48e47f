// Reads a model file through whatever gives access to its bytes (the host, over the worker channel; memory in the
// tests) and analyses it: reader registry → recognition with the file's own layer config. Pure: no vscode, no fs.

import type { ConventionId } from '../core/conventions';
import { analyseModelFile } from '../core/readers/analyse';
import { readModelFile } from '../core/readers/registry';
import type { ByteSource, ModelFile } from '../core/tensor/types';
import type { FileAccessReply, FileAccessRequest, ModelLayerConfigSummary, ModelPreview, ModelReadResult, ModelSummary } from './modelProtocol';
import type { AnalyzeOptions } from './protocol';

export type FileAccess = (request: FileAccessRequest) => Promise<FileAccessReply>;

function accessSource(access: FileAccess, size: number, file?: string): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const reply = await access({ op: 'read', file, offset, length });
      if (!reply.bytes || reply.bytes.length !== length) throw new Error(`the host returned ${reply.bytes?.length ?? 0} of ${length} bytes at offset ${offset}`);
      return reply.bytes;
    },
  };
}

/** Config values as JSON can carry them (the webview gets them through postMessage): bigint, typed arrays, depth. */
export function plainValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (depth > 8) return '…';
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>).slice(0, 64);
  if (Array.isArray(value)) return value.slice(0, 256).map((v) => plainValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 256)) out[k] = plainValue(v, depth + 1);
    return out;
  }
  return String(value);
}

function layerConfigs(file: ModelFile): ModelLayerConfigSummary[] {
  return file.layers.map((l) => ({ name: l.name, layerClass: l.layerClass, framework: l.framework, config: plainValue(l.config) as Record<string, unknown>, tensorNames: [...l.tensorNames] }));
}

/**
 * Console output of the reader libraries while `work` runs goes to `onNote` (jsfive prints notes on HDF5 attributes
 * it cannot decode with console.log). One read at a time runs in a worker; on the host's own thread the window is
 * the read itself.
 */
async function withConsoleNotes<T>(onNote: (message: string) => void, work: () => Promise<T>): Promise<T> {
  const log = console.log;
  const warn = console.warn;
  console.log = console.warn = (...args: unknown[]) => onNote(args.map(String).join(' '));
  try {
    return await work();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** The read without its values (see ModelPreview). */
export function previewOf(result: ModelReadResult): ModelPreview {
  const { parse, recognition } = result.analysis;
  return {
    summary: result.summary,
    layers: recognition.layers.map(({ layer: _weights, range: _range, ...rest }) => rest),
    dense: recognition.dense.map((d) => ({ name: d.name, arrays: d.arrays, inputSize: d.layer.inputSize, units: d.layer.units })),
    diagnostics: recognition.diagnostics.map(({ range: _range, ...rest }) => rest),
    arrays: parse.arrays.map((a) => ({ ...(a.name !== undefined ? { name: a.name } : {}), shape: a.shape })),
  };
}

/** `onPreview` gets the read's preview as soon as recognition ends, before the result is returned. */
export async function readModel(name: string, size: number, canOpenSiblings: boolean, options: AnalyzeOptions, access: FileAccess, onNote: (message: string) => void, onPreview?: (preview: ModelPreview) => void): Promise<ModelReadResult> {
  return withConsoleNotes(onNote, async () => {
    const startedAt = Date.now();
    const context = canOpenSiblings
      ? {
          openSibling: async (sibling: string) => {
            const reply = await access({ op: 'size', file: sibling });
            return accessSource(access, reply.size ?? 0, sibling);
          },
        }
      : {};
    const file = await readModelFile(accessSource(access, size), name, undefined, context);
    const readAt = Date.now();
    const conventionOverride: ConventionId | undefined = options.conventionOverride;
    const analysis = await analyseModelFile(file, {
      ...(conventionOverride ? { conventionOverride } : {}), ...(options.layerConventions ? { layerConventions: options.layerConventions } : {}),
      ...(options.defaultConvention ? { defaultConvention: options.defaultConvention } : {}), ...(options.kerasVersion ? { kerasVersion: options.kerasVersion } : {}),
    });
    const summary: ModelSummary = {
      format: file.format,
      name,
      size,
      tensors: analysis.tensors.map((t) => ({
        ...(t.tensor.name !== undefined ? { name: t.tensor.name } : {}),
        shape: [...t.tensor.shape], dtype: t.tensor.dtype, origin: { ...t.tensor.origin },
        ...(t.arrayIndex !== undefined ? { arrayIndex: t.arrayIndex } : {}),
        ...(t.skipped ? { skipped: t.skipped } : {}),
      })),
      layerConfigs: layerConfigs(file),
      diagnostics: analysis.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message })),
    };
    const result: ModelReadResult = { summary, analysis: { parse: analysis.parse, recognition: analysis.recognition }, timings: { startedAt, readAt, analysedAt: Date.now() } };
    onPreview?.(previewOf(result));
    return result;
  });
}
