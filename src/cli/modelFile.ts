// Model files (.npz, .safetensors, .pt/.pth/.bin, .onnx, .keras, .h5, ...) for `gate-lens inspect`, `run`, `convert`. The
// readers are asynchronous (they read byte ranges), the command line is not: cli.ts awaits preloadModelFile() first,
// and main() takes the finished analysis instead of reading the file as text. The file is chosen by magic bytes
// (the registry), so a text file never comes here.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isConventionId } from '../core/conventions';
import { analyseModelFile, type ModelAnalysis } from '../core/readers/analyse';
import { findReader, HEAD_BYTES, readModelFile } from '../core/readers/registry';
import { sidePathSegments } from '../core/readers/sidePath';
import { checkRange, memorySource } from '../core/tensor/bytes';
import { ModelFileError, type ByteSource } from '../core/tensor/types';
import type { Io } from './main';

export interface PreloadedModel {
  readonly path: string;
  readonly analysis?: ModelAnalysis;
  /** Why the file could not be read (ModelFileError message), for main() to report with exit code 2. */
  readonly error?: string;
}

/** Random access through a file descriptor: only the byte ranges a reader asks for are read. */
export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  process.once('exit', () => { try { closeSync(fd); } catch { /* already closed */ } });
  return {
    size,
    read: (offset, length) => {
      checkRange(size, offset, length, 'read');
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n <= 0) return Promise.reject(new ModelFileError('truncated', `${path} ended at byte ${offset + done} while reading`));
        done += n;
      }
      return Promise.resolve(out);
    },
  };
}

function sourceFor(io: Io, path: string, lazy: boolean): ByteSource {
  return lazy ? fileSource(path) : memorySource(io.readFile(path));
}

/**
 * When argv asks to inspect or run a model file, reads and analyses it; undefined for text files (main reads those),
 * for usage errors (main reports them) and for files that cannot be opened at all (main says so).
 */
export async function preloadModelFile(command: string | undefined, path: string | undefined, convention: string | undefined, io: Io, lazy: boolean): Promise<PreloadedModel | undefined> {
  if ((command !== 'inspect' && command !== 'run' && command !== 'convert') || !path) return undefined;
  let source: ByteSource;
  try {
    source = sourceFor(io, path, lazy);
  } catch {
    return undefined;
  }
  // jsfive reports HDF5 features it skips with console.log; on stdout that would break `inspect --json`.
  const log = console.log;
  const warn = console.warn;
  console.log = console.warn = (...args: unknown[]) => io.err(`gate-lens: note from the HDF5 reader: ${args.map(String).join(' ')}\n`);
  try {
    const head = await source.read(0, Math.min(HEAD_BYTES, source.size));
    if (!findReader(basename(path), head)) return undefined;
    // Files the model names beside itself: below its own folder only (checked in the readers, and here again).
    const openSibling = (n: string) => Promise.resolve().then(() => sourceFor(io, join(dirname(path), ...sidePathSegments(n, `${basename(path)}'s side file`)), lazy));
    const file = await readModelFile(source, basename(path), undefined, { openSibling });
    const analysis = await analyseModelFile(file, isConventionId(convention) ? { conventionOverride: convention } : {});
    return { path, analysis };
  } catch (e) {
    if (e instanceof ModelFileError) return { path, error: e.message };
    return { path, error: `the file could not be read: ${(e as Error).message}` };
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** The model-file part of `inspect --json`: every tensor (read for recognition or not, and why not), the reader's notes. */
export function modelJson(a: ModelAnalysis) {
  return {
    format: a.file.format,
    tensors: a.tensors.map((t) => ({
      name: t.tensor.name ?? null, shape: t.tensor.shape, dtype: t.tensor.dtype, origin: t.tensor.origin,
      array: t.arrayIndex ?? null, ...(t.skipped ? { skipped: t.skipped } : {}),
    })),
    layerConfigs: a.file.layers.map((l) => ({ name: l.name, class: l.layerClass, framework: l.framework, config: l.config })),
    diagnostics: a.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message })),
  };
}
