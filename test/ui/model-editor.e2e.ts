// The Gate Lens Model editor in the real workbench: a .keras file opens in it by default (Quick Open), the layer table
// and gate tables are drawn, the per-layer convention picker works from the keyboard and relabels the gate table,
// and the README screenshots are taken in a dark and a light theme.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { openWorkbench, screenshot, texts, ui } from './workbench';

/** The model editor's webview document (its #app carries class glm once the script ran). */
async function modelWebview(hasText: string, timeoutMs = 60000): Promise<Frame> {
  const page = ui().page;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const element = await frame.frameElement().catch(() => undefined);
      if ((await element?.getAttribute('id')) !== 'active-frame') continue;
      if (await frame.locator('.glm h1', { hasText }).isVisible().catch(() => false)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no Gate Lens Model webview showing ${hasText} appeared`);
    await page.waitForTimeout(200);
  }
}

/** Quick Open on a model file: it opens in the Gate Lens Model editor (its default), not in a text editor. */
async function openModelFile(relativePath: string): Promise<void> {
  const page = ui().page;
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor();
}

/** Sets (or, undefined, removes) the color theme in the workspace settings; VS Code applies the file as it changes. */
async function colorTheme(theme: string | undefined, dark: boolean): Promise<void> {
  const file = path.join(ui().workspace, '.vscode', 'settings.json');
  const text = fs.readFileSync(file, 'utf8').replace(/^ {2}"workbench\.colorTheme": .*\n/m, '');
  fs.writeFileSync(file, theme ? text.replace(/^\{/, `{\n  "workbench.colorTheme": ${JSON.stringify(theme)},`) : text);
  await ui().page.locator(dark ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs').waitFor({ timeout: 30000 });
  // The webview takes the new --vscode-* colors and redraws its heatmaps from them.
  await ui().page.waitForTimeout(1500);
}

const gateLetters = (view: Frame) => texts(view, '.glm-layer table tbody tr td:first-child');

describe('Gate Lens Model editor (real workbench, webview iframe)', () => {
  it('opens a .keras file by default with its layer table and gate tables; screenshots in dark and light', async () => {
    await openWorkbench();
    await openModelFile('models/keras_sequential.keras');
    const view = await modelWebview('keras_sequential.keras');
    await view.locator('.glm-layer canvas').first().waitFor();
    assert.deepEqual(await texts(view, '.glm-layer h3'), ['lstm', 'bidirectional']);
    assert.deepEqual((await gateLetters(view)).slice(0, 4), ['i', 'f', 'c', 'o']);
    await colorTheme('Default Light Modern', false);
    await screenshot('model-editor-light');
    try {
      await colorTheme('Default Dark Modern', true);
      await screenshot('model-editor-dark');
    } finally {
      await colorTheme(undefined, false);
    }
  });

  it('the convention picker is reached and changed from the keyboard, and the gate table relabels', async () => {
    await openModelFile('models/pytorch_lstm_state_dict.pt');
    const view = await modelWebview('pytorch_lstm_state_dict.pt');
    assert.deepEqual(await gateLetters(view), ['i', 'f', 'g', 'o']);
    const picker = view.locator('select.glm-convention').first();
    await picker.focus();
    // Type-ahead on a closed select picks the first option starting with that letter ("ONNX") and fires change.
    await picker.press('O');
    await view.locator('.glm-layer table tbody tr td:first-child', { hasText: 'c' }).first().waitFor();
    await view.locator('select.glm-convention:not([disabled])').first().waitFor();
    assert.deepEqual(await gateLetters(view), ['i', 'o', 'f', 'c']);
    assert.equal(await view.locator('select.glm-convention').first().inputValue(), 'onnx');
    const back = view.locator('select.glm-convention').first();
    await back.focus();
    await back.press('A');
    await view.locator('.glm-layer table tbody tr td:first-child', { hasText: 'g' }).first().waitFor();
    assert.deepEqual(await gateLetters(view), ['i', 'f', 'g', 'o']);
  });
});
