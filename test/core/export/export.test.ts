import * as assert from 'node:assert/strict';
import type { CellKind, ConventionId } from '../../../src/core/conventions';
import { fromNative, fromNativeStack, toNative, type NativeTensors } from '../../../src/core/convert';
import { ConversionRefused, encodeNpy, exportLayers, formatForPath, planConversion, pyNumber, type ConvertTarget, type ExportFormat } from '../../../src/core/export';
import { runModel } from '../../../src/core/forward';
import type { RecurrentLayer } from '../../../src/core/model';
import { extractArrays } from '../../../src/core/parse';
import { SeededRandom, randomSequence } from '../../../src/core/random';
import { analyseModelFile } from '../../../src/core/readers/analyse';
import { readModelFile } from '../../../src/core/readers/registry';
import { recognize } from '../../../src/core/recognize';
import { memorySource } from '../../../src/core/tensor/bytes';

const G: Record<CellKind, number> = { lstm: 4, gru: 3, simple_rnn: 1 };

function random(seed: number, shapes: Record<string, number[]>): NativeTensors {
  const rng = new SeededRandom(seed);
  const out: NativeTensors = {};
  for (const [k, shape] of Object.entries(shapes)) out[k] = { shape, data: rng.fill(new Float64Array(shape.reduce((a, b) => a * b, 1)), -0.6, 0.6) };
  return out;
}

/** A PyTorch stack (num_layers=2, bidirectional) of float64 values that are not float32. */
function torchStack(cell: CellKind, I = 2, H = 3): RecurrentLayer[] {
  const GH = G[cell] * H;
  const shapes: Record<string, number[]> = {};
  for (const k of [0, 1]) {
    for (const s of ['', '_reverse']) {
      shapes[`weight_ih_l${k}${s}`] = [GH, k === 0 ? I : 2 * H];
      shapes[`weight_hh_l${k}${s}`] = [GH, H];
      shapes[`bias_ih_l${k}${s}`] = [GH];
      shapes[`bias_hh_l${k}${s}`] = [GH];
    }
  }
  return fromNativeStack('pytorch', cell, random(7, shapes));
}

function kerasGruResetBefore(): RecurrentLayer {
  return fromNative('keras', 'gru', random(3, { kernel: [2, 9], recurrent_kernel: [3, 9], bias: [9] }), { resetAfter: false });
}

const x = randomSequence(11, 2, 4, 2);
const outputOf = (layers: readonly RecurrentLayer[]) => runModel({ layers }, x).output.data;

function assertSameOutputs(a: readonly RecurrentLayer[], b: readonly RecurrentLayer[], tol = 1e-15) {
  const ya = outputOf(a), yb = outputOf(b);
  assert.equal(ya.length, yb.length);
  let worst = 0;
  for (let k = 0; k < ya.length; k++) worst = Math.max(worst, Math.abs(ya[k] - yb[k]));
  assert.ok(worst <= tol, `outputs differ by ${worst}`);
}

async function readBack(bytes: Uint8Array, name: string, convention?: ConventionId): Promise<RecurrentLayer[]> {
  const file = await readModelFile(memorySource(bytes), name);
  const analysis = await analyseModelFile(file, convention ? { conventionOverride: convention } : {});
  const model = analysis.recognition.models[0];
  assert.ok(model, `no model recognised in ${name}: ${analysis.recognition.diagnostics.map((d) => d.message).join('; ')}`);
  return model.model.layers.filter((l): l is RecurrentLayer => l.kind === 'recurrent');
}

