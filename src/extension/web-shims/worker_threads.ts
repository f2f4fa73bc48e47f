// The browser stand-in for node:worker_threads (scripts/build.mjs aliases it in the web bundles). It covers only
// what Gate Lens uses: a Worker with on('message'|'error')/postMessage/terminate on the host side, and parentPort
// inside the worker, both over the standard Web Worker API.

type Listener = (value: unknown) => void;

export class Worker {
  private readonly worker: globalThis.Worker;

  constructor(url: string | URL) {
    if (typeof globalThis.Worker !== 'function') throw new Error('Web Workers are not available in this extension host.');
    this.worker = new globalThis.Worker(url);
  }

  on(event: 'message' | 'error' | 'exit', listener: Listener): this {
    if (event === 'message') this.worker.addEventListener('message', (e: MessageEvent) => listener(e.data));
    else if (event === 'error') this.worker.addEventListener('error', (e: ErrorEvent) => listener(new Error(e.message)));
    // A Web Worker has no exit event: it ends only when terminated, and terminate() below reports that itself.
    return this;
  }

  postMessage(value: unknown, transfer?: readonly Transferable[]): void {
    this.worker.postMessage(value, transfer ? [...transfer] : []);
  }

  terminate(): Promise<number> {
    this.worker.terminate();
    return Promise.resolve(0);
  }

  unref(): void {
    // Browser workers never keep a process alive; nothing to do.
  }
}

interface WorkerScope {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  postMessage(value: unknown, transfer: Transferable[]): void;
}

function workerScope(): WorkerScope | undefined {
  const scope = globalThis as unknown as { importScripts?: unknown } & Partial<WorkerScope>;
  return typeof scope.importScripts === 'function' && typeof scope.postMessage === 'function' ? (scope as WorkerScope) : undefined;
}

const scope = workerScope();

export const parentPort = scope
  ? {
      on(event: 'message', listener: Listener): void {
        if (event === 'message') scope.addEventListener('message', (e) => listener(e.data));
      },
      postMessage(value: unknown, transfer?: readonly Transferable[]): void {
        scope.postMessage(value, transfer ? [...transfer] : []);
      },
    }
  : null;
