// "Open as Text": a model file's layer as Python text — one named NumPy array per tensor, in the file's own names,
// shapes and element order, every value at full precision (the shortest decimal that reads back as the same
// float64) — so the text features (hovers, gate labels, slicing code, runs) work on it like on a paste.

export interface NamedTensorValues {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly values: Float64Array;
}

export interface LayerTextHeader {
  readonly fileName: string;
  readonly format: string;
  readonly layerName: string;
  /** The file's own description of the layer (Keras config, PyTorch module attributes, ONNX attributes). */
  readonly config?: string;
}

/** A Python float literal that NumPy parses back to the same float64. */
export function pythonFloatLiteral(v: number): string {
  if (Number.isNaN(v)) return 'np.nan';
  if (v === Infinity) return 'np.inf';
  if (v === -Infinity) return '-np.inf';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s.replace('e+', 'e');
}

function nested(values: Float64Array, shape: readonly number[], offset: number, depth: number, indent: string): string {
  if (shape.length === 0) return pythonFloatLiteral(values[offset]);
  const [n, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  if (rest.length === 0) {
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(pythonFloatLiteral(values[offset + k]));
    return `[${parts.join(', ')}]`;
  }
  const inner = indent + ' ';
  const rows: string[] = [];
  for (let k = 0; k < n; k++) rows.push(nested(values, rest, offset + k * stride, depth + 1, inner));
  return `[${rows.join(`,\n${inner}`)}]`;
}

/** `"name": np.array([...])` entries of one dict, so names with dots and slashes stay as the file spells them. */
export function layerText(header: LayerTextHeader, tensors: readonly NamedTensorValues[]): string {
  const lines = [
    `# Gate Lens: layer ${JSON.stringify(header.layerName)} of ${header.fileName} (${header.format}), exported with "Open as Text".`,
    '# Full precision (each value reads back as the same float64); the file\'s own tensor names, shapes and layout.',
  ];
  if (header.config) lines.push(`# In the file: ${header.config.replace(/[\r\n]+/g, ' ')}`);
  lines.push('import numpy as np', '', 'weights = {');
  for (const t of tensors) {
    const key = JSON.stringify(t.name);
    const prefix = `    ${key}: np.array(`;
    lines.push(`${prefix}${nested(t.values, t.shape, 0, 0, ' '.repeat(prefix.length))}),  # shape (${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''}), ${t.dtype} in the file`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
