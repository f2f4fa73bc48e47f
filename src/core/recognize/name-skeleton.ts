// Arrays the text names but whose values could not be read at all, with no shape printed either (every print cut to
// its first value with '...', as in Keras 1's `Param lstm_3_W_i: [[ 0.00069305, ...]]`): the names still say the
// convention and the cell, and a constructor in the text gives the sizes (`LSTM(4, input_dim=5)`). The layer is a
// skeleton — cell, convention, units, input size, gate ranges — with every array listed as missing, never run.

import type { CellKind } from '../conventions';
import type { Hints, LayerHint } from '../hints/constructors';
import { missingArray, missingFromDiagnostic, placeholderArray, type PositionOf, type UnreadableArray } from './completeness';
import type { DirectionTensors, LayerCandidate } from './layers';
import { RECOGNISER_TEMPLATES as MSG, templated } from './messages';
import type { MissingArray } from './types';

/** Keras 1 per-gate letters in stored order (keras 1.2.2 recurrent.py); z, r, h are GRU's, i, c, f, o LSTM's. */
const KERAS1_LETTERS: Readonly<Record<'lstm' | 'gru', readonly string[]>> = { lstm: ['i', 'c', 'f', 'o'], gru: ['z', 'r', 'h'] };

/** The poster's own Keras 1 loop (names from trainable_weights, values from get_weights()) with NumPy's summary lifted. */
const KERAS1_FULL_PRINT = 'import sys; np.set_printoptions(threshold=sys.maxsize, precision=17); [print(w.name, v) for w, v in zip(layer.trainable_weights, layer.get_weights())]';

interface Keras1Group {
  readonly layer: string;
  readonly members: UnreadableArray[];
}

/** Unreadable arrays with Keras 1 per-gate names, by layer (the `lstm_3` of `lstm_3_W_i`). */
function keras1Groups(unreadable: readonly UnreadableArray[]): Keras1Group[] {
  const byKey = new Map<string, Keras1Group>();
  for (const u of unreadable) {
    if (u.key === undefined || !u.key.startsWith('adapter:keras1|') || !/^[WUb]_[icfozrh]$/.test(u.role ?? '')) continue;
    const layer = u.key.slice('adapter:keras1|'.length);
    if (!byKey.has(u.key)) byKey.set(u.key, { layer, members: [] });
    byKey.get(u.key)!.members.push(u);
  }
  return [...byKey.values()];
}

function cellOfLetters(roles: readonly string[]): 'lstm' | 'gru' | undefined {
  const letters = new Set(roles.map((r) => r.slice(2)));
  const lstm = [...letters].every((l) => KERAS1_LETTERS.lstm.includes(l));
  const gru = [...letters].every((l) => KERAS1_LETTERS.gru.includes(l));
  return lstm && !gru ? 'lstm' : gru && !lstm ? 'gru' : undefined;
}

/** The one Keras constructor of this cell that gives both sizes; none when there are several (which one is unknown). */
function sizingConstructor(hints: Hints, cell: CellKind): LayerHint | undefined {
  const fits = hints.layers.filter((h) => h.framework === 'keras' && h.cell === cell && !h.cudnn && !h.tf1);
  return fits.length === 1 && fits[0].units !== undefined && fits[0].inputSize !== undefined ? fits[0] : undefined;
}

/**
 * Skeleton layers from named but unreadable Keras 1 arrays, sized by the text's constructor. Returns the candidates
 * (with `missing` filled: the printed arrays as cut short, the others as not in the text) and the arrays they claim.
 */
export function nameOnlySkeletons(
  unreadable: readonly UnreadableArray[], hints: Hints, text: string, at: PositionOf, nextIndex: () => number,
): Array<{ candidate: LayerCandidate; claims: UnreadableArray[] }> {
  const out: Array<{ candidate: LayerCandidate; claims: UnreadableArray[] }> = [];
  for (const g of keras1Groups(unreadable)) {
    const cell = cellOfLetters(g.members.map((m) => m.role!));
    const hint = cell && sizingConstructor(hints, cell);
    if (!cell || !hint) continue;
    const H = hint.units!;
    const I = hint.inputSize!;
    const anchor = g.members[0].diagnostic.range;
    const tensors: DirectionTensors = {};
    const missing: MissingArray[] = [];
    for (const letter of KERAS1_LETTERS[cell]) {
      for (const [kind, shape] of [['W', [I, H]], ['U', [H, H]], ['b', [H]]] as const) {
        const role = `${kind}_${letter}`;
        const printed = g.members.find((m) => m.role === role);
        tensors[role] = placeholderArray(nextIndex(), shape, printed?.diagnostic.range ?? anchor, printed?.diagnostic.name);
        missing.push(printed ? missingFromDiagnostic(printed, role, 0, g.layer, text, at, shape) : missingArray(role, 0, 'absent', g.layer, at, { shape }));
      }
    }
    const title = cell === 'lstm' ? 'LSTM' : 'GRU';
    const names = g.members.map((m) => m.diagnostic.name ?? m.role!);
    const candidate: LayerCandidate = {
      kind: 'recurrent', name: g.layer, module: g.layer, family: 'keras', convention: 'keras1', cell, units: H, inputSize: I, directions: 1,
      tensors: [tensors], ...(cell === 'gru' ? { resetAfter: false } : {}), useBias: true,
      evidence: [
        templated('name-pattern', MSG.namesToFamily, `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`, 'Keras 1'),
        templated('shape', MSG.keras1NamesSized, title, KERAS1_LETTERS[cell].join(', '), `\`${hint.text.length > 70 ? `${hint.text.slice(0, 67)}…` : hint.text}\``, H, I),
      ],
      warnings: [templated('print-full-values', MSG.printFullValuesCut, KERAS1_FULL_PRINT)], alternatives: [], named: true, missing,
    };
    out.push({ candidate, claims: g.members });
  }
  return out;
}
