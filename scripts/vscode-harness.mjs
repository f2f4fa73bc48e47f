#!/usr/bin/env node
// Runs Gate Lens inside a real VS Code, offline: code-server 4.100.3 from npm (it bundles the VS Code 1.100.3
// server and web workbench) driven by Debian's Chromium through playwright-core.
//
//   node scripts/vscode-harness.mjs setup     install code-server into tools/code-server (or $CS_DIR) if needed
//   node scripts/vscode-harness.mjs exthost   out/test/extension/**/*.test.js inside the real extension host
//   node scripts/vscode-harness.mjs web       out/test/web/index.js inside the web worker extension host (browser bundle)
//   node scripts/vscode-harness.mjs ui        out/test/ui/*.e2e.js: Playwright against the real workbench
//   node scripts/vscode-harness.mjs demo      code-server with Gate Lens on a copy of examples/, until Ctrl-C
//
// How the extension-host run works: the web workbench reads a `payload` URL parameter holding
// extensionDevelopmentPath / extensionTestsPath (the mechanism VS Code's own browser integration tests and
// @vscode/test-web use; code-server has no CLI flags for it). When the runner's run() promise settles the
// workbench calls window.codeAutomationExit(code), and it forwards the extension host's console to
// window.codeAutomationLog; both are exposed here with Playwright. These hooks are internal to VS Code, which is
// why code-server stays pinned (tools/code-server/package.json).
//
// Every mode ends with the line `<mode>: N passed, N failed`, exits non-zero on any failure, and always stops the
// code-server process group and the browser it started (also on Ctrl-C, SIGTERM and its own watchdog).
//
// Environment: CS_DIR (code-server install folder), CS_NODE (the Node binary to run that code-server with, when it
// is not the `node` on PATH: code-server 4.103+ needs Node 22), CHROMIUM_BIN (default /usr/bin/chromium),
// HARNESS_TIMEOUT_MS (whole run, default 600000), MOCHA_GREP (run only matching tests; exthost and ui modes),
// GATE_LENS_VSIX (ui/demo: the .vsix to install), SERVER_LOG=1 / BROWSER_LOG=1 (echo their output),
// UPDATE_SCREENSHOTS=1 (ui: copy the README screenshots to media/screenshots/), KEEP_STATE=1 (keep the run folder
// .vscode-test/run-<pid>/: workspace copy, user data, browser profile). Logs: .vscode-test/logs/.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PINNED_CS_DIR = path.join(ROOT, 'tools/code-server');
export const CS_DIR = process.env.CS_DIR ? path.resolve(process.env.CS_DIR) : PINNED_CS_DIR;

/**
 * A code-server install to run: its folder, and the Node binary for it (code-server's launcher starts `node` from
 * PATH, so that binary's folder goes first on the server's PATH). Default: CS_DIR, CS_NODE.
 */
export function codeServerAt(dir = CS_DIR, node = process.env.CS_NODE) {
  const bin = path.join(path.resolve(dir), 'node_modules/.bin/code-server');
  const env = node ? { PATH: `${path.dirname(path.resolve(node))}${path.delimiter}${process.env.PATH ?? ''}` } : {};
  return { dir: path.resolve(dir), bin, env };
}
const DEFAULT_SERVER = codeServerAt();
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const STATE = path.join(ROOT, '.vscode-test');
const LOGS = path.join(STATE, 'logs');
const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');

