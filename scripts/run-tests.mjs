#!/usr/bin/env node
// `npm test`: every stage in order, each ending with its own summary line, then one total line
// `N passed, N failed` (the last line of output; CI reads it). Exit code 0 only when nothing failed.
// build, typecheck, lint and package count as one check each; the test stages count their tests.
// If the build fails the test stages are not run (they would test stale bundles) and count as failed.
// Setup failures from scripts/test.sh arrive in GATE_LENS_SETUP_FAILED (space-separated step names).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MINUTE = 60000;

/** kind: check = pass/fail; mocha = "N passing / N failing"; harness = "<mode>: N passed, N failed". */
const STAGES = [
  { name: 'build', kind: 'check', cmd: ['node', 'scripts/build.mjs'], timeoutMs: 5 * MINUTE },
  { name: 'typecheck', kind: 'check', cmd: ['npx', 'tsc', '--noEmit', '-p', '.'], timeoutMs: 10 * MINUTE },
  { name: 'lint', kind: 'check', cmd: ['npx', 'eslint', 'src', 'test', 'scripts'], timeoutMs: 10 * MINUTE },
  { name: 'unit', kind: 'mocha', cmd: ['node', 'scripts/run-unit-tests.mjs'], timeoutMs: 20 * MINUTE, needsBuild: true },
  { name: 'exthost', kind: 'harness', cmd: ['node', 'scripts/vscode-harness.mjs', 'exthost'], timeoutMs: 12 * MINUTE, needsBuild: true },
  // The browser bundle in the web worker extension host (about 40 s).
  { name: 'web', kind: 'harness', cmd: ['node', 'scripts/vscode-harness.mjs', 'web'], timeoutMs: 5 * MINUTE, needsBuild: true },
  { name: 'package', kind: 'check', cmd: ['npm', 'run', '-s', 'package'], timeoutMs: 5 * MINUTE, needsBuild: true },
  { name: 'ui', kind: 'harness', cmd: ['node', 'scripts/vscode-harness.mjs', 'ui'], timeoutMs: 12 * MINUTE, needsBuild: true },
];

function runStage(stage) {
  return new Promise((resolve) => {
    // Own process group, so a timed-out stage is stopped with everything it started.
    const env = { ...process.env, GATE_LENS_TEST_RUN: String(process.pid) };
    const child = spawn(stage.cmd[0], stage.cmd.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    const relay = (stream) => (b) => { out += b; stream.write(b); };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    const stopGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* group already gone */ } };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup('SIGTERM'); // the harness cleans up code-server and Chromium on SIGTERM
      setTimeout(() => stopGroup('SIGKILL'), 15000).unref();
    }, stage.timeoutMs);
    child.on('error', (e) => { out += String(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      stopGroup('SIGKILL'); // anything the stage left behind in its group
      resolve({ code: timedOut ? 124 : code ?? 1, out, timedOut });
    });
  });
}

function count(stage, { code, out }) {
  // eslint-disable-next-line no-control-regex -- stripping terminal colour codes
  const text = out.replace(/\x1b\[[0-9;]*m/g, '');
  if (stage.kind === 'check') return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  let passed = 0;
  let failed = 0;
  if (stage.kind === 'mocha') {
    passed = Number(/(\d+) passing/.exec(text)?.[1] ?? 0);
    failed = Number(/(\d+) failing/.exec(text)?.[1] ?? 0);
  } else {
    const m = [...text.matchAll(/^\w+: (\d+) passed, (\d+) failed$/gm)].pop();
    if (m) { passed = Number(m[1]); failed = Number(m[2]); }
  }
  // A crash, a timeout or a runner that never loaded must still count as a failure.
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

// Every stage inherits this marker; any process still carrying it after the last stage was started by this run.
const RUN_MARKER = `GATE_LENS_TEST_RUN=${process.pid}`;

function leftovers() {
  const found = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(RUN_MARKER)) continue;
      found.push({ pid: Number(pid), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160) });
    } catch { /* exited meanwhile, or not ours to read */ }
  }
  return found;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = [];
let passed = 0;
let failed = 0;
for (const step of (process.env.GATE_LENS_SETUP_FAILED ?? '').split(/\s+/).filter(Boolean)) {
  rows.push({ name: `setup:${step}`, passed: 0, failed: 1, ms: 0, note: 'setup failed (see above)' });
  failed += 1;
}
let buildFailed = false;
for (const stage of STAGES) {
  if (stage.needsBuild && buildFailed) {
    console.log(`\n=== ${stage.name}: not run, the build failed`);
    rows.push({ name: stage.name, passed: 0, failed: 1, ms: 0, note: 'not run: build failed' });
    failed += 1;
    continue;
  }
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(' ')}`);
  const t0 = Date.now();
  const result = await runStage(stage);
  const c = count(stage, result);
  const ms = Date.now() - t0;
  if (stage.name === 'build' && result.code !== 0) buildFailed = true;
  rows.push({ name: stage.name, ...c, ms, note: result.timedOut ? `timed out after ${seconds(stage.timeoutMs)}` : `exit ${result.code}` });
  passed += c.passed;
  failed += c.failed;
  console.log(`=== ${stage.name}: ${c.passed} passed, ${c.failed} failed in ${seconds(ms)}${result.timedOut ? ' (timed out)' : ''}`);
}

await new Promise((resolve) => setTimeout(resolve, 1000)); // let exiting processes finish exiting
const stray = leftovers();
if (stray.length) {
  // Ours by path; stopping them keeps CI clean, and counting them keeps the harness honest.
  for (const p of stray) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  rows.push({ name: 'no-leftover-processes', passed: 0, failed: 1, ms: 0, note: stray.map((p) => `${p.pid} ${p.cmdline}`).join('; ') });
  failed += 1;
}

console.log('\n=== summary');
for (const r of rows) console.log(`${r.name.padEnd(24)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${seconds(r.ms).padStart(9)}  ${r.note}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
