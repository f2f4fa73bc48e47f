// Child process of compileCache.test.ts: loads the bundle named on the command line through the code cache, as the
// gate-lens command does, calls its `sum`, saves, and prints what happened. A process of its own per load: within one
// process V8 finds a script it compiled before in its own cache and never looks at the file's.
import { loadBundle } from '../../src/cli/compileCache';

const loaded = loadBundle(process.argv[2]);
const exports = loaded.exports as { sum: (x: number) => number; dir: string; req: string };
loaded.save();
process.stdout.write(JSON.stringify({ status: loaded.status, sum: exports.sum(2), dir: exports.dir, req: exports.req }));
