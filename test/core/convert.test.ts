import * as assert from 'node:assert/strict';
import type { CellKind, ConventionId } from '../../src/core/conventions';
import { activationIn, configFromLayer, fromNative, fromNativeStack, onnxActivations, optionsFromConfig, toNative } from '../../src/core/convert';
import type { FromNativeOptions, NativeTensors } from '../../src/core/convert';
import { runLayer } from '../../src/core/forward';
import { GateLensError } from '../../src/core/model';
import type { RecurrentLayer } from '../../src/core/model';
import { SeededRandom, randomSequence } from '../../src/core/random';

const G: Record<CellKind, number> = { lstm: 4, gru: 3, simple_rnn: 1 };

function randomTensors(seed: number, shapes: Record<string, number[]>): NativeTensors {
  const rng = new SeededRandom(seed);
  const out: NativeTensors = {};
  for (const [role, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    out[role] = { shape, data: rng.fill(new Float64Array(n), -0.6, 0.6) };
  }
  return out;
}

interface Variant { name: string; conv: ConventionId; cell: CellKind; shapes: Record<string, number[]>; options?: FromNativeOptions; toOptions?: { layerIndex?: number | null } }

const I = 3, H = 2;

function variants(): Variant[] {
  const v: Variant[] = [];
  for (const cell of ['lstm', 'gru', 'simple_rnn'] as CellKind[]) {
    const GH = G[cell] * H;
    const kerasBias = cell === 'gru' ? [2, GH] : [GH];
    v.push({ name: 'keras', conv: 'keras', cell, shapes: { kernel: [I, GH], recurrent_kernel: [H, GH], bias: kerasBias } });
    v.push({ name: 'keras no bias', conv: 'keras', cell, shapes: { kernel: [I, GH], recurrent_kernel: [H, GH] } });
    v.push({
      name: 'keras bidirectional', conv: 'keras', cell, options: { merge: 'sum' },
      shapes: {
        'forward/kernel': [I, GH], 'forward/recurrent_kernel': [H, GH], 'forward/bias': kerasBias,
        'backward/kernel': [I, GH], 'backward/recurrent_kernel': [H, GH], 'backward/bias': kerasBias,
      },
    });
    v.push({ name: 'pytorch', conv: 'pytorch', cell, shapes: { weight_ih_l0: [GH, I], weight_hh_l0: [GH, H], bias_ih_l0: [GH], bias_hh_l0: [GH] } });
    v.push({ name: 'pytorch no bias', conv: 'pytorch', cell, shapes: { weight_ih_l0: [GH, I], weight_hh_l0: [GH, H] } });
    v.push({
      name: 'pytorch bidirectional layer 1', conv: 'pytorch', cell, options: { layerIndex: 1 }, toOptions: { layerIndex: 1 },
      shapes: {
        weight_ih_l1: [GH, I], weight_hh_l1: [GH, H], bias_ih_l1: [GH], bias_hh_l1: [GH],
        weight_ih_l1_reverse: [GH, I], weight_hh_l1_reverse: [GH, H], bias_ih_l1_reverse: [GH], bias_hh_l1_reverse: [GH],
      },
    });
    v.push({ name: 'pytorch cell names', conv: 'pytorch', cell, toOptions: { layerIndex: null }, shapes: { weight_ih: [GH, I], weight_hh: [GH, H], bias_ih: [GH], bias_hh: [GH] } });
    v.push({ name: 'onnx', conv: 'onnx', cell, shapes: { W: [1, GH, I], R: [1, GH, H], B: [1, 2 * GH] } });
    v.push({ name: 'onnx bidirectional no bias', conv: 'onnx', cell, shapes: { W: [2, GH, I], R: [2, GH, H] } });
  }
  v.push({ name: 'keras reset_after=False', conv: 'keras', cell: 'gru', shapes: { kernel: [I, 3 * H], recurrent_kernel: [H, 3 * H], bias: [3 * H] } });
  v.push({ name: 'pytorch proj_size', conv: 'pytorch', cell: 'lstm', shapes: { weight_ih_l0: [4 * 3, I], weight_hh_l0: [4 * 3, H], bias_ih_l0: [12], bias_hh_l0: [12], weight_hr_l0: [H, 3] } });
  v.push({ name: 'onnx peepholes bidirectional', conv: 'onnx', cell: 'lstm', shapes: { W: [2, 4 * H, I], R: [2, 4 * H, H], B: [2, 8 * H], P: [2, 3 * H] } });
  v.push({ name: 'tf1', conv: 'tf1', cell: 'lstm', shapes: { kernel: [I + H, 4 * H], bias: [4 * H] } });
  v.push({ name: 'tf1 peepholes', conv: 'tf1', cell: 'lstm', shapes: { kernel: [I + H, 4 * H], bias: [4 * H], w_i_diag: [H], w_f_diag: [H], w_o_diag: [H] } });
  v.push({ name: 'tf1 projection', conv: 'tf1', cell: 'lstm', shapes: { kernel: [I + 1, 4 * H], bias: [4 * H], 'projection/kernel': [H, 1] } });
  v.push({ name: 'keras_cudnn', conv: 'keras_cudnn', cell: 'lstm', shapes: { kernel: [I, 4 * H], recurrent_kernel: [H, 4 * H], bias: [8 * H] } });
  v.push({ name: 'keras_cudnn', conv: 'keras_cudnn', cell: 'gru', shapes: { kernel: [I, 3 * H], recurrent_kernel: [H, 3 * H], bias: [6 * H] } });
  return v;
}

function assertBitIdentical(got: NativeTensors, want: NativeTensors): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  for (const k of Object.keys(want)) {
    assert.deepEqual([...got[k].shape], [...want[k].shape], `${k} shape`);
    const a = got[k].data, b = want[k].data;
    assert.equal(a.length, b.length);
    for (let e = 0; e < b.length; e++) assert.ok(Object.is(a[e], b[e]), `${k}[${e}]: ${a[e]} vs ${b[e]}`);
  }
}

