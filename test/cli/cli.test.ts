import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy, readNpy, NpyError } from '../../src/cli/npy';

// Runs the bundled CLI as a user would. `npm run build` produces dist/cli.js; build it here when it is missing.
const CLI = join(process.cwd(), 'dist', 'cli.js');
// The command's code cache goes to a directory of this run, not the user's cache directory.
const CLI_CACHE_DIR = mkdtempSync(join(tmpdir(), 'gate-lens-cli-cache-'));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: process.cwd(), env: { ...process.env, GATE_LENS_CACHE_DIR: CLI_CACHE_DIR } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function maxAbs(a: unknown, b: unknown): number {
  const fa = (a as unknown[]).flat(4) as number[];
  const fb = (b as unknown[]).flat(4) as number[];
  assert.equal(fa.length, fb.length, 'same number of values');
  return fa.reduce((m, v, k) => Math.max(m, Math.abs(v - fb[k])), 0);
}

interface ExpectedLayer { cell: string; convention: string; units: number; inputSize: number; directions: number; gates?: Array<{ gate: string; label: string; start: number; end: number }> }
interface Expected {
  tolerance: number;
  layers: ExpectedLayer[];
  output: number[][] | null;
  state: Record<string, number[][]> | null;
  slices?: Array<{ variable: string; expression: string; start: number; end: number; claimedGate: string; actualGate: string }>;
}

const examples = readdirSync('examples')
  .filter((f) => /\.(py|txt|json)$/.test(f))
  .map((f) => ({ file: join('examples', f), stem: f.replace(/\.(py|txt|json)$/, '') }))
  .filter((e) => existsSync(join('examples', 'expected', `${e.stem}.json`)));

const tmp = mkdtempSync(join(tmpdir(), 'gate-lens-cli-'));

before(function () {
  if (!existsSync(CLI)) {
    this.timeout(120000);
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
    assert.ok(existsSync(CLI), `dist/cli.js missing after build: ${b.stderr}`);
  }
});

describe('gate-lens on the examples', function () {
  // Each case spawns node; a busy machine can take seconds per spawn.
  this.timeout(120000);
  it('has examples with expected results to check', () => {
    assert.ok(examples.length >= 10, `found ${examples.length}`);
  });

  for (const ex of examples) {
    const expected = JSON.parse(readFileSync(join('examples', 'expected', `${ex.stem}.json`), 'utf8')) as Expected;

    it(`inspect --json ${ex.file}: cell, convention, units, input size, directions, gate ranges`, () => {
      const r = cli('inspect', ex.file, '--json');
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.file, ex.file);
      const recurrent = expected.layers.filter((l) => l.cell !== 'dense');
      assert.deepEqual(out.layers.map((l: ExpectedLayer) => [l.cell, l.convention, l.units, l.inputSize, l.directions]),
        recurrent.map((l) => [l.cell, l.convention, l.units, l.inputSize, l.directions]));
      recurrent.forEach((l, k) => {
        if (l.gates) assert.deepEqual(out.layers[k].gates.map((g: { gate: string; label: string; start: number; end: number }) => [g.gate, g.label, g.start, g.end]), l.gates.map((g) => [g.gate, g.label, g.start, g.end]));
      });
      const dense = expected.layers.filter((l) => l.cell === 'dense');
      assert.deepEqual(out.dense.map((d: { units: number; inputSize: number }) => [d.units, d.inputSize]), dense.map((d) => [d.units, d.inputSize]));
      if (expected.slices) {
        assert.deepEqual(out.slices.map((s: { target: string; text: string; start: number; end: number; gates: Array<{ gate: string }>; mismatch: { namedGate: string } | null }) => [s.target, s.text, s.start, s.end, s.gates.map((g) => g.gate).join(), s.mismatch !== null]),
          expected.slices.map((s) => [s.variable, s.expression, s.start, s.end, s.actualGate, s.claimedGate !== s.actualGate]));
      }
    });

    if (expected.output) {
      it(`run --json ${ex.file}: reproduces the framework's outputs and final state (≤ ${expected.tolerance})`, () => {
        const r = cli('run', ex.file, '--input', join('examples', 'inputs', `${ex.stem}.json`), '--json');
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        const tol = Math.min(expected.tolerance, 1e-5);
        assert.ok(maxAbs(out.outputs, expected.output) <= tol, `outputs differ by ${maxAbs(out.outputs, expected.output)}`);
        for (const [k, v] of Object.entries(expected.state ?? {})) {
          assert.ok(maxAbs(out.state[k], v) <= tol, `state ${k} differs by ${maxAbs(out.state[k], v)}`);
        }
      });
    }
  }
});

