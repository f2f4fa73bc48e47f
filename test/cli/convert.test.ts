// gate-lens convert: the output extension picks the format, refusals exit 6 with the reason and the nearest exact
// target, usage errors exit 1, and model files are sources as for inspect/run.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONVERT_HELP } from '../../src/cli/convert';
import { EXIT, HELP, main, type Io } from '../../src/cli/main';
import { preloadModelFile } from '../../src/cli/modelFile';
import type { RecurrentLayer } from '../../src/core/model';
import { analyseModelFile } from '../../src/core/readers/analyse';
import { readModelFile } from '../../src/core/readers/registry';
import { memorySource } from '../../src/core/tensor/bytes';
import { runCli } from './helpers';

// Keras GRU(3, reset_after=False) on 2 features: bias (3H,).
const KERAS_GRU_RESET_BEFORE = `# keras.layers.GRU(3, reset_after=False)
kernel = np.array([[0.1, -0.2, 0.3, 0.05, 0.15, -0.25, 0.35, 0.45, -0.5], [0.2, 0.1, -0.3, 0.4, -0.05, 0.25, 0.3, -0.1, 0.2]])
recurrent_kernel = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9], [0.3, 0.1, 0.2, 0.4, 0.6, 0.5, 0.9, 0.7, 0.8]])
bias = np.array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09])
`;

const TORCH_LSTM = `# torch.nn.LSTM(2, 1)
weight_ih_l0 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]])
weight_hh_l0 = np.array([[0.11], [0.22], [0.33], [0.44]])
bias_ih_l0 = np.array([0.01, 0.02, 0.03, 0.04])
bias_hh_l0 = np.array([0.1, 0.2, 0.3, 0.4])
`;

async function readBack(bytes: Uint8Array, name: string): Promise<RecurrentLayer[]> {
  const analysis = await analyseModelFile(await readModelFile(memorySource(bytes), name));
  return analysis.recognition.models[0].model.layers as RecurrentLayer[];
}

