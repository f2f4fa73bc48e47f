// Where the ONNX adapter says the gates lie decides which axis the hover and CodeLens label (and which gate ranges
// fit it): a paste that drops the direction axis still packs its gates along 4H.
import * as assert from 'node:assert/strict';
import { adapter } from '../../../src/core/conventions';

describe('ONNX adapter: the packed axis of each array', () => {
  const onnx = adapter('onnx');

  it('W and R pack the gates on 4H, with or without the direction axis', () => {
    assert.equal(onnx.packedAxisOf('W', [1, 8, 1]), 1);
    assert.equal(onnx.packedAxisOf('R', [2, 8, 2]), 1);
    assert.equal(onnx.packedAxisOf('W', [8, 1]), 0);
    assert.equal(onnx.packedAxisOf('R', [8, 2]), 0);
  });

  it('B packs [Wb, Rb] on its last axis; peepholes have no packed gates', () => {
    assert.equal(onnx.packedAxisOf('B', [1, 16]), 1);
    assert.equal(onnx.packedAxisOf('B', [16]), 0);
    assert.equal(onnx.packedAxisOf('P', [1, 6]), undefined);
  });
});
