// The parse/run worker: a worker_threads Worker under Node, a Web Worker in the browser extension host (the web
// build aliases node:worker_threads to a shim that speaks the same on('message')/postMessage surface).
// One job at a time; the host cancels a job by terminating the worker and starting a fresh one, which is the only
// way to stop a synchronous parse or forward pass midway.

import { parentPort } from 'node:worker_threads';
import { analyzeText, runTraced } from './analysis';
import { errorResponse, transferables, type WorkerRequest, type WorkerResponse } from './protocol';

function handle(request: WorkerRequest, post: (r: WorkerResponse, transfer?: ArrayBuffer[]) => void): void {
  try {
    if (request.kind === 'analyze') {
      const analysis = analyzeText(new TextDecoder().decode(request.utf8), request.options);
      post({ id: request.id, kind: 'analyze', analysis }, transferables(analysis));
    } else {
      const result = runTraced(request.job, (fraction) => post({ id: request.id, kind: 'progress', fraction }));
      const response: WorkerResponse = { id: request.id, kind: 'run', result };
      post(response, transferables(result));
    }
  } catch (error) {
    post(errorResponse(request.id, error));
  }
}

const port = parentPort;
if (port) {
  port.on('message', (request: WorkerRequest) =>
    handle(request, (r, transfer) => {
      try {
        port.postMessage(r, transfer);
      } catch {
        // A buffer that cannot be moved (a view into WebAssembly memory, say): send a copy instead.
        port.postMessage(r);
      }
    }),
  );
}