describe('cli: gate-lens convert (issue 10 item 3)', () => {
  it('a reset-before GRU to PyTorch exits 6 with the reason and the nearest exact target, and writes nothing', () => {
    const r = runCli({ 'w.py': KERAS_GRU_RESET_BEFORE }, 'convert', 'w.py', '--to', 'pytorch', '--out', 'out.npz');
    assert.equal(r.code, EXIT.refused, r.stderr);
    assert.match(r.stderr, /cannot convert to pytorch exactly: .*reset gate before the recurrent matmul.*--to onnx \(GRU with linear_before_reset=0/);
    assert.equal(r.written.size, 0);
    assert.equal(r.stdout, '');
  });

  it('the same GRU to ONNX .py: np.array literals W, R, B and the node with linear_before_reset=0', () => {
    const r = runCli({ 'w.py': KERAS_GRU_RESET_BEFORE }, 'convert', 'w.py', '--to', 'onnx', '--out', 'out.py');
    assert.equal(r.code, EXIT.ok, r.stderr);
    const text = new TextDecoder().decode(r.written.get('out.py'));
    assert.match(text, /make_node\('GRU', \['X', 'W', 'R', 'B'\], \['Y', 'Y_h'\], hidden_size=3, direction='forward', linear_before_reset=0\)/);
    assert.match(text, /^initializers = \{\n {4}'W': np\.array\(\[\[\[/m);
    assert.match(r.stdout, /out\.py: .* as onnx, py, float64, 3 arrays\n {2}W \(1, 9, 2\)\n {2}R \(1, 9, 3\)\n {2}B \(1, 18\)/);
  });

  it('PyTorch paste → Keras .npz and .safetensors: Keras paths, readable, the same layer', async () => {
    for (const ext of ['npz', 'safetensors']) {
      const r = runCli({ 'w.py': TORCH_LSTM }, 'convert', 'w.py', '--to', 'keras', '--out', `k.${ext}`);
      assert.equal(r.code, EXIT.ok, r.stderr);
      assert.match(r.stdout, /lstm\/lstm_cell\/kernel \(2, 4\)\n {2}lstm\/lstm_cell\/recurrent_kernel \(1, 4\)\n {2}lstm\/lstm_cell\/bias \(4\)/);
      const [layer] = await readBack(r.written.get(`k.${ext}`)!, `k.${ext}`);
      assert.equal(layer.source, 'keras');
      // Keras has one bias: b_ih + b_hh.
      assert.deepEqual(Array.from(layer.directions[0].bW), [0.11, 0.22, 0.32999999999999996, 0.44]);
    }
  });

  it('.onnx is a model that reads back with its node (float32 by default, float64 on request)', async () => {
    for (const dtype of [[], ['--dtype', 'float64']]) {
      const r = runCli({ 'w.py': TORCH_LSTM }, 'convert', 'w.py', '--to', 'onnx', '--out', 'm.onnx', ...dtype);
      assert.equal(r.code, EXIT.ok, r.stderr);
      assert.match(r.stdout, dtype.length ? /float64/ : /float32[\s\S]*note: Written as float32 \(ONNX Runtime runs LSTM\/GRU\/RNN in float only\)/);
      const [layer] = await readBack(r.written.get('m.onnx')!, 'm.onnx');
      assert.equal(layer.cell, 'lstm');
      assert.equal(layer.units, 1);
    }
  });

  it('--to flax: flattened flax.linen parameter paths, readable as Flax, the same layer; a reset-before GRU exits 6', async () => {
    const r = runCli({ 'w.py': TORCH_LSTM }, 'convert', 'w.py', '--to', 'flax', '--out', 'f.safetensors');
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.match(r.stdout, /as flax, safetensors, float64, 12 arrays\n {2}params\/cell\/ii\/kernel \(2, 1\)\n {2}params\/cell\/hi\/kernel \(1, 1\)\n {2}params\/cell\/hi\/bias \(1\)/);
    const [layer] = await readBack(r.written.get('f.safetensors')!, 'f.safetensors');
    assert.equal(layer.source, 'flax');
    // Flax LSTM biases live on the recurrent Dense layers: b_ih + b_hh.
    assert.deepEqual(Array.from(layer.directions[0].bR), [0.11, 0.22, 0.32999999999999996, 0.44]);
    const gru = runCli({ 'w.py': KERAS_GRU_RESET_BEFORE }, 'convert', 'w.py', '--to', 'flax', '--out', 'port.py', '--port');
    assert.equal(gru.code, EXIT.refused);
    assert.match(gru.stderr, /cannot convert to flax exactly: .*flax\.linen GRUCell always applies it after.*--to onnx.*--to keras/);
    assert.equal(gru.written.size, 0);
  });

  it('--port writes a Python script with the target, the source and the expected output', () => {
    const r = runCli({ 'w.py': TORCH_LSTM }, 'convert', 'w.py', '--to', 'keras', '--out', 'port.py', '--port');
    assert.equal(r.code, EXIT.ok, r.stderr);
    const text = new TextDecoder().decode(r.written.get('port.py'));
    assert.match(text, /^TARGET = \{'framework': 'keras'/m);
    assert.match(text, /^SOURCE = \{'framework': 'pytorch'/m);
    assert.match(text, /^EXPECTED = np\.array\(/m);
    assert.match(text, /^TOLERANCE = 1e-12$/m);
  });

  it('usage errors exit 1 and say what is wrong', () => {
    const files = { 'w.py': TORCH_LSTM };
    const cases: [string[], RegExp][] = [
      [['convert', 'w.py', '--out', 'a.npz'], /convert needs --to C/],
      [['convert', 'w.py', '--to', 'tf1', '--out', 'a.npz'], /--to must be one of keras, pytorch, onnx, flax/],
      [['convert', 'w.py', '--to', 'keras'], /convert needs --out PATH/],
      [['convert', 'w.py', '--to', 'keras', '--out', 'a.h5'], /the output extension picks the format/],
      [['convert', 'w.py', '--to', 'keras', '--out', 'a.npz', '--port'], /--port writes a Python script/],
      [['convert', 'w.py', '--to', 'keras', '--out', 'a.onnx'], /use --to onnx/],
      [['convert', 'w.py', '--to', 'flax', '--out', 'a.onnx'], /an \.onnx file holds the onnx convention; use --to onnx .*another extension for flax/],
      [['convert', 'w.py', '--to', 'keras', '--out', 'a.npz', '--dtype', 'f16'], /--dtype must be float32 or float64/],
      [['convert', 'w.py', '--to', 'keras', '--out', 'a.npz', '--input', 'x.json'], /--input belongs to gate-lens run/],
      [['convert', 'w.py', '--to', 'keras', '--out', 'w.py'], /is FILE itself/],
      [['inspect', 'w.py', '--to', 'keras'], /--to belongs to gate-lens convert/],
    ];
    for (const [argv, message] of cases) {
      const r = runCli(files, ...argv);
      assert.equal(r.code, EXIT.usage, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.written.size, 0);
    }
  });

  it('--layer names no layer: exit 3; an unwritable PATH: exit 7', () => {
    assert.equal(runCli({ 'w.py': TORCH_LSTM }, 'convert', 'w.py', '--to', 'keras', '--out', 'a.npz', '--layer', 'nope').code, EXIT.noLayer);
    const io: Io = { out: () => {}, err: () => {}, readFile: () => new TextEncoder().encode(TORCH_LSTM), writeFile: () => { throw Object.assign(new Error('no'), { code: 'EACCES' }); } };
    let err = '';
    const code = main(['convert', 'w.py', '--to', 'keras', '--out', 'a.npz'], { ...io, err: (t) => { err += t; } });
    assert.equal(code, EXIT.unwritable);
    assert.match(err, /cannot write a\.npz: EACCES/);
  });

  it('--help documents convert and its exit codes 6 and 7', () => {
    assert.match(HELP, /gate-lens convert FILE --to C --out PATH/);
    assert.match(HELP, /^ {2}6 {2}convert refused/m);
    assert.match(CONVERT_HELP, /6 refused \(cannot be exact in C\), 7 PATH cannot be written/);
    const r = runCli({}, 'convert', '--help');
    assert.equal(r.code, EXIT.ok);
    assert.equal(r.stdout, CONVERT_HELP + '\n');
  });

  it('a model file is a source as for inspect: a .keras file converts (and its refusals name the exact targets)', async () => {
    const bytes = readFileSync(join(process.cwd(), 'test', 'fixtures', 'models', 'keras_sequential.keras'));
    const written = new Map<string, Uint8Array>();
    let out = '', err = '';
    const io: Io = { out: (t) => { out += t; }, err: (t) => { err += t; }, readFile: () => bytes, writeFile: (p, b) => { written.set(p, b); } };
    const convert = async (...rest: string[]) => {
      const argv = ['convert', 'm.keras', ...rest];
      return main(argv, io, await preloadModelFile(argv[0], argv[1], undefined, io, false));
    };
    // Its LSTM gates use Keras 3 hard_sigmoid: no PyTorch layer has it, ONNX HardSigmoid(1/6, 1/2) does.
    assert.equal(await convert('--to', 'pytorch', '--out', 'sd.safetensors', '--layer', 'lstm'), EXIT.refused);
    assert.match(err, /PyTorch has no activation equal to clip\(x\/6\+0\.5, 0, 1\)\. Exact alternatives: --to keras, --to onnx/);
    assert.equal(await convert('--to', 'onnx', '--out', 'lstm.safetensors', '--layer', 'lstm'), EXIT.ok, err);
    assert.match(out, /W \(1, 16, 3\)\n {2}R \(1, 16, 4\)/);
    assert.equal(await convert('--to', 'onnx', '--out', 'lstm.onnx', '--layer', 'lstm', '--dtype', 'float64'), EXIT.ok, err);
    const [layer] = await readBack(written.get('lstm.onnx')!, 'lstm.onnx');
    assert.equal(layer.cell, 'lstm');
    assert.equal(layer.units, 4);
    assert.match(JSON.stringify(layer.activations), /HardSigmoid/);
    // Its Bidirectional GRU has reset_after=False (stated in the file's config): refused for PyTorch.
    assert.equal(await convert('--to', 'pytorch', '--out', 'gru.npz', '--layer', 'bidirectional'), EXIT.refused);
    assert.match(err, /bidirectional: this GRU applies the reset gate before the recurrent matmul/);
    // ... and it merges its directions by sum, which ONNX (two separate direction outputs) cannot: Keras only.
    assert.equal(await convert('--to', 'onnx', '--out', 'gru.onnx', '--layer', 'bidirectional'), EXIT.refused);
    assert.match(err, /merge_mode "sum" is a Keras layer option\. Exact alternative: --to keras/);
    assert.equal(await convert('--to', 'keras', '--out', 'gru.npz', '--layer', 'bidirectional'), EXIT.ok, err);
    const [gru] = await readBack(written.get('gru.npz')!, 'gru.npz');
    assert.equal(gru.resetAfter, false);
    assert.equal(gru.directions.length, 2);
  });
});
