// A model file's read, as the Gate Lens Model webview shows it: the file's tensors and layer configs for the layer
// table, and each recognised recurrent layer with its gates, evidence and weight matrices (for the heatmaps).

import type { ModelView, MatrixView, RecurrentView } from '../../protocol/modelMessages';
import { ADAPTERS, CONVENTIONS, type ConventionId } from '../../core/conventions';
import type { CellKind } from '../../core/conventions';
import type { RecognizedLayer } from '../../core/recognize/types';
import { recognitionText } from '../labels';
import type { ModelRead } from './modelFiles';

/** Matrices above this many values are listed, not drawn: 2²² float64 values are 32 MB through postMessage. */
export const MAX_HEATMAP_VALUES = 1 << 22;

function matrices(read: ModelRead, layer: RecognizedLayer, names: Map<number, string>): MatrixView[] {
  const arrays = read.result.analysis.parse.arrays;
  return layer.arrays.map((role) => {
    const array = arrays[role.arrayIndex];
    const base = { role: role.role, direction: role.direction, name: names.get(role.arrayIndex) ?? array.name ?? role.role, shape: [...array.shape], ...(role.packedAxis !== undefined ? { packedAxis: role.packedAxis } : {}) };
    if (array.values.length > MAX_HEATMAP_VALUES) return { ...base, omitted: `${array.values.length} values` };
    return { ...base, values: array.values.slice().buffer as ArrayBuffer };
  });
}

/** The conventions that have a layout for `cell` (the per-layer picker offers these). */
function conventionChoices(cell: CellKind): { id: ConventionId; title: string }[] {
  return ADAPTERS.filter((a) => CONVENTIONS.some((c) => c.id === a.id && c.cell === cell)).map((a) => ({ id: a.id, title: a.title }));
}

export function modelView(fileName: string, read: ModelRead, chosen: Readonly<Record<string, ConventionId>> = {}): ModelView {
  const { summary, analysis } = read.result;
  // The file's own tensor names (ONNX initializers are renamed lstm0_W etc. for recognition).
  const names = new Map<number, string>();
  for (const t of summary.tensors) if (t.arrayIndex !== undefined && t.name !== undefined) names.set(t.arrayIndex, t.name);
  const recurrent: RecurrentView[] = analysis.recognition.layers.map((l) => ({
    id: l.id, name: l.name, cell: l.cell, convention: l.convention, units: l.units, inputSize: l.inputSize, directions: l.directions,
    ...(l.projSize !== undefined ? { projSize: l.projSize } : {}),
    complete: l.complete,
    gates: l.gates,
    evidence: l.evidence.map((e) => ({ ...e, message: recognitionText(e) })),
    warnings: l.warnings.map((w) => ({ ...w, message: recognitionText(w) })),
    missing: l.missing.map((m) => recognitionText(m)),
    tensorNames: [...new Set(l.arrays.map((r) => names.get(r.arrayIndex) ?? analysis.parse.arrays[r.arrayIndex].name ?? ''))].filter(Boolean),
    matrices: matrices(read, l, names),
    conventionChoices: conventionChoices(l.cell),
    ...(chosen[l.id] ? { chosenConvention: chosen[l.id] } : {}),
  }));
  const dense = analysis.recognition.dense.map((d) => ({
    name: d.name, inputSize: d.layer.inputSize, units: d.layer.units,
    tensorNames: d.arrays.map((r) => names.get(r.arrayIndex) ?? analysis.parse.arrays[r.arrayIndex].name ?? '').filter(Boolean),
  }));
  return {
    fileName, format: summary.format, size: summary.size, ranged: read.ranged, bytesRead: read.bytesRead,
    tensors: summary.tensors, layerConfigs: summary.layerConfigs,
    diagnostics: [...summary.diagnostics, ...analysis.recognition.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: recognitionText(d) }))],
    recurrent, dense,
  };
}
