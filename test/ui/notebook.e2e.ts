// A notebook in the real workbench (code-server + Chromium): test-workspace/notebooks/split_lstm.ipynb, printed by
// torch 2.13 and run out of order — constructor in cell 2 [In 3], the state_dict printed by cell 3 [In 5], gate
// slicing in cell 4 [In 8], a summarised Linear weight printed by cell 5 [In 9]. Opened from disk (code-server
// 1.100.3 loses the output bytes of untitled notebooks). Every step waits for what it checks to be on screen.
import * as assert from 'node:assert/strict';
import { hoverTable, NOTEBOOK_CELL_LINES, openWorkbench, runCommand, ui } from './workbench';

const NOTEBOOK = 'notebooks/split_lstm.ipynb';

/**
 * Opens the notebook through Quick Open (clicking its row, as openFile does) and waits for its tab. Not openFile: that
 * waits for a text editor's view lines, and the first such element in a notebook editor may be a hidden one.
 */
async function openNotebook(relativePath: string): Promise<void> {
  const page = ui().page;
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop() as string;
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor();
}

/** The rendered source line of a cell's editor in the notebook (cell editors are Monaco editors of their own). */
function cellLine(text: string) {
  return ui().page.locator(NOTEBOOK_CELL_LINES, { hasText: text }).first();
}

/**
 * Scrolls the notebook (mouse wheel over it) until the cell line is wholly inside the notebook's viewport and stays
 * put between two looks: the notebook list renders and positions cells lazily.
 */
async function scrollIntoNotebookView(text: string): Promise<void> {
  const page = ui().page;
  const list = page.locator('.notebook-editor .cell-list-container').first();
  await list.waitFor();
  let previous = '';
  for (let attempt = 0; attempt < 40; attempt++) {
    const view = await list.boundingBox();
    const box = await cellLine(text).boundingBox().catch(() => null);
    if (view && box && box.height > 0 && box.y >= view.y && box.y + box.height <= view.y + view.height) {
      const here = `${box.x},${box.y}`;
      if (here === previous) return;
      previous = here;
    } else if (view) {
      previous = '';
      await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
      await page.mouse.wheel(0, box && box.y < view.y ? -150 : 150);
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`the notebook line "${text}" did not come into view`);
}

describe('a notebook in the real workbench', () => {
  before(async () => {
    await openWorkbench();
    await openNotebook(NOTEBOOK);
    // The notebook editor with its code cells rendered (the slicing cell is the one the hover uses).
    await cellLine('g = gates[:, 4:6]').waitFor();
  });

  after(async () => {
    const page = ui().page;
    await page.keyboard.press('Escape');
    await runCommand('View: Close All Editors');
  });

  it('hovers the gate table on a slice in cell 4 [In 8], the weights coming from cell 3’s output', async () => {
    await scrollIntoNotebookView('g = gates[:, 4:6]');
    const rows = await hoverTable('g = gates[:, 4:6]', 'gates', 'range', 4, NOTEBOOK_CELL_LINES);
    assert.deepEqual(rows, [['i', 'input gate', '0:2'], ['f', 'forget gate', '2:4'], ['g', 'cell candidate', '4:6'], ['o', 'output gate', '6:8']]);
    await ui().page.mouse.move(5, 5);
    await ui().page.keyboard.press('Escape');
  });

  it('lists the diagnostic about cell 5’s output in the Problems view, naming the cell as the notebook shows it', async () => {
    const page = ui().page;
    await runCommand('Problems: Focus on Problems View');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'in cell 5 [In 9] output, line 2:38' }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /'head\.weight' was printed in summarised form/);
    // The wrong-gate slice of cell 4 is there too.
    await page.locator('.markers-panel .monaco-list-row', { hasText: '"f" names the forget gate, but 0:2 holds the input gate' }).first().waitFor();
    await runCommand('View: Hide Panel');
  });

  it('runs Inspect Notebook Outputs from the palette and shows the lens and the status item on cell 3 [In 5]', async () => {
    const page = ui().page;
    await runCommand('Gate Lens: Inspect Notebook Outputs');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'in the output of cell 3 [In 5]' }).first();
    await pick.waitFor();
    assert.match(await pick.innerText(), /l0/);
    await page.keyboard.press('Escape');
    await pick.waitFor({ state: 'hidden' });

    // The lens on the first line of the cell whose output holds the weights (and on no other cell).
    const lens = page.locator('.notebook-editor .codelens-decoration', { hasText: 'Weights in the output: l0' });
    await lens.first().waitFor();
    assert.equal(await lens.count(), 1);
    await page.locator('.notebook-editor .codelens-decoration', { hasText: 'Inspect Notebook Outputs' }).first().waitFor();

    // The status item follows the focused cell's notebook: put the cursor in cell 3.
    await scrollIntoNotebookView('print(rnn.state_dict())');
    await cellLine('print(rnn.state_dict())').click();
    const status = page.locator('.statusbar-item', { hasText: '3 [In 5]' }).first();
    await status.waitFor();
    assert.match(await status.innerText(), /LSTM/);
  });
});
