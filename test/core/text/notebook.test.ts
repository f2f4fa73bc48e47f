// A notebook read as one document (src/core/text/notebook.ts): cells and their text outputs joined in order, every
// range mapped back to its cell; the recogniser then reads weights printed in one cell with the constructor of another.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { argText } from '../../../src/core/messages';
import { cellReference, executionCountOf, joinNotebookCells, locate, NotebookError, NotebookLineIndex, notebookPositionOf, positionLabel, readNotebook } from '../../../src/core/text/notebook';

// nbformat 4 as Jupyter writes it: sources and texts as lists of lines, a stream, an execute_result with text/plain
// beside an image, a markdown cell and an error output (no text).
const NOTEBOOK = JSON.stringify({
  nbformat: 4, nbformat_minor: 0,
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  cells: [
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['from tensorflow.keras.layers import Input, SimpleRNN\n', 'M = 2\n', 'x = SimpleRNN(M)(i)'] },
    { cell_type: 'markdown', metadata: {}, source: ['## The weights\n', "Let's look at them."] },
    { cell_type: 'code', execution_count: 2, metadata: {}, source: ['print(a.shape)\n', 'model.layers[1].get_weights()'], outputs: [
      { name: 'stdout', output_type: 'stream', text: ['(3, 2) (2, 2) (2,)\n'] },
      { output_type: 'execute_result', execution_count: 2, metadata: {}, data: {
        'image/png': 'iVBORw0KGgo=',
        'text/plain': ['[array([[ 0.73569435, -0.6403835 ],\n', '        [-0.18677288,  0.08738357],\n', '        [-0.07746834,  0.7913403 ]], dtype=float32),\n',
          ' array([[-0.9571347 , -0.18040596],\n', '        [ 0.2072014 ,  0.5583377 ]], dtype=float32),\n', ' array([0., 0.], dtype=float32)]'],
      } },
      { output_type: 'error', ename: 'NameError', evalue: "name 'y' is not defined", traceback: [] },
    ] },
  ],
});

