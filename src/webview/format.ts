// Number formatting for the step view and the NumPy copy. Pure functions: no DOM.

/**
 * A compact, fixed-width-ish rendering for a cell: 4 decimals in the usual range, exponent notation for very
 * small or very large magnitudes so that 3e-9 does not read as 0. Negative zero prints as 0.0000.
 */
export function formatCell(v: number, decimals = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+∞';
  if (v === -Infinity) return '−∞';
  if (v === 0) return (0).toFixed(decimals);
  const mag = Math.abs(v);
  if (mag >= 1e5 || mag < Math.pow(10, -decimals) / 2) return minus(v.toExponential(Math.max(1, decimals - 2)));
  return minus(v.toFixed(decimals));
}

// A typographic minus keeps columns aligned and is read as "minus" by screen readers.
function minus(s: string): string {
  return s.charCodeAt(0) === 45 ? '−' + s.slice(1) : s;
}

/** Full precision for tooltips and screen readers: the shortest string that round-trips the float64. */
export function formatExact(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+∞';
  if (v === -Infinity) return '−∞';
  return minus(String(v));
}

/** A Python float literal that NumPy parses back to the same float64 (JS shortest round-trip digits). */
export function pythonFloat(v: number): string {
  if (Number.isNaN(v)) return 'np.nan';
  if (v === Infinity) return 'np.inf';
  if (v === -Infinity) return '-np.inf';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  // Python prints integral floats with ".0"; "1e+21" is valid Python but keep it readable.
  if (/^-?\d+$/.test(s)) return s + '.0';
  return s.replace('e+', 'e');
}

/** `name = np.array([v0, v1, ...])`, wrapped every `perLine` values so long vectors stay readable. */
export function numpyArray(name: string, values: ArrayLike<number>, perLine = 8): string {
  const parts: string[] = [];
  for (let k = 0; k < values.length; k++) parts.push(pythonFloat(values[k]));
  if (parts.length <= perLine) return `${name} = np.array([${parts.join(', ')}])`;
  const lines: string[] = [];
  for (let k = 0; k < parts.length; k += perLine) lines.push('    ' + parts.slice(k, k + perLine).join(', '));
  return `${name} = np.array([\n${lines.join(',\n')},\n])`;
}

/** A Python identifier from a gate label or layer name ("g" stays "g"; "lstm 1" becomes "lstm_1"). */
export function pythonName(raw: string): string {
  let s = raw.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(s)) s = '_' + s;
  return s;
}
