// Gate identities and the gate orders the frameworks use, shared by every adapter.

import type { CanonicalGate, CellKind, ConventionSpec, Dim, GateSpec } from './types';

export const CANONICAL_GATES: Record<CellKind, readonly CanonicalGate[]> = {
  lstm: ['i', 'f', 'c', 'o'],
  gru: ['z', 'r', 'n'],
  simple_rnn: ['h'],
};

export function gateCount(cell: CellKind): number {
  return CANONICAL_GATES[cell].length;
}

const LSTM_NAMES = { i: 'input gate', f: 'forget gate', c: 'cell candidate', o: 'output gate' } as const;
const GRU_NAMES = { z: 'update gate', r: 'reset gate', n: 'candidate' } as const;
const g = (gate: CanonicalGate, label: string, name: string): GateSpec => ({ gate, label, name });

/** An LSTM gate with the framework's own letter for it. */
export const lstmGate = (gate: 'i' | 'f' | 'c' | 'o', label: string = gate): GateSpec => g(gate, label, LSTM_NAMES[gate]);
/** A GRU gate with the framework's own letter for it. */
export const gruGate = (gate: 'z' | 'r' | 'n', label: string = gate): GateSpec => g(gate, label, GRU_NAMES[gate]);

export const LSTM_IFCO = [lstmGate('i'), lstmGate('f'), lstmGate('c'), lstmGate('o')];
export const LSTM_IFGO = [lstmGate('i'), lstmGate('f'), lstmGate('c', 'g'), lstmGate('o')];
export const LSTM_IOFC = [lstmGate('i'), lstmGate('o'), lstmGate('f'), lstmGate('c')];
export const LSTM_ICFO = [lstmGate('i'), lstmGate('c', 'j'), lstmGate('f'), lstmGate('o')];
export const GRU_ZRH = [gruGate('z'), gruGate('r'), gruGate('n', 'h')];
export const GRU_RZN = [gruGate('r'), gruGate('z'), gruGate('n')];
export const RNN_H = [g('h', 'h', 'hidden pre-activation')];

export const GH = (times: number): Dim => ({ times, of: 'H' });

export interface GateRange {
  readonly gate: CanonicalGate;
  readonly label: string;
  readonly name: string;
  /** Half-open range [start, end) along the packed axis, in this convention's storage order. */
  readonly start: number;
  readonly end: number;
}

/** Where each gate sits along the packed axis of size G·units in this convention (one direction). */
export function gateRanges(spec: ConventionSpec, units: number): GateRange[] {
  return spec.gateOrder.map((gs, k) => ({ gate: gs.gate, label: gs.label, name: gs.name, start: k * units, end: (k + 1) * units }));
}

/** "f — forget gate", or the convention's own letter where it differs: "g — cell candidate". */
export function gateTitle(gs: { label: string; name: string }): string {
  return `${gs.label} — ${gs.name}`;
}
