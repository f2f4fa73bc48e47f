// Shapes printed without values (parse `shapes`): stand-in arrays (NaN, never run) so the usual recognition builds
// the layer skeleton from them — cell, convention, units, input size, directions, gate ranges — and the arrays it
// needs are listed as missing ('shape-only'), with the print call that would give the values.

import type { ExtractedArray, ParseResult } from '../parse/types';
import { missingArray, placeholderArray } from './completeness';
import type { Candidate, LayerCandidate } from './layers';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';
import { fullName } from './names';
import type { Evidence, MissingArray } from './types';

/** Stand-ins are allocated; a shape listing of a huge layer is still described without holding its values twice. */
const MAX_STAND_IN_VALUES = 1 << 24;
/** Indices far past any real array, so a stand-in is never taken for one (toRecognized lists only real indices). */
const INDEX_OFFSET = 2 ** 30;

/** One stand-in per printed shape whose values are nowhere in the text under the same name. */
export function shapeStandIns(parse: ParseResult): ExtractedArray[] {
  const shapes = parse.shapes ?? [];
  if (!shapes.length) return [];
  const withValues = new Set(parse.arrays.map((a) => fullName(a)).filter((n): n is string => n !== undefined));
  const seen = new Set<string>();
  const out: ExtractedArray[] = [];
  for (const s of shapes) {
    if (s.name !== undefined && (withValues.has(s.name) || seen.has(s.name))) continue;
    if (s.shape.reduce((p, d) => p * d, 1) > MAX_STAND_IN_VALUES) continue;
    if (s.name !== undefined) seen.add(s.name);
    const a = placeholderArray(parse.arrays.length + INDEX_OFFSET + out.length, s.shape, s.range, s.name);
    out.push({ ...a, ...(s.nameRange ? { nameRange: s.nameRange } : {}), ...(s.list ? { list: { id: 1_000_000 + s.list.id, position: s.list.position } } : {}) });
  }
  return out;
}

/** The candidate's arrays that are shape stand-ins, as missing entries ('shape-only'). */
export function shapeOnlyMissing(c: Candidate, standIns: ReadonlySet<ExtractedArray>, text: string): MissingArray[] {
  if (c.kind !== 'recurrent' || !standIns.size) return [];
  const out: MissingArray[] = [];
  c.tensors.forEach((t, direction) => {
    for (const [role, a] of Object.entries(t)) {
      if (a && standIns.has(a)) out.push(missingArray(role, direction, 'shape-only', c.name, text, { ...(a.name !== undefined ? { name: a.name } : {}), range: a.range, shape: a.shape }));
    }
  });
  return out;
}

/** The call that prints every value of the layer, in the framework the shapes came from. */
export function fullPrintAdvice(c: LayerCandidate): Evidence {
  const call = c.family === 'pytorch'
    ? 'torch.set_printoptions(profile="full", precision=17); [print(n, p) for n, p in model.named_parameters()]'
    : c.family === 'onnx'
      ? '[print(t.name, onnx.numpy_helper.to_array(t).tolist()) for t in model.graph.initializer]'
      : 'np.set_printoptions(threshold=sys.maxsize, precision=17); [print(w.path if hasattr(w, "path") else w.name, w.numpy()) for w in layer.weights]';
  return templated('print-full-values', MSG.printFullValues, call);
}

export function isShapeOnlyDense(c: Candidate, standIns: ReadonlySet<ExtractedArray>): boolean {
  return c.kind === 'dense' && (standIns.has(c.kernel) || (c.bias !== undefined && standIns.has(c.bias)));
}
