// Responsiveness measurements inside the real extension host (scripts/bench/responsiveness.mjs loads this module
// as extensionTestsPath). Measured, never asserted: the numbers go to $GATE_LENS_BENCH_RESULT as JSON.
// The workspace holds bench_5mb.py and bench_20mb.py, written by the driver, and raises gateLens.maxFileSizeMB.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

const EXTENSION_ID = 'gate-lens.gate-lens';
const HOVER_SAMPLES = 25;

/** Longest gap between ticks of a 5 ms interval: how long the extension host's event loop was blocked. */
class StallMonitor {
  private last = performance.now();
  private longest = 0;
  private readonly timer = setInterval(() => {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.last);
    this.last = now;
  }, 5);

  /** The longest tick gap so far, in ms, and start over. */
  take(): number {
    const now = performance.now();
    const longest = Math.max(this.longest, now - this.last);
    this.longest = 0;
    this.last = now;
    return longest;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function summary(samples: number[]): { median: number; p95: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1], n: sorted.length };
}

/** True when one of the hovers is Gate Lens's (it carries the gate table). */
function isGateLensHover(hovers: readonly vscode.Hover[]): boolean {
  return hovers.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '').includes('gates packed along axis')));
}

async function hoverAt(document: vscode.TextDocument, position: vscode.Position): Promise<{ ms: number; ours: boolean }> {
  const t0 = performance.now();
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return { ms: performance.now() - t0, ours: isGateLensHover(hovers ?? []) };
}

/** Whatever the analysis said about a document, for the record when a hover did not come from Gate Lens. */
async function diagnosticsOf(document: vscode.TextDocument): Promise<string[]> {
  return vscode.languages.getDiagnostics(document.uri).map((d) => d.message.slice(0, 160));
}

/** Positions inside the kernel and recurrent-kernel literals, spread over their lines. */
function literalPositions(document: vscode.TextDocument, count: number): vscode.Position[] {
  const first = document.positionAt(document.getText().indexOf('[[')).line;
  const last = document.lineCount - 3;
  const positions: vscode.Position[] = [];
  for (let i = 0; i < count; i++) {
    const line = first + Math.floor(((last - first) * i) / count);
    positions.push(new vscode.Position(line, Math.min(40 + (i % 7) * 13, document.lineAt(line).text.length - 1)));
  }
  return positions;
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!folder || !extension) throw new Error('bench: no workspace folder, or Gate Lens is not loaded');
  const result: Record<string, unknown> = { vscode: vscode.version, node: process.version, activeBeforeBench: extension.isActive };
  const monitor = new StallMonitor();
  try {
    let t0 = performance.now();
    await extension.activate();
    // In a test run VS Code may have activated it before the runner started; the browser half of the bench reads
    // VS Code's own activation time instead.
    if (!result.activeBeforeBench) result.activationMs = performance.now() - t0;

    // Hover latency on a 5 MB file, after the first (parsing) hover.
    t0 = performance.now();
    const small = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'bench_5mb.py'));
    await vscode.window.showTextDocument(small);
    result.open5MBms = performance.now() - t0;
    const kernelName = small.positionAt(small.getText().indexOf('lstm_kernel') + 4);
    const firstHover = await hoverAt(small, kernelName);
    result.firstHover5MBms = firstHover.ms;
    result.firstHover5MBanswered = firstHover.ours;
    if (!firstHover.ours) result.diagnostics5MB = await diagnosticsOf(small);
    const samples: number[] = [];
    let answered = 0;
    for (const position of [kernelName, ...literalPositions(small, HOVER_SAMPLES - 1)]) {
      const h = await hoverAt(small, position);
      samples.push(h.ms);
      if (h.ours) answered++;
    }
    result.hover5MBms = summary(samples);
    result.hover5MBanswered = `${answered}/${samples.length}`;

    // Event-loop stalls while a 20 MB file is opened, then parsed (the first hover asks for the analysis).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    monitor.take();
    t0 = performance.now();
    const large = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'bench_20mb.py'));
    await vscode.window.showTextDocument(large);
    result.open20MBms = performance.now() - t0;
    result.maxStallOpening20MBms = monitor.take();
    const parse = await hoverAt(large, large.positionAt(large.getText().indexOf('lstm_kernel') + 4));
    result.firstHover20MBms = parse.ms;
    result.firstHover20MBanswered = parse.ours;
    if (!parse.ours) result.diagnostics20MB = await diagnosticsOf(large);
    result.maxStallParsing20MBms = monitor.take();
  } finally {
    monitor.stop();
    const out = process.env.GATE_LENS_BENCH_RESULT;
    if (out) fs.writeFileSync(out, JSON.stringify(result, null, 2));
    console.log(`GATE-LENS-BENCH ${JSON.stringify(result)}`);
  }
}
