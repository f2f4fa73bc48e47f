// The registry of conventions: how each framework stores a recurrent layer. One adapter per convention
// (./<id>.ts) holds every fact and every piece of code that differs between frameworks; everything else (the
// conversion, the recogniser, the code generator, the editor's labels and pickers, docs/conventions.md) reads
// this registry instead of testing ids. Adding a convention = one adapter file + its line in ADAPTERS + fixtures.

import { coremlAdapter } from './coreml';
import { cudnnAdapter } from './cudnn';
import { flaxAdapter } from './flax';
import { kerasAdapter } from './keras';
import { keras1Adapter } from './keras1';
import { matlabAdapter } from './matlab';
import { mindsporeAdapter } from './mindspore';
import { mlxAdapter } from './mlx';
import { mxnetAdapter } from './mxnet';
import { kerasCudnnAdapter } from './keras_cudnn';
import { onednnAdapter } from './onednn';
import { onnxAdapter } from './onnx';
import { openvinoAdapter } from './openvino';
import { paddleAdapter } from './paddle';
import { pytorchAdapter } from './pytorch';
import { tensorrtAdapter } from './tensorrt';
import { tf1Adapter } from './tf1';
import { tfliteAdapter } from './tflite';
import { GateLensError } from '../model';
import type { CellKind, ConventionAdapter, ConventionSpec } from './types';

/** Every convention, in the order pickers, settings and the docs table list them. */
export const ADAPTERS = [
  kerasAdapter, kerasCudnnAdapter, pytorchAdapter, onnxAdapter, tf1Adapter, flaxAdapter, keras1Adapter,
  // Documented, not run against the framework (DOCUMENTED_NOTE):
  matlabAdapter, mxnetAdapter, paddleAdapter, mindsporeAdapter, coremlAdapter, tfliteAdapter, openvinoAdapter, tensorrtAdapter, onednnAdapter, cudnnAdapter, mlxAdapter,
] as const;

export type ConventionId = (typeof ADAPTERS)[number]['id'];

export const CONVENTION_IDS: readonly ConventionId[] = ADAPTERS.map((a) => a.id);

export function isConventionId(value: unknown): value is ConventionId {
  return typeof value === 'string' && (CONVENTION_IDS as readonly string[]).includes(value);
}

const BY_ID = new Map<string, ConventionAdapter<ConventionId>>(ADAPTERS.map((a) => [a.id, a as ConventionAdapter<ConventionId>]));

export function adapter(id: ConventionId): ConventionAdapter<ConventionId> {
  const a = BY_ID.get(id);
  if (!a) throw new Error(`No convention ${id} is registered.`);
  return a;
}

/** Shown with every layer read in a convention checked only against its framework's documentation. */
export const DOCUMENTED_NOTE = 'documented, not run against the framework: Gate Lens follows its documentation and source (links in docs/conventions.md), no fixture from the framework itself checks it';

/** Every registry row (framework × cell). */
export const CONVENTIONS: readonly ConventionSpec[] = ADAPTERS.flatMap((a) => a.cells.map((c): ConventionSpec => ({ ...c, id: a.id })));

export function convention(id: ConventionId, cell: CellKind): ConventionSpec {
  const spec = CONVENTIONS.find((c) => c.id === id && c.cell === cell);
  if (!spec) throw new GateLensError('not-representable', `${adapter(id).title} has no ${cell === 'simple_rnn' ? 'SimpleRNN' : cell.toUpperCase()} layer: no ${cell} layout is defined for the ${id} convention.`);
  return spec;
}

export function conventionsFor(cell: CellKind): ConventionSpec[] {
  return CONVENTIONS.filter((c) => c.cell === cell);
}

export { CANONICAL_GATES, gateCount, gateRanges, gateTitle, type GateRange } from './gates';
export type {
  BiasLayout, CanonicalGate, CellKind, ConventionAdapter, ConventionSpec, Dim, GateSpec, PackedAxis, TensorSpec, Capabilities, SourceLink,
} from './types';
