// docs/conventions.md carries the table generated from the registry; this fails when the committed file is stale
// (run `npm run docs:conventions`) and checks the table lists every convention with its sources and status.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS } from '../../../src/core/conventions';
import { CONVENTION_NAMES_PATH, conventionNamesSource, conventionsTable, TABLE_BEGIN, TABLE_END, withConventionsTable } from '../../../src/core/conventions/table';

describe('docs/conventions.md (generated from the registry)', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'conventions.md'), 'utf8');

  it('is up to date with the registry (npm run docs:conventions)', () => {
    assert.ok(doc.includes(TABLE_BEGIN) && doc.includes(TABLE_END), 'the generated block is missing');
    assert.equal(withConventionsTable(doc), doc, 'docs/conventions.md is stale: run npm run docs:conventions');
  });

  it('has a row per framework × cell, each with its sources and verified/documented status', () => {
    const table = conventionsTable();
    for (const a of ADAPTERS) {
      for (const c of a.cells) assert.ok(table.includes(`(\`${a.id}\`) | ${c.cell === 'lstm' ? 'LSTM' : c.cell === 'gru' ? 'GRU' : 'SimpleRNN'} |`), `${a.id} ${c.cell}`);
      for (const s of a.sources) assert.ok(table.includes(s.url), `${a.id} source ${s.url}`);
    }
    assert.ok(table.includes('documented, not run against the framework'), 'documented conventions are flagged');
  });

  it('the step panel\'s convention names are up to date with the registry (npm run docs:conventions)', () => {
    const committed = readFileSync(join(process.cwd(), ...CONVENTION_NAMES_PATH.split('/')), 'utf8');
    assert.equal(committed, conventionNamesSource(), `${CONVENTION_NAMES_PATH} is stale: run npm run docs:conventions`);
  });
});
