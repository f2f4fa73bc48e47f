// Parsing benchmark: extractArrays on a ≥ 20 MB Python file of np.array literals against JSON.parse on the same
// numbers written as JSON. Both texts are built in memory from one seeded stream of number tokens; every double
// extractArrays returns is checked bit for bit against parseFloat of its token.
//   node scripts/bench/parse.mjs            human-readable figures
//   node scripts/bench/parse.mjs --json     one JSON line
//   node scripts/bench/parse.mjs --quick    smaller text, fewer rounds (smoke test; figures are rough)
//   node scripts/bench/parse.mjs --markdown the table as Markdown
//   node scripts/bench/parse.mjs --baseline=REF   also times the parser of git revision REF (e.g. main, HEAD~1) in the
//                                                 same interleaved rounds: before/after and each against JSON.parse
//   node scripts/bench/parse.mjs --rounds=N       N interleaved rounds (default 7, 3 with --quick)
//   node scripts/bench/parse.mjs --drop-results   neither side keeps its result (freed memory for the next call)
// Rounds are interleaved (extract, JSON.parse, extract, ...; the order rotates every round) and medians reported,
// because the machines are shared. Both sides are treated alike: each call's result is kept alive until that side's
// next call has returned (a caller keeps what it parsed), so neither side gets the other's freed memory for free.
// Minor page faults are counted per call: in a VM each first touch of a fresh 4 KiB page costs ~10 µs, and fresh
// result memory is a large part of both sides' time.
import * as esbuild from 'esbuild';
import { buildWasmKernels } from '../build-wasm.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const markdown = args.includes('--markdown');
const TARGET_CHARS = quick ? 4e6 : 21e6;
const roundsArg = args.find((a) => a.startsWith('--rounds='));
const ROUNDS = roundsArg ? Math.max(1, Number(roundsArg.slice('--rounds='.length)) | 0) : quick ? 3 : 7;
const dropResults = args.includes('--drop-results');
const baselineRef = args.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length);
const log = (...a) => (json ? console.error(...a) : console.log(...a));
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