describe('gate-lens on the seed question', function () {
  // Each case spawns node; a busy machine can take seconds per spawn.
  this.timeout(120000);
  const seed = 'examples/seed_keras_lstm_wrong_slices.py';

  it('inspect names the Keras LSTM(3), input size 1, gates i f c o, and the unit_forget_bias evidence', () => {
    const out = JSON.parse(cli('inspect', seed, '--json').stdout);
    assert.equal(out.layers.length, 1);
    const l = out.layers[0];
    assert.deepEqual([l.cell, l.convention, l.units, l.inputSize, l.directions], ['lstm', 'keras', 3, 1, 1]);
    assert.deepEqual(l.gates.map((g: { label: string; start: number; end: number }) => `${g.label} ${g.start}:${g.end}`), ['i 0:3', 'f 3:6', 'c 6:9', 'o 9:12']);
    assert.ok(l.evidence.some((e: { message: string }) => /unit_forget_bias/.test(e.message)));
    assert.deepEqual(out.arrays.filter((a: { role: string | null }) => a.role).map((a: { name: string; role: string }) => [a.name, a.role]),
      [['lstm_1_kernel_0', 'lstm_1:kernel'], ['lstm_1_recurrent_kernel_0', 'lstm_1:recurrent_kernel'], ['lstm_1_bias_0', 'lstm_1:bias']]);
    const kernel = out.arrays.find((a: { name: string }) => a.name === 'lstm_1_kernel_0');
    const text = readFileSync(seed, 'utf8');
    assert.equal(text.slice(kernel.range.start, kernel.range.start + 9), 'np.array(');
    assert.equal(text.split('\n')[kernel.range.line - 1].slice(kernel.range.column - 1, kernel.range.column + 8), 'np.array(');
  });

  it('flags the f and c slices of the wrong file with the right ranges, and passes the correct file', () => {
    const wrong = JSON.parse(cli('inspect', seed, '--json').stdout).slices;
    const flagged = wrong.filter((s: { mismatch: unknown }) => s.mismatch);
    assert.deepEqual(flagged.map((s: { target: string; mismatch: { correctStart: number; correctEnd: number } }) => [s.target, s.mismatch.correctStart, s.mismatch.correctEnd]), [['f', 3, 6], ['c', 6, 9]]);
    const right = JSON.parse(cli('inspect', 'examples/seed_keras_lstm.py', '--json').stdout).slices;
    assert.equal(right.length, 4);
    assert.ok(right.every((s: { mismatch: unknown }) => s.mismatch === null));
    const human = cli('inspect', seed).stdout;
    assert.match(human, /MISMATCH/);
    assert.match(human, /the forget gate is 3:6/);
  });

  it('run gives h ≈ [-0.03092078, 0.05519306, 0.01035437], from a JSON and from a .npy input', () => {
    const expected = [-0.03092078, 0.05519306, 0.01035437];
    const fromJson = JSON.parse(cli('run', seed, '--input', 'examples/inputs/seed_keras_lstm_wrong_slices.json', '--json').stdout);
    fromJson.state.h[0].forEach((v: number, k: number) => assert.ok(Math.abs(v - expected[k]) < 1e-8, `h[${k}] = ${v}`));
    const npy = join(tmp, 'x.npy');
    writeFileSync(npy, writeNpy([1, 1, 1], [0.83467698]));
    const fromNpy = JSON.parse(cli('run', seed, '--input', npy, '--json').stdout);
    assert.deepEqual(fromNpy.state.h, fromJson.state.h);
    assert.deepEqual(fromNpy.outputs, fromJson.outputs);
  });

  it('--trace shows z, gates, c and h per step in Keras order, consistent with c = f·c0 + i·g under --c0', () => {
    const c0 = join(tmp, 'c0.json');
    writeFileSync(c0, JSON.stringify({ c: [0.5, -1, 2] }));
    const r = cli('run', seed, '--input', 'examples/inputs/seed_keras_lstm_wrong_slices.json', '--json', '--trace', '--c0', c0);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.trace.length, 1);
    const step = out.trace[0].steps[0];
    assert.deepEqual(out.trace[0].gateOrder, ['i', 'f', 'c', 'o']);
    assert.deepEqual(Object.keys(step.z), ['i', 'f', 'c', 'o']);
    // z_f = x·kernel[0, 3:6] + 1 (the forget-bias ones), with h0 = 0.
    const kernelF = [-0.07722378, 0.30405849, 0.54959822];
    step.z.f.forEach((v: number, k: number) => assert.ok(Math.abs(v - (0.83467698 * kernelF[k] + 1)) < 1e-12));
    const c0v = [0.5, -1, 2];
    step.c.forEach((v: number, k: number) => assert.ok(Math.abs(v - (step.gates.f[k] * c0v[k] + step.gates.i[k] * step.gates.c[k])) < 1e-12));
    step.h.forEach((v: number, k: number) => assert.ok(Math.abs(v - step.gates.o[k] * Math.tanh(step.c[k])) < 1e-12));
    assert.deepEqual(out.state.c[0], step.c);
    const human = cli('run', seed, '--input', 'examples/inputs/seed_keras_lstm_wrong_slices.json', '--trace').stdout;
    assert.match(human, /f +pre/);
    assert.match(human, /step 0/);
  });
});

