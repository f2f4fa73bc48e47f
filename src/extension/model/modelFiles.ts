// One read of each model file the editor has open: reader → recognition in the worker (off the extension host's
// thread, cancellable), the bytes served from the host (hostFile.ts). The result is kept while an editor shows the
// file, so the layer table, Step Through and Open as Text share one read.

import * as vscode from 'vscode';
import type { ConventionId } from '../../core/conventions';
import { CancelledError, WorkerError, type WorkerClient } from '../workerClient';
import { WORKER_ERRORS, type Analysis, type SourceId } from '../../worker/protocol';
import { previewOf, readModel, type FileAccess } from '../../worker/modelRead';
import type { ModelPreview, ModelReadResult } from '../../worker/modelProtocol';
import type { AnalysisSource } from '../sources';
import type { WorkerSource } from '../analyzer';
import * as settings from '../settings';
import { sidePathSegments } from '../../core/readers/sidePath';
import { openHostFile, type HostFile } from './hostFile';

export interface ModelRead {
  readonly result: ModelReadResult;
  /** True when only byte ranges were read; false when the host had to read the whole file. */
  readonly ranged: boolean;
  /** Bytes the readers asked for (every range, summed), to show how little of a large file was read. */
  readonly bytesRead: number;
  /** What the worker keeps the analysis under, when the read ran there (runs then name it instead of the layer). */
  readonly workerId?: SourceId;
  /** Byte ranges the readers asked for, the time the host spent reading them, and when (Date.now()) the worker answered. */
  readonly ranges?: { readonly count: number; readonly hostMs: number; readonly answeredAt: number };
}

/** What the layer table needs of a read (no values), with how the bytes were read. */
export interface ModelPreviewRead {
  readonly preview: ModelPreview;
  readonly ranged: boolean;
  readonly bytesRead: number;
}

export function previewRead(read: ModelRead): ModelPreviewRead {
  return { preview: previewOf(read.result), ranged: read.ranged, bytesRead: read.bytesRead };
}

interface Entry {
  readonly promise: Promise<ModelRead>;
  /** Settles with the worker's preview, ahead of `promise` (or with the full read where no preview came first). */
  readonly preview: Promise<ModelPreviewRead>;
  readonly cancel: vscode.CancellationTokenSource;
  value?: ModelRead;
  version: number;
}

