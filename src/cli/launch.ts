// The `gate-lens` command (bundled to dist/cli.js): loads the CLI itself (dist/cli-main.js, built from cli.ts) through
// V8's code cache (compileCache.ts), and writes the cache at exit when there was none to use.
import { join } from 'node:path';
import { loadBundle } from './compileCache';
import { enableRelaxedSimd } from './relaxedSimd';

// Before the bundle is compiled: the cache is V8's, made and checked under the same flags, and before the kernels
// compile, so that Node 20 runs the same FMA kernels as every newer host.
enableRelaxedSimd();
const bundle = loadBundle(join(__dirname, 'cli-main.js'));
// A run of a command fills the cache with what commands need; --version or --help alone would fill it with little.
const command = process.argv[2];
if (command !== undefined && !command.startsWith('-')) process.once('exit', bundle.save);
