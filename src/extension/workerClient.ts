// The host's handle on the parse/run worker: started lazily on the first job, one job in flight at a time (the
// worker is single-threaded anyway, and a queued job can then be cancelled without the worker ever seeing it),
// requests and answers over the shared typed channel (src/protocol/channel.ts).
// Cancelling a run asks the worker to stop between chunks, keeping what it holds; a job that does not stop within
// CANCEL_GRACE_MS (a parse cannot be interrupted) is ended by terminating the worker — a fresh one starts for the
// next job, and runs re-send their source when the new worker answers 'source-missing'.

import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { MessageArg } from '../core/messages';
import { CHANNEL_ERRORS, ChannelError, RequestClient, serveRequests } from '../protocol/channel';
import type { FileAccess } from '../worker/modelRead';
import type { HostFileMethods, ModelPreview, ModelReadResult, ModelWorkerMethods } from '../worker/modelProtocol';
import { WORKER_ERRORS, type Analysis, type AnalyzeOptions, type SourceId, type SourceRun, type WorkerErrorCode, type WorkerMethods } from '../worker/protocol';
import type { LayerResult } from '../core/model';

export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A job the worker could not do, with the code to act on (see WORKER_ERRORS); the message is for people. */
export class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    /** The message's template and arguments when the core gave them (core/messages.ts), for translation. */
    readonly template?: string,
    readonly args?: readonly MessageArg[],
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

type AllWorkerMethods = WorkerMethods & ModelWorkerMethods;

/** How long a cancelled job may take to stop on its own before the worker is terminated. */
export const CANCEL_GRACE_MS = 150;

interface Job {
  readonly start: (client: RequestClient<AllWorkerMethods>, token: vscode.CancellationToken) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly cancel: vscode.CancellationTokenSource;
  /** Whether the worker can stop this job between chunks; otherwise a cancel terminates the worker at once. */
  readonly cooperative: boolean;
}

