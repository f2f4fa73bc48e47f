import * as assert from 'node:assert/strict';
import { CONVENTIONS } from '../../src/core/conventions';
import { EN_STRINGS, format, setStrings, t, type StringKey } from '../../src/webview/strings';

describe('webview strings', () => {
  it('fills placeholders and falls back to English per key', () => {
    assert.equal(format('Step {0} / {1}', [3, 10]), 'Step 3 / 10');
    assert.equal(format('{0} and {2}', ['a']), 'a and {2}');
    setStrings({ 'nav.stepLabel': '第 {0} 步 / 共 {1} 步' });
    try {
      assert.equal(t('nav.stepLabel', 1, 10), '第 1 步 / 共 10 步');
      assert.equal(t('nav.next'), 'Next step');
    } finally {
      setStrings(undefined);
    }
    assert.equal(t('nav.stepLabel', 1, 1), 'Step 1 / 1');
  });

  it('has a non-empty English text for every key, with consecutive placeholders', () => {
    for (const [key, text] of Object.entries(EN_STRINGS)) {
      assert.ok(text.length > 0, key);
      const used = [...text.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
      const max = used.length ? Math.max(...used) : -1;
      for (let k = 0; k <= max; k++) assert.ok(used.includes(k), `${key as StringKey} skips {${k}}`);
    }
  });

  it('names every gate of every convention as the core does, so one translation serves both', () => {
    for (const spec of CONVENTIONS) {
      for (const g of spec.gateOrder) assert.equal(t(`gate.${g.gate}`), g.name, `${spec.id} ${spec.cell} ${g.gate}`);
    }
  });
});
