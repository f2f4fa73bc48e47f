// The documented conventions (MATLAB, MXNet, PaddlePaddle, MindSpore, Core ML, TFLite, OpenVINO, TensorRT, oneDNN,
// cuDNN, MLX): none can be run here, so each is checked the way a port would be — real layers run by PyTorch and Keras
// (the conformance fixtures) are written in the documented layout, read back, run, and must give the framework's own
// outputs; reading the native arrays and writing them again must give the same arrays bit for bit; a layer the
// documented layout cannot express is refused with the reason.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS, adapter, DOCUMENTED_NOTE, type ConventionId, type CellKind } from '../../../src/core/conventions';
import { configFromLayer, fromNative, fromNativeStack, optionsFromConfig, toNative } from '../../../src/core/convert';
import type { NativeTensors } from '../../../src/core/convert';
import { runModel, toFrameworkLayout } from '../../../src/core/forward';
import { GateLensError, type RecurrentLayer } from '../../../src/core/model';
import { extractArrays } from '../../../src/core/parse';
import { recognize } from '../../../src/core/recognize';
import { main, type Io } from '../../../src/cli/main';

interface JsonArray { shape: number[]; data: number[] }
interface Layer { convention: string; conventionStatus: string; conventionNote?: string }
interface Case {
  id: string; layers: { type: CellKind; config: Record<string, unknown>; weights: Record<string, JsonArray> }[];
  input: JsonArray; initialState?: unknown; sequenceLengths?: unknown; expected: { output: JsonArray };
}
const load = (f: string): Case[] => (JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'conformance', f), 'utf8')) as { cases: Case[] }).cases;
const native = (w: Record<string, JsonArray>): NativeTensors => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));

const DOCUMENTED = ADAPTERS.filter((a) => a.verification === 'documented' && a.id !== 'keras1').map((a) => a.id as ConventionId);

/** Real layers with their framework's outputs: PyTorch LSTM / GRU / RNN and Keras GRUs with the reset gate before the matmul. */
interface Source { id: string; framework: 'pytorch' | 'keras'; layers: RecurrentLayer[]; input: JsonArray; output: JsonArray }
const SOURCES: Source[] = [
  ...['pytorch_lstm.json', 'pytorch_gru.json', 'pytorch_rnn.json'].flatMap(load)
    .filter((c) => !c.initialState && !c.sequenceLengths && !c.layers[0].config['proj_size'])
    .map((c): Source => ({
      id: c.id, framework: 'pytorch', input: c.input, output: c.expected.output,
      layers: fromNativeStack('pytorch', c.layers[0].type, native(c.layers[0].weights), optionsFromConfig('pytorch', c.layers[0].config)),
    })),
  ...load('keras_gru.json')
    .filter((c) => c.layers.length === 1 && c.layers[0].config['reset_after'] === false && c.layers[0].config['return_sequences'] !== false && c.layers[0].config['recurrent_activation'] === 'sigmoid' && !c.initialState && !c.layers[0].config['go_backwards'])
    .map((c): Source => ({ id: c.id, framework: 'keras', input: c.input, output: c.expected.output, layers: [fromNative('keras', 'gru', native(c.layers[0].weights), optionsFromConfig('keras', c.layers[0].config))] })),
];

function run(layers: RecurrentLayer[], s: Source): Float64Array {
  const [N, T, F] = s.input.shape;
  const r = runModel({ layers }, { data: Float64Array.from(s.input.data), batch: N, steps: T, features: F });
  return toFrameworkLayout(r, s.framework, { layers }).output!.data;
}

/** The layer written in `id`'s arrays and config, then read back from them alone. */
function port(layer: RecurrentLayer, id: ConventionId): { native: NativeTensors; back: RecurrentLayer } {
  const n = toNative(layer, id);
  const cfg = configFromLayer(layer, id);
  return { native: n, back: fromNative(id, layer.cell, n, { ...optionsFromConfig(id, cfg), inputSize: layer.inputSize }) };
}

function sameTensors(a: NativeTensors, b: NativeTensors, what: string): void {
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `${what}: array names`);
  for (const k of Object.keys(a)) {
    assert.deepEqual(b[k].shape, a[k].shape, `${what}: ${k} shape`);
    for (let e = 0; e < a[k].data.length; e++) assert.ok(Object.is(b[k].data[e], a[k].data[e]), `${what}: ${k}[${e}] ${b[k].data[e]} ≠ ${a[k].data[e]}`);
  }
}