const T0 = Date.now();
export const log = (...args) => console.log(`[harness +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...args);
// unref: a pending sleep must never be what keeps the process alive after cleanup.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

// ------------------------------------------------------------------------------------------------ cleanup
const cleanups = [];
export async function cleanup() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch { /* best effort: the next cleanup must still run */ }
  }
}
const killedOnExit = new Set();
process.on('exit', () => {
  // Last resort if cleanup() never ran (uncaught error): SIGKILL every process group we started.
  for (const pid of killedOnExit) { try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ } }
});

function run(cmd, args, { env = process.env, cwd = ROOT, timeoutMs = 120000, logFile } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    killedOnExit.add(child.pid);
    let out = '';
    const sink = (b) => { out += b; };
    child.stdout.on('data', sink);
    child.stderr.on('data', sink);
    const timer = setTimeout(() => { out += `\n[harness] ${cmd} timed out after ${timeoutMs} ms\n`; try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    let settled = false;
    const done = (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killedOnExit.delete(child.pid);
      if (logFile) { mkdirSync(path.dirname(logFile), { recursive: true }); writeFileSync(logFile, out); }
      resolve({ code, out });
    };
    child.on('error', (e) => { out += String(e); done(-1); });
    child.on('close', (code) => done(code));
  });
}

// ------------------------------------------------------------------------------------------------ setup
const isolatedXdg = () => ({ XDG_CONFIG_HOME: path.join(STATE, 'xdg/config'), XDG_DATA_HOME: path.join(STATE, 'xdg/data'), XDG_CACHE_HOME: path.join(STATE, 'xdg/cache') });

/** `code-server --version`'s last line ("4.100.3 <commit> with Code 1.100.3"), or undefined when it does not run. */
export async function codeServerVersion(server = DEFAULT_SERVER) {
  if (!existsSync(server.bin)) return undefined;
  // Own XDG dirs: even --version makes code-server write ~/.config/code-server/config.yaml otherwise.
  const r = await run(server.bin, ['--version'], { env: { ...process.env, ...isolatedXdg(), ...server.env }, timeoutMs: 60000 });
  return r.code === 0 ? r.out.trim().split('\n').pop() : undefined;
}

/**
 * Installs the pinned code-server unless a working one is already there. Its postinstall runs `npm install` inside
 * lib/vscode, which offline and as root needs three things (see /work/shared/vscode-offline-testing/REPORT.md):
 *  - npm_config_unsafe_perm=true: its install script refuses to run as root otherwise;
 *  - npm_config_yes=true: node-pty's post-install runs `npx node-gyp`, which would wait for a prompt;
 *  - a pre-filled @vscode/ripgrep download cache: its postinstall looks for
 *    $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<rg version>-<target>.tar.gz before asking GitHub, so a
 *    tarball of Debian's /usr/bin/rg goes there. Both versions come from code-server 4.100.3's
 *    lib/vscode/npm-shrinkwrap.json; a code-server bump fails loudly here (ENOTFOUND api.github.com).
 * The native addons (kerberos needs libkrb5-dev's gssapi.h) build from source with the machine's g++.
 */
export async function ensureCodeServer() {
  const existing = await codeServerVersion();
  if (existing) { log(`code-server ready in ${CS_DIR}: ${existing}`); return existing; }
  if (process.arch !== 'x64') throw new Error(`the ripgrep stand-in below is x86_64 only (this machine: ${process.arch})`);
  if (CS_DIR !== PINNED_CS_DIR) {
    // CS_DIR lets CI keep the 300 MB install outside the clone; the pin still comes from this repository.
    mkdirSync(CS_DIR, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(PINNED_CS_DIR, f), path.join(CS_DIR, f));
  }
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => existsSync(p));
  if (!rg) throw new Error('ripgrep is missing: apt-get install ripgrep (it stands in for the rg binary @vscode/ripgrep downloads from GitHub)');
  // Short TMPDIR: VS Code's IPC socket paths must stay under 107 characters, and the cache lives here too.
  const tmp = mkdtempSync('/tmp/glcs-');
  try {
    const cache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
    mkdirSync(path.join(tmp, 'rg'), { recursive: true });
    mkdirSync(cache, { recursive: true });
    copyFileSync(rg, path.join(tmp, 'rg/rg'));
    const tar = await run('tar', ['czf', path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', path.join(tmp, 'rg'), 'rg']);
    if (tar.code !== 0) throw new Error(`could not pack the ripgrep cache: ${tar.out}`);
    const logFile = path.join(LOGS, 'code-server-install.log');
    log(`installing code-server into ${CS_DIR} (a few minutes: 5 min measured on 2 busy cores; log: ${path.relative(ROOT, logFile)})`);
    const env = { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' };
    const r = await run('npm', ['ci', '--no-audit', '--no-fund', '--foreground-scripts'], { env, cwd: CS_DIR, timeoutMs: 15 * 60000, logFile });
    if (r.code !== 0) {
      const errors = r.out.split('\n').filter((l) => /ERR|error|ENOTFOUND/.test(l)).slice(-20).join('\n');
      throw new Error(`code-server install failed (exit ${r.code}); see ${logFile}\n${errors}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const version = await codeServerVersion();
  if (!version) throw new Error(`code-server installed but \`code-server --version\` fails in ${CS_DIR}`);
  log(`code-server ready: ${version}`);
  return version;
}

