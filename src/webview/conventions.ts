// The conventions as the step panel's page knows them: names and gate orders only, from the generated table
// (conventionNames.ts). The page never converts or generates code with a convention, and the registry's adapters
// would triple the bundle every new panel has to receive and compile.

import type { CellKind, ConventionId, ConventionSpec } from '../core/conventions/types';
import { CONVENTION_NAMES } from './conventionNames';

export type ConventionNames = Pick<ConventionSpec, 'id' | 'cell' | 'framework' | 'gateOrder' | 'defaultResetAfter'>;

export function isConventionId(value: unknown): value is ConventionId {
  return typeof value === 'string' && CONVENTION_NAMES.some((c) => c.id === value);
}

export function convention(id: ConventionId, cell: CellKind): ConventionNames {
  const names = CONVENTION_NAMES.find((c) => c.id === id && c.cell === cell);
  if (!names) throw new Error(`The ${id} convention has no ${cell === 'simple_rnn' ? 'SimpleRNN' : cell.toUpperCase()} layout.`);
  return names;
}

export function conventionsFor(cell: CellKind): ConventionNames[] {
  return CONVENTION_NAMES.filter((c) => c.cell === cell);
}
