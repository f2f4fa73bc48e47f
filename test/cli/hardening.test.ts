// Issue 8 part A (items 2–6), item 10 (streamed JSON), item 17 (CLI columns) and issue 7 item 5 (initial states in
// the input), through the CLI in-process: what is read, what is refused and how, what is printed.
import * as assert from 'node:assert/strict';
import { EXIT, HELP, RUN_HELP } from '../../src/cli/main';
import { CHUNK, cell } from '../../src/cli/run-output';
import { runCli } from './helpers';

const LSTM = 'kernel = [[0.1, 0.2, 0.3, 0.4]]\nrecurrent_kernel = [[0.5, 0.6, 0.7, 0.8]]\nbias = [0.1, 0.2, 0.3, 0.4]\n';
const X = JSON.stringify({ x: [[0.5], [-0.5]] });
const MB = 1024 * 1024;

describe('gate-lens: the reason behind "no recurrent layer" (issue 8 item 2)', () => {
  it('names the unreadable array, its position and the cause instead of "l0 has no weight_hh"', () => {
    const text = 'weight_ih_l0 = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]]\nweight_hh_l0 = [[\u22120.1], [0.2], [0.3], [0.4]]\n';
    const r = runCli({ 'w.py': text, 'x.json': JSON.stringify({ x: [[0.1, 0.2]] }) }, 'run', 'w.py', '--input', 'x.json');
    assert.equal(r.code, EXIT.noLayer);
    assert.match(r.stderr, /no recurrent layer recognised in w\.py: 1 array could not be read: 2:\d+ 'weight_hh_l0' holds '\u22120\.1' is not a number \(U\+2212/);
  });

  it('names a summarised print', () => {
    const r = runCli({ 'w.txt': 'W [[0.1, 0.2, ..., 0.4]]\n', 'x.json': X }, 'run', 'w.txt', '--input', 'x.json');
    assert.equal(r.code, EXIT.noLayer);
    assert.match(r.stderr, /could not be read: 1:\d+ 'W' was printed in summarised form/);
  });

  it('inspect says the same on stderr', () => {
    const r = runCli({ 'w.txt': 'W [[0.1, 0.2, ..., 0.4]]\n' }, 'inspect', 'w.txt');
    assert.equal(r.code, EXIT.noLayer);
    assert.match(r.stderr, /summarised form/);
  });
});

describe('gate-lens: malformed input is refused (issue 8 item 3)', () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['{"x": [[0.1], 0.2]}', /"x"\[1\] is 0\.2 where a list of 1 value belongs/],
    ['{"x": [[0.1], [0.2, 0.3]]}', /"x"\[1\] has 2 values but "x"\[0\] has 1/],
    ['{"x": [[0.1], ["0.2"]]}', /"x"\[1\]\[0\] is the string "0\.2", not a number/],
    ['{"x": [[0.1], [null]]}', /"x"\[1\]\[0\] is null, not a number/],
    ['{"x": [[0.1], [[0.2]]]}', /"x"\[1\]\[0\] is a list where a number belongs/],
    ['{"x": []}', /"x" is empty/],
    ['{"x": 3}', /"x" is 3, not an array/],
    ['[[0.1], 0.2]', /the input\[1\] is 0\.2/],
  ];
  for (const [json, message] of cases) {
    it(`${json} → exit 2 with where and why`, () => {
      const r = runCli({ 'w.py': LSTM, 'x.json': json }, 'run', 'w.py', '--input', 'x.json');
      assert.equal(r.code, EXIT.unreadable, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  it('a malformed --h0 file is refused the same way', () => {
    const r = runCli({ 'w.py': LSTM, 'x.json': X, 'h.json': '[[0.1], 0.2]' }, 'run', 'w.py', '--input', 'x.json', '--h0', 'h.json');
    assert.equal(r.code, EXIT.unreadable);
    assert.match(r.stderr, /--h0 file h\.json: the h0 array\[1\] is 0\.2/);
  });
});

describe('gate-lens run: the recogniser\'s doubts on stderr (issue 8 item 4)', () => {
  it('says the PyTorch reading is assumed and ONNX fits too, as inspect does; stdout is unchanged', () => {
    const text = '[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]]\n[[0.1], [0.2], [0.3], [0.4]]\n';
    const files = { 'w.txt': text, 'x.json': JSON.stringify({ x: [[0.1, 0.2]] }) };
    const inspect = runCli(files, 'inspect', 'w.txt');
    assert.match(inspect.stdout, /PyTorch assumed/);
    const r = runCli(files, 'run', 'w.txt', '--input', 'x.json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: lstm: .*PyTorch assumed/);
    assert.match(r.stderr, /lstm was read as pytorch; the arrays also fit onnx/);
    assert.doesNotMatch(r.stdout, /note:/);
  });
});

describe('gate-lens exit codes as --help documents them (issue 8 item 5)', () => {
  it('every exit code in --help is one the CLI uses, and every code it uses is documented', () => {
    const documented = [...HELP.slice(HELP.indexOf('Exit codes:')).matchAll(/^ {2}(\d) {2}/gm)].map((m) => Number(m[1]));
    assert.deepEqual(documented, Object.values(EXIT).sort());
    assert.match(HELP, /4 {2}run error \(.*NaN\/Inf/);
    assert.match(RUN_HELP, /4 run error \(.*NaN\/Inf weights/);
  });

  it('NaN/Inf weights exit 4 (run error), naming the array and position', () => {
    const r = runCli({ 'w.py': LSTM.replace('0.3, 0.4]]', 'nan, 0.4]]'), 'x.json': X }, 'run', 'w.py', '--input', 'x.json');
    assert.equal(r.code, EXIT.runError, r.stderr);
    assert.match(r.stderr, /1:\d+ 'kernel' holds 1 NaN\/Inf value \(the first, NaN, at \[0, 2\]\)/);
  });

  it('a file over the size limit exits 2, names the limit and --max-size, and is refused from its size before it is read', () => {
    const r = runCli({ 'big.txt': { size: 327 * MB }, 'x.json': X }, 'run', 'big.txt', '--input', 'x.json');
    assert.equal(r.code, EXIT.unreadable);
    assert.match(r.stderr, /file big\.txt is 327 MB, over the 50 MB size limit, so it was not read; raise the limit with --max-size MB/);
    assert.deepEqual(r.read, [], 'not a byte read');
    const huge = runCli({ 'big.txt': { size: 600 * MB } }, 'inspect', 'big.txt');
    assert.equal(huge.code, EXIT.unreadable);
    assert.doesNotMatch(huge.stderr, /UTF-8/);
    assert.match(huge.stderr, /600 MB, over the 50 MB size limit/);
  });

  it('--max-size lowers and raises the limit, for the input file too', () => {
    assert.equal(runCli({ 'w.py': LSTM }, 'inspect', 'w.py', '--max-size', '0.00001').code, EXIT.unreadable);
    assert.match(runCli({ 'w.py': LSTM }, 'inspect', 'w.py', '--max-size', '0.00001').stderr, /over the 10 bytes size limit/);
    assert.equal(runCli({ 'w.py': LSTM }, 'inspect', 'w.py', '--max-size=1K').code, 0);
    const long = JSON.stringify({ x: Array.from({ length: 40 }, () => [0.25]) });
    const input = runCli({ 'w.py': LSTM, 'x.json': long }, 'run', 'w.py', '--input', 'x.json', '--max-size', '0.00012');
    assert.equal(input.code, EXIT.unreadable);
    assert.match(input.stderr, /^gate-lens: input x\.json is \d+ bytes, over the/);
    assert.equal(runCli({ 'w.py': LSTM }, 'inspect', 'w.py', '--max-size', 'lots').code, EXIT.usage);
  });
});

describe('gate-lens: encodings (issue 8 item 6)', () => {
  const utf8 = runCli({ 'w.py': LSTM, 'x.json': X }, 'run', 'w.py', '--input', 'x.json', '--json');
  const encode16 = (text: string, bigEndian: boolean): Uint8Array => {
    const out = new Uint8Array(2 + text.length * 2);
    out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      out[2 + 2 * k + (bigEndian ? 1 : 0)] = c & 0xff;
      out[2 + 2 * k + (bigEndian ? 0 : 1)] = c >> 8;
    }
    return out;
  };
  for (const [name, bigEndian] of [['UTF-16 LE', false], ['UTF-16 BE', true]] as const) {
    it(`${name} with a byte-order mark is decoded (weights and input), giving the UTF-8 result`, () => {
      const r = runCli({ 'w.py': encode16(LSTM, bigEndian), 'x.json': encode16(X, bigEndian) }, 'run', 'w.py', '--input', 'x.json', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).outputs, JSON.parse(utf8.stdout).outputs);
    });
  }

  it('a UTF-8 byte-order mark is skipped', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(LSTM)]);
    assert.equal(runCli({ 'w.py': bom, 'x.json': X }, 'run', 'w.py', '--input', 'x.json').code, 0);
  });

  it('Latin-1 text gets the byte offset of the first non-UTF-8 byte and a hint', () => {
    const latin = new Uint8Array([...new TextEncoder().encode('# poids '), 0xe9, 0x0a, ...new TextEncoder().encode(LSTM)]);
    const r = runCli({ 'w.py': latin }, 'inspect', 'w.py');
    assert.equal(r.code, EXIT.unreadable);
    assert.match(r.stderr, /file w\.py is not UTF-8 text: byte 0xE9 at byte offset 8 is not valid UTF-8; it looks like a legacy 8-bit encoding .*save it as UTF-8/);
  });

  it('UTF-16 without a byte-order mark is named as such', () => {
    const r = runCli({ 'w.py': encode16(LSTM, false).subarray(2) }, 'inspect', 'w.py');
    assert.equal(r.code, EXIT.unreadable);
    assert.match(r.stderr, /0 byte at byte offset 1; every other byte is 0, so it looks like UTF-16 without a byte-order mark/);
  });
});

describe('gate-lens run --json --trace streams its JSON (issue 8 item 10)', () => {
  it('a long sequence comes out as valid JSON in bounded chunks, never one string', function () {
    this.timeout(60000);
    const T = 20000;
    const x = { x: Array.from({ length: T }, (_, t) => [Math.sin(t / 7)]) };
    const r = runCli({ 'w.py': LSTM, 'x.json': JSON.stringify(x) }, 'run', 'w.py', '--input', 'x.json', '--json', '--trace');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.chunks.length > 10, `streamed in ${r.chunks.length} chunks`);
    // A chunk is at most CHUNK characters plus the one step that crossed the line.
    const largest = Math.max(...r.chunks.map((c) => c.length));
    assert.ok(largest < CHUNK + 4096, `largest chunk ${largest}`);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.trace.length, 1);
    assert.equal(doc.trace[0].steps.length, T);
    assert.deepEqual(Object.keys(doc.trace[0].steps[0]), ['step', 't', 'z', 'gates', 'c', 'h']);
    assert.deepEqual(doc.trace[0].steps[T - 1].h, doc.state.h[0]);
    assert.deepEqual(doc.outputs[T - 1], doc.state.h[0]);
    assert.equal(doc.outputs.length, T);
  });

  it('the human --trace listing is streamed the same way', function () {
    this.timeout(60000);
    const x = { x: Array.from({ length: 5000 }, (_, t) => [Math.cos(t)]) };
    const r = runCli({ 'w.py': LSTM, 'x.json': JSON.stringify(x) }, 'run', 'w.py', '--input', 'x.json', '--trace');
    assert.equal(r.code, 0);
    assert.ok(r.chunks.length > 10);
    assert.ok(Math.max(...r.chunks.map((c) => c.length)) < CHUNK + 4096);
  });
});

