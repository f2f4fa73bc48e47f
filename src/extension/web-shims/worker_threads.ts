// The browser stand-in for node:worker_threads on the extension host's side (scripts/build.mjs aliases it in
// dist/web/extension.js; the worker's own side is worker_scope.ts). It covers only what Gate Lens uses: a Worker
// with on('message'|'error')/postMessage/terminate over the standard Web Worker API.
//
// VS Code's web worker extension host replaces globalThis.Worker with a wrapper that loads http(s) and blob URLs but
// refuses vscode-remote ones ("Creating workers from remote extensions is currently not supported", in
// src/vs/workbench/api/worker/extensionHostWorker.ts), and a browser cannot fetch such a URI anyway. That is where
// the extension lives when a remote server (code-server, Codespaces) hands it to the browser's host, so a script the
// browser cannot load directly is read through vscode.workspace.fs and started from a blob: URL; messages posted
// meanwhile wait for it.

import * as vscode from 'vscode';

type Listener = (value: unknown) => void;
type Posted = { value: unknown; transfer: Transferable[] };

/** URLs a Web Worker can load as they are. */
const DIRECTLY_LOADABLE = /^(https?|blob|data):/i;

export class Worker {
  private worker: globalThis.Worker | undefined;
  private readonly pending: Posted[] = [];
  private readonly listeners: { event: 'message' | 'error'; listener: Listener }[] = [];
  private objectUrl: string | undefined;
  private terminated = false;

  constructor(url: string | URL) {
    if (typeof globalThis.Worker !== 'function') throw new Error('Web Workers are not available in this extension host.');
    const location = String(url);
    if (DIRECTLY_LOADABLE.test(location)) {
      this.attach(new globalThis.Worker(location));
      return;
    }
    vscode.workspace.fs.readFile(vscode.Uri.parse(location)).then(
      (script) => {
        if (this.terminated) return;
        // readFile hands back a fresh buffer of its own, never a SharedArrayBuffer.
        const source = new Blob([script as Uint8Array<ArrayBuffer>], { type: 'text/javascript' });
        this.objectUrl = URL.createObjectURL(source);
        this.attach(new globalThis.Worker(this.objectUrl));
      },
      (error: unknown) => this.emit('error', new Error(`Could not load the Gate Lens worker from ${location}: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }

  private attach(worker: globalThis.Worker): void {
    this.worker = worker;
    for (const { event, listener } of this.listeners) this.listen(worker, event, listener);
    for (const { value, transfer } of this.pending.splice(0)) worker.postMessage(value, transfer);
  }

  private listen(worker: globalThis.Worker, event: 'message' | 'error', listener: Listener): void {
    if (event === 'message') worker.addEventListener('message', (e: MessageEvent) => listener(e.data));
    else worker.addEventListener('error', (e: ErrorEvent) => listener(new Error(e.message)));
  }

  private emit(event: 'message' | 'error', value: unknown): void {
    for (const entry of this.listeners) if (entry.event === event) entry.listener(value);
  }

  on(event: 'message' | 'error' | 'exit', listener: Listener): this {
    // A Web Worker has no exit event: it ends only when terminated, and terminate() below reports that itself.
    if (event === 'exit') return this;
    this.listeners.push({ event, listener });
    if (this.worker) this.listen(this.worker, event, listener);
    return this;
  }

  postMessage(value: unknown, transfer?: readonly Transferable[]): void {
    const list = transfer ? [...transfer] : [];
    if (this.worker) this.worker.postMessage(value, list);
    else if (!this.terminated) this.pending.push({ value, transfer: list });
  }

  terminate(): Promise<number> {
    this.terminated = true;
    this.pending.length = 0;
    this.worker?.terminate();
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    return Promise.resolve(0);
  }

  unref(): void {
    // Browser workers never keep a process alive; nothing to do.
  }
}
