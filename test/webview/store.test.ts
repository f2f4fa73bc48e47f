// The step view's state store: what a new layer, a new trace and a restore after reload reset, and how the run form
// follows the trace shown. Pure transitions, no DOM.
import * as assert from 'node:assert/strict';
import type { LayerSummary, RunRequest } from '../../src/protocol/messages';
import {
  currentTrace, displayConvention, INITIAL_STATE, layerDoubts, persisted, reduce, requestFromForm, restorePersisted, parseSequence,
  type Action, type PanelState,
} from '../../src/webview/store';
import { decodeTrace, type TraceData } from '../../src/webview/trace';
import { pytorchGruPayload, seedLstmPayload } from './helpers';

const URI = 'file:///w/seed_keras_lstm.py';
const GRU_URI = 'file:///w/pytorch_gru.py';

function summary(id: string, cell: LayerSummary['cell'], convention: LayerSummary['convention'], units: number, inputSize: number, warnings: string[] = []): LayerSummary {
  return { id, name: id, cell, convention, units, inputSize, directions: 1, gates: [], evidence: [], warnings: warnings.map((message) => ({ code: 'order', message })) };
}
const LSTM = summary('L0', 'lstm', 'keras', 3, 1);
const GRU = summary('G', 'gru', 'pytorch', 2, 1, ['an unnamed (G·H, I) matrix could be PyTorch (i, f, g, o / r, z, n) or one direction of ONNX (i, o, f, c / z, r, h): PyTorch assumed']);

const run = (state: PanelState, ...actions: Action[]): PanelState => actions.reduce(reduce, state);
const lstmDoc: Action = { type: 'document', uri: URI, fileName: 'seed_keras_lstm.py', layers: [LSTM], inputs: [{ arrayIndex: 5, name: 'x', shape: [1, 1, 1] }] };
const gruDoc: Action = { type: 'document', uri: GRU_URI, fileName: 'pytorch_gru.py', layers: [GRU], inputs: [] };
const lstmTrace = (runId = 7, request?: RunRequest): Action => ({ type: 'trace', trace: { ...decodeTrace(seedLstmPayload()), runId }, request, message: 'done' });
const gruTrace = (runId = 1, request?: RunRequest): Action => ({ type: 'trace', trace: { ...decodeTrace(pytorchGruPayload()), runId }, request, message: 'done' });