describe('gate-lens human output (issue 8 item 17, CLI part)', () => {
  it('never glues numbers together, even when a value needs 13 or 14 characters', () => {
    for (const v of [-0.054405620, 0.00042115084, -0.00042115084, -1.2345678e-10, 123456789.5, -0.5]) {
      const text = cell(v);
      assert.match(text, /^ +\S+$/, `"${text}" starts with a separator`);
      assert.equal(Number(text), Number(v.toPrecision(8)));
    }
    // Tiny weights give outputs like -0.00042115084: each line still splits into one token per value.
    const tiny = 'kernel = [[0.001, -0.002, 0.003, -0.0004, 0.0005, 0.001, -0.002, 0.0003]]\nrecurrent_kernel = [[0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008], [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008]]\nbias = [0, 0, 0, 0, 0, 0, 0, 0]\n';
    const r = runCli({ 'w.py': tiny, 'x.json': JSON.stringify({ x: [[-0.9], [0.8]] }) }, 'run', 'w.py', '--input', 'x.json', '--trace');
    assert.equal(r.code, 0, r.stderr);
    const outputs = r.stdout.split('\n').filter((l) => /^ {2}t=\d/.test(l));
    assert.equal(outputs.length, 2);
    for (const l of outputs) assert.equal(l.trim().split(/\s+/).length, 3, l);
    const gateLines = r.stdout.split('\n').filter((l) => /^ {4}[ifco] +pre /.test(l));
    assert.equal(gateLines.length, 8);
    for (const l of gateLines) assert.equal(l.trim().split(/\s+/).length, 3 + 2 * 2, l);
  });

  it('says "1 step" and "1 feature", not "1 steps"', () => {
    const r = runCli({ 'w.py': LSTM, 'x.json': JSON.stringify({ x: [[0.5]] }) }, 'run', 'w.py', '--input', 'x.json', '--trace');
    assert.match(r.stdout, /outputs \(1 step × 1 feature\)/);
    assert.match(r.stdout, /\(forward\) — 1 step, gates/);
    assert.match(r.stdout, /\(lstm keras, 1 unit\)/);
    assert.doesNotMatch(r.stdout, /\b1 (steps|features|units)\b/);
  });
});

