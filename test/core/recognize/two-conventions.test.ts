// The same layer pasted in both conventions (src/core/recognize/two-conventions.ts): both are listed and each states
// the mapping onto the other, with a check of the printed values when both have them.
import * as assert from 'node:assert/strict';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';

const KERAS = `
[<tf.Variable 'lstm/kernel:0' shape=(1, 4) dtype=float32, numpy=array([[0.1, 0.2, 0.3, 0.4]], dtype=float32)>,
 <tf.Variable 'lstm/recurrent_kernel:0' shape=(1, 4) dtype=float32, numpy=array([[0.5, 0.6, 0.7, 0.8]], dtype=float32)>,
 <tf.Variable 'lstm/bias:0' shape=(4,) dtype=float32, numpy=array([0.01, 1.  , 0.03, 0.04], dtype=float32)>]
`;
const torch = (w0: string) => `
weight_ih_l0 Parameter containing:
tensor([[${w0}], [0.2], [0.3], [0.4]], requires_grad=True)
weight_hh_l0 Parameter containing:
tensor([[0.5], [0.6], [0.7], [0.8]], requires_grad=True)
bias_ih_l0 Parameter containing:
tensor([0.01, 0.5, 0.03, 0.04], requires_grad=True)
bias_hh_l0 Parameter containing:
tensor([0.0, 0.5, 0.0, 0.0], requires_grad=True)
`;

function twins(text: string) {
  const r = recognize(extractArrays(text, { fileKind: 'text' }), text);
  return r.layers.map((l) => ({ convention: l.convention, twin: l.evidence.find((e) => e.code === 'two-conventions')?.message }));
}

describe('recognise: one layer in two conventions', () => {
  it('lists both and states kernel = weight_ih.T, bias = bias_ih + bias_hh, with the values checked', () => {
    const found = twins(KERAS + torch('0.1'));
    assert.deepEqual(found.map((f) => f.convention), ['keras', 'pytorch']);
    assert.match(found[0].twin!, /^lstm is the same layer as l0 in the PyTorch convention: Keras kernel = weight_ih\.T, recurrent_kernel = weight_hh\.T, bias = bias_ih \+ bias_hh \(the printed values agree within 0\.0e\+0\)$/);
    assert.match(found[1].twin!, /^l0 is the same layer as lstm in the Keras convention/);
  });

  it('says so when the printed values of the two do not agree', () => {
    const [keras] = twins(KERAS + torch('0.15'));
    assert.match(keras.twin!, /but the printed values differ by up to 5\.0e-2\)$/);
  });

  it('says nothing for a single layer', () => {
    assert.deepEqual(twins(KERAS).map((f) => f.twin), [undefined]);
  });
});
