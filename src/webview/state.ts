// What the view remembers across reloads (vscode.getState/setState): small, JSON-safe, validated on the way in
// because a stored state may come from an older version of the view.

import type { ConventionId } from '../core/conventions';

export type SourceKind = 'zeros' | 'random' | 'array';

export interface ViewState {
  layerId?: string;
  step: number;
  convention?: ConventionId;
  split: boolean;
  unitOffset: number;
  direction: number;
  /** The input source the user picked; unset means the default (the file's input array when there is one). */
  source?: SourceKind;
  steps: number;
  seed: number;
  arrayIndex?: number;
  speed: number;
}

export const DEFAULT_STATE: ViewState = { step: 0, split: false, unitOffset: 0, direction: 0, steps: 10, seed: 0, speed: 8 };

const CONVENTION_IDS: readonly ConventionId[] = ['keras', 'pytorch', 'onnx', 'tf1', 'keras_cudnn'];

function int(v: unknown, lo: number, hi: number, dflt: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : dflt;
}

export function restoreState(raw: unknown): ViewState {
  const s: ViewState = { ...DEFAULT_STATE };
  if (typeof raw !== 'object' || raw === null) return s;
  const r = raw as Record<string, unknown>;
  if (typeof r.layerId === 'string') s.layerId = r.layerId;
  if (typeof r.convention === 'string' && (CONVENTION_IDS as readonly string[]).includes(r.convention)) s.convention = r.convention as ConventionId;
  s.step = int(r.step, 0, 1e9, 0);
  s.split = r.split === true;
  s.unitOffset = int(r.unitOffset, 0, 1e9, 0);
  s.direction = int(r.direction, 0, 1, 0);
  if (r.source === 'zeros' || r.source === 'random' || r.source === 'array') s.source = r.source;
  s.steps = int(r.steps, 1, 1_000_000, DEFAULT_STATE.steps);
  s.seed = int(r.seed, 0, 2 ** 31 - 1, 0);
  if (typeof r.arrayIndex === 'number' && Number.isInteger(r.arrayIndex) && r.arrayIndex >= 0) s.arrayIndex = r.arrayIndex;
  s.speed = int(r.speed, 1, 120, DEFAULT_STATE.speed);
  return s;
}