// ------------------------------------------------------------------------------------------------ code-server
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

// Each harness process keeps its state in .vscode-test/run-<pid>/, so runs started at the same time in one checkout
// (two people, or CI and a person) never share a workspace, a user-data dir or a browser profile. The folder goes
// when the run ends (KEEP_STATE=1 keeps it for a look); the demo keeps its own in .vscode-test/demo/.
let runDir;
function scratch(...parts) {
  if (!runDir) {
    sweepDeadRuns();
    runDir = path.join(STATE, `run-${process.pid}`);
    mkdirSync(runDir, { recursive: true });
    const mine = runDir;
    // First in, so the last cleanup to run: after code-server and the browser have stopped using it.
    cleanups.unshift(async () => {
      if (!process.env.KEEP_STATE) rmSync(mine, { recursive: true, force: true });
      if (runDir === mine) runDir = undefined;
    });
  }
  return path.join(runDir, ...parts);
}

/** Removes the run folders of harness processes that no longer exist (killed before they could clean up). */
function sweepDeadRuns() {
  if (!existsSync(STATE)) return;
  for (const name of readdirSync(STATE)) {
    const pid = Number(/^run-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try { process.kill(pid, 0); } catch (e) { if (e.code === 'ESRCH') rmSync(path.join(STATE, name), { recursive: true, force: true }); }
  }
}

/**
 * A throwaway workspace: test-workspace/ (its settings) plus a copy of examples/ (and of the model fixtures, as
 * models/), so tests may edit files.
 * `persistent` (the demo) puts it in .vscode-test/<name>/workspace, where it stays after the run.
 */
export function prepareWorkspace(name, { persistent = false } = {}) {
  const dir = persistent ? path.join(STATE, name, 'workspace') : scratch('workspaces', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(ROOT, 'test-workspace'), dir, { recursive: true });
  if (existsSync(path.join(ROOT, 'examples'))) cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  // The framework-written model files and their expected outputs, for the Gate Lens Model editor suites.
  const models = path.join(ROOT, 'test', 'fixtures', 'models');
  if (existsSync(models)) cpSync(models, path.join(dir, 'models'), { recursive: true });
  return dir;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

/**
 * Starts code-server on a free 127.0.0.1 port, in its own process group, with all state (user data, extensions,
 * XDG dirs) in the run folder, or in .vscode-test/<name>/state when `persistent`, and a short private TMPDIR.
 */
/** `server`: which code-server install to run (codeServerAt); the default is CS_DIR's, with CS_NODE. */
export async function startCodeServer(name, { vsix, port: wantedPort, extraEnv = {}, persistent = false, settings = {}, server = DEFAULT_SERVER } = {}) {
  if (!existsSync(server.bin)) throw new Error(`code-server not found at ${server.bin}: run \`node scripts/vscode-harness.mjs setup\``);
  const dir = persistent ? path.join(STATE, name, 'state') : scratch('state', name);
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['user-data/User', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache']) mkdirSync(path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, 'user-data/User/settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\ncert: false\n');
  const tmp = mkdtempSync('/tmp/glvs-');
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    TMPDIR: tmp,
    EXTENSIONS_GALLERY: '{}', // no marketplace: nothing is reachable, and nothing may be fetched
    ...server.env,
    ...extraEnv,
  };
  const common = ['--user-data-dir', path.join(dir, 'user-data'), '--extensions-dir', path.join(dir, 'extensions')];
  if (vsix) {
    const r = await run(server.bin, [...common, '--install-extension', vsix, '--force'], { env, timeoutMs: 120000 });
    if (r.code !== 0) throw new Error(`--install-extension ${vsix} failed:\n${r.out}`);
    log(r.out.trim().split('\n').pop());
  }
  const port = wantedPort ?? await freePort();
  const args = ['--config', path.join(dir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...common,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened'];
  const child = spawn(server.bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  killedOnExit.add(child.pid);
  let out = '';
  const sink = (b) => { out += b; if (process.env.SERVER_LOG) process.stdout.write(`[code-server] ${b}`); };
  child.stdout.on('data', sink);
  child.stderr.on('data', sink);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, sleep(5000)]);
    }
    // The group also holds the extension host and its workers; none of them may outlive the run.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    killedOnExit.delete(child.pid);
    mkdirSync(LOGS, { recursive: true });
    writeFileSync(path.join(LOGS, `code-server-${name}.log`), out);
  });
  log(`code-server (pid ${child.pid}) on 127.0.0.1:${port}`);
  const deadline = Date.now() + 60000;
  for (;;) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not listening yet */ }
    if (child.exitCode !== null) throw new Error(`code-server exited early (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`code-server not answering after 60 s:\n${out}`);
    await sleep(250);
  }
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const workbenchUrl = (folder, payload) => {
    let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
    if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return url;
  };
  return { port, dir, remote, workbenchUrl };
}

export async function launchBrowser(name) {
  const { chromium } = await import('playwright-core');
  const profile = scratch('state', name, 'chromium-profile');
  rmSync(profile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? await context.newPage();
  if (process.env.BROWSER_LOG) page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));
  return page;
}

function modified(file) { return existsSync(file) ? statSync(file).mtimeMs : 0; }

/** The packaged .vsix, if there is one at least as new as the bundle it should contain. */
function packagedVsix() {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = process.env.GATE_LENS_VSIX ?? path.join(ROOT, `gate-lens-${version}.vsix`);
  if (!existsSync(vsix)) { log(`no ${path.relative(ROOT, vsix)}: loading the extension folder in development mode`); return undefined; }
  const bundles = ['dist/extension.js', 'dist/worker.js', 'dist/webview/main.js', 'package.json'].map((f) => modified(path.join(ROOT, f)));
  if (!process.env.GATE_LENS_VSIX && modified(vsix) < Math.max(...bundles)) {
    log(`${path.relative(ROOT, vsix)} is older than the bundles in dist/: loading the extension folder in development mode (npm run package refreshes it)`);
    return undefined;
  }
  return vsix;
}

// ------------------------------------------------------------------------------------------------ exthost
/**
 * Opens the workbench on `workspace` with the repository loaded in development mode and `testsPath` (a bundled
 * module exporting run()) as the extension tests, and resolves when the extension host reports its exit code.
 * The extension host inherits code-server's environment, so `extraEnv` reaches the runner.
 */
/** Runs a command from the palette by its title; returns the moment Enter was pressed (Date.now()). */
export async function runFromPalette(page, title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  const pressed = Date.now();
  await page.keyboard.press('Enter');
  return pressed;
}

/**
 * Opens `fileName` with Quick Open in a loaded workbench (accepting the web workbench's question for files over 10 MB,
 * as a user would), waits until the status bar names a layer containing `layerText` (the analysis is done), and puts
 * the cursor on `line`.
 */
export async function openAnalysedFile(page, fileName, { layerText = 'LSTM', line = 3 } = {}) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
  await page.keyboard.press('Enter');
  const openAnyway = page.locator('.monaco-button', { hasText: 'Open Anyway' });
  if (await openAnyway.waitFor({ timeout: 15000 }).then(() => true, () => false)) await openAnyway.click();
  await page.locator('.statusbar-item', { hasText: layerText }).first().waitFor();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line}`);
  await page.keyboard.press('Enter');
}

