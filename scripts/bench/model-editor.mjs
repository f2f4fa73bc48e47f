#!/usr/bin/env node
// The Gate Lens Model editor on ~2 GB model files in a real VS Code (code-server + Chromium, as
// scripts/vscode-harness.mjs runs it): a .safetensors and a PyTorch zip .pt, each a 2 GB embedding (zeros) plus an
// LSTM(256, 512) and a Linear(512, 10) head (6.3 MB of recurrent weights), written by safetensors and torch.save into
// a folder under /tmp. Measured, not asserted (test/extension/modelBench.main.ts): time from opening the file to the
// webview's report that it drew the layer table, bytes read, the extension host's memory (the reader worker is a
// thread of that process). Prints a table with the load average, writes test-results/bench/model-editor.json and
// deletes the big files. Needs `npm run build`, python3 with torch + safetensors, code-server (CS_DIR).
// With --dir DIR the files are written there once and kept (later runs reuse them), DIR being the workspace.
//   Usage: node scripts/bench/model-editor.mjs [--gb 2] [--dir DIR]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, cleanup, runInExtensionHost } from '../vscode-harness.mjs';

const OUT_DIR = path.join(ROOT, 'test-results/bench');
const gbArg = process.argv.indexOf('--gb');
const GB = gbArg > 0 ? Number(process.argv[gbArg + 1]) : 2;
const dirArg = process.argv.indexOf('--dir');
const KEEP_DIR = dirArg > 0 ? path.resolve(process.argv[dirArg + 1]) : undefined;
const FILES = ['big.safetensors', 'big.pt'];

const WRITE = `
import sys, torch
from safetensors.torch import save_file
folder, target = sys.argv[1], int(sys.argv[2])
torch.manual_seed(0)
state = {f"rnn.{k}": v.detach().contiguous() for k, v in torch.nn.LSTM(256, 512).state_dict().items()}
state.update({f"head.{k}": v.detach().contiguous() for k, v in torch.nn.Linear(512, 10).state_dict().items()})
small = sum(v.numel() * 4 for v in state.values())
state["embed.weight"] = torch.zeros((target - small) // 4096, 1024)
save_file(state, f"{folder}/big.safetensors")
torch.save(state, f"{folder}/big.pt")
print(small)
`;
const SMALL = `
import torch
torch.manual_seed(0)
state = {k: v for k, v in torch.nn.LSTM(256, 512).state_dict().items()}
state.update({k: v for k, v in torch.nn.Linear(512, 10).state_dict().items()})
print(sum(v.numel() * 4 for v in state.values()))
`;

function load() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

async function main() {
  const workspace = KEEP_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'gate-lens-model-bench-'));
  try {
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    copyFileSync(path.join(ROOT, 'test-workspace/.vscode/settings.json'), path.join(workspace, '.vscode/settings.json'));
    copyFileSync(path.join(ROOT, 'test/fixtures/models/safetensors_lstm_bidi.safetensors'), path.join(workspace, 'warmup.safetensors'));
    const t0 = Date.now();
    const reuse = KEEP_DIR && FILES.every((f) => existsSync(path.join(workspace, f)));
    const written = spawnSync('python3', ['-c', reuse ? SMALL : WRITE, workspace, String(Math.round(GB * 2 ** 30))], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    if (written.status !== 0) throw new Error(`writing the files failed: ${written.stderr.slice(-2000)}`);
    const recurrentBytes = Number(written.stdout.trim().split('\n').pop());
    console.log(`${reuse ? 'reused' : 'wrote'} ${FILES.join(', ')} (${reuse ? 'as found in' : `${GB} GB each, in`} ${workspace}; ${(recurrentBytes / 2 ** 20).toFixed(1)} MB of LSTM + head) in ${((Date.now() - t0) / 1000).toFixed(0)} s; load ${load()}`);
    const resultFile = path.join(workspace, '.vscode/bench-result.json');
    const loadBefore = load();
    const { code } = await runInExtensionHost('bench-model-editor', {
      testsPath: path.join(ROOT, 'out/test/extension/modelBench.main.js'), workspace, echo: false,
      extraEnv: { GATE_LENS_BENCH_RESULT: resultFile, GATE_LENS_BENCH_FILES: FILES.join(',') },
    });
    await cleanup();
    if (!existsSync(resultFile)) throw new Error(`the extension-host bench wrote no result (exit ${code}); see .vscode-test/logs/bench-model-editor.log`);
    const result = { ...JSON.parse(readFileSync(resultFile, 'utf8')), loadBefore, loadAfter: load(), cpus: os.cpus().length, recurrentMB: +(recurrentBytes / 2 ** 20).toFixed(1) };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(path.join(OUT_DIR, 'model-editor.json'), JSON.stringify(result, null, 1));
    console.log(`\nGate Lens Model editor, VS Code ${result.vscode} (code-server), Node ${result.node}; load average ${loadBefore} → ${result.loadAfter} on ${result.cpus} cores`);
    console.log(`extension host rss idle ${result.idle.rssMB} MB, after a warm-up open ${result.afterWarmup.rssMB} MB`);
    console.log('file               size     open → layer table   → first heatmap   read       rss before → after (peak)   heap after   recurrent layers');
    for (const name of FILES) {
      const r = result[name];
      if (!r || r.error) { console.log(`${name.padEnd(18)} error: ${r?.error}`); continue; }
      console.log(`${name.padEnd(18)} ${`${r.sizeMB} MB`.padEnd(8)} ${`${r.openToLayerTableMs} ms`.padEnd(20)} ${`${r.openToFirstHeatmapMs ?? '-'} ms`.padEnd(17)} ${`${r.bytesReadMB} MB`.padEnd(10)} ${`${r.memoryBefore.rssMB} → ${r.memoryAfter.rssMB} MB (${r.peakRssMB})`.padEnd(27)} ${`${r.memoryAfter.heapUsedMB} MB`.padEnd(12)} ${r.recurrent.join(', ')}`);
    }
    console.log('\nwhere the time went (ms from vscode.openWith; "-" = did not happen):');
    const steps = Object.keys(FILES.map((f) => result[f]?.phases).find(Boolean) ?? {});
    console.log(`${'step'.padEnd(22)} ${FILES.map((f) => f.padStart(16)).join(' ')}`);
    for (const step of steps) console.log(`${step.padEnd(22)} ${FILES.map((f) => String(result[f]?.phases?.[step] ?? '-').padStart(16)).join(' ')}`);
  } finally {
    if (KEEP_DIR) console.log(`kept ${workspace}`);
    else {
      rmSync(workspace, { recursive: true, force: true });
      console.log(`deleted ${workspace}`);
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
