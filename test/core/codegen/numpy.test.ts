// The generated NumPy forward pass must compute what the core's forward pass computes, in every convention's own
// layout. Python 3 with NumPy is a requirement of this suite (the machine and CI have it): the first test asserts
// it, so a missing interpreter fails loudly instead of skipping the comparison.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateNumpy, pyList, type NumpyLayerInput } from '../../../src/core/codegen/numpy';
import { CANONICAL_GATES, type CellKind, type ConventionId } from '../../../src/core/conventions';
import { runLayer } from '../../../src/core/forward';
import type { DirectionWeights, InitialState, LayerActivations, RecurrentLayer, Sequence } from '../../../src/core/model';

const PYTHON = process.env.PYTHON ?? 'python3';

function python(code: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? ''), status: r.status };
}

/** Deterministic values in [-0.8, 0.8) (a tiny LCG: the test needs variety, not statistical quality). */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[k] = (s / 4294967296) * 1.6 - 0.8;
  }
  return out;
}

interface Case {
  readonly title: string;
  readonly convention: ConventionId;
  readonly cell: CellKind;
  readonly units: number;
  readonly inputSize: number;
  readonly directions?: 1 | 2;
  readonly extra?: Partial<RecurrentLayer>;
  readonly peephole?: boolean;
  readonly projSize?: number;
  readonly activations?: LayerActivations;
  readonly initial?: boolean;
}

const KERAS_ACTS: LayerActivations = { gate: { name: 'sigmoid' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } };
const ONNX_ACTS: LayerActivations = { gate: { name: 'Sigmoid' }, candidate: { name: 'Tanh' }, output: { name: 'Tanh' } };

function makeLayer(c: Case, seed: number): RecurrentLayer {
  const G = CANONICAL_GATES[c.cell].length;
  const H = c.units;
  const Hr = c.projSize ?? H;
  const directions: DirectionWeights[] = [];
  for (let d = 0; d < (c.directions ?? 1); d++) {
    const base = seed * 100 + d * 10;
    directions.push({
      W: values(G * H * c.inputSize, base + 1),
      R: values(G * H * Hr, base + 2),
      bW: values(G * H, base + 3),
      bR: values(G * H, base + 4),
      ...(c.peephole ? { peephole: values(3 * H, base + 5) } : {}),
      ...(c.projSize ? { proj: values(c.projSize * H, base + 6) } : {}),
    });
  }
  return {
    kind: 'recurrent',
    name: `${c.convention}_${c.cell}`,
    cell: c.cell,
    units: H,
    inputSize: c.inputSize,
    directions,
    activations: c.activations ?? (c.convention === 'onnx' ? ONNX_ACTS : KERAS_ACTS),
    source: c.convention,
    ...(c.projSize ? { projSize: c.projSize } : {}),
    ...(c.cell === 'gru' ? { resetAfter: true } : {}),
    ...(c.directions === 2 ? { merge: 'concat' as const } : {}),
    ...c.extra,
  };
}

const CASES: readonly Case[] = [
  { title: 'Keras LSTM', convention: 'keras', cell: 'lstm', units: 3, inputSize: 1 },
  { title: 'Keras GRU reset_after=True', convention: 'keras', cell: 'gru', units: 4, inputSize: 2 },
  { title: 'Keras GRU reset_after=False', convention: 'keras', cell: 'gru', units: 3, inputSize: 2, extra: { resetAfter: false } },
  { title: 'Keras SimpleRNN (relu)', convention: 'keras', cell: 'simple_rnn', units: 3, inputSize: 2, activations: { gate: { name: 'sigmoid' }, candidate: { name: 'relu' }, output: { name: 'tanh' } } },
  { title: 'Keras LSTM hard_sigmoid (Keras 3) go_backwards', convention: 'keras', cell: 'lstm', units: 2, inputSize: 3, activations: { gate: { name: 'hard_sigmoid_keras3' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } }, extra: { goBackwards: true } },
  { title: 'Keras bidirectional LSTM, merge ave, return_sequences=False', convention: 'keras', cell: 'lstm', units: 2, inputSize: 2, directions: 2, extra: { merge: 'ave', returnSequences: false } },
  { title: 'Keras 2 CuDNNLSTM', convention: 'keras_cudnn', cell: 'lstm', units: 2, inputSize: 2 },
  { title: 'PyTorch LSTM with initial state', convention: 'pytorch', cell: 'lstm', units: 3, inputSize: 2, initial: true },
  { title: 'PyTorch LSTM proj_size=2, bidirectional', convention: 'pytorch', cell: 'lstm', units: 3, inputSize: 2, projSize: 2, directions: 2 },
  { title: 'PyTorch GRU', convention: 'pytorch', cell: 'gru', units: 3, inputSize: 2, initial: true },
  { title: 'PyTorch RNN', convention: 'pytorch', cell: 'simple_rnn', units: 4, inputSize: 3 },
  { title: 'ONNX LSTM with peepholes and clip', convention: 'onnx', cell: 'lstm', units: 3, inputSize: 2, peephole: true, extra: { clip: 0.5 } },
  { title: 'ONNX LSTM input_forget, reverse', convention: 'onnx', cell: 'lstm', units: 2, inputSize: 2, extra: { inputForget: true, reverse: true } },
  { title: 'ONNX GRU linear_before_reset=0, bidirectional', convention: 'onnx', cell: 'gru', units: 3, inputSize: 2, directions: 2, extra: { resetAfter: false } },
  { title: 'ONNX RNN with ScaledTanh', convention: 'onnx', cell: 'simple_rnn', units: 3, inputSize: 2, activations: { gate: { name: 'Sigmoid' }, candidate: { name: 'ScaledTanh', alpha: 1.5, beta: 0.7 }, output: { name: 'Tanh' } } },
  { title: 'TF1 LSTMCell forget_bias=1, cell_clip, num_proj', convention: 'tf1', cell: 'lstm', units: 3, inputSize: 2, projSize: 2, extra: { forgetBias: 1, cellClip: 0.6 } },
  { title: 'TF1 LSTMCell num_proj with proj_clip', convention: 'tf1', cell: 'lstm', units: 3, inputSize: 2, projSize: 2, extra: { forgetBias: 1, projClip: 0.05 } },
  { title: 'TF1 GRUCell, bidirectional', convention: 'tf1', cell: 'gru', units: 3, inputSize: 2, directions: 2, extra: { resetAfter: false } },
];

