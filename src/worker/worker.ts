// The parse/run worker: a worker_threads Worker under Node, a Web Worker in the browser extension host (the web
// build aliases node:worker_threads to a shim that speaks the same on('message')/postMessage surface).
// One job at a time; the host cancels a job by terminating the worker and starting a fresh one, which is the only
// way to stop a synchronous parse or forward pass midway.

import { parentPort } from 'node:worker_threads';
import { analyzeText, runTraced } from './analysis';
import type { WorkerRequest, WorkerResponse } from './protocol';

function transferablesOf(response: WorkerResponse): ArrayBuffer[] {
  if (response.kind !== 'run' || !response.result.trace) return [];
  const buffers = new Set<ArrayBuffer>();
  for (const t of response.result.trace) {
    for (const a of [t.zx, t.zh, t.z, t.a, t.c, t.h]) if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  }
  return [...buffers];
}

function handle(request: WorkerRequest, post: (r: WorkerResponse, transfer?: ArrayBuffer[]) => void): void {
  try {
    if (request.kind === 'analyze') {
      post({ id: request.id, kind: 'analyze', analysis: analyzeText(request.text, request.options) });
    } else {
      const result = runTraced(request.job, (fraction) => post({ id: request.id, kind: 'progress', fraction }));
      const response: WorkerResponse = { id: request.id, kind: 'run', result };
      post(response, transferablesOf(response));
    }
  } catch (error) {
    post({ id: request.id, kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

const port = parentPort;
if (port) {
  port.on('message', (request: WorkerRequest) => handle(request, (r, transfer) => port.postMessage(r, transfer)));
}
