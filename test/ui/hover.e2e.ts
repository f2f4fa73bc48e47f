// The hover on a packed Keras LSTM kernel, in the real workbench: which columns belong to which gate.
import * as assert from 'node:assert/strict';
import { kernelLine, SEED } from './seed';
import { goToLine, hoverTable, openFile, openWorkbench, screenshot } from './workbench';

describe('hover on a Keras LSTM kernel (real workbench)', () => {
  before(async () => {
    await openWorkbench();
  });

  it('shows the gate table i 0:3, f 3:6, c 6:9, o 9:12 for the 3-unit seed layer', async () => {
    const kernel = kernelLine();
    await openFile(SEED);
    await goToLine(kernel.line);
    const rows = await hoverTable(kernel.text.slice(0, 24), kernel.token, 'gate');
    // Columns: gate label | gate name | column range.
    assert.deepEqual(rows.map((r) => [r[0], r[2]]), [['i', '0:3'], ['f', '3:6'], ['c', '6:9'], ['o', '9:12']]);
    assert.deepEqual(rows.map((r) => r[1]), ['input gate', 'forget gate', 'cell candidate', 'output gate']);
    await screenshot('hover');
  });
});
