// `npm run bench`: Gate Lens against its peers on the same weights, in one process, single-threaded.
//   npm run bench                  tables (time per pass, µs/step, GFLOP/s, ratios)
//   npm run bench -- --json        one JSON object per line: {engine, case, cell, H, D, T, medianMs, usPerStep, gflops}
//   npm run bench -- --markdown    the tables as Markdown (docs/benchmarks.md)
//   npm run bench -- --quick       one short round (smoke test of the setup; figures are rough)
//   npm run bench -- --wall        report wall-clock instead of process CPU time
//   npm run bench -- --no-parse    skip the parsing benchmark (scripts/bench/parse.mjs) that otherwise runs last
//   npm run bench -- --no-text     skip the text-pipeline benchmark (scripts/bench/text-pipeline.mjs) that runs after it
//   npm run bench -- --no-python   run the text-pipeline benchmark without its Python side (python3 + NumPy)
//   npm run bench -- --no-worker   skip the stateful-worker benchmark (scripts/bench/worker-runs.mjs) that runs last
//   npm run bench -- --no-panel    skip the step-through panel benchmarks (step-layout.mjs at 512 units, playback.mjs at
//                                  60 steps/s and 128 units; headless Chromium, the standalone webview preview)
//   npm run bench -- --no-vscode   skip the real-VS-Code benchmarks (responsiveness.mjs: first hover on a 20 MB file,
//                                  Step Through's first render; first-render.mjs: that render next to VS Code's own
//                                  minimal webview, also on VS Code's host page as fixed upstream); they run only where
//                                  code-server is set up. BENCH_CODE_SERVER=CS[=NODE] also runs the first render on
//                                  that code-server install (a newer VS Code; NODE: the Node it needs)
//   npm run bench -- --no-chromium skip the Chromium column (headless /usr/bin/chromium, scripts/bench/chromium.mjs)
//   npm run bench -- --engines=gatelens-f64,numpy-f64   only these engines (a quick look; full runs keep them all)
//   npm run bench -- --cases=H=128,stream               only cases whose name contains one of these strings
// Every engine's output is first checked against the Gate Lens float64 core (max |diff| ≤ 1e-4); an engine that
// disagrees is reported as a mismatch, never timed, so a broken peer setup cannot produce a meaningless number.
// Peers (tfjs, onnxruntime) live in bench/ with their own lockfile, installed here on first use.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadCore } from './bundle.mjs';
import { buildCase, gateLensRunner } from './cases.mjs';
import { CHROMIUM as CHROMIUM_PATH, runChromium } from './chromium.mjs';
import { recurrentModel } from './onnx-model.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const markdown = args.includes('--markdown');
const quick = args.includes('--quick');
// Several rounds: each engine is timed once per round, in a rotating order, and ratios are medians over rounds.
const ROUNDS = quick ? 1 : 5;
// Each measurement repeats calls until this much CPU time was used (or 6× as much wall time passed).
const MIN_MS = quick ? 30 : 200;
// CPU time (process.cpuUsage, user + system) is the figure reported: these runs are single-threaded, so on an idle
// machine it equals the wall time, and on a shared one it leaves out the time other processes held the core.
// --wall reports wall-clock time instead.
const useWall = args.includes('--wall');
const listArg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',').filter(Boolean);
const onlyEngines = listArg('engines');
const onlyCases = listArg('cases');
const TOLERANCE = 1e-4;
const log = (...a) => (json ? console.error(...a) : console.log(...a));

// ---------------------------------------------------------------------------------------------------------------
// Setup

