// npm run fuzz [-- --cases N --seed S]: runs extractArrays over N seeded random and mutated inputs (default
// 100,000). Counts crashes (any exception) and invariant failures, times every case (over 1 s of wall time and of
// CPU time counts as a hang; the slowest case is reported), and reports peak RSS. The cases run in a worker thread watched by the main
// thread, so a real infinite loop is caught too: it is reported with its seed and index, then the worker is ended.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { extractArrays } from '../../../src/core/parse';
import { checkInvariants, fuzzCase } from './fuzz-cases';

interface Config {
  readonly cases: number;
  readonly seed: number;
}

interface Failure {
  readonly index: number;
  readonly kind: string;
  readonly what: string;
}

type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly current: number; readonly currentKind: string }
  | {
      readonly type: 'done';
      readonly done: number;
      readonly crashes: Failure[];
      readonly invalid: Failure[];
      readonly hangs: Failure[];
      readonly slowest: { index: number; kind: string; ms: number; cpuMs: number; length: number };
      readonly slowestCpu: { index: number; kind: string; ms: number; cpuMs: number; length: number };
      readonly arrays: number;
      readonly bytes: number;
      readonly kinds: Record<string, number>;
    };

const HANG_MS = 1000;
const WATCHDOG_MS = 30_000;

function parseArgs(argv: readonly string[]): Config {
  let cases = 100_000;
  let seed = 1;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--cases') cases = Number(argv[++k]);
    else if (argv[k] === '--seed') seed = Number(argv[++k]);
  }
  if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) throw new Error('usage: fuzz-main [--cases N] [--seed S]');
  return { cases, seed };
}

function runCases(config: Config, post: (message: WorkerMessage) => void): void {
  const crashes: Failure[] = [];
  const invalid: Failure[] = [];
  const hangs: Failure[] = [];
  const kinds: Record<string, number> = {};
  let slowest = { index: -1, kind: '', ms: 0, cpuMs: 0, length: 0 };
  let slowestCpu = slowest;
  let arrays = 0;
  let bytes = 0;
  let lastPost = Date.now();
  for (let index = 0; index < config.cases; index++) {
    const { kind, text, options } = fuzzCase(config.seed, index);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    bytes += text.length;
    if (Date.now() - lastPost > 200) {
      post({ type: 'progress', done: index, current: index, currentKind: kind });
      lastPost = Date.now();
    }
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    try {
      const result = extractArrays(text, options);
      const ms = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      if (ms > slowest.ms) slowest = { index, kind, ms, cpuMs, length: text.length };
      if (cpuMs > slowestCpu.cpuMs) slowestCpu = { index, kind, ms, cpuMs, length: text.length };
      // On a shared machine wall time includes waiting for a core; a hang is a case that also burned a second of CPU.
      if (ms > HANG_MS && cpuMs > HANG_MS) hangs.push({ index, kind, what: `${ms.toFixed(0)} ms (${cpuMs.toFixed(0)} ms CPU) on ${text.length} characters` });
      arrays += result.arrays.length;
      const problems = checkInvariants(text, result);
      if (problems.length) invalid.push({ index, kind, what: problems.slice(0, 3).join('; ') });
    } catch (error) {
      crashes.push({ index, kind, what: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  post({ type: 'done', done: config.cases, crashes, invalid, hangs, slowest, slowestCpu, arrays, bytes, kinds });
}

function report(config: Config, message: WorkerMessage & { type: 'done' }, seconds: number, peakRssMb: number): number {
  const list = (title: string, failures: Failure[]): void => {
    if (!failures.length) return;
    console.log(`${title}: ${failures.length}`);
    for (const f of failures.slice(0, 10)) console.log(`  case ${f.index} (${f.kind}): ${f.what}  [fuzzCase(${config.seed}, ${f.index})]`);
  };
  list('CRASHES', message.crashes);
  list('INVARIANT FAILURES', message.invalid);
  list('HANGS (> 1 s)', message.hangs);
  const kinds = Object.entries(message.kinds).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`kinds: ${kinds}; ${(message.bytes / 1e6).toFixed(1)} MB of input; ${message.arrays} arrays found`);
  console.log(
    `fuzz: ${message.done} cases, seed ${config.seed}, ${seconds.toFixed(1)} s — crashes ${message.crashes.length}, invariant failures ${message.invalid.length}, ` +
      `hangs ${message.hangs.length}; slowest case ${message.slowest.index} (${message.slowest.kind}, ${message.slowest.length} chars) ${message.slowest.ms.toFixed(1)} ms (${message.slowest.cpuMs.toFixed(1)} ms CPU); ` +
      `most CPU: case ${message.slowestCpu.index} (${message.slowestCpu.kind}, ${message.slowestCpu.length} chars) ${message.slowestCpu.cpuMs.toFixed(1)} ms CPU; peak RSS ${peakRssMb.toFixed(0)} MB`,
  );
  return message.crashes.length + message.invalid.length + message.hangs.length === 0 ? 0 : 1;
}

if (isMainThread) {
  const config = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const worker = new Worker(__filename, { workerData: config });
  let lastProgress = Date.now();
  let current = { index: 0, kind: '' };
  let finished = false;
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress > WATCHDOG_MS) {
      console.log(`HANG: no progress for ${WATCHDOG_MS / 1000} s at case ${current.index} (${current.kind}) [fuzzCase(${config.seed}, ${current.index})]`);
      finished = true;
      clearInterval(watchdog);
      void worker.terminate();
      process.exitCode = 1;
    }
  }, 1000);
  worker.on('message', (message: WorkerMessage) => {
    lastProgress = Date.now();
    if (message.type === 'progress') {
      current = { index: message.current, kind: message.currentKind };
      return;
    }
    finished = true;
    clearInterval(watchdog);
    // maxRSS covers the whole process, worker included (kilobytes on Linux).
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.exitCode = report(config, message, (performance.now() - started) / 1000, peakRssMb);
  });
  worker.on('error', (error) => {
    finished = true;
    clearInterval(watchdog);
    console.log(`fuzz worker failed at case ${current.index}: ${String(error)}`);
    process.exitCode = 1;
  });
  worker.on('exit', () => {
    if (!finished) {
      clearInterval(watchdog);
      console.log(`fuzz worker exited early at case ${current.index}`);
      process.exitCode = 1;
    }
  });
} else {
  runCases(workerData as Config, (message) => parentPort?.postMessage(message));
}