describe('webview state store', () => {
  describe('what-if naming (issue 8 #13)', () => {
    it('names the columns by the stored convention until the user picks another', () => {
      const s = run(INITIAL_STATE, lstmDoc, lstmTrace());
      assert.equal(displayConvention(s), 'keras');
      assert.equal(displayConvention(reduce(s, { type: 'setConvention', convention: 'onnx' })), 'onnx');
    });

    it('a PyTorch GRU opened after an ONNX what-if on a Keras LSTM starts in PyTorch naming', () => {
      const s = run(INITIAL_STATE, lstmDoc, lstmTrace(), { type: 'setConvention', convention: 'onnx' }, gruDoc, gruTrace(8));
      assert.equal(currentTrace(s)?.cell, 'gru');
      assert.equal(displayConvention(s), 'pytorch');
    });

    it('does not carry over to another layer of the same file, nor come back with a new trace of it', () => {
      const two: Action = { ...lstmDoc, layers: [LSTM, { ...LSTM, id: 'L1' }] } as Action;
      let s = run(INITIAL_STATE, two, lstmTrace(), { type: 'setConvention', convention: 'pytorch' });
      s = reduce(s, { type: 'selectLayer', layerId: 'L1' });
      assert.equal(displayConvention(s), 'keras');
      // The same layer keeps its choice across a new run of it.
      const back = run(INITIAL_STATE, two, lstmTrace(), { type: 'setConvention', convention: 'pytorch' }, lstmTrace(9));
      assert.equal(displayConvention(back), 'pytorch');
    });

    it('a host setConvention applies to the layer shown only', () => {
      const s = run(INITIAL_STATE, gruDoc, gruTrace(), { type: 'setConvention', convention: 'keras' }, lstmDoc, lstmTrace(2));
      assert.equal(displayConvention(s), 'keras');
      assert.equal(s.naming?.convention, 'keras');
      const other = run(INITIAL_STATE, gruDoc, gruTrace(), { type: 'setConvention', convention: 'onnx' }, lstmDoc, lstmTrace(2));
      assert.equal(displayConvention(other), 'keras', 'the LSTM is Keras-stored, ONNX was chosen on the GRU');
    });
  });

  describe('new traces and the run form (issue 8 #14)', () => {
    it('a new trace opens at step 1, whatever step the previous one was at', () => {
      let s = run(INITIAL_STATE, lstmDoc, lstmTrace(1), { type: 'goToStep', step: 1 });
      assert.equal(s.step, 1);
      s = reduce(s, lstmTrace(2));
      assert.equal(s.step, 0);
    });

    it('the second direction of the run shown joins it without moving the step', () => {
      const fwd = decodeTrace(seedLstmPayload());
      const bwd: TraceData = { ...fwd, direction: 1 };
      let s = run(INITIAL_STATE, lstmDoc, { type: 'trace', trace: fwd, message: '' }, { type: 'goToStep', step: 1 });
      s = reduce(s, { type: 'trace', trace: bwd, message: '' });
      assert.equal(s.traces.length, 2);
      assert.equal(s.step, 1);
    });

    it('shows typed values as typed values, and Run repeats them instead of a seeded draw', () => {
      const request: RunRequest = { layerId: 'L0', input: { kind: 'values', steps: 2, features: 1, data: [0.83467698, -0.1] } };
      const s = run(INITIAL_STATE, lstmDoc, lstmTrace(3, request));
      assert.equal(s.form.source, 'values');
      assert.equal(s.form.values, '0.83467698\n-0.1');
      const again = requestFromForm(s);
      assert.ok(again.ok);
      assert.deepEqual(again.value, request);
    });

    it('mirrors a seeded random run with its steps and seed, and an array run with its array', () => {
      const random = run(INITIAL_STATE, lstmDoc, lstmTrace(3, { layerId: 'L0', input: { kind: 'random', steps: 20000, seed: 4 } }));
      assert.deepEqual([random.form.source, random.form.steps, random.form.seed], ['random', 20000, 4]);
      const array = run(INITIAL_STATE, lstmDoc, lstmTrace(3, { layerId: 'L0', input: { kind: 'array', arrayIndex: 5 } }));
      assert.deepEqual([array.form.source, array.form.arrayIndex], ['array', 5]);
      const r = requestFromForm(array);
      assert.ok(r.ok);
      assert.deepEqual(r.value.input, { kind: 'array', arrayIndex: 5 });
    });

    it('a document with an input array and no run yet offers that array', () => {
      assert.equal(run(INITIAL_STATE, lstmDoc).form.source, 'array');
      assert.equal(run(INITIAL_STATE, gruDoc).form.source, 'random');
    });
  });

  describe('initial state in the run form (issue 7 #5)', () => {
    it('builds h0 and c0 from the form and refuses a wrong count, naming it', () => {
      let s = run(INITIAL_STATE, lstmDoc, { type: 'editForm', patch: { source: 'zeros', steps: 2, initial: 'values', h0: '0.1, 0.2, 0.3', c0: '1 1 1' } });
      const r = requestFromForm(s);
      assert.ok(r.ok);
      assert.deepEqual(r.value.initialState, { kind: 'values', h: [0.1, 0.2, 0.3], c: [1, 1, 1] });
      s = reduce(s, { type: 'editForm', patch: { h0: '0.1, 0.2' } });
      const bad = requestFromForm(s);
      assert.ok(!bad.ok);
      assert.deepEqual([bad.error, ...bad.args], ['form.badState', 'h₀', 3, 2]);
      const word = requestFromForm(reduce(s, { type: 'editForm', patch: { h0: '0.1, x, 0.3' } }));
      assert.ok(!word.ok && word.error === 'form.badNumber' && word.args[0] === 'x');
    });

    it('shows the initial state of the run shown, a seeded one as the values it drew', () => {
      const seeded = run(INITIAL_STATE, lstmDoc, lstmTrace(3, { layerId: 'L0', input: { kind: 'zeros', steps: 2 }, initialState: { kind: 'random', seed: 1 } }));
      // The trace's h0 / c0 (0,0,0 / 1,1,1 in the helper) are what the seeded draw gave.
      assert.deepEqual([seeded.form.initial, seeded.form.h0, seeded.form.c0], ['values', '0, 0, 0', '1, 1, 1']);
      const zero = reduce(seeded, lstmTrace(4, { layerId: 'L0', input: { kind: 'zeros', steps: 2 } }));
      assert.equal(zero.form.initial, 'zeros');
    });

    it('a new layer does not inherit the previous layer’s initial state', () => {
      const s = run(INITIAL_STATE, lstmDoc, { type: 'editForm', patch: { initial: 'values', h0: '1, 2, 3' } }, gruDoc);
      assert.equal(s.form.initial, 'zeros');
    });
  });

  describe('restore after reload (issue 8 #12)', () => {
    it('round-trips what it persists, and the re-run trace opens at the saved step', () => {
      const request: RunRequest = { layerId: 'L0', input: { kind: 'random', steps: 2, seed: 3 } };
      let s = run(INITIAL_STATE, lstmDoc, lstmTrace(3, request), { type: 'goToStep', step: 1 }, { type: 'setConvention', convention: 'onnx' }, { type: 'setView', patch: { split: true, fullPrecision: true } });
      const saved = JSON.parse(JSON.stringify(persisted(s))) as unknown;
      assert.deepEqual(restorePersisted(saved), persisted(s));
      // The reloaded view: restore, the host's document, then the host's re-run of the saved request.
      s = run(INITIAL_STATE, { type: 'restore', saved }, lstmDoc, lstmTrace(40, request));
      assert.equal(s.step, 1);
      assert.equal(displayConvention(s), 'onnx');
      assert.deepEqual([s.view.split, s.view.fullPrecision], [true, true]);
      assert.deepEqual(s.request, request);
      // Only the first trace after the restore: a later run opens at step 1 again.
      assert.equal(reduce(s, lstmTrace(41)).step, 0);
    });

    it('drops what does not validate and reads a state saved by the previous view', () => {
      const bad = restorePersisted({ step: -1, naming: { layerKey: 'k', convention: 'caffe' }, request: { layerId: 'L0', input: { kind: 'values', steps: 2, features: 1, data: [1, 'x'] } }, view: { speed: 1000 } });
      assert.equal(bad.step, 0);
      assert.equal(bad.naming, undefined);
      assert.equal(bad.request, undefined);
      assert.equal(bad.view.speed, 8);
      const legacy = restorePersisted({ layerId: 'L1', step: 4, convention: 'onnx', split: true, unitOffset: 16, direction: 1, source: 'zeros', steps: 20, seed: 3, speed: 15 });
      assert.deepEqual([legacy.layerId, legacy.step, legacy.view.split, legacy.view.unitOffset, legacy.form.source, legacy.form.steps, legacy.view.speed], ['L1', 4, true, 16, 'zeros', 20, 15]);
      assert.equal(legacy.naming, undefined, 'an old unbound convention is not applied to whatever layer comes first');
    });

    it('a goToStep from the host before its trace is kept for that trace', () => {
      const s = run(INITIAL_STATE, lstmDoc, { type: 'goToStep', step: 1 }, lstmTrace(5));
      assert.equal(s.step, 1);
    });
  });

  describe('view options', () => {
    it('full precision is a view option that survives a new trace (issue 8 #16)', () => {
      const s = run(INITIAL_STATE, lstmDoc, lstmTrace(1), { type: 'setView', patch: { fullPrecision: true } }, lstmTrace(2));
      assert.equal(s.view.fullPrecision, true);
    });

    it('the unit window stays within the trace and restarts for another layer', () => {
      let s = run(INITIAL_STATE, lstmDoc, lstmTrace(1), { type: 'pageUnits', delta: 16 });
      assert.equal(s.view.unitOffset, 0, '3 units: one page only');
      s = { ...s, view: { ...s.view, unitOffset: 16 } };
      s = run(s, gruDoc, gruTrace(2));
      assert.equal(s.view.unitOffset, 0);
    });
  });

  it('lists the recogniser’s doubts about the selected layer (issue 8 #4)', () => {
    assert.deepEqual(layerDoubts(run(INITIAL_STATE, lstmDoc)), []);
    const doubts = layerDoubts(run(INITIAL_STATE, gruDoc));
    assert.equal(doubts.length, 1);
    assert.match(doubts[0], /PyTorch assumed/);
  });

  it('parses typed x: one step per line, or one line for a one-feature layer, or bracketed rows', () => {
    assert.deepEqual(parseSequence('0.1, 0.2\n0.3, 0.4', 2), { ok: true, value: { steps: 2, data: [0.1, 0.2, 0.3, 0.4] } });
    assert.deepEqual(parseSequence('0.1 0.2 0.3', 1), { ok: true, value: { steps: 3, data: [0.1, 0.2, 0.3] } });
    assert.deepEqual(parseSequence('[[0.1, 0.2], [0.3, 0.4]]', 2), { ok: true, value: { steps: 2, data: [0.1, 0.2, 0.3, 0.4] } });
    assert.deepEqual(parseSequence('0.1, 0.2\n0.3', 2), { ok: false, error: 'form.badRow', args: [2, 1, 2] });
    assert.deepEqual(parseSequence('1.0D+00', 1), { ok: false, error: 'form.badNumber', args: ['1.0D+00'] });
    assert.deepEqual(parseSequence('−0.5', 1), { ok: false, error: 'form.badNumber', args: ['−0.5'] });
    assert.deepEqual(parseSequence('  ', 1), { ok: false, error: 'form.noValues', args: [] });
  });
});
