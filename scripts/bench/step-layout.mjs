// Per-step cost of the step-through view at 512 units, split by a Chromium trace into our script, style, layout,
// paint and compositing (CPU time; all of a step's work, including the off-screen sections updated just after the
// frame), and the CPU time inside the frame that shows the step (what must fit in 16 ms), in the standalone preview (scripts/webview-preview.mjs: the real webview
// bundle, a fake host, no VS Code around it). With several checkouts it alternates between them, so a change of
// machine load hits all alike:
//   node scripts/bench/step-layout.mjs [--rounds 3] [--steps 40] [DIR ...]     (DIR: checkouts, default: this one)
// Each DIR needs `node scripts/webview-preview.mjs` run in it once (writes out/webview-preview/index.html).
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { clickFrameWork, divideBy, mainThreadWork, startTrace } from './chromium-trace.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rounds = option('--rounds', 3);
const steps = option('--steps', 40);
const dirs = args.filter((a, k) => !a.startsWith('--') && !['--rounds', '--steps'].includes(args[k - 1]));
if (dirs.length === 0) dirs.push('.');
for (const dir of dirs) if (!existsSync(path.join(dir, 'out/webview-preview/index.html'))) throw new Error(`${dir}: run node scripts/webview-preview.mjs there first`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const results = Object.fromEntries(dirs.map((d) => [d, []]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (let round = 0; round < rounds; round++) {
    for (const dir of dirs) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const url = `${pathToFileURL(path.resolve(dir, 'out/webview-preview/index.html'))}?case=big&theme=dark&units=512&steps=1000`;
      await page.goto(url);
      await page.waitForSelector('#gl-step-label:not(:empty)', { timeout: 120000 });
      await page.waitForTimeout(500);
      // Control: the same stretch of time with no step.
      let stop = await startTrace(browser);
      await page.waitForTimeout(steps * 120);
      const idle = mainThreadWork(await stop());
      stop = await startTrace(browser);
      const frames = await page.evaluate(async (n) => {
        const next = document.getElementById('gl-next');
        const out = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          next.click();
          await new Promise((resolve) => requestAnimationFrame(() => { const script = performance.now() - t0; const ch = new MessageChannel(); ch.port1.onmessage = () => resolve(out.push({ script, frame: performance.now() - t0 })); ch.port2.postMessage(0); }));
          await new Promise((r) => setTimeout(r, 120));
        }
        return out;
      }, steps);
      const events = await stop();
      const work = mainThreadWork(events);
      const perStep = divideBy(Object.fromEntries(Object.entries(work).map(([k, v]) => [k, v - (idle[k] ?? 0)])), steps);
      const inFrame = clickFrameWork(events);
      results[dir].push({ perStep, clickToPaintMedianMs: median(frames.map((f) => f.frame)), inFrameMedianMs: median(inFrame) });
      console.log(`${dir} round ${round + 1} (load ${os.loadavg()[0].toFixed(1)}): per step, CPU ms above idle: ${JSON.stringify(perStep)}; in the step's frame, CPU ms median ${median(inFrame).toFixed(2)}; click → after frame median ${median(frames.map((f) => f.frame)).toFixed(1)} ms`);
      await page.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`\nmedians over ${rounds} rounds (load now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
for (const dir of dirs) {
  const rs = results[dir];
  const keys = Object.keys(rs[0].perStep);
  console.log(`  ${dir}: ${keys.map((k) => `${k} ${median(rs.map((r) => r.perStep[k])).toFixed(2)}`).join(', ')}; in the step's frame ${median(rs.map((r) => r.inFrameMedianMs)).toFixed(2)} ms CPU; click → after frame ${median(rs.map((r) => r.clickToPaintMedianMs)).toFixed(1)} ms`);
}
