// Playback of the step-through view at 60 steps/s (issue 11 item 4): does it keep up at 128 units without dropping
// frames? In the standalone preview (scripts/webview-preview.mjs: the real webview bundle, a fake host) in headless
// Debian Chromium. Play is pressed at 60/s and, for a few seconds, every animation frame and every step change is
// recorded in the page. A frame is "dropped" when the gap to the frame before it exceeds 1.5 display periods (the
// period is measured first on the idle page, since headless Chromium does not always run at 60 Hz), and a step is
// "skipped" when the label moves by more than one. Dropped frames are wall-clock and need a quiet machine; a Chromium
// trace over the same playing stretch also gives each frame's main-thread CPU time (from one compositor commit to
// the next: the step's script, style, layout, paint, commit and anything else the page ran in between) and how many
// frames' work exceeded the display period, which a loaded machine stretches far less. The trace starts before Play
// is pressed, so it also gives the frames that start playing: the most main-thread CPU of one frame and of one
// compositor commit in the first 0.5 s after the click (where Chromium used to create new canvas buffers, see
// docs/benchmarks.md, session 8), and how many of the dropped frames fell in the first 10. Measured, never asserted.
//   node scripts/bench/playback.mjs [--units 128] [--seconds 4] [--rounds 3] [--json] [DIR ...]
// Needs `node scripts/webview-preview.mjs` once (writes out/webview-preview/index.html). With several checkouts
// (DIR, each with its own preview) it alternates between them round by round, so a change of load hits all alike.
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { mainThreadWork, startTrace } from './chromium-trace.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const units = option('--units', 128);
const seconds = option('--seconds', 4);
const rounds = option('--rounds', 3);
const json = args.includes('--json');
const valued = ['--units', '--seconds', '--rounds'];
const dirs = args.filter((a, k) => !a.startsWith('--') && !valued.includes(args[k - 1]));
const previews = (dirs.length ? dirs : [root]).map((d) => path.join(path.resolve(d), 'out/webview-preview/index.html'));
for (const preview of previews) if (!existsSync(preview)) throw new Error(`${preview}: run node scripts/webview-preview.mjs there first`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/**
 * Per frame of a trace, from the end of one compositor commit to the end of the next: its main-thread CPU ms, the
 * commit's own CPU ms and when the frame ended (trace clock, µs); and when Play was clicked.
 */
function traceFrames(events) {
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`));
  const commits = onMain.filter((e) => e.name === 'Commit').sort((a, b) => a.ts - b.ts);
  const click = onMain.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
  const frames = [];
  for (let k = 1; k < commits.length; k++) {
    const end = commits[k].ts + (commits[k].dur ?? 0);
    const w = mainThreadWork(events, commits[k - 1].ts + (commits[k - 1].dur ?? 0), end);
    frames.push({ cpu: w.script + w.style + w.layout + w.paint + w.composite, commitCpu: (commits[k].tdur ?? commits[k].dur ?? 0) / 1000, end });
  }
  return { frames, clickAt: click?.ts };
}
const load = () => os.loadavg()[0].toFixed(1);

/** In the page: frame times over `ms` milliseconds, and the step number shown at each frame. */
function recordFrames(ms) {
  return new Promise((resolve) => {
    const label = document.getElementById('gl-step-label');
    const frames = [];
    const steps = [];
    const start = performance.now();
    const onFrame = (now) => {
      frames.push(now);
      steps.push(Number(/\d+/.exec(label.textContent ?? '')?.[0] ?? NaN));
      if (now - start < ms) requestAnimationFrame(onFrame);
      else resolve({ frames, steps });
    };
    requestAnimationFrame(onFrame);
  });
}

function summarise({ frames, steps }, period) {
  const gaps = frames.slice(1).map((t, k) => t - frames[k]);
  const dropped = gaps.filter((g) => g > 1.5 * period).length;
  let skipped = 0;
  for (let k = 1; k < steps.length; k++) if (steps[k] - steps[k - 1] > 1) skipped++;
  const seconds = (frames[frames.length - 1] - frames[0]) / 1000;
  return { frames: frames.length, dropped, droppedInFirst10: gaps.slice(0, 10).filter((g) => g > 1.5 * period).length, skipped, stepsPerSecond: +((steps[steps.length - 1] - steps[0]) / seconds).toFixed(1), longestGapMs: +Math.max(...gaps).toFixed(1) };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const results = [];
try {
  for (let round = 0; round < rounds; round++) for (const preview of previews) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${pathToFileURL(preview)}?case=big&theme=dark&units=${units}&steps=2000`);
    await page.waitForSelector('#gl-step-label:not(:empty)', { timeout: 120000 });
    await page.waitForTimeout(500);
    const idle = await page.evaluate(recordFrames, 1000);
    const idleGaps = idle.frames.slice(1).map((t, k) => t - idle.frames[k]);
    const period = median(idleGaps);
    await page.selectOption('#gl-speed', '60');
    const stopTrace = await startTrace(browser);
    await page.waitForTimeout(100);
    await page.click('#gl-play');
    const played = summarise(await page.evaluate(recordFrames, seconds * 1000), period);
    const { frames, clickAt } = traceFrames(await stopTrace());
    await page.click('#gl-play');
    const playing = frames.filter((f) => clickAt !== undefined && f.end > clickAt);
    const cpu = playing.map((f) => f.cpu);
    const start = playing.filter((f) => f.end - clickAt <= 500_000);
    Object.assign(played, {
      frameCpuMedianMs: +median(cpu).toFixed(2), frameCpuP95Ms: +quantile(cpu, 0.95).toFixed(2), framesOverBudget: cpu.filter((ms) => ms > period).length, tracedFrames: cpu.length,
      startFrameCpuMaxMs: +Math.max(0, ...start.map((f) => f.cpu)).toFixed(2), startCommitCpuMaxMs: +Math.max(0, ...start.map((f) => f.commitCpu)).toFixed(2),
      steadyCommitCpuMedianMs: +median(playing.filter((f) => f.end - clickAt > 500_000).map((f) => f.commitCpu)).toFixed(2),
    });
    // The control: the same page, not playing (a loaded machine drops frames of an idle page too).
    const idleDropped = idleGaps.filter((g) => g > 1.5 * period).length;
    const result = { round: round + 1, ...(previews.length > 1 ? { preview } : {}), load: Number(load()), displayHz: +(1000 / period).toFixed(1), idleFramesPerSecond: idle.frames.length, idleDropped, ...played };
    results.push(result);
    if (!json) console.log(`${previews.length > 1 ? `${path.relative(process.cwd(), preview) || preview} ` : ''}round ${result.round} (load ${result.load}): display ${result.displayHz} Hz (idle: ${result.idleDropped} of ${result.idleFramesPerSecond} frames dropped in 1 s); playing: ${result.frames} frames in ${seconds} s, ${result.dropped} dropped (${result.droppedInFirst10} of them in the first 10 frames), ${result.skipped} steps skipped, ${result.stepsPerSecond} steps/s, longest gap ${result.longestGapMs} ms; main-thread CPU per frame median ${result.frameCpuMedianMs} ms, p95 ${result.frameCpuP95Ms} ms, ${result.framesOverBudget} of ${result.tracedFrames} frames over ${period.toFixed(1)} ms; first 0.5 s: longest frame ${result.startFrameCpuMaxMs} ms, longest commit ${result.startCommitCpuMaxMs} ms (steady commit ${result.steadyCommitCpuMedianMs} ms)`);
    await page.close();
  }
} finally {
  await browser.close();
}
const medians = (rs) => ({
  medianDropped: median(rs.map((r) => r.dropped)), medianSkipped: median(rs.map((r) => r.skipped)), medianStepsPerSecond: median(rs.map((r) => r.stepsPerSecond)),
  medianFrameCpuMs: median(rs.map((r) => r.frameCpuMedianMs)), medianFrameCpuP95Ms: median(rs.map((r) => r.frameCpuP95Ms)), medianFramesOverBudget: median(rs.map((r) => r.framesOverBudget)),
  medianDroppedInFirst10: median(rs.map((r) => r.droppedInFirst10)), medianStartFrameCpuMaxMs: median(rs.map((r) => r.startFrameCpuMaxMs)),
  medianStartCommitCpuMaxMs: median(rs.map((r) => r.startCommitCpuMaxMs)), medianSteadyCommitCpuMs: median(rs.map((r) => r.steadyCommitCpuMedianMs)),
});
const summary = {
  bench: 'playback', units, seconds, rounds, cpus: os.cpus().length, loadAtEnd: os.loadavg().map((x) => +x.toFixed(2)),
  ...medians(results), ...(previews.length > 1 ? { byPreview: Object.fromEntries(previews.map((p) => [p, medians(results.filter((r) => r.preview === p))])) } : {}), results,
};
if (json) console.log(JSON.stringify(summary));
else for (const preview of previews) {
  const m = medians(results.filter((r) => previews.length === 1 || r.preview === preview));
  console.log(`${previews.length > 1 ? `${preview}: ` : ''}median over ${rounds} rounds at ${units} units, 60 steps/s: ${m.medianDropped} dropped frames (${m.medianDroppedInFirst10} in the first 10), ${m.medianSkipped} skipped steps, ${m.medianStepsPerSecond} steps/s; main-thread CPU per frame ${m.medianFrameCpuMs} ms (p95 ${m.medianFrameCpuP95Ms}), ${m.medianFramesOverBudget} frames over budget; first 0.5 s after Play: longest frame ${m.medianStartFrameCpuMaxMs} ms, longest commit ${m.medianStartCommitCpuMaxMs} ms (steady commit ${m.medianSteadyCommitCpuMs} ms) (load now ${summary.loadAtEnd.join(' ')})`);
}
