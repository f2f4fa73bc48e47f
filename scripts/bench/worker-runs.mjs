// A second run of the same layer in the stateful worker (issue 11 item 5): the product's own worker bundle
// (dist/worker.js) holds the document's analysis, a run sends {source, layer id, input}, and the forward pass's
// per-layer caches (plan and validation, packed weights) are built on the first run only. Before, every run
// structure-cloned the layer into the worker, so every run paid the first-run costs plus the clone.
//   node scripts/bench/worker-runs.mjs [--json] [--quick]
// Printed: the worker's analysis time, each run's round trip (host → worker → trace back), and, in this process for
// comparison, what the old path cost per run: structuredClone of the layer + a run on that fresh copy. Wall time
// (the work is on another thread) and the process's CPU time (both threads); the load average is printed with the
// figures; the ratio is within one run.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCore } from './bundle.mjs';
import { kerasPaste } from './paste.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const log = (...a) => (json ? console.error(...a) : console.log(...a));
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** CPU time of this process, both threads (host and worker): on a shared machine wall time mostly measures the others. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

const H = quick ? 128 : 512, D = 32, T = 100, RUNS = quick ? 3 : 7;

async function main() {
  const script = join(root, 'dist/worker.js');
  if (!existsSync(script)) throw new Error('dist/worker.js is missing: npm run build first');
  const core = await loadCore(root);
  const { text } = kerasPaste(D, H, T, 5);
  const worker = new Worker(script);
  const client = new core.channel.RequestClient((m, transfer) => worker.postMessage(m, transfer ?? []));
  worker.on('message', (m) => client.receive(m));
  const source = { uri: 'file:///bench/paste.py', revision: '1' };
  log(`Stateful worker: Keras LSTM(${H}) over D=${D}, T=${T} from a ${(text.length / 1e6).toFixed(1)} MB paste; load ${load()}`);
  try {
    let t0 = performance.now();
    const analysis = await client.request('analyze', { source, text, options: { languageId: 'python' } });
    const analyzeMs = performance.now() - t0;
    const layer = analysis.recognition.layers[0];
    if (!layer || layer.units !== H) throw new Error(`expected one LSTM(${H}), got ${analysis.recognition.layers.map((l) => `${l.cell}(${l.units})`).join(', ')}`);
    const x = analysis.parse.arrays.findIndex((a) => a.name === 'x');
    const request = { layerId: layer.id, input: { kind: 'array', arrayIndex: x } };
    const runMs = [], runCpuMs = [];
    for (let k = 0; k < RUNS; k++) {
      t0 = performance.now();
      const c0 = cpuMs();
      const result = await client.request('run', { source, request });
      runCpuMs.push(cpuMs() - c0);
      runMs.push(performance.now() - t0);
      if (result.output.steps !== T) throw new Error('the run returned the wrong number of steps');
    }
    // The old path, in this process: the layer cloned as postMessage cloned it, then a traced run on the copy.
    const input = { data: Float64Array.from(analysis.parse.arrays[x].values), batch: 1, steps: T, features: D };
    const oldMs = [], cloneMs = [];
    for (let k = 0; k < RUNS; k++) {
      t0 = performance.now();
      const copy = structuredClone(layer.layer);
      const t1 = performance.now();
      core.forward.runLayer(copy, input, { trace: true });
      oldMs.push(performance.now() - t0);
      cloneMs.push(t1 - t0);
    }
    const warm = median(runMs.slice(1));
    const row = {
      case: `lstm H=${H} D=${D} T=${T}`, textMB: +(text.length / 1e6).toFixed(1), analyzeMs: Math.round(analyzeMs),
      firstRunMs: +runMs[0].toFixed(1), secondRunMs: +runMs[1].toFixed(1), laterRunsMedianMs: +warm.toFixed(1),
      savedMs: +(runMs[0] - warm).toFixed(1), firstToLaterRatio: +(runMs[0] / warm).toFixed(2),
      firstRunCpuMs: +runCpuMs[0].toFixed(1), laterRunsMedianCpuMs: +median(runCpuMs.slice(1)).toFixed(1),
      clonedLayerRunMedianMs: +median(oldMs).toFixed(1), cloneMedianMs: +median(cloneMs).toFixed(1), clonedToStatefulRatio: +(median(oldMs) / warm).toFixed(2),
      load: load(),
    };
    if (json) console.log(JSON.stringify({ bench: 'worker-runs', ...row }));
    else {
      log(`  analysis in the worker: ${row.analyzeMs} ms`);
      log(`  run 1 (caches cold): ${row.firstRunMs} ms; run 2: ${row.secondRunMs} ms; runs 2–${RUNS} median ${row.laterRunsMedianMs} ms — ${row.savedMs} ms saved per run, ${row.firstToLaterRatio}× (round trips, wall)`);
      log(`  CPU time of both threads per round trip: run 1 ${row.firstRunCpuMs} ms, runs 2–${RUNS} median ${row.laterRunsMedianCpuMs} ms`);
      log(`  the old path (clone the layer, run the copy; in-process, no round trip): median ${row.clonedLayerRunMedianMs} ms, of which the clone ${row.cloneMedianMs} ms — ${row.clonedToStatefulRatio}× a later stateful run`);
      log(`  load at end: ${row.load}`);
    }
  } finally {
    await worker.terminate();
  }
}

await main();