const STEPS = 5;

describe('NumPy code generator (core/codegen/numpy)', function () {
  // Each case starts a Python interpreter; on a loaded machine that alone can take seconds.
  this.timeout(60000);

  it('has python3 with NumPy to run the generated code (required)', () => {
    const r = python('import numpy; print(numpy.__version__)');
    assert.equal(r.status, 0, `${PYTHON} with numpy is required by this suite: ${r.stderr}`);
    assert.match(r.stdout.trim(), /^\d+\.\d+/);
  });

  it('writes nested Python lists that round-trip every float64', () => {
    assert.equal(pyList(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]), '[[1, 2, 3],\n     [4, 5, 6]]');
    assert.equal(pyList(Float64Array.from([0.1 + 0.2]), [1]), '[0.30000000000000004]');
  });

  it('names the Keras LSTM gate slices i, f, c, o over 0:3, 3:6, 6:9, 9:12', () => {
    const layer = makeLayer(CASES[0], 1);
    const code = generateNumpy({ name: 'lstm_1', cell: 'lstm', convention: 'keras', layer });
    assert.match(code, /\n {4}i = \w+\(pre\[0:3\]\) {2}# input gate\n/);
    assert.match(code, /\n {4}f = \w+\(pre\[3:6\]\) {2}# forget gate\n/);
    assert.match(code, /\n {4}c_tilde = act_tanh\(pre\[6:9\]\) {2}# cell candidate\n/);
    assert.match(code, /\n {4}o = \w+\(pre\[9:12\]\) {2}# output gate\n/);
    assert.match(code, /kernel = np\.array\(.*\)\s+# \(1, 12\)/);
    assert.match(code, /pre = x_t @ p\['kernel'\] \+ p\['bias'\] \+ h @ p\['recurrent_kernel'\]/);
  });

  it('names the PyTorch LSTM candidate g and the ONNX LSTM order i, o, f, c', () => {
    const torch = generateNumpy({ name: 'rnn', cell: 'lstm', convention: 'pytorch', layer: makeLayer(CASES[7], 2) });
    assert.match(torch, /\n {4}g = act_tanh\(pre\[6:9\]\) {2}# cell candidate\n/);
    assert.match(torch, /weight_ih_l0 = np\.array/);
    const onnx = generateNumpy({ name: 'lstm', cell: 'lstm', convention: 'onnx', layer: makeLayer({ ...CASES[11], peephole: false, extra: {} }, 3) });
    assert.match(onnx, /\n {4}o = \w+\(pre\[3:6\]\) {2}# output gate\n/);
    assert.match(onnx, /\n {4}f = \w+\(pre\[6:9\]\) {2}# forget gate\n/);
    assert.match(onnx, /\n {4}c_tilde = \w+\(pre\[9:12\]\) {2}# cell candidate\n/);
  });

  CASES.forEach((c, k) => {
    it(`runs and matches the core's forward pass: ${c.title}`, () => {
      const layer = makeLayer(c, k + 1);
      const input: Sequence = { data: values(STEPS * c.inputSize, 1000 + k), batch: 1, steps: STEPS, features: c.inputSize };
      const Hr = c.projSize ?? c.units;
      const D = c.directions ?? 1;
      const initialStates: InitialState[] | undefined = c.initial
        ? Array.from({ length: D }, (_, d) => ({ h: values(Hr, 77 + d), ...(c.cell === 'lstm' ? { c: values(c.units, 88 + d) } : {}) }))
        : undefined;
      const expected = runLayer(layer, input, { initialStates });
      const spec: NumpyLayerInput = { name: `${c.convention}_${c.cell}`, cell: c.cell, convention: c.convention, layer };
      const code = generateNumpy(spec, { input, initialStates });
      const probe = `${code}\nimport json\nprint("@@" + json.dumps({"y": np.asarray(outputs).tolist(), "states": [[np.asarray(v).tolist() for v in s] for s in final_states]}))\n`;
      const r = python(probe);
      assert.equal(r.status, 0, `generated code failed:\n${r.stderr}\n----\n${code}`);
      const line = r.stdout.split('\n').find((l) => l.startsWith('@@'));
      assert.ok(line, `no result line in:\n${r.stdout}`);
      const got = JSON.parse(line.slice(2)) as { y: number[][]; states: number[][][] };
      const y = got.y.flat();
      assert.equal(y.length, expected.output.data.length, 'output size');
      y.forEach((v, i) => assert.ok(Math.abs(v - expected.output.data[i]) <= 1e-12, `output[${i}]: numpy ${v} vs core ${expected.output.data[i]}`));
      expected.finalStates.forEach((s, d) => {
        const [h, cState] = got.states[d];
        Array.from(s.h).forEach((v, i) => assert.ok(Math.abs(h[i] - v) <= 1e-12, `final h[${d}][${i}]: numpy ${h[i]} vs core ${v}`));
        if (s.c) Array.from(s.c).forEach((v, i) => assert.ok(Math.abs(cState[i] - v) <= 1e-12, `final c[${d}][${i}]: numpy ${cState[i]} vs core ${v}`));
      });
    });
  });
});