export async function runInExtensionHost(name, { testsPath, workspace, extraEnv = {}, settings = {}, echo = true }) {
  const cs = await startCodeServer(name, { extraEnv, settings });
  const page = await launchBrowser(name);
  const transcript = [];
  const exitCode = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      transcript.push(line);
      if (echo) (console[type] ?? console.log)(`[${name}] ${line}`);
    });
    void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  await page.goto(cs.workbenchUrl(workspace, [
    ['extensionDevelopmentPath', cs.remote(ROOT)],
    ['extensionTestsPath', cs.remote(testsPath.replace(/\.js$/, ''))],
    ['skipWelcome', 'true'],
  ]));
  log(`workbench opened on ${path.relative(ROOT, workspace)}; the extension host is running ${path.relative(ROOT, testsPath)}`);
  const code = await exitCode;
  await page.screenshot({ path: path.join(LOGS, `${name}.png`) }).catch(() => {});
  writeFileSync(path.join(LOGS, `${name}.log`), transcript.join('\n'));
  log(`extension host exit code: ${code}`);
  return { code, transcript };
}

async function exthost() {
  const runner = path.join(ROOT, 'out/test/extension/index.js');
  if (!existsSync(runner)) throw new Error('out/test/extension/index.js is missing: run `npm run build` first');
  const resultFile = scratch('exthost-result.json');
  // The runner writes its counts to GATE_LENS_TEST_RESULT.
  const { code, transcript } = await runInExtensionHost('exthost', { testsPath: runner, workspace: prepareWorkspace('exthost'), extraEnv: { GATE_LENS_TEST_RESULT: resultFile } });
  let summary;
  try { summary = JSON.parse(readFileSync(resultFile, 'utf8')); } catch {
    // Fall back to the line the runner also prints, in case the file could not be written.
    const line = transcript.map((l) => /GATE-LENS-MOCHA-SUMMARY (\{.*\})/.exec(l)).filter(Boolean).pop();
    summary = line ? JSON.parse(line[1]) : undefined;
  }
  if (!summary) { log('the mocha runner reported no counts (it did not load, or crashed)'); return { passed: 0, failed: 1 }; }
  const failed = summary.failures + (code !== 0 && summary.failures === 0 ? 1 : 0);
  return { passed: summary.passes, failed };
}

