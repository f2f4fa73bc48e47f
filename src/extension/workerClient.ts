// The host's handle on the parse/run worker: started lazily on the first job, one job in flight at a time (the
// worker is single-threaded anyway), cancellation by terminating the worker — a synchronous parse or forward pass
// cannot be interrupted any other way — after which the queued jobs go to a fresh worker.

import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import { WORKER_ERRORS, type Analysis, type AnalyzeOptions, type RunJob, type WorkerErrorCode, type WorkerRequest, type WorkerResponse } from '../worker/protocol';
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
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

interface Job {
  readonly request: WorkerRequest;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: (fraction: number) => void;
}

type RequestBody = { kind: 'analyze'; utf8: Uint8Array; options: AnalyzeOptions } | { kind: 'run'; job: RunJob };

export class WorkerClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private nextId = 1;
  /** Jobs sent to a worker, for the tests: proves the worker path ran. */
  jobsCompleted = 0;

  constructor(private readonly scriptUri: vscode.Uri) {}

  analyze(text: string, options: AnalyzeOptions, token?: vscode.CancellationToken): Promise<Analysis> {
    // UTF-8 round-trips every UTF-16 code unit one for one (a lone surrogate becomes U+FFFD, also one unit), so
    // the worker's offsets are the document's.
    return this.submit({ kind: 'analyze', utf8: new TextEncoder().encode(text), options }, token) as Promise<Analysis>;
  }

  run(job: RunJob, token?: vscode.CancellationToken, onProgress?: (fraction: number) => void): Promise<LayerResult> {
    return this.submit({ kind: 'run', job }, token, onProgress) as Promise<LayerResult>;
  }

  private submit(body: RequestBody, token?: vscode.CancellationToken, onProgress?: (fraction: number) => void): Promise<unknown> {
    if (token?.isCancellationRequested) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const job: Job = { request: { id: this.nextId++, ...body } as WorkerRequest, resolve, reject, onProgress };
      const subscription = token?.onCancellationRequested(() => this.cancel(job));
      const settle = <T>(fn: (v: T) => void) => (v: T) => {
        subscription?.dispose();
        fn(v);
      };
      this.queue.push({ ...job, resolve: settle(resolve), reject: settle(reject) });
      this.pump();
    });
  }

  private cancel(job: Job): void {
    const queued = this.queue.findIndex((j) => j.request.id === job.request.id);
    if (queued >= 0) {
      this.queue.splice(queued, 1)[0].reject(new CancelledError());
      return;
    }
    if (this.current?.request.id === job.request.id) {
      const running = this.current;
      this.current = undefined;
      void this.worker?.terminate();
      this.worker = undefined;
      running.reject(new CancelledError());
      this.pump();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Node takes a file path, a Web Worker a URL string; the web shim's Worker accepts the latter.
    const location = this.scriptUri.scheme === 'file' && typeof process !== 'undefined' && !process.env.GATE_LENS_WEB ? this.scriptUri.fsPath : this.scriptUri.toString(true);
    let worker: Worker;
    try {
      worker = new Worker(location);
    } catch (error) {
      throw new WorkerError(WORKER_ERRORS.unavailable, error instanceof Error ? error.message : String(error));
    }
    worker.on('message', (message) => this.onMessage(worker, message as WorkerResponse));
    worker.on('error', (error) => this.onCrash(worker, new WorkerError(WORKER_ERRORS.exited, error instanceof Error ? error.message : String(error))));
    // A worker that ends on its own (out of memory, a crash in the runtime) must not leave its job hanging.
    worker.on('exit', (code) => this.onCrash(worker, new WorkerError(WORKER_ERRORS.exited, `The Gate Lens worker stopped (exit code ${String(code)}).`)));
    worker.unref?.();
    this.worker = worker;
    return worker;
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    this.current = job;
    try {
      // The analyze text is moved, not copied; run inputs are copied, since the host keeps the layer for later runs.
      this.ensureWorker().postMessage(job.request, job.request.kind === 'analyze' ? [job.request.utf8.buffer as ArrayBuffer] : []);
    } catch (error) {
      this.current = undefined;
      job.reject(error instanceof Error ? error : new Error(String(error)));
      this.pump();
    }
  }

  private onMessage(worker: Worker, message: WorkerResponse): void {
    const job = this.current;
    if (worker !== this.worker || !job || job.request.id !== message.id) return;
    if (message.kind === 'progress') {
      job.onProgress?.(message.fraction);
      return;
    }
    this.current = undefined;
    this.jobsCompleted++;
    if (message.kind === 'error') job.reject(new WorkerError(message.code, message.message));
    else if (message.kind === 'analyze') job.resolve(message.analysis);
    else job.resolve(message.result);
    this.pump();
  }

  private onCrash(worker: Worker, error: Error): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.current;
    this.current = undefined;
    job?.reject(error);
    this.pump();
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    for (const job of this.queue.splice(0)) job.reject(new CancelledError());
    this.current?.reject(new CancelledError());
    this.current = undefined;
  }
}
