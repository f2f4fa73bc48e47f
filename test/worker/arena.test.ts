// The worker's run memory (src/worker/arena.ts): a run of a layer writes into the memory of its previous run, and
// the answer is a copy whose arrays each own an exactly sized buffer, so it can leave the worker (transfer) and go
// to the webview without another copy, while the worker keeps writing into its own memory.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLayer } from '../../src/core/forward';
import type { LayerResult, RecurrentLayer } from '../../src/core/model';
import { ownedCopy, resultBytes, ResultArena } from '../../src/worker/arena';
import { randomValues } from '../../src/worker/inputs';
import { SourceStore } from '../../src/worker/sources';
import { transferables } from '../../src/worker/protocol';

const seed = readFileSync('examples/seed_keras_lstm.py', 'utf8');
const source = { uri: 'file:///seed_keras_lstm.py', revision: '1:{}' };

function arraysOf(r: LayerResult): (Float64Array | Int32Array)[] {
  const t = r.trace ?? [];
  return [r.output.data, ...r.directionOutputs.map((s) => s.data), ...r.finalStates.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])),
    ...t.flatMap((d) => [d.timeIndex, d.zx, d.zh, d.z, d.a, d.h, ...(d.c ? [d.c] : [])])];
}

/** Moves every buffer of `value` away, as postMessage with a transfer list does: the sender's views detach. */
function transferAway(value: unknown): void {
  structuredClone(value, { transfer: transferables(value) });
}

describe('worker run memory (src/worker/arena)', () => {
  it('answers arrays that each own an exactly sized buffer, with the numbers of a direct run', async () => {
    const store = new SourceStore();
    const layer = store.analyze(source, seed, {}).recognition.layers[0];
    const request = { layerId: layer.id, input: { kind: 'random', steps: 12, seed: 5 } } as const;
    const answer = await store.run({ source, request });
    for (const a of arraysOf(answer)) {
      assert.equal(a.byteOffset, 0);
      assert.equal(a.byteLength, a.buffer.byteLength);
    }
    // One array seen twice (a one-direction layer's output is its direction's output) is one copy, seen twice.
    assert.equal(answer.output.data, answer.directionOutputs[0].data);
    const direct = runLayer(layer.layer, { data: randomValues(12, 5), batch: 1, steps: 12, features: 1 }, { trace: true });
    assert.deepEqual(arraysOf(answer).map((a) => Array.from(a)), arraysOf(direct).map((a) => Array.from(a)));
  });

  it('keeps the run memory for the next run of the layer, which gives the same numbers after the answer left', async () => {
    const store = new SourceStore();
    const layer = store.analyze(source, seed, {}).recognition.layers[0];
    const request = { layerId: layer.id, input: { kind: 'random', steps: 30, seed: 9 } } as const;
    const first = await store.run({ source, request });
    assert.ok(store.keptBytes > 0);
    const expected = arraysOf(first).map((a) => Array.from(a));
    transferAway(first);
    assert.equal(first.output.data.length, 0, 'the first answer moved away');
    const second = await store.run({ source, request: { ...request, input: { kind: 'random', steps: 30, seed: 10 } } });
    const third = await store.run({ source, request });
    assert.deepEqual(arraysOf(third).map((a) => Array.from(a)), expected);
    // Answers never share memory with each other or with what the store keeps.
    assert.notDeepEqual(Array.from(second.output.data), Array.from(third.output.data));
    store.forget(source.uri);
    assert.equal(store.keptBytes, 0);
  });

  it('does not keep a run that failed, nor a chunked run', async () => {
    const store = new SourceStore();
    const layer = store.analyze(source, seed, {}).recognition.layers[0];
    let cancelled = false;
    await assert.rejects(store.run({ source, request: { layerId: layer.id, input: { kind: 'zeros', steps: 5000 } } }, () => cancelled, () => (cancelled = true)));
    assert.equal(store.keptBytes, 0);
    await store.run({ source, request: { layerId: layer.id, input: { kind: 'zeros', steps: 3000 } } });
    assert.equal(store.keptBytes, 0);
  });

  it('holds at most its entries and bytes, the most recent first, and drops a source', () => {
    const layers = Array.from({ length: 3 }, () => ({}) as RecurrentLayer);
    const result = (n: number): LayerResult => {
      const data = new Float64Array(n);
      return { output: { data, batch: 1, steps: n, features: 1 }, directionOutputs: [{ data, batch: 1, steps: n, features: 1 }], finalStates: [{ h: data.subarray(0, 1) }] };
    };
    const arena = new ResultArena(2, 8 * 100);
    arena.keep('a', layers[0], result(10));
    arena.keep('a', layers[1], result(10));
    arena.keep('b', layers[2], result(10));
    assert.equal(arena.take(layers[0]), undefined, 'the oldest went when a third came');
    assert.ok(arena.take(layers[1]));
    assert.equal(arena.take(layers[1]), undefined, 'taken once');
    arena.keep('a', layers[0], result(101));
    assert.equal(arena.take(layers[0]), undefined, 'larger than the byte limit alone');
    arena.drop('b');
    assert.equal(arena.take(layers[2]), undefined);
  });

  it('copies each distinct array once and counts each buffer once', () => {
    const buffer = new Float64Array(12);
    const data = buffer.subarray(0, 8);
    const r: LayerResult = { output: { data, batch: 1, steps: 8, features: 1 }, directionOutputs: [{ data, batch: 1, steps: 8, features: 1 }], finalStates: [{ h: buffer.subarray(8, 9), c: buffer.subarray(9, 10) }] };
    assert.equal(resultBytes(r), 96);
    const copy = ownedCopy(r);
    assert.equal(copy.output.data, copy.directionOutputs[0].data);
    assert.notEqual(copy.output.data.buffer, buffer.buffer);
    assert.equal(copy.finalStates[0].c?.buffer.byteLength, 8);
  });
});
