#!/usr/bin/env node
// Step Through's first render at 512 units in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, headless
// Chromium), next to its peer: the smallest webview panel any extension can open the same way (scripts/bench/
// webview-control: beside the editor, focus kept, scripts on, one line of text). The control is what VS Code itself
// costs to create a webview and show its first frame; the rest of Step Through's time is ours.
//
//   node scripts/bench/first-render.mjs [--rounds 2] [--opens 4] [--json] [DIR ...]
//
// DIR: checkouts to compare (default: this one), each built (`npm run build`). Every round starts a fresh code-server
// per DIR (in turn, so a change of machine load hits all alike), opens the 21.9 MB file of responsiveness.mjs (Keras
// LSTM, 512 units, input size 340), waits for its analysis, opens the session's first webview and closes it (odd
// rounds: Step Through, "first panel"; even rounds: the control, "first control"), then `--opens` times, alternating: opens the control panel and closes it; runs Gate Lens: Step Through on a closed panel and closes it; runs Step Through again with
// the panel open (the panel is reused). Each figure is taken from the webview's own User Timing marks (wall clock
// through performance.timeOrigin) against the moment Enter was pressed:
//   toDocument  Enter → the webview's document exists (VS Code: the command reaches the extension host, the panel,
//               its iframe, the service worker, the page's HTML)
//   toStart     Enter → the page's script starts (gl-script-start: VS Code has written the page, Chromium parsed it)
//   toScript    Enter → the page's script has run (gl-ready: its compile, set-up and first render of the document)
//   toTrace     Enter → the trace message has reached the page (gl-trace-received)
//   toPainted   Enter → the first frame showing step 1 of the trace has been painted (gl-trace-painted)
//   toCharts    Enter → the charts (heatmaps, h plot; below the step's numbers) have been painted (gl-charts-painted)
// In code-server, a session's first webview goes from its frame to its script in ~70 ms, every later one in ~1 s
// (the control as much as Step Through; VS Code's webview host, measured at 01:33 UTC on 2026-12-07), so "first panel"
// is what a user's first Step Through of a session costs, next to "first control", and "new panel" − "control"
// compares later ones.
// Measured, never asserted. Needs code-server (CS_DIR, see scripts/vscode-harness.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, cpSync, readFileSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, launchBrowser, log, openAnalysedFile, ROOT, runFromPalette, startCodeServer } from '../vscode-harness.mjs';
import { kerasLstmFile } from './keras-lstm-paste.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CONTROL = path.join(HERE, 'webview-control');
const args = process.argv.slice(2);
const valued = ['--rounds', '--opens'];
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rounds = option('--rounds', 2);
const opens = option('--opens', 4);
const json = args.includes('--json');
const dirs = args.filter((a, k) => !a.startsWith('--') && !valued.includes(args[k - 1])).map((d) => path.resolve(d));
if (dirs.length === 0) dirs.push(ROOT);
for (const dir of dirs) if (!existsSync(path.join(dir, 'dist/webview/main.js'))) throw new Error(`${dir}: run npm run build there first`);

const WORKSPACE = path.join(ROOT, `.vscode-test/first-render-${process.pid}`);

/**
 * Which build a checkout holds: `npm run build` (development: the webview bundle unminified, with a source map, as the
 * page inlines it) or `node scripts/build.mjs --production` (what `npm run package` ships). The page's size is part
 * of what VS Code moves to the webview, so the figures belong to the build they were taken on.
 */
function buildOf(dir) {
  const bundle = path.join(dir, 'dist/webview/main.js');
  const production = !/\/\/# sourceMappingURL=/.test(readFileSync(bundle, 'utf8').slice(-400));
  return { build: production ? 'production' : 'development', webviewBundleKB: Math.round(statSync(bundle).size / 1024) };
}
const load = () => os.loadavg()[0].toFixed(1);
const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined);