// ------------------------------------------------------------------------------------------------ web
/**
 * The web suite in the browser's web worker extension host. The user setting remote.extensionKind ['web'] makes the
 * workbench run the development copy there, from its `browser` entry, even though code-server's Node host could
 * take it; VS Code then runs the extension tests in whichever host runs the extension whose folder holds them
 * (AbstractExtensionService, "_findTestExtensionHost"). test/web/host.test.ts asserts it really is a worker.
 * A web worker cannot write files, so the counts come only from the runner's GATE-LENS-MOCHA-SUMMARY line.
 */
async function web() {
  const runner = path.join(ROOT, 'out/test/web/index.js');
  if (!existsSync(runner)) throw new Error('out/test/web/index.js is missing: run `npm run build` first');
  const { code, transcript } = await runInExtensionHost('web', {
    testsPath: runner, workspace: prepareWorkspace('web'),
    settings: { 'remote.extensionKind': { 'gate-lens.gate-lens': ['web'] } },
  });
  const line = transcript.map((l) => /GATE-LENS-MOCHA-SUMMARY (\{.*\})/.exec(l)).filter(Boolean).pop();
  if (!line) { log('the web mocha runner reported no counts (it did not load, or crashed)'); return { passed: 0, failed: 1 }; }
  const summary = JSON.parse(line[1]);
  const failed = summary.failures + (code !== 0 && summary.failures === 0 ? 1 : 0);
  return { passed: summary.passes, failed };
}

// ------------------------------------------------------------------------------------------------ ui
function uiTestFiles() {
  const dir = path.join(ROOT, 'out/test/ui');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.e2e.js')).sort().map((f) => path.join(dir, f));
}

