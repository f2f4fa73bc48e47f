// The parse/run worker: a worker_threads Worker under Node, a Web Worker in the browser extension host (the web
// build aliases node:worker_threads to a shim that speaks the same on('message')/postMessage surface).
// It answers the typed requests of WorkerMethods over the shared channel (src/protocol/channel.ts) and keeps each
// source's analysis between jobs (SourceStore). A cancelled run stops between chunks; a parse cannot be stopped
// midway, so the host terminates the worker for that, and the next run finds its source missing and sends it again.

import { parentPort } from 'node:worker_threads';
import { serveRequests } from '../protocol/channel';
import { transferables, type WorkerMethods } from './protocol';
import { SourceStore } from './sources';

const port = parentPort;
if (port) {
  const store = new SourceStore();
  const receive = serveRequests<WorkerMethods>((message, transfer) => port.postMessage(message, transfer ?? []), {
    analyze: ({ source, utf8, options }) =>
      // Copied back, not transferred: the worker keeps these arrays for the runs that follow.
      store.analyze(source, new TextDecoder().decode(utf8), options),
    run: async (job, context) => {
      const result = await store.run(job, () => context.cancelled, (fraction) => context.progress(fraction));
      // The trace is fresh for every run: moved, not copied.
      context.transfer(transferables(result));
      return result;
    },
    forget: ({ uri }) => store.forget(uri),
  });
  port.on('message', (message: unknown) => void receive(message));
}