export class WorkerClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private client: RequestClient<AllWorkerMethods> | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  /** A cancelled job the worker has not finished yet: the next job waits for it (or for the grace timer). */
  private draining: Promise<unknown> | undefined;
  /** Jobs the worker answered, for the tests: proves the worker path ran. */
  jobsCompleted = 0;
  /** Workers started, for the tests: a cancelled run must not cost the worker (and what it holds). */
  workersStarted = 0;

  constructor(private readonly scriptUri: vscode.Uri) {}

  /** Parses and recognises `text` in the worker, which keeps the result under `source` for later runs. */
  analyze(source: SourceId, text: string, options: AnalyzeOptions, token?: vscode.CancellationToken): Promise<Analysis> {
    // The string itself, cloned: the worker gets the document's code units as they are (offsets agree, a lone
    // surrogate included). Encoding to UTF-8 to move the bytes cost as much here (the encoder's output is as new as
    // the clone's buffer) and added a decode in the worker: the answer on a 22 MB paste now comes ~16 % sooner.
    return this.submit((client, t) => client.request('analyze', { source, text, options }, { token: t }), false, token) as Promise<Analysis>;
  }

  /** Runs a layer of a source the worker holds (see analyze); fails with 'source-missing' when it holds no such revision. */
  run(job: SourceRun, token?: vscode.CancellationToken, onProgress?: (fraction: number) => void): Promise<LayerResult> {
    return this.submit((client, t) => client.request('run', job, { token: t, onProgress }), true, token) as Promise<LayerResult>;
  }

  /**
   * Reads a model file in the worker, which keeps the analysis under `source` for later runs; the worker asks
   * `access` for every byte range it needs, its reader libraries' notes go to `onNote`, and the read's preview (the
   * layer table without values) to `onPreview` before the answer.
   */
  readModel(params: ModelWorkerMethods['readModel']['params'], access: FileAccess, onNote: (message: string) => void, token?: vscode.CancellationToken, onPreview?: (preview: ModelPreview) => void): Promise<ModelReadResult> {
    return this.submit(async (client, t) => {
      this.fileAccess = { access, onNote, onPreview };
      try {
        return await client.request('readModel', params, { token: t });
      } finally {
        this.fileAccess = undefined;
      }
    }, true, token) as Promise<ModelReadResult>;
  }

  /** The model read in flight (one job at a time): serves the worker's HostFileMethods requests. */
  private fileAccess: { readonly access: FileAccess; readonly onNote: (message: string) => void; readonly onPreview?: (preview: ModelPreview) => void } | undefined;

  private fileServer(worker: Worker): (message: unknown) => boolean {
    const noRead = () => Promise.reject(new ChannelError('no-model-read', 'No model file is being read.'));
    return serveRequests<HostFileMethods>((message, transfer) => worker.postMessage(message, transfer ?? []), {
      fileSize: async ({ file }) => (this.fileAccess ? ((await this.fileAccess.access({ op: 'size', file })).size ?? 0) : noRead()),
      fileRead: async ({ file, offset, length }, context) => {
        if (!this.fileAccess) return noRead();
        const bytes = (await this.fileAccess.access({ op: 'read', file, offset, length })).bytes ?? new Uint8Array(0);
        // A copy of its own: a reply may view a file the host keeps whole (web host), which a transfer would detach.
        const own = bytes.slice();
        context.transfer([own.buffer]);
        return own;
      },
      readerNote: ({ message }) => this.fileAccess?.onNote(message),
      modelPreview: (preview) => this.fileAccess?.onPreview?.(preview),
    });
  }

  /**
   * Drops the worker's copy of a source (the document was closed). Best effort, nothing to log: if the message is
   * lost the copy is dropped anyway by the worker's LRU bound, and a reopened document gets a new revision.
   */
  forget(uri: string): void {
    if (this.worker) void this.submit((client) => client.request('forget', { uri }), true).catch(() => undefined);
  }

  private submit(start: Job['start'], cooperative: boolean, token?: vscode.CancellationToken): Promise<unknown> {
    if (token?.isCancellationRequested) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const cancel = new vscode.CancellationTokenSource();
      const subscription = token?.onCancellationRequested(() => this.cancel(job));
      const settle =
        <T,>(fn: (v: T) => void) =>
        (v: T) => {
          subscription?.dispose();
          cancel.dispose();
          fn(v);
        };
      const job: Job = { start, resolve: settle(resolve), reject: settle(reject), cancel, cooperative };
      this.queue.push(job);
      this.pump();
    });
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(new CancelledError());
      return;
    }
    if (this.current !== job) return;
    // The channel settles the request as cancelled and tells the worker; see start() for the rest.
    job.cancel.cancel();
  }

  private ensureWorker(): RequestClient<AllWorkerMethods> {
    if (this.worker && this.client) return this.client;
    // Node takes a file path, a Web Worker a URL string; the web shim's Worker accepts the latter.
    const location = this.scriptUri.scheme === 'file' && typeof process !== 'undefined' && !process.env.GATE_LENS_WEB ? this.scriptUri.fsPath : this.scriptUri.toString(true);
    let worker: Worker;
    try {
      worker = new Worker(location);
    } catch (error) {
      throw new WorkerError(WORKER_ERRORS.unavailable, error instanceof Error ? error.message : String(error));
    }
    const client = new RequestClient<AllWorkerMethods>((message, transfer) => worker.postMessage(message, transfer ?? []));
    const files = this.fileServer(worker);
    worker.on('message', (message) => {
      // Answers to our requests, else the worker's own requests for model-file bytes.
      if (worker === this.worker && !client.receive(message)) files(message);
    });
    const crashed = (message: string) => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      this.client = undefined;
      client.failAll(WORKER_ERRORS.exited, message);
    };
    worker.on('error', (error) => crashed(error instanceof Error ? error.message : String(error)));
    // A worker that ends on its own (out of memory, a crash in the runtime) must not leave its job hanging.
    worker.on('exit', (code) => crashed(`The Gate Lens worker stopped (exit code ${String(code)}).`));
    worker.unref?.();
    this.worker = worker;
    this.client = client;
    this.workersStarted++;
    return client;
  }

  private terminate(): void {
    const client = this.client;
    void this.worker?.terminate();
    this.worker = undefined;
    this.client = undefined;
    client?.failAll(CHANNEL_ERRORS.closed, 'The Gate Lens worker was restarted.');
  }

  private pump(): void {
    if (this.current || this.draining || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    this.current = job;
    let answer: Promise<unknown>;
    try {
      answer = job.start(this.ensureWorker(), job.cancel.token);
    } catch (error) {
      this.current = undefined;
      job.reject(error instanceof Error ? error : new Error(String(error)));
      this.pump();
      return;
    }
    // Settles when the worker has answered (or was terminated): only then may the next job go.
    const finished = new Promise<void>((done) => {
      answer.then(
        (value) => {
          this.jobsCompleted++;
          job.resolve(value);
          done();
        },
        (error: unknown) => {
          if (error instanceof ChannelError && error.code === CHANNEL_ERRORS.cancelled) {
            // Settled by the cancel; the worker may still be busy with it. Wait for it briefly, then stop it.
            job.reject(new CancelledError());
            if (job.cooperative) this.drain(done);
            else {
              this.terminate();
              done();
            }
            return;
          }
          if (error instanceof ChannelError) job.reject(new WorkerError(error.code, error.message, error.template, error.args));
          else job.reject(error instanceof Error ? error : new Error(String(error)));
          done();
        },
      );
    });
    void finished.then(() => {
      if (this.current === job) this.current = undefined;
      this.pump();
    });
  }

  /**
   * After a cancel: the worker answers nothing more for that request, so a cheap probe (forget of no URI, queued
   * behind the cancelled job in the worker) tells when it is free; if that takes longer than the grace period, the
   * worker is terminated.
   */
  private drain(done: () => void): void {
    const client = this.client;
    if (!client) {
      done();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const free = new Promise<void>((resolve) => {
      client.request('forget', { uri: '' }).then(
        () => resolve(),
        () => resolve(),
      );
      timer = setTimeout(() => {
        if (this.client === client) this.terminate();
        resolve();
      }, CANCEL_GRACE_MS);
    });
    this.draining = free;
    void free.then(() => {
      clearTimeout(timer);
      this.draining = undefined;
      done();
    });
  }

  dispose(): void {
    for (const job of this.queue.splice(0)) job.reject(new CancelledError());
    this.current?.cancel.cancel();
    this.current = undefined;
    this.terminate();
  }
}
