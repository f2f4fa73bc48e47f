// ad-hoc: main-thread work split between marks in the preview at 512 units, 10 steps
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { mainThreadWork } from '../bench/chromium-trace.mjs';
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rounds = 4;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const res = Object.fromEntries(dirs.map((d) => [d, []]));
for (let r = 0; r < rounds; r++) for (const dir of dirs) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const session = await browser.newBrowserCDPSession();
  const events = [];
  session.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const complete = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
  await session.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', '__metadata'], recordMode: 'recordAsMuchAsPossible' } });
  await page.goto(`${pathToFileURL(path.resolve(dir, 'out/webview-preview/index.html'))}?case=big&theme=dark&units=512&steps=10`);
  await page.waitForFunction(() => performance.getEntriesByName('gl-charts-painted').length > 0, null, { timeout: 60000 });
  await page.waitForTimeout(200);
  await session.send('Tracing.end'); await complete;
  const mk = (n) => events.find((e) => e.name === n && e.cat.includes('user_timing'))?.ts;
  const marks = ['gl-script-start', 'gl-ready', 'gl-trace-received', 'gl-trace-shown', 'gl-trace-painted', 'gl-charts-painted'].map(mk);
  const segs = [];
  for (let k = 0; k + 1 < marks.length; k++) {
    const w = mainThreadWork(events, marks[k], marks[k + 1]);
    segs.push({ wall: (marks[k + 1] - marks[k]) / 1000, ...Object.fromEntries(Object.entries(w).map(([a, b]) => [a, +b.toFixed(1)])) });
  }
  res[dir].push(segs);
  console.log(dir, JSON.stringify(segs.map((s) => `${s.wall.toFixed(1)}: sc ${s.script} st ${s.style} lay ${s.layout} pt ${s.paint} co ${s.composite}`)));
  await page.close();
}
await browser.close();