function ensurePeers() {
  const dir = join(root, 'bench');
  if (existsSync(join(dir, 'node_modules'))) return;
  log('Installing the peer runtimes into bench/node_modules (npm ci, once)…');
  // onnxruntime-node's install script would fetch CUDA binaries; the CPU binary ships in the package.
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: dir, stdio: ['ignore', json ? 'ignore' : 'inherit', 'inherit'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  if (r.status !== 0) throw new Error('npm ci in bench/ failed; see the output above');
}

function machine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8' });
  if (lscpu.status === 0) {
    const field = (name) => lscpu.stdout.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim();
    const family = field('CPU family'), cpuModel = field('Model');
    const hypervisor = field('Hypervisor vendor');
    model = `${field('Model name') ?? model}${family ? ` (family ${family}, model ${cpuModel})` : ''}${hypervisor ? ` under ${hypervisor}` : ''}, ` +
      `${field('CPU\\(s\\)') ?? cpus().length} logical CPUs` +
      `${field('L2 cache') ? `, L2 ${field('L2 cache')}` : ''}${field('L3 cache') ? `, L3 ${field('L3 cache')}` : ''}` +
      `${/avx512f/.test(lscpu.stdout) ? ', AVX-512' : /avx2/.test(lscpu.stdout) ? ', AVX2' : ''}`;
  }
  return `${model}; Node ${process.version}`;
}

const SIZES = [[3, 1, 1], [32, 16, 100], [128, 64, 100], [512, 256, 100]];
const STREAM = { H: 64, D: 32, T: 1000 };

