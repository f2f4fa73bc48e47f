// ONNX initializer dims printed as lists (`for t in model.graph.initializer: print(t.name, t.dims)` gives
// `W [2, 256, 36]`, `R [2, 256, 64]`, `B [2, 512]`): the reader takes each list for a tiny array of values, but an ONNX W
// or R is 3-D, so a 1-D W of three positive integers can never be the weights. When W and R (and B, P) of one group
// read as dims form one consistent ONNX layer — W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H], P [D, 3·H] — they are
// shapes: the layer is a skeleton whose values are missing (shapes.ts turns the shapes into stand-ins).

import type { ExtractedArray, ParseResult, ShapeOnlyArray } from '../parse/types';
import { classifyName } from './names';

const isDims = (a: ExtractedArray): boolean => a.shape.length === 1 && a.values.length >= 2 && a.values.length <= 3 && a.values.every((v) => Number.isInteger(v) && v > 0);

/** Whether the dims of W, R (and B, P when printed) fit one ONNX LSTM, GRU or RNN. */
function consistent(dims: Readonly<Record<string, readonly number[]>>): boolean {
  const { W, R, B, P } = dims;
  if (!W || !R || W.length !== 3 || R.length !== 3) return false;
  const [D, GH, I] = W;
  const H = R[2];
  const G = GH / H;
  if (!(D === 1 || D === 2) || R[0] !== D || R[1] !== GH || I < 1 || !(G === 4 || G === 3 || G === 1)) return false;
  if (B && (B.length !== 2 || B[0] !== D || B[1] !== 2 * GH)) return false;
  if (P && (G !== 4 || P.length !== 2 || P[0] !== D || P[1] !== 3 * H)) return false;
  return true;
}

/** The dims listings of ONNX initializers among the parsed arrays: as shapes, and the arrays they replace. */
export function onnxDimsListings(parse: ParseResult): { shapes: ShapeOnlyArray[]; replaced: ReadonlySet<number> } {
  const groups = new Map<string, Map<string, ExtractedArray>>();
  for (const a of parse.arrays) {
    if (a.name === undefined || a.list || !isDims(a)) continue;
    const info = classifyName(a);
    if (info?.family !== 'onnx') continue;
    if (!groups.has(info.group)) groups.set(info.group, new Map());
    const roles = groups.get(info.group)!;
    if (!roles.has(info.role)) roles.set(info.role, a);
  }
  const shapes: ShapeOnlyArray[] = [];
  const replaced = new Set<number>();
  for (const roles of groups.values()) {
    const dims = Object.fromEntries([...roles].map(([role, a]) => [role, Array.from(a.values)]));
    if (!consistent(dims)) continue;
    for (const a of roles.values()) {
      replaced.add(a.index);
      shapes.push({ name: a.name!, ...(a.nameRange ? { nameRange: a.nameRange } : {}), shape: Array.from(a.values), range: a.range });
    }
  }
  return { shapes, replaced };
}
