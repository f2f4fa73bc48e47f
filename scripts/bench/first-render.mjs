#!/usr/bin/env node
// Step Through's first render at 512 units in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, headless
// Chromium), next to its peer: the smallest webview panel any extension can open the same way (scripts/bench/
// webview-control: beside the editor, focus kept, scripts on, one line of text). The control is what VS Code itself
// costs to create a webview and show its first frame; the rest of Step Through's time is ours.
//
//   node scripts/bench/first-render.mjs [--rounds 2] [--opens 4] [--sw-fix] [--code-server CS[=NODE]] [--json] [DIR ...]
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
// Where VS Code's part goes, per new webview (ms, medians; "VS Code's part" below): from the navigation timing of the
// webview's two frames, VS Code's host page (pre/index.html) and the content frame it makes for the page (fake.html,
// into which it then writes the page):
//   frame       Enter → the host page's frame exists (the command reaches the extension host, the panel and its
//               editor group are made; for Step Through also our command's work before createWebviewPanel)
//   host        the host page loaded (fetched from the server, parsed, its script run: DOMContentLoaded)
//   sw+html     host page loaded → the content frame made: the host page registers its service worker and waits for
//               it to control the page, and waits for the page's HTML (the `content` message)
//   activate    content frame made → its fake.html request reaches the service worker (workerStart): the request
//               waits while the worker is still "activating"
//   fake.html   fake.html fetched through the worker and parsed
//   write       fake.html loaded → our script starts (VS Code's setTimeout, document.write of the page, parsing up to
//               the script; for Step Through the inline bundle's parse and compile)
//   ours        script starts → step 1 painted
// In VS Code 1.99–1.100 (code-server 4.100.3 here) "activate" is ~1.0 s for every webview but the very first of a
// browser profile: the host page registers its service worker under a URL holding the webview's id, so each new
// webview installs a new version of the worker for the same scope, and Chromium starts the activation of a version
// that replaces a running one after a fixed 1 s delay (content/browser/service_worker/service_worker_registration.cc,
// ActivateWaitingVersion(delay = true)); fake.html's request waits for it. microsoft/vscode#245756 (a regression from
// #244144, fixed upstream by #244910, which registers the worker under the same URL for every webview). A session's
// first webview here runs in a fresh browser profile with no worker registered, so it has no such wait; a real
// browser profile keeps its registration, and every webview pays it. `--sw-fix` also runs every DIR with VS Code's
// host page served as fixed upstream (the id left out of the worker's URL, its CSP hash updated; VS Code's change,
// simulated in the browser, so marked as such), in the same rounds, to show what the same build costs there.
// `--code-server CS[=NODE]` also runs every DIR on another code-server install (its folder, as CS_DIR; NODE: the Node
// binary it needs, code-server 4.103+ wants Node 22), in the same rounds: a VS Code with the fix itself, not simulated.
// FR_SW=1 logs every state change of the webviews' service worker versions (each new webview: a new version,
// "activating" for ~1 s).
// Measured, never asserted. Needs code-server (CS_DIR, see scripts/vscode-harness.mjs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, cpSync, readFileSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, codeServerAt, codeServerVersion, launchBrowser, log, openAnalysedFile, ROOT, runFromPalette, startCodeServer } from '../vscode-harness.mjs';
import { kerasLstmFile } from './keras-lstm-paste.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CONTROL = path.join(HERE, 'webview-control');
const args = process.argv.slice(2);
const valued = ['--rounds', '--opens', '--code-server'];
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rounds = option('--rounds', 2);
const opens = option('--opens', 4);
const json = args.includes('--json');
const swFix = args.includes('--sw-fix');
const otherServer = args.includes('--code-server') ? args[args.indexOf('--code-server') + 1].split('=') : undefined;
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

/** In a frame: when its document's navigation reached the service worker and when it was loaded (ms since the epoch). */
function readNavigation() {
  const nav = performance.getEntriesByType('navigation')[0];
  const at = (t) => (t ? performance.timeOrigin + t : undefined);
  return { origin: performance.timeOrigin, workerStart: at(nav?.workerStart), loaded: at(nav?.domContentLoadedEventStart) };
}

/** Waits until some frame has painted a trace after `t0` (and its charts, `withCharts`); returns its marks and the frame. */
async function paintedAfter(page, t0, withCharts, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const marks = await frame.evaluate(readMarks).catch(() => undefined);
      if (marks?.painted > t0 && (!withCharts || marks.charts > t0)) return { marks, frame };
    }
    if (Date.now() > deadline) throw new Error('no webview painted a trace');
    await page.waitForTimeout(100);
  }
}

