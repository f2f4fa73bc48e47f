// The Step-Through panel as a user lives with it (issue 8 #12–#17): several runs, another layer, a what-if naming,
// full precision, and a window reload. Read from inside the webview of the real workbench.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { kernelLine, SEED } from './seed';
import { gateLensWebview, goToLine, openFile, openGateLensPanel, openWorkbench, runCommand, texts, ui } from './workbench';

const TORCH_GRU = 'examples/torch_gru_bidirectional_state_dict.txt';

async function label(view: Frame, text: string, timeout = 30000): Promise<void> {
  try {
    await view.locator('#gl-step-label', { hasText: text }).waitFor({ timeout });
  } catch (error) {
    ui().log(`step label is "${await view.locator('#gl-step-label').textContent().catch(() => '?')}", expected "${text}"`);
    throw error;
  }
}

describe('step-through view over a session (real workbench)', () => {
  let view: Frame;

  before(async () => {
    await openWorkbench();
    // A session starts from a clean workbench: the previous file's Step-Through panel is closed, so this one is new.
    await runCommand('View: Close All Editors');
    // Keys must reach the workbench, not a webview that kept the focus from an earlier test.
    const editorLines = ui().page.locator('.editor-instance .monaco-editor .view-lines');
    if ((await editorLines.count()) > 0) await editorLines.first().click();
    // Quick Open acts on the focused group; the previous file's panel may still hold the focus.
    await runCommand('View: Focus First Editor Group');
    view = await openGateLensPanel(async () => {
      await openFile(SEED);
      await goToLine(kernelLine().line);
      await runCommand('Gate Lens: Step Through');
    });
    await label(view, 'Step 1 / 1');
  });

  it('#14: a new run opens at step 1, and the form keeps showing the input of the run on screen', async () => {
    // Step Through ran the file's own x: the form says so.
    assert.equal(await view.locator('#gl-run-source').inputValue(), 'array');
    await view.locator('#gl-run-source').selectOption('random');
    await view.locator('#gl-run-steps').fill('5');
    await view.locator('#gl-run').click();
    await label(view, 'Step 1 / 5');
    await view.locator('#gl-next').click();
    await view.locator('#gl-next').click();
    await label(view, 'Step 3 / 5');
    await view.locator('#gl-run-seed').fill('7');
    await view.locator('#gl-run').click();
    await label(view, 'Step 1 / 5', 15000);
    assert.equal(await view.locator('#gl-run-source').inputValue(), 'random');
    assert.equal(await view.locator('#gl-run-seed').inputValue(), '7');
  });

  it('#16: full precision shows every digit of the float64 the cell holds', async () => {
    await view.locator('#gl-precision').check();
    // The h table may sit outside the viewport, which updates just after the frame; wait for every cell, not the first.
    await view.waitForFunction(() => {
      const cells = Array.from(document.querySelectorAll('#gl-state-h td[data-col="h"]'));
      return cells.length > 0 && cells.every((c) => (c.textContent ?? '').trim() === c.getAttribute('title'));
    });
    const cells = view.locator('#gl-state-h td[data-col="h"]');
    for (let k = 0; k < (await cells.count()); k++) {
      const cell = cells.nth(k);
      assert.equal((await cell.textContent())?.trim(), await cell.getAttribute('title'), 'the cell shows its exact value');
      // h of a random run has more digits than the 4 decimals of the default view.
      assert.match((await cell.textContent()) ?? '', /\.\d{5,}/, 'more than 4 decimals');
    }
    await view.locator('#gl-precision').uncheck();
  });

  it('#13: an ONNX what-if on the Keras LSTM does not carry over to a PyTorch GRU', async () => {
    await view.locator('#gl-convention').selectOption('onnx');
    await view.locator('#gl-whatif').waitFor({ state: 'visible' });
    await openFile(TORCH_GRU);
    await runCommand('Gate Lens: Step Through');
    view = await gateLensWebview();
    await view.locator('#gl-layer option', { hasText: 'GRU' }).first().waitFor({ state: 'attached' });
    await view.locator('#gl-z .gl-block[data-true-gate="r"]').first().waitFor();
    assert.equal(await view.locator('#gl-convention').inputValue(), 'pytorch');
    assert.equal(await view.locator('#gl-whatif').isVisible(), false, 'the GRU opened in a what-if naming');
  });

  it('#17: in the ONNX what-if of the PyTorch GRU the z blocks keep an even grid', async () => {
    await view.locator('#gl-convention').selectOption('onnx');
    await view.locator('#gl-whatif').waitFor({ state: 'visible' });
    const widths = await view.locator('#gl-z .gl-block').evaluateAll((blocks) => blocks.map((b) => Math.round(b.getBoundingClientRect().width)));
    assert.equal(widths.length, 3);
    assert.ok(Math.max(...widths) - Math.min(...widths) <= 1, `block widths ${widths.join(', ')}`);
    const selectFits = await view.locator('#gl-convention').evaluate((s) => s.getBoundingClientRect().right <= document.documentElement.clientWidth);
    assert.ok(selectFits, 'the naming select fits the view');
  });

  it('#12: after a window reload the panel comes back with a trace, and Step Through works in it', async function () {
    // A whole workbench reload: on a loaded machine this alone can take a minute.
    this.timeout(240000);
    const page = ui().page;
    await view.locator('#gl-next').click();
    await label(view, 'Step 2 /');
    // Let the view save its state (it does so 200 ms after a change).
    await page.waitForTimeout(600);
    // Developer: Reload Window, as a user reloads: the workbench saves the webview's state on the way out.
    await Promise.all([page.waitForEvent('load', { timeout: 60000 }), runCommand('Developer: Reload Window')]);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The panel comes back as a tab of its group; a user brings it to the front (VS Code mounts it only then).
    await page.locator('.tab', { hasText: 'Gate Lens' }).first().click();
    view = await gateLensWebview(60000);
    await label(view, 'Step 2 /', 30000);
    assert.equal(await view.locator('#gl-convention').inputValue(), 'onnx', 'the what-if naming of this layer is restored');
    assert.ok((await texts(view, '#gl-state-h td[data-col="h"]')).every((v) => v !== ''), 'h is shown');
    // Back to the editor, as a user would click into it (the webview has the focus).
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await runCommand('View: Focus First Editor Group');
    await openFile(SEED);
    await goToLine(kernelLine().line);
    await runCommand('Gate Lens: Step Through');
    view = await gateLensWebview();
    await label(view, 'Step 1 / 1', 30000);
    // The label can show the new layer's step count a moment before its trace fills the h cells.
    await view.waitForFunction(() => {
      const cells = Array.from(document.querySelectorAll('#gl-state-h td[data-col="h"]'));
      return cells.length > 0 && cells.every((n) => (n.textContent ?? '').trim() !== '');
    }, undefined, { timeout: 30000 });
    // Compared as numbers: the restored view may come back with full precision on (VS Code persists the webview
    // state it last saved, which can be older than the last change), and both precisions must show Keras's h.
    const shown = (await texts(view, '#gl-state-h td[data-col="h"]')).map((t) => Number(t.replace('\u2212', '-')));
    const keras = [-0.0309207799, 0.0551930518, 0.0103543728];
    assert.equal(shown.length, keras.length);
    shown.forEach((v, k) => assert.ok(Math.abs(v - keras[k]) <= 5e-5, `h[${k}] = ${v}, Keras ${keras[k]}`));
  });
});
