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

/** Opens `uri` in the model editor; resolves when the webview reports its render of this file. */
function openAndRender(api: GateLensApi, uri: vscode.Uri, name: string): Promise<{ ms: number; report: RenderedReport; sent?: ModelHostToWebview }> {
  return new Promise((resolve, reject) => {
    let sent: ModelHostToWebview | undefined;
    const t0 = performance.now();
    const timer = setTimeout(() => { subscription.dispose(); reject(new Error(`no render of ${name} within 120 s`)); }, 120000);
    const subscription = api.onDidLogMessage((m: LoggedMessage) => {
      const message = m.message as ModelHostToWebview | { type: 'rendered'; report: RenderedReport };
      if ((message.type === 'model' && message.model.fileName === name) || (message.type === 'error' && 'fileName' in message && message.fileName === name)) sent = message;
      else if (message.type === 'rendered' && sent) {
        clearTimeout(timer);
        subscription.dispose();
        resolve({ ms: performance.now() - t0, report: message.report, sent });
      }
    });
    void Promise.resolve(vscode.commands.executeCommand('vscode.openWith', uri, MODEL_VIEW_TYPE)).catch(reject);
  });
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
      const { ms, report, sent } = await openAndRender(api, uri, name);
      const after = memory();
      const model = sent?.type === 'model' ? sent.model : undefined;
      result[name] = {
        sizeMB: Math.round(fs.statSync(uri.fsPath).size / MB),
        openToLayerTableMs: Math.round(ms),
        tensorRows: report.tensorRows, recurrent: report.recurrent.map((r) => r.gateLabels.join('')),
        ranged: model?.ranged, bytesReadMB: model ? +(model.bytesRead / MB).toFixed(2) : undefined,
        error: sent?.type === 'error' ? sent.message : undefined,
        memoryBefore: before, memoryAfter: after, peakRssMB,
        rssGrowthMB: after.rssMB - before.rssMB, peakRssGrowthMB: peakRssMB - before.rssMB,
        readsInWorker: api.modelFiles.readsInWorker,
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
