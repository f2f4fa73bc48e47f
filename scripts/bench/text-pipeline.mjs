// Text-pipeline benchmark: `gate-lens inspect` and `gate-lens run` from pasted text, end to end through the CLI's own
// main() (read, extract, hints, recognise, slices, output), each measurement in a fresh Node process so its peak memory
// is its own. Node start-up is left out of the in-process times and reported apart.
//   node scripts/bench/text-pipeline.mjs              every case
//   node scripts/bench/text-pipeline.mjs --quick      smaller inputs (smoke test; figures are rough)
//   node scripts/bench/text-pipeline.mjs --json       one JSON line per case
//   node scripts/bench/text-pipeline.mjs --only=scale one section: scale, inspect, run
//   node scripts/bench/text-pipeline.mjs --no-python  skip the Python side of the run case
//   node scripts/bench/text-pipeline.mjs --write=DIR  write the pastes to DIR (for node --cpu-prof by hand) and stop
// Cases:
//   scale    10⁶ tiny unrelated arrays (`a0 = [0.1, 0.5]` …): inspect must stay linear, memory bounded, one summary
//            diagnostic.
//   inspect  a 20 MB pasted Keras LSTM (printed weights + code around them): MB/s of the whole inspect.
//   run      a 5 MB pasted Keras LSTM + a 200-step input: `gate-lens run` against the Python way (exec the file in
//            python3, NumPy forward pass), time and peak memory, when python3 with NumPy is there.
// The machine is shared: the load average is printed with every figure; times are CPU time of the measured process
// (user + system) next to wall time. Minor page faults are counted around main(): each first touch of fresh memory is
// one, and in a VM each costs ~10 µs, so reading a 20 MB file (its bytes, then its text) costs ~100 ms in faults alone.
// With glibc, inspect and run are also measured with huge pages for big allocations (GLIBC_TUNABLES, interleaved),
// which shows how much of a figure is page faults.
// Each of inspect and run is also measured a second time in a process that has already run it once (--warm): the gap is
// what a one-shot CLI run pays for compiling, JIT warm-up and first touches of memory rather than for the work.
// The CLI is loaded as the `gate-lens` command loads it, through V8's code cache (src/cli/compileCache.ts): each case's
// first run has no cache yet and writes one (reported apart as "first run"), the runs after it read it.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kerasPaste } from './paste.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7);
const log = (...a) => (json ? console.error(...a) : console.log(...a));
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

const CLI_BUNDLE = join(root, 'out/bench/cli-main.cjs');
const CACHE_LOADER = join(root, 'out/bench/compile-cache.cjs');

/** The CLI's main() as a bundle of its own, and the code-cache loader the `gate-lens` command loads it with. */
async function buildCli() {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', loader: { '.wasm': 'binary' } };
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: CLI_BUNDLE });
  const launcher = "export { loadBundle } from './src/cli/compileCache'; export { enableRelaxedSimd } from './src/cli/relaxedSimd';";
  await esbuild.build({ ...common, stdin: { contents: launcher, resolveDir: root, loader: 'ts' }, outfile: CACHE_LOADER });
}

/**
 * Loads the CLI as `gate-lens` does (src/cli/launch.ts): relaxed SIMD turned on where Node 20 has it behind its flag,
 * then through V8's code cache in BENCH_CACHE_DIR, written at the end when there was none (a user's first run);
 * without BENCH_CACHE_DIR, plainly (--warm).
 */
function loadCli() {
  const require = createRequire(import.meta.url);
  require(CACHE_LOADER).enableRelaxedSimd();
  const cacheDir = process.env.BENCH_CACHE_DIR;
  if (!cacheDir) return { cli: require(CLI_BUNDLE), save: () => {}, status: 'off' };
  const loaded = require(CACHE_LOADER).loadBundle(CLI_BUNDLE, { ...process.env, GATE_LENS_CACHE_DIR: cacheDir });
  return { cli: loaded.exports, save: loaded.save, status: loaded.status };
}

// ---------------------------------------------------------------------------------------------------------------
// Child: one CLI command in this fresh process, measured around main() only.

