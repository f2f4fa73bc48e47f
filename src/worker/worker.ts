// The parse/run worker: a worker_threads Worker under Node, a Web Worker in the browser extension host (the web
// build aliases node:worker_threads to a shim that speaks the same on('message')/postMessage surface).
// It answers the typed requests of WorkerMethods over the shared channel (src/protocol/channel.ts) and keeps each
// source's analysis between jobs (SourceStore). A cancelled run stops between chunks; a parse cannot be stopped
// midway, so the host terminates the worker for that, and the next run finds its source missing and sends it again.

import { parentPort } from 'node:worker_threads';
import { RequestClient, serveRequests, type Send } from '../protocol/channel';
import { transferables, type WorkerMethods } from './protocol';
import { SourceStore } from './sources';
import type { HostFileMethods, ModelPreview, ModelWorkerMethods } from './modelProtocol';
import { readModel, type FileAccess } from './modelRead';
import { forwardWarmupSlices } from '../core/forward-warmup';
import { IdleWarmup } from './warmup';

const port = parentPort;
if (port) {
  const store = new SourceStore();
  // The forward pass's kernels are compiled and optimised while the worker is idle, not in the user's first run.
  const warmup = new IdleWarmup(forwardWarmupSlices());
  const post: Send = (message, transfer) => {
    warmup.activity();
    port.postMessage(message, transfer ?? []);
  };
  // Model files: the worker asks the host for byte ranges (HostFileMethods) over the same port.
  const host = new RequestClient<HostFileMethods>(post);
  const receive = serveRequests<WorkerMethods & ModelWorkerMethods>(post, {
    analyze: ({ source, text, options }) =>
      // Copied back, not transferred: the worker keeps these arrays for the runs that follow.
      store.analyze(source, text, options),
    run: async (job, context) => {
      const result = await store.run(job, () => context.cancelled, (fraction) => context.progress(fraction));
      // The answer is a copy the worker does not keep (it keeps the run's memory for the next run): moved, not copied.
      context.transfer(transferables(result));
      return result;
    },
    forget: ({ uri }) => store.forget(uri),
    readModel: async ({ source, name, size, canOpenSiblings, options }, context) => {
      // A cancelled read stops at its next byte range.
      const access: FileAccess = async (request) => {
        if (context.cancelled) throw new Error('Cancelled');
        if (request.op === 'size') return { size: await host.request('fileSize', { file: request.file }) };
        return { bytes: await host.request('fileRead', { file: request.file, offset: request.offset, length: request.length }) };
      };
      // Reader notes are only informational, and the host's log is what would record a failure to deliver one.
      const note = (message: string) => void host.request('readerNote', { message }).catch(() => undefined);
      // The preview goes ahead of the answer: the host shows the layer table while the values are copied over.
      const preview = (p: ModelPreview) => void host.request('modelPreview', p).catch(() => undefined);
      const result = await readModel(name, size, canOpenSiblings, options, access, note, preview);
      // Kept for the runs that follow (Step Through names the source and layer); the answer is a copy.
      store.put(source, result.analysis);
      return result;
    },
  });
  // Answers to the worker's own requests (byte ranges) first; everything else is a request to the worker.
  port.on('message', (message: unknown) => {
    warmup.activity();
    void (host.receive(message) || receive(message));
  });
  warmup.activity();
}
