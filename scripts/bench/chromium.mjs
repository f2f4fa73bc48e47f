// The float64 engine where the extension's worker runs for most users: Chromium / Electron's V8, which ships
// relaxed-simd (fused multiply-add). Headless Debian Chromium through playwright-core, a fresh profile, the core
// bundled like dist/web/worker.js (browser, IIFE, es2022, kernels embedded) and run in a Web Worker.
// Timing: the renderer process's CPU time (all its threads, from /proc/<pid>/task/*/schedstat, in ns) around each
// measurement, like process.cpuUsage() for the Node columns; the wall time is kept too.
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function workerSource(root) {
  const result = await esbuild.build({
    entryPoints: [join(root, 'scripts/bench/chromium-worker.mjs')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'warning',
    loader: { '.wasm': 'binary' },
  });
  return result.outputFiles[0].text;
}

function readOrEmpty(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Descendant processes of `pid` whose command line marks a Chromium renderer. */
function renderers(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrEmpty(`/proc/${entry}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.pop()) ?? []) {
      queue.push(child);
      if (readOrEmpty(`/proc/${child}/cmdline`).includes('--type=renderer')) found.push(child);
    }
  }
  return found;
}

/** CPU nanoseconds used so far by every thread of the given processes. */
function cpuNs(pids) {
  let total = 0;
  for (const pid of pids) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) total += Number(readOrEmpty(`/proc/${pid}/task/${tid}/schedstat`).split(' ')[0] || 0);
  }
  return total;
}

/** The renderers among `pids` that host a dedicated worker (a thread named DedicatedWorker…): the page's. */
function workerHosts(pids) {
  return pids.filter((pid) => {
    try {
      return readdirSync(`/proc/${pid}/task`).some((tid) => readOrEmpty(`/proc/${pid}/task/${tid}/comm`).startsWith('DedicatedWorker'));
    } catch {
      return false;
    }
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the processes use less than 5 % of a core over 200 ms (at most `maxMs`); returns the ms waited.
 * Why: a freshly launched Chromium starts its renderers for ~2 s of CPU on this VM (the first one ~0.8 s on its main
 * thread and ~0.55 s in its thread pool, with no page script running); measured in that window, the first case
 * was charged for it, which was "the first Chromium case is slow in every run".
 */
async function settle(pids, maxMs = 15000) {
  const start = Date.now();
  let last = cpuNs(pids);
  while (Date.now() - start < maxMs) {
    await sleep(200);
    const now = cpuNs(pids);
    if (now - last < 10e6) break;
    last = now;
  }
  return Date.now() - start;
}

/**
 * For each case ({ name, spec }): { kernels, output, samples (CPU ms per call), wallSamples, firstMs, warmedFirstMs }
 * or { unsupported }. Streaming cases are divided by their number of calls by the caller, as for the Node engines.
 * With `reuse`, each call writes its trace into the previous call's memory (runLayer's `reuse` option).
 * Each case runs in a new worker (a new V8 isolate: nothing compiled or optimised yet), so its first call is a
 * user's first run; `warmedFirstMs` is the first call in another new worker that first ran the idle warm-up of the
 * extension's worker (src/worker/warmup.ts). Streaming cases have no first-run figures (their call is 1000 steps).
 * CPU time is that of the renderer process hosting the page and its workers, every thread.
 */
export async function runChromium(root, cases, { rounds, minMs, log, reuse = false }) {
  if (process.platform !== 'linux' || !existsSync(CHROMIUM)) return { skipped: `no ${CHROMIUM} (apt-get install chromium)` };
  const { chromium } = await import('playwright-core');
  const source = await workerSource(root);
  const profile = mkdtempSync(join(tmpdir(), 'gate-lens-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  const results = new Map();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? '?'));
    await page.evaluate((src) => {
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      let worker;
      globalThis.benchNewWorker = () => {
        worker?.terminate();
        worker = new Worker(url);
      };
      globalThis.benchCall = (message) => new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
        worker.postMessage(message);
      });
    }, source);
    const call = (message) => page.evaluate((m) => globalThis.benchCall(m), message);
    const newWorker = async () => {
      await page.evaluate(() => globalThis.benchNewWorker());
      await call({ kind: 'ping' });
    };
    await newWorker();
    const all = renderers(process.pid);
    const hosts = workerHosts(all);
    const pids = hosts.length ? hosts : all;
    const settledMs = await settle(all);
    log?.(`  chromium: renderers quiet after ${settledMs} ms; timing ${hosts.length ? 'the renderer hosting the worker' : 'every renderer'} (${pids.length} of ${all.length})`);
    const timed = async (message) => {
      const before = cpuNs(pids);
      const answer = await call(message);
      return { answer, ms: (cpuNs(pids) - before) / 1e6 };
    };
    for (const c of cases) {
      try {
        let firstMs, warmedFirstMs;
        if (!c.spec.streaming) {
          await newWorker();
          await call({ kind: 'warm-up' });
          await settle(pids, 3000); // the optimising compiles the warm-up started finish in the background
          await call({ kind: 'setup', spec: c.spec, reuse });
          warmedFirstMs = (await timed({ kind: 'first' })).ms;
        }
        await newWorker();
        const { kernels } = await call({ kind: 'setup', spec: c.spec, reuse });
        const first = await timed({ kind: 'first' });
        if (!c.spec.streaming) firstMs = first.ms;
        const { output } = await call({ kind: 'output' });
        await call({ kind: 'time', minMs: minMs / 2 }); // warm-up: JIT, wasm tier-up
        const samples = [], wallSamples = [];
        for (let round = 0; round < rounds; round++) {
          const before = cpuNs(pids);
          const { reps, wallMs } = await call({ kind: 'time', minMs });
          samples.push((cpuNs(pids) - before) / 1e6 / reps);
          wallSamples.push(wallMs / reps);
        }
        results.set(c.name, { kernels, output: Float64Array.from(output), samples, wallSamples, firstMs, warmedFirstMs });
      } catch (error) {
        results.set(c.name, { unsupported: String(error?.message ?? error).split('\n')[0] });
      }
      log?.(`  chromium done: ${c.name}`);
    }
    return { version, results, renderers: pids.length };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
