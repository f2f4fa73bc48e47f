import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCacheDir, loadBundle } from '../../src/cli/compileCache';

const posix = process.platform !== 'win32';

/** A CommonJS bundle with enough functions for V8 to cache, in a directory of its own, and a cache directory. */
function setUp(body = ''): { bundle: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'gate-lens-cache-'));
  const bundle = join(dir, 'bundle.js');
  const functions = Array.from({ length: 50 }, (_, k) => `function f${k}(x) { return x * ${k} + ${k}; }`).join('\n');
  writeFileSync(bundle, `${functions}\nexports.sum = (x) => [${Array.from({ length: 50 }, (_, k) => `f${k}(x)`).join(', ')}].reduce((a, b) => a + b, 0);\nexports.dir = __dirname;\nexports.req = typeof require('node:path').join;\n${body}`);
  return { bundle, env: { GATE_LENS_CACHE_DIR: join(dir, 'cache') } };
}

function cacheFiles(env: Record<string, string>): string[] {
  return existsSync(env.GATE_LENS_CACHE_DIR) ? readdirSync(env.GATE_LENS_CACHE_DIR).map((f) => join(env.GATE_LENS_CACHE_DIR, f)) : [];
}

/** One load in a process of its own (compileCache-main.ts), which saves after it as the command does. */
function load(bundle: string, env: Record<string, string>): { status: string; sum: number; dir: string; req: string } {
  const r = spawnSync(process.execPath, [join(__dirname, 'compileCache-main.js'), bundle], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { status: string; sum: number; dir: string; req: string };
}

describe('the CLI code cache', () => {
  it('runs the bundle as require would, writes the cache after the run, and reads it on the next', () => {
    const { bundle, env } = setUp();
    const first = load(bundle, env);
    assert.deepEqual(first, { status: 'created', sum: 3675, dir: join(bundle, '..'), req: 'function' });
    const [file] = cacheFiles(env);
    assert.ok(file?.endsWith('.v8cache'), String(file));
    if (posix) {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(env.GATE_LENS_CACHE_DIR).mode & 0o777, 0o700);
    }
    const written = statSync(file).mtimeMs;
    assert.equal(load(bundle, env).status, 'used');
    assert.deepEqual(cacheFiles(env), [file]);
    assert.equal(statSync(file).mtimeMs, written, 'a used cache is not written again');
  });

  it('writes nothing before save', () => {
    const { bundle, env } = setUp();
    const loaded = loadBundle(bundle, env);
    assert.equal((loaded.exports as { sum: (x: number) => number }).sum(2), 3675);
    assert.deepEqual(cacheFiles(env), []);
  });

  it('keeps one cache per bundle: a changed bundle neither reads nor replaces the old one', () => {
    const { bundle, env } = setUp();
    load(bundle, env);
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}\nexports.more = 1;`);
    assert.equal(load(bundle, env).status, 'created');
    assert.equal(cacheFiles(env).length, 2);
  });

  it('runs without a cache V8 rejects, and replaces it', () => {
    const { bundle, env } = setUp();
    load(bundle, env);
    const [file] = cacheFiles(env);
    writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
    const damaged = load(bundle, env);
    assert.equal(damaged.status, 'rejected');
    assert.equal(damaged.sum, 3675);
    assert.equal(load(bundle, env).status, 'used');
  });

  it('neither reads nor replaces a cache that others may write', function () {
    if (!posix) this.skip();
    const { bundle, env } = setUp();
    load(bundle, env);
    const [file] = cacheFiles(env);
    chmodSync(file, 0o666);
    const refused = load(bundle, env);
    assert.equal(refused.status, 'untrusted');
    assert.equal(refused.sum, 3675);
    assert.equal(statSync(file).mode & 0o777, 0o666, 'left as it was');
  });

  it('is off with GATE_LENS_COMPILE_CACHE=0, and a cache that cannot be written is only not written', () => {
    const { bundle, env } = setUp();
    assert.equal(load(bundle, { ...env, GATE_LENS_COMPILE_CACHE: '0' }).status, 'off');
    assert.deepEqual(cacheFiles(env), []);
    // The cache directory would be inside a file.
    const unwritable = load(bundle, { GATE_LENS_CACHE_DIR: join(bundle, 'cache') });
    assert.equal(unwritable.status, 'created');
    assert.deepEqual(readdirSync(join(bundle, '..')).sort(), ['bundle.js']);
  });

  it('lives in the platform\'s per-user cache directory', () => {
    assert.equal(compileCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/gate-lens');
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/gate-lens');
    assert.equal(compileCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/gate-lens');
    assert.equal(compileCacheDir({ LOCALAPPDATA: 'C:/Users/u/AppData/Local' }, 'win32', 'C:/Users/u'), join('C:/Users/u/AppData/Local', 'gate-lens', 'Cache'));
    assert.equal(compileCacheDir({ GATE_LENS_CACHE_DIR: '/tmp/x', XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/tmp/x');
  });

  it('is written by the gate-lens command after a command, not after --version, and gives the same output', function () {
    this.timeout(60000);
    const cli = join(process.cwd(), 'dist', 'cli.js');
    const cacheDir = mkdtempSync(join(tmpdir(), 'gate-lens-cache-cli-'));
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, GATE_LENS_CACHE_DIR: cacheDir } });
    assert.equal(run('--version').status, 0);
    assert.deepEqual(readdirSync(cacheDir), []);
    const first = run('inspect', join('examples', 'seed_keras_lstm.py'), '--json');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(readdirSync(cacheDir).length, 1);
    const second = run('inspect', join('examples', 'seed_keras_lstm.py'), '--json');
    assert.equal(second.stdout, first.stdout);
  });
});
