// A model file's read, as the Gate Lens Model webview shows it: the file's tensors and layer configs for the layer
// table, and each recognised recurrent layer with its gates, evidence and weight matrices' shapes (the heatmaps'
// values are asked for separately: see heatmaps.ts). Built from the read's preview, so it needs no weight value.

import type { ModelView, MatrixView, RecurrentView } from '../../protocol/modelMessages';
import { ADAPTERS, CONVENTIONS, type ConventionId } from '../../core/conventions';
import type { CellKind } from '../../core/conventions';
import type { ModelPreview } from '../../worker/modelProtocol';
import { recognitionText } from '../labels';
import type { ModelPreviewRead } from './modelFiles';

type PreviewLayer = ModelPreview['layers'][number];

function matrices(preview: ModelPreview, layer: PreviewLayer, names: Map<number, string>): MatrixView[] {
  return layer.arrays.map((role) => {
    const array = preview.arrays[role.arrayIndex];
    return { role: role.role, direction: role.direction, name: names.get(role.arrayIndex) ?? array.name ?? role.role, shape: [...array.shape], ...(role.packedAxis !== undefined ? { packedAxis: role.packedAxis } : {}) };
  });
}

/** The conventions that have a layout for `cell` (the per-layer picker offers these). */
function conventionChoices(cell: CellKind): { id: ConventionId; title: string }[] {
  return ADAPTERS.filter((a) => CONVENTIONS.some((c) => c.id === a.id && c.cell === cell)).map((a) => ({ id: a.id, title: a.title }));
}

export function modelView(fileName: string, read: ModelPreviewRead, chosen: Readonly<Record<string, ConventionId>> = {}): ModelView {
  const { preview } = read;
  const { summary } = preview;
  // The file's own tensor names (ONNX initializers are renamed lstm0_W etc. for recognition).
  const names = new Map<number, string>();
  for (const t of summary.tensors) if (t.arrayIndex !== undefined && t.name !== undefined) names.set(t.arrayIndex, t.name);
  const recurrent: RecurrentView[] = preview.layers.map((l) => ({
    id: l.id, name: l.name, cell: l.cell, convention: l.convention, units: l.units, inputSize: l.inputSize, directions: l.directions,
    ...(l.projSize !== undefined ? { projSize: l.projSize } : {}),
    complete: l.complete,
    gates: l.gates,
    evidence: l.evidence.map((e) => ({ ...e, message: recognitionText(e) })),
    warnings: l.warnings.map((w) => ({ ...w, message: recognitionText(w) })),
    missing: l.missing.map((m) => recognitionText(m)),
    tensorNames: [...new Set(l.arrays.map((r) => names.get(r.arrayIndex) ?? preview.arrays[r.arrayIndex].name ?? ''))].filter(Boolean),
    matrices: matrices(preview, l, names),
    conventionChoices: conventionChoices(l.cell),
    ...(chosen[l.id] ? { chosenConvention: chosen[l.id] } : {}),
  }));
  const dense = preview.dense.map((d) => ({
    name: d.name, inputSize: d.inputSize, units: d.units,
    tensorNames: d.arrays.map((r) => names.get(r.arrayIndex) ?? preview.arrays[r.arrayIndex].name ?? '').filter(Boolean),
  }));
  return {
    fileName, format: summary.format, size: summary.size, ranged: read.ranged, bytesRead: read.bytesRead,
    tensors: summary.tensors, layerConfigs: summary.layerConfigs,
    diagnostics: [...summary.diagnostics, ...preview.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: recognitionText(d) }))],
    recurrent, dense,
  };
}
