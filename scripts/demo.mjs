#!/usr/bin/env node
// `npm run demo`: Gate Lens in a real VS Code on a fresh copy of examples/.
//   default    sets up what is missing (npm ci, code-server via the same ensureCodeServer() scripts/test.sh uses),
//              builds and packages Gate Lens, then serves code-server with the .vsix installed on 127.0.0.1 and
//              prints the URL to open. Ctrl-C stops it.
//   --desktop  opens desktop VS Code (`code` on PATH) with the extension in development mode instead.
//   --port N   a fixed port for code-server (default: a free one). It listens on 127.0.0.1 only; from another
//              machine: ssh -L N:127.0.0.1:N you@this-machine, then open the printed URL there.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function step(what, cmd, cmdArgs) {
  console.log(`=== demo: ${what}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) { console.error(`demo: ${what} failed (exit ${r.status ?? r.signal})`); process.exit(1); }
}

const lock = path.join(ROOT, 'package-lock.json');
const installed = path.join(ROOT, 'node_modules/.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);

if (args.includes('--desktop')) {
  const which = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  if (which.status !== 0) { console.error('demo --desktop: `code` is not on PATH (install VS Code, or run `npm run demo` for the browser version)'); process.exit(1); }
  step('build', 'node', ['scripts/build.mjs']);
  const { prepareWorkspace } = await import('./vscode-harness.mjs');
  const workspace = prepareWorkspace('demo-desktop');
  console.log(`=== demo: code --extensionDevelopmentPath=${ROOT} ${workspace}`);
  const r = spawnSync('code', [`--extensionDevelopmentPath=${ROOT}`, '--disable-workspace-trust', workspace], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// code-server's native addons need gssapi.h (libkrb5-dev), and Debian's rg stands in for the ripgrep binary it
// would download. Install them the way scripts/test.sh does when we may (root with apt-get); otherwise say what to do.
const aptNeeded = ['libkrb5-dev', 'ripgrep'].filter((pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status !== 0);
const canApt = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (aptNeeded.length && canApt) {
  step('apt-get update', 'apt-get', ['update', '-qq']);
  step(`apt-get install ${aptNeeded.join(' ')}`, 'apt-get', ['install', '-y', '-qq', ...aptNeeded]);
}

// Imported only now: the harness loads after `npm ci` has put its dependencies in place.
const { ensureCodeServer, demo, cleanup } = await import('./vscode-harness.mjs');
try {
  await ensureCodeServer();
} catch (error) {
  console.error(`demo: ${error.message}\n(on Debian: apt-get install libkrb5-dev ripgrep, then retry)`);
  process.exit(1);
}
step('package (production build + vsce package)', 'npm', ['run', '-s', 'package']);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, async () => { console.log('\nstopping the demo'); await cleanup(); process.exit(0); });
const i = args.indexOf('--port');
try {
  await demo({ port: i >= 0 ? Number(args[i + 1]) : undefined });
} catch (error) {
  console.error(`demo: ${error.stack ?? error}`);
  await cleanup();
  process.exit(1);
}