describe('convert: native ⇄ canonical', () => {
  variants().forEach((v, k) => {
    it(`round-trips ${v.name} ${v.cell} bit for bit`, () => {
      const tensors = randomTensors(100 + k, v.shapes);
      const layer = fromNative(v.conv, v.cell, tensors, v.options);
      assertBitIdentical(toNative(layer, v.conv, v.toOptions), tensors);
    });
  });

  it('keeps −0 through a round trip (no hidden + 0)', () => {
    const tensors = randomTensors(7, { kernel: [1, 4], recurrent_kernel: [1, 4] });
    const bias = { shape: [4], data: Float64Array.of(-0, 0, -0, 1) };
    const back = toNative(fromNative('keras', 'lstm', { ...tensors, bias }), 'keras');
    assert.ok(Object.is(back['bias'].data[0], -0));
  });

  for (const cell of ['lstm', 'gru', 'simple_rnn'] as CellKind[]) {
    it(`Keras → PyTorch → ONNX → Keras keeps the weights and the forward output exactly (${cell})`, () => {
      const GH = G[cell] * H;
      const keras = randomTensors(31, { kernel: [I, GH], recurrent_kernel: [H, GH], bias: cell === 'gru' ? [2, GH] : [GH] });
      const k1 = fromNative('keras', cell, keras);
      const p = fromNative('pytorch', cell, toNative(k1, 'pytorch'));
      const o = fromNative('onnx', cell, toNative(p, 'onnx'), cell === 'gru' ? { resetAfter: true } : {});
      const k2 = fromNative('keras', cell, toNative(o, 'keras'));
      assertBitIdentical(toNative(k2, 'keras'), keras);
      const x = randomSequence(5, 2, 6, I);
      const outs = [k1, p, o, k2].map((l) => runLayer(l, x).output.data);
      for (const out of outs.slice(1)) assert.deepEqual(Array.from(out), Array.from(outs[0]));
    });
  }

  it('puts each gate where the convention says (PyTorch GRU r,z,n; ONNX LSTM i,o,f,c; TF1 i,c,f,o)', () => {
    // Fill each native gate block with its block index, then read the canonical blocks.
    const blockFilled = (blocks: number, rowsPer: number, cols: number) => {
      const d = new Float64Array(blocks * rowsPer * cols);
      for (let b = 0; b < blocks; b++) d.fill(b, b * rowsPer * cols, (b + 1) * rowsPer * cols);
      return d;
    };
    const canonicalBlocks = (l: RecurrentLayer, blocks: number) => Array.from({ length: blocks }, (_, b) => l.directions[0].W[b * H * l.inputSize]);
    const pt = fromNative('pytorch', 'gru', { weight_ih: { shape: [3 * H, 1], data: blockFilled(3, H, 1) }, weight_hh: { shape: [3 * H, H], data: new Float64Array(3 * H * H) } });
    assert.deepEqual(canonicalBlocks(pt, 3), [1, 0, 2]); // canonical z,r,n = native rows 1,0,2
    const ox = fromNative('onnx', 'lstm', { W: { shape: [1, 4 * H, 1], data: blockFilled(4, H, 1) }, R: { shape: [1, 4 * H, H], data: new Float64Array(4 * H * H) } });
    assert.deepEqual(canonicalBlocks(ox, 4), [0, 2, 3, 1]); // canonical i,f,c,o = native i(0) f(2) c(3) o(1)
    const tfKernel = new Float64Array((1 + H) * 4 * H);
    for (let r = 0; r < 1 + H; r++) for (let col = 0; col < 4 * H; col++) tfKernel[r * 4 * H + col] = Math.floor(col / H);
    const tf = fromNative('tf1', 'lstm', { kernel: { shape: [1 + H, 4 * H], data: tfKernel }, bias: { shape: [4 * H], data: new Float64Array(4 * H) } });
    assert.deepEqual(canonicalBlocks(tf, 4), [0, 2, 1, 3]); // canonical i,f,c,o = native i(0) f(2) j(1) o(3)
    assert.equal(tf.forgetBias, 1, 'TF1 forget_bias defaults to 1.0');
  });

  it('reads a Keras 2 CuDNN kernel block as the C-order buffer of an (H, I) matrix', () => {
    // One gate block (I=3, H=2) of a CuDNNGRU kernel holds cuDNN's W_z (2×3) = [[1,2,3],[4,5,6]] as its buffer.
    const Iq = 3, Hq = 2;
    const kernel = new Float64Array(Iq * 3 * Hq);
    const buffer = [1, 2, 3, 4, 5, 6];
    for (let p = 0; p < Iq * Hq; p++) kernel[Math.floor(p / Hq) * 3 * Hq + (p % Hq)] = buffer[p]; // z block = columns 0..H
    const rk = new Float64Array(Hq * 3 * Hq);
    rk[0 * 3 * Hq + 1] = 7; // recurrent z block, row 0, column 1: cuDNN R_z[0][1]
    const layer = fromNative('keras_cudnn', 'gru', { kernel: { shape: [Iq, 3 * Hq], data: kernel }, recurrent_kernel: { shape: [Hq, 3 * Hq], data: rk }, bias: { shape: [6 * Hq], data: new Float64Array(6 * Hq) } });
    assert.deepEqual(Array.from(layer.directions[0].W.subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
    assert.equal(layer.directions[0].R[0 * Hq + 1], 7);
    assert.equal(layer.resetAfter, true);
  });

  it('infers GRU reset_after from the Keras bias shape and refuses a contradiction', () => {
    const t = randomTensors(3, { kernel: [I, 6], recurrent_kernel: [H, 6], bias: [6] });
    assert.equal(fromNative('keras', 'gru', t).resetAfter, false);
    assert.throws(() => fromNative('keras', 'gru', t, { resetAfter: true }), /reset_after=False.*but reset_after=True was given/);
  });

  it('explains a wrong shape: names the array, the symbols, the numbers and what fits', () => {
    const t = randomTensors(4, { kernel: [4, 12], recurrent_kernel: [4, 12], bias: [12] });
    assert.throws(() => fromNative('keras', 'lstm', t, { units: 3 }), (e: unknown) => {
      assert.ok(e instanceof GateLensError);
      assert.match(e.message, /recurrent_kernel has shape \(4, 12\) but units H=3, input size I=4 needs \(H, 4·H\) = \(3, 12\): did you pass the kernel\?/);
      return true;
    });
    const transposed = randomTensors(5, { weight_ih_l0: [I, 8], weight_hh_l0: [8, H] });
    assert.throws(() => fromNative('pytorch', 'lstm', transposed, { inputSize: I }), /weight_ih_l0 has shape \(3, 8\).*it looks transposed/);
    const badUnits = randomTensors(6, { kernel: [I, 12], recurrent_kernel: [3, 12], bias: [8] });
    assert.throws(() => fromNative('keras', 'lstm', badUnits), /bias has shape \(8,\) but .* needs \(4·H\) = \(12,\)/);
    assert.throws(() => fromNative('keras', 'lstm', { kernel: { shape: [2, 4], data: [1, 2, 3] }, recurrent_kernel: { shape: [1, 4], data: [0, 0, 0, 0] } }), /declares shape \(2, 4\) \(8 values\) but holds 3 values/);
  });

  it('accepts a missing bias only where the framework allows it', () => {
    const keras = fromNative('keras', 'lstm', randomTensors(8, { kernel: [I, 8], recurrent_kernel: [H, 8] }));
    assert.equal(keras.useBias, false);
    assert.ok(keras.directions[0].bW.every((x) => x === 0));
    assert.throws(() => fromNative('tf1', 'lstm', randomTensors(9, { kernel: [I + H, 8] }), { units: H }), /missing-array|bias/);
    assert.throws(() => fromNative('keras_cudnn', 'lstm', randomTensors(9, { kernel: [I, 8], recurrent_kernel: [H, 8] })), /always stores bias/);
    assert.throws(() => fromNative('pytorch', 'lstm', randomTensors(9, { weight_ih: [8, I], weight_hh: [8, H], bias_ih: [8] })), /bias_ih and bias_hh together/);
  });

  it('names a NaN or infinite weight by array and native index', () => {
    const t = randomTensors(17, { kernel: [I, 8], recurrent_kernel: [H, 8], bias: [8] });
    (t['recurrent_kernel'].data as Float64Array)[1 * 8 + 5] = NaN;
    assert.throws(() => fromNative('keras', 'lstm', t), (e: unknown) => e instanceof GateLensError && e.code === 'non-finite' && /recurrent_kernel\[1, 5\] is NaN/.test(e.message));
    const o = randomTensors(18, { W: [1, 8, I], R: [1, 8, H], B: [1, 16] });
    (o['B'].data as Float64Array)[9] = -Infinity;
    assert.throws(() => fromNative('onnx', 'lstm', o), /B\[0, 9\] is -Infinity/);
  });

  it('names what is missing', () => {
    assert.throws(() => fromNative('keras', 'lstm', randomTensors(10, { kernel: [I, 8] })), /needs the array recurrent_kernel .*got kernel/);
  });

  it('refuses conversions that would change the numbers', () => {
    const pt = fromNative('pytorch', 'lstm', randomTensors(11, { weight_ih_l0: [12, I], weight_hh_l0: [12, H], weight_hr_l0: [H, 3] }));
    assert.throws(() => toNative(pt, 'keras'), /projection/);
    const onnxGru = fromNative('onnx', 'gru', randomTensors(12, { W: [1, 6, I], R: [1, 6, H] }));
    assert.throws(() => toNative(onnxGru, 'pytorch'), /reset gate after/);
    const peep = fromNative('onnx', 'lstm', randomTensors(13, { W: [1, 8, I], R: [1, 8, H], P: [1, 6] }));
    assert.throws(() => toNative(peep, 'keras'), /peepholes/);
    const tf = fromNative('tf1', 'lstm', randomTensors(14, { kernel: [I + H, 8], bias: [8] }));
    assert.throws(() => toNative(tf, 'pytorch'), /forget_bias=1/);
  });

  it('builds every layer of a PyTorch num_layers stack with input size D·H for layers above the first', () => {
    const t = randomTensors(15, {
      weight_ih_l0: [6, I], weight_hh_l0: [6, H], weight_ih_l0_reverse: [6, I], weight_hh_l0_reverse: [6, H],
      weight_ih_l1: [6, 2 * H], weight_hh_l1: [6, H], weight_ih_l1_reverse: [6, 2 * H], weight_hh_l1_reverse: [6, H],
    });
    const stack = fromNativeStack('pytorch', 'gru', t);
    assert.equal(stack.length, 2);
    assert.equal(stack[1].inputSize, 2 * H);
    assert.equal(stack[1].directions.length, 2);
  });

  it('distributes ONNX activation_alpha/beta over the activations that take them, per direction', () => {
    const acts = onnxActivations('lstm', { names: ['Sigmoid', 'Affine', 'ThresholdedRelu', 'Sigmoid', 'Elu', 'Tanh'], alpha: [0.7, 0.1, 0.9], beta: [0.2] }, 2);
    assert.deepEqual(acts[0].candidate, { name: 'Affine', alpha: 0.7, beta: 0.2 });
    assert.deepEqual(acts[0].output, { name: 'ThresholdedRelu', alpha: 0.1 });
    assert.deepEqual(acts[1].candidate, { name: 'Elu', alpha: 0.9 });
    assert.equal(onnxActivations('gru', { names: ['HardSigmoid', 'Softsign'] }, 2).length, 2, 'one list serves both directions');
    assert.throws(() => onnxActivations('lstm', { names: ['Sigmoid'] }, 1), /needs 3 activations/);
  });

  it('resolves Keras hard_sigmoid by version and fails without one', () => {
    const t = randomTensors(16, { kernel: [I, 8], recurrent_kernel: [H, 8], bias: [8] });
    assert.equal((fromNative('keras', 'lstm', t, { recurrentActivation: 'hard_sigmoid', kerasVersion: 2 }).activations as { gate: { name: string } }).gate.name, 'hard_sigmoid_keras2');
    assert.throws(() => fromNative('keras', 'lstm', t, { recurrentActivation: 'hard_sigmoid' }), /hard_sigmoid_keras2/);
  });

  describe('framework configs', () => {
    it('reads each framework\'s option names and rejects an option it does not implement', () => {
      assert.deepEqual(optionsFromConfig('keras', { units: 3, recurrent_activation: 'hard_sigmoid', keras_version_semantics: { hard_sigmoid: 'keras2' }, reset_after: false, return_sequences: false, bidirectional: { merge_mode: null } }),
        { units: 3, recurrentActivation: 'hard_sigmoid', kerasVersion: 2, resetAfter: false, returnSequences: false, bidirectional: true, merge: 'none' });
      assert.deepEqual(optionsFromConfig('onnx', { hidden_size: 4, direction: 'reverse', clip: 0.5, input_forget: 1, activations: ['HardSigmoid', 'Tanh', 'Tanh'], activation_alpha: [0.3] }),
        { units: 4, direction: 'reverse', clip: 0.5, inputForget: true, onnxActivations: { names: ['HardSigmoid', 'Tanh', 'Tanh'], alpha: [0.3] } });
      assert.deepEqual(optionsFromConfig('tf1', { units: 2, cell_clip: -1 }), { units: 2, forgetBias: 1 });
      assert.throws(() => optionsFromConfig('keras', { units: 3, time_major: true }), (e: unknown) => e instanceof GateLensError && e.code === 'unsupported-option' && /time_major=true/.test(e.message));
      assert.deepEqual(optionsFromConfig('keras', { units: 3, recurrent_dropout: 0.1, kernel_initializer: { class_name: 'GlorotUniform' }, stateful: false }), { units: 3 }, 'inference-neutral keys are accepted');
      assert.throws(() => optionsFromConfig('pytorch', { hidden_size: 3, device: 'cpu', weird: 1 }), /weird=1/);
      assert.throws(() => optionsFromConfig('onnx', { layout: 2 }), /layout=2/);
      assert.equal(optionsFromConfig('onnx', { layout: 1 }).onnxLayout, 1);
      assert.throws(() => optionsFromConfig('pytorch', { nonlinearity: 'sigmoid' }), /'tanh' or 'relu'/);
      assert.throws(() => optionsFromConfig('keras', { bidirectional: { merge_mode: 'max' } }), /merge_mode/);
    });

    const configs: { conv: ConventionId; cell: CellKind; shapes: Record<string, number[]>; config: Record<string, unknown> }[] = [
      { conv: 'keras', cell: 'gru', shapes: { kernel: [I, 6], recurrent_kernel: [H, 6], bias: [6] }, config: { units: H, activation: 'softsign', recurrent_activation: 'hard_sigmoid', use_bias: true, reset_after: false, go_backwards: true, return_sequences: false, keras_version_semantics: { hard_sigmoid: 'keras3' } } },
      { conv: 'keras', cell: 'lstm', shapes: { 'forward/kernel': [I, 8], 'forward/recurrent_kernel': [H, 8], 'backward/kernel': [I, 8], 'backward/recurrent_kernel': [H, 8] }, config: { units: H, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: false, go_backwards: false, return_sequences: true, bidirectional: { merge_mode: 'ave' } } },
      { conv: 'pytorch', cell: 'simple_rnn', shapes: { weight_ih_l0: [H, I], weight_hh_l0: [H, H] }, config: { input_size: I, hidden_size: H, num_layers: 1, bias: false, bidirectional: false, batch_first: true, nonlinearity: 'relu' } },
      { conv: 'onnx', cell: 'lstm', shapes: { W: [2, 8, I], R: [2, 8, H], B: [2, 16], P: [2, 6] }, config: { hidden_size: H, direction: 'bidirectional', layout: 0, activations: ['HardSigmoid', 'LeakyRelu', 'ScaledTanh', 'Sigmoid', 'Tanh', 'Tanh'], activation_alpha: [0.25, 0.1, 1.5], activation_beta: [0.45, 0.8], clip: 0.3, input_forget: 1 } },
      { conv: 'onnx', cell: 'gru', shapes: { W: [1, 6, I], R: [1, 6, H], B: [1, 12] }, config: { hidden_size: H, direction: 'reverse', layout: 0, linear_before_reset: 1 } },
      { conv: 'tf1', cell: 'lstm', shapes: { kernel: [I + H, 8], bias: [8], w_i_diag: [H], w_f_diag: [H], w_o_diag: [H] }, config: { units: H, forget_bias: 0.5, cell_clip: 0.4, use_peephole: true } },
    ];
    configs.forEach((c, k) => {
      it(`config → layer → config round trip: ${c.conv} ${c.cell} #${k}`, () => {
        const tensors = randomTensors(200 + k, c.shapes);
        const layer = fromNative(c.conv, c.cell, tensors, optionsFromConfig(c.conv, c.config));
        assert.deepEqual(configFromLayer(layer, c.conv), c.config);
        assertBitIdentical(toNative(layer, c.conv), tensors);
      });
    });

    it('maps activations between frameworks and refuses a conversion that would change them', () => {
      assert.deepEqual(activationIn('onnx', { name: 'hard_sigmoid_keras2' }), { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 });
      assert.deepEqual(activationIn('keras', { name: 'HardSigmoid' }), { name: 'hard_sigmoid_keras2' });
      assert.deepEqual(activationIn('keras', { name: 'Affine', alpha: 1, beta: 0 }), { name: 'linear' });
      assert.equal(activationIn('keras', { name: 'ScaledTanh', alpha: 2, beta: 1 }), undefined);
      assert.equal(activationIn('keras', { name: 'LeakyRelu' }), undefined, 'ONNX slope 0.01 is not Keras leaky_relu (0.2)');
      assert.deepEqual(activationIn('pytorch', { name: 'Relu' }), { name: 'relu' });
      const t = randomTensors(300, { kernel: [I, 8], recurrent_kernel: [H, 8], bias: [8] });
      const hs = fromNative('keras', 'lstm', t, { recurrentActivation: 'hard_sigmoid', kerasVersion: 2 });
      assert.throws(() => toNative(hs, 'pytorch'), /PyTorch has no activation equal to clip\(0.2x\+0.5/);
      const softsignLstm = fromNative('keras', 'lstm', t, { activation: 'relu' });
      assert.throws(() => toNative(softsignLstm, 'pytorch'), /fixed to sigmoid and tanh/);
      assert.deepEqual(configFromLayer(hs, 'onnx')['activations'], ['HardSigmoid', 'Tanh', 'Tanh']);
      const o = fromNative('onnx', 'simple_rnn', randomTensors(301, { W: [1, H, I], R: [1, H, H] }), { onnxActivations: { names: ['Softsign'] } });
      assert.throws(() => toNative(o, 'pytorch'), /PyTorch has no activation equal to x\/\(1\+\|x\|\)/);
      assert.deepEqual(configFromLayer(o, 'keras')['activation'], 'softsign');
    });
  });
});
