// The Gate Lens Model editor on large model files inside the real extension host (scripts/bench/model-editor.mjs
// loads this module as extensionTestsPath). Measured, never asserted: the numbers go to $GATE_LENS_BENCH_RESULT.
// For each file the driver wrote: time from vscode.openWith to the webview's report that it drew the layer table,
// and the extension host's memory (rss includes the reader worker, a worker thread of this process) before and after.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { GateLensApi, LoggedMessage } from '../../src/extension/extension';
import { MODEL_VIEW_TYPE } from '../../src/extension/model/viewTypes';
import type { ModelHostToWebview, RenderedReport } from '../../src/protocol/modelMessages';

const EXTENSION_ID = 'gate-lens.gate-lens';
const MB = 2 ** 20;

function memory(): { rssMB: number; heapUsedMB: number; externalMB: number } {
  const m = process.memoryUsage();
  return { rssMB: Math.round(m.rss / MB), heapUsedMB: Math.round(m.heapUsed / MB), externalMB: Math.round((m.external + m.arrayBuffers) / MB) };
}

/** Resolves with the time the webview next reports a drawn heatmap, or after `ms` with undefined. */
function heatmapDrawn(api: GateLensApi, ms: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { subscription.dispose(); resolve(undefined); }, ms);
    const subscription = api.onDidLogMessage((m: LoggedMessage) => {
      if ((m.message as { type?: string }).type !== 'heatmapDrawn') return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(Date.now());
    });
  });
}

/** Opens `uri` in the model editor; resolves when the webview reports its render of this file. */
function openAndRender(api: GateLensApi, uri: vscode.Uri, name: string): Promise<{ ms: number; openedAt: number; report: RenderedReport; sent?: ModelHostToWebview; heatmap: Promise<number | undefined> }> {
  const heatmap = heatmapDrawn(api, 120000);
  return new Promise((resolve, reject) => {
    let sent: ModelHostToWebview | undefined;
    const t0 = performance.now();
    const openedAt = Date.now();
    const timer = setTimeout(() => { subscription.dispose(); reject(new Error(`no render of ${name} within 120 s`)); }, 120000);
    const subscription = api.onDidLogMessage((m: LoggedMessage) => {
      const message = m.message as ModelHostToWebview | { type: 'rendered'; report: RenderedReport };
      if ((message.type === 'model' && message.model.fileName === name) || (message.type === 'error' && 'fileName' in message && message.fileName === name)) sent = message;
      else if (message.type === 'rendered' && sent) {
        clearTimeout(timer);
        subscription.dispose();
        resolve({ ms: performance.now() - t0, openedAt, report: message.report, sent, heatmap });
      }
    });
    void Promise.resolve(vscode.commands.executeCommand('vscode.openWith', uri, MODEL_VIEW_TYPE)).catch(reject);
  });
}

/**
 * Where the time went, in ms from vscode.openWith: the host's steps (ModelEditorProvider.timings), the worker's
 * read (readers, recognition), the host's byte-range reads, and the webview's script start, message and drawing.
 */
function phases(api: GateLensApi, uri: vscode.Uri, openedAt: number, report: RenderedReport): Record<string, number | undefined> {
  const at = (t: number | undefined) => (t === undefined ? undefined : t - openedAt);
  const host = api.modelEditor.timings(uri);
  const read = api.modelFiles.peek(uri);
  const worker = read?.result.timings;
  return {
    resolveCustomEditor: at(host.resolved), htmlSet: at(host.htmlSet), webviewScript: at(report.timings?.scriptAt), webviewReady: at(host.ready),
    readStarted: at(host.readStarted), workerStarted: at(worker?.startedAt), readersDone: at(worker?.readAt), recognitionDone: at(worker?.analysedAt),
    hostGotResult: at(read?.ranges?.answeredAt), readDone: at(host.readDone), viewBuilt: at(host.viewBuilt),
    webviewReceived: at(report.timings?.receivedAt), webviewDrawn: at(report.timings?.drawnAt), modelPosted: at(host.modelPosted), renderedReported: at(host.rendered),
    firstHeatmapReported: at(host.heatmapDrawn),
    byteRanges: read?.ranges?.count, hostRangeReadMs: read?.ranges?.hostMs,
  };
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!folder || !extension) throw new Error('bench: no workspace folder, or Gate Lens is not loaded');
  const api = (await extension.activate()) as GateLensApi;
  const files = (process.env.GATE_LENS_BENCH_FILES ?? '').split(',').filter(Boolean);
  const result: Record<string, unknown> = { vscode: vscode.version, node: process.version, idle: memory() };
  // Warm-up on a small fixture: the webview bundle, the worker and the readers load once, outside the measurements.
  const warm = vscode.Uri.joinPath(folder, 'warmup.safetensors');
  if (fs.existsSync(warm.fsPath)) {
    await openAndRender(api, warm, 'warmup.safetensors');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
  result.afterWarmup = memory();
  for (const name of files) {
    const uri = vscode.Uri.joinPath(folder, name);
    const before = memory();
    let peakRssMB = before.rssMB;
    const sampler = setInterval(() => { peakRssMB = Math.max(peakRssMB, memory().rssMB); }, 20);
    try {
      const { ms, openedAt, report, sent, heatmap } = await openAndRender(api, uri, name);
      const after = memory();
      const heatmapAt = await heatmap;
      const model = sent?.type === 'model' ? sent.model : undefined;
      result[name] = {
        sizeMB: Math.round(fs.statSync(uri.fsPath).size / MB),
        openToLayerTableMs: Math.round(ms),
        openToFirstHeatmapMs: heatmapAt === undefined ? undefined : heatmapAt - openedAt,
        tensorRows: report.tensorRows, recurrent: report.recurrent.map((r) => r.gateLabels.join('')),
        ranged: model?.ranged, bytesReadMB: model ? +(model.bytesRead / MB).toFixed(2) : undefined,
        error: sent?.type === 'error' ? sent.message : undefined,
        memoryBefore: before, memoryAfter: after, peakRssMB,
        memoryAfterHeatmap: memory(),
        rssGrowthMB: after.rssMB - before.rssMB, peakRssGrowthMB: peakRssMB - before.rssMB,
        readsInWorker: api.modelFiles.readsInWorker,
        phases: phases(api, uri, openedAt, report),
      };
    } catch (error) {
      result[name] = { error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearInterval(sampler);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
  const out = process.env.GATE_LENS_BENCH_RESULT;
  if (out) fs.writeFileSync(out, JSON.stringify(result, null, 1));
}