async function closeOtherGroups(page) {
  await palette(page, 'View: Close Editors in Other Groups');
  await page.waitForTimeout(1500);
}

const PHASES = ['frame', 'host', 'sw+html', 'activate', 'fake.html', 'write', 'ours'];

/** A new webview's time split at its frames' navigation milestones (see the header); undefined where one is missing. */
async function phasesOf(frame, t0, marks) {
  const content = await frame.evaluate(readNavigation).catch(() => undefined);
  const host = await frame.parentFrame()?.evaluate(readNavigation).catch(() => undefined);
  const points = [t0, host?.origin, host?.loaded, content?.origin, content?.workerStart, content?.loaded, marks.start, marks.painted];
  return Object.fromEntries(PHASES.map((name, k) => [name, points[k] !== undefined && points[k + 1] !== undefined ? Math.round(points[k + 1] - points[k]) : undefined]));
}

async function measureOne(page, title, t0Label) {
  const t0 = await palette(page, title);
  const { marks: m, frame } = await paintedAfter(page, t0, !t0Label.endsWith('control'));
  const ms = (t) => (t === undefined ? undefined : Math.round((t - t0) * 10) / 10);
  const reused = m.origin < t0;
  const phases = reused ? undefined : await phasesOf(frame, t0, m);
  return { what: t0Label, toDocument: reused ? undefined : ms(m.origin), toStart: reused ? undefined : ms(m.start), toScript: reused ? undefined : ms(m.ready), toTrace: ms(m.received), toPainted: ms(m.painted), toCharts: ms(m.charts), phases };
}

/**
 * FR_SW=1: every state change of a webview service worker version (Chrome DevTools Protocol), ms after Enter: shows
 * each new webview installing a new version and its ~1 s in "activating".
 */
async function logServiceWorkerStates(page) {
  const cdp = await page.context().newCDPSession(page);
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) {
      if (!v.scriptURL.includes('/webview/')) continue;
      const webview = /[?&]id=([0-9a-f]{8})/.exec(v.scriptURL)?.[1] ?? 'no id';
      log(`    service worker version ${v.versionId} (webview ${webview}): ${v.status}, ${v.runningStatus} +${Date.now() - lastPressed} ms`);
    }
  });
  await cdp.send('ServiceWorker.enable');
}

/**
 * `--sw-fix`: VS Code's webview host page as fixed upstream (microsoft/vscode#244910): its service worker registered
 * under the same URL for every webview (the webview's id left out), the page's CSP hash of its inline script updated.
 */