describe('core/export: converted files read back as the same layers (issue 10 item 3)', () => {
  const opts = { tool: 'gate-lens test', from: 'test' };
  for (const cell of ['lstm', 'gru', 'simple_rnn'] as CellKind[]) {
    for (const target of ['pytorch', 'keras', 'onnx', 'flax'] as ConvertTarget[]) {
      for (const format of ['npz', 'safetensors', ...(target === 'onnx' ? ['onnx'] : [])] as ExportFormat[]) {
        it(`${cell} stack → ${target} .${format} reads back and runs the same numbers`, async () => {
          const layers = torchStack(cell);
          const result = exportLayers(layers, target, format, opts);
          if (target === 'onnx' && cell === 'gru' && format !== 'onnx') {
            // Arrays only: linear_before_reset=1 is a node attribute, which the .onnx model and the .py header carry.
            assert.deepEqual(result.plan.arrays.map((a) => a.name), ['layer0/W', 'layer0/R', 'layer0/B', 'layer1/W', 'layer1/R', 'layer1/B']);
            assert.equal(result.plan.layers[0].config['linear_before_reset'], 1);
            return;
          }
          const back = await readBack(result.bytes, `w.${format}`, target);
          assert.equal(back.length, 2);
          // .onnx is float32 by default (ONNX Runtime); the others keep every float64.
          assertSameOutputs(layers, back, format === 'onnx' ? 1e-6 : 1e-15);
          assert.equal(result.dtype, format === 'onnx' ? 'float32' : 'float64');
        });
      }
    }
  }

  it('PyTorch keys are exactly the nn.LSTM(num_layers=2, bidirectional=True) state_dict keys, in its order', () => {
    const plan = planConversion(torchStack('lstm'), 'pytorch');
    assert.deepEqual(plan.arrays.map((a) => a.name), [0, 1].flatMap((k) => ['', '_reverse'].flatMap((s) => ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((r) => `${r}_l${k}${s}`))));
    assert.ok(plan.singleTorchModule);
  });

  it('Keras names are Keras 3 weight paths in set_weights order: per layer, forward then backward, kernel, recurrent_kernel, bias', () => {
    const plan = planConversion(torchStack('gru'), 'keras');
    assert.deepEqual(plan.arrays.map((a) => a.name), [['bidirectional', 'gru'], ['bidirectional_1', 'gru_1']].flatMap(([wrapper, inner]) =>
      ['forward', 'backward'].flatMap((d) => ['kernel', 'recurrent_kernel', 'bias'].map((r) => `${wrapper}/${d}_${inner}/gru_cell/${r}`))));
    assert.deepEqual(plan.arrays[2].tensor.shape, [2, 9], 'a PyTorch GRU is reset_after=True: bias (2, 3H)');
  });

  it('Flax paths are those of the variables dict module.apply takes: nn.Sequential layers_<k>, nn.Bidirectional forward_rnn/backward_rnn, nn.RNN cell', () => {
    const plan = planConversion(torchStack('gru'), 'flax');
    const modules = [['ir', true], ['hr', false], ['iz', true], ['hz', false], ['in', true], ['hn', true]] as const;
    assert.deepEqual(plan.arrays.map((a) => a.name), [0, 1].flatMap((k) => ['forward_rnn', 'backward_rnn'].flatMap((d) =>
      modules.flatMap(([m, bias]) => [`params/layers_${k}/${d}/cell/${m}/kernel`, ...(bias ? [`params/layers_${k}/${d}/cell/${m}/bias`] : [])]))));
    // Flax kernels are (in, out): the second layer reads the 2·H concatenated features.
    assert.deepEqual(plan.arrays.find((a) => a.name === 'params/layers_1/forward_rnn/cell/iz/kernel')!.tensor.shape, [6, 3]);
    const one = planConversion([torchStack('lstm')[0]], 'flax');
    assert.equal(one.arrays[0].name, 'params/forward_rnn/cell/ii/kernel');
    const uni = fromNative('keras', 'simple_rnn', random(4, { kernel: [2, 3], recurrent_kernel: [3, 3], bias: [3] }));
    assert.deepEqual(planConversion([uni], 'flax').arrays.map((a) => a.name), ['params/cell/i/kernel', 'params/cell/i/bias', 'params/cell/h/kernel']);
  });

  it('Flax LSTM biases: b_W + b_R on hi, hf, hg, ho (the input Dense layers have none), and the .py builds the nested variables dict', () => {
    const [layer] = torchStack('lstm');
    const plan = planConversion([{ ...layer, directions: [layer.directions[0]], merge: undefined }], 'flax');
    const bias = plan.arrays.find((a) => a.name === 'params/cell/hf/bias')!.tensor.data;
    const d = layer.directions[0];
    for (let m = 0; m < 3; m++) assert.equal(bias[m], d.bR[3 + m] + d.bW[3 + m]);
    assert.ok(!plan.arrays.some((a) => /\/i[ifgo]\/bias$/.test(a.name)));
    const text = exportLayers(torchStack('lstm'), 'flax', 'py', opts).text!;
    assert.match(text, /^flat_variables = \{$/m);
    assert.match(text, /^variables = \{\}$/m);
    assert.match(text, /module = nn\.Sequential\(\[nn\.Bidirectional\(nn\.RNN\(nn\.LSTMCell\(features=3, param_dtype=jnp\.float64, dtype=jnp\.float64\)\), /);
    // The literals read back (as the Flax convention) to the same stack.
    const parse = extractArrays(text, { languageId: 'w.py' });
    const back = recognize(parse, text).models[0].model.layers as RecurrentLayer[];
    assert.equal(back.length, 2);
    assertSameOutputs(torchStack('lstm'), back, 1e-15);
  });

  it('Flax activations: gate_fn / activation_fn in the module and in the port script', () => {
    const layer = fromNative('keras', 'gru', random(12, { kernel: [2, 9], recurrent_kernel: [3, 9], bias: [2, 9] }), { activation: 'softsign', recurrentActivation: 'relu' });
    const result = exportLayers([layer], 'flax', 'py', opts);
    assert.deepEqual(result.plan.layers[0].config, { features: 3, gate_fn: 'relu', activation_fn: 'softsign' });
    assert.match(result.text!, /nn\.GRUCell\(features=3, gate_fn=nn\.relu, activation_fn=nn\.soft_sign, /);
    const port = exportLayers([layer], 'flax', 'port', opts).text!;
    assert.match(port, /'config': \{'features': 3, 'gate_fn': 'relu', 'activation_fn': 'softsign'\}/);
    assert.match(port, /\{'softsign': 'soft_sign'\}/);
  });

  it('port scripts carry the Flax runner only when Flax is the target or the source', () => {
    const flaxPort = exportLayers(torchStack('simple_rnn'), 'flax', 'port', opts).text!;
    assert.match(flaxPort, /^RUNNERS\['flax'\] = _flax$/m);
    assert.ok(flaxPort.indexOf('def _flax') < flaxPort.indexOf("if __name__ == '__main__':"));
    assert.match(flaxPort, /Needs numpy and the target\nframework \(jax and flax\)/);
    assert.doesNotMatch(exportLayers(torchStack('simple_rnn'), 'keras', 'port', opts).text!, /_flax/);
    const flaxSource = fromNative('flax', 'lstm', random(13, { 'ii/kernel': [2, 3], 'if/kernel': [2, 3], 'ig/kernel': [2, 3], 'io/kernel': [2, 3],
      'hi/kernel': [3, 3], 'hf/kernel': [3, 3], 'hg/kernel': [3, 3], 'ho/kernel': [3, 3], 'hi/bias': [3], 'hf/bias': [3], 'hg/bias': [3], 'ho/bias': [3] }));
    const toTorch = exportLayers([flaxSource], 'pytorch', 'port', opts).text!;
    assert.match(toTorch, /^SOURCE = \{'framework': 'flax'/m);
    assert.match(toTorch, /^RUNNERS\['flax'\] = _flax$/m);
  });

  it('a float32-exact layer is written as float32, anything else as float64', () => {
    const layer = fromNative('keras', 'simple_rnn', { kernel: { shape: [1, 1], data: [0.5] }, recurrent_kernel: { shape: [1, 1], data: [0.25] }, bias: { shape: [1], data: [-1] } });
    assert.equal(exportLayers([layer], 'pytorch', 'npz', opts).dtype, 'float32');
    assert.equal(exportLayers(torchStack('lstm'), 'pytorch', 'npz', opts).dtype, 'float64');
  });

  it('.py literals parse back (Gate Lens reader) to the same doubles, −0 included', () => {
    assert.equal(pyNumber(-0), '-0.0');
    assert.equal(pyNumber(0.1 + 0.2), '0.30000000000000004');
    const layers = torchStack('lstm');
    const result = exportLayers(layers, 'keras', 'py', opts);
    const text = result.text!;
    const parse = extractArrays(text, { languageId: 'w.py' });
    assert.equal(parse.arrays.length, result.plan.arrays.length);
    parse.arrays.forEach((a, k) => assert.deepEqual(Array.from(a.values), Array.from(result.plan.arrays[k].tensor.data), result.plan.arrays[k].name));
    const r = recognize(parse, text);
    const back = r.models[0].model.layers as RecurrentLayer[];
    assert.equal(back.length, 2);
    assertSameOutputs(layers, back, 1e-15);
  });

  it('npy headers are NPY 1.0, padded to 64 bytes', () => {
    const b = encodeNpy([2, 3], new Float64Array(6), 'float64');
    assert.deepEqual([...b.slice(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = b[8] | (b[9] << 8);
    assert.equal((10 + headerLength) % 64, 0);
    assert.match(new TextDecoder().decode(b.slice(10, 10 + headerLength)), /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    assert.equal(b.length, 10 + headerLength + 48);
  });

  it('the output is the same bytes every time (no timestamps, fixed order)', () => {
    for (const f of ['npz', 'safetensors', 'onnx', 'py'] as ExportFormat[]) {
      const a = exportLayers(torchStack('gru'), 'onnx', f, opts).bytes, b = exportLayers(torchStack('gru'), 'onnx', f, opts).bytes;
      assert.deepEqual(a, b, f);
    }
  });

  it('the extension picks the format; --port needs .py', () => {
    assert.equal(formatForPath('a/b.SAFETENSORS', false), 'safetensors');
    assert.equal(formatForPath('p.py', true), 'port');
    assert.throws(() => formatForPath('p.npz', true), /--port writes a Python script/);
    assert.throws(() => formatForPath('p.h5', false), /extension picks the format/);
  });
});

describe('core/export: refusals say why and name the nearest exact target', () => {
  const refused = (layers: RecurrentLayer[], target: ConvertTarget, why: RegExp, alternative: RegExp) => {
    assert.throws(() => planConversion(layers, target), (e: unknown) => {
      assert.ok(e instanceof ConversionRefused, String(e));
      assert.match(e.reason, why);
      assert.match(e.alternative, alternative);
      return true;
    });
  };

  it('Keras GRU reset_after=False → PyTorch: refused, ONNX linear_before_reset=0 offered (and it converts exactly)', () => {
    const gru = kerasGruResetBefore();
    refused([gru], 'pytorch', /reset gate before the recurrent matmul/, /--to onnx \(GRU with linear_before_reset=0/);
    const plan = planConversion([gru], 'onnx');
    assert.equal(plan.layers[0].config['linear_before_reset'], 0);
  });

  it('Keras GRU reset_after=False → PyTorch port script: a custom ResetBeforeGRU under nn.GRU\'s names; the arrays alone stay refused', () => {
    const gru = kerasGruResetBefore();
    assert.throws(() => exportLayers([gru], 'pytorch', 'npz', { tool: 't', from: 't' }), /--to pytorch --port/);
    const port = exportLayers([gru], 'pytorch', 'port', { tool: 't', from: 't' });
    assert.deepEqual(port.plan.arrays.map((a) => a.name), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    assert.equal(port.plan.layers[0].config['reset_after'], false);
    assert.match(port.text!, /class ResetBeforeGRU\(torch\.nn\.Module\)/);
    assert.match(port.text!, /\(r \* h\) @ w_hh\[2 \* H:\]\.T/);
    // The module is defined before main() runs.
    assert.ok(port.text!.indexOf('def _reset_before_gru') < port.text!.indexOf("if __name__ == '__main__':"));
    // Other port scripts carry no custom module.
    assert.doesNotMatch(exportLayers([gru], 'onnx', 'port', { tool: 't', from: 't' }).text!, /ResetBeforeGRU/);
  });

  it('ONNX peepholes → Keras and PyTorch: refused, ONNX offered', () => {
    const t = random(5, { W: [1, 8, 2], R: [1, 8, 2], B: [1, 16], P: [1, 6] });
    const layer = fromNative('onnx', 'lstm', t);
    refused([layer], 'keras', /peephole/, /--to onnx/);
    refused([layer], 'pytorch', /peephole/, /--to onnx/);
  });

  it('PyTorch proj_size → Keras and ONNX: refused, PyTorch offered', () => {
    const t = random(6, { weight_ih_l0: [8, 2], weight_hh_l0: [8, 1], bias_ih_l0: [8], bias_hh_l0: [8], weight_hr_l0: [1, 2] });
    const layer = fromNative('pytorch', 'lstm', t);
    refused([layer], 'keras', /proj_size=1/, /--to pytorch/);
    refused([layer], 'onnx', /proj_size=1/, /--to pytorch/);
  });

  it('Keras 2 hard_sigmoid → PyTorch: refused, ONNX HardSigmoid(0.2, 0.5) offered', () => {
    const layer = fromNative('keras', 'lstm', random(8, { kernel: [2, 8], recurrent_kernel: [2, 8], bias: [8] }), { recurrentActivation: 'hard_sigmoid', kerasVersion: 2 });
    refused([layer], 'pytorch', /Keras 2 hard_sigmoid/, /HardSigmoid with alpha=0\.2, beta=0\.5/);
    const onnx = planConversion([layer], 'onnx');
    assert.deepEqual(onnx.layers[0].config['activation_alpha'], [0.2]);
  });

  it('TF1 forget_bias folds into the Keras/PyTorch/ONNX forget bias, with the same outputs', () => {
    const tf1 = fromNative('tf1', 'lstm', random(9, { kernel: [5, 12], bias: [12] }), { forgetBias: 1 });
    for (const target of ['keras', 'pytorch', 'onnx'] as ConvertTarget[]) {
      const plan = planConversion([tf1], target);
      assert.ok(plan.notes.some((n) => /forget_bias=1 is folded/.test(n)), target);
      assertSameOutputs([tf1], [plan.layers[0].layer], 1e-15);
      // The stored f bias is b_f + 1: the first f unit in the target's own array.
      const native = toNative(plan.layers[0].layer, target);
      assert.ok(Object.keys(native).length > 0);
    }
  });

  it('TF1 GRUCell (reset before the candidate matmul) → Keras GRU(reset_after=False) and ONNX linear_before_reset=0 exactly; PyTorch refused', () => {
    const tf1 = fromNative('tf1', 'gru', random(10, { 'gates/kernel': [5, 6], 'gates/bias': [6], 'candidate/kernel': [5, 3], 'candidate/bias': [3] }));
    assert.equal(tf1.resetAfter, false);
    refused([tf1], 'pytorch', /reset gate before the recurrent matmul/, /--to onnx/);
    const keras = planConversion([tf1], 'keras');
    assert.equal(keras.layers[0].config['reset_after'], false);
    assertSameOutputs([tf1], [keras.layers[0].layer], 0);
    assert.equal(planConversion([tf1], 'onnx').layers[0].config['linear_before_reset'], 0);
  });

  it('TF1 LSTMCell proj_clip → every target refused, with no exact alternative (none clips the projected h)', () => {
    const t = random(11, { kernel: [4, 12], bias: [12], 'projection/kernel': [3, 2] });
    const layer = fromNative('tf1', 'lstm', t, { projClip: 0.1 });
    assert.equal(layer.projClip, 0.1);
    for (const target of ['keras', 'pytorch', 'onnx'] as ConvertTarget[]) refused([layer], target, /proj_clip=0\.1/, /No exact alternative/);
  });

  it('.onnx needs --to onnx', () => {
    assert.throws(() => exportLayers(torchStack('lstm'), 'keras', 'onnx', { tool: 't', from: 't' }), /use --to onnx/);
    assert.throws(() => exportLayers(torchStack('lstm'), 'flax', 'onnx', { tool: 't', from: 't' }), /an \.onnx file holds the onnx convention; use --to onnx/);
  });

  it('reset-before GRU → Flax: refused in every format (GRUCell applies r after the matmul), ONNX and Keras offered', () => {
    const gru = kerasGruResetBefore();
    refused([gru], 'flax', /flax\.linen GRUCell always applies it after/, /--to onnx \(GRU with linear_before_reset=0.*--to keras \(GRU\(reset_after=False\)\)/);
    for (const format of ['py', 'npz', 'safetensors', 'port'] as ExportFormat[]) {
      assert.throws(() => exportLayers([gru], 'flax', format, { tool: 't', from: 't' }), ConversionRefused, format);
    }
  });

  it('Flax refuses what flax.linen cannot compute, naming the exact targets', () => {
    const peep = fromNative('onnx', 'lstm', random(5, { W: [1, 8, 2], R: [1, 8, 2], B: [1, 16], P: [1, 6] }));
    refused([peep], 'flax', /peephole/, /--to onnx/);
    const proj = fromNative('pytorch', 'lstm', random(6, { weight_ih_l0: [8, 2], weight_hh_l0: [8, 1], bias_ih_l0: [8], bias_hh_l0: [8], weight_hr_l0: [1, 2] }));
    refused([proj], 'flax', /proj_size=1/, /--to pytorch/);
    const hard = fromNative('keras', 'lstm', random(8, { kernel: [2, 8], recurrent_kernel: [2, 8], bias: [8] }), { recurrentActivation: 'hard_sigmoid', kerasVersion: 2 });
    refused([hard], 'flax', /relu6\(x \+ 3\)\/6, a different function/, /--to onnx/);
    // Keras 3 hard_sigmoid is jax.nn.hard_sigmoid: converted.
    const hard3 = fromNative('keras', 'lstm', random(8, { kernel: [2, 8], recurrent_kernel: [2, 8], bias: [8] }), { recurrentActivation: 'hard_sigmoid', kerasVersion: 3 });
    assert.equal(planConversion([hard3], 'flax').layers[0].config['gate_fn'], 'hard_sigmoid');
    const [bi] = torchStack('gru');
    refused([{ ...bi, merge: 'sum' }], 'flax', /merges its directions by sum; flax\.linen Bidirectional concatenates/, /--to keras/);
    const onnxReverse = fromNative('onnx', 'lstm', random(14, { W: [1, 8, 2], R: [1, 8, 2], B: [1, 16] }), { direction: 'reverse' });
    refused([onnxReverse], 'flax', /direction="reverse"/, /--to onnx/);
    const tf1 = fromNative('tf1', 'lstm', random(11, { kernel: [4, 12], bias: [12], 'projection/kernel': [3, 2] }), { projClip: 0.1 });
    refused([tf1], 'flax', /proj_clip=0\.1/, /No exact alternative among keras, pytorch, onnx, flax/);
  });

  it('TF1 forget_bias folds into the Flax hf bias, with the same outputs', () => {
    const tf1 = fromNative('tf1', 'lstm', random(9, { kernel: [5, 12], bias: [12] }), { forgetBias: 1 });
    const plan = planConversion([tf1], 'flax');
    assert.ok(plan.notes.some((n) => /forget_bias=1 is folded into the Flax/.test(n)));
    assertSameOutputs([tf1], [plan.layers[0].layer], 1e-15);
  });
});