describe('gate-lens options', function () {
  this.timeout(120000);

  it('--convention reads unnamed rows-packed matrices as ONNX, with the evidence saying so', () => {
    const plain = JSON.parse(cli('inspect', 'examples/torch_rnn_parameters.txt', '--json').stdout).layers[0];
    assert.equal(plain.convention, 'pytorch');
    assert.deepEqual(plain.alternatives, ['onnx']);
    const forced = JSON.parse(cli('inspect', 'examples/torch_rnn_parameters.txt', '--json', '--convention', 'onnx').stdout).layers[0];
    assert.equal(forced.convention, 'onnx');
    assert.ok(forced.evidence.some((e: { code: string }) => e.code === 'override'));
  });

  it('--layer runs one layer of a stack: its output is what the stack feeds the next layer', () => {
    const input = 'examples/inputs/torch_lstm_state_dict.json';
    const whole = JSON.parse(cli('run', 'examples/torch_lstm_state_dict.txt', '--input', input, '--json', '--trace').stdout);
    const first = JSON.parse(cli('run', 'examples/torch_lstm_state_dict.txt', '--input', input, '--json', '--layer', 'lstm.l0').stdout);
    assert.deepEqual(first.layers.map((l: { name: string }) => l.name), ['lstm.l0']);
    const hFirstLayer = whole.trace.filter((t: { layer: string }) => t.layer === 'lstm.l0')[0].steps.map((s: { h: number[] }) => s.h);
    assert.deepEqual(first.outputs, hFirstLayer);
    assert.deepEqual(whole.layers.map((l: { name: string }) => l.name), ['lstm.l0', 'lstm.l1']);
  });
});

