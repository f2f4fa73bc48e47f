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
 * Paint a rows × steps image where pixel (row, t) = values[t·recordWidth + rowMap[row]]: time runs along x, units
 * along y. `rowMap[row]` gives the column in each step's record, so gate blocks can be stacked in any order.
 * The source is step-major and the image row-major, so one side is always strided; tiles of 32 steps keep both
 * in cache (about 4× faster than either plain loop order at 2048 rows × 1000 steps). Pixels go through 32-bit
 * views: the LUT entry and the pixel are the same four bytes, so byte order does not matter.
 */
export function paintHeatmap(
  values: Float64Array, steps: number, recordWidth: number, rowMap: Int32Array,
  scale: ColorScale, lut: Uint8ClampedArray, hole: Rgb, out: Uint8ClampedArray,
): void {
  const rows = rowMap.length;
  const size = lut.length / 4;
  const lut32 = new Uint32Array(lut.buffer, lut.byteOffset, size);
  const out32 = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  const hole32 = new Uint32Array(Uint8ClampedArray.of(hole[0], hole[1], hole[2], 255).buffer)[0];
  const k = (size - 1) / (scale.max - scale.min);
  const min = scale.min, last = size - 1;
  const TILE = 32;
  for (let t0 = 0; t0 < steps; t0 += TILE) {
    const t1 = Math.min(steps, t0 + TILE);
    for (let r = 0; r < rows; r++) {
      const col = rowMap[r];
      const o = r * steps;
      for (let t = t0; t < t1; t++) {
        const v = values[t * recordWidth + col];
        if (v !== v) { out32[o + t] = hole32; continue; } // NaN
        const x = (v - min) * k;
        out32[o + t] = lut32[x <= 0 ? 0 : x >= last ? last : (x + 0.5) | 0];
      }
    }
  }
}