// The parser, and the core's seeded generator that draws the number tokens.
async function loadParser(sourceRoot = root, name = 'parse') {
  const outfile = join(root, `out/bench/${name}.cjs`);
  await esbuild.build({
    stdin: {
      contents: "export * from './src/core/parse/index';\nexport { mulberry32 } from './src/core/random';",
      resolveDir: sourceRoot, loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning', loader: { '.wasm': 'binary' },
  });
  return createRequire(import.meta.url)(outfile);
}

/** The parser as it is at git revision `ref` (its src/ extracted to a temporary directory and bundled). */
async function loadBaseline(ref) {
  const dir = mkdtempSync(join(tmpdir(), 'gate-lens-parse-baseline-'));
  try {
    const tar = execFileSync('git', ['archive', ref, 'src'], { cwd: root, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    // Its WebAssembly modules (built files, not in git), from its own sources.
    await buildWasmKernels(dir);
    return await loadParser(dir, 'parse-baseline');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Number tokens as the frameworks print them. float32: NumPy's repr of float32 weights (8 decimals, e.g.
 * -0.43499012). float64: json.dumps / repr of float64 values (shortest round-trip, 16–17 significant digits).
 */
function makeTokens(kind, random, count) {
  const tokens = new Array(count);
  for (let k = 0; k < count; k++) {
    const v = (random() * 2 - 1) * (random() < 0.1 ? 3 : 0.6);
    tokens[k] = kind === 'float32' ? v.toFixed(8) : String(v);
  }
  return tokens;
}

/** The same tokens as a Python file of np.array literals (`rows` × `cols`, at most `maxArrays`) and as one JSON object. */
function buildTexts(parser, kind, seed, rows, cols, maxArrays) {
  const random = parser.mulberry32(seed);
  const python = ['import numpy as np\n\n'];
  const printed = [];
  const jsonParts = [];
  const allTokens = [];
  let chars = 0;
  for (let k = 0; chars < TARGET_CHARS && k < maxArrays; k++) {
    const tokens = makeTokens(kind, random, rows * cols);
    const rowTexts = [];
    for (let r = 0; r < rows; r++) rowTexts.push(`[${tokens.slice(r * cols, (r + 1) * cols).join(', ')}]`);
    const literal = `[${rowTexts.join(',\n ')}]`;
    const line = `w${k} = np.array(${literal}, dtype=np.float${kind === 'float32' ? 32 : 64})\n`;
    python.push(line);
    jsonParts.push(`"w${k}": ${literal}`);
    // print(name, array): NumPy's comma-less form, one row per line (not wrapped at 75 columns here).
    const printRows = [];
    for (let r = 0; r < rows; r++) printRows.push(`[${tokens.slice(r * cols, (r + 1) * cols).join(' ')}]`);
    printed.push(`w${k} [${printRows.join('\n ')}]\n`);
    for (const t of tokens) allTokens.push(t);
    chars += line.length;
  }
  return { python: python.join(''), json: `{${jsonParts.join(',\n')}}`, printed: printed.join(''), tokens: allTokens };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Every double equal (Object.is) to parseFloat of its token, in order. */
function checkBits(result, tokens) {
  let k = 0;
  let mismatches = 0;
  let first;
  for (const array of result.arrays) {
    for (let i = 0; i < array.values.length; i++, k++) {
      const expected = parseFloat(tokens[k]);
      if (!Object.is(array.values[i], expected)) {
        mismatches++;
        first ??= `${tokens[k]}: got ${array.values[i]}, parseFloat gives ${expected}`;
      }
    }
  }
  if (k !== tokens.length) {
    mismatches += Math.abs(tokens.length - k);
    first ??= `read ${k} numbers, wrote ${tokens.length}`;
  }
  return { checked: k, mismatches, first };
}

function runCase(parser, baseline, { kind, seed, rows, cols, maxArrays }) {
  const { python, json: jsonText, printed, tokens } = buildTexts(parser, kind, seed, rows, cols, maxArrays);
  const pyMB = python.length / 1e6;
  const jsonMB = jsonText.length / 1e6;
  const loadBefore = load();
  const sides = [
    { label: 'extract', call: () => parser.extractArrays(python) },
    { label: 'json', call: () => JSON.parse(jsonText) },
  ];
  if (baseline) sides.push({ label: 'baseline', call: () => baseline.extractArrays(python) });
  for (const side of sides) {
    side.kept = side.call(); // warm-up (JIT); its result stays alive like every later one
    if (dropResults) side.kept = undefined;
    side.wallMs = [];
    side.cpuMs = [];
    side.faults = [];
  }
  const cpuMs = (since) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(k + r) % sides.length];
      const f = process.resourceUsage().minorPageFault;
      const c = process.cpuUsage();
      const t = performance.now();
      const result = side.call();
      side.wallMs.push(performance.now() - t);
      side.cpuMs.push(cpuMs(c));
      side.faults.push(process.resourceUsage().minorPageFault - f);
      // The previous result was alive during the call, as a caller's would be (unless --drop-results).
      side.kept = dropResults ? undefined : result;
      if (dropResults && r === ROUNDS - 1) side.kept = result; // the last one is checked below
    }
  }
  const [extract, jsonSide] = sides;
  const last = extract.kept;
  const extractMs = extract.wallMs;
  const jsonMs = jsonSide.wallMs;
  const extractCpuMs = extract.cpuMs;
  const jsonCpuMs = jsonSide.cpuMs;
  const bits = checkBits(last, tokens);
  const baselineBits = baseline ? checkBits(sides[2].kept, tokens) : undefined;
  for (const side of sides) side.kept = undefined;
  // The same numbers in the other two forms, through extractArrays (throughput only, bit-checked too).
  const other = {};
  for (const [label, text] of [['json', jsonText], ['print', printed]]) {
    const times = [];
    let result = parser.extractArrays(text); // warm-up
    for (let r = 0; r < Math.max(3, ROUNDS >> 1); r++) {
      const t = performance.now();
      result = parser.extractArrays(text);
      times.push(performance.now() - t);
    }
    const check = checkBits(result, tokens);
    other[label] = { MB: +(text.length / 1e6).toFixed(2), medianMs: +median(times).toFixed(1), MBps: +(text.length / 1e6 / (median(times) / 1000)).toFixed(1), bitIdentical: check.mismatches === 0 };
  }
  const extractMedian = median(extractMs);
  const jsonMedian = median(jsonMs);
  const extractMBps = pyMB / (extractMedian / 1000);
  const jsonMBps = jsonMB / (jsonMedian / 1000);
  return {
    case: `${maxArrays === 1 ? `one ${rows}×${cols} ` : ''}np.array ${kind === 'float32' ? 'float32 (8 decimals)' : 'float64 (17 digits)'}`,
    kind,
    pythonMB: +pyMB.toFixed(2),
    jsonMB: +jsonMB.toFixed(2),
    arrays: last.arrays.length,
    numbers: bits.checked,
    extractMedianMs: +extractMedian.toFixed(1),
    jsonParseMedianMs: +jsonMedian.toFixed(1),
    extractMBps: +extractMBps.toFixed(1),
    jsonParseMBps: +jsonMBps.toFixed(1),
    ratio: +(extractMBps / jsonMBps).toFixed(3),
    // CPU time (process, all threads: GC helpers included) — steadier than wall time on a shared machine.
    extractCpuMedianMs: +median(extractCpuMs).toFixed(1),
    jsonParseCpuMedianMs: +median(jsonCpuMs).toFixed(1),
    cpuRatio: +((pyMB / median(extractCpuMs)) / (jsonMB / median(jsonCpuMs))).toFixed(3),
    bitIdentical: bits.mismatches === 0 && other.json.bitIdentical && other.print.bitIdentical,
    extractJson: other.json,
    extractPrint: other.print,
    mismatches: bits.mismatches,
    firstMismatch: bits.first,
    diagnostics: last.diagnostics.length,
    // Minor page faults per call (medians): first touches of fresh memory.
    extractFaults: median(extract.faults),
    jsonParseFaults: median(jsonSide.faults),
    ...(baseline ? baselineFigures(sides[2], baselineBits, pyMB, extract, jsonSide, jsonMB) : {}),
    load: { before: loadBefore, after: load() },
    resultsKept: !dropResults,
  };
}

/** The baseline parser's medians, and after ÷ before and before ÷ JSON.parse within the same rounds. */
function baselineFigures(side, bits, pyMB, extract, jsonSide, jsonMB) {
  const cpu = median(side.cpuMs);
  return {
    baseline: {
      ref: baselineRef,
      medianMs: +median(side.wallMs).toFixed(1),
      cpuMedianMs: +cpu.toFixed(1),
      faults: median(side.faults),
      cpuRatio: +((pyMB / cpu) / (jsonMB / median(jsonSide.cpuMs))).toFixed(3),
      ratio: +((pyMB / median(side.wallMs)) / (jsonMB / median(jsonSide.wallMs))).toFixed(3),
      // Baseline time ÷ current time: above 1 when the current parser is faster.
      speedupCpu: +(cpu / median(extract.cpuMs)).toFixed(3),
      speedupWall: +(median(side.wallMs) / median(extract.wallMs)).toFixed(3),
      bitIdentical: bits.mismatches === 0,
    },
  };
}

const parser = await loadParser();
const baseline = baselineRef ? await loadBaseline(baselineRef) : undefined;
const cases = [];
// Many 64×256 literals (a weights file), then one big literal (a 13 MB array: the value scratch's growth).
const CASES = [
  { kind: 'float32', seed: 1, rows: 64, cols: 256, maxArrays: Infinity },
  { kind: 'float64', seed: 2, rows: 64, cols: 256, maxArrays: Infinity },
  { kind: 'float32', seed: 3, rows: quick ? 300 : 1600, cols: 1024, maxArrays: 1 },
];
for (const spec of CASES) {
  const kind = spec.kind;
  log(`building and timing ${kind}${spec.maxArrays === 1 ? ` (one ${spec.rows}×${spec.cols} literal)` : ''} (${(TARGET_CHARS / 1e6).toFixed(0)} MB, ${ROUNDS} interleaved rounds${baseline ? `, baseline ${baselineRef}` : ''}; load ${load()})…`);
  cases.push(runCase(parser, baseline, spec));
  global.gc?.();
}
const peakRssMb = +(process.resourceUsage().maxRSS / 1024).toFixed(0);
const ok = cases.every((c) => c.bitIdentical && c.diagnostics === 0);

if (json) {
  console.log(JSON.stringify({ bench: 'parse', node: process.version, rounds: ROUNDS, peakRssMb, ok, cases }));
} else if (markdown) {
  console.log('| text | size (Python / JSON) | numbers | extractArrays | JSON.parse | ratio (wall) | ratio (CPU) | page faults per call (ours / JSON.parse) | bit-identical | load |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    console.log(`| ${c.case} | ${c.pythonMB} / ${c.jsonMB} MB | ${c.numbers.toLocaleString('en')} | ${c.extractMBps} MB/s (${c.extractMedianMs} ms) | ${c.jsonParseMBps} MB/s (${c.jsonParseMedianMs} ms) | ${c.ratio}× | ${c.cpuRatio}× | ${c.extractFaults} / ${c.jsonParseFaults} | ${c.bitIdentical ? 'yes' : `NO (${c.mismatches})`} | ${c.load.before} → ${c.load.after} |`);
  }
  for (const c of cases.filter((x) => x.baseline)) {
    const b = c.baseline;
    console.log(`\n${c.case}, baseline ${b.ref} in the same rounds: CPU ${b.cpuMedianMs} ms (${b.cpuRatio}× JSON.parse), now ${c.extractCpuMedianMs} ms (${c.cpuRatio}×): baseline ÷ now ${b.speedupCpu}×; ${b.faults} faults per call.`);
  }
  for (const c of cases) console.log(`\n${c.case}: extractArrays on the JSON text ${c.extractJson.MBps} MB/s, on NumPy print() output ${c.extractPrint.MBps} MB/s.`);
  console.log(`\nPeak RSS of the benchmark process: ${peakRssMb} MB (Node ${process.version}, medians of ${ROUNDS} interleaved rounds).`);
} else {
  for (const c of cases) {
    log(`${c.case}: ${c.pythonMB} MB Python, ${c.arrays} arrays, ${c.numbers} numbers`);
    log(`  extractArrays ${c.extractMBps} MB/s (median ${c.extractMedianMs} ms)  JSON.parse ${c.jsonParseMBps} MB/s (median ${c.jsonParseMedianMs} ms)  ratio ${c.ratio}×`);
    log(`  CPU time: extractArrays ${c.extractCpuMedianMs} ms, JSON.parse ${c.jsonParseCpuMedianMs} ms, ratio ${c.cpuRatio}×`);
    log(`  minor page faults per call (median): extractArrays ${c.extractFaults}, JSON.parse ${c.jsonParseFaults}${c.resultsKept ? '' : ' (results dropped)'}; load ${c.load.before} → ${c.load.after}`);
    if (c.baseline) {
      const b = c.baseline;
      log(`  baseline ${b.ref} in the same rounds: ${b.medianMs} ms wall, ${b.cpuMedianMs} ms CPU (${b.cpuRatio}× JSON.parse CPU, ${b.ratio}× wall), ${b.faults} faults; baseline ÷ now: ${b.speedupCpu}× CPU, ${b.speedupWall}× wall${b.bitIdentical ? '' : '; baseline NOT bit-identical'}`);
    }
    log(`  extractArrays on the same numbers as JSON: ${c.extractJson.MBps} MB/s; as NumPy print() output: ${c.extractPrint.MBps} MB/s (${c.extractPrint.MB} MB)`);
    log(`  bit-identical to parseFloat: ${c.bitIdentical ? `yes, all ${c.numbers}` : `NO — ${c.mismatches} differ, first ${c.firstMismatch}`}${c.diagnostics ? `; ${c.diagnostics} diagnostics!` : ''}`);
  }
  log(`peak RSS ${peakRssMb} MB`);
}
if (!ok) process.exitCode = 1;