describe('gate-lens run --input with initial states (issue 7 item 5)', () => {
  const base = { 'w.py': LSTM, 'h.json': '[0.3]', 'c.json': '{"c": [-0.2]}' };
  const viaFlags = runCli({ ...base, 'x.json': X }, 'run', 'w.py', '--input', 'x.json', '--h0', 'h.json', '--c0', 'c.json', '--json');

  for (const [h, c] of [['h0', 'c0'], ['initial_h', 'initial_c']]) {
    it(`{"x", "${h}", "${c}"} gives what --h0/--c0 give`, () => {
      const r = runCli({ ...base, 'x.json': JSON.stringify({ x: [[0.5], [-0.5]], [h]: [0.3], [c]: [-0.2] }) }, 'run', 'w.py', '--input', 'x.json', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).state, JSON.parse(viaFlags.stdout).state);
      assert.notDeepEqual(JSON.parse(r.stdout).state, JSON.parse(runCli({ ...base, 'x.json': X }, 'run', 'w.py', '--input', 'x.json', '--json').stdout).state);
    });
  }

  it('checks the shapes as --h0/--c0 do, and refuses a state given twice or a c0 for a GRU', () => {
    const wrong = runCli({ ...base, 'x.json': JSON.stringify({ x: [[0.5]], h0: [0.3, 0.4] }) }, 'run', 'w.py', '--input', 'x.json');
    assert.equal(wrong.code, EXIT.runError);
    assert.match(wrong.stderr, /the input's h0 holds 2 values but lstm needs 1/);
    const twice = runCli({ ...base, 'x.json': JSON.stringify({ x: [[0.5]], h0: [0.3] }) }, 'run', 'w.py', '--input', 'x.json', '--h0', 'h.json');
    assert.equal(twice.code, EXIT.usage);
    const both = runCli({ ...base, 'x.json': JSON.stringify({ x: [[0.5]], h0: [0.3], initial_h: [0.3] }) }, 'run', 'w.py', '--input', 'x.json');
    assert.equal(both.code, EXIT.unreadable);
    const malformed = runCli({ ...base, 'x.json': JSON.stringify({ x: [[0.5]], c0: [[0.1], 0.2] }) }, 'run', 'w.py', '--input', 'x.json');
    assert.equal(malformed.code, EXIT.unreadable);
    const gru = 'kernel = [[0.1, 0.2, 0.3]]\nrecurrent_kernel = [[0.5, 0.6, 0.7]]\nbias = [0.1, 0.2, 0.3]\n';
    const c0 = runCli({ 'w.py': gru, 'x.json': JSON.stringify({ x: [[0.5]], c0: [0.1] }) }, 'run', 'w.py', '--input', 'x.json');
    assert.equal(c0.code, EXIT.usage);
    assert.match(c0.stderr, /applies to an LSTM/);
  });
});