export function fileNameOf(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export class ModelFiles implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private versions = 0;
  /** Reads that went to the worker (the tests check the worker path ran). */
  readsInWorker = 0;
  /** The convention the user chose per layer id, per file (kept while the window lives, across reopenings). */
  private readonly chosen = new Map<string, Record<string, ConventionId>>();

  constructor(
    private readonly worker: WorkerClient | undefined,
    private readonly logger: vscode.LogOutputChannel | undefined,
  ) {}

  /** The finished read of `uri`, if any. */
  peek(uri: vscode.Uri): ModelRead | undefined {
    return this.entries.get(uri.toString())?.value;
  }

  /** Reads `uri` once (later callers share the read); `token` cancels it (the worker is stopped). */
  read(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<ModelRead> {
    const key = uri.toString();
    const existing = this.entries.get(key);
    if (existing) return existing.promise;
    const cancel = new vscode.CancellationTokenSource();
    token?.onCancellationRequested(() => cancel.cancel());
    let showPreview!: (preview: ModelPreviewRead) => void;
    let failPreview!: (error: unknown) => void;
    const preview = new Promise<ModelPreviewRead>((resolve, reject) => { showPreview = resolve; failPreview = reject; });
    // Whoever waits for the read hears of its failure there; nobody need wait for the preview.
    preview.catch(() => undefined);
    const entry: Entry = { cancel, version: ++this.versions, promise: Promise.resolve(undefined as unknown as ModelRead), preview };
    const id: SourceId = { uri: key, revision: `model:${entry.version}` };
    (entry as { promise: Promise<ModelRead> }).promise = this.readNow(uri, id, cancel.token, showPreview).then(
      (value) => {
        entry.value = value;
        showPreview(previewRead(value));
        return value;
      },
      (error: unknown) => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        failPreview(error);
        throw error;
      },
    );
    this.entries.set(key, entry);
    return entry.promise;
  }

  /** The read's preview (the layer table without values): starts the read if none is under way, settles before it. */
  preview(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<ModelPreviewRead> {
    // A failed read fails the preview too (failPreview), which the caller awaits; nothing to log twice here.
    void this.read(uri, token).catch(() => undefined);
    return this.entries.get(uri.toString())?.preview ?? this.read(uri, token).then(previewRead);
  }

  /** Drops the read (the last editor on the file closed, or the file changed): the next open reads afresh. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.entries.get(key)?.cancel.cancel();
    this.entries.delete(key);
    this.worker?.forget(key);
  }

  /** The user's convention per layer id for this file. */
  layerConventions(uri: vscode.Uri): Readonly<Record<string, ConventionId>> {
    return this.chosen.get(uri.toString()) ?? {};
  }

  /** Reads the layer `layerId` as `convention` (undefined: as recognised) from now on, and reads the file again. */
  chooseConvention(uri: vscode.Uri, layerId: string, convention: ConventionId | undefined): Promise<ModelRead> {
    const key = uri.toString();
    const next = { ...this.chosen.get(key) };
    if (convention) next[layerId] = convention;
    else delete next[layerId];
    if (Object.keys(next).length) this.chosen.set(key, next);
    else this.chosen.delete(key);
    this.forget(uri);
    return this.read(uri);
  }

  source(uri: vscode.Uri): AnalysisSource {
    const entry = this.entries.get(uri.toString());
    return {
      kind: 'model', uri, version: entry?.version ?? 0,
      analysis: async () => {
        try {
          return (await this.read(uri)).result.analysis;
        } catch (error) {
          if (error instanceof CancelledError) return undefined;
          throw error;
        }
      },
      workerSource: (analysis) => this.workerSource(uri, analysis),
    };
  }

  /** The worker's handle on this read; `load` reads the file into a fresh worker again (after a restart). */
  private workerSource(uri: vscode.Uri, analysis: Analysis): WorkerSource | undefined {
    const read = this.peek(uri);
    const id = read?.workerId;
    if (!this.worker || !read || !id || read.result.analysis !== analysis) return undefined;
    return { id, load: (token) => this.readNow(uri, id, token ?? new vscode.CancellationTokenSource().token) };
  }

  private async readNow(uri: vscode.Uri, id: SourceId, token: vscode.CancellationToken, onPreview?: (preview: ModelPreviewRead) => void): Promise<ModelRead> {
    const main = await openHostFile(uri, settings.maxWholeModelFileBytes(uri));
    const siblings = new Map<string, Promise<HostFile>>();
    const parent = vscode.Uri.joinPath(uri, '..');
    let bytesRead = 0;
    let rangeCount = 0;
    let hostMs = 0;
    const fileFor = (name: string | undefined): Promise<HostFile> => {
      if (name === undefined) return Promise.resolve(main);
      // A file the model names beside itself (shards, ONNX external data): below its folder only. The worker's
      // readers check the name too; the host does not rely on them.
      const segments = sidePathSegments(name, `${fileNameOf(uri)}'s side file`);
      const key = segments.join('/');
      let sibling = siblings.get(key);
      if (!sibling) {
        sibling = openHostFile(vscode.Uri.joinPath(parent, ...segments), settings.maxWholeModelFileBytes(uri));
        siblings.set(key, sibling);
      }
      return sibling;
    };
    const access: FileAccess = async (request) => {
      if (token.isCancellationRequested) throw new CancelledError();
      const file = await fileFor(request.file);
      if (request.op === 'size') return { size: file.size };
      const started = Date.now();
      const bytes = await file.read(request.offset, request.length);
      hostMs += Date.now() - started;
      rangeCount++;
      bytesRead += bytes.length;
      return { bytes };
    };
    const onNote = (message: string) => this.logger?.info(`${fileNameOf(uri)}: note from the HDF5 reader: ${message}`);
    const request = { name: fileNameOf(uri), size: main.size, canOpenSiblings: uri.scheme !== 'untitled', options: { defaultConvention: settings.defaultConvention(uri), kerasVersion: settings.kerasVersion(uri), layerConventions: this.layerConventions(uri) } };
    try {
      let result: ModelReadResult | undefined;
      let workerId: SourceId | undefined;
      if (this.worker) {
        try {
          const preview = (p: ModelPreview) => onPreview?.({ preview: p, ranged: main.ranged, bytesRead: main.ranged ? bytesRead : main.size });
          result = await this.worker.readModel({ ...request, source: id }, access, onNote, token, preview);
          workerId = id;
          this.readsInWorker++;
        } catch (error) {
          // A host without workers still reads the file, on this thread.
          if (!(error instanceof WorkerError && error.code === WORKER_ERRORS.unavailable)) throw error;
        }
      }
      result ??= await readModel(request.name, request.size, request.canOpenSiblings, request.options, access, onNote);
      // A host without ranged reads has read the whole file, whatever the readers asked for.
      const ranges = { count: rangeCount, hostMs, answeredAt: Date.now() };
      return { result, ranged: main.ranged, bytesRead: main.ranged ? bytesRead : main.size, ...(workerId ? { workerId } : {}), ranges };
    } finally {
      const closeFailed = (error: unknown) => this.logger?.warn(`${fileNameOf(uri)}: closing the file failed:`, error instanceof Error ? error.message : String(error));
      await main.close().catch(closeFailed);
      // A sibling that never opened has nothing to close; its open error was reported where it was read.
      for (const s of siblings.values()) void s.then((f) => f.close().catch(closeFailed), () => undefined);
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.cancel.cancel();
    this.entries.clear();
  }
}