function child(argv) {
  const { cli, save, status } = loadCli();
  let outChars = 0;
  let errText = '';
  // The CLI's own Io (its file reading and ASCII decoding), with the output counted instead of printed.
  const io = { ...cli.nodeIo, out: (t) => { outChars += t.length; }, err: (t) => { errText += t; } };
  // --warm: the same command once before the measured one, in this process (compiled code, warm caches, memory
  // already touched and freed): how much of a CLI run is first-run cost rather than the work itself.
  const warm = argv[0] === '--warm';
  if (warm) {
    argv = argv.slice(1);
    cli.main(argv, { ...io, out: () => {}, err: () => {} });
  }
  const f0 = process.resourceUsage().minorPageFault;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const code = cli.main(argv, io);
  const wallMs = performance.now() - w0;
  const c = process.cpuUsage(c0);
  const usage = process.resourceUsage();
  save();
  process.stdout.write(JSON.stringify({ code, wallMs, cpuMs: (c.user + c.system) / 1000, maxRssMB: usage.maxRSS / 1024, pageFaults: usage.minorPageFault - f0, outChars, cache: status, err: errText.slice(0, 400) }) + '\n');
}

// glibc gives big allocations transparent huge pages when this tunable asks (THP "madvise", the common default): a
// 2 MB fault instead of 512 4 KB ones. Measured apart, for the share of page faults in a figure; `gate-lens` does not
// set it (users can: README, Limits).
const HUGE_PAGES = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' };
const glibc = Boolean(process.report?.getReport().header.glibcVersionRuntime);

/** One command in a fresh process; with `cacheDir`, loaded through the code cache kept there (see loadCli). */
function measure(argv, env, cacheDir) {
  const childEnv = { ...process.env, ...env, ...(cacheDir ? { BENCH_CACHE_DIR: cacheDir } : {}) };
  const r = spawnSync(process.execPath, [self, '--child', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, env: childEnv });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * A case's code cache: its first run (measured, the figure of a user's first `gate-lens` run) writes it, the runs after
 * read it, as a user's later runs do.
 */
function firstRun(argv, cacheDir) {
  const r = measure(argv, {}, cacheDir);
  if (r.cache !== 'created') throw new Error(`the first run found a code cache in ${cacheDir} (${r.cache})`);
  return r;
}

function firstRunFigures(r) {
  return { firstRunWallMs: Math.round(r.wallMs), firstRunCpuMs: Math.round(r.cpuMs) };
}

