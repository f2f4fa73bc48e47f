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
interface Target { target: string; pass: boolean; artifacts: Artifact[]; refused?: { exit: number; message: string } }
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
  it('the manifest covers Keras, PyTorch and ONNX both ways (and Flax as a source) for LSTM, both GRUs, SimpleRNN, uni/bi/stacked, and all passed', () => {
    assert.equal(manifest.allPassed, true);
    const pairs = new Set(manifest.cases.flatMap((c) => c.targets.map((t) => `${c.source}->${t.target}`)));
    assert.deepEqual([...pairs].sort(), ['flax->keras', 'flax->onnx', 'flax->pytorch', 'keras->onnx', 'keras->pytorch', 'onnx->keras', 'onnx->pytorch', 'pytorch->keras', 'pytorch->onnx']);
    assert.deepEqual(manifest.cases.filter((c) => c.source === 'flax').map((c) => c.cell).sort(), ['gru', 'lstm', 'simple_rnn']);
    for (const cell of ['lstm', 'gru', 'simple_rnn']) {
      for (const shape of ['1/false', '1/true', '2/true']) {
        assert.ok(manifest.cases.some((c) => c.cell === cell && `${c.layers}/${c.bidirectional}` === shape), `${cell} ${shape}`);
      }
    }
    assert.ok(manifest.cases.some((c) => c.resetAfter === false) && manifest.cases.some((c) => c.resetAfter === true));
    let artifacts = 0;
    for (const c of manifest.cases) {
      for (const t of c.targets) {
        assert.equal(t.pass, true, `${c.id} -> ${t.target}`);
        if (t.refused) {
          // A reset-before GRU has no torch.nn.GRU: its arrays are refused, its port script builds ResetBeforeGRU.
          assert.ok(c.resetAfter === false && t.target === 'pytorch', `${c.id} -> ${t.target} refused`);
          assert.match(t.refused.message, /--to pytorch --port/);
          assert.deepEqual(t.artifacts.map((a) => a.format), ['port'], `${c.id}: the custom-module port script`);
        } else {
          assert.deepEqual(t.artifacts.map((a) => a.format), ['py', 'npz', 'safetensors', ...(t.target === 'onnx' ? ['onnx'] : []), 'port']);
        }
        for (const a of t.artifacts) {
          artifacts++;
          assert.equal(a.passed, true, a.file);
          assert.ok(a.maxAbsDiff <= (a.format === 'onnx' ? manifest.tolerance.onnxruntimeFloat32 : manifest.tolerance.float64), `${a.file}: ${a.maxAbsDiff}`);
          // The port script runs the source framework too, except Flax (it has no Flax runner: the saved output only).
          if (a.format === 'port') assert.equal(a.comparisons, c.source === 'flax' ? 1 : 2, `${a.file} compared with the source framework and the expected output`);
        }
      }
    }
    assert.ok(artifacts >= 250, `${artifacts} artifacts`);
  });

  for (const c of manifest.cases) {
    it(`${c.id}: every artifact is byte-for-byte what the frameworks accepted`, async () => {
      for (const t of c.targets) {
        if (t.refused) {
          const r = await convert(c, ['--to', t.target, '--out', 'refused.npz']);
          assert.equal(r.code, EXIT.refused);
          assert.equal(r.stderr.split('\n')[0], t.refused.message);
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