// Weights and inputs from the core's seeded mulberry32 (scripts/bench/cases.mjs), so every engine gets exactly the same.
function makeCases(core) {
  const cases = [];
  let seed = 1;
  for (const cell of ['lstm', 'gru']) {
    const shapes = [...SIZES.map(([H, D, T]) => ({ H, D, T, streaming: false })), { ...STREAM, streaming: true }];
    for (const { H, D, T, streaming } of shapes) {
      const spec = { cell, H, D, T, streaming, seed: seed++ };
      const { layer, x, G } = buildCase(core.mulberry32Signed, spec);
      const name = streaming ? `${cell} stream H=${H} D=${D} (${T} calls)` : `${cell} H=${H} D=${D} T=${T}`;
      cases.push({ name, cell, H, D, T, G, streaming, spec, layer, x, flopsPerStep: 2 * G * H * (D + H) });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------
// Engines. setup(c) returns { run() → outputs T×H, sync } or throws; run() for a streaming case makes T one-step calls.

function gateLensF64(core, kernels, label, reuse = false) {
  return {
    name: label, title: `Gate Lens f64 + trace (${kernels.name} kernels${reuse ? '; each call writes into the memory of an earlier call: the one before, for a streaming step the one two before' : ''})`, ours: true,
    setup(c) {
      return { sync: true, run: gateLensRunner(core.forward.runLayer, kernels, c, c, reuse) };
    },
  };
}

function gateLensF32(core) {
  return {
    name: 'gatelens-f32', title: 'Gate Lens f32 fast mode', ours: true,
    setup(c) {
      const { layer, x, T, D, H } = c;
      const runner = core.fast32.prepareFast32(layer);
      this.title = `Gate Lens f32 fast mode (${runner.engine})`;
      if (!c.streaming) return { sync: true, run: () => runner.run(x, T) };
      const xs = Array.from({ length: T }, (_, t) => Float32Array.from(x.subarray(t * D, (t + 1) * D)));
      return {
        sync: true,
        run() {
          const out = new Float32Array(T * H);
          const state = { h: new Float32Array(H), c: c.cell === 'lstm' ? new Float32Array(H) : undefined };
          for (let t = 0; t < T; t++) out.set(runner.run(xs[t], 1, state), t * H);
          return out;
        },
      };
    },
  };
}

/** Keras layout: kernel (D, G·H) = Wᵀ, recurrent_kernel (H, G·H) = Rᵀ, same gate order (i,f,c,o / z,r,h). */
function transpose(A, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = A[r * cols + k];
  return out;
}

function tfjsEngine(tf, backend, wasmReady) {
  return {
    name: `tfjs-${backend}`, title: `tfjs-layers ${backend.toUpperCase()}`, ours: false,
    async activate() {
      if (backend === 'wasm') await wasmReady();
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
    async setup(c) {
      await this.activate();
      const { layer, x, T, D, H, G, cell } = c;
      const d = layer.directions[0];
      const config = {
        units: H, returnSequences: true, recurrentActivation: 'sigmoid',
        kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros',
        ...(cell === 'gru' ? { resetAfter: true } : {}),
        ...(c.streaming ? { stateful: true, batchInputShape: [1, 1, D] } : {}),
      };
      const rnn = cell === 'lstm' ? tf.layers.lstm(config) : tf.layers.gru(config);
      const steps = c.streaming ? 1 : T;
      tf.tidy(() => rnn.apply(tf.zeros([1, steps, D]))); // builds the weights (and throws for GRU reset_after)
      // Keras LSTM adds one bias; the same sum bW + bR gives the same function.
      const bias = Float32Array.from(d.bW, (v, m) => v + d.bR[m]);
      rnn.setWeights([tf.tensor2d(transpose(d.W, G * H, D), [D, G * H]), tf.tensor2d(transpose(d.R, G * H, H), [H, G * H]), tf.tensor1d(bias)]);
      if (!c.streaming) {
        const input = tf.tensor3d(Float32Array.from(x), [1, T, D]);
        return { sync: true, run: () => tf.tidy(() => rnn.apply(input)).dataSync() };
      }
      const xs = Array.from({ length: T }, (_, t) => tf.tensor3d(Float32Array.from(x.subarray(t * D, (t + 1) * D)), [1, 1, D]));
      return {
        sync: true,
        run() {
          rnn.resetStates();
          const out = new Float32Array(T * H);
          for (let t = 0; t < T; t++) {
            const y = rnn.apply(xs[t]);
            out.set(y.dataSync(), t * H);
            y.dispose();
          }
          return out;
        },
      };
    },
  };
}

/** ONNX layout: W [1, G·H, D] with LSTM gates i,o,f,c (canonical i,f,c,o → blocks 0,3,1,2), GRU z,r,h as is. */
function onnxWeights(c) {
  const { layer, H, D, G, cell } = c;
  const d = layer.directions[0];
  const order = cell === 'lstm' ? [0, 3, 1, 2] : [0, 1, 2];
  const permute = (A, cols) => {
    const out = new Float32Array(G * H * cols);
    order.forEach((src, dst) => out.set(A.subarray(src * H * cols, (src + 1) * H * cols), dst * H * cols));
    return out;
  };
  const B = new Float32Array(2 * G * H);
  B.set(permute(d.bW, 1), 0);
  B.set(permute(d.bR, 1), G * H);
  return { W: permute(d.W, D), R: permute(d.R, H), B };
}

function ortEngine(ort, name, title, sessionOptions) {
  return {
    name, title, ours: false,
    async setup(c) {
      const { x, T, D, H, cell } = c;
      const steps = c.streaming ? 1 : T;
      // GRU: linear_before_reset=1 is Keras reset_after=True (gate-conventions.md §1b).
      const model = recurrentModel({ cell, H, D, T: steps, ...onnxWeights(c), linearBeforeReset: true });
      const session = await ort.InferenceSession.create(model, sessionOptions);
      const zeros = () => new ort.Tensor('float32', new Float32Array(H), [1, 1, H]);
      const feedsFor = (X, h, cState) => (cell === 'lstm' ? { X, initial_h: h, initial_c: cState } : { X, initial_h: h });
      if (!c.streaming) {
        const feeds = feedsFor(new ort.Tensor('float32', Float32Array.from(x), [T, 1, D]), zeros(), zeros());
        return { sync: false, run: async () => (await session.run(feeds)).Y.data };
      }
      const xs = Array.from({ length: T }, (_, t) => new ort.Tensor('float32', Float32Array.from(x.subarray(t * D, (t + 1) * D)), [1, 1, D]));
      return {
        sync: false,
        async run() {
          const out = new Float32Array(T * H);
          let h = zeros(), cs = zeros();
          for (let t = 0; t < T; t++) {
            const r = await session.run(feedsFor(xs[t], h, cs));
            h = r.Y_h;
            if (cell === 'lstm') cs = r.Y_c;
            out.set(r.Y.data, t * H);
          }
          return out;
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// NumPy (a Python process that stays up and is timed between our engines, round by round; optional)

function numpyAvailable() {
  const r = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * NumPy as one more engine of the interleaved rounds: scripts/bench/numpy_bench.py --serve times a case when asked,
 * while this process waits, so both sides see the same moment of a shared machine's load.
 */
function numpyEngine(cases) {
  const dir = join(root, 'out/bench/numpy');
  mkdirSync(dir, { recursive: true });
  const manifest = { minSeconds: MIN_MS / 1000, cases: [] };
  cases.forEach((c, k) => {
    const d = c.layer.directions[0];
    const files = {};
    for (const [key, arr] of Object.entries({ W: d.W, R: d.R, bW: d.bW, bR: d.bR, x: c.x })) {
      files[key] = join(dir, `case${k}-${key}.f64`);
      writeFileSync(files[key], new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    }
    manifest.cases.push({ name: c.name, cell: c.cell, H: c.H, D: c.D, T: c.T, streaming: c.streaming, files, out: join(dir, `case${k}-out.f64`) });
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  let python;
  let waiting;
  let failed;
  const start = () => {
    python = spawn('python3', [join(root, 'scripts/bench/numpy_bench.py'), '--serve', join(dir, 'manifest.json')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    python.stderr.on('data', (b) => (stderr += b));
    python.on('exit', (code) => {
      failed = new Error(`numpy_bench.py stopped (exit ${code}): ${stderr.trim().split('\n').pop()}`);
      waiting?.reject(failed);
    });
    createInterface({ input: python.stdout }).on('line', (line) => {
      const w = waiting;
      waiting = undefined;
      w?.resolve(JSON.parse(line));
    });
  };
  const ask = (op, k) => {
    if (!python) start();
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      python.stdin.write(`${op} ${k}\n`);
    });
  };
  return {
    name: 'numpy-f64', title: 'NumPy float64 (OpenBLAS, 1 thread; timed in its own process between our engines)', ours: false,
    async setup(c) {
      const k = cases.indexOf(c);
      await ask('setup', k);
      const buf = readFileSync(manifest.cases[k].out);
      const output = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
      return { sync: false, run: async () => output, measure: async () => { const r = await ask('time', k); return { cpu: r.cpuMs, wall: r.wallMs }; } };
    },
    stop() {
      python?.stdin.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement

function maxDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d; // NaN propagates as the worst
  }
  return worst;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

/** Per-call time of one measurement: { cpu, wall } in ms. */
async function timeOnce(prepared) {
  if (prepared.measure) return prepared.measure();
  const w0 = performance.now(), c0 = cpuMs();
  let reps = 0, wall = 0, cpu = 0;
  do {
    if (prepared.sync) prepared.run();
    else await prepared.run();
    reps++;
    wall = performance.now() - w0;
    cpu = cpuMs() - c0;
  } while ((cpu < MIN_MS && wall < 6 * MIN_MS) || reps < 3);
  return { cpu: cpu / reps, wall: wall / reps };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  ensurePeers();
  const core = await loadCore(root);
  if (!core.forward || !core.fast32) throw new Error('src/core/forward.ts and src/core/fast32.ts are needed');
  // The kernels the gate-lens command runs in this Node: it turns Node 20's relaxed SIMD on (src/cli/relaxedSimd.ts),
  // and Node ≥ 22 ships it. The plain build beside them is what a host without relaxed SIMD runs.
  const relaxed = core.enableRelaxedSimd?.() ?? 'unavailable';
  const wasm = core.wasmKernels();
  if (!wasm) throw new Error('WebAssembly SIMD is unavailable in this Node; the benchmark needs it');
  const plain = core.createWasmKernels(new core.WasmRuntime(new WebAssembly.Instance(new WebAssembly.Module(core.KERNEL_MODULES.simd)).exports, {}, 'simd'));
  const peers = createRequire(join(root, 'bench/package.json'));
  const tf = peers('@tensorflow/tfjs');
  const tfWasm = peers('@tensorflow/tfjs-backend-wasm');
  tfWasm.setWasmPaths(join(dirname(peers.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  tfWasm.setThreadsCount?.(1);
  let wasmInit;
  const wasmReady = () => (wasmInit ??= tf.setBackend('wasm').then((ok) => { if (!ok) throw new Error('tfjs wasm backend failed to initialise'); }));
  const ortNode = peers('onnxruntime-node');
  const ortWeb = peers('onnxruntime-web');
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = 'error';
  ortNode.env.logLevel = 'error';
  const single = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };

  const engines = [
    gateLensF64(core, wasm, 'gatelens-f64'),
    gateLensF64(core, wasm, 'gatelens-f64-reuse', true),
    gateLensF64(core, plain, 'gatelens-f64-plain-reuse', true),
    gateLensF64(core, core.jsKernels, 'gatelens-f64-js'),
    gateLensF32(core),
    tfjsEngine(tf, 'cpu', wasmReady),
    tfjsEngine(tf, 'wasm', wasmReady),
    ortEngine(ortNode, 'ort-node', 'onnxruntime-node (CPU)', { ...single, executionProviders: ['cpu'] }),
    ortEngine(ortWeb, 'ort-web', 'onnxruntime-web (WASM)', { ...single, executionProviders: ['wasm'] }),
  ];
  const cases = makeCases(core).filter((c) => !onlyCases || onlyCases.some((k) => c.name.includes(k)));
  if (onlyEngines) engines.splice(0, engines.length, ...engines.filter((e) => onlyEngines.includes(e.name)));
  log(`Machine: ${machine()}`);
  log(`Kernels of the gate-lens command in this Node: ${wasm.name} (relaxed SIMD: ${relaxed}); beside them the plain build (${plain.name}).`);
  // The machines are shared: a high load average means every figure below is inflated and noisier.
  log(`Load average at start: ${loadavg().map((v) => v.toFixed(2)).join(', ')} (${cpus().length} logical CPUs)`);
  log(`Single thread; ${ROUNDS} interleaved round(s) of ≥ ${MIN_MS} ms per engine and case; medians of ${useWall ? 'wall-clock' : 'process CPU'} time. Outputs checked against the Gate Lens float64 core to ${TOLERANCE}.`);

  const wantNumpy = !onlyEngines || onlyEngines.includes('numpy-f64');
  let numpy;
  if (wantNumpy && numpyAvailable()) {
    numpy = numpyEngine(cases);
    engines.push(numpy);
  } else if (wantNumpy) {
    log('python3 with numpy not found: the NumPy column is skipped.');
  }
  // The extension's worker for most users runs in Chromium/Electron's V8 (relaxed-simd: fused multiply-add).
  const external = new Map();
  for (const reuse of [false, true]) {
    const name = reuse ? 'gatelens-f64-chromium-reuse' : 'gatelens-f64-chromium';
    if ((onlyEngines && !onlyEngines.includes(name)) || args.includes('--no-chromium')) continue;
    log(`Running the float64 engine in headless Chromium (separate process${reuse ? ', each call into the previous call\'s memory' : ''})…`);
    const chrome = await runChromium(root, cases, { rounds: ROUNDS, minMs: MIN_MS, log: json ? undefined : log, reuse });
    if (chrome.skipped) log(`The Chromium column is skipped: ${chrome.skipped}.`);
    else {
      const kernels = [...new Set([...chrome.results.values()].map((r) => r.kernels).filter(Boolean))].join(', ');
      engines.push({ name, title: `Gate Lens f64 + trace in a Web Worker of headless Chromium ${chrome.version} (${kernels} kernels; renderer CPU time${reuse ? '; each call writes into the memory of an earlier call: the one before, for a streaming step the one two before' : ''})`, ours: true, external: true });
      external.set(name, new Map([...chrome.results].map(([n, r]) => [n, r.unsupported ? r : { output: r.output, samplesMs: useWall ? r.wallSamples : r.samples, wallMs: r.wallSamples, firstMs: r.firstMs, warmedFirstMs: r.warmedFirstMs }])));
    }
  }

  /** results[case][engine] = { medianMs } | { unsupported } | { mismatch } */
  const results = new Map();
  for (const c of cases) {
    const row = new Map();
    results.set(c.name, row);
    // The reference: the plain kernels (no fused multiply-add), as in the tables of earlier sessions.
    const reference = core.forward.runLayer(c.layer, { data: c.x, batch: 1, steps: c.T, features: c.D }, { kernels: plain }).output.data;
    const prepared = [];
    for (const e of engines) {
      if (e.external) {
        const r = external.get(e.name)?.get(c.name);
        const err = r?.output ? maxDiff(r.output, reference) : Infinity;
        if (!r) row.set(e.name, { unsupported: 'no result' });
        else if (r.unsupported) row.set(e.name, { unsupported: r.unsupported });
        else if (err > TOLERANCE) row.set(e.name, { mismatch: err });
        else row.set(e.name, { samples: r.samplesMs, wallSamples: r.wallMs, maxDiff: err, external: true, firstMs: r.firstMs, warmedFirstMs: r.warmedFirstMs });
        continue;
      }
      try {
        await e.activate?.();
        const p = await e.setup(c);
        const out = p.sync ? p.run() : await p.run();
        const err = maxDiff(out, reference);
        if (err > TOLERANCE) row.set(e.name, { mismatch: err });
        else { row.set(e.name, { samples: [], wallSamples: [], maxDiff: err }); prepared.push([e, p]); }
      } catch (error) {
        row.set(e.name, { unsupported: String(error?.message ?? error).split('\n')[0] });
      }
    }
    // Warm up (JIT, wasm tier-up), then interleave the engines round by round so drift hits them all alike.
    for (const [e, p] of prepared) { await e.activate?.(); await timeOnce(p); }
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with a different engine, so no engine always follows the same neighbour (whose garbage
      // and cache footprint it would inherit).
      const order = prepared.map((_, k) => prepared[(k + round) % prepared.length]);
      for (const [e, p] of order) {
        await e.activate?.();
        const t = await timeOnce(p);
        row.get(e.name).samples.push(useWall ? t.wall : t.cpu);
        row.get(e.name).wallSamples.push(t.wall);
      }
    }
    for (const [name, r] of row) {
      if (!r.samples) continue;
      const perCall = c.streaming && name !== 'numpy-f64' ? c.T : 1; // numpy_bench.py already divides
      const ms = median(r.samples) / perCall;
      r.perCallSamples = r.samples.map((v) => v / perCall);
      r.medianMs = ms;
      r.wallMs = median(r.wallSamples) / perCall;
      r.usPerStep = c.streaming ? ms * 1e3 : (ms * 1e3) / c.T;
      r.gflops = (c.flopsPerStep * (c.streaming ? 1 : c.T)) / (ms * 1e6);
    }
    if (json) {
      for (const e of engines) {
        const r = row.get(e.name);
        const base = { engine: e.name, case: c.name, cell: c.cell, H: c.H, D: c.D, T: c.streaming ? 1 : c.T };
        if (r.medianMs !== undefined) {
          console.log(JSON.stringify({
            ...base, medianMs: +r.medianMs.toPrecision(4), usPerStep: +r.usPerStep.toPrecision(4), gflops: +r.gflops.toPrecision(3),
            clock: useWall ? 'wall' : 'cpu', wallMs: +r.wallMs.toPrecision(4), streaming: c.streaming, maxDiff: r.maxDiff,
            ...(r.firstMs !== undefined ? { firstMs: +r.firstMs.toPrecision(4), warmedFirstMs: +r.warmedFirstMs.toPrecision(4) } : {}),
          }));
        } else {
          console.log(JSON.stringify({ ...base, medianMs: null, usPerStep: null, gflops: null, streaming: c.streaming, ...(r.unsupported ? { unsupported: r.unsupported } : { mismatch: r.mismatch }) }));
        }
      }
    } else {
      log(`  done: ${c.name}`);
    }
  }
  numpy?.stop();
  if (!json) printTables(engines, cases, results);
  log(`Load average at end: ${loadavg().map((v) => v.toFixed(2)).join(', ')}`);

  const parse = join(root, 'scripts/bench/parse.mjs');
  if (existsSync(parse) && !args.includes('--no-parse')) {
    log('\nParsing benchmark (scripts/bench/parse.mjs):');
    const r = spawnSync(process.execPath, [parse, ...args.filter((a) => a !== '--no-parse')], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
  // The text pipeline end to end (inspect at scale, inspect MB/s, run against exec + NumPy): its own script.
  const textPipeline = join(root, 'scripts/bench/text-pipeline.mjs');
  if (existsSync(textPipeline) && !args.includes('--no-text')) {
    log('\nText pipeline benchmark (scripts/bench/text-pipeline.mjs):');
    const r = spawnSync(process.execPath, [textPipeline, ...args.filter((a) => a === '--json' || a === '--quick' || a === '--no-python')], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
  // A second run of the same 512-unit layer in the product's stateful worker against the first (cold caches).
  const workerRuns = join(root, 'scripts/bench/worker-runs.mjs');
  if (existsSync(workerRuns) && !args.includes('--no-worker')) {
    log('\nStateful worker benchmark (scripts/bench/worker-runs.mjs):');
    const r = spawnSync(process.execPath, [workerRuns, ...args.filter((a) => a === '--json' || a === '--quick')], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
  if (!args.includes('--no-panel') && !args.includes('--no-chromium') && existsSync(CHROMIUM_PATH)) runPanelBenchmarks();
  const codeServer = process.env.CS_DIR ?? join(root, 'tools/code-server');
  if (!args.includes('--no-vscode') && !args.includes('--no-chromium') && existsSync(join(codeServer, 'node_modules'))) {
    log('\nResponsiveness in a real VS Code (scripts/bench/responsiveness.mjs):');
    const r = spawnSync(process.execPath, [join(root, 'scripts/bench/responsiveness.mjs')], { stdio: ['ignore', json ? 2 : 1, 2], cwd: root });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
    else emitResultFile('responsiveness');
    log("\nStep Through's first render next to VS Code's own minimal webview (scripts/bench/first-render.mjs):");
    // Its table goes where responsiveness.mjs's goes (stderr under --json); the figures follow as one JSON line.
    // --sw-fix: also on VS Code 1.100's webview host page as fixed upstream (simulated); BENCH_CODE_SERVER=CS[=NODE]:
    // also on a newer code-server install, which has the fix itself.
    const firstRender = ['--rounds', quick ? '1' : '2', '--opens', quick ? '1' : '3', '--sw-fix',
      ...(process.env.BENCH_CODE_SERVER ? ['--code-server', process.env.BENCH_CODE_SERVER] : [])];
    const f = spawnSync(process.execPath, [join(root, 'scripts/bench/first-render.mjs'), ...firstRender], { stdio: ['ignore', json ? 2 : 1, 2], cwd: root });
    if (f.status !== 0) process.exitCode = f.status ?? 1;
    else emitResultFile('first-render');
  }
}

/** Under --json, a VS Code benchmark's figures (its tables went to stderr) as one JSON line, like every other figure. */
function emitResultFile(benchmark) {
  if (!json) return;
  const file = join(root, 'test-results/bench', `${benchmark}.json`);
  if (existsSync(file)) console.log(JSON.stringify({ benchmark, ...JSON.parse(readFileSync(file, 'utf8')) }));
}

/**
 * The step-through panel in headless Chromium (the real webview bundle in the standalone preview): per-step work at
 * 512 units split by kind (our script, style, layout, paint), and playback at 60 steps/s at 128 units (dropped frames).
 */
function runPanelBenchmarks() {
  const quick = args.includes('--quick');
  const preview = spawnSync(process.execPath, [join(root, 'scripts/webview-preview.mjs')], { stdio: 'ignore', cwd: root });
  if (preview.status !== 0) { log('\nPanel benchmarks skipped: scripts/webview-preview.mjs failed'); return; }
  log('\nStep-through panel, per step at 512 units (scripts/bench/step-layout.mjs):');
  let r = spawnSync(process.execPath, [join(root, 'scripts/bench/step-layout.mjs'), '--rounds', quick ? '1' : '3', '--steps', quick ? '10' : '40'], { stdio: ['ignore', json ? 2 : 1, 2], cwd: root });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
  log('\nStep-through panel, playing at 60 steps/s at 128 units (scripts/bench/playback.mjs):');
  r = spawnSync(process.execPath, [join(root, 'scripts/bench/playback.mjs'), '--rounds', quick ? '1' : '3', ...(json ? ['--json'] : [])], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Output

function fmtTime(ms) {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 0.01) return `${(ms * 1e3).toFixed(1)} µs`;
  return `${(ms * 1e3).toFixed(2)} µs`;
}

function cellText(r, show) {
  if (!r) return '—';
  if (r.unsupported) return 'unsupported';
  if (r.mismatch !== undefined) return `MISMATCH ${r.mismatch.toExponential(1)}`;
  return show(r);
}

function table(headers, rows) {
  if (markdown) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Peer time / our time: the median of the per-round ratios where both were timed in the same rounds of this process
 * (neighbours in time, so load changes cancel), else the ratio of the medians (engines timed in another process).
 */
function speedRatio(mine, theirs) {
  const a = mine.perCallSamples, b = theirs.perCallSamples;
  if (!mine.external && !theirs.external && a && b && a.length === b.length && a.length > 0) return median(a.map((v, k) => b[k] / v));
  return theirs.medianMs / mine.medianMs;
}

function printTables(engines, cases, results) {
  const head = ['case', ...engines.map((e) => e.name)];
  const rowsOf = (show) => cases.map((c) => [c.name, ...engines.map((e) => cellText(results.get(c.name).get(e.name), show))]);
  console.log('\nTime per pass (streaming: per one-step call), median');
  console.log(table(head, rowsOf((r) => fmtTime(r.medianMs))));
  console.log('\nµs per step');
  console.log(table(head, rowsOf((r) => r.usPerStep.toFixed(r.usPerStep < 10 ? 2 : 1))));
  console.log('\nGFLOP/s (2·G·H·(D+H) per step)');
  console.log(table(head, rowsOf((r) => r.gflops.toFixed(r.gflops < 1 ? 3 : 2))));
  for (const ours of ['gatelens-f64', 'gatelens-f64-reuse', 'gatelens-f64-plain-reuse', 'gatelens-f64-chromium', 'gatelens-f64-chromium-reuse', 'gatelens-f32']) {
    if (!engines.some((e) => e.name === ours)) continue;
    const peers = engines.filter((e) => !e.ours);
    console.log(`\n${ours}: speed ratio to each peer (peer time / our time; > 1 = Gate Lens faster)`);
    const rows = cases.map((c) => {
      const mine = results.get(c.name).get(ours);
      return [c.name, ...peers.map((p) => {
        const theirs = results.get(c.name).get(p.name);
        if (!mine?.medianMs) return '—';
        if (!theirs?.medianMs) return theirs?.unsupported ? 'unsupported' : '—';
        return `${speedRatio(mine, theirs).toFixed(2)}×`;
      })];
    });
    console.log(table(['case', ...peers.map((p) => p.name)], rows));
  }
  const firstRuns = engines.filter((e) => cases.some((c) => results.get(c.name).get(e.name)?.firstMs !== undefined));
  for (const e of firstRuns) {
    console.log(`\n${e.name}: a user's first run — the first call in a new worker (renderer CPU time, the message round trip included): cold, and after the idle warm-up the extension's worker runs (src/worker/warmup.ts); then the median above`);
    const rows = cases.filter((c) => results.get(c.name).get(e.name)?.firstMs !== undefined).map((c) => {
      const r = results.get(c.name).get(e.name);
      return [c.name, fmtTime(r.firstMs), fmtTime(r.warmedFirstMs), fmtTime(r.medianMs)];
    });
    console.log(table(['case', 'first run, cold', 'first run, after warm-up', 'median'], rows));
  }
  console.log(`\nmax |output − Gate Lens float64 core, plain kernels| (every timed engine was checked before timing; limit ${TOLERANCE})`);
  console.log(table(head, rowsOf((r) => (r.maxDiff === 0 ? '0' : r.maxDiff.toExponential(1)))));
  const unsupported = [];
  for (const c of cases) for (const e of engines) {
    const r = results.get(c.name).get(e.name);
    if (r?.unsupported) unsupported.push(`${e.name} on ${c.name}: unsupported: ${r.unsupported}`);
    if (r?.mismatch !== undefined) unsupported.push(`${e.name} on ${c.name}: output differs from the f64 core by ${r.mismatch}`);
  }
  if (unsupported.length) console.log(`\n${[...new Set(unsupported)].join('\n')}`);
  console.log('\nEngines: ' + engines.map((e) => `${e.name} = ${e.title}`).join('; '));
}

await main();