describe('gate-lens exit codes and help', function () {
  // Each case spawns node; a busy machine can take seconds per spawn.
  this.timeout(120000);
  const seed = 'examples/seed_keras_lstm.py';
  const input = 'examples/inputs/seed_keras_lstm.json';

  it('documents the commands and exit codes', () => {
    const h = cli('--help');
    assert.equal(h.code, 0);
    for (const s of ['inspect FILE', 'run FILE --input INPUT', 'Exit codes', '0  ok', '1  usage error', '2  FILE', '3  no layer', '4  run error']) assert.ok(h.stdout.includes(s), s);
    const ih = cli('inspect', '--help');
    assert.equal(ih.code, 0);
    assert.match(ih.stdout, /--json/);
    assert.match(ih.stdout, /--convention/);
    const rh = cli('run', '--help');
    assert.equal(rh.code, 0);
    for (const s of ['--input', '--trace', '--h0', '--c0', '--layer']) assert.ok(rh.stdout.includes(s), s);
    const v = cli('--version');
    assert.equal(v.code, 0);
    const [versionLine, kernelsLine] = v.stdout.trim().split('\n');
    assert.equal(versionLine, JSON.parse(readFileSync('package.json', 'utf8')).version);
    // The command turns on Node 20's relaxed SIMD (src/cli/relaxedSimd.ts): every Node it supports runs the FMA kernels.
    assert.equal(kernelsLine, `kernels: wasm-relaxed-simd-f64 (Node ${process.version})`);
  });

  it('1 for usage errors, with the message on stderr and nothing on stdout', () => {
    for (const args of [[], ['frobnicate', seed], ['inspect'], ['inspect', seed, '--bogus'], ['run', seed], ['inspect', seed, '--convention', 'caffe'], ['run', seed, '--input']]) {
      const r = cli(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.length > 0);
    }
  });

  it('2 for unreadable files and inputs', () => {
    assert.equal(cli('inspect', 'examples/no_such_file.py').code, 2);
    for (const missing of ['examples/inputs/no_such_input.json', 'examples/inputs/no_such_input.npy']) {
      const r = cli('run', seed, '--input', missing);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `gate-lens: cannot read input ${missing}: ENOENT\n`);
    }
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"x": [[1, 2], [3');
    assert.equal(cli('run', seed, '--input', bad).code, 2);
    const noX = join(tmp, 'nox.json');
    writeFileSync(noX, '{"y": [[1]]}');
    assert.equal(cli('run', seed, '--input', noX).code, 2);
    const bigEndian = join(tmp, 'be.npy');
    const be = writeNpy([1, 1], [0.5]);
    const header = new TextDecoder('latin1').decode(be.subarray(10, 60)).replace("'<f8'", "'>f8'");
    for (let k = 0; k < header.length; k++) be[10 + k] = header.charCodeAt(k);
    writeFileSync(bigEndian, be);
    const r = cli('run', seed, '--input', bigEndian);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /big-endian/);
  });

  it('3 when no layer is recognised or --layer names none', () => {
    const empty = join(tmp, 'empty.py');
    writeFileSync(empty, 'print("no weights here")\n');
    const r = cli('inspect', empty, '--json');
    assert.equal(r.code, 3);
    assert.deepEqual(JSON.parse(r.stdout).layers, []);
    assert.equal(cli('run', empty, '--input', input).code, 3);
    const l = cli('run', seed, '--input', input, '--layer', 'nope');
    assert.equal(l.code, 3);
    assert.match(l.stderr, /lstm_1/);
  });

  it('4 for run errors: wrong input width, non-finite values', () => {
    const wide = join(tmp, 'wide.json');
    writeFileSync(wide, JSON.stringify({ x: [[1, 2], [3, 4]] }));
    const r = cli('run', seed, '--input', wide);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /2 features per step but the first layer takes input size 1/);
    const h0 = join(tmp, 'h0.json');
    writeFileSync(h0, JSON.stringify([1, 2]));
    assert.equal(cli('run', seed, '--input', input, '--h0', h0).code, 4);
    const nan = join(tmp, 'nan.npy');
    writeFileSync(nan, writeNpy([2, 1], [0.1, NaN]));
    assert.equal(cli('run', seed, '--input', nan).code, 4);
  });

  it('5 when a layer is incomplete (summarised weights), naming each missing array', () => {
    const x32 = join(tmp, 'x32.json');
    writeFileSync(x32, JSON.stringify({ x: [new Array(32).fill(0.1)] }));
    const t = cli('run', 'examples/truncated_print.txt', '--input', x32);
    assert.equal(t.code, 5);
    assert.match(t.stderr, /kernel of lstm at 2:\d+ was printed in summarised form/);
    assert.match(t.stderr, /recurrent_kernel of lstm at \d+:\d+ was printed in summarised form/);
  });
});

describe('.npy reader', () => {
  it('reads float32, float64, int32 and int64 little-endian C-order arrays', () => {
    const values = [0.5, -1.25, 3, 7];
    for (const dtype of ['<f8', '<f4', '<i4', '<i8'] as const) {
      const v = dtype.startsWith('<i') ? [1, -2, 3, 4] : values;
      const a = readNpy(writeNpy([2, 2], v, dtype));
      assert.deepEqual(a.shape, [2, 2]);
      assert.deepEqual(Array.from(a.data), v);
    }
  });

  it('rejects what it cannot read, with a reason', () => {
    assert.throws(() => readNpy(new TextEncoder().encode('not numpy at all')), NpyError);
    const f = writeNpy([3], [1, 2, 3]);
    assert.throws(() => readNpy(f.subarray(0, f.length - 8)), /fewer values/);
  });
});

describe('gate-lens inspect on ONNX model files with layout=1', function () {
  this.timeout(60000);
  it('--json lists layout 1 beside the other attributes; a layout=0 node has none; the text report says it', () => {
    const models = join('test', 'fixtures', 'models');
    const inspect = (file: string) => JSON.parse(cli('inspect', join(models, file), '--json').stdout) as { layers: Array<Record<string, unknown>> };
    const gru = inspect('onnx_gru_layout1_reverse.onnx').layers[0];
    assert.equal(gru['layout'], 1);
    assert.equal(gru['resetAfter'], true);
    assert.equal(inspect('onnx_gru_linear_before_reset.onnx').layers[0]['layout'], undefined);
    const human = cli('inspect', join(models, 'onnx_lstm_layout1_bidi.onnx')).stdout;
    assert.match(human, /units 3 · input size 2 · 2 directions · stack position 0 · merge concat · layout=1 \(batch-major X, Y, Y_h\)/);
  });
});
