// The "Copy step as NumPy" text: the current step's values in the order the user stored them, ready to paste
// into Python to check against their own framework.

import { convention } from './conventions';
import { numpyArray, pythonName } from './format';
import { blockValues, inputRow, prevCell, prevHidden, zBlocks, type TraceData, type ZBlock } from './trace';

export function stepAsNumpy(tr: TraceData, t: number, directionName: string): string {
  const spec = convention(tr.convention, tr.cell);
  const blocks = zBlocks(tr.cell, tr.convention, tr.convention, tr.units);
  const H = tr.units;
  const lines: string[] = [];
  const layer = tr.layerName ? `${tr.layerName} (${spec.framework} ${tr.cell})` : `${spec.framework} ${tr.cell}`;
  lines.push(`# Gate Lens: ${layer}, step ${t + 1} of ${tr.steps}, input x[${tr.timeIndex[t]}], ${directionName} direction`);
  lines.push(`# z and its parts in the stored ${spec.framework} column order: ${blocks.map((b) => `${b.label} [${b.start}:${b.end}]`).join(', ')}`);
  if (tr.cell === 'gru') lines.push(`# reset gate applied ${tr.resetAfter ? 'after U·h (reset_after=True)' : 'before U (reset_after=False)'}`);
  lines.push('import numpy as np');
  const ti = inputRow(tr, t);
  lines.push(numpyArray('x', tr.x.subarray(ti * tr.inputSize, (ti + 1) * tr.inputSize)) + `  # x[${tr.timeIndex[t]}]`);
  const hPrev = new Float64Array(tr.hiddenSize);
  for (let u = 0; u < tr.hiddenSize; u++) hPrev[u] = prevHidden(tr, t, u);
  if (t > 0 || tr.h0) lines.push(numpyArray('h_prev', hPrev));
  if (tr.cell === 'lstm' && tr.c && (t > 0 || tr.c0)) {
    const cPrev = new Float64Array(H);
    for (let u = 0; u < H; u++) cPrev[u] = prevCell(tr, t, u).value;
    lines.push(numpyArray('c_prev', cPrev));
  }
  const stored = (src: Float64Array): Float64Array => {
    const out = new Float64Array(blocks.length * H);
    const tmp = new Float64Array(H);
    for (const b of blocks) out.set(blockValues(src, tr, t, b, tmp), b.start);
    return out;
  };
  const bias = (vec: Float64Array): Float64Array => {
    const out = new Float64Array(blocks.length * H);
    for (const b of blocks) out.set(vec.subarray(b.canonicalOffset, b.canonicalOffset + H), b.start);
    return out;
  };
  lines.push(numpyArray('xW_plus_bW', stored(tr.zx)) + '  # x·W + bW');
  lines.push(numpyArray('hU_plus_bU', stored(tr.zh)) + (tr.cell === 'gru' && !tr.resetAfter ? '  # n block: (r⊙h)·U_n + bU_n' : '  # h·U + bU'));
  lines.push(numpyArray('bW', bias(tr.bW)));
  lines.push(numpyArray('bU', bias(tr.bR)));
  lines.push(numpyArray('z', stored(tr.z)) + '  # the pre-activation each gate receives');
  const act = stored(tr.a);
  for (const b of blocks) lines.push(numpyArray(`a_${pythonName(b.label)}`, act.subarray(b.start, b.end)) + `  # ${b.name}`);
  if (tr.cell === 'lstm' && tr.c) lines.push(numpyArray('c', tr.c.subarray(t * H, (t + 1) * H)));
  lines.push(numpyArray('h', tr.h.subarray(t * tr.hiddenSize, (t + 1) * tr.hiddenSize)));
  return lines.join('\n') + '\n';
}

/**
 * One z block of a step at full precision (every digit of the float64, whatever the view shows), as a NumPy line named
 * by the block's letter in the convention the view names columns by: `z_f = np.array([...])  # step 1, f [3:6]`.
 */
export function blockAsNumpy(tr: TraceData, t: number, block: ZBlock): string {
  const values = blockValues(tr.z, tr, t, block, new Float64Array(tr.units));
  return `${numpyArray(`z_${pythonName(block.label)}`, values)}  # step ${t + 1}, ${block.label} [${block.start}:${block.end}]\n`;
}
