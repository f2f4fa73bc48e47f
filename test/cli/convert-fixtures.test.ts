// Issue 10 item 4 in CI, without Python: scripts/fixtures/convert/generate.py proved every conversion in the real
// target framework (torch load_state_dict, Keras set_weights, ONNX Runtime / onnx.reference, the port script run)
// against the real source framework, and recorded each artifact's SHA-256. Here every conversion is run again and
// must give the same bytes, and the manifest must say every pair passed within its tolerance.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, main, type Io } from '../../src/cli/main';
import { preloadModelFile } from '../../src/cli/modelFile';

const DIR = join(process.cwd(), 'test', 'fixtures', 'convert');

interface Artifact { format: string; file: string; sha256: string; bytes: number; maxAbsDiff: number; tolerance: number; passed: boolean; ranBy: string; exitCode?: number; comparisons?: number }
interface Refusal { exit: number; message: string }
interface Target { target: string; pass: boolean; artifacts: Artifact[]; refused?: Refusal; onnxRefused?: Refusal }
interface Case { id: string; source: string; cell: string; layers: number; bidirectional: boolean; resetAfter?: boolean; sourceFile: string; targets: Target[] }
interface Manifest { allPassed: boolean; tolerance: { float64: number; onnxruntimeFloat32: number }; cases: Case[] }

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;

async function convert(c: Case, args: string[]): Promise<{ code: number; written: Map<string, Uint8Array>; stderr: string }> {
  const source = readFileSync(join(DIR, c.sourceFile));
  const name = c.sourceFile.split('/').pop()!;
  const written = new Map<string, Uint8Array>();
  let stderr = '';
  const io: Io = { out: () => {}, err: (t) => { stderr += t; }, readFile: () => source, fileSize: () => source.length, writeFile: (p, b) => { written.set(p, b); } };
  const argv = ['convert', name, ...args];
  const model = await preloadModelFile(argv[0], argv[1], undefined, io, false);
  return { code: main(argv, io, model), written, stderr };
}

describe('convert: every pair proven by the target framework, and the same bytes today (issue 10 item 4)', () => {
  it('the manifest covers every pair among Keras, PyTorch, ONNX and Flax for LSTM, both GRUs, SimpleRNN, uni/bi/stacked, and all passed', () => {
    assert.equal(manifest.allPassed, true);
    const frameworks = ['flax', 'keras', 'onnx', 'pytorch'];
    const pairs = new Set(manifest.cases.flatMap((c) => c.targets.map((t) => `${c.source}->${t.target}`)));
    assert.deepEqual([...pairs].sort(), frameworks.flatMap((s) => frameworks.filter((t) => t !== s).map((t) => `${s}->${t}`)));
    for (const source of frameworks) {
      for (const cell of ['lstm', 'gru', 'simple_rnn']) {
        for (const shape of ['1/false', '1/true', '2/true']) {
          const c = manifest.cases.find((k) => k.source === source && k.cell === cell && `${k.layers}/${k.bidirectional}` === shape && k.resetAfter !== false);
          assert.ok(c, `${source} ${cell} ${shape}`);
          assert.deepEqual(c.targets.map((t) => t.target).sort(), frameworks.filter((t) => t !== source), c.id);
        }
      }
    }
    assert.ok(manifest.cases.some((c) => c.resetAfter === false) && manifest.cases.some((c) => c.resetAfter === true));
    let artifacts = 0;
    for (const c of manifest.cases) {
      for (const t of c.targets) {
        assert.equal(t.pass, true, `${c.id} -> ${t.target}`);
        if (t.target === 'flax') {
          // An .onnx file is an ONNX model whatever --to says.
          assert.equal(t.onnxRefused?.exit, EXIT.usage, c.id);
          assert.match(t.onnxRefused!.message, /an \.onnx file holds the onnx convention; use --to onnx/);
        }
        if (t.refused && t.target === 'pytorch') {
          // A reset-before GRU has no torch.nn.GRU: its arrays are refused, its port script builds ResetBeforeGRU.
          assert.equal(c.resetAfter, false, `${c.id} -> ${t.target} refused`);
          assert.match(t.refused.message, /--to pytorch --port/);
          assert.deepEqual(t.artifacts.map((a) => a.format), ['port'], `${c.id}: the custom-module port script`);
        } else if (t.refused) {
          // Nor a flax.linen GRUCell: refused in every format, ONNX and Keras named.
          assert.ok(c.resetAfter === false && t.target === 'flax', `${c.id} -> ${t.target} refused`);
          assert.match(t.refused.message, /flax\.linen GRUCell always applies it after.*--to onnx.*--to keras/);
          assert.deepEqual(t.artifacts, [], c.id);
        } else {
          assert.deepEqual(t.artifacts.map((a) => a.format), ['py', 'npz', 'safetensors', ...(t.target === 'onnx' ? ['onnx'] : []), 'port']);
        }
        for (const a of t.artifacts) {
          artifacts++;
          assert.equal(a.passed, true, a.file);
          assert.ok(a.maxAbsDiff <= (a.format === 'onnx' ? manifest.tolerance.onnxruntimeFloat32 : manifest.tolerance.float64), `${a.file}: ${a.maxAbsDiff}`);
          // The port script runs the source framework too (Flax included), and compares with the saved expected output.
          if (a.format === 'port') assert.equal(a.comparisons, 2, `${a.file} compared with the source framework and the expected output`);
          if (t.target === 'flax' && a.format !== 'port') assert.match(a.ranBy, c.cell === 'lstm' ? /^flax .*LSTMCell and OptimizedLSTMCell/ : /^flax /, a.file);
        }
      }
    }
    assert.ok(artifacts >= 450, `${artifacts} artifacts`);
  });

  for (const c of manifest.cases) {
    it(`${c.id}: every artifact is byte-for-byte what the frameworks accepted`, async () => {
      for (const t of c.targets) {
        if (t.refused) {
          for (const args of [['--out', 'refused.npz'], ...(t.target === 'flax' ? [['--out', 'refused.py', '--port']] : [])]) {
            const r = await convert(c, ['--to', t.target, ...args]);
            assert.equal(r.code, EXIT.refused);
            assert.equal(r.stderr.split('\n')[0], t.refused.message);
            assert.equal(r.written.size, 0);
          }
        }
        if (t.onnxRefused) {
          const r = await convert(c, ['--to', t.target, '--out', 'model.onnx']);
          assert.equal(r.code, t.onnxRefused.exit);
          assert.equal(r.stderr.split('\n')[0], t.onnxRefused.message);
          assert.equal(r.written.size, 0);
        }
        for (const a of t.artifacts) {
          const r = await convert(c, ['--to', t.target, '--out', a.file, ...(a.format === 'port' ? ['--port'] : [])]);
          assert.equal(r.code, EXIT.ok, r.stderr);
          const bytes = r.written.get(a.file)!;
          assert.equal(bytes.length, a.bytes, a.file);
          assert.equal(createHash('sha256').update(bytes).digest('hex'), a.sha256, a.file);
        }
      }
    });
  }
});