/** Node start-up plus loading the CLI bundle, for reference: what `gate-lens --version` costs (its cache in `cacheDir`). */
function startupMs(cacheDir) {
  const t = performance.now();
  spawnSync(process.execPath, [join(root, 'dist/cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, GATE_LENS_CACHE_DIR: cacheDir } });
  return performance.now() - t;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

function tinyArrays(n) {
  const parts = new Array(n);
  for (let k = 0; k < n; k++) parts[k] = `a${k} = [${(k % 7) / 10}, 0.5]\n`;
  return parts.join('');
}

function scaleCase(dir) {
  const n = quick ? 100_000 : 1_000_000;
  const file = join(dir, 'tiny.py');
  writeFileSync(file, tinyArrays(n));
  const cache = join(dir, 'cache-scale');
  const first = firstRun(['inspect', file], cache);
  const r = measure(['inspect', file], {}, cache);
  const rj = measure(['inspect', file, '--json'], {}, cache);
  return {
    ...firstRunFigures(first),
    case: `inspect, ${n.toLocaleString('en')} tiny arrays`, arrays: n, MB: +(readFileSync(file).length / 1e6).toFixed(1),
    wallMs: Math.round(r.wallMs), cpuMs: Math.round(r.cpuMs), maxRssMB: Math.round(r.maxRssMB), outputKB: Math.round(r.outChars / 1024),
    jsonWallMs: Math.round(rj.wallMs), jsonCpuMs: Math.round(rj.cpuMs), jsonMaxRssMB: Math.round(rj.maxRssMB), load: load(),
  };
}

function inspectCase(dir) {
  const [D, H, T] = quick ? [64, 96, 20] : [256, 384, 20];
  const file = join(dir, 'paste-inspect.py');
  const { text } = kerasPaste(D, H, T, 7);
  writeFileSync(file, text);
  const runs = [];
  const hugeRuns = [];
  const cache = join(dir, 'cache-inspect');
  const first = firstRun(['inspect', file], cache);
  for (let k = 0; k < (quick ? 1 : 5); k++) {
    runs.push(measure(['inspect', file], {}, cache));
    if (glibc) hugeRuns.push(measure(['inspect', file], HUGE_PAGES, cache));
  }
  const warmRuns = Array.from({ length: quick ? 1 : 3 }, () => measure(['--warm', 'inspect', file]));
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.cpuMs));
  const MB = text.length / 1e6;
  return {
    warmCpuMs: Math.round(median(warmRuns.map((r) => r.cpuMs))), warmMBpsCpu: +(MB / (median(warmRuns.map((r) => r.cpuMs)) / 1000)).toFixed(1),
    warmPageFaults: Math.round(median(warmRuns.map((r) => r.pageFaults))),
    case: `inspect, pasted Keras LSTM(${H}), input size ${D}`, MB: +MB.toFixed(1), wallMs: Math.round(wall), cpuMs: Math.round(cpu),
    MBpsWall: +(MB / (wall / 1000)).toFixed(1), MBpsCpu: +(MB / (cpu / 1000)).toFixed(1), maxRssMB: Math.round(median(runs.map((r) => r.maxRssMB))),
    pageFaults: Math.round(median(runs.map((r) => r.pageFaults))),
    // The least disturbed of the runs: on a shared machine the median carries the other processes' contention.
    bestMBpsCpu: +(MB / (Math.min(...runs.map((r) => r.cpuMs)) / 1000)).toFixed(1),
    exit: runs[0].code, load: load(),
    // A user's first run, with no code cache yet.
    firstRunMBpsWall: +(MB / (first.wallMs / 1000)).toFixed(1), firstRunMBpsCpu: +(MB / (first.cpuMs / 1000)).toFixed(1),
    ...(hugeRuns.length ? hugePagesFigures(hugeRuns, MB) : {}),
  };
}

function hugePagesFigures(runs, MB) {
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.cpuMs));
  return {
    hugePagesMBpsWall: +(MB / (wall / 1000)).toFixed(1), hugePagesMBpsCpu: +(MB / (cpu / 1000)).toFixed(1),
    hugePagesPageFaults: Math.round(median(runs.map((r) => r.pageFaults))),
  };
}

