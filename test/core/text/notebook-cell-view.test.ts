// One cell's view of a notebook's analysis (src/core/text/notebook-cell-view.ts): ranges in the cell's own offsets,
// diagnostics and slices only where they lie in the cell, other cells' arrays outside the cell's text.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { joinNotebookCells, notebookPositionOf } from '../../../src/core/text/notebook';
import type { ParseDiagnostic } from '../../../src/core/parse/types';
import { cellView, isInCell, isInCellOutput, layersInCellOutputs, type CellSpan, type OutputDiagnostic } from '../../../src/core/text/notebook-cell-view';

// Weights printed by cell 2's output, the constructor in cell 1, the slicing code in cell 3.
const CELLS = [
  { cellType: 'code', source: 'import torch.nn as nn\nrnn = nn.LSTM(1, 2)', outputs: [] },
  { cellType: 'code', source: 'print(rnn.state_dict())', outputs: [
    "OrderedDict([('weight_ih_l0', tensor([[ 0.1], [ 0.2], [ 0.3], [ 0.4], [ 0.5], [ 0.6], [ 0.7], [ 0.8]])), ('weight_hh_l0', tensor([[ 0.1, 0.2], [ 0.3, 0.4], [ 0.5, 0.6], [ 0.7, 0.8], [ 0.9, 1.0], [ 1.1, 1.2], [ 1.3, 1.4], [ 1.5, 1.6]])), ('bias_ih_l0', tensor([0., 0., 0., 0., 0., 0., 0., 0.])), ('bias_hh_l0', tensor([0., 0., 0., 0., 0., 0., 0., 0.]))])",
  ] },
  { cellType: 'code', source: 'gates = x @ rnn.weight_ih_l0.T\nf = gates[:, 2:4]\ni = gates[:, 0:2]', outputs: [] },
];

function spanOf(doc: ReturnType<typeof joinNotebookCells>, cell: number): CellSpan {
  const source = doc.segments.find((s) => s.cell === cell && s.part === 'source')!;
  return { start: source.start, end: source.end, outputs: doc.segments.filter((s) => s.cell === cell && s.part === 'output').map((s) => ({ start: s.start, end: s.end })) };
}

describe('a notebook cell’s view of its notebook (core/text/notebook-cell-view)', () => {
  const doc = joinNotebookCells(CELLS);
  const parse = extractArrays(doc.text, { fileKind: 'python' });
  const recognition = recognize(parse, doc.text);

  it('reads the layer across cells: weights from an output, constructor and slices from other cells', () => {
    assert.deepEqual(recognition.layers.map((l) => `${l.cell} ${l.convention} ${l.units}/${l.inputSize}`), ['lstm pytorch 2/1']);
    assert.equal(recognition.slices.length, 2);
  });

  it('moves slices into the offsets of the cell that has them and leaves them out of the others', () => {
    const third = spanOf(doc, 2);
    const view = cellView(parse, recognition, third);
    const source = CELLS[2].source;
    assert.deepEqual(view.recognition.slices.map((s) => source.slice(s.range.start, s.range.end)), ['gates[:, 2:4]', 'gates[:, 0:2]']);
    assert.deepEqual(view.recognition.slices.map((s) => s.gates.map((g) => g.name).join()), ['forget gate', 'input gate']);
    assert.equal(cellView(parse, recognition, spanOf(doc, 0)).recognition.slices.length, 0);
    // Arrays and layers stay (indices and ids are what runs and links name), outside this cell's text.
    assert.equal(view.parse.arrays.length, parse.arrays.length);
    assert.ok(view.parse.arrays.every((a) => !isInCell(a.range, third)));
    assert.equal(view.recognition.layers[0].id, recognition.layers[0].id);
  });

  it('knows which arrays lie in the cell’s own output, for the output lens', () => {
    const second = spanOf(doc, 1);
    const view = cellView(parse, recognition, second);
    assert.ok(view.parse.arrays.every((a) => isInCellOutput(a.range, second) && !isInCell(a.range, second)));
    assert.deepEqual(layersInCellOutputs(view).map((l) => l.id), [recognition.layers[0].id]);
    assert.deepEqual(layersInCellOutputs(cellView(parse, recognition, spanOf(doc, 2))), []);
  });

  it('shows the diagnostics of a cell’s output on the cell’s first line, saying where in the output', () => {
    // A summarised torch print in cell 2's output (execution count 5); its "..." is on line 3 of the output.
    const cells = [
      { cellType: 'code', source: 'import torch.nn as nn\nrnn = nn.LSTM(1, 300)', outputs: [], executionCount: 4 },
      { cellType: 'code', source: 'print(rnn.weight_ih_l0)', outputs: ['tensor([[-0.0004],\n        [ 0.0310],\n        ...,\n        [-0.0142]])'], executionCount: 5 },
    ];
    const nb = joinNotebookCells(cells);
    const p = extractArrays(nb.text, { fileKind: 'python' });
    const r = recognize(p, nb.text);
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['truncated-print']);
    const view = cellView(p, r, spanOf(nb, 1), notebookPositionOf(nb));
    const [shown] = view.parse.diagnostics as readonly OutputDiagnostic<ParseDiagnostic>[];
    assert.deepEqual(shown.range, { start: 0, end: 0 });
    assert.match(shown.message, /^in cell 2 \[In 5\] output, line 3:9: .*summarised form/);
    assert.equal(shown.template, 'in {0}: {1}');
    // Where it was, in the view's offsets: past the cell's source, on the "...".
    assert.ok(shown.fromOutput && !isInCell(shown.fromOutput, spanOf(nb, 1)) && isInCellOutput(shown.fromOutput, spanOf(nb, 1)));
    assert.equal(nb.text.slice(shown.fromOutput.start + spanOf(nb, 1).start, shown.fromOutput.end + spanOf(nb, 1).start), '...');
    // Not on another cell, and without the notebook's positions (no way to say where) not at all.
    assert.deepEqual(cellView(p, r, spanOf(nb, 0), notebookPositionOf(nb)).parse.diagnostics, []);
    assert.deepEqual(cellView(p, r, spanOf(nb, 1)).parse.diagnostics, []);
  });

  it('cuts a layer’s span to the cell when the layer reaches into it', () => {
    const layer = recognition.layers[0];
    const second = spanOf(doc, 1);
    const clipped = cellView(parse, recognition, { start: second.start, end: layer.range.start + 5 }).recognition.layers[0].range;
    assert.deepEqual(clipped, { start: layer.range.start - second.start, end: 5 + layer.range.start - second.start });
  });
});
