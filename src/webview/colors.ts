// Colour scales for the heatmaps. The colours themselves come from the theme (--vscode-* variables read by the
// page); this module turns them into a lookup table and maps values onto it. Pure: tested in Node.

export type Rgb = readonly [number, number, number];

/** Parse #rgb, #rrggbb, #rrggbbaa, rgb(…) and rgba(…); undefined for anything else (named colours, empty). */
export function parseColor(text: string): Rgb | undefined {
  const s = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    const hex = m[1];
    if (hex.length === 3 || hex.length === 4) return [0, 1, 2].map((k) => parseInt(hex[k] + hex[k], 16)) as unknown as Rgb;
    if (hex.length === 6 || hex.length === 8) return [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16)) as unknown as Rgb;
    return undefined;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.max(0, Math.min(255, Math.round(v)))) as unknown as Rgb;
  return undefined;
}

export interface ColorScale {
  readonly min: number;
  readonly max: number;
  /** Diverging: 0 sits at the middle colour; sequential: min at the middle (background) colour, max at `high`. */
  readonly diverging: boolean;
}

/**
 * Scale for a set of values: symmetric diverging when they change sign, sequential from 0 otherwise, so a sigmoid
 * gate at 0.5 and a tanh at 0.5 land on the same colour. Degenerate ranges widen to ±1 so nothing divides by zero.
 */
export function scaleFor(lo: number, hi: number): ColorScale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: -1, max: 1, diverging: true };
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    return { min: -m, max: m, diverging: true };
  }
  if (lo >= 0) return { min: 0, max: hi > 0 ? hi : 1, diverging: false };
  return { min: lo < 0 ? lo : -1, max: 0, diverging: false };
}

/** LUT of `size` RGBA entries: low → mid → high (diverging) or mid → high (sequential). */
export function buildLut(scale: ColorScale, low: Rgb, mid: Rgb, high: Rgb, size = 256): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(size * 4);
  for (let k = 0; k < size; k++) {
    const s = k / (size - 1);
    let from: Rgb, to: Rgb, w: number;
    if (scale.diverging) {
      if (s < 0.5) { from = low; to = mid; w = s * 2; } else { from = mid; to = high; w = (s - 0.5) * 2; }
    } else if (scale.max <= 0) {
      // All-negative data: the strongest colour sits at the most negative value.
      from = low; to = mid; w = s;
    } else {
      from = mid; to = high; w = s;
    }
    lut[k * 4] = from[0] + (to[0] - from[0]) * w;
    lut[k * 4 + 1] = from[1] + (to[1] - from[1]) * w;
    lut[k * 4 + 2] = from[2] + (to[2] - from[2]) * w;
    lut[k * 4 + 3] = 255;
  }
  return lut;
}

/** Index into a LUT of `size` entries; values beyond the scale clamp to its ends, NaN gives -1 (drawn as a hole). */
export function lutIndex(v: number, scale: ColorScale, size = 256): number {
  if (Number.isNaN(v)) return -1;
  const s = (v - scale.min) / (scale.max - scale.min);
  const k = Math.round(s * (size - 1));
  return k < 0 ? 0 : k >= size ? size - 1 : k;
}

/**
 * Paint a rows × cols image where pixel (row, col) = values[col·rowStride + rowOffset(row)]: time runs along x,
 * units along y. `rowMap[row]` gives the column in each step's record, so gate blocks can be stacked in any order.
 */
export function paintHeatmap(
  values: Float64Array, steps: number, recordWidth: number, rowMap: Int32Array,
  scale: ColorScale, lut: Uint8ClampedArray, hole: Rgb, out: Uint8ClampedArray,
): void {
  const rows = rowMap.length;
  const size = lut.length / 4;
  for (let r = 0; r < rows; r++) {
    const col = rowMap[r];
    for (let t = 0; t < steps; t++) {
      const k = lutIndex(values[t * recordWidth + col], scale, size);
      const p = (r * steps + t) * 4;
      if (k < 0) { out[p] = hole[0]; out[p + 1] = hole[1]; out[p + 2] = hole[2]; out[p + 3] = 255; continue; }
      out[p] = lut[k * 4]; out[p + 1] = lut[k * 4 + 1]; out[p + 2] = lut[k * 4 + 2]; out[p + 3] = 255;
    }
  }
}
