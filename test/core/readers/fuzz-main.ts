// Reader fuzzer: `npm run fuzz:readers [-- --per-reader N --seed S]` (after npm run build). For each fixture in
// FUZZ_FIXTURES, N mutated copies (default 10,000) go through reader → recognition → every tensor's values. Each
// must end in a result or a ModelFileError; anything else is a crash. Each reader runs in a worker thread watched
// from here: a case that makes no progress for 10 s is a hang, reported with its seed and index, and the run goes on
// from the next case. Prints, per reader, the outcome counts, the slowest case and the worker's peak heap.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { readModelFile } from '../../../src/core/readers/registry';
import { memorySource } from '../../../src/core/tensor/bytes';
import { ModelFileError } from '../../../src/core/tensor/types';
import { FUZZ_FIXTURES, mulberry, mutate } from './fuzz-lib';

interface Job { fixture: string; seed: number; from: number; count: number }
type Message =
  | { kind: 'start'; index: number }
  | { kind: 'done'; index: number; outcome: 'ok' | 'error' | 'crash'; ms: number; detail?: string; heap: number }
  | { kind: 'finished' };

const DIR = join(process.cwd(), 'test', 'fixtures', 'models');

async function worker(job: Job): Promise<void> {
  const original = new Uint8Array(readFileSync(join(DIR, job.fixture)));
  const random = mulberry(job.seed);
  for (let k = 0; k < job.from; k++) mutate(original, random); // replay the stream up to the resume point
  for (let k = job.from; k < job.count; k++) {
    const bytes = mutate(original, random);
    parentPort!.postMessage({ kind: 'start', index: k } satisfies Message);
    const t0 = performance.now();
    let outcome: 'ok' | 'error' | 'crash' = 'ok';
    let detail: string | undefined;
    try {
      const f = await readModelFile(memorySource(bytes), job.fixture);
      await analyseModelFile(f);
      for (const t of f.tensors) await t.values().catch((e: unknown) => { if (!(e instanceof ModelFileError)) throw e; });
    } catch (e) {
      if (e instanceof ModelFileError) outcome = 'error';
      else { outcome = 'crash'; detail = (e as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(e); }
    }
    parentPort!.postMessage({ kind: 'done', index: k, outcome, ms: performance.now() - t0, ...(detail ? { detail } : {}), heap: process.memoryUsage().heapUsed } satisfies Message);
  }
  parentPort!.postMessage({ kind: 'finished' } satisfies Message);
}

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
}

async function runFixture(fixture: string, seed: number, count: number): Promise<void> {
  const stats = { ok: 0, error: 0, crash: 0, hang: 0, slowest: 0, slowestIndex: -1, heap: 0, crashes: [] as string[], hangs: [] as number[] };
  const t0 = performance.now();
  let from = 0;
  while (from < count) {
    from = await new Promise<number>((resolve) => {
      const w = new Worker(__filename, { workerData: { fixture, seed, from, count } satisfies Job, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => { clearTimeout(timer); timer = setTimeout(() => { stats.hang++; stats.hangs.push(current); void w.terminate(); resolve(current + 1); }, 10_000); };
      arm();
      w.on('message', (m: Message) => {
        if (m.kind === 'start') { current = m.index; arm(); return; }
        if (m.kind === 'finished') { clearTimeout(timer); void w.terminate(); resolve(count); return; }
        stats[m.outcome]++;
        if (m.ms > stats.slowest) { stats.slowest = m.ms; stats.slowestIndex = m.index; }
        stats.heap = Math.max(stats.heap, m.heap);
        if (m.detail && stats.crashes.length < 5) stats.crashes.push(`#${m.index}: ${m.detail}`);
      });
      w.on('error', (e) => { clearTimeout(timer); stats.crash++; stats.crashes.push(`#${current}: worker died: ${e.message}`); resolve(current + 1); });
    });
  }
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${fixture.padEnd(36)} ${count} cases in ${s} s: ok ${stats.ok}, refused ${stats.error}, crash ${stats.crash}, hang ${stats.hang}; slowest ${stats.slowest.toFixed(0)} ms (#${stats.slowestIndex}); peak heap ${(stats.heap / 2 ** 20).toFixed(0)} MB`);
  for (const c of stats.crashes) console.log(`    crash ${c}`);
  if (stats.hangs.length) console.log(`    hangs at ${stats.hangs.slice(0, 10).join(', ')} (seed ${seed})`);
  if (stats.crash || stats.hang) process.exitCode = 1;
}

if (!isMainThread) {
  void worker(workerData as Job);
} else {
  void (async () => {
    const count = arg('--per-reader', 10_000);
    const seed = arg('--seed', 20261206);
    console.log(`reader fuzz: ${count} mutations per fixture, seed ${seed}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const only = process.argv.indexOf('--only');
    for (const f of FUZZ_FIXTURES.filter((x) => only < 0 || x.includes(process.argv[only + 1]))) await runFixture(f, seed, count);
    console.log(`load at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  })();
}
