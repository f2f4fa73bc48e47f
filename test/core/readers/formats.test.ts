// Reader details the framework fixtures do not reach: byte orders, Fortran order, half precisions, strided PyTorch
// views, and the registry choosing by magic bytes rather than by extension.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile, findReader } from '../../../src/core/readers/registry';
import { memorySource } from '../../../src/core/tensor/bytes';
import { decodeElements } from '../../../src/core/tensor/dtype';
import { MODEL_DIR } from './helpers';

function npy(descr: string, shape: number[], fortran: boolean, data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  out.set(data, 10 + header.length);
  return out;
}

describe('model file readers: formats in detail', () => {
  it('.npy in Fortran order comes out row-major', async () => {
    // The 2×3 matrix [[1,2,3],[4,5,6]] stored column by column: 1,4,2,5,3,6.
    const data = new Uint8Array(new Float64Array([1, 4, 2, 5, 3, 6]).buffer);
    const f = await readModelFile(memorySource(npy('<f8', [2, 3], true, data)), 'w.npy');
    assert.deepEqual(Array.from(await f.tensors[0].values()), [1, 2, 3, 4, 5, 6]);
  });

  it('.npy big-endian float32 reads the same numbers', async () => {
    const data = new Uint8Array(8);
    const v = new DataView(data.buffer);
    v.setFloat32(0, 1.5, false);
    v.setFloat32(4, -2.25, false);
    const f = await readModelFile(memorySource(npy('>f4', [2], false, data)), 'w.npy');
    assert.equal(f.tensors[0].dtype, 'float32');
    assert.deepEqual(Array.from(await f.tensors[0].values()), [1.5, -2.25]);
  });

  it('float16 and bfloat16 decode exactly (1, -2, 0.5, 65504 / 1, -2, 0.5, 3.140625)', () => {
    const h = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff]).buffer);
    assert.deepEqual(Array.from(decodeElements(h, 'float16', 4)), [1, -2, 0.5, 65504]);
    const b = new Uint8Array(new Uint16Array([0x3f80, 0xc000, 0x3f00, 0x4049]).buffer);
    assert.deepEqual(Array.from(decodeElements(b, 'bfloat16', 4)), [1, -2, 0.5, 3.140625]);
  });

  it('the registry goes by magic bytes: a PyTorch zip named .bin and safetensors named .pt read as what they are', async () => {
    const pt = readFileSync(join(MODEL_DIR, 'pytorch_lstm_state_dict.pt'));
    const st = readFileSync(join(MODEL_DIR, 'safetensors_lstm_bidi.safetensors'));
    assert.equal(findReader('model.bin', pt.subarray(0, 64))?.id, 'zip');
    assert.equal((await readModelFile(memorySource(pt), 'model.bin')).format, 'pytorch');
    assert.equal((await readModelFile(memorySource(st), 'weights.pt')).format, 'safetensors');
    assert.equal(findReader('notes.txt', new TextEncoder().encode('W = [[1, 2]]\n')), undefined);
  });

  it('PyTorch tensor names follow state_dict keys and whole-module attribute paths; the module config is kept', async () => {
    const f = await readModelFile(memorySource(readFileSync(join(MODEL_DIR, 'pytorch_module_lstm_proj.pt'))), 'm.pt');
    assert.deepEqual(f.tensors.map((t) => t.name), ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'rnn.weight_hr_l0', 'fc.weight', 'fc.bias']);
    const rnn = f.layers.find((l) => l.name === 'rnn')!;
    assert.equal(rnn.layerClass, 'LSTM');
    assert.deepEqual([rnn.config['hidden_size'], rnn.config['proj_size'], rnn.config['batch_first'], rnn.config['num_layers']], [4, 2, true, 1]);
  });

  it('ONNX nodes list their attributes and the initializer behind each input slot', async () => {
    const f = await readModelFile(memorySource(readFileSync(join(MODEL_DIR, 'onnx_gru_linear_before_reset.onnx'))), 'g.onnx');
    assert.equal(f.layers.length, 1);
    const [node] = f.layers;
    assert.equal(node.layerClass, 'GRU');
    assert.deepEqual(node.inputs, { X: 'X', W: 'W', R: 'R', B: 'B' });
    assert.equal(node.config['linear_before_reset'], 1);
    assert.deepEqual(node.config['activations'], ['HardSigmoid', 'Tanh']);
  });
});

describe('Keras config → layer configs', () => {
  it('nested models are flattened; Bidirectional keeps its merge_mode and inner layer; TimeDistributed(Dense) is a Dense', async () => {
    const { kerasLayers } = await import('../../../src/core/readers/keras');
    const diagnostics: { code: string }[] = [];
    const config = {
      class_name: 'Functional', config: { layers: [
        { class_name: 'InputLayer', config: { name: 'in' } },
        { class_name: 'Sequential', config: { layers: [{ class_name: 'GRU', config: { name: 'gru', units: 3, reset_after: false, activation: 'relu', dropout: 0.1 } }] } },
        { class_name: 'Bidirectional', config: { name: 'bidi', merge_mode: null, layer: { class_name: 'LSTM', config: { name: 'lstm', units: 2, go_backwards: false } },
          backward_layer: { class_name: 'LSTM', config: { name: 'b', units: 2, go_backwards: true } } } },
        { class_name: 'TimeDistributed', config: { name: 'td', layer: { class_name: 'Dense', config: { units: 1, activation: 'sigmoid', use_bias: true } } } },
      ] },
    };
    const layers = kerasLayers(config, '3.15.1', diagnostics as never);
    assert.deepEqual(layers.map((l) => [l.name, l.layerClass]), [['gru', 'GRU'], ['bidi', 'LSTM'], ['td', 'Dense']]);
    assert.deepEqual(layers[0].config, { units: 3, activation: 'relu', reset_after: false, keras_version: '3.15.1' });
    assert.deepEqual(layers[1].config['bidirectional'], { merge_mode: null });
    assert.equal(layers[2].config['activation'], 'sigmoid');
    assert.deepEqual(diagnostics, [], 'a backward layer that differs only in go_backwards is the usual Keras 3 config');
  });
});