async function ui() {
  const files = uiTestFiles();
  if (!files.length) throw new Error('no out/test/ui/*.e2e.js: run `npm run build` first');
  const vsix = packagedVsix();
  const workspace = prepareWorkspace('ui');
  const cs = await startCodeServer('ui', { vsix });
  const page = await launchBrowser('ui');
  page.setDefaultTimeout(30000);
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const payload = vsix ? undefined : [['extensionDevelopmentPath', cs.remote(ROOT)], ['skipWelcome', 'true']];
  // What the UI tests see (test/ui/workbench.ts reads it): one page, one workbench, shared by all files.
  globalThis.gateLensUi = { page, workspace, screenshots: SCREENSHOTS, url: cs.workbenchUrl(workspace, payload), log };
  const { default: Mocha } = await import('mocha');
  let failures = 0;
  const rootHooks = {
    async afterEach() {
      // What the workbench looked like when a test failed: the first thing to look at when one does.
      if (this.currentTest?.state === 'failed') await page.screenshot({ path: path.join(SCREENSHOTS, `failed-${++failures}.png`) }).catch(() => {});
    },
  };
  const mocha = new Mocha({ ui: 'bdd', timeout: 90000, color: false, reporter: 'spec', grep: process.env.MOCHA_GREP, rootHooks });
  for (const f of files) mocha.addFile(f);
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
    // A failed before-all gets no afterEach: its picture is taken here (the hook waits for nothing, so it may be late).
    runner.on('fail', (runnable) => {
      if (runnable.type === 'hook') page.screenshot({ path: path.join(SCREENSHOTS, `failed-hook-${++failures}.png`) }).catch(() => {});
    });
  });
  await mocha.dispose?.();
  if (process.env.UPDATE_SCREENSHOTS) {
    const media = path.join(ROOT, 'media/screenshots');
    mkdirSync(media, { recursive: true });
    for (const f of ['hover.png', 'step-through.png', 'model-editor-dark.png', 'model-editor-light.png']) {
      if (existsSync(path.join(SCREENSHOTS, f))) { copyFileSync(path.join(SCREENSHOTS, f), path.join(media, f)); log(`updated media/screenshots/${f}`); }
    }
  }
  return { passed: stats.passes, failed: stats.failures };
}

// ------------------------------------------------------------------------------------------------ demo
/** Serves Gate Lens on a fresh copy of examples/ until interrupted. Returns only on a start-up error. */
export async function demo({ port } = {}) {
  const vsix = packagedVsix();
  const workspace = prepareWorkspace('demo', { persistent: true });
  const cs = await startCodeServer('demo', { vsix, port, persistent: true });
  const payload = vsix ? undefined : [['extensionDevelopmentPath', cs.remote(ROOT)], ['skipWelcome', 'true']];
  console.log(`\nGate Lens demo: open ${cs.workbenchUrl(workspace, payload)}\n` +
    `(workspace: ${workspace}, a copy of examples/; start with examples/seed_keras_lstm.py). Ctrl-C stops it.\n`);
  await new Promise(() => {}); // the signal handlers below end the process
}

// ------------------------------------------------------------------------------------------------ CLI
async function main() {
  const mode = process.argv[2];
  const modes = { setup: null, exthost, web, ui, demo: null };
  if (!(mode in modes)) { console.error('usage: node scripts/vscode-harness.mjs setup|exthost|web|ui|demo [--port N]'); process.exit(2); }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, async () => { log(`${sig}: stopping`); await cleanup(); process.exit(130); });
  if (mode === 'setup') {
    try { await ensureCodeServer(); process.exit(0); } catch (e) { console.error(`[harness] ${e.message}`); process.exit(1); }
  }
  if (mode === 'demo') {
    const i = process.argv.indexOf('--port');
    try { await demo({ port: i > 0 ? Number(process.argv[i + 1]) : undefined }); } catch (e) { console.error(`[harness] ${e.stack ?? e}`); await cleanup(); process.exit(1); }
    return;
  }
  const timeoutMs = Number(process.env.HARNESS_TIMEOUT_MS ?? 600000);
  const watchdog = setTimeout(async () => {
    console.error(`[harness] ${mode} did not finish within ${timeoutMs} ms: stopping everything`);
    await cleanup();
    console.log(`${mode}: 0 passed, 1 failed`);
    process.exit(1);
  }, timeoutMs);
  let result = { passed: 0, failed: 1 };
  try { result = await modes[mode](); } catch (e) { console.error(`[harness] error: ${e.stack ?? e}`); }
  await cleanup();
  clearTimeout(watchdog);
  console.log(`${mode}: ${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed === 0 && result.passed > 0 ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
