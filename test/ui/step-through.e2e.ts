// "Gate Lens: Step Through" from the command palette, read from inside the webview: labels, the framework's own
// numbers, stepping, and relabelling the same numbers under another framework's convention.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { kernelLine, SEED } from './seed';
import { goToLine, openFile, openGateLensPanel, openWorkbench, runCommand, screenshot, texts } from './workbench';

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
    view = await openGateLensPanel(async () => {
      await openFile(SEED);
      // The cursor inside the layer's kernel, as a user would leave it, so the command acts on that layer.
      await goToLine(kernelLine().line);
      await runCommand('Gate Lens: Step Through');
    });
  });

  it('runs the file’s own input x and shows Keras’s h for it, under the Keras gate labels', async () => {
    // The file holds one input step x = 0.83467698; its last comment quotes model.predict for it:
    // [[-0.03092078  0.05519305  0.01035437]] (the view shows 4 decimals with a typographic minus).
    await view.locator('#gl-step-label', { hasText: 'Step 1 / 1' }).waitFor();
    await view.locator('#gl-state-h td[data-col="h"]').first().waitFor();
    assert.deepEqual(await texts(view, '#gl-state-h td[data-col="h"]'), ['−0.0309', '0.0552', '0.0104']);
    assert.deepEqual(await blockLetters(view), ['i', 'f', 'c', 'o']);
    const labels = await texts(view, '#gl-z .gl-block .gl-gate-label');
    for (const [i, range] of ['[0:3]', '[3:6]', '[6:9]', '[9:12]'].entries()) assert.ok(labels[i].includes(range), `"${labels[i]}" should show ${range}`);
    assert.equal((await zValues(view)).length, 12, '4 gates × 3 units');
  });

  it('runs a 5-step random sequence from the run form and steps forward to different values', async () => {
    await view.locator('#gl-run-source').selectOption('random');
    await view.locator('#gl-run-steps').fill('5');
    await view.locator('#gl-run').click();
    await view.locator('#gl-step-label', { hasText: 'Step 1 / 5' }).waitFor();
    const first = await zValues(view);
    await view.locator('#gl-next').click();
    await view.locator('#gl-step-label', { hasText: 'Step 2 / 5' }).waitFor();
    const second = await zValues(view);
    assert.equal(second.length, 12);
    assert.notDeepEqual(second, first, 'z at step 2 equals z at step 1');
    for (const value of second) assert.ok(Number.isFinite(Number(value.replace('−', '-'))), `z cell "${value}" is not a number`);
    // The README's picture: the step's z blocks, gate bars and c table just below the toolbar (which stays on top).
    await view.evaluate(() => {
      const toolbar = document.querySelector('.gl-nav')?.getBoundingClientRect().height ?? 0;
      const heading = document.getElementById('gl-step-heading');
      if (heading) window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - toolbar - 4);
    });
    // Sections that were out of view are filled once they scroll in.
    await view.waitForFunction(() => (document.querySelector('#gl-state-c td[data-col="c"]')?.textContent ?? '') !== '');
    await screenshot('step-through');
  });

  it('relabels the same columns when the convention is switched to ONNX (i, o, f, c), and back', async () => {
    const valuesBefore = await zValues(view);
    await view.locator('#gl-convention').selectOption('onnx');
    await view.locator('#gl-whatif').waitFor({ state: 'visible' });
    assert.deepEqual(await blockLetters(view), ['i', 'o', 'f', 'c']);
    assert.ok(((await view.locator('#gl-whatif').textContent()) ?? '').includes('ONNX'));
    // Only the names change: the numbers stay the stored columns.
    assert.deepEqual(await zValues(view), valuesBefore);
    await screenshot('step-through-onnx');
    await view.locator('#gl-convention').selectOption('keras');
    await view.locator('#gl-whatif').waitFor({ state: 'hidden' });
    assert.deepEqual(await blockLetters(view), ['i', 'f', 'c', 'o']);
  });
});