/** The control extension as a .vsix (one extensionDevelopmentPath only reaches code-server's extension host). */
function packageControl() {
  const vsix = path.join(WORKSPACE, '.vscode', 'control.vsix');
  const vsce = path.join(ROOT, 'node_modules/.bin/vsce');
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: CONTROL, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packaging the control extension failed:\n${r.stdout}${r.stderr}`);
  return vsix;
}

function prepareWorkspace() {
  rmSync(WORKSPACE, { recursive: true, force: true });
  mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
  cpSync(path.join(ROOT, 'test-workspace/.vscode/settings.json'), path.join(WORKSPACE, '.vscode/settings.json'));
  const settings = path.join(WORKSPACE, '.vscode/settings.json');
  writeFileSync(settings, readFileSync(settings, 'utf8').replace(/\{/, '{\n  "gateLens.maxFileSizeMB": 64,'));
  writeFileSync(path.join(WORKSPACE, 'bench_20mb.py'), kerasLstmFile(340, 512, 20));
}

let lastPressed = 0;
async function palette(page, title) {
  lastPressed = await runFromPalette(page, title);
  return lastPressed;
}

/** In a frame: its document's time origin and the newest of each mark, as wall-clock times (ms since the epoch). */
function readMarks() {
  const at = (name) => { const m = performance.getEntriesByName(name, 'mark').pop(); return m ? performance.timeOrigin + m.startTime : undefined; };
  return { origin: performance.timeOrigin, start: at('gl-script-start'), ready: at('gl-ready'), received: at('gl-trace-received'), painted: at('gl-trace-painted'), charts: at('gl-charts-painted') };
}

/** Waits until some frame has painted a trace after `t0` (and its charts, `withCharts`); returns its marks. */
async function paintedAfter(page, t0, withCharts, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const marks = await frame.evaluate(readMarks).catch(() => undefined);
      if (marks?.painted > t0 && (!withCharts || marks.charts > t0)) return marks;
    }
    if (Date.now() > deadline) throw new Error('no webview painted a trace');
    await page.waitForTimeout(100);
  }
}

async function closeOtherGroups(page) {
  await palette(page, 'View: Close Editors in Other Groups');
  await page.waitForTimeout(1500);
}

async function measureOne(page, title, t0Label) {
  const t0 = await palette(page, title);
  const m = await paintedAfter(page, t0, !t0Label.endsWith('control'));
  const ms = (t) => (t === undefined ? undefined : Math.round((t - t0) * 10) / 10);
  const reused = m.origin < t0;
  return { what: t0Label, toDocument: reused ? undefined : ms(m.origin), toStart: reused ? undefined : ms(m.start), toScript: reused ? undefined : ms(m.ready), toTrace: ms(m.received), toPainted: ms(m.painted), toCharts: ms(m.charts) };
}

async function oneSession(dir, controlVsix, stepThroughFirst) {
  const cs = await startCodeServer('first-render', { vsix: controlVsix });
  const page = await launchBrowser('first-render');
  page.setDefaultTimeout(180000);
  // FR_DIAG=1: the extension host's `GLTIME <what> <Date.now()>` console lines (a diagnostic build), after Enter.
  if (process.env.FR_DIAG) page.on('console', (m) => { const hit = /GLTIME (\S+) (\d+)/.exec(m.text()); if (hit) log(`    exthost ${hit[1]} +${Number(hit[2]) - lastPressed} ms`); });
  const samples = [];
  try {
    await page.goto(cs.workbenchUrl(WORKSPACE, [['extensionDevelopmentPath', cs.remote(dir)], ['skipWelcome', 'true']]));
    await page.locator('.monaco-workbench').waitFor();
    await openAnalysedFile(page, 'bench_20mb.py');
    await page.waitForTimeout(2000);
    samples.push({ load: load(), ...(stepThroughFirst ? await measureOne(page, 'Gate Lens: Step Through', 'first panel') : await measureOne(page, 'Gate Lens Bench: Open Control Webview', 'first control')) });
    await closeOtherGroups(page);
    for (let i = 0; i < opens; i++) {
      samples.push({ load: load(), ...(await measureOne(page, 'Gate Lens Bench: Open Control Webview', 'control')) });
      await closeOtherGroups(page);
      samples.push({ load: load(), ...(await measureOne(page, 'Gate Lens: Step Through', 'new panel')) });
      await page.waitForTimeout(1000);
      samples.push({ load: load(), ...(await measureOne(page, 'Gate Lens: Step Through', 'panel open')) });
      await closeOtherGroups(page);
    }
  } finally {
    await cleanup();
  }
  return samples;
}

prepareWorkspace();
const controlVsix = packageControl();
const all = Object.fromEntries(dirs.map((d) => [d, []]));
const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' ');
try {
  for (let round = 0; round < rounds; round++) {
    for (const dir of dirs) {
      log(`round ${round + 1}: ${dir} (load ${load()})`);
      const samples = await oneSession(dir, controlVsix, round % 2 === 0);
      all[dir].push(...samples);
      for (const s of samples) log(`  ${s.what.padEnd(13)} document ${s.toDocument ?? '—'} ms, start ${s.toStart ?? '—'} ms, script ${s.toScript ?? '—'} ms, trace ${s.toTrace ?? '—'} ms, painted ${s.toPainted} ms, charts ${s.toCharts ?? '—'} ms (load ${s.load})`);
    }
  }
} finally {
  rmSync(WORKSPACE, { recursive: true, force: true });
}

const summary = {};
for (const dir of dirs) {
  summary[dir] = {};
  for (const what of ['first control', 'first panel', 'control', 'new panel', 'panel open']) {
    const list = all[dir].filter((s) => s.what === what);
    const med = (key) => median(list.map((s) => s[key]).filter((x) => x !== undefined));
    summary[dir][what] = { n: list.length, toDocument: med('toDocument'), toStart: med('toStart'), toScript: med('toScript'), toTrace: med('toTrace'), toPainted: med('toPainted'), toCharts: med('toCharts') };
  }
}
const result = { machine: { cpus: os.cpus().length, node: process.version, date: new Date().toISOString(), loadBefore, loadAfter: os.loadavg().map((x) => x.toFixed(2)).join(' ') }, builds: Object.fromEntries(dirs.map((d) => [d, buildOf(d)])), summary, samples: all };
if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`\nStep Through first render at 512 units vs. VS Code's own webview (medians, ms after Enter; load ${loadBefore} → ${result.machine.loadAfter})`);
  for (const dir of dirs) {
    const built = result.builds[dir];
    console.log(`  ${path.relative(process.cwd(), dir) || '.'} (${built.build} build, webview bundle ${built.webviewBundleKB} KB)`);
    for (const [what, s] of Object.entries(summary[dir])) console.log(`    ${what.padEnd(13)} n ${s.n}  document ${s.toDocument ?? '—'}  start ${s.toStart ?? '—'}  script ${s.toScript ?? '—'}  trace ${s.toTrace ?? '—'}  painted ${s.toPainted ?? '—'}  charts ${s.toCharts ?? '—'}`);
    for (const [panel, control] of [['first panel', 'first control'], ['new panel', 'control']]) {
      const ctl = summary[dir][control].toPainted, ours = summary[dir][panel].toPainted;
      if (ctl !== undefined && ours !== undefined) console.log(`    ${panel} − ${control} (ours): ${(ours - ctl).toFixed(1)} ms of ${ours} ms`);
    }
  }
}
mkdirSync(path.join(ROOT, 'test-results/bench'), { recursive: true });
writeFileSync(path.join(ROOT, 'test-results/bench/first-render.json'), JSON.stringify(result, null, 2));
process.exit(0);