async function serveHostPageFixed(page) {
  await page.context().route(/\/webview\/browser\/pre\/index\.html/, async (route) => {
    const response = await route.fetch();
    const original = await response.text();
    const fixed = original.replace('&id=${ID}&remoteAuthority', '&remoteAuthority');
    if (fixed === original) throw new Error('--sw-fix: this VS Code\'s webview host page has no per-webview worker URL to fix');
    const script = /<script async type="module">([\s\S]*?)<\/script>/.exec(fixed)[1];
    const hash = createHash('sha256').update(script).digest('base64');
    await route.fulfill({ response, body: fixed.replace(/'sha256-[^']+'/, `'sha256-${hash}'`) });
  });
}

async function oneSession(dir, controlVsix, stepThroughFirst, fixed, server) {
  const cs = await startCodeServer('first-render', { vsix: controlVsix, server });
  const page = await launchBrowser('first-render');
  page.setDefaultTimeout(180000);
  if (fixed) await serveHostPageFixed(page);
  if (process.env.FR_SW) await logServiceWorkerStates(page);
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
/** A code-server install with the VS Code version it bundles ("1.100.3"). */
async function serverWithVersion(server) {
  const code = / with Code (\S+)/.exec((await codeServerVersion(server)) ?? '');
  if (!code) throw new Error(`${server.bin} --version does not run or does not name its VS Code`);
  return { server, version: code[1] };
}
const servers = [await serverWithVersion(codeServerAt()), ...(otherServer ? [await serverWithVersion(codeServerAt(...otherServer))] : [])];
/**
 * Each DIR on each code-server as it is, and under --sw-fix also on the first with VS Code's host page as fixed
 * upstream, in the same rounds.
 */
const configs = dirs.flatMap((dir) => servers.flatMap(({ server, version }, k) => [
  { dir, server, version, fixed: false },
  ...(swFix && k === 0 ? [{ dir, server, version, fixed: true }] : []),
])).map((c) => ({ ...c, label: `${path.relative(process.cwd(), c.dir) || '.'} on VS Code ${c.version}${c.fixed ? ' (host page fixed upstream, simulated)' : ''}` }));
const all = Object.fromEntries(configs.map((c) => [c.label, []]));
const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const phaseText = (p) => (p ? PHASES.map((name) => `${name} ${p[name] ?? '—'}`).join(', ') : '');
try {
  for (let round = 0; round < rounds; round++) {
    for (const config of configs) {
      log(`round ${round + 1}: ${config.label} (load ${load()})`);
      const samples = await oneSession(config.dir, controlVsix, round % 2 === 0, config.fixed, config.server);
      all[config.label].push(...samples);
      for (const s of samples) log(`  ${s.what.padEnd(13)} document ${s.toDocument ?? '—'} ms, start ${s.toStart ?? '—'} ms, script ${s.toScript ?? '—'} ms, trace ${s.toTrace ?? '—'} ms, painted ${s.toPainted} ms, charts ${s.toCharts ?? '—'} ms (load ${s.load})${s.phases ? `\n      ${phaseText(s.phases)}` : ''}`);
    }
  }
} finally {
  rmSync(WORKSPACE, { recursive: true, force: true });
}

const WHATS = ['first control', 'first panel', 'control', 'new panel', 'panel open'];
const summary = {};
for (const { label } of configs) {
  summary[label] = {};
  for (const what of WHATS) {
    const list = all[label].filter((s) => s.what === what);
    const med = (pick) => median(list.map(pick).filter((x) => x !== undefined));
    const figures = Object.fromEntries(['toDocument', 'toStart', 'toScript', 'toTrace', 'toPainted', 'toCharts'].map((key) => [key, med((s) => s[key])]));
    const phases = what === 'panel open' ? undefined : Object.fromEntries(PHASES.map((name) => [name, med((s) => s.phases?.[name])]));
    summary[label][what] = { n: list.length, ...figures, phases };
  }
}
const result = { machine: { cpus: os.cpus().length, node: process.version, date: new Date().toISOString(), loadBefore, loadAfter: os.loadavg().map((x) => x.toFixed(2)).join(' ') }, builds: Object.fromEntries(dirs.map((d) => [d, buildOf(d)])), summary, samples: all };
if (json) console.log(JSON.stringify(result, null, 2));
else printSummary();

function printSummary() {
  console.log(`\nStep Through first render at 512 units vs. VS Code's own webview (medians, ms after Enter; load ${loadBefore} → ${result.machine.loadAfter})`);
  for (const { dir, label } of configs) {
    const built = result.builds[dir];
    console.log(`  ${label} (${built.build} build, webview bundle ${built.webviewBundleKB} KB)`);
    for (const [what, s] of Object.entries(summary[label])) console.log(`    ${what.padEnd(13)} n ${s.n}  document ${s.toDocument ?? '—'}  start ${s.toStart ?? '—'}  script ${s.toScript ?? '—'}  trace ${s.toTrace ?? '—'}  painted ${s.toPainted ?? '—'}  charts ${s.toCharts ?? '—'}`);
    for (const [panel, control] of [['first panel', 'first control'], ['new panel', 'control']]) {
      const ctl = summary[label][control].toPainted, ours = summary[label][panel].toPainted;
      if (ctl !== undefined && ours !== undefined) console.log(`    ${panel} − ${control} (ours): ${(ours - ctl).toFixed(1)} ms of ${ours} ms`);
    }
    console.log(`    where a new webview's time goes (medians, ms; activate = waiting for VS Code's service worker; see the header): ${PHASES.join(' | ')}`);
    for (const what of WHATS.slice(0, 4)) {
      const p = summary[label][what].phases;
      if (summary[label][what].n) console.log(`      ${what.padEnd(13)} ${PHASES.map((name) => String(p[name] ?? '—').padStart(name.length)).join(' | ')}`);
    }
  }
}
mkdirSync(path.join(ROOT, 'test-results/bench'), { recursive: true });
writeFileSync(path.join(ROOT, 'test-results/bench/first-render.json'), JSON.stringify(result, null, 2));
process.exit(0);
