// Loads the CLI's bundle with V8's code cache, so that a `gate-lens` run after the first does not compile again the
// functions every run needs (what Node 22's module.enableCompileCache does; the CLI runs on Node 20). The cache is the
// user's own file, in the user's cache directory; it is bytecode, so it is read only when it is a regular file owned
// by this user that nobody else may write, and V8 itself rejects one made for another source, Node or flag set.
// GATE_LENS_COMPILE_CACHE=0 turns it off; GATE_LENS_CACHE_DIR moves it.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

export type CacheStatus = 'used' | 'created' | 'rejected' | 'untrusted' | 'off';

export interface LoadedBundle {
  readonly exports: unknown;
  /** What became of the cache: read and accepted, absent (made now), rejected by V8, refused (not ours), or off. */
  readonly status: CacheStatus;
  /** Writes the cache when this load had none to use (call it after the run: it holds what the run compiled). */
  readonly save: () => void;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where the cache lives: the platform's per-user cache directory, or GATE_LENS_CACHE_DIR. */
export function compileCacheDir(env: Env = process.env, platform: string = process.platform, home: string = homedir()): string {
  if (env.GATE_LENS_CACHE_DIR) return env.GATE_LENS_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'gate-lens', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'gate-lens');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'gate-lens');
}

/** Runs the CommonJS bundle at `bundlePath` (as `require` would) and returns its exports. */
export function loadBundle(bundlePath: string, env: Env = process.env): LoadedBundle {
  const source = readFileSync(bundlePath, 'utf8');
  const enabled = env.GATE_LENS_COMPILE_CACHE !== '0';
  // One file per bundle, Node and architecture: a new release or Node never meets the old cache.
  const key = createHash('sha256').update(source).update(process.version).update(process.arch).digest('hex').slice(0, 20);
  const cacheFile = join(compileCacheDir(env), `cli-${key}.v8cache`);
  const cached = enabled ? readOwnCache(cacheFile) : undefined;
  const script = new Script(Module.wrap(source), { filename: bundlePath, ...(cached?.data ? { cachedData: cached.data } : {}) });
  const status: CacheStatus = !enabled ? 'off' : cached?.refused ? 'untrusted' : !cached ? 'created' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  const save = (): void => {
    if (status !== 'created' && status !== 'rejected') return;
    writeCache(cacheFile, script.createCachedData());
  };
  return { exports: module.exports, status, save };
}

/** The cache's bytes; `refused` when the file is there but not this user's alone; undefined when absent. */
function readOwnCache(file: string): { data?: Buffer; refused?: true } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    const owner = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (!stat.isFile() || (owner !== undefined && stat.uid !== owner) || (process.platform !== 'win32' && (stat.mode & 0o022) !== 0)) return { refused: true };
    return { data: readFileSync(fd) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Written whole or not at all (a temporary file renamed); a cache that cannot be written is only a slower next run. */
function writeCache(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // Read-only home, full disk, a file where the directory should be: run without a cache.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}