describe('documented conventions (src/core/conventions/*.ts, documented, not run)', () => {
  it('lists the eleven documented frameworks, each marked documented with its sources', () => {
    assert.deepEqual([...DOCUMENTED].sort(), ['coreml', 'cudnn', 'matlab', 'mindspore', 'mlx', 'mxnet', 'onednn', 'openvino', 'paddle', 'tensorrt', 'tflite']);
    for (const id of DOCUMENTED) {
      const a = adapter(id);
      assert.equal(a.verification, 'documented');
      assert.ok(a.sources.length > 0 && a.sources.every((s) => /^https:\/\//.test(s.url) && s.fact.length > 10), id);
      assert.match(a.description, /documented, not run/, id);
    }
    assert.match(DOCUMENTED_NOTE, /documented, not run against the framework/);
  });

  for (const id of DOCUMENTED) {
    describe(id, () => {
      const results = SOURCES.map((s) => {
        try {
          return { s, ported: s.layers.map((l) => port(l, id)) };
        } catch (e) {
          return { s, refused: e };
        }
      });

      it('runs real PyTorch / Keras layers written in its layout to the framework\'s own outputs (≤ 1e-12)', () => {
        const ported = results.filter((r) => r.ported);
        assert.ok(ported.length >= 3, `${id}: only ${ported.length} layers could be ported`);
        for (const r of ported) {
          const got = run(r.ported!.map((p) => p.back), r.s), want = r.s.output.data;
          assert.equal(got.length, want.length, r.s.id);
          for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-12, `${id} ${r.s.id} output[${k}]: ${got[k]} vs ${want[k]}`);
        }
      });

      it('reads its own arrays and writes them again bit for bit', () => {
        for (const r of results.filter((x) => x.ported)) {
          r.ported!.forEach((p, k) => {
            const cfg = configFromLayer(p.back, id);
            sameTensors(p.native, toNative(fromNative(id, p.back.cell, p.native, { ...optionsFromConfig(id, cfg), inputSize: p.back.inputSize }), id), `${id} ${r.s.id} layer ${k}`);
          });
        }
      });

      it('refuses, with the reason, only what its layout cannot express', () => {
        for (const r of results.filter((x) => x.refused)) {
          assert.ok(r.refused instanceof GateLensError, `${id} ${r.s.id}: ${String(r.refused)}`);
          assert.equal(r.refused.code, 'not-representable', `${id} ${r.s.id}: ${r.refused.message}`);
          assert.match(r.refused.message, /cannot be written as|has no (GRU|SimpleRNN|LSTM) layer/, `${id} ${r.s.id}: ${r.refused.message}`);
        }
      });
    });
  }

  it('refuses what a documented layout cannot hold, naming it', () => {
    const pt = SOURCES.find((s) => s.id === 'pytorch_gru_basic')!.layers[0];
    const kerasBefore = SOURCES.find((s) => s.framework === 'keras')!.layers[0];
    const bidir = SOURCES.find((s) => s.id === 'pytorch_lstm_bidirectional')!.layers[0];
    assert.throws(() => toNative(pt, 'coreml'), /reset gate before the recurrent matmul/);
    assert.throws(() => toNative(kerasBefore, 'mxnet'), /reset gate after the recurrent matmul/);
    assert.throws(() => toNative(kerasBefore, 'tensorrt'), /reset gate after the recurrent matmul/);
    assert.throws(() => toNative(pt, 'tflite'), /TFLite has no GRU layer/);
    assert.throws(() => toNative(bidir, 'mlx'), /one direction/);
    assert.throws(() => toNative({ ...kerasBefore, clip: 3 }, 'coreml'), /clips gate pre-activations at ±50, not ±3/);
  });

  describe('recognition by the framework\'s own names', () => {
    const basic = SOURCES.find((s) => s.id === 'pytorch_lstm_basic')!;
    const gru = SOURCES.find((s) => s.id === 'pytorch_gru_basic')!;

    /** NumPy assignments of the arrays, as a user would paste them (`name = np.array([[...]])`). */
    const pasted = (n: NativeTensors, prefix = ''): string => Object.entries(n).map(([k, t]) => {
      const nest = (off: number, axis: number): unknown => (axis === t.shape.length ? t.data[off]
        : Array.from({ length: t.shape[axis] }, (_, j) => nest(off + j * t.shape.slice(axis + 1).reduce((a, b) => a * b, 1), axis + 1)));
      return `${prefix}${k} = np.array(${JSON.stringify(nest(0, 0))})`;
    }).join('\n') + '\n';

    const recognizeOne = (text: string) => {
      const r = recognize(extractArrays(text), text);
      assert.equal(r.layers.length, 1, JSON.stringify({ unrelated: r.unrelated, diagnostics: r.diagnostics.map((d) => d.message) }));
      return r.layers[0];
    };

    for (const [id, source, prefix] of [['matlab', basic, ''], ['mxnet', basic, ''], ['coreml', basic, ''], ['tflite', basic, ''], ['mxnet', gru, 'encoder_'], ['matlab', gru, '']] as const) {
      it(`reads ${id} ${source.layers[0].cell.toUpperCase()} arrays by their names, says it is documented only, and runs them to the framework's outputs`, () => {
        const l = recognizeOne(`import numpy as np\n${pasted(toNative(source.layers[0], id), prefix)}`);
        assert.equal(l.convention, id);
        assert.equal(l.cell, source.layers[0].cell);
        assert.ok(l.evidence.some((e) => e.message.includes(adapter(id).title)), JSON.stringify(l.evidence));
        const got = run([l.layer], source), want = source.output.data;
        for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-12, `${id} output[${k}]`);
      });
    }

    it('reads weight_ih_l0 … as PaddlePaddle or MindSpore only when the file imports that framework and not torch, and says the names are shared', () => {
      const arrays = pasted(toNative(basic.layers[0], 'pytorch'), 'lstm.');
      for (const [header, want] of [
        ['import paddle\n', 'paddle'], ['from mindspore import nn\n', 'mindspore'], ['', 'pytorch'], ['import paddle\nimport torch\n', 'pytorch'], ['# import paddle\n', 'pytorch'],
      ] as const) {
        const l = recognizeOne(`${header}import numpy as np\n${arrays}`);
        assert.equal(l.convention, want, header);
        const shared = l.evidence.find((e) => e.code === 'shared-names');
        if (want === 'pytorch') assert.equal(shared, undefined, header);
        else assert.match(shared!.message, new RegExp(`PyTorch's and also ${adapter(want).title}'s`), header);
        const got = run([l.layer], basic);
        for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k] - basic.output.data[k]) <= 1e-12);
      }
    });

    it('switches PyTorch-named arrays to PaddlePaddle or MindSpore when the user sets that convention, and to nothing unrelated', () => {
      const text = `import numpy as np\n${pasted(toNative(basic.layers[0], 'pytorch'), 'lstm.')}`;
      for (const id of ['paddle', 'mindspore'] as const) {
        const r = recognize(extractArrays(text), text, { conventionOverride: id });
        assert.equal(r.layers[0].convention, id);
        assert.ok(r.layers[0].evidence.some((e) => e.code === 'override' && e.message.includes(adapter(id).title)));
      }
      const mlx = recognize(extractArrays(text), text, { conventionOverride: 'mlx' });
      assert.equal(mlx.layers[0].convention, 'pytorch');
      assert.ok(mlx.layers[0].warnings.some((w) => w.code === 'override-does-not-fit'));
    });

    it('gate-lens inspect --json and the text report mark a layer read in a documented convention', () => {
      const text = `import numpy as np\n${pasted(toNative(basic.layers[0], 'matlab'))}`;
      for (const json of [true, false]) {
        let out = '';
        const io: Io = { out: (t) => { out += t; }, err: () => undefined, readFile: () => new TextEncoder().encode(text) };
        main(['inspect', 'matlab_lstm.py', ...(json ? ['--json'] : [])], io);
        if (json) {
          const parsed = JSON.parse(out) as { layers?: Layer[]; files?: { layers: Layer[] }[] };
          const layer = (parsed.layers ?? parsed.files![0].layers)[0];
          assert.equal(layer.convention, 'matlab');
          assert.equal(layer.conventionStatus, 'documented');
          assert.equal(layer.conventionNote, DOCUMENTED_NOTE);
        } else assert.ok(out.includes(DOCUMENTED_NOTE), out);
      }
    });

    it('names oneDNN weights_layer / weights_iter but refuses to guess a bias that has no name of its own', () => {
      const n = toNative(basic.layers[0], 'onednn');
      const text = `import numpy as np\n${pasted({ weights_layer: n['weights_layer'], weights_iter: n['weights_iter'] })}`;
      const r = recognize(extractArrays(text), text);
      assert.equal(r.layers.length, 0);
      assert.ok(r.unrelated.some((u) => /oneDNN's bias has no name of its own/.test(u.reason)), JSON.stringify(r.unrelated));
    });
  });
});
