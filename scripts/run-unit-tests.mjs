// Runs the plain-Node mocha suites (everything under out/test except the extension-host and UI suites).
import Mocha from 'mocha';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const skip = new Set(['extension', 'ui']);
function collect(dir, top = true) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (!(top && skip.has(name))) out.push(...collect(p, false)); }
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const files = collect('out/test');
const mocha = new Mocha({ ui: 'bdd', timeout: 60000, reporter: process.env.MOCHA_REPORTER || 'spec' });
for (const f of files) mocha.addFile(join(process.cwd(), f));
mocha.run((failures) => { process.exitCode = failures ? 1 : 0; });
