// The convention registry is the one list of conventions: the settings enum, its descriptions in both languages
// and every adapter's rows must agree with it.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS, CONVENTION_IDS, CONVENTIONS, adapter, convention, isConventionId } from '../../../src/core/conventions';

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(process.cwd(), file), 'utf8')) as Record<string, unknown>;

describe('convention registry (src/core/conventions)', () => {
  it('lists every adapter once, and every id resolves to its adapter', () => {
    assert.equal(new Set(CONVENTION_IDS).size, ADAPTERS.length);
    for (const id of CONVENTION_IDS) {
      assert.equal(adapter(id).id, id);
      assert.ok(isConventionId(id));
    }
    assert.ok(!isConventionId('tensorflow2'));
  });

  it('has one row per adapter and cell, each with its gates and tensors', () => {
    for (const a of ADAPTERS) {
      assert.ok(a.cells.length > 0, `${a.id} has no cells`);
      assert.equal(new Set(a.cells.map((c) => c.cell)).size, a.cells.length, `${a.id} lists a cell twice`);
      for (const c of a.cells) {
        const spec = convention(a.id, c.cell);
        assert.equal(spec.id, a.id);
        assert.equal(spec.gateOrder.length, c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1, `${a.id} ${c.cell} gate count`);
        assert.ok(spec.tensors.length > 0);
      }
    }
    assert.equal(CONVENTIONS.length, ADAPTERS.reduce((n, a) => n + a.cells.length, 0));
  });

  it('cites a source link for every adapter', () => {
    for (const a of ADAPTERS) {
      assert.ok(a.sources.length > 0, `${a.id} has no sources`);
      for (const s of a.sources) assert.match(s.url, /^https:\/\//, `${a.id}: ${s.url}`);
      assert.ok(a.verification === 'verified' || a.verification === 'documented');
    }
  });

  it('the gateLens.defaultConvention setting offers exactly the registry, described in English and Chinese', () => {
    const pkg = readJson('package.json') as { contributes: { configuration: { properties: Record<string, { enum: string[]; enumDescriptions: string[] }> } } };
    const setting = pkg.contributes.configuration.properties['gateLens.defaultConvention'];
    assert.deepEqual(setting.enum, ['auto', ...CONVENTION_IDS]);
    assert.deepEqual(setting.enumDescriptions, setting.enum.map((id) => `%config.defaultConvention.${id}%`));
    for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
      const nls = readJson(file);
      for (const id of setting.enum) assert.equal(typeof nls[`config.defaultConvention.${id}`], 'string', `${file} describes ${id}`);
    }
  });
});