function pythonAvailable() {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function runCase(dir) {
  const [D, H, T] = quick ? [32, 64, 200] : [64, 192, 200];
  const file = join(dir, 'paste-run.py');
  const inputFile = join(dir, 'input.json');
  const { text, input } = kerasPaste(D, H, T, 11);
  writeFileSync(file, text);
  writeFileSync(inputFile, input);
  const rounds = quick ? 1 : 5;
  const ours = [];
  const python = [];
  const skipped = args.includes('--no-python');
  const withPython = !skipped && pythonAvailable();
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  // Interleaved, so both sides see the same load.
  const oursHuge = [];
  const pythonHuge = [];
  const pythonRun = (extra) => {
    const r = spawnSync('python3', [join(root, 'scripts/bench/python_paste_run.py'), file], { encoding: 'utf8', env: { ...env, ...extra }, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`python_paste_run.py failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const cache = join(dir, 'cache-run');
  const first = firstRun(['run', file, '--input', inputFile, '--json'], cache);
  for (let k = 0; k < rounds; k++) {
    ours.push(measure(['run', file, '--input', inputFile, '--json'], {}, cache));
    if (withPython) python.push(pythonRun({}));
    // Both sides again with huge pages (Python's allocations are glibc's too), for the share of page faults.
    if (glibc) {
      oursHuge.push(measure(['run', file, '--input', inputFile, '--json'], HUGE_PAGES, cache));
      if (withPython) pythonHuge.push(pythonRun(HUGE_PAGES));
    }
  }
  const warmRuns = Array.from({ length: quick ? 1 : 3 }, () => measure(['--warm', 'run', file, '--input', inputFile, '--json']));
  const row = {
    warmCpuMs: Math.round(median(warmRuns.map((r) => r.cpuMs))), warmPageFaults: Math.round(median(warmRuns.map((r) => r.pageFaults))),
    case: `run, pasted Keras LSTM(${H}), input size ${D}, ${T} steps`, MB: +(text.length / 1e6).toFixed(1),
    wallMs: Math.round(median(ours.map((r) => r.wallMs))), cpuMs: Math.round(median(ours.map((r) => r.cpuMs))), maxRssMB: Math.round(median(ours.map((r) => r.maxRssMB))),
    pageFaults: Math.round(median(ours.map((r) => r.pageFaults))), exit: ours[0].code, load: load(), ...firstRunFigures(first),
    python: withPython ? 'measured' : skipped ? 'skipped (--no-python)' : 'python3 with numpy not found',
  };
  if (python.length) {
    const py = {
      wallMs: Math.round(median(python.map((r) => r.wallMs))), cpuMs: Math.round(median(python.map((r) => r.cpuMs))),
      maxRssMB: Math.round(median(python.map((r) => r.maxRssMB))), startupMs: Math.round(median(python.map((r) => r.startupMs))),
    };
    Object.assign(row, {
      pythonWallMs: py.wallMs, pythonCpuMs: py.cpuMs, pythonMaxRssMB: py.maxRssMB, pythonImportNumpyMs: py.startupMs,
      speedupCpu: +(py.cpuMs / row.cpuMs).toFixed(2), speedupWall: +(py.wallMs / row.wallMs).toFixed(2), memoryRatio: +(row.maxRssMB / py.maxRssMB).toFixed(2),
      firstRunSpeedupCpu: +(py.cpuMs / first.cpuMs).toFixed(2), firstRunSpeedupWall: +(py.wallMs / first.wallMs).toFixed(2),
      // Round by round (each pair ran back to back under the same load): the best pair's ratio.
      bestRoundSpeedupCpu: +Math.max(...python.map((p, k) => p.cpuMs / ours[k].cpuMs)).toFixed(2),
    });
  }
  if (oursHuge.length) {
    const cpu = median(oursHuge.map((r) => r.cpuMs));
    const wall = median(oursHuge.map((r) => r.wallMs));
    Object.assign(row, { hugePagesCpuMs: Math.round(cpu), hugePagesWallMs: Math.round(wall), hugePagesPageFaults: Math.round(median(oursHuge.map((r) => r.pageFaults))) });
    if (pythonHuge.length) {
      Object.assign(row, {
        hugePagesPythonCpuMs: Math.round(median(pythonHuge.map((r) => r.cpuMs))),
        hugePagesSpeedupCpu: +(median(pythonHuge.map((r) => r.cpuMs)) / cpu).toFixed(2),
        hugePagesSpeedupWall: +(median(pythonHuge.map((r) => r.wallMs)) / wall).toFixed(2),
      });
    }
  }
  return row;
}

const report = [];
async function main() {
  if (args[0] === '--child') return child(args.slice(1));
  const dir = mkdtempSync(join(tmpdir(), 'gate-lens-text-bench-'));
  try {
    await buildCli();
    const startupCache = join(dir, 'cache-startup');
    spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'inspect', join(root, 'examples/seed_keras_lstm.py')], { env: { ...process.env, GATE_LENS_CACHE_DIR: startupCache } });
    log(`Text pipeline benchmark — load average ${load()}; Node start-up + CLI load ≈ ${Math.round(median([startupMs(startupCache), startupMs(startupCache), startupMs(startupCache)]))} ms with the code cache (excluded below)`);
    log('  Each case: a first run with no code cache (what a user\'s first gate-lens run pays), then runs with the cache it left.');
    if (!only || only === 'scale') {
      const r = scaleCase(dir);
      report.push(r);
      if (json) console.log(JSON.stringify(r));
      else log(`  ${r.case} (${r.MB} MB): ${r.wallMs} ms wall, ${r.cpuMs} ms CPU, peak RSS ${r.maxRssMB} MB, output ${r.outputKB} KB; --json: ${r.jsonWallMs} ms wall, ${r.jsonCpuMs} ms CPU, peak RSS ${r.jsonMaxRssMB} MB; first run ${r.firstRunWallMs} ms wall, ${r.firstRunCpuMs} ms CPU (load ${r.load})`);
    }
    if (!only || only === 'inspect') {
      const r = inspectCase(dir);
      report.push(r);
      if (json) console.log(JSON.stringify(r));
      else {
        log(`  ${r.case} (${r.MB} MB): ${r.wallMs} ms wall, ${r.cpuMs} ms CPU → ${r.MBpsWall} MB/s wall, ${r.MBpsCpu} MB/s CPU (best run ${r.bestMBpsCpu}); peak RSS ${r.maxRssMB} MB, ${r.pageFaults} page faults (load ${r.load})`);
        log(`    first run, no code cache yet: ${r.firstRunMBpsWall} MB/s wall, ${r.firstRunMBpsCpu} MB/s CPU`);
        log(`    the same inspect again in a process that has run it once: ${r.warmCpuMs} ms CPU → ${r.warmMBpsCpu} MB/s, ${r.warmPageFaults} page faults (first-run cost: compiling, warm-up, first touches)`);
        if (r.hugePagesMBpsCpu !== undefined) log(`    with glibc huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, interleaved): ${r.hugePagesMBpsWall} MB/s wall, ${r.hugePagesMBpsCpu} MB/s CPU, ${r.hugePagesPageFaults} page faults`);
      }
    }
    if (!only || only === 'run') {
      const r = runCase(dir);
      report.push(r);
      if (json) console.log(JSON.stringify(r));
      else {
        log(`  ${r.case} (${r.MB} MB): gate-lens ${r.wallMs} ms wall, ${r.cpuMs} ms CPU, peak RSS ${r.maxRssMB} MB, ${r.pageFaults} page faults (load ${r.load})`);
        if (r.pythonCpuMs === undefined) log(`    first run, no code cache yet: ${r.firstRunWallMs} ms wall, ${r.firstRunCpuMs} ms CPU`);
        log(`    the same run again in a process that has run it once: ${r.warmCpuMs} ms CPU, ${r.warmPageFaults} page faults (first-run cost: compiling, warm-up, first touches)`);
        if (r.pythonCpuMs !== undefined) {
          log(`    python3 exec + NumPy: ${r.pythonWallMs} ms wall, ${r.pythonCpuMs} ms CPU, peak RSS ${r.pythonMaxRssMB} MB (import numpy ${r.pythonImportNumpyMs} ms, excluded)`);
          log(`    gate-lens is ${r.speedupCpu}× faster (CPU medians; best round ${r.bestRoundSpeedupCpu}×), ${r.speedupWall}× (wall), at ${r.memoryRatio}× the peak memory`);
          log(`    first run, no code cache yet: ${r.firstRunWallMs} ms wall, ${r.firstRunCpuMs} ms CPU → ${r.firstRunSpeedupCpu}× (CPU), ${r.firstRunSpeedupWall}× (wall)`);
        } else log(`    Python side not run: ${r.python}.`);
        if (r.hugePagesCpuMs !== undefined) {
          const py = r.hugePagesSpeedupCpu === undefined ? '' : `; Python ${r.hugePagesPythonCpuMs} ms CPU → ${r.hugePagesSpeedupCpu}× (CPU), ${r.hugePagesSpeedupWall}× (wall)`;
          log(`    both with glibc huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, interleaved): gate-lens ${r.hugePagesWallMs} ms wall, ${r.hugePagesCpuMs} ms CPU, ${r.hugePagesPageFaults} page faults${py}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const writeDir = args.find((a) => a.startsWith('--write='))?.slice(8);
if (writeDir) {
  // The same pastes as files, for profiling by hand: node --cpu-prof dist/cli.js inspect DIR/paste-inspect.py
  const big = kerasPaste(256, 384, 20, 7);
  const run = kerasPaste(64, 192, 200, 11);
  mkdirSync(writeDir, { recursive: true });
  writeFileSync(join(writeDir, 'paste-inspect.py'), big.text);
  writeFileSync(join(writeDir, 'paste-run.py'), run.text);
  writeFileSync(join(writeDir, 'input.json'), run.input);
  writeFileSync(join(writeDir, 'tiny.py'), tinyArrays(1_000_000));
} else {
  await main();
}