describe('notebooks as one document (core/text/notebook)', () => {
  it('joins sources and text outputs in order, each piece mapped to its cell', () => {
    const doc = readNotebook(NOTEBOOK);
    assert.equal(doc.language, 'python');
    assert.deepEqual(doc.segments.map((s) => `${s.cell}:${s.part}${s.output !== undefined ? s.output : ''}`), ['0:source', '1:source', '2:source', '2:output0', '2:output1']);
    for (const s of doc.segments) assert.notEqual(doc.text.slice(s.start, s.end), '');
    assert.ok(!doc.text.includes('iVBORw0KGgo'), 'images are not text');
    const at = doc.text.indexOf('0.08738357');
    assert.deepEqual(locate(doc, at), { cell: 2, executionCount: 2, part: 'output', output: 1, offset: doc.text.slice(doc.segments[4].start, at).length, line: 2, column: 24 });
    // Cell 3 shows `[2]` beside it (execution_count 2): positions name both.
    assert.deepEqual(doc.segments.map((s) => s.executionCount), [1, undefined, 2, 2, 2]);
    assert.equal(positionLabel(new NotebookLineIndex(doc).position(at)), 'cell 3 [In 2] output 2 2:24');
    assert.equal(positionLabel(new NotebookLineIndex(doc).position(doc.text.indexOf('M = 2'))), 'cell 1 [In 1] 2:1');
    assert.equal(positionLabel(new NotebookLineIndex(doc).position(doc.text.indexOf('The weights'))), 'cell 2 1:4');
  });

  it('reads the weights of one cell output with the constructor of another cell', () => {
    const doc = readNotebook(NOTEBOOK);
    const parse = extractArrays(doc.text, { fileKind: 'python' });
    const r = recognize(parse, doc.text);
    assert.deepEqual(r.layers.map((l) => `${l.cell} ${l.convention} ${l.units}/${l.inputSize}`), ['simple_rnn keras 2/3']);
    assert.ok(r.layers[0].evidence.some((e) => e.code === 'constructor-hint' && e.message.includes('SimpleRNN(M)')));
    const kernel = parse.arrays[r.layers[0].arrays[0].arrayIndex];
    assert.equal(locate(doc, kernel.range.start)?.cell, 2);
  });

  it('says precisely why a file is not a notebook', () => {
    assert.throws(() => readNotebook('{"cells": '), (e: unknown) => e instanceof NotebookError && /not valid JSON/.test(e.message));
    assert.throws(() => readNotebook('{"worksheets": []}'), /no "cells" list/);
  });

  it('joins the cells of an editor exactly as it joins the .ipynb, so editor and CLI read the same text', () => {
    const file = readNotebook(NOTEBOOK);
    const fromEditor = joinNotebookCells([
      { cellType: 'code', source: 'from tensorflow.keras.layers import Input, SimpleRNN\nM = 2\nx = SimpleRNN(M)(i)', outputs: [], executionCount: 1 },
      { cellType: 'markdown', source: "## The weights\nLet's look at them.", outputs: [] },
      { cellType: 'code', source: 'print(a.shape)\nmodel.layers[1].get_weights()', outputs: [file.text.slice(file.segments[3].start, file.segments[3].end), file.text.slice(file.segments[4].start, file.segments[4].end), undefined], executionCount: 2 },
      { cellType: 'raw', source: 'array([1., 2.])', outputs: [] },
    ]);
    assert.equal(fromEditor.text, file.text);
    assert.deepEqual(fromEditor.segments, file.segments);
  });

  it('names the cell, not a line of the joined text, in messages about missing arrays', () => {
    // The constructor in cell 1; cell 2 prints only shapes (named_parameters), so every array is missing.
    const doc = joinNotebookCells([
      { cellType: 'code', source: 'import torch.nn as nn\nrnn = nn.LSTM(2, 3)', outputs: [] },
      { cellType: 'code', source: 'for n, p in rnn.named_parameters():\n    print(n, p.shape)', outputs: [
        'weight_ih_l0 torch.Size([12, 2])\nweight_hh_l0 torch.Size([12, 3])\nbias_ih_l0 torch.Size([12])\nbias_hh_l0 torch.Size([12])\n',
      ] },
    ]);
    const parse = extractArrays(doc.text, { fileKind: 'python' });
    const joined = recognize(parse, doc.text);
    const cells = recognize(parse, doc.text, { positionOf: notebookPositionOf(doc) });
    assert.equal(cells.layers.length, 1);
    const hh = cells.layers[0].missing.find((m) => m.array === 'weight_hh');
    assert.ok(hh, 'weight_hh is missing (shape only)');
    assert.match(hh.message, /at cell 2 output, line 2:14\)/);
    assert.ok(hh.args?.some((a) => typeof a !== 'string' && a.template === 'cell {0} output, line {1}'), 'the position is a phrase hosts translate');
    // Without the notebook's positions the same message points at line 8 of the joined text: what it fixes.
    assert.match(joined.layers[0].missing.find((m) => m.array === 'weight_hh')!.message, /at 8:14\)/);
    assert.equal(argText(notebookPositionOf(doc)(doc.text.indexOf('nn.LSTM'))), 'cell 1, line 2:7');
  });

  it('names a cell that has run by its position and the [In n] it shows, in messages and positions alike', () => {
    // Run out of order, as notebooks are: the constructor cell ran 12th, the printing cell 7th; a markdown cell and
    // a cell never run (execution_count null) between them.
    const json = JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: {},
      cells: [
        { cell_type: 'markdown', metadata: {}, source: '# LSTM' },
        { cell_type: 'code', execution_count: 12, metadata: {}, outputs: [], source: 'import torch.nn as nn\nrnn = nn.LSTM(2, 3)' },
        { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'x = 1' },
        { cell_type: 'code', execution_count: 7, metadata: {}, source: 'for n, p in rnn.named_parameters():\n    print(n, p.shape)', outputs: [
          { name: 'stdout', output_type: 'stream', text: 'weight_ih_l0 torch.Size([12, 2])\nweight_hh_l0 torch.Size([12, 3])\nbias_ih_l0 torch.Size([12])\nbias_hh_l0 torch.Size([12])\n' },
        ] },
      ],
    });
    const doc = readNotebook(json);
    assert.deepEqual(doc.segments.map((s) => `${s.cell}:${s.executionCount ?? '-'}`), ['0:-', '1:12', '2:-', '3:7', '3:7']);
    const parse = extractArrays(doc.text, { fileKind: 'python' });
    const r = recognize(parse, doc.text, { positionOf: notebookPositionOf(doc) });
    const hh = r.layers[0]?.missing.find((m) => m.array === 'weight_hh');
    assert.ok(hh, 'weight_hh is missing (shape only)');
    assert.match(hh.message, /at cell 4 \[In 7\] output, line 2:14\)/);
    assert.ok(hh.args?.some((a) => typeof a !== 'string' && a.template === 'cell {0} output, line {1}' && a.args?.[0] === '4 [In 7]'), 'the cell reference is an argument of the translated phrase');
    const position = notebookPositionOf(doc);
    assert.equal(argText(position(doc.text.indexOf('nn.LSTM'))), 'cell 2 [In 12], line 2:7');
    assert.equal(argText(position(doc.text.indexOf('x = 1'))), 'cell 3, line 1:1');
    assert.equal(positionLabel(new NotebookLineIndex(doc).position(doc.text.indexOf('weight_hh_l0'))), 'cell 4 [In 7] output 2:1');
  });

  it('takes only what nbformat allows as an execution count', () => {
    assert.equal(executionCountOf(3), 3);
    assert.equal(executionCountOf(0), 0);
    for (const bad of [null, undefined, -1, 1.5, '3', Number.NaN, 2 ** 60]) assert.equal(executionCountOf(bad), undefined, String(bad));
    assert.equal(cellReference(4), '4');
    assert.equal(cellReference(4, 9), '4 [In 9]');
    // Markdown and raw cells have no execution count even when a file carries one.
    const doc = joinNotebookCells([{ cellType: 'markdown', source: 'text', outputs: [], executionCount: 5 }]);
    assert.equal(doc.segments[0].executionCount, undefined);
  });
});
