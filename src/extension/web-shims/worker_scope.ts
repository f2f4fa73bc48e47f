// The browser stand-in for node:worker_threads inside the parse/run worker itself (scripts/build.mjs aliases it in
// dist/web/worker.js): parentPort over the Web Worker's global scope. The extension host's side, which starts the
// worker, is worker_threads.ts.

type Listener = (value: unknown) => void;

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
