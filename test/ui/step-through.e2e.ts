// "Gate Lens: Step Through" from the command palette, read from inside the webview: labels, values, stepping, and
// relabelling the same numbers under another framework's convention.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { findLine, gateLensWebview, goToLine, openFile, openWorkbench, runCommand, screenshot, texts, workspaceText } from './workbench';

const SEED = 'examples/seed_keras_lstm.py';

/** Gate letters of the z blocks as the view labels them, e.g. "f · forget gate [3:6]" → "f". */
async function blockLetters(view: Frame): Promise<string[]> {
  return (await texts(view, '#gl-z .gl-block .gl-gate-label')).map((label) => label.split('·')[0].trim());
}

async function zValues(view: Frame): Promise<string[]> {
  return texts(view, '#gl-z td.gl-cell[data-row="z"]');
}

describe('step-through view (real workbench, webview iframe)', () => {
  let view: Frame;

  before(async () => {
    await openWorkbench();
    await openFile(SEED);
    // Put the cursor inside the layer's kernel so the command acts on it, as a user would.
    await goToLine(findLine(workspaceText(SEED), /^(?!\s*#).*?\b(kernel)\b/).line);
    await runCommand('Gate Lens: Step Through');
    view = await gateLensWebview();
  });

  it('opens on step 1 with the Keras gate labels and their column ranges', async () => {
    await view.locator('#gl-step-label', { hasText: /^Step 1 \/ \d+$/ }).waitFor();
    await view.locator('#gl-z td.gl-cell[data-row="z"]').first().waitFor();
    assert.deepEqual(await blockLetters(view), ['i', 'f', 'c', 'o']);
    const labels = await texts(view, '#gl-z .gl-block .gl-gate-label');
    for (const [i, range] of ['[0:3]', '[3:6]', '[6:9]', '[9:12]'].entries()) assert.ok(labels[i].includes(range), `${labels[i]} should show ${range}`);
    // 4 gates × 3 units, every one a number.
    const z = await zValues(view);
    assert.equal(z.length, 12);
    for (const value of z) assert.ok(Number.isFinite(Number(value.replace('−', '-'))), `z cell "${value}" is not a number`);
  });

  it('steps forward and shows the next step’s different values', async () => {
    const before = await zValues(view);
    const total = Number(/\/ (\d+)/.exec((await view.locator('#gl-step-label').textContent()) ?? '')?.[1]);
    assert.ok(total >= 2, 'the default run has at least two steps');
    await view.locator('#gl-next').click();
    await view.locator('#gl-step-label', { hasText: `Step 2 / ${total}` }).waitFor();
    const after = await zValues(view);
    assert.equal(after.length, before.length);
    assert.notDeepEqual(after, before, 'z at step 2 equals z at step 1');
    await screenshot('step-through');
  });

  it('relabels the same columns when the convention is switched to ONNX (i, o, f, c)', async () => {
    const valuesBefore = await zValues(view);
    await view.locator('#gl-convention').selectOption('onnx');
    await view.locator('#gl-whatif').waitFor({ state: 'visible' });
    assert.deepEqual(await blockLetters(view), ['i', 'o', 'f', 'c']);
    assert.ok(((await view.locator('#gl-whatif').textContent()) ?? '').includes('ONNX'));
    // Only the names change: the numbers are the stored columns.
    assert.deepEqual(await zValues(view), valuesBefore);
    await screenshot('step-through-onnx');
    await view.locator('#gl-convention').selectOption('keras');
    await view.locator('#gl-whatif').waitFor({ state: 'hidden' });
    assert.deepEqual(await blockLetters(view), ['i', 'f', 'c', 'o']);
  });
});
