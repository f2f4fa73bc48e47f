// ad-hoc: profile trace→painted in the preview at 512 units, 10 steps
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
const dir = process.argv[2] ?? '.';
const rounds = Number(process.argv[3] ?? 3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const agg = new Map();
for (let r = 0; r < rounds; r++) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(`${pathToFileURL(path.resolve(dir, 'out/webview-preview/index.html'))}?case=big&theme=dark&units=512&steps=10`);
  await page.waitForFunction(() => performance.getEntriesByName('gl-charts-painted').length > 0, null, { timeout: 60000 });
  const { profile } = await cdp.send('Profiler.stop');
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, +m.startTime.toFixed(1)])));
  console.log(JSON.stringify(marks));
  // self time by function between trace-received and trace-painted
  const t0 = profile.startTime; // µs
  const tOrigin = await page.evaluate(() => performance.timeOrigin);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  const from = marks['gl-trace-received'], to = marks['gl-trace-painted'];
  for (let k = 0; k < profile.samples.length; k++) {
    t += profile.timeDeltas[k];
    const ms = t / 1000 - tOrigin; // profile timestamps are monotonic µs; approximate
    const n = byId.get(profile.samples[k]);
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    const rec = agg.get(key) ?? { all: 0 }; rec.all += profile.timeDeltas[k + 1] ?? 100; agg.set(key, rec);
  }
  await page.close();
}
await browser.close();
const rows = [...agg.entries()].sort((a, b) => b[1].all - a[1].all).slice(0, 30);
for (const [k, v] of rows) console.log((v.all / 1000 / rounds).toFixed(1).padStart(7), k);
