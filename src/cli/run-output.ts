// What `run` prints, written as it is produced: the JSON document and the human listing go out in chunks of at
// most CHUNK characters (plus one value), so a trace of 10⁶ steps never becomes one string (V8 caps strings at
// ~2²⁹ characters) and the memory is the trace's own arrays plus one chunk, not a multiple of the trace.

import { CANONICAL_GATES, convention as conventionSpec } from '../core/conventions';
import type { DirectionTrace, RecurrentLayer } from '../core/model';
import type { RecognizedLayer } from '../core/recognize/types';

export const CHUNK = 1 << 16;

/** Collects small pieces and hands them on in chunks of about CHUNK characters. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: (text: string) => void, private readonly chunk = CHUNK) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunk) this.flush();
  }

  flush(): void {
    if (!this.size) return;
    this.sink(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * A row as a JSON array (a non-finite value, which the run refuses before printing, would be null). JSON.stringify of
 * a plain array of doubles is V8's fast path: a third of the CPU of formatting and concatenating each number, and
 * fewer intermediate strings (200 × 192 outputs: ~14 instead of ~45 ms here).
 */
function vector(data: Float64Array, from: number, to: number): string {
  return JSON.stringify(Array.from(data.subarray(from, to)));
}

/** One recurrent layer's traces with what is needed to label them. */
export interface TracedLayer {
  readonly recognized: RecognizedLayer;
  readonly layer: RecurrentLayer;
  readonly traces: readonly DirectionTrace[];
}

function gateBlocks(t: TracedLayer) {
  const { recognized: l, layer } = t;
  const spec = conventionSpec(l.convention, l.cell);
  const canonical = CANONICAL_GATES[l.cell] as readonly string[];
  const H = layer.units;
  const G = canonical.length;
  return {
    labels: spec.gateOrder.map((g) => g.label),
    // [start, end) of each gate (convention order) inside step s's z/a rows.
    block: (s: number) => spec.gateOrder.map((g) => {
      const k = canonical.indexOf(g.gate);
      return [s * G * H + k * H, s * G * H + (k + 1) * H] as const;
    }),
  };
}

/** The `trace` array of `run --json --trace`, written step by step. */
export function writeTraceJson(w: ChunkedWriter, layers: readonly TracedLayer[]): void {
  w.write('[');
  let first = true;
  for (const tl of layers) {
    const { labels, block } = gateBlocks(tl);
    const H = tl.layer.units;
    for (const t of tl.traces) {
      w.write(`${first ? '' : ','}{"layer":${JSON.stringify(tl.recognized.name)},"direction":"${t.direction === 1 ? 'backward' : 'forward'}","gateOrder":${JSON.stringify(labels)},"steps":[`);
      first = false;
      const Hr = t.h.length / t.steps;
      for (let s = 0; s < t.steps; s++) {
        const blocks = block(s);
        const z = labels.map((g, k) => `${JSON.stringify(g)}:${vector(t.z, blocks[k][0], blocks[k][1])}`).join(',');
        const a = labels.map((g, k) => `${JSON.stringify(g)}:${vector(t.a, blocks[k][0], blocks[k][1])}`).join(',');
        w.write(`${s ? ',' : ''}{"step":${s},"t":${t.timeIndex[s]},"z":{${z}},"gates":{${a}}${t.c ? `,"c":${vector(t.c, s * H, (s + 1) * H)}` : ''},"h":${vector(t.h, s * Hr, (s + 1) * Hr)}}`);
      }
      w.write(']}');
    }
  }
  w.write(']');
}

/** Rows of a (steps × width) array as a JSON array of arrays, row by row. */
export function writeRowsJson(w: ChunkedWriter, data: Float64Array, width: number): void {
  w.write('[');
  for (let r = 0; r * width < data.length; r++) w.write((r ? ',' : '') + vector(data, r * width, (r + 1) * width));
  w.write(']');
}

/**
 * One value in a fixed-width column: always a leading space, so neighbours never touch even when a value needs
 * more than the 14 characters the column has (toPrecision(8) needs at most 14: "-1.2345678e-10").
 */
export const cell = (v: number): string => ` ${(Number.isInteger(v) ? v.toFixed(1) : v.toPrecision(8)).padStart(14)}`;

export function cells(data: ArrayLike<number>, from = 0, to = data.length): string {
  let s = '';
  for (let k = from; k < to; k++) s += cell(data[k]);
  return s;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The human per-step listing of `run --trace`, step by step. */
export function writeTraceHuman(w: ChunkedWriter, layers: readonly TracedLayer[]): void {
  for (const tl of layers) {
    const { labels, block } = gateBlocks(tl);
    const H = tl.layer.units;
    for (const t of tl.traces) {
      w.write(`\n${tl.recognized.name} (${t.direction === 1 ? 'backward' : 'forward'}) — ${plural(t.steps, 'step')}, gates in ${labels.join(', ')} order; pre = pre-activation z, act = gate value\n`);
      const Hr = t.h.length / t.steps;
      for (let s = 0; s < t.steps; s++) {
        const blocks = block(s);
        let text = `  step ${s} (x_t, t=${t.timeIndex[s]})\n`;
        labels.forEach((g, k) => {
          text += `    ${g.padEnd(2)} pre${cells(t.z, blocks[k][0], blocks[k][1])}   act${cells(t.a, blocks[k][0], blocks[k][1])}\n`;
        });
        if (t.c) text += `    c state${cells(t.c, s * H, (s + 1) * H)}\n`;
        text += `    h state${cells(t.h, s * Hr, (s + 1) * Hr)}\n`;
        w.write(text);
      }
    }
  }
}
