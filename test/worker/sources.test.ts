// The worker's store of analyses: runs name a source revision and a layer id, reach the same layer object every
// time (so the forward pass's per-layer caches hit), and fail with codes the host acts on.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLayer } from '../../src/core/forward';
import { GateLensError } from '../../src/core/model';
import { WORKER_ERRORS } from '../../src/worker/protocol';
import { SourceStore } from '../../src/worker/sources';
import { randomValues } from '../../src/worker/inputs';

const seed = readFileSync('examples/seed_keras_lstm.py', 'utf8');
const source = { uri: 'file:///seed_keras_lstm.py', revision: '1:{}' };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof GateLensError ? error.code : `not a GateLensError: ${String(error)}`;
  }
  return undefined;
}

describe('worker source store (src/worker/sources)', () => {
  it('runs a held layer by id with the numbers of a direct run', async () => {
    const store = new SourceStore();
    const analysis = store.analyze(source, seed, {});
    const layer = analysis.recognition.layers[0];
    const result = await store.run({ source, request: { layerId: layer.id, input: { kind: 'random', steps: 20, seed: 3 } } });
    const again = await store.run({ source, request: { layerId: layer.id, input: { kind: 'random', steps: 20, seed: 3 } } });
    assert.deepEqual(Array.from(again.output.data), Array.from(result.output.data));
    assert.equal(result.trace?.length, 1);
    const x = result.trace?.[0];
    assert.ok(x);
    const direct = runLayer(layer.layer, { data: randomValues(20, 3), batch: 1, steps: 20, features: 1 });
    assert.deepEqual(Array.from(result.output.data), Array.from(direct.output.data));
  });

  it('reuses the layer object across runs, so its plan is built once (a later change to the layer is not re-read)', async () => {
    const store = new SourceStore();
    const layer = store.analyze(source, seed, {}).recognition.layers[0];
    const request = { layerId: layer.id, input: { kind: 'zeros', steps: 2 } } as const;
    const first = await store.run({ source, request });
    // Layers are immutable once run (forward.ts caches their plan by identity). Breaking one now shows whether the
    // second run reached the same object: a copy (what a structure-cloned layer was) would be re-validated and fail.
    (layer.layer as { activations: unknown }).activations = { gate: { name: 'not-an-activation' }, candidate: { name: 'tanh' }, output: { name: 'tanh' } };
    const second = await store.run({ source, request });
    assert.deepEqual(Array.from(second.output.data), Array.from(first.output.data));
  });

  it('answers "source-missing" for another revision or an unknown URI, and after forget', () => {
    const store = new SourceStore();
    store.analyze(source, seed, {});
    assert.equal(code(() => store.get({ ...source, revision: '2:{}' })), WORKER_ERRORS.sourceMissing);
    assert.equal(code(() => store.get({ uri: 'file:///other.py', revision: '1:{}' })), WORKER_ERRORS.sourceMissing);
    store.forget(source.uri);
    assert.equal(code(() => store.get(source)), WORKER_ERRORS.sourceMissing);
  });

  it('answers "layer-missing" and "bad-input" with the reason in the message', async () => {
    const store = new SourceStore();
    const layer = store.analyze(source, seed, {}).recognition.layers[0];
    assert.equal(code(() => store.run({ source, request: { layerId: 'nope', input: { kind: 'zeros', steps: 1 } } })), WORKER_ERRORS.layerMissing);
    assert.equal(code(() => store.run({ source, request: { layerId: layer.id, input: { kind: 'values', steps: 1, features: 2, data: [1, 2] } } })), WORKER_ERRORS.badInput);
  });

  it('keeps at most its capacity, dropping the source used least recently', () => {
    const store = new SourceStore(2);
    const a = { uri: 'a', revision: '1' };
    const b = { uri: 'b', revision: '1' };
    const c = { uri: 'c', revision: '1' };
    store.analyze(a, seed, {});
    store.analyze(b, seed, {});
    store.get(a);
    store.analyze(c, seed, {});
    assert.equal(store.size, 2);
    assert.equal(code(() => store.get(b)), WORKER_ERRORS.sourceMissing);
    assert.equal(code(() => store.get(a)), undefined);
  });

  it('stops a long run between chunks once cancelled, with the "cancelled" code', async () => {
    const store = new SourceStore();
    const layer = store.analyze(source, seed, {}).recognition.layers[0];
    let cancelled = false;
    const fractions: number[] = [];
    await assert.rejects(
      store.run({ source, request: { layerId: layer.id, input: { kind: 'zeros', steps: 10000 } } }, () => cancelled, (f) => {
        fractions.push(f);
        cancelled = true;
      }),
      (e: unknown) => (e as { code?: unknown }).code === 'cancelled',
    );
    assert.deepEqual(fractions, [2048 / 10000]);
  });
});
